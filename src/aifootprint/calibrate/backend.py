"""Micro-benchmark backends: the :class:`MicrobenchBackend` protocol, the bounded plan, the runner, and a fake.

A backend runs four timed windows on one device and returns, for each, a
:class:`~aifootprint.calibrate.profile.BenchWindow` (duration, board energy, work done):

* ``idle(duration_s)`` — nothing running, device context open;
* ``gemm(n, duration_s)`` — dense bf16 ``n×n @ n×n`` back to back (2·n³ FLOP each);
* ``copy(nbytes, duration_s)`` — device-to-device copy of an ``nbytes`` bf16 buffer (2·nbytes moved: read + write);
* ``gemv(k, n, batch, duration_s)`` — small-batch ``batch×k @ k×n`` bf16 (a decode step's weight read: the
  ``k·n`` weight bytes dominate).

The real backend is :class:`aifootprint.calibrate.torch_backend.TorchNvmlBackend` (PyTorch + NVML); tests and demos
use :class:`FakeBackend` (deterministic rates, no device). :func:`run_microbenchmarks` runs a :class:`BenchPlan`,
whose total is bounded (:data:`MAX_TOTAL_S`), and returns the readings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from ..errors import InputError
from .profile import BenchWindow, MicrobenchReadings

#: Upper bound of a plan's timed windows together (s); with start-up and warm-up the run stays within 2 minutes.
MAX_TOTAL_S = 90.0


@dataclass(frozen=True)
class DeviceInfo:
    """What a backend reports about its device."""

    name: str
    driver: str
    power_limit_w: float
    energy_method: str  # "nvml-energy-counter", "nvml-power-sampled" or "fake"


@dataclass(frozen=True)
class BenchPlan:
    """Sizes and window lengths of one calibration run (defaults: the shared micro-benchmarks' shapes).

    ``gemm_n = 8192`` and a 4 GB copy buffer follow "aifootprint GPU micro-benchmarks, 2026-11-26" (SOURCE.md of
    ``../shared/data/gpu-microbench``), so profiles are comparable with those readings. The GEMV weight
    (16384 × 16384 bf16 = 512 MiB) is far larger than any L2 cache, so it streams from HBM like a decode step's
    weights. Windows of 5 s are far above the NVML energy counter's update period (tens of ms).
    """

    idle_s: float = 5.0
    window_s: float = 5.0
    gemm_n: int = 8192
    copy_bytes: int = 4 * 10**9
    gemv_k: int = 16384
    gemv_n: int = 16384
    gemv_batch: int = 1

    def __post_init__(self) -> None:
        if not 1.0 <= self.idle_s <= 30.0:
            raise InputError(f"idle window {self.idle_s:g} s; accepted: 1 to 30 s")
        if not 1.0 <= self.window_s <= 25.0:
            raise InputError(f"benchmark window {self.window_s:g} s; accepted: 1 to 25 s")
        if self.total_s > MAX_TOTAL_S:
            raise InputError(f"plan of {self.total_s:g} s exceeds {MAX_TOTAL_S:g} s; shorten --window-s or --idle-s")
        if self.gemm_n < 256 or self.copy_bytes < 2**20 or min(self.gemv_k, self.gemv_n) < 256:
            raise InputError("benchmark sizes too small; accepted: gemm_n, gemv_k, gemv_n >= 256, copy >= 1 MiB")
        if not 1 <= self.gemv_batch <= 64:
            raise InputError(f"GEMV batch {self.gemv_batch}; accepted: 1 to 64 (small-batch decode)")

    @property
    def total_s(self) -> float:
        """Sum of the timed windows (idle + GEMM + copy + GEMV)."""
        return self.idle_s + 3 * self.window_s


class MicrobenchBackend(Protocol):
    """One device that can run the calibration micro-benchmarks (see the module docstring)."""

    def device_info(self) -> DeviceInfo: ...
    def idle(self, duration_s: float) -> BenchWindow: ...
    def gemm(self, n: int, duration_s: float) -> BenchWindow: ...
    def copy(self, nbytes: int, duration_s: float) -> BenchWindow: ...
    def gemv(self, k: int, n: int, batch: int, duration_s: float) -> BenchWindow: ...
    def close(self) -> None: ...


def run_microbenchmarks(backend: MicrobenchBackend, plan: BenchPlan, today: date | None = None) -> MicrobenchReadings:
    """Run idle, GEMM, copy and GEMV (in that order: idle first, while the device is cool) and collect readings."""
    info = backend.device_info()
    idle = backend.idle(plan.idle_s)
    gemm = backend.gemm(plan.gemm_n, plan.window_s)
    copy = backend.copy(plan.copy_bytes, plan.window_s)
    gemv = backend.gemv(plan.gemv_k, plan.gemv_n, plan.gemv_batch, plan.window_s)
    return MicrobenchReadings(
        device_name=info.name,
        driver=info.driver,
        date=(today or date.today()).isoformat(),
        power_limit_w=info.power_limit_w,
        idle=idle,
        gemm=gemm,
        copy=copy,
        gemv=gemv,
    )


@dataclass(frozen=True)
class FakeRates:
    """Steady board power and throughput of a fake device, per benchmark.

    Defaults replay the H100 SXM5 row of "aifootprint GPU micro-benchmarks, 2026-11-26" (energy ÷ duration: idle
    114.91 W; matmul 696.31 W at 691.4 TFLOP/s; copy 380.65 W at 3,023.9 GB/s). The GEMV rates (300 W at
    2,500 GB/s) are **synthetic** (no measurement; they only exercise the optional field).
    """

    name: str = "NVIDIA H100 80GB HBM3"
    driver: str = "fake"
    power_limit_w: float = 700.0
    idle_w: float = 459.657 / 4.0002
    gemm_w: float = 3321.829 / 4.7706
    gemm_tflops: float = 691.4
    copy_w: float = 2014.108 / 5.2912
    copy_gb_per_s: float = 3023.9
    gemv_w: float = 300.0
    gemv_gb_per_s: float = 2500.0


@dataclass
class FakeBackend:
    """Deterministic backend: each window lasts exactly what was asked and draws the :class:`FakeRates` powers.

    ``calls`` records what the runner asked for (name, sizes, duration), so tests can check the plan.
    """

    rates: FakeRates = field(default_factory=FakeRates)
    calls: list[tuple[str, tuple[int, ...], float]] = field(default_factory=list)
    closed: bool = False

    def device_info(self) -> DeviceInfo:
        r = self.rates
        return DeviceInfo(name=r.name, driver=r.driver, power_limit_w=r.power_limit_w, energy_method="fake")

    def idle(self, duration_s: float) -> BenchWindow:
        self.calls.append(("idle", (), duration_s))
        return BenchWindow(duration_s, self.rates.idle_w * duration_s)

    def gemm(self, n: int, duration_s: float) -> BenchWindow:
        self.calls.append(("gemm", (n,), duration_s))
        return BenchWindow(duration_s, self.rates.gemm_w * duration_s, flops=self.rates.gemm_tflops * 1e12 * duration_s)

    def copy(self, nbytes: int, duration_s: float) -> BenchWindow:
        self.calls.append(("copy", (nbytes,), duration_s))
        moved = self.rates.copy_gb_per_s * 1e9 * duration_s
        return BenchWindow(duration_s, self.rates.copy_w * duration_s, bytes_moved=moved)

    def gemv(self, k: int, n: int, batch: int, duration_s: float) -> BenchWindow:
        self.calls.append(("gemv", (k, n, batch), duration_s))
        moved = self.rates.gemv_gb_per_s * 1e9 * duration_s
        return BenchWindow(duration_s, self.rates.gemv_w * duration_s, bytes_moved=moved)

    def close(self) -> None:
        self.closed = True
