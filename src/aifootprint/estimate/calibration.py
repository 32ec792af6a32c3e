"""Per-accelerator calibration: achievable fractions of peak, power model, tensor-parallel terms, uncertainty band.

The shipped table ``reference/data/accelerator_calibration.csv`` is written by ``scripts/build_calibration.py``
(method: docs/methodology/inference.md):

* **H100, B200** (``method = fit-mlenergy-v3``, source ``MLE-FIT``, status D): time terms fitted to ML.ENERGY
  Leaderboard v3.0 step times, power terms by regressing its measured average power per GPU on the achieved bytes/s
  and FLOP/s (Chung et al., arXiv:2505.06371). Only fitted parameters ship, never the measurements.
* **H200** (``method = microbench``, source ``MICROBENCH;MLE-FIT``, status D): power terms from the aifootprint GPU
  micro-benchmarks (idle, bf16 GEMM, HBM copy; 2026-11-26), time terms carried over from the H100 (same GH100 die).
* **every other accelerator** (``method = datasheet-scaled``, source ``CAL-DEFAULT``, status E): the nearest
  calibrated accelerator's fractions and host terms, power terms scaled by datasheet power limit, peak and bandwidth;
  flagged, with the band widened to the measured cross-GPU error (H100 fit scored on B200 and the reverse).

``band_low_factor`` / ``band_high_factor`` multiply the best estimate to give the 5–95 % range: they are quantiles of
the measured *out-of-sample* error (leave-one-model-out), never a fixed spread.

Datasheet peaks (dense FLOP/s, bandwidth, memory, max power) come from the hardware registry
(:mod:`aifootprint.reference.hardware`); the calibration row only adds what a datasheet does not say.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from aifootprint.errors import DataError

from .physics import Device

if TYPE_CHECKING:
    from aifootprint.reference.registry import Registry, Row

DATASET = "accelerator_calibration"


@dataclass(frozen=True, slots=True)
class Calibration:
    """Everything the physics needs about one accelerator (SI units)."""

    accelerator: str
    name: str
    peak_bf16_flops: float
    peak_fp8_flops: float | None
    bandwidth_bytes_per_s: float
    memory_bytes: float
    #: board power limit (datasheet max power) [W]
    max_power_w: float
    compute_fraction: float
    bandwidth_fraction: float
    #: host/scheduler time of the ``vllm`` engine profile fitted for this accelerator (:mod:`.engines`)
    step_overhead_s: float
    seq_overhead_s: float
    comm_latency_s: float
    allreduce_bytes_per_s: float
    #: P_base: power per accelerator while serving, independent of work [W]
    base_power_w: float
    energy_per_flop_j: float
    energy_per_byte_j: float
    idle_power_w: float
    embodied_carbon_kg: float | None
    source: str
    status: str
    #: 5 % and 95 % quantiles of measured ÷ estimated out of sample (multiply the best estimate)
    band_low_factor: float = 0.75
    band_high_factor: float = 1.33
    #: fit-mlenergy-v3 | microbench | datasheet-scaled | profile
    method: str = ""
    #: the calibrated accelerator a datasheet-scaled row was scaled from
    scaled_from: str = ""
    #: vLLM engine: accelerator energy per running sequence per step above base power [J] (:mod:`.engines`)
    seq_energy_j: float = 0.0
    #: vLLM engine: host time per model layer per step (kernel launches and their scheduling) [s] (:mod:`.engines`)
    layer_overhead_s: float = 0.0
    #: vLLM engine: routed-expert GEMM time on top of the roofline, in units of its compute-roofline time [-]
    #: (:mod:`.engines`)
    expert_compute_overhead: float = 0.0
    #: share of the datasheet bandwidth a small-batch GEMV reached on the user's GPU (``aifootprint calibrate``
    #: profile), used by GPU-bound engines (:func:`~.engines.engine_bandwidth`); ``None`` when not measured
    gemv_bandwidth_fraction: float | None = None
    #: achievable fraction of datasheet bandwidth for KV-cache and recurrent-state traffic: an HBM copy's (the GPU
    #: micro-benchmark's; :class:`~.physics.Device`); 0 = the same as ``bandwidth_fraction``
    cache_bandwidth_fraction: float = 0.0
    #: the straight-line power model instead of the soft cap (:attr:`~.physics.Device.linear_power`)
    linear_power: bool = False
    #: ``(idle_w, e_flop_j, e_byte_j)``: a user's ``calibrate`` profile's own terms, the straight line from idle that
    #: a GPU-bound engine draws (:func:`~.engines.engine_calibration`); ``None`` without a profile
    gpu_bound_power: tuple[float, float, float] | None = None

    @property
    def estimated(self) -> bool:
        """True when the row is not fitted to measurements (status E)."""
        return self.status == "E"

    def peak_flops(self, dtype: str) -> float:
        """Dense peak FLOP/s of one accelerator for ``dtype`` (fp8 falls back to bf16 where fp8 is not supported)."""
        if dtype == "fp8" and self.peak_fp8_flops:
            return self.peak_fp8_flops
        return self.peak_bf16_flops

    def device(self, dtype: str = "bf16") -> Device:
        """The :class:`~.physics.Device` of this accelerator for matmuls in ``dtype``."""
        return Device(
            compute_flops_per_s=self.peak_flops(dtype) * self.compute_fraction,
            bandwidth_bytes_per_s=self.bandwidth_bytes_per_s * self.bandwidth_fraction,
            base_power_w=self.base_power_w, power_limit_w=self.max_power_w,
            energy_per_flop_j=self.energy_per_flop_j, energy_per_byte_j=self.energy_per_byte_j,
            comm_latency_s=self.comm_latency_s, allreduce_bytes_per_s=self.allreduce_bytes_per_s,
            cache_bandwidth_bytes_per_s=self.bandwidth_bytes_per_s * (
                self.cache_bandwidth_fraction or self.bandwidth_fraction),
            linear_power=self.linear_power,
        )


def _num(row: Row, col: str, default: float | None = None) -> float:
    """Column ``col`` of ``row`` as a number; ``default`` when given and the cell is empty or absent."""
    v = row.get(col)
    if v is None and default is not None:
        return default
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise DataError(f"{DATASET}: column {col!r} of {row.get('accelerator')!r} must be a number, got {v!r}")
    return float(v)


def _opt(obj: Any, name: str) -> float | None:
    v = getattr(obj, name, None)
    return None if v is None else float(v)


def from_parts(row: Row, spec: Any) -> Calibration:
    """Combine a calibration CSV row with a hardware-registry accelerator record (duck-typed: needs ``key``,
    ``name``, ``bf16_dense_tflops``, ``fp8_dense_tflops``, ``bandwidth_gb_per_s``, ``memory_gb``, ``max_power_w``)."""
    idle = _opt(spec, "idle_power_w")
    row_idle = row.get("idle_power_w")
    if idle is None and isinstance(row_idle, int | float) and not isinstance(row_idle, bool):
        idle = float(row_idle)
    return Calibration(
        accelerator=str(row["accelerator"]),
        name=str(getattr(spec, "name", row["accelerator"])),
        peak_bf16_flops=float(spec.bf16_dense_tflops) * 1e12,
        peak_fp8_flops=(_opt(spec, "fp8_dense_tflops") or 0.0) * 1e12 or None,
        bandwidth_bytes_per_s=float(spec.bandwidth_gb_per_s) * 1e9,
        memory_bytes=float(spec.memory_gb) * 1e9,
        max_power_w=float(spec.max_power_w),
        compute_fraction=_num(row, "compute_fraction"),
        bandwidth_fraction=_num(row, "bandwidth_fraction"),
        step_overhead_s=_num(row, "vllm_step_overhead_s"),
        seq_overhead_s=_num(row, "vllm_seq_overhead_s"),
        comm_latency_s=_num(row, "comm_latency_s"),
        allreduce_bytes_per_s=_num(row, "allreduce_bandwidth_gb_per_s") * 1e9,
        base_power_w=_num(row, "base_power_w"),
        energy_per_flop_j=_num(row, "energy_per_flop_pj") * 1e-12,
        energy_per_byte_j=_num(row, "energy_per_byte_pj") * 1e-12,
        idle_power_w=idle if idle is not None else _num(row, "base_power_w"),
        embodied_carbon_kg=_opt(spec, "embodied_carbon_kg"),
        source=str(row["source"]),
        status=str(row["status"]),
        band_low_factor=_num(row, "band_low_factor"),
        band_high_factor=_num(row, "band_high_factor"),
        method=str(row.get("method") or ""),
        scaled_from=str(row.get("scaled_from") or ""),
        seq_energy_j=_num(row, "vllm_seq_energy_mj") * 1e-3,
        layer_overhead_s=_num(row, "vllm_layer_overhead_s", 0.0),
        expert_compute_overhead=_num(row, "vllm_expert_compute_overhead", 0.0),
        cache_bandwidth_fraction=_num(row, "cache_bandwidth_fraction", 0.0),
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


def unvalidated_band(registry: Registry | None = None) -> tuple[float, float]:
    """``(low, high)`` band factors for estimates the shipped fits were not validated on: the cross-GPU band (the
    H100 fit scored on B200 and the reverse; scripts/build_calibration.py) that every datasheet-scaled row carries.
    The widest low / high of those rows; the widest of the whole table if none is datasheet-scaled."""
    from aifootprint.reference.registry import default_registry

    table = (registry or default_registry()).table(DATASET)
    rows = table.where(method="datasheet-scaled") or [table.get(k) for k in table.keys()]
    return (min(_num(r, "band_low_factor") for r in rows), max(_num(r, "band_high_factor") for r in rows))


def calibrated_accelerators(registry: Registry | None = None) -> list[str]:
    """Keys of every accelerator with a calibration row."""
    from aifootprint.reference.registry import default_registry

    return (registry or default_registry()).table(DATASET).keys()


def apply_profile(cal: Calibration, profile: Any) -> Calibration:
    """``cal`` with what a user's calibration profile measured on their own GPU (``aifootprint calibrate``;
    duck-typed :class:`aifootprint.calibrate.profile.CalibrationProfile`): achievable compute fraction, the
    small-batch GEMV bandwidth fraction when measured (a GPU-bound engine's decode reads weights that way:
    :func:`~.engines.engine_bandwidth`), the copy's bandwidth fraction for KV-cache traffic (streamed like a copy,
    :class:`~.physics.Device`), power limit, idle power, and the GEMM and copy powers the profile implies
    (``idle + e·rate``), re-expressed above this accelerator's *serving* base power (scaled by the power-limit
    ratio): serving keeps clocks up, so P_base is well above idle (ML.ENERGY fit), and the profile's GEMM and copy
    powers are reproduced exactly. Engine and all-reduce terms stay those of ``cal``, and so does the ``vllm``
    bandwidth fraction of weight reads: it is fitted to vLLM's step times, which a copy kernel does not reach (0.55
    against the copy's 0.90 on H100), so a profile of the micro-benchmarks a shipped row was built from gives that
    row's estimates.
    The energies are the linear dynamic power whose soft-capped power is the profile's
    (:func:`~.physics.soft_cap_inverse`), so the soft power cap of the estimates reproduces the GEMM and copy powers.
    The profile's own terms are kept too (``gpu_bound_power``: idle power, energy per FLOP and per byte above it):
    a GPU-bound engine draws them as a straight line from idle, with no serving floor
    (:func:`~.engines.engine_calibration`; docs/validation_h200.md §5, the test fixed before its data)."""
    from .physics import soft_cap_inverse

    gemv = getattr(profile, "gemv_bandwidth_fraction", None)
    idle = float(profile.idle_power_w)
    limit = float(profile.power_limit_w)
    flops_rate = float(profile.achieved_tflops_bf16) * 1e12
    bytes_rate = float(profile.achieved_bandwidth_gb_per_s) * 1e9
    p_gemm = idle + float(profile.energy_pj_per_flop) * 1e-12 * flops_rate
    p_copy = idle + float(profile.energy_pj_per_byte) * 1e-12 * bytes_rate
    base = min(max(cal.base_power_w * limit / cal.max_power_w, idle), p_copy, p_gemm)
    return replace(
        cal,
        compute_fraction=float(profile.achieved_flops_fraction),
        gemv_bandwidth_fraction=float(gemv) if gemv else cal.gemv_bandwidth_fraction,
        cache_bandwidth_fraction=float(profile.achieved_bandwidth_fraction),
        gpu_bound_power=(idle, float(profile.energy_pj_per_flop) * 1e-12, float(profile.energy_pj_per_byte) * 1e-12),
        base_power_w=base,
        idle_power_w=idle,
        max_power_w=limit,
        energy_per_flop_j=float(soft_cap_inverse(p_gemm, base, limit)) / flops_rate,
        energy_per_byte_j=float(soft_cap_inverse(p_copy, base, limit)) / bytes_rate,
        source=f"profile: {getattr(profile, 'device_name', '')} {getattr(profile, 'date', '')} "
               f"({getattr(profile, 'source', '')})".strip(),
        status="D",
        method="profile",
    )
