"""Load test of the team server: many reporting clients on 127.0.0.1, then totals checked exactly.

Starts ``aifootprint serve`` (a subprocess, SQLite in a temp dir unless ``--database-url``), then ``--clients``
threads (default 50) each create a run and upload ``--devices`` samples per tick at ``--hz`` ticks per second
(default 10 Hz: one POST per tick, i.e. 500 requests/s offered by 50 clients) for ``--duration`` seconds (default
60). A failed POST is retried with the same batch id (the server's idempotency keeps counts exact). Clients that
fall behind send their remaining batches back to back, for at most ``--drain`` seconds after the end; then
everything stops by itself. ``--batch-s 1`` sends one batch per second of 10 Hz samples instead (the uploader's
real cadence).

Printed: requests/s, latency p50/p95/p99, retries, rows sent vs stored ("rows lost"), and whether the energy totals
of the API (per run and in /metrics) equal the clients' own sums exactly.
Usage: ``python benchmarks/server_load.py [--duration 60] [--clients 50] [--hz 10] [--out FILE]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from aifootprint.server.client import ServerClient, ServerError

PROJECT = "bench"
T0 = 1_767_225_600.0


@dataclass
class ClientStats:
    latencies_s: list[float] = field(default_factory=list)
    requests: int = 0
    retries: int = 0
    rows: int = 0
    expected_j: float = 0.0
    behind_at_end: int = 0
    unsent: int = 0
    failed: str = ""


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, database_url: str, workers: int) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-c", "from aifootprint.cli.main import run; run()", "serve", "--port", str(port),
           "--database-url", database_url, "--workers", str(workers)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    client = ServerClient(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            client.get("/api/v1/health")
            client.close()
            return proc
        except ServerError:
            if proc.poll() is not None:
                raise SystemExit(f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}") from None
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start within 120 s")


def run_client(i: int, url: str, args: argparse.Namespace, start_at: float, stats: ClientStats) -> None:
    """One reporting machine: a run, then one batch per tick; retries until accepted (same batch id)."""
    client = ServerClient(url, timeout_s=30)
    run_id = f"bench-{i:03d}-{os.getpid()}"
    devices = [f"gpu:{d}" for d in range(args.devices)]
    power_w = {d: 100.0 + 10.0 * i + k for k, d in enumerate(devices)}

    def post(path: str, body: dict[str, object]) -> None:
        while True:
            t = time.perf_counter()
            try:
                client.post(path, body)
                stats.latencies_s.append(time.perf_counter() - t)
                stats.requests += 1
                return
            except ServerError as exc:
                if not exc.retryable or time.monotonic() > hard_stop:
                    raise
                stats.retries += 1
                time.sleep(0.05)

    hard_stop = start_at + args.duration + args.drain
    try:
        post("/api/v1/runs", {"run_id": run_id, "project": PROJECT, "host": f"node-{i % 8}", "started_at": T0,
                              "devices": [{"device": d, "component": "gpu"} for d in devices]})
        sample_dt = 1.0 / args.sample_hz
        per_batch = max(1, round(args.batch_s * args.sample_hz))
        n_batches = int(args.duration / args.batch_s)
        last_t = 0.0
        phase = args.batch_s * i / args.clients  # clients spread over the period, as unsynchronised machines are
        for b in range(n_batches):
            due = start_at + phase + (b + 1) * args.batch_s
            now = time.monotonic()
            if now < due:
                time.sleep(due - now)
            elif now > start_at + args.duration:  # behind after the end: drain what was generated
                stats.behind_at_end = n_batches - b
            if time.monotonic() > hard_stop:
                stats.unsent = n_batches - b
                return
            rows = []
            for k in range(per_batch):
                last_t = (b * per_batch + k + 1) * sample_dt
                rows += [{"device": d, "t_s": round(last_t, 6), "energy_j": power_w[d] * round(last_t, 6),
                          "power_w": power_w[d]} for d in devices]
            post(f"/api/v1/runs/{run_id}/samples", {"batch_id": f"b{b}", "samples": rows})
            stats.rows += len(rows)
            stats.expected_j = sum(p * round(last_t, 6) for p in power_w.values())  # what the server must hold
        post(f"/api/v1/runs/{run_id}/finish", {"ended_at": T0 + last_t, "exit_code": 0})
    except ServerError as exc:
        stats.failed = str(exc)
    finally:
        client.close()


def verify(url: str, stats: list[ClientStats]) -> dict[str, float]:
    client = ServerClient(url, timeout_s=120)
    runs = client.get(f"/api/v1/runs?project={PROJECT}&limit=1000")["runs"]
    stored_rows = 0
    for r in runs:
        stored_rows += int(client.get(f"/api/v1/runs/{r['run_id']}")["samples"])
    client.close()
    with urllib.request.urlopen(f"{url}/metrics", timeout=120) as resp:  # Prometheus text, not the JSON API
        metrics = resp.read().decode("utf-8")
    metric_j = sum(float(line.rsplit(" ", 1)[1]) for line in str(metrics).splitlines()
                   if line.startswith("aifootprint_energy_joules_total{") and f'project="{PROJECT}"' in line)
    return {"runs": len(runs), "stored_rows": stored_rows, "api_j": sum(r["it_energy_j"] for r in runs),
            "metrics_j": metric_j}


def _close(a: float, b: float) -> bool:
    """Equal up to float summation order (1e-9 relative)."""
    return abs(a - b) <= 1e-9 * max(abs(b), 1.0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of uploading (default 60)")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--hz", dest="sample_hz", type=float, default=10.0, help="samples per second per client")
    ap.add_argument("--batch-s", type=float, default=0.1, help="seconds of samples per POST (0.1: one POST per "
                    "sample tick at 10 Hz; 1: the uploader's cadence)")
    ap.add_argument("--devices", type=int, default=2, help="devices per client (rows per sample tick)")
    ap.add_argument("--drain", type=float, default=60.0, help="longest catch-up after the end [s]")
    ap.add_argument("--database-url", default=None, help="default: SQLite in a temp dir")
    ap.add_argument("--workers", type=int, default=1, help="server worker processes (aifootprint serve --workers)")
    ap.add_argument("--out", type=Path, default=None, help="also write the figures to this file")
    args = ap.parse_args(argv)
    if not (1 <= args.clients <= 1000 and 0 < args.duration <= 3600 and 0 < args.sample_hz <= 100):
        ap.error("clients in 1..1000, duration in (0, 3600], hz in (0, 100]")
    tmp = tempfile.TemporaryDirectory(prefix="afp-load-")
    db_url = args.database_url or f"sqlite:///{tmp.name}/load.sqlite3"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server(port, db_url, args.workers)
    try:
        stats = [ClientStats() for _ in range(args.clients)]
        start_at = time.monotonic() + 1.0
        threads = [threading.Thread(target=run_client, args=(i, url, args, start_at, stats[i]), daemon=True)
                   for i in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=args.duration + args.drain + 60)
        elapsed = time.monotonic() - start_at
        check = verify(url, stats)
    finally:
        server.terminate()
        server.wait(timeout=30)
        tmp.cleanup()
    lat = sorted(x for s in stats for x in s.latencies_s)
    requests = sum(s.requests for s in stats)
    sent_rows = sum(s.rows for s in stats)
    expected_j = sum(s.expected_j for s in stats)

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(p / 100 * len(lat)))] * 1000 if lat else float("nan")

    failed = [s.failed for s in stats if s.failed]
    lines = [
        f"server_load: {args.clients} clients x {args.sample_hz:g} Hz x {args.devices} devices, one POST per "
        f"{args.batch_s:g} s of samples, {args.duration:g} s; database {db_url.split(':', 1)[0]}, "
        f"{args.workers} server worker(s)",
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()} "
        f"(server and clients on the same machine)",
        f"requests: {requests:,} in {elapsed:.1f} s = {requests / elapsed:,.0f} requests/s "
        f"(offered {args.clients / args.batch_s:,.0f}/s); retries {sum(s.retries for s in stats)}",
        f"latency: p50 {pct(50):.1f} ms, p95 {pct(95):.1f} ms, p99 {pct(99):.1f} ms; max {lat[-1] * 1000:.0f} ms"
        if lat else "latency: no request completed",
        f"clients behind schedule at the end: {sum(1 for s in stats if s.behind_at_end)}; batches not sent by the "
        f"drain deadline (server saturated): {sum(s.unsent for s in stats)}; failed clients: {len(failed)}"
        + (f" ({failed[0]})" if failed else ""),
        f"rows: accepted {sent_rows:,}, stored {check['stored_rows']:,}, lost {sent_rows - check['stored_rows']:,}; "
        f"runs stored {check['runs']}",
        f"energy: clients (accepted rows) {expected_j:,.3f} J, API {check['api_j']:,.3f} J, "
        f"/metrics {check['metrics_j']:,.3f} J; "
        f"exact: {_close(check['api_j'], expected_j) and _close(check['metrics_j'], expected_j)}",
    ]
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    ok = not failed and sent_rows == check["stored_rows"] and _close(check["api_j"], expected_j)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
