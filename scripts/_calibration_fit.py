"""Fit of the per-accelerator physics (:mod:`aifootprint.estimate.physics`) to public measurements.

Shared by ``scripts/build_calibration.py`` (writes the shipped table) and ``benchmarks/validation.py`` (scores it in
and out of sample). Method (docs/methodology/inference.md):

1. Every ML.ENERGY Leaderboard v3.0 LLM configuration (tasks lm-arena-chat, gpqa, sourcegraph-fim; Chung et al.,
   arXiv:2505.06371) becomes the steady-state serving step of :func:`~aifootprint.estimate.physics.llm_step_work` —
   FLOPs and bytes from the model's published architecture at the measured average batch, mean output length, weight
   precision, GPU model and count. The work does not depend on the calibration: it is computed once.
2. **Power** (first, independent of the time terms): the measured average power per GPU against the achieved bytes/s,
   FLOP/s and sequence-steps/s (modelled bytes, FLOPs and running sequences ÷ measured step time ÷ GPUs) with the
   soft power cap of :func:`~aifootprint.estimate.physics.step_time_energy`:
   ``P = P_base + H (1 − exp(−d/H))``, ``d = e_byte · bytes/s + e_flop · FLOP/s + e_seq · seqs/s`` (:func:`fit_power`).
   ``e_seq`` belongs to the vLLM engine profile: its per-sequence time is not idle accelerator time.
3. **Time** (measured step time = avg batch ÷ output throughput): the achievable compute fraction φ_c is the
   micro-benchmark's power-capped bf16 GEMM (691.4 of 989.5 TFLOP/s on H100, ``../shared/data/gpu-microbench``); the
   all-reduce bandwidth is NVLink's (:data:`NVLINK_BUS_BYTES_PER_S`, cited, not fitted); for each φ_m on a grid, the
   vLLM host terms (t_step, t_seq, t_layer) and the all-reduce latency enter linearly and are solved by non-negative
   least absolute relative deviation (the score is a median); the φ_m with the smallest median |error| of energy per
   output token wins.
4. **MoE expert time**: the MoE configurations' step time the terms above leave unexplained, on the expert GEMMs'
   compute-roofline time (dense models untouched).

Only per-accelerator parameters are fitted (no per-model factor). The measurements are read at run time and never
written out (no licence).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from aifootprint.estimate.arch import Architecture, TokenCosts, token_costs
from aifootprint.estimate.calibration import Calibration
from aifootprint.estimate.engines import engine_costs, engine_profile
from aifootprint.estimate.physics import (
    allreduce_s,
    dynamic_energy,
    llm_step_traffic,
    soft_cap,
    soft_cap_inverse,
    step_time_energy,
)

F64 = NDArray[np.float64]
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
    #: GPU-to-GPU bandwidth per GPU and direction (NVLink or PCIe; hardware registry) [GB/s]; None: not published
    interconnect_gb_per_s: float | None = None


def get_spec(key: str) -> Spec:
    """Accelerator datasheet record from the hardware registry, or the fallback table above."""
    try:
        from aifootprint.reference.hardware import get_accelerator

        a = get_accelerator(key)
        return Spec(
            key=a.key, name=a.name, bf16_dense_tflops=a.bf16_dense_tflops, fp8_dense_tflops=a.fp8_dense_tflops,
            bandwidth_gb_per_s=a.bandwidth_gb_per_s, memory_gb=a.memory_gb, max_power_w=a.max_power_w,
            idle_power_w=a.idle_power_w, embodied_carbon_kg=a.embodied_carbon_kg,
            interconnect_gb_per_s=a.interconnect_gb_per_s,
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
                    costs=engine_costs(token_costs(arch, PRECISION[r["weight_precision"]]), "vllm"),
                )
            )
    return out




#: aifootprint GPU micro-benchmarks (../shared/data/gpu-microbench/microbench.csv, 2026-11-26, CC0; source key
#: MICROBENCH): registry key -> (idle W, GEMM TFLOP/s, GEMM W, copy GB/s, copy W).
MICROBENCH_GPU = {"NVIDIA H100 SXM5 80GB (HBM3)": "h100", "NVIDIA H200 SXM 141GB": "h200"}
DEFAULT_MICROBENCH = ROOT.parent / "shared" / "data" / "gpu-microbench" / "microbench.csv"


@dataclass(frozen=True)
class Bench:
    """Idle, bf16 GEMM and HBM-copy measurements of one GPU."""

    key: str
    idle_w: float
    gemm_flops_per_s: float
    gemm_w: float
    copy_bytes_per_s: float
    copy_w: float


def load_microbench(path: Path = DEFAULT_MICROBENCH) -> dict[str, Bench]:
    """Micro-benchmarks per registry key (empty when the file is absent). Power = NVML energy-counter difference ÷
    window duration, the primary reading (the 10 Hz ``power_mean_w`` samples read 5–8 % lower under the GEMM and
    8 % higher under the copy)."""
    if not path.exists():
        return {}
    per: dict[str, dict[str, dict[str, str]]] = {}
    with path.open(newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            per.setdefault(MICROBENCH_GPU.get(r["gpu"], r["gpu"]), {})[r["benchmark"]] = r

    def watts(r: dict[str, str]) -> float:  # energy counter ÷ window: the primary reading (SOURCE.md)
        return float(r["energy_j"]) / float(r["duration_s"])

    return {k: Bench(k, watts(b["idle"]), float(b["matmul_bf16"]["achieved_tflop_per_s"]) * 1e12,
                     watts(b["matmul_bf16"]), float(b["hbm_copy"]["achieved_gb_per_s"]) * 1e9, watts(b["hbm_copy"]))
            for k, b in per.items() if {"idle", "matmul_bf16", "hbm_copy"} <= set(b)}


def blank_calibration(spec: Spec) -> Calibration:
    """A calibration with the datasheet figures of ``spec`` and zero fitted terms."""
    return Calibration(
        accelerator=spec.key, name=spec.name, peak_bf16_flops=spec.bf16_dense_tflops * 1e12,
        peak_fp8_flops=(spec.fp8_dense_tflops or 0.0) * 1e12 or None,
        bandwidth_bytes_per_s=spec.bandwidth_gb_per_s * 1e9, memory_bytes=spec.memory_gb * 1e9,
        max_power_w=spec.max_power_w, compute_fraction=1.0, bandwidth_fraction=1.0, step_overhead_s=0.0,
        seq_overhead_s=0.0, comm_latency_s=0.0, allreduce_bytes_per_s=math.inf, base_power_w=0.0,
        energy_per_flop_j=0.0, energy_per_byte_j=0.0,
        idle_power_w=spec.idle_power_w or 0.0, embodied_carbon_kg=spec.embodied_carbon_kg, source="", status="D",
    )


class Stacked:
    """:class:`TokenCosts` fields as arrays, one entry per configuration (duck-types TokenCosts for the physics)."""

    def __init__(self, costs: Sequence[TokenCosts]) -> None:
        for name in TokenCosts.__slots__:
            if name != "compute_dtype":
                setattr(self, name, np.array([float(getattr(c, name)) for c in costs]))
        self.compute_dtype = [c.compute_dtype for c in costs]


@dataclass(frozen=True)
class Work:
    """Calibration-independent per-configuration arrays: the step's FLOPs and bytes, and what the time model needs."""

    flops: F64
    moved: F64
    n: F64
    batch: F64
    tokens: F64
    layers: F64
    hidden_bytes: F64
    fp8: NDArray[np.bool_]
    step_time_s: F64
    power_w_per_gpu: F64
    energy_per_token_j: F64
    #: routed-expert FLOPs of the step (part of ``flops``)
    expert_flops: F64
    #: KV-cache and recurrent-state bytes of the step (part of ``moved``), read at the cache bandwidth
    cache: F64


