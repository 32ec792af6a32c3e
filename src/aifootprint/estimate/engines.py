"""Serving-engine profiles: the host/scheduler time a serving engine adds to every step.

While the host schedules the next step, samples tokens and detokenises, the accelerators wait: that time is charged at
base power (:mod:`.physics`). Profiles:

* ``vllm`` (default): vLLM 0.11 as run by the ML.ENERGY Leaderboard v3.0 — a fixed time per step plus a time per
  running sequence plus a time per model layer (kernel launches not hidden by CUDA graphs), **fitted per accelerator**
  on its step times (``vllm_step_overhead_s``, ``vllm_seq_overhead_s``, ``vllm_layer_overhead_s`` in
  ``accelerator_calibration.csv``; source MLE-FIT; scripts/build_calibration.py), plus the accelerator energy per
  running sequence per step above base power (``vllm_seq_energy_mj``): ML.ENERGY's measured power shows that vLLM's
  per-sequence time is not idle accelerator time; and the time its fused mixture-of-experts kernels add
  (``vllm_expert_compute_overhead``: the routed-expert GEMMs take that many times their compute-roofline time on top
  of the step's roofline, fitted per accelerator on the MoE configurations' step time left unexplained by the other
  terms; scripts/build_calibration.py).
* ``cuda-graph``: a GPU-bound engine that replays each decode step as one captured CUDA graph (NVIDIA CUDA C++
  Programming Guide, "CUDA Graphs") and samples on the GPU, so scheduling overlaps GPU work: no per-step or
  per-sequence host time and expert GEMMs as fast as dense ones (status E: an assumption about such engines, e.g.
  TensorRT-LLM or vLLM with async scheduling; not fitted to measurements here, so it carries the cross-GPU band).
  Its decode steps read memory at their own achievable bandwidth fraction (:data:`CUDA_GRAPH_BANDWIDTH_FRACTION`, or
  the small-batch GEMV fraction a user's ``aifootprint calibrate`` profile measured), not at the ``vllm`` fit's
  (:func:`engine_calibration`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from aifootprint.errors import unknown_choice

from .physics import Engine

if TYPE_CHECKING:
    from aifootprint.reference.registry import Registry

    from .arch import TokenCosts
    from .calibration import Calibration

ENGINES = ("vllm", "cuda-graph")
#: engines whose steps keep the GPU busy (no host waits between kernels): on a ``calibrate`` profile they draw its
#: straight line from idle power (:func:`engine_calibration`)
GPU_BOUND_ENGINES = ("cuda-graph",)
DEFAULT_ENGINE = "vllm"
#: engines whose estimates are validated on measurements (their band is the measured out-of-sample error); the
#: others carry the band of unvalidated estimates (:func:`engine_calibration`)
VALIDATED_ENGINES = ("vllm",)
#: Bytes an FP8 mixture-of-experts weight costs to read, relative to its stored byte, per engine. vLLM 0.11.1's FP8
#: MoE path is no faster than bf16: on the ML.ENERGY Leaderboard v3.0, at batch 8–192 on 8 × H100,
#: Qwen3-235B-A22B-Instruct-2507-FP8 takes 25–53 ms per step and the bf16 checkpoint 21–55 ms, though FP8 reads half
#: the expert bytes; and every FP8 MoE
#: configuration (Qwen3-235B, Qwen3-Coder-480B, DeepSeek-V3.1/R1, Llama 4 Maverick; H100 and B200) is underestimated
#: by a median 39 % when its experts are read at 1 byte, 5 % at 2 bytes. So under ``vllm`` FP8 expert reads cost
#: bf16 bytes (the weights still occupy 1 byte in memory); a GPU-bound engine with native FP8 MoE kernels reads 1 byte.
FP8_MOE_READ_FACTOR = {"vllm": 2.0, "cuda-graph": 1.0}

#: Host (framework) time per model layer of one forward pass in PyTorch eager, as Hugging Face ``transformers`` /
#: ``diffusers`` pipelines run encoders, vision encoders and denoisers [s] (status D). Derived from Fernandez et al.,
#: "The Framework Tax", EMNLP 2023 (arXiv:2302.06117), released measurements (github.com/JaredFern/Framework-Tax,
#: ``experiments/pretrained/2022_0919_pretrained-fp16``, commit a36b38d): BERT-base (12 layers) and DistilBERT
#: (6 layers), fp16, 128 tokens, batch 1 take 8.54 / 3.92 ms (RTX 3090), 7.49 / 3.68 (V100), 11.26 / 5.46 (RTX 2080
#: Ti), 11.61 / 5.78 (Quadro RTX 8000): per layer (difference ÷ 6) 0.77, 0.64, 0.97, 0.97 ms, median 0.87 ms. The
#: latency is nearly flat up to batch 16 (BERT on V100: 7.49 ms at 1, 9.62 ms at 16): the GPU waits for the Python /
#: dispatcher side, which the paper calls framework-bound. These are the tasks' host terms because vLLM's fitted
#: per-step scheduler time (``vllm_step_overhead_s``) belongs to LLM decode steps, not to an encoder or denoiser pass.
EAGER_LAYER_OVERHEAD_S = 0.87e-3

#: Share of the datasheet memory bandwidth a CUDA-graph engine's decode step reaches, over the whole step (weights,
#: KV cache, every other kernel) [-] (status D). gpt-fast (PyTorch, ``torch.compile`` with CUDA graphs;
#: github.com/meta-pytorch/gpt-fast, README "Benchmarks": one A100-80GB power-limited to 330 W, batch 1, bf16)
#: decodes Llama-2-7B at 1,397 GB/s and Llama-3.1-8B at 1,411 GB/s of model bytes per second, against the A100 SXM4
#: 80GB's 2,039 GB/s datasheet bandwidth (NVIDIA A100 datasheet; hardware registry ``a100-80gb``): 0.685 and 0.692.
#: One GPU type at batch 1: carried to every accelerator as an assumption (the ``vllm`` profile's fraction is fitted
#: instead; on ML.ENERGY's vLLM 0.11.1 runs it is 0.55 on H100, the HBM copy kernel reaches 0.90 there).
CUDA_GRAPH_BANDWIDTH_FRACTION = 0.69
#: registry source of :data:`CUDA_GRAPH_BANDWIDTH_FRACTION` (sources/calibration.csv)
CUDA_GRAPH_BANDWIDTH_SOURCE = "GPT-FAST"


def task_layer_overhead_s(name: str) -> float:
    """Host time per model layer of one forward pass of a task model (encoder, vision encoder, denoiser, Whisper)
    under engine ``name`` [s]: PyTorch eager's framework time (:data:`EAGER_LAYER_OVERHEAD_S`), 0 for a CUDA-graph
    engine (the captured graph replays without per-kernel launches)."""
    return 0.0 if check_engine(name) == "cuda-graph" else EAGER_LAYER_OVERHEAD_S


def check_engine(name: str) -> str:
    """Normalise an engine name; InputError with suggestions when unknown."""
    e = name.strip().lower().replace("_", "-")
    if e not in ENGINES:
        raise unknown_choice("engine", name, ENGINES)
    return e


def engine_profile(name: str, cal: Calibration) -> Engine:
    """The :class:`~.physics.Engine` of profile ``name`` on the accelerator of ``cal``."""
    e = check_engine(name)
    if e == "vllm":
        return Engine("vllm", cal.step_overhead_s, cal.seq_overhead_s, cal.seq_energy_j,
                      f"{cal.source} (vLLM host terms)", cal.layer_overhead_s, cal.expert_compute_overhead)
    return Engine("cuda-graph", 0.0, 0.0, 0.0, "assumption: CUDA-graph decode, on-GPU sampling (E)")


def engine_bandwidth(name: str, cal: Calibration) -> tuple[float, str]:
    """``(fraction, source)``: the share of the datasheet memory bandwidth that engine ``name``'s steps reach on the
    accelerator of ``cal``. ``vllm``: the fraction fitted to vLLM's step times (``cal.bandwidth_fraction``, kept
    when a user's profile is applied: it is a property of vLLM's kernels as much as of the memory). ``cuda-graph``:
    the small-batch GEMV fraction the user's calibration profile measured, else
    :data:`CUDA_GRAPH_BANDWIDTH_FRACTION`."""
    if check_engine(name) == "vllm":
        return cal.bandwidth_fraction, cal.source
    if cal.gemv_bandwidth_fraction is not None:
        return cal.gemv_bandwidth_fraction, cal.source
    return CUDA_GRAPH_BANDWIDTH_FRACTION, CUDA_GRAPH_BANDWIDTH_SOURCE


def engine_calibration(name: str, cal: Calibration, registry: Registry | None = None) -> Calibration:
    """``cal`` as engine ``name`` runs on it: the memory-bandwidth fraction it reaches (:func:`engine_bandwidth`) and
    its uncertainty band. The shipped bands are the measured out-of-sample errors of the ``vllm`` profile (issue 8:
    per accelerator, per engine); ``cuda-graph`` is not validated on measurements, so it carries at least the band of
    estimates the fits were not validated on (:func:`~.calibration.unvalidated_band`, the cross-GPU one). The same
    object when nothing changes.

    A GPU-bound engine (``cuda-graph``) on a user's ``calibrate`` profile (``cal.gpu_bound_power``) draws the
    profile's straight line from idle power (:attr:`~.physics.Device.linear_power`): no serving floor (vLLM's fitted
    P_base holds clocks up between host-bound steps; a GPU-bound engine has none), the profile's own energies per
    FLOP and per byte, cut at the power limit. Adopted by the rule fixed before its test data
    (docs/validation_h200.md §5: the compiled decode on an H200, median |error| 8.5 % against 13.9 % with the
    floor). Without a profile the shipped terms stay: their energies are fitted above a floor."""
    from .calibration import unvalidated_band

    fraction, _ = engine_bandwidth(name, cal)
    low, high = cal.band_low_factor, cal.band_high_factor
    if check_engine(name) not in VALIDATED_ENGINES:
        wide_low, wide_high = unvalidated_band(registry)
        low, high = min(low, wide_low), max(high, wide_high)
    line = cal.gpu_bound_power if check_engine(name) in GPU_BOUND_ENGINES else None
    if line is not None:
        idle_w, flop_j, byte_j = line
        cal = replace(cal, base_power_w=idle_w, energy_per_flop_j=flop_j, energy_per_byte_j=byte_j,
                      seq_energy_j=0.0, linear_power=True)
    if (fraction, low, high) == (cal.bandwidth_fraction, cal.band_low_factor, cal.band_high_factor):
        return cal
    return replace(cal, bandwidth_fraction=fraction, band_low_factor=low, band_high_factor=high)


def engine_costs(costs: TokenCosts, name: str) -> TokenCosts:
    """``costs`` as engine ``name`` executes them (:data:`FP8_MOE_READ_FACTOR`); memory sizing keeps the stored
    bytes (``resident_weight_bytes`` is unchanged)."""
    f = FP8_MOE_READ_FACTOR[check_engine(name)]
    if f == 1.0 or costs.compute_dtype != "fp8" or costs.route_fraction <= 0.0:
        return costs
    return replace(costs, expert_weight_bytes=costs.expert_weight_bytes * f)

