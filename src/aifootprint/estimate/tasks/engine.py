"""Phase → time and accelerator energy on the one physics of LLM inference (:mod:`aifootprint.estimate.physics`).

Each step of a :class:`~.flops.Phase` is one :func:`~aifootprint.estimate.physics.step_time_energy` call::

    time_s, energy_j = step_time_energy(FLOPs, bytes, n, device, host_s = wait, comm_s = allreduce(exchange))
    wait = max(t_layer · layers − GPU time, 0)

with the accelerator's :class:`~aifootprint.estimate.physics.Device` (achievable compute and bandwidth, base power,
energy per FLOP and per byte, power limit), the framework's host time per layer of a forward pass (PyTorch eager,
as Hugging Face pipelines run these models: :data:`~aifootprint.estimate.engines.EAGER_LAYER_OVERHEAD_S`; 0 under
``cuda-graph``), which overlaps the GPU work it launches, and, on ``n > 1`` accelerators, the
exchange of the hidden states (:func:`~aifootprint.estimate.physics.allreduce_s`; sequence parallelism moves the
same bytes as tensor parallelism's all-reduces to first order). The same functions take floats (one request) or
numpy arrays (logs, the fit): :func:`workload_arrays` stacks rows, tests check it agrees with :func:`workload_cost`.

Diffusion and video denoisers use the task calibration (``task_calibration.csv``): the achievable compute
fraction, the dynamic energy per FLOP and the sequence-parallel exchange bandwidth of each accelerator in denoising
steps, fitted to ML.ENERGY v3.0 time and energy (:mod:`.fit`, ``scripts/build_task_models.py``); every other term
is the LLM calibration of that accelerator.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from ..engines import DEFAULT_ENGINE, task_layer_overhead_s
from ..physics import Device, allreduce_s, maximum, step_time_energy

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from aifootprint.reference.registry import Registry

    from ..calibration import Calibration
    from .flops import Phase, Workload

CAL_DATASET = "task_calibration"


@dataclass(frozen=True, slots=True)
class PhaseCost:
    """Time and accelerator energy of one phase, all repeats, all accelerators."""

    name: str
    time_s: float
    energy_j: float
    flops: float


def phase_time_energy(flops: Any, bytes_moved: Any, exchange_bytes: Any, layers: Any, repeats: Any, n: Any,
                      dev: Device, layer_host_s: Any) -> tuple[Any, Any]:
    """``(time_s, energy_j)`` of ``repeats`` identical steps (floats or broadcastable arrays). The framework's host
    time (``layer_host_s`` per layer) overlaps the GPU work it launches (kernel launches are asynchronous), so a step
    takes the longer of the two: the GPU waits, at base power, only for the part of the host time beyond its own
    busy time (framework-bound small batches; :data:`~aifootprint.estimate.engines.EAGER_LAYER_OVERHEAD_S`)."""
    comm = allreduce_s(1.0, n, layers, exchange_bytes, dev)
    t_gpu, _ = step_time_energy(flops, bytes_moved, n, dev, comm_s=comm)
    wait = maximum(layer_host_s * layers - t_gpu, 0.0)
    t, e = step_time_energy(flops, bytes_moved, n, dev, host_s=wait, comm_s=comm)
    return t * repeats, e * repeats


def host_layer_s(cal: Calibration, engine: str = DEFAULT_ENGINE) -> float:
    """Host time per layer of a forward pass under ``engine`` (:func:`~aifootprint.estimate.engines.
    task_layer_overhead_s`; ``cal`` is kept for the signature: the framework time is not a property of the GPU)."""
    return task_layer_overhead_s(engine)


def phase_cost(ph: Phase, cal: Calibration, n: int, engine: str = DEFAULT_ENGINE) -> PhaseCost:
    """One phase on ``n`` accelerators (scalar path)."""
    t, e = phase_time_energy(ph.flops, ph.bytes_moved, ph.exchange_bytes, float(ph.layers), ph.repeats, float(n),
                             cal.device("bf16"), host_layer_s(cal, engine))
    return PhaseCost(ph.name, float(t), float(e), ph.flops * ph.repeats)


def workload_cost(w: Workload, cal: Calibration, n: int, denoise_cal: Calibration | None = None,
                  engine: str = DEFAULT_ENGINE) -> list[PhaseCost]:
    """Every phase of ``w``; the ``denoise`` phase uses ``denoise_cal`` when given."""
    return [phase_cost(ph, denoise_cal if (denoise_cal is not None and ph.name == "denoise") else cal, n, engine)
            for ph in w.phases]


def stack_devices(cals: list[Calibration]) -> Device:
    """One :class:`Device` whose fields are arrays, row ``i`` = ``cals[i]`` (bf16)."""
    import numpy as np

    devs = [c.device("bf16") for c in cals]
    return Device(**{f.name: np.array([float(getattr(d, f.name)) for d in devs]) for f in fields(Device)})


def workload_arrays(phases: list[list[Phase]], cals: list[Calibration], n: NDArray[np.float64],
                    engine: str = DEFAULT_ENGINE) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Vectorised :func:`workload_cost` summed over phases: ``(time_s, energy_j)`` per row, where row ``i`` runs
    ``phases[i]`` on ``n[i]`` accelerators with calibration ``cals[i]`` (all rows have the same number of phases; pass
    the denoising calibration already substituted where wanted)."""
    import numpy as np

    dev = stack_devices(cals)
    host = np.array([host_layer_s(c, engine) for c in cals])
    t_tot = np.zeros(len(phases))
    e_tot = np.zeros(len(phases))
    for j in range(len(phases[0])):
        col = [row[j] for row in phases]

        def arr(attr: str, col: list[Phase] = col) -> NDArray[np.float64]:
            return np.array([float(getattr(ph, attr)) for ph in col])

        t, e = phase_time_energy(arr("flops"), arr("bytes_moved"), arr("exchange_bytes"), arr("layers"),
                                 arr("repeats"), n, dev, host)
        t_tot += t
        e_tot += e
    return t_tot, e_tot


def denoise_calibration(cal: Calibration, registry: Registry | None = None) -> tuple[Calibration, str, bool]:
    """``(calibration for denoising steps, its source, fitted?)``: the accelerator's fitted denoising constants,
    else the H100 fit's (flagged), else the LLM calibration unchanged (flagged)."""
    from aifootprint.reference.registry import default_registry, row_float

    table = (registry or default_registry()).table(CAL_DATASET)
    row = table.find(cal.accelerator)
    fitted = row is not None
    if row is None:
        row = table.find("h100")
    if row is None:
        return cal, cal.source, False
    phi, ef = row_float(row, "compute_fraction"), row_float(row, "energy_per_flop_pj")
    bw = row_float(row, "exchange_bandwidth_gb_per_s")
    lo, hi = row_float(row, "band_low_factor"), row_float(row, "band_high_factor")
    if phi is None or ef is None or bw is None or lo is None or hi is None:
        return cal, cal.source, False
    return (replace(cal, compute_fraction=phi, energy_per_flop_j=ef * 1e-12, allreduce_bytes_per_s=bw * 1e9,
                    band_low_factor=lo, band_high_factor=hi), str(row.get("source")), fitted)