def work(configs: Sequence[Config]) -> Work:
    """Stack configurations (DP+EP rows read the dense weights once per GPU, and each GPU keeps only its own
    sequences' KV cache: no KV-head replication) and count each step's FLOPs and bytes."""
    costs = [replace(c.costs, dense_weight_bytes=c.costs.dense_weight_bytes * c.n, kv_shards=0.0) if c.dp_ep
             else c.costs for c in configs]
    st = Stacked(costs)
    b = np.array([c.batch for c in configs])
    i = np.array([c.input_tokens for c in configs])
    o = np.array([c.output_tokens for c in configs])
    n = np.array([float(c.n) for c in configs])
    flops, moved, cache = llm_step_traffic(st, n, b, b * i / o, i + o / 2.0, i / 2.0)
    return Work(flops, moved, n, b, b + b * i / o, st.layers, st.hidden_bytes,  # type: ignore[attr-defined]
                np.array([d == "fp8" for d in st.compute_dtype]), np.array([c.step_time_s for c in configs]),
                np.array([c.power_w / c.n for c in configs]), np.array([c.energy_per_token_j for c in configs]),
                (b + b * i / o) * st.expert_flops, cache)  # type: ignore[attr-defined]


def device_arrays(w: Work, cal: Calibration) -> Any:
    """The :class:`~aifootprint.estimate.physics.Device` of ``cal`` with the compute peak per row's dtype."""
    peak = np.where(w.fp8, cal.peak_flops("fp8"), cal.peak_bf16_flops)
    return replace(cal.device("bf16"), compute_flops_per_s=peak * cal.compute_fraction)


