"""The real micro-benchmark backend: PyTorch (CUDA) kernels, board energy from NVML (extra ``aifootprint[calibrate]``).

Nothing heavy is imported at module import: :func:`open_backend` loads NVML first (cheap) and PyTorch only
once NVML has found a GPU, so a machine without a GPU never loads PyTorch. Every failure to find what it needs is a
:class:`BackendUnavailable` (an :class:`~aifootprint.errors.InputError`: one line, exit code 2) naming what to install.

Measurement (the method of "aifootprint GPU micro-benchmarks, 2026-11-26", ``../shared/data/gpu-microbench``):
each window is preceded by a warm-up (about 1 s) that also times one iteration; the window then runs a fixed number
of iterations (≈ the requested duration; bounded), with ``torch.cuda.synchronize()`` before and after, and its energy
is the difference of the GPU's energy counter (``nvmlDeviceGetTotalEnergyConsumption``, Volta and later). Where the
counter is missing, board power (``nvmlDeviceGetPowerUsage``) is sampled at 10 Hz in a thread and integrated
(trapezoids). NVML API reference: https://docs.nvidia.com/deploy/nvml-api/group__nvmlDeviceQueries.html. The power
limit recorded is the enforced one (``nvmlDeviceGetEnforcedPowerLimit``), so a user-lowered limit is what the profile
describes.

Energy and power are read through the measure package's sensor (:class:`aifootprint.measure.sensors.nvidia.
NvidiaSensor`, one implementation of the NVML reads and their error handling); the backend receives it (any
:class:`~aifootprint.measure.sensors.base.Sensor`: tests pass a simulated one). :func:`open_backend` finds the NVML
device of PyTorch's device by UUID (``CUDA_VISIBLE_DEVICES`` may renumber devices), else as CUDA numbers the visible
devices.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import InputError
from .backend import DeviceInfo
from .profile import BenchWindow

if TYPE_CHECKING:
    from ..measure.sensors.base import Reading

INSTALL_HINT = "pip install 'aifootprint[calibrate]'"
_NO_GPU_HINT = "without a GPU, derive a profile from your measurements with `aifootprint calibrate --from-csv FILE`"
#: Upper bound of iterations per window (a guard against a mis-timed warm-up on a very fast device).
MAX_ITERATIONS = 1_000_000
WARMUP_S = 1.0
SAMPLE_PERIOD_S = 0.1


class GpuSensor(Protocol):
    """What the backend reads: a measure-package sensor (:class:`~aifootprint.measure.sensors.base.Sensor`) of one
    GPU, with its name and enforced power limit [W] (None: unknown), as
    :class:`~aifootprint.measure.sensors.nvidia.NvidiaSensor` has them."""

    device: str
    label: str
    power_limit_w: float | None

    def read(self) -> Reading: ...

    def close(self) -> None: ...


class BackendUnavailable(InputError):
    """No usable GPU, driver, PyTorch or nvidia-ml-py: the message says which and what to install."""


def open_backend(index: int = 0) -> TorchNvmlBackend:
    """Open GPU ``index`` (as PyTorch numbers it). Raises :class:`BackendUnavailable` naming what is missing."""
    from ..measure.sensors.base import SensorUnavailable
    from ..measure.sensors.nvidia import NvidiaSensor, NvmlSession, load_nvml

    try:
        nvml = load_nvml()
    except SensorUnavailable as exc:
        cause = exc.__cause__
        if isinstance(cause, ImportError):
            raise BackendUnavailable(f"calibrate needs nvidia-ml-py and PyTorch with CUDA: nvidia-ml-py is not "
                                     f"installed ({INSTALL_HINT}); {_NO_GPU_HINT}") from None
        raise BackendUnavailable(f"calibrate needs an NVIDIA GPU and driver: {exc}; {_NO_GPU_HINT}") from None
    try:
        import torch
    except ImportError:
        nvml.nvmlShutdown()
        raise BackendUnavailable(f"calibrate needs PyTorch with CUDA: torch is not installed ({INSTALL_HINT}, or the "
                                 f"CUDA build from https://pytorch.org); {_NO_GPU_HINT}") from None
    if not torch.cuda.is_available():
        nvml.nvmlShutdown()
        raise BackendUnavailable(f"calibrate needs PyTorch with CUDA: torch.cuda.is_available() is False (a CPU-only "
                                 f"build of torch, or no visible GPU); {_NO_GPU_HINT}")
    count = int(torch.cuda.device_count())
    if not 0 <= index < count:
        nvml.nvmlShutdown()
        raise InputError(f"--device {index}: PyTorch sees {count} GPU(s); accepted: 0 to {count - 1}")
    try:
        sensor = NvidiaSensor(nvml, nvml_index(torch, nvml, index), session=NvmlSession(nvml, 1))
    except SensorUnavailable as exc:
        nvml.nvmlShutdown()
        raise BackendUnavailable(f"calibrate cannot read GPU {index}: {exc}; {_NO_GPU_HINT}") from None
    return TorchNvmlBackend(torch, sensor, index, driver=_text(nvml.nvmlSystemGetDriverVersion()))


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def nvml_index(torch: Any, nvml: Any, index: int) -> int:
    """The NVML index of PyTorch's device ``index``: by its UUID, else the ``index``-th device CUDA makes visible
    (:func:`aifootprint.measure.sensors.nvidia.visible_indices`, which reads ``CUDA_VISIBLE_DEVICES`` as CUDA does)."""
    from ..measure.sensors.nvidia import visible_indices

    uuid = getattr(torch.cuda.get_device_properties(index), "uuid", None)
    if uuid is not None:
        with contextlib.suppress(Exception):  # an id NVML does not know: the visible order below
            return visible_indices(nvml, [f"GPU-{uuid}"])[0]  # torch prints the UUID without "GPU-"
    visible = visible_indices(nvml, None)
    return visible[index] if index < len(visible) else index


class _PowerSampler:
    """Samples board power (W) at :data:`SAMPLE_PERIOD_S` in a thread; :meth:`energy_j` integrates by trapezoids."""

    def __init__(self, read_w: Callable[[], float], clock: Callable[[], float]) -> None:
        self._read_w, self._clock = read_w, clock
        self._samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._samples.append((self._clock(), self._read_w()))
            self._stop.wait(SAMPLE_PERIOD_S)

    def __enter__(self) -> _PowerSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._samples.append((self._clock(), self._read_w()))
        self._stop.set()
        self._thread.join()

    def energy_j(self) -> float:
        pts = sorted(self._samples)
        return sum((t1 - t0) * (w0 + w1) / 2 for (t0, w0), (t1, w1) in itertools.pairwise(pts))


class TorchNvmlBackend:
    """:class:`~aifootprint.calibrate.backend.MicrobenchBackend` on one CUDA device (see the module docstring).

    ``torch`` is the imported module (:func:`open_backend` passes it; tests pass a stand-in), ``sensor`` the GPU's
    energy sensor (:class:`~aifootprint.measure.sensors.nvidia.NvidiaSensor`; tests pass a simulated one; closed by
    :meth:`close`), ``driver`` the driver version recorded with the profile, and ``clock`` / ``sleep`` the time
    functions.
    """

    def __init__(self, torch: Any, sensor: GpuSensor, index: int, *, driver: str = "",
                 clock: Callable[[], float] = time.perf_counter, sleep: Callable[[float], None] = time.sleep) -> None:
        self._torch, self._sensor, self._clock, self._sleep = torch, sensor, clock, sleep
        self._driver = driver
        self._device = torch.device("cuda", index)
        torch.cuda.set_device(self._device)
        torch.zeros(1, device=self._device)  # open the CUDA context (idle is measured with it open)
        # every window edge reads the counter, whatever the sensor's read budget (a calibration, no workload to spare)
        self._read: Callable[[], Reading] = getattr(sensor, "read_full", sensor.read)
        self._counter = self._read().energy_j is not None

    def device_info(self) -> DeviceInfo:
        limit_w = self._sensor.power_limit_w
        if not limit_w:
            raise BackendUnavailable(f"{self._sensor.label}: the driver does not report the enforced power limit, "
                                     f"which the profile records; {_NO_GPU_HINT}")
        return DeviceInfo(
            name=self._sensor.label,
            driver=self._driver,
            power_limit_w=float(limit_w),
            energy_method="nvml-energy-counter" if self._counter else "nvml-power-sampled",
        )

    def _power_w(self) -> float:
        power = self._read().power_w
        if power is None:
            raise BackendUnavailable(f"{self._sensor.device}: no power reading (and no energy counter)")
        return power

    def _energy_j(self) -> float:
        energy = self._read().energy_j
        if energy is None:
            raise BackendUnavailable(f"{self._sensor.device}: the energy counter stopped answering")
        return energy

    def _window(self, run: Callable[[], None]) -> tuple[float, float]:
        """Run ``run`` (which synchronises at its end) and return (duration_s, energy_j)."""
        sync = self._torch.cuda.synchronize
        sync()
        if self._counter:
            e0, t0 = self._energy_j(), self._clock()
            run()
            t1, e1 = self._clock(), self._energy_j()
            return t1 - t0, e1 - e0
        with _PowerSampler(self._power_w, self._clock) as sampler:
            t0 = self._clock()
            run()
            t1 = self._clock()
        return t1 - t0, sampler.energy_j()

    def _timed_loop(self, step: Callable[[], Any], duration_s: float) -> tuple[float, float, int]:
        """Warm up ``step`` (doubling batches until :data:`WARMUP_S`), then run ≈ ``duration_s`` of it in one window.

        Returns (duration_s, energy_j, iterations)."""
        sync = self._torch.cuda.synchronize
        batch, spent, per_iter = 1, 0.0, 0.0
        while spent < WARMUP_S:
            t0 = self._clock()
            for _ in range(batch):
                step()
            sync()
            dt = self._clock() - t0
            spent += dt
            per_iter = dt / batch
            batch *= 2
        iterations = max(1, min(MAX_ITERATIONS, round(duration_s / max(per_iter, 1e-9))))

        def run() -> None:
            for _ in range(iterations):
                step()
            sync()

        duration, energy = self._window(run)
        return duration, energy, iterations

    def idle(self, duration_s: float) -> BenchWindow:
        duration, energy = self._window(lambda: self._sleep(duration_s))
        return BenchWindow(duration, energy)

    def gemm(self, n: int, duration_s: float) -> BenchWindow:
        torch = self._torch
        a = torch.randn(n, n, device=self._device, dtype=torch.bfloat16)
        b = torch.randn(n, n, device=self._device, dtype=torch.bfloat16)
        out = torch.empty(n, n, device=self._device, dtype=torch.bfloat16)
        duration, energy, iters = self._timed_loop(lambda: torch.mm(a, b, out=out), duration_s)
        return BenchWindow(duration, energy, flops=2.0 * n**3 * iters)

    def copy(self, nbytes: int, duration_s: float) -> BenchWindow:
        torch = self._torch
        free_b, _total_b = torch.cuda.mem_get_info(self._device)
        nbytes = min(nbytes, int(free_b) // 4)  # two buffers, half of the free memory at most
        numel = nbytes // 2
        x = torch.empty(numel, device=self._device, dtype=torch.bfloat16).normal_()
        y = torch.empty_like(x)
        duration, energy, iters = self._timed_loop(lambda: y.copy_(x), duration_s)
        return BenchWindow(duration, energy, bytes_moved=2.0 * 2 * numel * iters)  # read + write, 2 bytes each

    def gemv(self, k: int, n: int, batch: int, duration_s: float) -> BenchWindow:
        torch = self._torch
        w = torch.randn(k, n, device=self._device, dtype=torch.bfloat16)
        x = torch.randn(batch, k, device=self._device, dtype=torch.bfloat16)
        out = torch.empty(batch, n, device=self._device, dtype=torch.bfloat16)
        duration, energy, iters = self._timed_loop(lambda: torch.mm(x, w, out=out), duration_s)
        return BenchWindow(duration, energy, bytes_moved=2.0 * (k * n + batch * k + batch * n) * iters)

    def close(self) -> None:
        self._torch.cuda.empty_cache()
        self._sensor.close()
