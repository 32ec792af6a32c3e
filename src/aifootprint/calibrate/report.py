"""What ``aifootprint calibrate`` prints: the measured profile beside the registry's datasheet values, and checks.

Datasheet values come from the hardware registry (``accelerators.csv``; sources cited per row there). The checks are
:class:`~aifootprint.notice.Notice` objects with stable codes:

* ``calibration-power-capped`` — the GEMM drew ≥ 95 % of the power limit: its throughput is the power-capped one
  (expected on H100/H200, see ``../shared/data/gpu-microbench/SOURCE.md``);
* ``calibration-low-throughput`` — GEMM below 30 % of the datasheet peak, or copy below 40 % of the datasheet
  bandwidth: another process on the GPU, locked clocks, or a wrong ``--accelerator``;
* ``calibration-busy-idle`` — idle above 35 % of the power limit (H100/H200 idle at 16-17 % of 700 W): the idle window
  was probably not idle;
* ``calibration-power-sampled`` — no NVML energy counter: energy integrated from 10 Hz power samples (coarser);
* ``calibration-synthetic`` — readings from the fake backend: not a measurement of this machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..notice import Notice
from .profile import CalibrationProfile, MicrobenchReadings

if TYPE_CHECKING:
    from ..reference.hardware import Accelerator

CAPPED_FRACTION = 0.95
LOW_FLOPS_FRACTION = 0.30
LOW_BANDWIDTH_FRACTION = 0.40
BUSY_IDLE_FRACTION = 0.35


@dataclass(frozen=True)
class ComparisonRow:
    """One quantity: measured value, datasheet value (None: not published), unit."""

    quantity: str
    measured: float | None
    datasheet: float | None
    unit: str

    @property
    def ratio(self) -> float | None:
        """measured / datasheet, when both exist."""
        if self.measured is None or not self.datasheet:
            return None
        return self.measured / self.datasheet

    def to_dict(self) -> dict[str, Any]:
        return {"quantity": self.quantity, "measured": self.measured, "datasheet": self.datasheet,
                "unit": self.unit, "ratio": self.ratio}


def compare_with_datasheet(profile: CalibrationProfile, acc: Accelerator) -> list[ComparisonRow]:
    """The profile's measured values next to the registry's datasheet values of the same accelerator."""
    gemv_gb_per_s = (None if profile.gemv_bandwidth_fraction is None or acc.bandwidth_gb_per_s is None
                     else profile.gemv_bandwidth_fraction * acc.bandwidth_gb_per_s)
    return [
        ComparisonRow("idle power", profile.idle_power_w, acc.idle_power_w, "W"),
        ComparisonRow("power limit", profile.power_limit_w, acc.max_power_w, "W"),
        ComparisonRow("bf16 GEMM throughput", profile.achieved_tflops_bf16, acc.bf16_dense_tflops, "TFLOP/s"),
        ComparisonRow("copy bandwidth", profile.achieved_bandwidth_gb_per_s, acc.bandwidth_gb_per_s, "GB/s"),
        ComparisonRow("GEMV bandwidth", gemv_gb_per_s, acc.bandwidth_gb_per_s, "GB/s"),
        ComparisonRow("e_flop (above idle)", profile.energy_pj_per_flop, None, "pJ/FLOP"),
        ComparisonRow("e_byte (above idle)", profile.energy_pj_per_byte, None, "pJ/byte"),
    ]


def reading_notices(readings: MicrobenchReadings, profile: CalibrationProfile, energy_method: str) -> list[Notice]:
    """Checks of one calibration run (codes in the module docstring)."""
    out: list[Notice] = []
    subject = profile.accelerator
    gemm_w, limit = readings.gemm.power_w, readings.power_limit_w
    if gemm_w >= CAPPED_FRACTION * limit:
        out.append(Notice("calibration-power-capped", f"the GEMM drew {gemm_w:.0f} W of the {limit:.0f} W limit: its "
                          f"{profile.achieved_tflops_bf16:.0f} TFLOP/s is the power-capped throughput "
                          "(estimates cap step power at the limit)", subject))
    if profile.achieved_flops_fraction < LOW_FLOPS_FRACTION or \
            profile.achieved_bandwidth_fraction < LOW_BANDWIDTH_FRACTION:
        out.append(Notice("calibration-low-throughput", f"GEMM at {profile.achieved_flops_fraction:.0%} of the "
                          f"datasheet peak, copy at {profile.achieved_bandwidth_fraction:.0%} of the datasheet "
                          "bandwidth: check for other processes on the GPU, locked clocks, or a wrong --accelerator",
                          subject))
    if profile.idle_power_w > BUSY_IDLE_FRACTION * limit:
        out.append(Notice("calibration-busy-idle", f"idle power {profile.idle_power_w:.0f} W is above "
                          f"{BUSY_IDLE_FRACTION:.0%} of the limit: was another process using the GPU?", subject))
    if energy_method == "nvml-power-sampled":
        out.append(Notice("calibration-power-sampled", "no NVML energy counter on this GPU: energy integrated from "
                          "10 Hz power samples", subject))
    if energy_method == "fake":
        out.append(Notice("calibration-synthetic", "readings from the fake backend: not a measurement of this "
                          "machine", subject))
    return out