def predict(w: Work, cal: Calibration) -> tuple[F64, F64]:
    """Modelled (step time [s], energy per output token [J]) per configuration (``vllm`` engine)."""
    dev = device_arrays(w, cal)
    comm = allreduce_s(w.tokens, w.n, w.layers, w.hidden_bytes, dev)
    eng = engine_profile("vllm", cal)
    t, e = step_time_energy(w.flops, w.moved, w.n, dev,
                            eng.host_s(w.batch, w.layers) + eng.expert_s(w.expert_flops, w.n, dev), comm,
                            eng.host_j(w.batch), w.cache)
    return np.asarray(t), np.asarray(e) / w.batch


def power_given_time(w: Work, cal: Calibration) -> F64:
    """The power model alone: average power per GPU [W] at the *measured* step time (achieved bytes/s, FLOP/s and
    sequence-steps/s = modelled work ÷ measured time ÷ GPUs), soft-capped below the power limit
    (:func:`~aifootprint.estimate.physics.soft_cap`). At the *modelled* step time the same expression is the
    end-to-end power (:func:`power_per_gpu` of :func:`predict`)."""
    r = 1.0 / (w.n * w.step_time_s)
    return np.asarray(power_at_rates(cal, w.moved * r, w.flops * r, w.batch * r))


def power_at_rates(cal: Calibration, bytes_per_s: Any, flops_per_s: Any = 0.0, seqs_per_s: Any = 0.0) -> Any:
    """Power of one accelerator [W] at achieved rates (bytes/s of HBM traffic, FLOP/s, sequence-steps/s): the power
    model of :func:`~aifootprint.estimate.physics.step_time_energy` per unit time, ``P_base + soft_cap(d, H)`` (the
    straight line ``P_base + min(d, H)`` for a calibration with ``linear_power``: :func:`~aifootprint.estimate.physics.
    dynamic_energy`)."""
    d = cal.energy_per_byte_j * bytes_per_s + cal.energy_per_flop_j * flops_per_s + cal.seq_energy_j * seqs_per_s
    return cal.base_power_w + dynamic_energy(d, cal.max_power_w - cal.base_power_w, cal.linear_power)


def _nnls(a: F64, y: F64) -> F64:
    """Non-negative least squares for a handful of columns (exhaustive active sets)."""
    k = a.shape[1]
    scale = np.linalg.norm(a, axis=0)
    scale[scale == 0] = 1.0
    a = a / scale  # columns differ by many orders of magnitude: equilibrate before solving
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


#: The step-time terms are fitted by least absolute relative deviation (L1: the score is a *median* of absolute
#: relative errors), by iteratively reweighted least squares with weights 1 / max(|r|, 1 %) (a Huber loss with
#: δ = 1 %); the 1 % floor keeps the weights finite, and 30 iterations reach a fixed point.
L1_FLOOR = 0.01
L1_ITERS = 30


