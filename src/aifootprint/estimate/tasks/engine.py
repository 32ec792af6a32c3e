"""Phase → time and accelerator energy on the one roofline + power model of LLM inference.

A :class:`~.flops.Phase` step is handed to :func:`aifootprint.estimate.roofline.step` as a one-"token" step whose
matmul FLOPs are the phase's FLOPs and whose weight bytes are the phase's bytes (no KV cache), so that the time
``max(FLOPs / (n F φ_c), bytes / (n BW φ_m)) + t_step (+ 2 L (t_comm + exchange · 2 (n − 1)/n / BW_ar) when n > 1)``
and the energy ``min(n P_static t + e_flop FLOPs + e_byte bytes, n P_max t)`` are exactly those of LLM serving.
:func:`workload_arrays` runs the same equations through :func:`~aifootprint.estimate.roofline.step_arrays` for many
rows at once (tests check they agree).

Diffusion and video denoisers use the task calibration (``task_calibration.csv``): the achievable compute fraction
``φ_c`` of each accelerator for denoising steps, fitted to ML.ENERGY v3.0 (``scripts/build_task_models.py``); every
other term is the LLM calibration of that accelerator.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..arch import TokenCosts
from ..roofline import step

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from aifootprint.reference.registry import Registry

    from ..calibration import Calibration
    from .flops import Phase, Workload

CAL_DATASET = "task_calibration"


def costs_of(ph: Phase) -> TokenCosts:
    """The phase as a one-token roofline step (see the module docstring)."""
    return TokenCosts(linear_flops=ph.flops, attn_flops_per_ctx=0.0, local_attn_flops_per_ctx=0.0, local_window=0.0,
                      dense_weight_bytes=ph.bytes_moved, expert_weight_bytes=0.0, route_fraction=0.0,
                      kv_bytes_per_ctx=0.0, local_kv_bytes_per_ctx=0.0, state_bytes_per_seq=0.0,
                      resident_weight_bytes=ph.bytes_moved, layers=ph.layers, compute_dtype="bf16",
                      hidden_bytes=ph.exchange_bytes)


@dataclass(frozen=True, slots=True)
class PhaseCost:
    """Time and accelerator energy of one phase, all repeats, all accelerators."""

    name: str
    time_s: float
    energy_j: float
    flops: float


def phase_cost(ph: Phase, cal: Calibration, n: int) -> PhaseCost:
    """One phase on ``n`` accelerators (scalar path)."""
    c = step(costs_of(ph), cal, n, 0.0, 1.0, 0.0, 0.0)
    return PhaseCost(ph.name, c.time_s * ph.repeats, c.energy_j * ph.repeats, ph.flops * ph.repeats)


def workload_cost(w: Workload, cal: Calibration, n: int, denoise_cal: Calibration | None = None) -> list[PhaseCost]:
    """Every phase of ``w``; the ``denoise`` phase uses ``denoise_cal`` when given."""
    return [phase_cost(ph, denoise_cal if (denoise_cal is not None and ph.name == "denoise") else cal, n)
            for ph in w.phases]


def workload_arrays(phases: list[list[Phase]], cals: list[Calibration], n: NDArray[np.float64]
                    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Vectorised :func:`workload_cost` summed over phases: ``(time_s, energy_j)`` per row, where row ``i`` runs
    ``phases[i]`` on ``n[i]`` accelerators with calibration ``cals[i]`` (all rows must have the same number of
    phases; pass the denoise calibration already substituted)."""
    import numpy as np

    from ..roofline import stack_calibrations, stack_costs, step_arrays

    k = len(phases[0])
    t_tot = np.zeros(len(phases))
    e_tot = np.zeros(len(phases))
    ac = stack_calibrations(cals)
    one = np.ones(len(phases))
    zero = np.zeros(len(phases))
    for j in range(k):
        col = [row[j] for row in phases]
        costs = stack_costs([costs_of(ph) for ph in col], cals)
        reps = np.array([ph.repeats for ph in col])
        t, e = step_arrays(costs, ac, n, zero, one, zero, zero)
        t_tot += t * reps
        e_tot += e * reps
    return t_tot, e_tot


def denoise_calibration(cal: Calibration, registry: Registry | None = None) -> tuple[Calibration, str, bool]:
    """``(calibration for denoising steps, its source, fitted?)``: the accelerator's fitted diffusion compute
    fraction, else the H100 fit's (flagged), else the LLM calibration unchanged (flagged)."""
    from aifootprint.reference.registry import default_registry, row_float

    table = (registry or default_registry()).table(CAL_DATASET)
    row = table.find(cal.accelerator)
    fitted = row is not None
    if row is None:
        row = table.find("h100")
    if row is None:
        return cal, cal.source, False
    phi = row_float(row, "compute_fraction")
    if phi is None:
        return cal, cal.source, False
    return replace(cal, compute_fraction=phi), str(row.get("source")), fitted
