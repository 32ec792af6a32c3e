"""Estimate speed side by side with EcoLogits' ``llm_impacts`` in one run (``pip install ecologits``; never a
dependency of aifootprint): point estimate, full result (ranges, impacts, assumptions — the like-for-like of
EcoLogits' call), by-name one-shot ``estimate_request(model, …)``, vectorised arrays with ranges; and the full result
over varied request sizes (2,000 random sizes from a fixed seed, in a fresh process: the first pass, which builds a
closed model's Monte Carlo units, and later passes; medians over 3 fresh processes), beside EcoLogits on the same
sizes.

Targets (issue 8): full ``.result()`` ≤ 50 µs; one-shot ``estimate_request`` ≤ 50 µs; point estimate ≤ 10 µs;
vectorised ≥ 1,000,000 requests/s with ranges, on one core.
Usage: ``python benchmarks/estimate_speed.py [--out benchmarks/results/estimate_speed.txt]``.
"""

from __future__ import annotations

import argparse
import os

# one core for numpy's threaded kernels (elementwise numpy is single-threaded already)
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import contextlib  # noqa: E402
import io  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from _timing import bench_env  # noqa: E402

from aifootprint.estimate.batch import estimate_arrays  # noqa: E402
from aifootprint.estimate.inference import RequestConfig, RequestEstimator, estimate_request  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def per_call_us(fn: Callable[[], object], calls: int, repeats: int = 25) -> float:
    """Median over ``repeats`` of the mean time per call [µs]; many short repeats, so that a machine shared with other
    processes slows only some of them."""
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - t) / calls * 1e6)
    return statistics.median(times)


def vectorised_rate(est: RequestEstimator, n: int, repeats: int = 5) -> float:
    """Request estimates per second for arrays of ``n`` random requests (median of ``repeats``)."""
    rng = np.random.default_rng(0)
    i = rng.integers(0, 4000, n).astype(np.float64)
    o = rng.integers(1, 2000, n).astype(np.float64)
    rates = []
    for _ in range(repeats):
        t = time.perf_counter()
        estimate_arrays(est, i, o)
        rates.append(n / (time.perf_counter() - t))
    return statistics.median(rates)


def ecologits_us() -> tuple[float | None, str]:
    """Per-call time of EcoLogits' ``llm_impacts`` (openai/gpt-4o-mini, 300 output tokens), or why not."""
    try:
        import ecologits
        from ecologits.tracers.utils import llm_impacts
    except ImportError:
        return None, "EcoLogits not installed (pip install ecologits) — comparison skipped"
    sink = io.StringIO()

    def call() -> object:
        return llm_impacts(provider="openai", model_name="gpt-4o-mini", output_token_count=300, request_latency=5.0)

    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        call()
        us = per_call_us(call, 200, repeats=5)
    return us, f"EcoLogits {ecologits.__version__} llm_impacts (openai, gpt-4o-mini, 300 output tokens)"


_COLD = {
    "aifootprint": "from aifootprint.estimate.inference import estimate_request\n"
                   "estimate_request('gpt-4o-mini', 500, 300)",
    "ecologits": "from ecologits.tracers.utils import llm_impacts\n"
                 "llm_impacts(provider='openai', model_name='gpt-4o-mini', output_token_count=300,\n"
                 "            request_latency=5.0)",
}


def cold_ms(tool: str, repeats: int = 7) -> float:
    """Wall time of import + first full estimate in a fresh interpreter (what a script doing one estimate meets:
    cold imports, registry and calibration read, first uncertainty draws) [ms], median of ``repeats`` processes."""
    code = ("import time, sys, io, contextlib\nt = time.perf_counter()\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
            + "".join(f"    {line}\n" for line in _COLD[tool].splitlines())
            + "print((time.perf_counter() - t) * 1e3)")
    env = {**bench_env(), "PYTHONWARNINGS": "ignore"}  # bytecode written by the first, discarded run (installed)
    runs = [float(_printed(code, env)[-1]) for _ in range(repeats + 1)]
    return statistics.median(runs[1:])


def _printed(code: str, env: dict[str, str]) -> list[str]:
    """The words ``code`` prints in a fresh interpreter with ``env`` (CalledProcessError when it fails)."""
    return subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                          env=env).stdout.split()


#: Varied sizes: how many, their seed, and the code a fresh process times (first pass over the sizes, then the median
#: of later passes) for each tool; the sizes are log-uniform, 10–30,000 prompt and 5–2,000 completion tokens.
VARIED_N, VARIED_SEED = 2000, 1
_VARIED_SIZES = (f"import random, time, statistics, io, contextlib\nrng = random.Random({VARIED_SEED})\n"
                 f"sizes = [(int(10 ** rng.uniform(1, 4.477)), int(10 ** rng.uniform(0.7, 3.301))) "
                 f"for _ in range({VARIED_N})]\n")