def _robust_nnls(a: F64, y: F64, iters: int = 6, delta: float = 0.15) -> F64:
    """NNLS with Huber weights (δ = 0.15 relative error) by iteratively reweighted least squares: a few anomalous
    measurements must not drag every other configuration."""
    wt = np.ones_like(y)
    x = np.zeros(a.shape[1])
    for _ in range(iters):
        x = _nnls(a * wt[:, None], y * wt)
        r = np.abs(a @ x - y)
        wt = np.sqrt(np.where(r <= delta, 1.0, delta / np.maximum(r, 1e-12)))
    return x


def _huber(r: F64, delta: float = 0.15) -> float:
    """Huber loss of relative errors ``r`` (the objective :func:`_robust_nnls` minimises)."""
    a = np.abs(r)
    return float(np.sum(np.where(a <= delta, 0.5 * a * a, delta * (a - 0.5 * delta))))


def fit_power(w: Work, limit_w: float, grid: int = 24) -> tuple[float, float, float, float]:
    """``(P_base, e_byte, e_flop, e_seq)``: the power model fitted to the measured average power per GPU at the
    measured step time, ``P = P_base + H (1 − exp(−d / H))``, ``H = P_limit − P_base``, ``d = e_byte·bytes/s +
    e_flop·FLOP/s + e_seq·seqs/s`` (:func:`~aifootprint.estimate.physics.soft_cap`).

    For each ``P_base`` on a grid (then refined around the best), the measured power is mapped to the linear dynamic
    power it implies (:func:`~aifootprint.estimate.physics.soft_cap_inverse`) and the three energies are solved by
    robust NNLS on that, each row weighted by the soft cap's slope ``1 − (P − P_base)/H`` ÷ P so that the residual is
    the relative error of power to first order; the ``P_base`` with the smallest Huber loss of the exact relative
    errors wins. Independent of the time terms (measured step time), so fitted once per :func:`fit`."""
    y = w.power_w_per_gpu
    r = 1.0 / (w.n * w.step_time_s)
    a = np.stack([w.moved * r, w.flops * r, w.batch * r], axis=1)
    best: tuple[float, float, F64] | None = None
    pts = np.linspace(0.0, 0.8 * limit_w, grid)
    for _ in range(2):
        for pb in pts:
            h = limit_w - pb
            d = np.asarray(soft_cap_inverse(y, pb, limit_w))
            slope = np.maximum(1.0 - np.minimum((y - pb) / h, 0.99), 1e-3) / y
            x = _robust_nnls(a * slope[:, None], d * slope)
            loss = _huber((pb + np.asarray(soft_cap(a @ x, h))) / y - 1.0)
            if best is None or loss < best[0]:
                best = (loss, float(pb), x)
        assert best is not None
        step = pts[1] - pts[0]
        pts = np.linspace(max(0.0, best[1] - step), best[1] + step, 11)
    assert best is not None
    eb, ef, es = (float(v) for v in best[2])
    return best[1], eb, ef, es


#: All-reduce bus bandwidth per GPU [bytes/s] of the NVLink fabric of the ML.ENERGY runs (8-GPU HGX / DGX nodes,
#: NVSwitch), **not fitted**: NVLink's bandwidth per GPU and direction. H100 SXM: NVLink 4, 900 GB/s bidirectional =
#: 450 GB/s per direction (NVIDIA H100 Tensor Core GPU datasheet; NVIDIA Technical Blog, "Upgrading Multi-GPU
#: Interconnectivity with the Third-Generation NVIDIA NVSwitch", 2022); nccl-tests ``all_reduce_perf`` on 8 × H100 SXM
#: reaches a bus bandwidth of 460–480 GB/s at large messages (Alaya NeW, "NCCL-tests in practice", 2026), i.e. the
#: link rate. B200: NVLink 5, 1.8 TB/s bidirectional = 900 GB/s per direction (NVIDIA DGX B200 datasheet). In the
#: ring model of :func:`~aifootprint.estimate.physics.allreduce_terms` (``2 (n − 1)/n`` of each token's bytes) this
#: is nccl-tests' *bus* bandwidth; the latency per all-reduce (small messages, vLLM's custom all-reduce) stays fitted.
#: Fitted freely, the bandwidth absorbed other step time: 902 GB/s on H100 (twice the link) with the Huber fit, 189
#: GB/s with the L1 fit (docs/methodology/inference.md §3).
NVLINK_BUS_BYTES_PER_S = {"h100": 450e9, "b200": 900e9}


