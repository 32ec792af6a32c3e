"""The real PyTorch + NVML backend's bookkeeping, driven by stand-in ``torch`` and ``nvml`` objects passed to it.

The stand-ins simulate one GPU on a virtual clock: each kernel advances the clock by its work ÷ rate and the NVML
energy counter (whole mJ, as NVML reports) by power × time. Rates and powers are made up for the test (H200-like:
120 W idle; GEMM 670 TFLOP/s at 690 W; copy 4,200 GB/s at 400 W; GEMV 3,500 GB/s at 350 W), so the derived profile
must return exactly them: e_flop = (690 − 120) / 670e12 = 0.8507 pJ/FLOP, e_byte = (400 − 120) / 4.2e12 = 66.67 pJ/B.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from aifootprint.calibrate.backend import BenchPlan, run_microbenchmarks
from aifootprint.calibrate.microbench_csv import resolve_accelerator
from aifootprint.calibrate.profile import derive_profile
from aifootprint.calibrate.torch_backend import TorchNvmlBackend, _PowerSampler, nvml_index
from aifootprint.measure.sensors.nvidia import NvidiaSensor, NvmlSession

IDLE_W, GEMM_W, COPY_W, GEMV_W = 120.0, 690.0, 400.0, 350.0
FLOPS_PER_S, COPY_B_PER_S, GEMV_B_PER_S = 670e12, 4200e9, 3500e9


@dataclass
class SimGpu:
    now_s: float = 0.0
    energy_j: float = 0.0

    def run(self, seconds: float, power_w: float) -> None:
        self.now_s += seconds
        self.energy_j += seconds * power_w


@dataclass
class Tensor:
    shape: tuple[int, ...]
    gpu: SimGpu

    def normal_(self) -> Tensor:
        return self

    def copy_(self, other: Tensor) -> Tensor:
        numel = 1
        for d in other.shape:
            numel *= d
        self.gpu.run(2 * 2 * numel / COPY_B_PER_S, COPY_W)
        return self


@dataclass
class Props:
    uuid: str = "1234"
    pci_domain_id: int = 0
    pci_bus_id: int = 0x1B
    pci_device_id: int = 0


@dataclass
class Cuda:
    gpu: SimGpu
    synced: int = 0

    def set_device(self, device: Any) -> None: ...
    def synchronize(self) -> None:
        self.synced += 1

    def get_device_properties(self, index: int) -> Props:
        return Props()

    def mem_get_info(self, device: Any) -> tuple[int, int]:
        return 100 * 10**9, 141 * 10**9

    def empty_cache(self) -> None: ...


@dataclass
class Torch:
    gpu: SimGpu = field(default_factory=SimGpu)
    bfloat16: str = "bf16"

    def __post_init__(self) -> None:
        self.cuda = Cuda(self.gpu)

    def device(self, kind: str, index: int) -> str:
        return f"{kind}:{index}"

    def _t(self, *dims: int, **_: Any) -> Tensor:
        return Tensor(tuple(dims), self.gpu)

    zeros = randn = empty = _t

    def empty_like(self, t: Tensor) -> Tensor:
        return Tensor(t.shape, self.gpu)

    def mm(self, a: Tensor, b: Tensor, out: Tensor) -> Tensor:
        (m, k), (_, n) = a.shape, b.shape
        if m == k == n:  # square: GEMM
            self.gpu.run(2.0 * m * k * n / FLOPS_PER_S, GEMM_W)
        else:  # small batch: weight read dominates
            self.gpu.run(2.0 * (k * n + m * k + m * n) / GEMV_B_PER_S, GEMV_W)
        return out


@dataclass
class Nvml:
    """The pynvml surface the measure package's NVIDIA sensor uses: two GPUs, of which the simulated one is NVML's
    index 1 (PyTorch's device 0, found by its UUID); the other never runs anything."""

    gpu: SimGpu
    shut: bool = False
    handles: tuple[str, ...] = ("other", "handle")

    def nvmlDeviceGetCount(self) -> int:
        return len(self.handles)

    def nvmlDeviceGetHandleByIndex(self, index: int) -> str:
        return self.handles[index]

    def nvmlDeviceGetUUID(self, handle: str) -> bytes:
        return b"GPU-1234" if handle == "handle" else b"GPU-9999"

    def nvmlDeviceGetTotalEnergyConsumption(self, handle: str) -> int:
        return int(self.gpu.energy_j * 1000) if handle == "handle" else 0  # whole mJ

    def nvmlDeviceGetPowerUsage(self, handle: str) -> int:
        return 0

    def nvmlDeviceGetEnforcedPowerLimit(self, handle: str) -> int:
        return 700_000 if handle == "handle" else 300_000  # mW

    def nvmlDeviceGetName(self, handle: str) -> bytes:
        return b"NVIDIA H200" if handle == "handle" else b"NVIDIA L4"

    def nvmlSystemGetDriverVersion(self) -> str:
        return "580.159.04"

    def nvmlShutdown(self) -> None:
        self.shut = True


def test_real_backend_bookkeeping_recovers_the_simulated_gpu() -> None:
    """The backend reads the GPU through the measure package's NVIDIA sensor (the one implementation of NVML reads),
    on the NVML device whose UUID PyTorch reports, and closes it (NVML shut down) when done."""
    torch = Torch()
    gpu = torch.gpu
    nvml = Nvml(gpu)

    def sleep(seconds: float) -> None:
        gpu.run(seconds, IDLE_W)

    assert nvml_index(torch, nvml, 0) == 1
    sensor = NvidiaSensor(nvml, nvml_index(torch, nvml, 0), session=NvmlSession(nvml, 1))
    backend = TorchNvmlBackend(torch, sensor, 0, driver="580.159.04", clock=lambda: gpu.now_s, sleep=sleep)
    info = backend.device_info()
    assert (info.name, info.driver, info.power_limit_w, info.energy_method) == (
        "NVIDIA H200", "580.159.04", 700.0, "nvml-energy-counter")
    plan = BenchPlan(idle_s=2.0, window_s=2.0)
    readings = run_microbenchmarks(backend, plan, today=date(2026, 12, 3))
    backend.close()
    assert nvml.shut
    for window in (readings.gemm, readings.copy, readings.gemv):
        assert window.duration_s == pytest.approx(2.0, rel=0.01)  # iterations sized from the warm-up
    p = derive_profile(readings, resolve_accelerator(readings.device_name), source="simulated")
    assert p.idle_power_w == pytest.approx(IDLE_W, rel=1e-4)
    assert p.achieved_tflops_bf16 == pytest.approx(670.0, rel=1e-9)
    assert p.achieved_bandwidth_gb_per_s == pytest.approx(4200.0, rel=1e-9)
    assert p.energy_pj_per_flop == pytest.approx((GEMM_W - IDLE_W) / FLOPS_PER_S * 1e12, rel=1e-4)
    assert p.energy_pj_per_byte == pytest.approx((COPY_W - IDLE_W) / COPY_B_PER_S * 1e12, rel=1e-4)
    assert p.gemv_bandwidth_fraction == pytest.approx(3500 / 4800, rel=1e-9)
    assert torch.cuda.synced > 0


def test_gpu_without_energy_counter_is_power_sampled() -> None:
    """A sensor without a counter: the backend says so and integrates the sensor's power (constant 250 W here, on a
    clock that ticks 0.5 s per read) over each window."""
    from aifootprint.measure.sensors.base import Reading

    class PowerOnly:
        device, label, power_limit_w = "gpu:0", "NVIDIA T4", 70.0
        closed = False

        def read(self) -> Reading:
            return Reading(energy_j=None, power_w=250.0)

        def close(self) -> None:
            self.closed = True

    ticks = iter(range(10_000))
    sensor = PowerOnly()
    backend = TorchNvmlBackend(Torch(), sensor, 0, clock=lambda: next(ticks) * 0.5, sleep=lambda s: None)
    assert backend.device_info().energy_method == "nvml-power-sampled"
    window = backend.idle(1.0)
    # 250 W times the sampled span: whole clock ticks, covering the window (samples are taken around it)
    assert (window.energy_j / 250.0 / 0.5).is_integer() and window.energy_j >= 250.0 * window.duration_s
    backend.close()
    assert sensor.closed


def test_power_sampler_integrates_samples() -> None:
    """Constant 250 W sampled on a clock that ticks 0.5 s per read: energy = 250 W × the sampled span."""
    ticks = iter(range(10_000))
    times: list[float] = []

    def clock() -> float:
        times.append(next(ticks) * 0.5)
        return times[-1]

    with _PowerSampler(lambda: 250.0, clock) as sampler:
        pass
    assert sampler.energy_j() == pytest.approx(250.0 * (times[-1] - times[0]))
    assert len(times) >= 2
