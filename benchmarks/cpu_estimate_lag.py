"""How far the tracker's CPU estimate (TDP x utilisation) is from the same model computed exactly from /proc/stat.

Run:  python benchmarks/cpu_estimate_lag.py [--repeats 4] [--tdp-w 100]

Each case runs in a fresh process: a background ``Tracker`` (estimate sensors, ``cpu_tdp_w`` given) around
idle / busy / idle stretches of the main thread. The reference is the model's exact answer over the same run: TDP x
(busy jiffies / all jiffies between two reads of ``/proc/stat`` taken right after ``start()`` and right before
``stop()``) x the run's duration. The estimate re-reads ``/proc/stat`` every 0.5 s; its power samples are integrated
by the trapezoidal rule, so that the figure lags the utilisation. A consistency check of the integration, not a
validation of the model itself (TDP x utilisation is a rough model; see docs/measure.md). Figures vary with the
machine's other load (it is in the reference too): median of ``--repeats`` processes.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

from _timing import bench_env

CODE = """
import time
from aifootprint.measure import Tracker
from aifootprint.measure.config import TrackerConfig
from aifootprint.measure.sensors.cpu_fallback import read_cpu_times
from aifootprint.measure.sensors.discovery import SensorConfig
tr = Tracker(TrackerConfig(store=False, sensors=SensorConfig(backend="estimate", cpu_tdp_w={tdp}))).start()
b0, t0 = read_cpu_times()
time.sleep({idle0})
t = time.perf_counter()
while time.perf_counter() - t < {busy}:
    pass
time.sleep({idle1})
b1, t1 = read_cpu_times()
r = tr.stop()
cpu = next(d.energy_j for d in r.devices if d.component == "cpu")
print(cpu, {tdp} * (b1 - b0) / (t1 - t0) * r.duration_s)
"""
#: (idle before, busy, idle after) [s]
CASES = ((0.3, 1.0, 0.2), (0.1, 2.0, 0.1), (1.0, 3.0, 1.0), (0.2, 8.0, 0.2))


def error_pct(idle0: float, busy: float, idle1: float, tdp: float) -> float:
    code = CODE.format(tdp=tdp, idle0=idle0, busy=busy, idle1=idle1)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=bench_env(), check=True,
                          timeout=120)
    cpu, ref = map(float, done.stdout.split())
    return (cpu - ref) / ref * 100.0


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=4)
    parser.add_argument("--tdp-w", type=float, default=100.0)
    args = parser.parse_args()
    print("CPU estimate vs the same model from /proc/stat over the run (error [%], median of "
          f"{args.repeats} fresh processes)")
    for idle0, busy, idle1 in CASES:
        errors = [error_pct(idle0, busy, idle1, args.tdp_w) for _ in range(args.repeats)]
        listed = " ".join(f"{e:+.0f}" for e in errors)
        print(f"idle {idle0:g} s, busy {busy:g} s, idle {idle1:g} s: {statistics.median(errors):+.1f} %  [{listed}]")


if __name__ == "__main__":
    main()