def _fit_at(w: Work, cal: Calibration) -> Calibration:
    """Host terms and the all-reduce latency at ``cal``'s fractions and all-reduce bandwidth (L1 fit of the relative
    step-time error; the power terms are fitted beforehand by :func:`fit_power`, independent of the time terms), then
    the MoE expert-time term. A free all-reduce bandwidth is fitted only for an accelerator without a cited one."""
    y_t = w.step_time_s
    layers2 = np.where(w.n > 1, 2.0 * w.layers, 0.0)
    ar_bytes = layers2 * w.tokens * w.hidden_bytes * 2.0 * (w.n - 1) / w.n
    free_bw = not math.isfinite(cal.allreduce_bytes_per_s)
    cols = [np.ones_like(y_t), w.batch, layers2, w.layers] + ([ar_bytes] if free_bw else [])
    a = np.stack(cols, axis=1) / y_t[:, None]
    busy, _ = predict(w, replace(cal, max_power_w=math.inf, energy_per_flop_j=0.0, energy_per_byte_j=0.0,
                                 step_overhead_s=0.0, seq_overhead_s=0.0, comm_latency_s=0.0, layer_overhead_s=0.0,
                                 seq_energy_j=0.0))  # roofline + all-reduce bytes at the fixed bandwidth
    x = _robust_nnls(a, 1.0 - busy / y_t, iters=L1_ITERS, delta=L1_FLOOR)
    cal = replace(cal, step_overhead_s=float(x[0]), seq_overhead_s=float(x[1]), comm_latency_s=float(x[2]),
                  layer_overhead_s=float(x[3]))
    if free_bw:
        cal = replace(cal, allreduce_bytes_per_s=1.0 / float(x[4]) if x[4] > 0 else math.inf)
    # stage 2: the step time the terms above leave unexplained in MoE configurations, on the expert GEMMs'
    # compute-roofline time (the other terms are not refitted, so dense models are untouched)
    moe = w.expert_flops > 0
    if moe.any():
        t, _ = predict(w, cal)
        roof = w.expert_flops / (w.n * device_arrays(w, cal).compute_flops_per_s)
        x = _robust_nnls((roof / y_t)[moe][:, None], (1.0 - t / y_t)[moe])
        cal = replace(cal, expert_compute_overhead=float(x[0]))
    return cal


def fit(configs: Sequence[Config], spec: Spec, compute_fraction: float, grid: int = 24,
        cache_fraction: float = 0.0) -> Calibration:
    """Fit the per-accelerator parameters to ``configs`` (all on the accelerator of ``spec``) at a fixed achievable
    compute fraction and cache bandwidth fraction (:func:`cache_fraction_for`; 0 = the fitted bandwidth fraction);
    the bandwidth fraction with the smallest median |error| of energy per token wins."""
    w = work(configs)
    p, eb, ef, es = fit_power(w, spec.max_power_w)
    base = replace(blank_calibration(spec), compute_fraction=compute_fraction, cache_bandwidth_fraction=cache_fraction,
                   base_power_w=p, energy_per_byte_j=eb,
                   energy_per_flop_j=ef, seq_energy_j=es,
                   allreduce_bytes_per_s=NVLINK_BUS_BYTES_PER_S.get(spec.key, math.inf))
    best: tuple[float, Calibration] | None = None
    for phi_m in np.linspace(0.2, 1.0, grid):
        cal = _fit_at(w, replace(base, bandwidth_fraction=float(phi_m)))
        _, e = predict(w, replace(cal, expert_compute_overhead=0.0))  # φ_m chosen as without the MoE term
        score = float(np.median(np.abs(e / w.energy_per_token_j - 1.0)))
        if best is None or score < best[0]:
            best = (score, cal)
    assert best is not None
    return best[1]


