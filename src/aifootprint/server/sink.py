"""The server sink of the tracker: the local run store first, then the uploader (see :mod:`.client`).

:class:`UploadingStore` has the run store's write methods (``begin_run``, ``add_sample``, ``flush``, ``add_event``,
``add_window``, ``add_requests``, ``end_run``) so it can be given to ``Tracker(store=…)`` without any change to the
tracker. :func:`sync_run` uploads a run already in the local store (after an outage that outlasted the drain).
Standard library only.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from ..measure.store import RunHeader, RunStore
from ..result import to_plain
from .client import ServerClient, UploadConfig, Uploader

Device = tuple[str, str, str, str, bool, bool]


def _component(component: str) -> str:
    return component if component in ("gpu", "cpu", "ram") else "other"


def run_body(header: RunHeader, devices: Iterable[Device], project: str) -> dict[str, Any]:
    """The ``POST /api/v1/runs`` body of a local run (site settings from the tracker's config)."""
    try:
        site = dict(json.loads(header.config_json or "{}").get("site") or [])
    except (ValueError, TypeError):
        site = {}
    site = {k: v for k, v in site.items() if k in ("operator", "pue", "wue_l_per_kwh", "ewif_l_per_kwh",
                                                     "intensity_g_per_kwh")}
    return {
        "run_id": header.run_id, "project": project, "name": (header.name or "run")[:200],
        "host": (header.host or "unknown")[:255], "started_at": header.started_at,
        "location": header.location or None, "site": site, "hz": min(max(header.hz, 0.0), 1000.0),
        "command": header.command[:2000], "job_id": header.job_id[:200],
        "method_version": header.method_version[:64], "data_version": header.data_version[:64],
        "devices": [{"device": d, "physical_id": p[:200], "component": _component(c), "method": m[:200],
                     "estimated": bool(e), "owned": bool(o)} for d, p, c, m, e, o in devices],
    }


def _sample(device: str, t_s: float, energy_j: float | None, power_w: float | None) -> dict[str, Any]:
    return {"device": device, "t_s": t_s, "energy_j": to_plain(energy_j), "power_w": to_plain(power_w)}


def _window(name: str, start_s: float, duration_s: float, energy_j: float, measurement: Any) -> dict[str, Any]:
    return {"name": name[:200], "start_s": start_s, "duration_s": duration_s, "energy_j": energy_j,
            "measurement": to_plain(measurement)}


def _request(row: Sequence[Any]) -> dict[str, Any]:
    rid, start_s, end_s, prefill, decode, energy_j = row
    return {"request_id": str(rid)[:200], "start_s": to_plain(start_s), "end_s": to_plain(end_s),
            "prefill_tokens": int(prefill), "decode_tokens": int(decode), "energy_j": to_plain(energy_j)}


class UploadingStore:
    """A run store that also uploads: every write reaches the local store first, then the upload queue."""

    def __init__(self, store: RunStore, uploader: Uploader, project: str) -> None:
        self.store = store
        self.uploader = uploader
        self.project = project
        self.drained: bool | None = None
        self._lock = threading.Lock()
        self._pending: list[dict[str, Any]] = []

    def begin_run(self, header: RunHeader, devices: Iterable[Device]) -> None:
        devs = list(devices)
        self.store.begin_run(header, devs)
        self.uploader.create_run(run_body(header, devs, self.project))
        self.uploader.start()

    def add_sample(self, run_id: str, device: str, t_s: float, energy_j: float | None, power_w: float | None) -> None:
        with self._lock:
            self.store.add_sample(run_id, device, t_s, energy_j, power_w)
            self._pending.append(_sample(device, t_s, energy_j, power_w))

    def flush(self) -> int:
        with self._lock:
            rows, self._pending = self._pending, []
            try:
                return self.store.flush()
            finally:
                self.uploader.add_rows("samples", rows)

    # the tracker's StoreWriter (aifootprint.measure.writer) writes samples in batches, without waiting for the lock
    def set_busy_timeout(self, timeout_s: float) -> None:
        self.store.set_busy_timeout(timeout_s)

    def write_samples(self, rows: Sequence[tuple[str, str, float, float | None, float | None]]) -> None:
        """Samples ``(run_id, device, t_s, energy_j, power_w)``: the local store first (a busy lock raises here,
        before anything is queued, and the writer retries), then the upload queue."""
        self.store.write_samples(rows)
        self.uploader.add_rows("samples", [_sample(device, t_s, e, p) for _run, device, t_s, e, p in rows])

    def add_event(self, run_id: str, t_s: float, kind: str, device: str, message: str) -> None:
        self.store.add_event(run_id, t_s, kind, device, message)

    def add_window(self, run_id: str, name: str, start_s: float, duration_s: float, energy_j: float,
                   measurement: dict[str, Any]) -> None:
        self.store.add_window(run_id, name, start_s, duration_s, energy_j, measurement)
        self.uploader.add_rows("windows", [_window(name, start_s, duration_s, energy_j, measurement)])

    def add_requests(self, run_id: str, rows: Sequence[tuple[str, float, float, int, int, float]]) -> None:
        self.store.add_requests(run_id, rows)
        self.uploader.add_rows("requests", [_request(r) for r in rows])

    def end_run(self, run_id: str, ended_at: float, exit_code: int | None, summary: dict[str, Any]) -> None:
        """Store the end locally, queue it, and wait up to ``drain_s`` for the uploads (then stop the uploader)."""
        self.flush()
        self.store.end_run(run_id, ended_at, exit_code, summary)
        self.uploader.finish({"ended_at": ended_at, "exit_code": _exit_code(exit_code), "summary": _summary(summary)})
        self.drained = self.uploader.drain()
        self.uploader.stop()

    def close(self) -> None:
        self.store.close()

    def report(self, run_id: str) -> str:
        """One line on stderr: what was uploaded, or how to upload the rest later."""
        import sys

        st = self.uploader.status()
        cfg = self.uploader.config
        if self.drained:
            line = f"aifootprint: run {run_id} uploaded to {cfg.url} (project {self.project}, {st['sent_rows']} rows)"
        else:
            why = st["fatal"] or (f"{st['dropped_rows']} rows beyond the upload queue" if st["dropped_rows"] else "") \
                or st["last_error"] or "not finished in time"
            line = (f"aifootprint: run {run_id} not fully uploaded ({why}); it is safe in the local store: upload it "
                    f"with `aifootprint server sync --server {cfg.url} --project {self.project} --run {run_id}`")
        print(line, file=sys.stderr)
        return line


def _summary(summary: dict[str, Any] | None) -> Any:
    """The run's summary without its windows (uploaded as rows of their own; a long run has thousands)."""
    return None if summary is None else to_plain({k: v for k, v in summary.items() if k != "windows"})


def _exit_code(code: int | None) -> int | None:
    return None if code is None else max(-1024, min(1024, int(code)))


def uploading_store(config: UploadConfig, store_path: str | None = None) -> UploadingStore:
    """A :class:`UploadingStore` on the local run store (``store_path`` or the default path)."""
    return UploadingStore(RunStore(store_path), Uploader(config), config.project)


def sync_run(store: RunStore, run_id: str, config: UploadConfig, client: ServerClient | None = None) -> dict[str, Any]:
    """Upload one run of the local store to the server (safe to repeat: the server keeps each row once)."""
    from ..errors import InputError

    stored = store.get(run_id)
    if stored is None:
        raise InputError(f"no run {run_id!r} in the local run store {store.path}")
    rid = stored.run_id
    http = client or ServerClient(config.url, config.token, config.timeout_s)
    try:
        http.post("/api/v1/runs", run_body(stored.header, store.devices(rid), config.project))
        size, sent = config.batch_rows, 0
        kinds: dict[str, list[dict[str, Any]]] = {
            "samples": [_sample(*row) for row in store.samples(rid)],
            "windows": [_window(w.get("name", "window"), w.get("start_s", 0.0), w.get("duration_s", 0.0),
                                w.get("energy_j", 0.0), w) for w in store.windows(rid)],
            "requests": [_request(r) for r in store.requests(rid)],
        }
        for kind, rows in kinds.items():
            for i in range(0, len(rows), size):
                chunk = rows[i:i + size]
                http.post(f"/api/v1/runs/{rid}/{kind}", {"batch_id": _sync_batch_id(kind, i, chunk), kind: chunk})
                sent += len(chunk)
        if stored.ended_at is not None:
            http.post(f"/api/v1/runs/{rid}/finish", {"ended_at": stored.ended_at, "exit_code": _exit_code(
                stored.exit_code), "summary": _summary(stored.summary)})
    finally:
        http.close()
    return {"run_id": rid, "rows": sent, "finished": stored.ended_at is not None}


def _sync_batch_id(kind: str, offset: int, chunk: list[dict[str, Any]]) -> str:
    """A sync batch's id: its offset and a digest of its rows. A run synced again with the same rows sends the same
    ids (acknowledged, nothing counted twice); one that has grown since (synced while it ran) sends its last chunk
    under a new id, so the new rows are stored (the offset alone named a grown chunk as the one already applied, and
    the server dropped its new rows)."""
    import hashlib

    digest = hashlib.sha256(json.dumps(chunk, sort_keys=True, allow_nan=False).encode()).hexdigest()[:24]
    return f"sync-{kind[0]}{offset}-{digest}"


def server_sink(url: str | None, project: str | None, store_path: str | None = None) -> UploadingStore | None:
    """The sink of ``aifootprint measure --server URL --project NAME`` (None without ``--server``)."""
    from ..errors import InputError

    if url is None:
        if project is not None:
            raise InputError("--project needs --server URL (the team server to upload to)")
        return None
    if not project:
        raise InputError("--server needs --project NAME (the project the run belongs to on the server)")
    return uploading_store(UploadConfig(url=url, project=project), store_path)
