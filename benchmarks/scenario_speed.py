"""Speed of the sector Monte Carlo: 1 M draws of built-in scenarios on one core (target: <= 1 s).

Run: ``python benchmarks/scenario_speed.py`` (set OMP_NUM_THREADS=1 etc. for a strict single core; numpy's
elementwise operations and percentiles are single-threaded anyway). Prints the best of 3 runs per scenario.
"""

from __future__ import annotations

import os
import platform
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402

from aifootprint.sector.montecarlo import run  # noqa: E402
from aifootprint.sector.scenario import load_builtin  # noqa: E402

DRAWS = 1_000_000
SCENARIOS = ("devries-2023-nvidia-2027", "li-2023-water-2027", "iea-2025-data-centres", "ai-search-rebound")
TARGET_S = 1.0


def main() -> None:
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}, "
          f"{os.cpu_count()} CPUs visible; draws = {DRAWS:,}; best of 3")
    for name in SCENARIOS:
        sc = load_builtin(name)
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            res = run(sc, draws=DRAWS)
            times.append(time.perf_counter() - t0)
        best = min(times)
        years = len(sc.years)
        q = res.quantiles["facility_energy_twh"][-1]
        flag = "OK" if best <= TARGET_S else "SLOW"
        print(f"{name:<28} years={years:<2} outputs={len(res.quantiles):<2} {best:6.3f} s  [{flag}]  "
              f"facility_energy_twh {sc.years[-1]}: {q[0]:.4g} / {q[1]:.4g} / {q[2]:.4g}")


if __name__ == "__main__":
    main()