@dataclass(frozen=True)
class ScaleRule:
    """How :func:`scale_to` carries each power term to another accelerator (the time terms always carry over as
    they are: same achievable fractions, host seconds and all-reduce latency; the all-reduce bandwidth is the target's
    own interconnect from the hardware registry).

    The shipped rule (the defaults) keeps the *shares of the power limit*: base power ∝ power limit, and the dynamic
    power at full compute or at full bandwidth keeps its share of the limit (energy per FLOP ∝ limit / peak FLOP/s,
    energy per byte ∝ limit / bandwidth). Its per-byte part is the one measured across two GPUs: the aifootprint
    micro-benchmarks' HBM copy draws 266 W above idle on H100 (3.0 TB/s) and 277 W on H200 (4.3 TB/s) at the same
    700 W limit, i.e. the energy per byte falls with the bandwidth (−26 %; this rule −30 %, a constant energy per byte
    0 %). The alternatives are the ones scored in docs/validation.md §1 ('Cross-GPU: carry-over rules tried'):
    ``"same"`` keeps the source's value in its own unit (W or J per operation: a property of the process node rather
    than of the chip's speed); ``seq_energy="per-op"`` scales the per-sequence engine energy like the energy per FLOP
    (it is GPU work, not a power floor).
    """

    base_power: str = "limit"  # "limit" (∝ power limit) | "same" (W)
    energy_per_flop: str = "headroom"  # "headroom" (∝ limit / peak FLOP/s) | "same" (J per FLOP)
    energy_per_byte: str = "headroom"  # "headroom" (∝ limit / bandwidth) | "same" (J per byte)
    seq_energy: str = "limit"  # "limit" (∝ power limit) | "per-op" (∝ limit / peak FLOP/s) | "same" (J)


#: The rule that ships (datasheet-scaled calibrations in ``accelerator_calibration.csv``) and that the cross-GPU split
#: of ``benchmarks/validation.py`` scores.
SHIPPED_RULE = ScaleRule()


def scale_to(src: Calibration, spec: Spec, rule: ScaleRule = SHIPPED_RULE) -> Calibration:
    """Carry a calibration over to another accelerator by its datasheet (status E): same achievable fractions, host
    terms and all-reduce latency; the all-reduce bandwidth is the target's own GPU-to-GPU bandwidth per direction
    (registry ``interconnect_gb_per_s``: NVLink 3 on A100 is 300 GB/s, a PCIe Gen4 card 32 GB/s, not the source's
    NVLink), the source's where the registry has none; power terms by ``rule`` (:class:`ScaleRule`; by default base
    power ∝ power limit, energy per FLOP ∝ power limit / peak FLOP/s, energy per byte ∝ power limit / bandwidth: the
    dynamic power at full compute or full bandwidth keeps its share of the power limit)."""
    dst = blank_calibration(spec)
    p_ratio = dst.max_power_w / src.max_power_w
    per_flop = p_ratio * src.peak_bf16_flops / dst.peak_bf16_flops
    per_byte = p_ratio * src.bandwidth_bytes_per_s / dst.bandwidth_bytes_per_s
    try:
        k_base = {"limit": p_ratio, "same": 1.0}[rule.base_power]
        k_flop = {"headroom": per_flop, "same": 1.0}[rule.energy_per_flop]
        k_byte = {"headroom": per_byte, "same": 1.0}[rule.energy_per_byte]
        k_seq = {"limit": p_ratio, "per-op": per_flop, "same": 1.0}[rule.seq_energy]
    except KeyError as exc:
        raise ValueError(f"unknown scaling choice {exc} in {rule}") from None
    return replace(
        dst, compute_fraction=src.compute_fraction, bandwidth_fraction=src.bandwidth_fraction,
        step_overhead_s=src.step_overhead_s, seq_overhead_s=src.seq_overhead_s, comm_latency_s=src.comm_latency_s,
        allreduce_bytes_per_s=(spec.interconnect_gb_per_s * 1e9 if spec.interconnect_gb_per_s
                               else src.allreduce_bytes_per_s), base_power_w=src.base_power_w * k_base,
        cache_bandwidth_fraction=src.cache_bandwidth_fraction,
        seq_energy_j=src.seq_energy_j * k_seq, layer_overhead_s=src.layer_overhead_s,
        expert_compute_overhead=src.expert_compute_overhead, energy_per_flop_j=src.energy_per_flop_j * k_flop,
        energy_per_byte_j=src.energy_per_byte_j * k_byte, status="E", method="datasheet-scaled",
        scaled_from=src.accelerator,
    )


