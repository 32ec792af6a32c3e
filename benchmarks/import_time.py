"""Import time of aifootprint's entry points and ``aifootprint --help``, side by side with CodeCarbon and EcoLogits;
and of the package's NVML binding beside nvidia-ml-py's ``pynvml`` (what a GPU machine's tracker loads).

Run:  python benchmarks/import_time.py [--repeats 15] [--out benchmarks/results/import_time.txt]

Each figure is the median wall time of a fresh interpreter (``python -c ...``), bytecode compiled beforehand (one
warm-up run each), interleaved so that machine load affects every case alike. "over bare" subtracts the median of
``python -c pass``. CodeCarbon and EcoLogits are timed only when installed (``pip install codecarbon ecologits`` in
a separate environment: they are not dependencies of aifootprint).

Targets (issue 12): each entry point <= 30 ms over bare Python; ``aifootprint --help`` <= 150 ms in all.
On a shared, loaded machine the figures are noisy: rerun on a quiet one before quoting them.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import statistics
import sys
from pathlib import Path

from _timing import bench_env, child_ms

CASES: dict[str, str] = {
    "bare python": "pass",
    "import aifootprint": "import aifootprint",
    "from aifootprint.estimate import RequestEstimator": "from aifootprint.estimate import RequestEstimator",
    "from aifootprint.measure import Tracker": "from aifootprint.measure import Tracker",
    "aifootprint --help": "import sys; sys.argv = ['aifootprint', '--help']\n"
                          "from aifootprint.cli.main import main\nmain(['--help'])",
    # the NVML binding a GPU machine's tracker loads (on its own thread), beside nvidia-ml-py's below
    "NVML binding: aifootprint.measure.sensors.nvml": "import aifootprint.measure.sensors.nvml",
}
OTHERS = {"import codecarbon": "codecarbon", "import ecologits": "ecologits", "NVML: import pynvml": "pynvml"}
TARGETS_OVER_BARE_MS = {"from aifootprint.estimate import RequestEstimator": 30.0,
                        "from aifootprint.measure import Tracker": 30.0}
TARGETS_TOTAL_MS = {"aifootprint --help": 150.0}


def _run(code: str, env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system of the child) [ms] of one fresh interpreter running ``code``."""
    return child_ms([sys.executable, "-c", code], env)


def measure(repeats: int) -> dict[str, tuple[float, float]]:
    """Median wall time and median CPU time [ms] of each case in a fresh interpreter. CPU time is the steadier
    figure on a loaded machine (waiting for a core is not counted)."""
    env = bench_env()
    cases = dict(CASES)
    cases.update({name: f"import {mod}" for name, mod in OTHERS.items() if importlib.util.find_spec(mod)})
    for code in cases.values():  # warm-up: compile bytecode, fill the OS file cache
        _run(code, env)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    for _ in range(repeats):
        for name, code in cases.items():
            times[name].append(_run(code, env))
    return {name: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for name, v in times.items()}


def report(medians: dict[str, tuple[float, float]], repeats: int) -> str:
    """The table; targets are judged on wall time (what a user waits), CPU time is printed beside it."""
    bare, bare_cpu = medians["bare python"]
    lines = [f"# import time, median of {repeats} fresh interpreters ({platform.python_implementation()} "
             f"{platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, load average "
             f"{os.getloadavg()[0]:.1f})",
             f"{'case':<52} {'wall ms':>8} {'over bare':>10} {'cpu ms':>7} {'over bare':>10}  target"]
    for name, (ms, cpu) in medians.items():
        target = ""
        if name in TARGETS_OVER_BARE_MS:
            ok = ms - bare <= TARGETS_OVER_BARE_MS[name]
            target = f"<= {TARGETS_OVER_BARE_MS[name]:.0f} ms over bare: {'met' if ok else 'NOT met'}"
        elif name in TARGETS_TOTAL_MS:
            ok = ms <= TARGETS_TOTAL_MS[name]
            target = f"<= {TARGETS_TOTAL_MS[name]:.0f} ms in all: {'met' if ok else 'NOT met'}"
        lines.append(f"{name:<52} {ms:8.1f} {ms - bare:10.1f} {cpu:7.1f} {cpu - bare_cpu:10.1f}  {target}")
    missing = [name for name, mod in OTHERS.items() if not importlib.util.find_spec(mod)]
    if missing:
        lines.append(f"(not installed, not timed: {', '.join(missing)})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--out", type=Path, default=None, help="also write the table to this file")
    args = parser.parse_args(argv)
    text = report(measure(args.repeats), args.repeats)
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
