"""Machine instructions per estimate, counted by valgrind (cachegrind): a figure that other processes on a shared
machine do not change, beside the timings of ``benchmarks/estimate_speed.py``.

For each model and call (point ``estimate()``, full ``result()``, one-shot ``estimate_request()``) a child process
builds the estimator, warms it up, then makes N and 3N calls; the difference of the two instruction counts ÷ 2N is the
cost of one call (one BLAS thread, hash seed 0: the count repeats to < 0.01 %). ``--baseline SRC`` counts another
source tree (e.g. a checkout of the previous release's ``src``) in the same run and prints the ratio. Needs
``valgrind`` (Debian: ``apt-get install valgrind``).
Usage: ``python benchmarks/estimate_instructions.py [--baseline /path/to/old/src] [--out FILE]``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODELS = ("llama-3.1-8b", "qwen3-30b-a3b", "gpt-4o-mini", "gpt-4o")
CALLS = ("point", "full", "one-shot")
CHILD = """
import sys
from aifootprint.estimate.inference import RequestConfig, RequestEstimator, estimate_request
model, what, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
est = RequestEstimator(model, RequestConfig(hardware="h100"))
est.result(500, 300); estimate_request(model, 500, 300)
f = {"point": lambda: est.estimate(500, 300), "full": lambda: est.result(500, 300),
     "one-shot": lambda: estimate_request(model, 500, 300)}[what]
for _ in range(n):
    f()
"""


def instructions(src: Path, model: str, what: str, n: int) -> int:
    """Instructions executed by a child making ``n`` calls (whole process)."""
    # one BLAS thread: numpy's OpenBLAS workers spin after a call, and valgrind counts their instructions too
    # (with them the same child varied by ±30 % from run to run; with one thread, by < 0.01 %)
    env = dict(os.environ, PYTHONPATH=str(src), PYTHONHASHSEED="0", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               MKL_NUM_THREADS="1")
    out = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
                          sys.executable, "-c", CHILD, model, what, str(n)], env=env, capture_output=True, text=True,
                         check=True).stderr
    m = re.search(r"I\s+refs:\s+([\d,]+)", out)
    if m is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{out[-2000:]}")
    return int(m.group(1).replace(",", ""))


def per_call(src: Path, model: str, what: str, n: int) -> float:
    return (instructions(src, model, what, 3 * n) - instructions(src, model, what, n)) / (2 * n)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", type=Path, help="another source tree (its src/ directory) counted beside this one")
    ap.add_argument("--n", type=int, default=3000, help="calls of the shorter run (the longer makes 3×)")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("valgrind not installed (apt-get install valgrind): nothing counted")
        return 0
    lines = ["# instructions per call (valgrind cachegrind, thousands), 500 input / 300 output tokens, H100"
             + (f"; baseline {args.baseline}" if args.baseline else "")]
    for model in MODELS:
        cells = []
        for what in CALLS:
            now = per_call(ROOT / "src", model, what, args.n) / 1e3
            if args.baseline is None:
                cells.append(f"{what} {now:6.1f}k")
            else:
                base = per_call(args.baseline, model, what, args.n) / 1e3
                cells.append(f"{what} {base:6.1f}k -> {now:6.1f}k ({now / base:.2f}x)")
        lines.append(f"{model:14s} " + "   ".join(cells))
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