#: Calibration fields of the time model and of the power model (for the cross-GPU diagnostics: which fitted terms of
#: the scored GPU would close the gap; docs/validation.md §1).
TIME_TERMS = ("compute_fraction", "bandwidth_fraction", "step_overhead_s", "seq_overhead_s", "layer_overhead_s",
              "comm_latency_s", "allreduce_bytes_per_s", "expert_compute_overhead")
POWER_TERMS = ("base_power_w", "energy_per_flop_j", "energy_per_byte_j", "seq_energy_j")


def with_terms_of(cal: Calibration, other: Calibration, fields: Sequence[str]) -> Calibration:
    """``cal`` with ``fields`` taken from ``other``: a diagnostic only (with ``other`` the scored GPU's own fit, the
    result is fitted to the figure it is scored on and must never be reported as a validation)."""
    return replace(cal, **{f: getattr(other, f) for f in fields})


def from_microbench(src: Calibration, spec: Spec, bench: Bench) -> Calibration:
    """An accelerator with micro-benchmarks but no serving measurements (H200): time terms of ``src`` (same die; the
    achievable bandwidth fraction too, applied to this GPU's datasheet bandwidth: the copy micro-benchmarks reach 90.3 %
    of it on H100 and 89.1 % on H200), compute fraction from this GPU's GEMM run, base power of ``src`` scaled by power
    limit, energy per FLOP and per byte from the GEMM and copy runs above that base (the linear dynamic power whose
    soft-capped power is the measured one, :func:`~aifootprint.estimate.physics.soft_cap_inverse`), idle power as
    measured."""
    dst = scale_to(src, spec)
    p, lim = dst.base_power_w, dst.max_power_w
    return replace(dst, energy_per_flop_j=max(float(soft_cap_inverse(bench.gemm_w, p, lim)), 0.0)
                   / bench.gemm_flops_per_s,
                   energy_per_byte_j=max(float(soft_cap_inverse(bench.copy_w, p, lim)), 0.0) / bench.copy_bytes_per_s,
                   compute_fraction=bench.gemm_flops_per_s / dst.peak_bf16_flops, idle_power_w=bench.idle_w,
                   cache_bandwidth_fraction=bench.copy_bytes_per_s / dst.bandwidth_bytes_per_s,
                   status="D", method="microbench", scaled_from=src.accelerator)


def rel_errors(w: Work, cal: Calibration) -> F64:
    """Relative error (estimate / measured − 1) of energy per output token."""
    _, e = predict(w, cal)
    return e / w.energy_per_token_j - 1.0


def power_per_gpu(w: Work, t: F64, e: F64) -> F64:
    """Average power per GPU [W] of modelled step time ``t`` and energy per output token ``e``."""
    return e * w.batch / (t * w.n)


def power_errors(w: Work, cal: Calibration) -> F64:
    """Relative error of average power per GPU (modelled energy ÷ modelled time ÷ GPUs vs measured)."""
    t, e = predict(w, cal)
    return power_per_gpu(w, t, e) / w.power_w_per_gpu - 1.0


def family(model_id: str) -> str:
    """Model family for leave-one-model-out: FP8 / Thinking / Instruct variants share one architecture entry."""
    for prefix in MLE_ARCHS:
        if model_id.startswith(prefix):
            return prefix
    return model_id


