"""Stored runs for Python users and the CLI alike: status, measurement (killed runs included), site, export.

A run whose process ended normally has an end record holding its measurement. A run without one is ``running``
(its process is alive on this host), ``killed`` (its process is gone) or ``no end record`` (measured on another
host, so nothing can tell). Its measurement is rebuilt from the samples stored up to the kill
(:func:`measurement`): per device the last stored cumulative energy, flagged with the notice
``run-without-end`` (the last ``flush_s`` seconds before the kill, at most 1 s, are missing).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from typing import Any

from ..notice import Notice
from .measurement import DeviceEnergy, Measurement
from .store import RunStore, StoredRun

SAMPLE_FIELDS = ("device", "t_s", "energy_j", "power_w")


def status(run: StoredRun, host: str | None = None) -> str:
    """``ok``, ``exit N``, ``running``, ``killed`` or ``no end record`` (see the module docstring)."""
    from .process import pid_alive

    if run.ended_at is not None:
        return "ok" if run.exit_code in (0, None) else f"exit {run.exit_code}"
    if run.header.host != (host if host is not None else os.uname().nodename):
        return "no end record"
    return "running" if pid_alive(run.header.pid) else "killed"


def measurement(store: RunStore, run: StoredRun) -> Measurement:
    """The run's measurement: its end record, else rebuilt from its stored samples (flagged)."""
    if run.summary is not None:
        return Measurement.from_dict(run.summary["measurement"])
    last: dict[str, tuple[float, float]] = {}
    for device, t_s, energy_j, _power in store.samples(run.run_id):
        if energy_j is not None:
            last[device] = (t_s, energy_j)
    devices = tuple(
        DeviceEnergy(device, component, method, estimated, last.get(device, (0.0, 0.0))[1])
        for device, _pid, component, method, estimated, owned in store.devices(run.run_id)
        if owned or device in last
    )
    end_s = max((t for t, _e in last.values()), default=0.0)
    state = status(run)
    notice = Notice("run-without-end", f"run {run.run_id} has no end record ({state}): figures are rebuilt from "
                    f"the samples stored up to t={end_s:.1f} s; energy after the last stored sample (at most about "
                    "1 s before the process ended) is missing", subject=run.run_id)
    return Measurement(run.header.name, 0.0, end_s, devices, (), (notice,))


def stored_site(run: StoredRun, new_location: bool = False) -> dict[str, Any]:
    """The explicit site settings recorded with the run (``TrackerConfig.site``), if any. At another location
    the grid's factors (intensity, off-site water) recorded for the old one are dropped."""
    try:
        raw = json.loads(run.header.config_json or "{}").get("site") or []
        site = {str(k): v for k, v in raw}
    except (ValueError, TypeError, AttributeError):
        return {}
    grid_bound = ("intensity_g_per_kwh", "ewif_l_per_kwh") if new_location else ()
    return {k: v for k, v in site.items() if k not in grid_bound}


def export_csv(store: RunStore, run: StoredRun) -> str:
    """The run's samples as CSV (``run_id,device,t_s,energy_j,power_w``; empty cell: no value)."""
    lines = ["run_id," + ",".join(SAMPLE_FIELDS)]
    lines += [f"{run.run_id},{d},{t!r},{'' if e is None else repr(e)},{'' if p is None else repr(p)}"
              for d, t, e, p in store.samples(run.run_id)]
    return "\n".join(lines) + "\n"


def export_record(store: RunStore, run: StoredRun) -> dict[str, Any]:
    """Everything stored about the run (run, devices, events, windows, requests, samples) as plain data.

    ``run.started_at_unix_s`` and ``ended_at_unix_s`` are Unix times [s]; ``t_s`` are seconds since the start."""
    header = {("started_at_unix_s" if k == "started_at" else k): v for k, v in asdict(run.header).items()}
    rid = run.run_id
    return {
        "run": header, "ended_at_unix_s": run.ended_at, "exit_code": run.exit_code, "status": status(run),
        "summary": run.summary,
        "devices": [dict(zip(("device", "physical_id", "component", "method", "estimated", "owned"), d, strict=True))
                    for d in store.devices(rid)],
        "events": [dict(zip(("t_s", "kind", "device", "message"), e, strict=True)) for e in store.events(rid)],
        "windows": store.windows(rid),
        "requests": [dict(zip(("request_id", "start_s", "end_s", "prefill_tokens", "decode_tokens", "energy_j"), r,
                              strict=True)) for r in store.requests(rid)],
        "samples": [dict(zip(SAMPLE_FIELDS, s, strict=True)) for s in store.samples(rid)],
    }


def list_row(run: StoredRun, store: RunStore | None = None) -> dict[str, Any]:
    """One row of ``runs list``: id, name, start, duration, IT energy, flags, location, status.

    ``it_energy_kwh`` is the measured (IT) energy, before the data centre's overhead (PUE): the facility energy,
    carbon and water depend on the site and are computed by ``runs show``. A run without an end record (killed)
    shows the figures :func:`measurement` rebuilds from its stored samples, marked estimated, when ``store`` is
    given."""
    import time

    m = run.summary["measurement"] if run.summary else {}
    rebuilt = False
    if run.summary is None and store is not None:
        m, rebuilt = measurement(store, run).to_dict(), True
    simulated = any(str(d.get("method", "")).split("+")[0] == "fake" for d in m.get("devices", []))
    return {"run_id": run.run_id, "name": run.header.name,
            "started": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(run.header.started_at)),
            "duration_s": m.get("duration_s"), "it_energy_kwh": m.get("energy_kwh"),
            "estimated": bool(m.get("estimated") or simulated or rebuilt), "simulated": simulated,
            "location": run.header.location, "status": status(run)}
