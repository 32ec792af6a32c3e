"""Build ``reference/data/accelerator_calibration.csv`` (+ sidecar + sources) from public measurements and datasheets.

Method (docs/methodology/inference.md):

1. For every ML.ENERGY Leaderboard v3.0 LLM configuration (tasks lm-arena-chat, gpqa, sourcegraph-fim; Chung et al.,
   arXiv:2505.06371) build the steady-state serving step of :mod:`aifootprint.estimate.roofline` from the model's
   published architecture (``MLE_ARCHS``, from each model's ``config.json`` on Hugging Face), the measured average
   batch size, mean output length, GPU model and count.
2. Time: measured step time = avg_batch_size / output throughput. For each grid point of (φ_c, φ_m), the overheads
   (t_step, t_seq, t_comm) enter linearly, so they are solved by non-negative least squares on the relative error;
   the grid point with the smallest error wins.
3. Energy: measured energy per step = J/token × avg_batch_size. Given the modelled step time, energy is linear in
   (P_static, e_flop, e_byte): non-negative least squares on the relative error.

Only the per-accelerator parameters are fitted (no per-model factor). The measurements are read at run time from
``--mlenergy`` (default ``../shared/data/mlenergy-leaderboard/configurations.csv``) and are not written out.

Accelerators without measurements get the H100 fit's efficiencies and overheads, with static power scaled by max
power and the per-FLOP / per-byte energies scaled by (max power / peak) — status E (assumption), source CAL-DEFAULT.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import product
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from aifootprint.estimate.arch import Architecture, TokenCosts, token_costs
from aifootprint.estimate.calibration import Calibration
from aifootprint.estimate.roofline import ArrayCosts, stack_calibrations, stack_costs, step_arrays

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "aifootprint" / "reference" / "data"
DEFAULT_MLE = ROOT.parent / "shared" / "data" / "mlenergy-leaderboard" / "configurations.csv"
TASKS = ("lm-arena-chat", "gpqa", "sourcegraph-fim")

#: Mean prompt length per ML.ENERGY task [tokens] — an ASSUMPTION (status E): the leaderboard does not publish input
#: lengths. How prompts are built is public (ml-energy/benchmark ``mlenergy/llm/datasets.py``): lm-arena-chat sends the
#: whole conversation history of LMArena human-preference-100k turns; gpqa sends one GPQA question with four choices;
#: sourcegraph-fim sends a code prefix and suffix (context-aware FIM completions).
TASK_INPUT_TOKENS = {"lm-arena-chat": 500.0, "gpqa": 250.0, "sourcegraph-fim": 2000.0}

#: ML.ENERGY model id prefix -> ``models.csv`` key: architectures come from the model registry (each model's published
#: ``config.json``, cited per row there, incl. sliding-window / chunked attention, multi-head latent attention and
#: Mamba-2 state); parameter counts are the leaderboard's. Instruct / Thinking / 2507 / FP8 variants and
#: DeepSeek-V3.1 / R1-0528 share their base model's architecture; Llama 3.3 70B has Llama 3.1 70B's.
MLE_ARCHS: dict[str, str] = {
    "Qwen/Qwen3-8B": "qwen3-8b",
    "Qwen/Qwen3-14B": "qwen3-14b",
    "Qwen/Qwen3-32B": "qwen3-32b",
    "Qwen/Qwen3-30B-A3B": "qwen3-30b-a3b",
    "Qwen/Qwen3-Coder-30B-A3B": "qwen3-coder-30b-a3b",
    "Qwen/Qwen3-235B-A22B": "qwen3-235b-a22b",
    "Qwen/Qwen3-Coder-480B-A35B": "qwen3-coder-480b-a35b",
    "deepseek-ai/DeepSeek": "deepseek-v3",
    "google/gemma-3-12b": "gemma-3-12b",
    "google/gemma-3-27b": "gemma-3-27b",
    "meta-llama/Llama-3.1-8B": "llama-3.1-8b",
    "meta-llama/Llama-3.1-70B": "llama-3.1-70b",
    "meta-llama/Llama-3.3-70B": "llama-3.1-70b",
    "meta-llama/Llama-3.1-405B": "llama-3.1-405b",
    "meta-llama/Llama-4-Scout": "llama-4-scout",
    "meta-llama/Llama-4-Maverick": "llama-4-maverick",
    "nvidia/NVIDIA-Nemotron-Nano-9B": "nemotron-nano-9b-v2",
    "nvidia/NVIDIA-Nemotron-Nano-12B": "nemotron-nano-12b-v2",
    "openai/gpt-oss-120b": "gpt-oss-120b",
    "openai/gpt-oss-20b": "gpt-oss-20b",
}

#: Upper bound of the achievable fraction of dense peak FLOP/s searched by the fit — an assumption (status E): large
#: GEMMs rarely sustain more than ~80 % of the datasheet dense peak. Without a bound the fit trades compute time
#: against the per-sequence overhead and runs to 100 % (in-sample median error 13.0 % instead of 13.8 % on H100).
MAX_COMPUTE_FRACTION = 0.8

PRECISION = {"bfloat16": "bf16", "fp8": "fp8", "mxfp4": "mxfp4"}

#: Datasheet figures used when the hardware registry is not importable (facts.md section F; NVIDIA H100 and B200
#: datasheets, dense Tensor-Core FLOP/s): key -> (bf16 TFLOP/s, fp8 TFLOP/s, GB/s, GB, W).
FALLBACK_SPECS = {
    "h100": (989.0, 1979.0, 3350.0, 80.0, 700.0),
    "b200": (2250.0, 4500.0, 8000.0, 180.0, 1000.0),
}
GPU_KEY = {"H100": "h100", "B200": "b200"}


@dataclass(frozen=True)
class Spec:
    """Minimal accelerator record (duck-types the hardware registry's)."""

    key: str
    name: str
    bf16_dense_tflops: float
    fp8_dense_tflops: float | None
    bandwidth_gb_per_s: float
    memory_gb: float
    max_power_w: float
    idle_power_w: float | None = None
    embodied_carbon_kg: float | None = None


def get_spec(key: str) -> Spec:
    """Accelerator datasheet record from the hardware registry, or the fallback table above."""
    try:
        from aifootprint.reference.hardware import get_accelerator

        a = get_accelerator(key)
        return Spec(
            key=a.key, name=a.name, bf16_dense_tflops=a.bf16_dense_tflops, fp8_dense_tflops=a.fp8_dense_tflops,
            bandwidth_gb_per_s=a.bandwidth_gb_per_s, memory_gb=a.memory_gb, max_power_w=a.max_power_w,
            idle_power_w=a.idle_power_w, embodied_carbon_kg=a.embodied_carbon_kg,
        )
    except Exception:
        bf, f8, bw, mem, p = FALLBACK_SPECS[key]
        return Spec(key, key.upper(), bf, f8, bw, mem, p)


def arch_for(model_id: str, total_b: float, active_b: float) -> Architecture:
    """Architecture of an ML.ENERGY model (prefix match on ``MLE_ARCHS``, then the model registry) with the
    leaderboard's parameter counts."""
    from aifootprint.estimate.models import resolve, with_params

    for prefix, key in MLE_ARCHS.items():
        if model_id.startswith(prefix):
            return replace(with_params(resolve(key).best, total_b, active_b), name=model_id)
    raise KeyError(model_id)


@dataclass(frozen=True)
class Config:
    """One measured ML.ENERGY configuration (the columns the fit and validation use)."""

    model_id: str
    task: str
    gpu: str
    n: int
    max_num_seqs: int
    batch: float
    output_tokens: float
    input_tokens: float
    step_time_s: float
    energy_per_token_j: float
    power_w: float
    dp_ep: bool
    arch: Architecture
    costs: TokenCosts


def load_mle(path: Path, tasks: Sequence[str] = TASKS) -> list[Config]:
    """Read the LLM configurations of ``tasks`` from the ML.ENERGY table at ``path``."""
    out: list[Config] = []
    with path.open(newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["task"] not in tasks or r["model_class"] != "llm":
                continue
            arch = arch_for(r["model_id"], float(r["total_params_b"]), float(r["active_params_b"]))
            batch = float(r["avg_batch_size"])
            thr = float(r["output_throughput_tokens_per_sec"])
            out.append(
                Config(
                    model_id=r["model_id"], task=r["task"], gpu=r["gpu_model"], n=int(r["num_gpus"]),
                    max_num_seqs=int(r["max_num_seqs"]), batch=batch, output_tokens=float(r["avg_output_len"]),
                    input_tokens=TASK_INPUT_TOKENS[r["task"]], step_time_s=batch / thr,
                    energy_per_token_j=float(r["energy_per_token_joules"]), power_w=float(r["avg_power_watts"]),
                    dp_ep=bool(r["parallel_notes"]), arch=arch,
                    costs=token_costs(arch, PRECISION[r["weight_precision"]]),
                )
            )
    return out


def blank_calibration(spec: Spec) -> Calibration:
    """A calibration with the datasheet figures of ``spec`` and zero fitted terms."""
    return Calibration(
        accelerator=spec.key, name=spec.name, peak_bf16_flops=spec.bf16_dense_tflops * 1e12,
        peak_fp8_flops=(spec.fp8_dense_tflops or 0.0) * 1e12 or None,
        bandwidth_bytes_per_s=spec.bandwidth_gb_per_s * 1e9, memory_bytes=spec.memory_gb * 1e9,
        max_power_w=spec.max_power_w, compute_fraction=1.0, bandwidth_fraction=1.0, step_overhead_s=0.0,
        seq_overhead_s=0.0, comm_latency_s=0.0, allreduce_bytes_per_s=math.inf, static_power_w=0.0,
        energy_per_flop_j=0.0, energy_per_byte_j=0.0,
        idle_power_w=spec.idle_power_w or 0.0, embodied_carbon_kg=spec.embodied_carbon_kg, source="", status="D",
    )


@dataclass(frozen=True)
class Arrays:
    """Per-configuration arrays for the vectorised model."""

    costs: ArrayCosts
    n: NDArray[np.float64]
    batch: NDArray[np.float64]
    prefill: NDArray[np.float64]
    dctx: NDArray[np.float64]
    pctx: NDArray[np.float64]


def arrays(configs: Sequence[Config], cal: Calibration) -> Arrays:
    """Stack configurations into arrays (DP+EP rows read the dense weights once per GPU, and each GPU keeps only its
    own sequences' KV cache: no KV-head replication)."""
    costs = [replace(c.costs, dense_weight_bytes=c.costs.dense_weight_bytes * c.n, kv_shards=0.0) if c.dp_ep
             else c.costs for c in configs]
    ac = stack_costs(costs, [cal] * len(costs))
    b = np.array([c.batch for c in configs])
    i = np.array([c.input_tokens for c in configs])
    o = np.array([c.output_tokens for c in configs])
    return Arrays(ac, np.array([float(c.n) for c in configs]), b, b * i / o, i + o / 2.0, i / 2.0)


def _nnls(a: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
    """Non-negative least squares for a handful of columns (exhaustive active sets)."""
    k = a.shape[1]
    scale = np.linalg.norm(a, axis=0)
    scale[scale == 0] = 1.0
    a = a / scale  # columns differ by ~14 orders of magnitude (W vs FLOP/s): equilibrate before solving
    best, best_err = np.zeros(k), float(np.sum(y**2))
    for mask in product((False, True), repeat=k):
        cols = [j for j in range(k) if mask[j]]
        if not cols:
            continue
        x, *_ = np.linalg.lstsq(a[:, cols], y, rcond=None)
        if np.any(x < 0):
            continue
        full = np.zeros(k)
        full[cols] = x
        err = float(np.sum((a @ full - y) ** 2))
        if err < best_err:
            best, best_err = full, err
    return best / scale


def _with(cal: Calibration, **kw: float) -> Calibration:
    return replace(cal, **kw)  # type: ignore[arg-type]


def _robust_nnls(a: NDArray[np.float64], y: NDArray[np.float64], iters: int = 6) -> NDArray[np.float64]:
    """NNLS with Huber weights (δ = 0.15 relative error), by iteratively reweighted least squares: a few anomalous
    measurements must not drag every other configuration."""
    w = np.ones_like(y)
    x = np.zeros(a.shape[1])
    for _ in range(iters):
        x = _nnls(a * w[:, None], y * w)
        r = np.abs(a @ x - y)
        w = np.sqrt(np.where(r <= 0.15, 1.0, 0.15 / np.maximum(r, 1e-12)))
    return x


def fit(configs: Sequence[Config], spec: Spec, grid: int = 24) -> Calibration:
    """Fit the per-accelerator parameters to ``configs`` (all on the accelerator of ``spec``).

    For each (φ_c, φ_m) on a grid: overheads by robust NNLS on the relative step-time error, then the energy
    coefficients by robust NNLS on the relative energy error given the modelled time; the grid point with the smallest
    median |relative error| of energy per output token wins.
    """
    base = blank_calibration(spec)
    arr = arrays(configs, base)
    y_t = np.array([c.step_time_s for c in configs])
    y_e = np.array([c.energy_per_token_j * c.batch for c in configs])
    layers2 = np.where(arr.n > 1, 2.0 * arr.costs.layers, 0.0)
    ar_bytes = layers2 * (arr.batch + arr.prefill) * arr.costs.hidden_bytes * 2.0 * (arr.n - 1) / arr.n
    unit = replace(base, max_power_w=math.inf)
    flops = step_arrays(arr.costs, stack_calibrations([replace(unit, energy_per_flop_j=1.0)]), arr.n, arr.batch,
                        arr.prefill, arr.dctx, arr.pctx)[1]
    moved = step_arrays(arr.costs, stack_calibrations([replace(unit, energy_per_byte_j=1.0)]), arr.n, arr.batch,
                        arr.prefill, arr.dctx, arr.pctx)[1]
    best: tuple[float, Calibration] | None = None
    for phi_c in np.linspace(0.15, MAX_COMPUTE_FRACTION, grid):
        for phi_m in np.linspace(0.2, 1.0, grid):
            cal = stack_calibrations([_with(base, compute_fraction=phi_c, bandwidth_fraction=phi_m)])
            t0, _ = step_arrays(arr.costs, cal, arr.n, arr.batch, arr.prefill, arr.dctx, arr.pctx)
            a = np.stack([np.ones_like(t0), arr.batch, layers2, ar_bytes], axis=1) / y_t[:, None]
            x = _robust_nnls(a, 1.0 - t0 / y_t)
            t = t0 + (a @ x) * y_t
            ae = np.stack([arr.n * t, flops, moved], axis=1) / y_e[:, None]
            p, ef, eb = _robust_nnls(ae, np.ones_like(y_e))
            e = np.minimum(arr.n * p * t + ef * flops + eb * moved, arr.n * spec.max_power_w * t)
            score = float(np.median(np.abs(e / y_e - 1.0)))
            if best is None or score < best[0]:
                best = (score, _with(
                    base, compute_fraction=float(phi_c), bandwidth_fraction=float(phi_m), step_overhead_s=float(x[0]),
                    seq_overhead_s=float(x[1]), comm_latency_s=float(x[2]),
                    allreduce_bytes_per_s=1.0 / float(x[3]) if x[3] > 0 else math.inf, static_power_w=float(p),
                    energy_per_flop_j=float(ef), energy_per_byte_j=float(eb),
                ))
    assert best is not None
    return best[1]


def predict(configs: Sequence[Config], cal: Calibration) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Modelled (step time [s], energy per output token [J]) for each configuration."""
    arr = arrays(configs, cal)
    t, e = step_arrays(arr.costs, stack_calibrations([cal]), arr.n, arr.batch, arr.prefill, arr.dctx, arr.pctx)
    return t, e / arr.batch


def default_from(h100: Calibration, spec: Spec) -> Calibration:
    """Carry the H100 fit over to an accelerator without measurements (status E): same efficiencies and overheads;
    static power ∝ max power; energy per FLOP ∝ max power / peak FLOP/s; energy per byte ∝ max power / bandwidth."""
    base = blank_calibration(spec)
    p_ratio = spec.max_power_w / h100.max_power_w
    return replace(
        base,
        compute_fraction=h100.compute_fraction, bandwidth_fraction=h100.bandwidth_fraction,
        step_overhead_s=h100.step_overhead_s, seq_overhead_s=h100.seq_overhead_s, comm_latency_s=h100.comm_latency_s,
        allreduce_bytes_per_s=h100.allreduce_bytes_per_s,
        static_power_w=h100.static_power_w * p_ratio,
        energy_per_flop_j=h100.energy_per_flop_j * p_ratio * h100.peak_bf16_flops / base.peak_bf16_flops,
        energy_per_byte_j=h100.energy_per_byte_j * p_ratio * h100.bandwidth_bytes_per_s / base.bandwidth_bytes_per_s,
        status="E",
    )


def rel_errors(configs: Sequence[Config], cal: Calibration) -> NDArray[np.float64]:
    """Relative error (estimate / measured − 1) of energy per output token."""
    _, e = predict(configs, cal)
    return e / np.array([c.energy_per_token_j for c in configs]) - 1.0


def main(argv: Sequence[str] | None = None) -> int:
    """Fit and write the calibration table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mlenergy", type=Path, default=DEFAULT_MLE, help="ML.ENERGY configurations.csv")
    ap.add_argument("--out", type=Path, default=DATA, help="reference data folder to write")
    ap.add_argument("--dry-run", action="store_true", help="print the fit, write nothing")
    args = ap.parse_args(argv)
    if not args.mlenergy.exists():
        print(f"ML.ENERGY table not found: {args.mlenergy}", file=sys.stderr)
        return 2
    configs = load_mle(args.mlenergy)
    fitted: dict[str, tuple[Calibration, int, float]] = {}
    for gpu, key in GPU_KEY.items():
        sub = [c for c in configs if c.gpu == gpu]
        cal = fit(sub, get_spec(key))
        err = rel_errors(sub, cal)
        fitted[key] = (cal, len(sub), float(np.median(np.abs(err))))
        print(f"{key}: n={len(sub)} median|err|={np.median(np.abs(err)):.3f} max={np.max(np.abs(err)):.3f} {cal}")
    if args.dry_run:
        return 0
    write(args.out, fitted)
    return 0


def other_accelerators(fitted: dict[str, tuple[Calibration, int, float]]) -> list[str]:
    """Registry accelerators without a fit (GPUs and TPUs alike), in registry order."""
    try:
        from aifootprint.reference.hardware import list_accelerators

        return [a.key for a in list_accelerators() if a.key not in fitted]
    except ImportError:
        return []

COLUMNS = (
    "accelerator", "compute_fraction", "bandwidth_fraction", "step_overhead_s", "seq_overhead_s", "comm_latency_s",
    "allreduce_bandwidth_gb_per_s",
    "static_power_w", "energy_per_flop_pj", "energy_per_byte_pj", "fit_configs", "fit_median_abs_error_fraction",
    "method", "source", "year", "licence", "status", "notes",
)


def _row(cal: Calibration, n: int | str, err: float | str, method: str, source: str, notes: str) -> list[str]:
    return [
        cal.accelerator, f"{cal.compute_fraction:.4g}", f"{cal.bandwidth_fraction:.4g}", f"{cal.step_overhead_s:.4g}",
        f"{cal.seq_overhead_s:.4g}", f"{cal.comm_latency_s:.4g}", f"{cal.allreduce_bytes_per_s / 1e9:.4g}",
        f"{cal.static_power_w:.4g}",
        f"{cal.energy_per_flop_j * 1e12:.4g}", f"{cal.energy_per_byte_j * 1e12:.4g}", str(n),
        err if isinstance(err, str) else f"{err:.4f}", method, source, "2025", "facts", cal.status, notes,
    ]


def write(out: Path, fitted: dict[str, tuple[Calibration, int, float]]) -> None:
    """Write the CSV, its sidecar and the source list."""
    rows = []
    for cal, n, err in fitted.values():
        rows.append(_row(cal, n, err, "fit-mlenergy-v3", "MLE-FIT", "fitted to ML.ENERGY v3.0 (vLLM 0.11.1)"))
    h100 = fitted["h100"][0]
    for key in other_accelerators(fitted):
        spec = get_spec(key)
        if None in (spec.max_power_w, spec.bf16_dense_tflops, spec.bandwidth_gb_per_s, spec.memory_gb):
            print(f"skipped {key}: datasheet power, bf16 peak, bandwidth or memory not in the registry")
            continue
        cal = default_from(h100, spec)
        rows.append(_row(cal, "", "", "default-from-h100", "CAL-DEFAULT", "H100 efficiencies; power scaled"))
    out.mkdir(parents=True, exist_ok=True)
    with (out / "accelerator_calibration.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        w.writerows(rows)
    (out / "accelerator_calibration.toml").write_text(SIDECAR, encoding="utf-8")
    (out / "sources").mkdir(exist_ok=True)
    (out / "sources" / "calibration.csv").write_text(SOURCES, encoding="utf-8")
    print(f"wrote {len(rows)} rows to {out / 'accelerator_calibration.csv'}")


SIDECAR = '''title = "Accelerator calibration for the inference roofline"
description = """Achievable fractions of peak compute and bandwidth, per-step and per-sequence overheads, \
tensor-parallel
all-reduce latency, static power and energy per FLOP / per byte, per accelerator. H100 and B200 are fitted to the
ML.ENERGY Leaderboard v3.0 (only the fitted parameters ship); other accelerators carry the H100 fit over (status E).
Method: docs/methodology/inference.md."""
key = "accelerator"
builder = "scripts/build_calibration.py"
credit = "ML.ENERGY Leaderboard v3.0 (ml.energy/leaderboard, data of 2026-02-16), Chung et al., NeurIPS 2025 D&B, \
arXiv:2505.06371"

[columns]
accelerator = "hardware registry key"
compute_fraction = "achievable fraction of dense peak FLOP/s [-]"
bandwidth_fraction = "achievable fraction of peak memory bandwidth [-]"
step_overhead_s = "fixed time per serving step (scheduling, kernel launches) [s]"
seq_overhead_s = "host time per running sequence per step (sampling, detokenisation) [s]"
comm_latency_s = "latency of one tensor-parallel all-reduce (2 per layer per step when > 1 accelerator) [s]"
allreduce_bandwidth_gb_per_s = "effective all-reduce bandwidth (ring: 2 (n-1)/n of each token's hidden state) [GB/s]"
static_power_w = "power drawn per accelerator while serving, independent of work [W]"
energy_per_flop_pj = "dynamic energy per FLOP [pJ]"
energy_per_byte_pj = "dynamic energy per byte moved from HBM [pJ]"
fit_configs = "number of measured configurations fitted (empty: not fitted)"
fit_median_abs_error_fraction = "in-sample median |relative error| of energy per output token [-]"
method = "fit-mlenergy-v3 or default-from-h100"
source = "source keys (data/sources/calibration.csv)"
year = "year of the measurements / datasheets"
licence = "facts: fitted parameters, not the measurements"
status = "D derived (fitted) or E estimate"
notes = "caveats"
'''

SOURCES = """key,citation,url,licence,status
MLE-FIT,"Parameters fitted by scripts/build_calibration.py to the ML.ENERGY Leaderboard v3.0 (data of 2026-02-16): \
Chung, Ma, Wu, Liu, Kweon, Xia, Wu, Chowdhury, The ML.ENERGY Benchmark, NeurIPS 2025 Datasets and Benchmarks, \
arXiv:2505.06371",https://ml.energy/leaderboard,facts,D
CAL-DEFAULT,"Assumption: accelerators without public serving measurements take the H100 fit's efficiencies and \
overheads; power terms scaled by datasheet max power / peak (docs/methodology/inference.md)",,facts,E
"""


if __name__ == "__main__":
    raise SystemExit(main())