def compute_fraction_for(key: str, bench: dict[str, Bench]) -> float:
    """Achievable (power-capped) fraction of dense bf16 peak: the micro-benchmark GEMM of this GPU, else the H100's
    (B200 has no micro-benchmark; GEMM efficiency assumed equal, status E)."""
    b = bench.get(key) or bench.get("h100")
    spec = get_spec(b.key if b else "h100")
    return (b.gemm_flops_per_s / (spec.bf16_dense_tflops * 1e12)) if b else 0.7


def cache_fraction_for(key: str, bench: dict[str, Bench]) -> float:
    """Achievable fraction of datasheet bandwidth for KV-cache and recurrent-state traffic: the HBM copy
    micro-benchmark of this GPU (H100 0.903, H200 0.891), else the H100's (B200 has no micro-benchmark; status E, as
    for the compute fraction); 0 (= the fitted bandwidth fraction) without micro-benchmarks."""
    b = bench.get(key) or bench.get("h100")
    if not b:
        return 0.0
    return b.copy_bytes_per_s / (get_spec(b.key).bandwidth_gb_per_s * 1e9)


def held_out(configs: Sequence[Config], spec: Spec, phi_c: float, group: Any, grid: int = 12,
             cache_fraction: float = 0.0) -> tuple[F64, F64, F64]:
    """Out-of-sample (energy per token [J], average power per GPU [W], average power per GPU of the power model alone
    at the measured step time [W]) per configuration: for each value of ``group(config)`` refit on the other
    configurations and predict the held-out ones."""
    e_out = np.full(len(configs), np.nan)
    p_out = np.full(len(configs), np.nan)
    pt_out = np.full(len(configs), np.nan)
    keys = [group(c) for c in configs]
    for g in sorted(set(keys)):
        train = [c for c, k in zip(configs, keys, strict=True) if k != g]
        idx = [j for j, k in enumerate(keys) if k == g]
        cal = fit(train, spec, phi_c, grid=grid, cache_fraction=cache_fraction)
        w = work([configs[j] for j in idx])
        t, e = predict(w, cal)
        e_out[idx] = e
        p_out[idx] = power_per_gpu(w, t, e)
        pt_out[idx] = power_given_time(w, cal)
    return e_out, p_out, pt_out


def band(measured_over_estimated: F64) -> tuple[float, float]:
    """5 % and 95 % quantiles of measured ÷ estimated: the factors that turn a best estimate into its 5–95 % range."""
    r = measured_over_estimated[np.isfinite(measured_over_estimated)]
    return float(np.quantile(r, 0.05)), float(np.quantile(r, 0.95))


def symmetric_band(measured_over_estimated: F64, inside: float = 0.9) -> tuple[float, float]:
    """Band ``(1/q, q)`` with ``q`` the ``inside`` quantile of ``|log(measured ÷ estimated)|``: the 5–95 % band of an
    accelerator without measurements. The sign of the carry-over bias depends on the direction (the H100 fit carried
    to B200 under-estimates, the B200 fit carried to H100 over-estimates: docs/validation.md §3), and for an
    uncalibrated accelerator it is not known, so the band is symmetric in log space; :func:`band`'s quantiles would
    copy the sign mix of the two directions it was computed from."""
    r = measured_over_estimated[np.isfinite(measured_over_estimated) & (measured_over_estimated > 0)]
    q = float(np.exp(np.quantile(np.abs(np.log(r)), inside)))
    return 1.0 / q, q


def nearest_calibrated(spec: Spec, fitted: dict[str, Calibration]) -> Calibration:
    """The calibrated accelerator closest in datasheet (log distance of dense bf16 peak and bandwidth)."""
    def dist(c: Calibration) -> float:
        return abs(math.log(spec.bf16_dense_tflops * 1e12 / c.peak_bf16_flops)) + abs(
            math.log(spec.bandwidth_gb_per_s * 1e9 / c.bandwidth_bytes_per_s))
    return min((c for c in fitted.values() if c.method == "fit-mlenergy-v3"), key=dist)
