"""Per-accelerator calibration: achievable fractions of peak, overheads, static power, energy per FLOP and per byte.

The shipped table ``reference/data/accelerator_calibration.csv`` is written by ``scripts/build_calibration.py``:

* H100 and B200: fitted to the ML.ENERGY Leaderboard v3.0 measurements (Chung et al., arXiv:2505.06371; source key
  ``MLE-FIT``, status D). Only the fitted parameters ship, never the measurements.
* every other accelerator: datasheet peaks with the H100 fit's efficiencies carried over and power terms scaled by the
  ratio of datasheet power to datasheet peak (source key ``CAL-DEFAULT``, status E). Results are flagged as estimated.

Datasheet peaks (dense FLOP/s, bandwidth, memory, max power) come from the hardware registry
(:mod:`aifootprint.reference.hardware`); the calibration row only adds what a datasheet does not say.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aifootprint.errors import DataError

if TYPE_CHECKING:
    from aifootprint.reference.registry import Registry, Row

DATASET = "accelerator_calibration"


@dataclass(frozen=True, slots=True)
class Calibration:
    """Everything the roofline needs about one accelerator (SI units)."""

    accelerator: str
    name: str
    peak_bf16_flops: float
    peak_fp8_flops: float | None
    bandwidth_bytes_per_s: float
    memory_bytes: float
    max_power_w: float
    compute_fraction: float
    bandwidth_fraction: float
    step_overhead_s: float
    seq_overhead_s: float
    comm_latency_s: float
    allreduce_bytes_per_s: float
    static_power_w: float
    energy_per_flop_j: float
    energy_per_byte_j: float
    idle_power_w: float
    embodied_carbon_kg: float | None
    source: str
    status: str

    @property
    def estimated(self) -> bool:
        """True when the row is not fitted to measurements (status E)."""
        return self.status == "E"


def _num(row: Row, col: str) -> float:
    v = row.get(col)
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise DataError(f"{DATASET}: column {col!r} of {row.get('accelerator')!r} must be a number, got {v!r}")
    return float(v)


def _opt(obj: Any, name: str) -> float | None:
    v = getattr(obj, name, None)
    return None if v is None else float(v)


def from_parts(row: Row, spec: Any) -> Calibration:
    """Combine a calibration CSV row with a hardware-registry accelerator record (duck-typed: needs ``key``,
    ``name``, ``bf16_dense_tflops``, ``fp8_dense_tflops``, ``bandwidth_gb_per_s``, ``memory_gb``, ``max_power_w``)."""
    max_power = float(spec.max_power_w)
    idle = _opt(spec, "idle_power_w")
    return Calibration(
        accelerator=str(row["accelerator"]),
        name=str(getattr(spec, "name", row["accelerator"])),
        peak_bf16_flops=float(spec.bf16_dense_tflops) * 1e12,
        peak_fp8_flops=(_opt(spec, "fp8_dense_tflops") or 0.0) * 1e12 or None,
        bandwidth_bytes_per_s=float(spec.bandwidth_gb_per_s) * 1e9,
        memory_bytes=float(spec.memory_gb) * 1e9,
        max_power_w=max_power,
        compute_fraction=_num(row, "compute_fraction"),
        bandwidth_fraction=_num(row, "bandwidth_fraction"),
        step_overhead_s=_num(row, "step_overhead_s"),
        seq_overhead_s=_num(row, "seq_overhead_s"),
        comm_latency_s=_num(row, "comm_latency_s"),
        allreduce_bytes_per_s=_num(row, "allreduce_bandwidth_gb_per_s") * 1e9,
        static_power_w=_num(row, "static_power_w"),
        energy_per_flop_j=_num(row, "energy_per_flop_pj") * 1e-12,
        energy_per_byte_j=_num(row, "energy_per_byte_pj") * 1e-12,
        idle_power_w=idle if idle is not None else _num(row, "static_power_w"),
        embodied_carbon_kg=_opt(spec, "embodied_carbon_kg"),
        source=str(row["source"]),
        status=str(row["status"]),
    )


def load_calibration(accelerator: str, registry: Registry | None = None) -> Calibration:
    """Calibration of ``accelerator`` (case-insensitive registry key such as ``h100``, ``a100-80gb``).

    Raises :class:`~aifootprint.errors.InputError` with close matches when the accelerator is unknown.
    """
    from aifootprint.reference.hardware import get_accelerator
    from aifootprint.reference.registry import default_registry

    reg = registry or default_registry()
    spec = get_accelerator(accelerator, reg)  # aliases, vendor prefixes; InputError with suggestions
    table = reg.table(DATASET)
    row = table.find(spec.key)
    if row is None:
        from aifootprint.errors import InputError

        raise InputError(
            f"no calibration for {spec.name} ({spec.key}): its datasheet lacks power, peak FLOP/s, bandwidth or "
            f"memory. Calibrated accelerators: {', '.join(table.keys())}"
        )
    return from_parts(row, spec)


def calibrated_accelerators(registry: Registry | None = None) -> list[str]:
    """Keys of every accelerator with a calibration row."""
    from aifootprint.reference.registry import default_registry

    return (registry or default_registry()).table(DATASET).keys()
