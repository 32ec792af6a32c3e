"""Speed of the task estimators: one point estimate, one full result, and a log of 100,000 mixed task requests
through the vectorised batch API. Prints figures; the lead reruns it on a quiet machine.

Run: ``python benchmarks/tasks_speed.py``.
"""

from __future__ import annotations

import time

import numpy as np

from aifootprint.estimate.tasks.batch import estimate_task_table
from aifootprint.estimate.tasks.estimator import TaskConfig, TaskEstimator, TaskSpec


def main() -> None:
    cfg = TaskConfig()
    est = TaskEstimator(TaskSpec("image", "flux.1-dev"), cfg)
    n = 200
    t0 = time.perf_counter()
    for i in range(n):
        TaskEstimator(TaskSpec("image", "flux.1-dev", steps=1 + i % 50), cfg).estimate()
    print(f"new estimator + point estimate (FLUX.1-dev image): {(time.perf_counter() - t0) / n * 1e3:,.2f} ms")
    t0 = time.perf_counter()
    for _ in range(n):
        est.estimate()
    print(f"point estimate, estimator reused: {(time.perf_counter() - t0) / n * 1e6:,.0f} µs")
    t0 = time.perf_counter()
    est.result()
    print(f"full result with uncertainty and impacts: {(time.perf_counter() - t0) * 1e3:,.1f} ms")
    rows = 100_000
    rng = np.random.default_rng(0)
    tasks = np.array(["image", "classification", "video", "transcription", "embedding"] * (rows // 5))
    models = np.array(["flux.1-dev", "distilbert-sst2", "wan2.1-t2v-1.3b", "whisper-small", "bge-m3"] * (rows // 5))
    steps = np.where(tasks == "image", rng.choice([4, 28, 50], rows), np.nan)
    t0 = time.perf_counter()
    out = estimate_task_table({"task": tasks, "model": models, "steps": steps})
    dt = time.perf_counter() - t0
    print(f"batch API, {rows:,} mixed task requests: {dt:.2f} s ({rows / dt:,.0f} rows/s); "
          f"total {out['energy_wh'].sum() / 1000:,.1f} kWh")


if __name__ == "__main__":
    main()
