"""Request-log estimation speed: rows/s and peak memory of ``estimate log`` on Parquet files of growing size, and a
Dask LocalCluster with 1 vs 2 workers on the same file (equal totals checked).

Targets (issue 10): ≥ 1,000,000 rows/s on one core; peak memory independent of the file size (chunks of
``--chunk-rows``). Each local run is a fresh subprocess, so its peak RSS (``ru_maxrss``) is its own.
Usage: ``python benchmarks/log_speed.py --sizes 1e5,1e6,1e7 [--dask-size 1e6] [--out results/log_speed.txt]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODELS = ["gpt-4o-mini", "llama-3.1-8b", "qwen3-8b", "claude-sonnet-4", "llama-3.1-70b"]

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from aifootprint.estimate.log import LogEstimator, LogSpec
from aifootprint.estimate.logio import run_local
src, dst, chunk = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
est = LogEstimator(LogSpec(chunk_rows=chunk))
for m in {models!r}:
    est.calc.model(m)  # build estimators before timing (registry load, once per process)
import pyarrow.compute, pyarrow.parquet  # noqa: E401 - imported before timing too
t, c = time.perf_counter(), time.process_time()
st = run_local(src, dst, est, progress=False)
dt, cpu = time.perf_counter() - t, time.process_time() - c
total = sum(v[1] for v in st.by_model.values())
print(json.dumps({{"rows": st.rows, "s": dt, "cpu_s": cpu, "energy_wh": total,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def make_parquet(path: Path, n: int, seed: int = 0, row_group: int = 1_000_000) -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    step = 1_000_000
    writer = None
    for start in range(0, n, step):
        k = min(step, n - start)
        idx = rng.integers(0, len(MODELS), k)
        model = pa.DictionaryArray.from_arrays(pa.array(idx, pa.int32()), pa.array(MODELS)).cast(pa.string())
        t = pa.table({"model": model, "input_tokens": rng.integers(0, 8000, k),
                      "output_tokens": rng.integers(1, 2000, k), "request_id": np.arange(start, start + k)})
        if writer is None:
            writer = pq.ParquetWriter(path, t.schema)
        writer.write_table(t, row_group_size=row_group)
    if writer is not None:
        writer.close()


def run_local(src: Path, dst: Path, chunk: int) -> dict[str, float]:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "ARROW_NUM_THREADS": "1"}
    code = _CHILD.format(models=MODELS)
    out = subprocess.run([sys.executable, "-c", code, str(src), str(dst), str(chunk)], capture_output=True, text=True,
                         env=env, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def run_dask(src: Path, dst: Path, workers: int) -> tuple[float, float, float]:
    """(cluster start s, estimate s, total Wh) on a LocalCluster of ``workers`` processes started and warmed first,
    so that the timed part is the estimation (partitions: the file's row groups)."""
    from distributed import Client, LocalCluster

    from aifootprint.estimate.log import LogSpec
    from aifootprint.estimate.log_dask import run_dask as go

    t = time.perf_counter()
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    with Client(cluster) as client:
        client.run(lambda: __import__("aifootprint.estimate.log_dask"))
        start = time.perf_counter() - t
        t = time.perf_counter()
        st = go(src, dst, LogSpec(), address=cluster.scheduler_address, progress=False)
        dt = time.perf_counter() - t
    cluster.close()
    return start, dt, sum(v[1] for v in st.by_model.values())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="1e5,1e6", help="comma-separated row counts (e.g. 1e5,1e6,1e7)")
    ap.add_argument("--dask-size", default="1e6", help="rows of the file used for the Dask 1 vs 2 workers run "
                                                       "(0: skip)")
    ap.add_argument("--chunk-rows", type=int, default=262_144)
    ap.add_argument("--tmp", default=None, help="directory for the generated files (default: a temp dir)")
    ap.add_argument("--out", default=None, help="also write the figures to this file")
    a = ap.parse_args()
    lines = [f"# log_speed — {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
             f"python {platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
             f"# local path: one process, chunk {a.chunk_rows:,} rows; peak RSS of that process",
             "# wall: elapsed seconds (noisy on a shared machine); CPU: process CPU seconds (all threads)",
             f"{'rows':>12} {'wall s':>8} {'rows/s':>12} {'CPU s':>7} {'rows/CPU-s':>12} {'peak MB':>8} "
             f"{'energy kWh':>12}"]
    print("\n".join(lines), flush=True)
    with tempfile.TemporaryDirectory(dir=a.tmp) as tmp:
        d = Path(tmp)
        for size in (int(float(s)) for s in a.sizes.split(",") if s):
            src = d / f"log_{size}.parquet"
            make_parquet(src, size)
            r = run_local(src, d / f"out_{size}.parquet", a.chunk_rows)
            line = (f"{size:>12,} {r['s']:>8.2f} {r['rows'] / r['s']:>12,.0f} {r['cpu_s']:>7.2f} "
                    f"{r['rows'] / r['cpu_s']:>12,.0f} {r['peak_mb']:>8.0f} {r['energy_wh'] / 1000:>12.6g}")
            print(line, flush=True)
            lines.append(line)
            (d / f"out_{size}.parquet").unlink()
        n = int(float(a.dask_size))
        if n:
            src = d / f"dask_{n}.parquet"
            groups = 8
            make_parquet(src, n, row_group=max(n // groups, 1))
            local = run_local(src, d / "local.parquet", a.chunk_rows)
            lines.append(f"# Dask LocalCluster on {n:,} rows ({groups} row groups = partitions; worker processes, "
                         "1 thread each; cluster started and warmed before timing; estimators built once per "
                         "worker)")
            lines.append(f"local path on the same file: {local['s']:.2f} s")
            print("\n".join(lines[-2:]), flush=True)
            for w in (1, 2):
                start, s, total = run_dask(src, d / f"dask{w}.parquet", w)
                same = abs(total - local["energy_wh"]) <= 1e-9 * abs(local["energy_wh"])
                line = (f"dask {w} worker(s): {s:.2f} s ({n / s:,.0f} rows/s; cluster start {start:.1f} s), "
                        f"total {total / 1000:.6g} kWh ({'equal to' if same else 'DIFFERENT FROM'} the local path)")
                print(line, flush=True)
                lines.append(line)
    lines.append(f"# parent peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if a.out:
        Path(a.out).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