_VARIED_CALL = {
    "aifootprint": "from aifootprint.estimate.inference import RequestEstimator\n"
                   "est = RequestEstimator(MODEL)\nest.result(500, 300)\n"
                   "def call(i, o):\n    est.result(i, o)\n",
    "ecologits": "from ecologits.tracers.utils import llm_impacts\n"
                 "def call(i, o):\n    llm_impacts(provider='openai', model_name='gpt-4o-mini', output_token_count=o,\n"
                 "                request_latency=5.0)\ncall(500, 300)\n",
}
_VARIED_TIME = ("def one_pass():\n    t = time.perf_counter()\n    for i, o in sizes:\n        call(i, o)\n"
                "    return (time.perf_counter() - t) / len(sizes) * 1e6\n"
                "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
                "    first = one_pass()\n    later = statistics.median(one_pass() for _ in range(PASSES))\n"
                "print(first, later)\n")


#: Fresh processes per tool and model for the varied sizes: a first pass is one pass, which a moment's load on a shared
#: machine can slow by half; the median of a few processes is not moved by one such moment.
VARIED_PROCESSES = 3


def varied_us(tool: str, model: str = "gpt-4o-mini", passes: int = 5,
              processes: int = VARIED_PROCESSES) -> tuple[float, float]:
    """(first pass, median of ``passes`` later passes) [µs per call] of ``tool``'s full estimate over the
    :data:`VARIED_N` varied sizes in a fresh process; each the median over ``processes`` fresh processes."""
    code = (_VARIED_SIZES + _VARIED_CALL[tool].replace("MODEL", repr(model))
            + _VARIED_TIME.replace("PASSES", str(passes)))
    env = {**bench_env(), "PYTHONWARNINGS": "ignore"}
    firsts, laters = [], []
    for _ in range(processes):
        first, later = (float(x) for x in _printed(code, env)[-2:])
        firsts.append(first)
        laters.append(later)
    return statistics.median(firsts), statistics.median(laters)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "estimate_speed.txt")
    ap.add_argument("--n", type=int, default=1_000_000, help="requests per vectorised call")
    args = ap.parse_args(argv)
    lines = [f"aifootprint estimate speed — {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
             f"Python {platform.python_version()}, numpy {np.__version__}, one core (OMP_NUM_THREADS=1); load average "
             f"{os.getloadavg()[0]:.1f} at the start (other processes on the machine slow every figure)", ""]
    for model in ("llama-3.1-8b", "qwen3-30b-a3b", "gpt-4o-mini", "gpt-4o"):
        est = RequestEstimator(model, RequestConfig(hardware="h100"))
        est.result(500, 300)  # first call builds the per-estimator uncertainty draws
        estimate_request(model, 500, 300)
        fast = per_call_us(lambda est=est: est.estimate(500, 300), 4_000)
        full = per_call_us(lambda est=est: est.result(500, 300), 1_000)
        one = per_call_us(lambda model=model: estimate_request(model, 500, 300), 1_000)
        rate = vectorised_rate(est, args.n)
        lines.append(f"{model:14s} point estimate(): {fast:6.1f} µs   full result(): {full:6.1f} µs   "
                     f"one-shot estimate_request(): {one:6.1f} µs   vectorised with ranges ({args.n:,} requests): "
                     f"{rate / 1e6:5.2f} M/s")
    lines.append("")
    lines.append(f"full result() over {VARIED_N:,} varied sizes (log-uniform 10-30,000 in, 5-2,000 out, seed "
                 f"{VARIED_SEED}; fresh process; first pass, which builds a closed model's Monte Carlo units, and the "
                 f"median of 5 later passes; each the median of {VARIED_PROCESSES} processes):")
    for model in ("llama-3.1-8b", "qwen3-30b-a3b", "gpt-4o-mini", "gpt-4o"):
        first, later = varied_us("aifootprint", model)
        lines.append(f"{model:14s} full result(), varied sizes: first pass {first:6.1f} µs, later passes "
                     f"{later:6.1f} µs per call")
    eco, label = ecologits_us()
    if eco is not None:
        first, later = varied_us("ecologits")
        lines.append(f"EcoLogits llm_impacts (openai, gpt-4o-mini) on the same sizes' output tokens: first pass "
                     f"{first:6.1f} µs, later passes {later:6.1f} µs per call")
    lines.append("")
    if eco is None:
        lines.append(label)
    else:
        ours = per_call_us(lambda: estimate_request("gpt-4o-mini", 500, 300), 1_000)
        lines.append(f"{label}: {eco:7.1f} µs per call; aifootprint estimate_request('gpt-4o-mini', …) full result "
                     f"in the same run: {ours:.1f} µs ({eco / ours:,.1f}× EcoLogits' speed)")
    ours_cold = cold_ms("aifootprint")
    cold = f"first estimate in a fresh process (import + one full result, median of 7): aifootprint {ours_cold:.0f} ms"
    if eco is not None:
        eco_cold = cold_ms("ecologits")
        cold += f", EcoLogits {eco_cold:.0f} ms ({eco_cold / ours_cold:,.1f}× aifootprint's time)"
    lines.append(cold)
    lines.append(f"load average {os.getloadavg()[0]:.1f} at the end")
    lines.append("targets: full result() ≤ 50 µs; one-shot estimate_request ≤ 50 µs; point ≤ 10 µs; vectorised with "
                 "ranges ≥ 1 M/s on one core")
    text = "\n".join(lines) + "\n"
    print(text, end="")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
