"""Deterministic demo runs posted through the REST API (used by the browser tests and the screenshot script).

Power follows a fixed curve per device (no randomness); energy is its running integral, so totals are known.
"""

from __future__ import annotations

import json
import math
import urllib.request
from dataclasses import dataclass
from typing import Any

#: 2026-11-30 10:00 UTC.
T0 = 1_796_032_800.0
#: A run name that must stay text in the browser (never markup).
HOSTILE_NAME = '<img src=x onerror="document.title=\'pwned\'">'


@dataclass(frozen=True)
class DemoRun:
    run_id: str
    project: str
    name: str
    host: str
    started_at: float
    seconds: int


RUNS = (DemoRun("demo-train-1", "llm-finetune", "finetune llama-3.1-8b", "gpu-node-1", T0, 120),
        DemoRun("demo-train-2", "llm-finetune", HOSTILE_NAME, "gpu-node-2", T0 + 3 * 3600, 90),
        DemoRun("demo-serve-1", "chat-serving", "vllm serve", "gpu-node-1", T0 + 26 * 3600, 60),
        # more samples (3 devices × 2,001) than one API page (5,000): the run page must follow the cursor
        DemoRun("demo-long-1", "batch-eval", "long eval", "gpu-node-3", T0 - 86400, 2000))
DEVICES = (("gpu0", "gpu", 350.0), ("gpu1", "gpu", 300.0), ("cpu", "cpu", 90.0))
#: A short run as ``aifootprint measure`` uploads it on a machine without power sensors: no location (world
#: average), CPU and RAM estimated (TDP × utilisation, W per GB), a few milliwatt-hours, and the measurement's
#: summary with its notes. Started before every other demo run: last in the runs table.
MEASURED = DemoRun("demo-measured-1", "measured", "python -c sum(range(10**7))", "vm", T0 - 2 * 86400, 0)
MEASURED_DEVICES = (("cpu", "cpu", "tdp-x-utilisation", 24.0), ("ram", "ram", "w-per-gb", 9.42))
MEASURED_SECONDS = 0.28
CPU_NOTE = {"code": "cpu-tdp-default", "subject": "cpu",
            "message": "cpu: model 'AMD EPYC' not found in the cpus table; the TDP used is the Green Algorithms "
                       "default 12.0 W/core x 2 cores = 24 W; pass --cpu-tdp-w to give the real TDP",
            "source": "Green Algorithms default 12.0 W/core x 2 cores [estimated fallback]"}


def post(base: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    req = urllib.request.Request(base + "/api/v1" + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())  # type: ignore[no-any-return]


def power_w(base_w: float, t_s: float, phase: float) -> float:
    return base_w * (1.0 + 0.4 * math.sin(t_s / 9.0 + phase))


def seed(base: str) -> list[DemoRun]:
    """Create the demo projects and runs on the server at ``base`` (e.g. ``http://127.0.0.1:8787``)."""
    for run in RUNS:
        post(base, "/runs", {"run_id": run.run_id, "project": run.project, "name": run.name, "host": run.host,
                             "started_at": run.started_at, "location": "FR", "hz": 1.0,
                             "command": "python train.py", "devices": [{"device": d, "component": c,
                                                                        "method": "nvml" if c == "gpu" else "rapl"}
                                                                       for d, c, _ in DEVICES]})
        samples = []
        for i, (device, _, base_w) in enumerate(DEVICES):
            energy = 0.0
            for t in range(run.seconds + 1):
                p = power_w(base_w, float(t), i)
                energy += p if t else 0.0
                samples.append({"device": device, "t_s": float(t), "energy_j": energy, "power_w": p})
        for i in range(0, len(samples), 4000):  # batches below the API's cap of 5,000 rows
            post(base, f"/runs/{run.run_id}/samples", {"batch_id": f"{run.run_id}-b{i}",
                                                       "samples": samples[i:i + 4000]})
        post(base, f"/runs/{run.run_id}/windows", {"batch_id": f"{run.run_id}-w1", "windows": [
            {"name": "warm-up", "start_s": 0.0, "duration_s": 10.0, "energy_j": 4000.0},
            {"name": "steady", "start_s": 10.0, "duration_s": float(run.seconds - 10), "energy_j": 40000.0}]})
        post(base, f"/runs/{run.run_id}/finish", {"ended_at": run.started_at + run.seconds, "exit_code": 0})
    seed_measured(base)
    return [*RUNS, MEASURED]


def seed_measured(base: str) -> None:
    """The run :data:`MEASURED`: estimated devices, a summary with the measurement's notes."""
    run = MEASURED
    post(base, "/runs", {"run_id": run.run_id, "project": run.project, "name": run.name, "host": run.host,
                         "started_at": run.started_at, "hz": 10.0, "command": run.name,
                         "devices": [{"device": d, "component": c, "method": m, "estimated": True}
                                     for d, c, m, _ in MEASURED_DEVICES]})
    times = (0.0, 0.1, 0.2, MEASURED_SECONDS)
    post(base, f"/runs/{run.run_id}/samples", {"batch_id": "m-b0", "samples": [
        {"device": d, "t_s": t, "energy_j": w * t, "power_w": w} for d, _, _, w in MEASURED_DEVICES for t in times]})
    devices = [{"device": d, "component": c, "method": m, "estimated": True, "energy_j": w * MEASURED_SECONDS,
                "process_energy_j": None, "note": ""} for d, c, m, w in MEASURED_DEVICES]
    measurement = {"name": run.name, "start_s": 0.0, "duration_s": MEASURED_SECONDS,
                   "energy_j": sum(w * MEASURED_SECONDS for *_, w in MEASURED_DEVICES), "estimated": True,
                   "devices": devices, "gaps": [], "skipped_devices": [], "notes": [CPU_NOTE]}
    post(base, f"/runs/{run.run_id}/finish", {"ended_at": run.started_at + MEASURED_SECONDS, "exit_code": 0,
                                             "summary": {"measurement": measurement}})
