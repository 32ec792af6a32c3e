"""Serving-engine profiles: the host/scheduler time a serving engine adds to every step.

While the host schedules the next step, samples tokens and detokenises, the accelerators wait: that time is charged at
base power (:mod:`.physics`). Profiles:

* ``vllm`` (default): vLLM 0.11 as run by the ML.ENERGY Leaderboard v3.0 — a fixed time per step plus a time per
  running sequence, **fitted per accelerator** on its step times (``vllm_step_overhead_s``, ``vllm_seq_overhead_s`` in
  ``accelerator_calibration.csv``; source MLE-FIT; scripts/build_calibration.py), plus the accelerator energy per
  running sequence per step above base power (``vllm_seq_energy_mj``): ML.ENERGY's measured power shows that vLLM's
  per-sequence time is not idle accelerator time.
* ``cuda-graph``: a GPU-bound engine that replays each decode step as one captured CUDA graph (NVIDIA CUDA C++
  Programming Guide, "CUDA Graphs") and samples on the GPU, so scheduling overlaps GPU work: no per-step or
  per-sequence host time (status E: an assumption about such engines, e.g. TensorRT-LLM or vLLM with async
  scheduling; not fitted to measurements here, so the band is not narrowed for it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aifootprint.errors import unknown_choice

from .physics import Engine

if TYPE_CHECKING:
    from .calibration import Calibration

ENGINES = ("vllm", "cuda-graph")
DEFAULT_ENGINE = "vllm"


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
                      f"{cal.source} (vLLM host terms)")
    return Engine("cuda-graph", 0.0, 0.0, 0.0, "assumption: CUDA-graph decode, on-GPU sampling (E)")
