"""NVIDIA GPUs through NVML: the driver's ``libnvidia-ml.so.1`` through this package's binding (:mod:`.nvml`,
loaded on first use), or nvidia-ml-py with ``AIFOOTPRINT_NVML=pynvml`` (extra ``aifootprint[nvidia]``).

Energy: ``nvmlDeviceGetTotalEnergyConsumption`` (mJ since the driver loaded; Volta and later) where supported.
Otherwise the sensor returns power only (``nvmlDeviceGetPowerUsage``, mW) and the tracker integrates it, so a GPU
without an energy counter (pre-Volta, many vGPUs) is **never reported as 0 kWh** (the failure of
mlco2/codecarbon#1316, #393). API reference: NVML API Reference Guide, "Device Queries",
https://docs.nvidia.com/deploy/nvml-api/group__nvmlDeviceQueries.html.

Coarse counter: on recent GPUs the energy counter changes only every few tens of milliseconds, so a short window
can see a delta of 0 J. The sensor records the times at which the counter changes and reports the median spacing
as :attr:`NvidiaSensor.counter_update_s`; the tracker uses power integration for any window shorter than ten
update periods, or whose counter did not move while power was drawn (see :mod:`aifootprint.measure.tracker`).

Errors: only the binding's ``NVMLError`` is caught, classified once by its code (:mod:`.errors`). A counter that stops
being supported or permitted switches the sensor to power integration from then on, with the notice
``method-changed`` in the result; a lost GPU (``NVML_ERROR_GPU_IS_LOST``) is a gap. NVML is shut down
(``nvmlShutdown``) when the last sensor of a discovery closes. ``power_limit_w`` is the enforced power limit
(``nvmlDeviceGetEnforcedPowerLimit``), used to reject implausible power readings.

Shared GPUs: when given the tracked process ids, each read also reports the share of the device used by them
(``nvmlDeviceGetProcessUtilization`` SM utilisation, else the share of GPU memory from
``nvmlDeviceGetComputeRunningProcesses``), refreshed at most once per second (see the read budget below); when
every compute process on the GPU is a tracked one, the share is 1 without the costly utilisation query.

Read budget (issue 12: the sampler must cost <= 0.2 % of a core at 10 Hz). What an NVML query costs depends on the
driver and the machine: on an H200 under driver 580.159.04 in a Firecracker VM, one
``nvmlDeviceGetTotalEnergyConsumption`` took 3.9 ms of CPU and ``nvmlDeviceGetProcessUtilization`` 2.2 ms, while
``nvmlDeviceGetPowerUsage`` took 1.5 us (``benchmarks/gpu/nvml_probe.py``, 2026-12-04; both readings changed every
100 ms there). Read ten times a second, the counter alone cost 3.9 % of a core. So the sensor times its own costly
queries (CPU time of the calling thread) and spaces them so that each uses at most ``read_budget`` of one core
(default :data:`READ_BUDGET`): the counter is read at the next read after ``cost / read_budget`` seconds (every read
where it is cheap: a few microseconds is a period shorter than any tick), the process share likewise (at least 1 s
apart). Power is read at every read; between two counter reads the tracker integrates it, and each counter read
re-anchors the device's cumulative energy to the counter (:mod:`aifootprint.measure.devicetrack`), so totals over
a run are the counter's. :meth:`NvidiaSensor.read_full` reads everything now (the tracker's first and last reading,
synchronous sampling, live interval listeners). ``read_budget=0`` reads every query at every read.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence

from ...notice import Notice
from .base import Component, Reading, SensorError, SensorUnavailable
from .errors import LibrarySession, nvml_errors

TYPE_CHECKING = False  # typing is not imported at run time (the GPUs' thread imports this module)
if TYPE_CHECKING:
    from typing import Any

PidsFn = Callable[[], set[int]]

#: Share of one CPU core that each costly NVML query (energy counter; process share) may use: 0.05 %, so that both
#: together stay within half of issue 12's 0.2 % sampler budget at 10 Hz, the rest being the sampler's own wake-ups.
READ_BUDGET = 0.0005
#: Weight of the newest timing in the running (exponentially weighted) cost of a query: a design choice (about the
#: last four timings count), no measured figure.
COST_WEIGHT = 0.25
#: Counter reads further apart than this do not tell the counter's own update period (see ``counter_update_s``): a
#: design bound, five 10 Hz ticks (NVML's counter changed every 100 ms on the H200, ``nvml_probe.py``).
UPDATE_PROBE_S = 0.5
#: ``nvmlDeviceGetArchitecture`` value of Ampere (``NVML_DEVICE_ARCH_AMPERE``, nvml.h); later architectures are larger.
ARCH_AMPERE = 7
#: "On Ampere (except GA100) or newer GPUs, the API returns power averaged over 1 sec interval. On GA100 and older
#: architectures, instantaneous power is returned." (NVML API Reference, nvmlDeviceGetPowerUsage). Such a reading
#: describes the power half a second earlier: the tracker integrates it with that lag (see :mod:`..devicetrack`).
AVERAGE_POWER_LAG_S = 0.5


#: Products built on the GA100 die (NVIDIA A100, A800 and A30 datasheets), whose power reading is instantaneous: a
#: word of the device name ("NVIDIA A100-SXM4-80GB"; not "RTX A1000", an Ampere GA107 with the averaged reading).
GA100_NAMES = frozenset({"A100", "A100X", "A800", "A30", "A30X"})


def power_lag_s(arch: Any, name: str) -> float:
    """Lag of ``nvmlDeviceGetPowerUsage`` readings [s]: 0.5 on Ampere-or-newer GPUs other than the GA100 ones
    (:data:`GA100_NAMES`), else 0 (instantaneous, or unknown architecture: no correction)."""
    words = set(name.upper().replace("-", " ").replace("_", " ").split())
    if not isinstance(arch, int) or arch < ARCH_AMPERE or arch >= 0xFFFF or words & GA100_NAMES:
        return 0.0
    return AVERAGE_POWER_LAG_S


def load_nvml(module: Any | None = None) -> Any:
    """Load and initialise NVML: ``module`` (a fake for tests), else the binding named by ``$AIFOOTPRINT_NVML``
    (:func:`.discovery.nvml_binding`; default :class:`.nvml.Nvml`; ``pynvml``: nvidia-ml-py).
    Raises SensorUnavailable."""
    if module is None:
        from .discovery import ENV_BINDING, nvml_binding

        if nvml_binding() == "pynvml":
            try:
                import pynvml
            except ImportError as exc:
                raise SensorUnavailable(f"{ENV_BINDING}=pynvml but nvidia-ml-py is not installed (pip install "
                                        "'aifootprint[nvidia]')") from exc
            module = pynvml
        else:
            from .nvml import Nvml, NVMLError

            try:
                module = Nvml()
            except NVMLError as exc:
                raise SensorUnavailable("the NVML library (libnvidia-ml.so.1, installed with the NVIDIA driver) "
                                        "cannot be loaded") from exc
    errors = nvml_errors(module)
    try:
        module.nvmlInit()
    except errors.error as exc:  # NVML_ERROR_LIBRARY_NOT_FOUND, NVML_ERROR_DRIVER_NOT_LOADED, ...
        raise SensorUnavailable(f"NVML could not start: {errors.name(exc)}") from exc
    return module


class NvmlSession(LibrarySession):
    """One ``nvmlInit`` shared by the sensors of a discovery; ``nvmlShutdown`` when the last one closes."""

    def __init__(self, nvml: Any, users: int) -> None:
        super().__init__(nvml, users, nvml_errors(nvml), "nvmlShutdown")


class NvidiaSensor:
    """One NVIDIA GPU. See the module docstring."""

    component: Component = "gpu"
    estimated = False

    def __init__(
        self, nvml: Any, index: int, *, pids: PidsFn | None = None, clock: Callable[[], float] = time.monotonic,
        session: NvmlSession | None = None, read_budget: float = READ_BUDGET,
        cpu_clock: Callable[[], float] = time.thread_time,
    ) -> None:
        self._nvml = nvml
        self._session = session
        self._errors = session.errors if session is not None else nvml_errors(nvml)
        self._handle = nvml.nvmlDeviceGetHandleByIndex(index)
        uuid = nvml.nvmlDeviceGetUUID(self._handle)
        self.uuid = uuid.decode() if isinstance(uuid, bytes) else str(uuid)
        self.device = f"gpu:{index}"
        self.physical_id = f"nvml:{self.uuid}"
        self.notices: list[Notice] = []
        name = self._query("nvmlDeviceGetName")
        self.label = (name.decode() if isinstance(name, bytes) else str(name)) if name is not None else self.device
        try:  # a refinement only: no NVML error here may cost the GPU its measurement
            arch = self._query("nvmlDeviceGetArchitecture")
        except SensorUnavailable:
            arch = None
        self.power_lag_s = power_lag_s(arch, self.label)
        limit_mw = self._query("nvmlDeviceGetEnforcedPowerLimit")
        self.power_limit_w: float | None = float(limit_mw) / 1000.0 if limit_mw else None
        self._clock = clock
        self._pids = pids
        start = self._query("nvmlDeviceGetTotalEnergyConsumption")  # None: no counter, power integration
        self._start_mj: float | None = float(start) if start is not None else None
        self.method = "nvml-energy-counter" if self._start_mj is not None else "nvml-power-integrated"
        self._closed = False
        self._last_mj = self._start_mj
        self._changes: list[float] = []
        self._share: float | None = None
        self._share_at = -1e9
        self._util_ts = 0
        if not read_budget >= 0:
            raise ValueError(f"read_budget must be >= 0 (a share of one core), got {read_budget!r}")
        self._budget = read_budget
        self._cpu = cpu_clock
        self._counter_due = -1e18  # the counter is read at the first read at or after this time (sensor clock)
        self._counter_cost_s: float | None = None  # running CPU cost of one counter read
        self._counter_read_at = -1e18
        self._share_cost_s: float | None = None
        self._share_period_s = 1.0

    @property
    def has_counter(self) -> bool:
        return self._start_mj is not None

    @property
    def counter_update_s(self) -> float | None:
        """Median spacing between observed counter changes (None until three changes were seen, and None while the
        read budget spaces counter reads more than ``UPDATE_PROBE_S`` apart: changes seen then are the reads')."""
        if len(self._changes) < 3 or self.counter_period_s > UPDATE_PROBE_S:
            return None
        gaps = sorted([b - a for a, b in zip(self._changes, self._changes[1:], strict=False)][-32:])
        mid = len(gaps) // 2
        return gaps[mid] if len(gaps) % 2 else (gaps[mid - 1] + gaps[mid]) / 2  # the median

    @property
    def counter_period_s(self) -> float:
        """Least spacing of counter reads the read budget allows now [s] (0: every read)."""
        if self._counter_cost_s is None or self._budget <= 0:
            return 0.0
        return self._counter_cost_s / self._budget

    @property
    def assumptions(self) -> list[tuple[str, float, str, str]]:
        """The read plan, for the result's provenance, when the budget spaced the counter reads beyond a tick
        (``(name, value, unit, source)``; the tracker collects sensors' assumptions at ``stop()``)."""
        period = self.counter_period_s
        if period <= UPDATE_PROBE_S or self._counter_cost_s is None:
            return []
        out = [(f"nvml_counter_read_period:{self.device}", period, "s",
                f"NVML read budget {self._budget:g} of a core; one nvmlDeviceGetTotalEnergyConsumption took "
                f"{self._counter_cost_s * 1e3:.2f} ms of CPU here (measured); power integrated between counter "
                "readings, totals anchored to the counter")]
        if self.power_lag_s > 0:
            out.append((f"nvml_power_lag:{self.device}", self.power_lag_s, "s",
                        "NVML API Reference, nvmlDeviceGetPowerUsage: power averaged over 1 s on Ampere and later"))
        return out

    def _cost_since(self, old: float | None, c0: float) -> float:
        """The running CPU cost of a query [s] with the one that started at CPU time ``c0`` blended in."""
        new = max(0.0, self._cpu() - c0)
        return new if old is None else old + COST_WEIGHT * (new - old)

    def _query(self, fn: str, *args: Any) -> Any:
        """An optional device query at set-up: None when the device or driver does not support it."""
        try:
            return getattr(self._nvml, fn)(self._handle, *args)
        except AttributeError:
            return None  # an older binding without this function
        except self._errors.error as exc:
            if self._errors.classify(exc) in ("unsupported", "denied", "transient"):
                return None
            raise SensorUnavailable(f"{self.device}: {self._errors.name(exc)} during set-up") from exc

    def _fail(self, what: str, exc: BaseException) -> SensorError:
        return SensorError(f"{self.device}: {what} failed: {self._errors.name(exc)}")

    def _power_w(self) -> float | None:
        if self._power_gone:
            return None
        try:
            return float(self._nvml.nvmlDeviceGetPowerUsage(self._handle)) / 1000.0
        except self._errors.error as exc:
            kind = self._errors.classify(exc)
            if kind in ("lost", "transient"):
                raise self._fail("power read", exc) from exc
            self._power_gone = True  # unsupported / denied: the counter alone from now on
            return None

    _power_gone = False

    def _energy_j(self, now: float, force: bool) -> float | None:
        if self._start_mj is None or not (force or now >= self._counter_due):
            return None
        c0 = self._cpu()
        try:
            mj = float(self._nvml.nvmlDeviceGetTotalEnergyConsumption(self._handle))
        except self._errors.error as exc:
            kind = self._errors.classify(exc)
            if kind in ("lost", "transient"):
                raise self._fail("energy counter read", exc) from exc
            self._start_mj = None  # the counter is gone for good: integrate power from now on
            self.method = "nvml-power-integrated"
            self.notices.append(Notice(
                "method-changed", f"{self.device}: energy counter no longer readable ({self._errors.name(exc)}): "
                "power integrated from then on", self.device))
            return None
        self._counter_cost_s = self._cost_since(self._counter_cost_s, c0)
        self._counter_due = now + self.counter_period_s
        if mj != self._last_mj:
            if now - self._counter_read_at > UPDATE_PROBE_S:
                self._changes.clear()  # reads this far apart say nothing of the update period
            self._changes.append(now)
            del self._changes[:-64]
            self._last_mj = mj
        self._counter_read_at = now
        return (mj - self._start_mj) / 1000.0

    def process_fraction(self, now: float, force: bool = False) -> float | None:
        """Share of this GPU used by the tracked processes (refreshed at most once per second, and no more often
        than the read budget allows)."""
        if self._pids is None:
            return None
        if now - self._share_at < self._share_period_s and not (force and now > self._share_at):
            return self._share
        self._share_at = now
        c0 = self._cpu()
        pids = self._pids()
        procs = self._processes()
        listed = {pid for pid, _ in procs} if procs is not None else None
        if listed is not None and listed <= pids:  # every process on the GPU is tracked (or none runs)
            self._share = 1.0 if listed else None  # no need for the costly per-process utilisation
        else:
            self._share = self._util_share(pids)
            if self._share is None and procs is not None:
                self._share = self._memory_share(procs, pids)
        self._share_cost_s = self._cost_since(self._share_cost_s, c0)
        if self._budget > 0:
            self._share_period_s = max(1.0, self._share_cost_s / self._budget)
        return self._share

    def _util_share(self, pids: set[int]) -> float | None:
        try:
            samples = self._nvml.nvmlDeviceGetProcessUtilization(self._handle, self._util_ts)
        except self._errors.error:
            return None  # NOT_FOUND (no sample yet), NOT_SUPPORTED: fall back to the memory share
        total = sum(float(s.smUtil) for s in samples)
        if samples:
            self._util_ts = max(int(s.timeStamp) for s in samples)
        if total <= 0:
            return None
        return sum(float(s.smUtil) for s in samples if int(s.pid) in pids) / total

    def _processes(self) -> list[tuple[int, float]] | None:
        """(pid, GPU memory used [bytes]) of the compute processes on the GPU (``nvmlDeviceGetComputeRunningProcesses``:
        8 us on the H200 above, against 2.2 ms for the per-process utilisation); None when it cannot be read."""
        try:
            procs = self._nvml.nvmlDeviceGetComputeRunningProcesses(self._handle)
        except self._errors.error:
            return None
        return [(int(p.pid), float(p.usedGpuMemory or 0)) for p in procs]

    @staticmethod
    def _memory_share(used: list[tuple[int, float]], pids: set[int]) -> float | None:
        total = sum(m for _, m in used)
        if total <= 0:
            return None
        return sum(m for pid, m in used if pid in pids) / total

    def read(self) -> Reading:
        """Power, and the counter and the process share when the read budget allows (see the module docstring)."""
        return self._read(False)

    def read_full(self) -> Reading:
        """Every quantity now, whatever the read budget (the tracker's first and last reading)."""
        return self._read(True)

    def _read(self, full: bool) -> Reading:
        now = self._clock()
        power = self._power_w()
        energy = self._energy_j(now, full or power is None or self._budget <= 0)
        if energy is None and power is None:
            raise SensorError(f"{self.device}: neither energy nor power could be read")
        return Reading(energy, power, self.process_fraction(now, full))  # positional: no keyword dict per read

    def close(self) -> None:
        if not self._closed and self._session is not None:
            self._closed = True
            self._session.release()


def parse_gpu_list(text: str | None) -> tuple[str, ...] | None:
    """``--gpus`` as a tuple of ids (None: not given). Each id is an index (``0``) or a UUID (prefix) starting
    with ``GPU-`` or ``MIG-`` (as ``nvidia-smi -L`` prints them); anything else is an InputError."""
    from ...errors import InputError

    if text is None:
        return None
    items = tuple(g.strip() for g in text.split(","))
    bad = [g for g in items if not (g.isdigit() or g.upper().startswith(("GPU-", "MIG-")))]
    if not text.strip() or bad:
        shown = ", ".join(repr(b) for b in bad) if text.strip() else "an empty list"
        raise InputError(f"--gpus: {shown} is not a GPU id; accepted: NVML indices (0,1) or UUIDs (GPU-…, MIG-…) "
                         "as listed by `nvidia-smi -L`, comma-separated")
    return items


def _uuids(nvml: Any, count: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for i in range(count):
        raw = nvml.nvmlDeviceGetUUID(nvml.nvmlDeviceGetHandleByIndex(i))
        out[raw.decode() if isinstance(raw, bytes) else str(raw)] = i
    return out


def _resolve(item: str, count: int, uuids: dict[str, int]) -> int | None:
    """The NVML index of one id (index, or a UUID prefix matching exactly one GPU); None when nothing matches."""
    if item.isdigit():
        return int(item) if int(item) < count else None
    hits = [i for u, i in uuids.items() if item and u.lower().startswith(item.lower())]
    return hits[0] if len(hits) == 1 else None


def visible_indices(nvml: Any, gpus: Sequence[str] | None) -> list[int]:
    """NVML indices to measure: ``gpus`` (indices or UUIDs), else ``CUDA_VISIBLE_DEVICES``, else all devices.

    An id in ``gpus`` that matches no GPU (or several) is an InputError naming it: nothing is dropped silently.
    ``CUDA_VISIBLE_DEVICES`` is read as CUDA reads it (CUDA C Programming Guide, "CUDA Environment Variables"):
    set but empty means no GPU, and the list stops at the first id that matches no device (``-1`` hides all).
    """
    from ...errors import InputError

    count = int(nvml.nvmlDeviceGetCount())
    uuids = _uuids(nvml, count) if any(not g.isdigit() for g in gpus or ()) else {}
    if gpus is not None:
        found = {g: _resolve(g, count, uuids) for g in gpus}
        unknown = [g for g, i in found.items() if i is None]
        if unknown:
            raise InputError(f"unknown GPU id(s) {', '.join(unknown)}: this machine has {count} NVIDIA GPU(s), "
                             f"indices {', '.join(map(str, range(count))) or 'none'} (UUIDs: see `nvidia-smi -L`)")
        return sorted({i for i in found.values() if i is not None})
    env = os.environ.get("CUDA_VISIBLE_DEVICES")
    if env is None:
        return list(range(count))
    out: list[int] = []
    for raw in env.split(","):
        item = raw.strip()
        if not item.isdigit() and not uuids:
            uuids = _uuids(nvml, count)
        index = _resolve(item, count, uuids) if item else None
        if index is None:
            break  # CUDA ignores every id from the first invalid one
        out.append(index)
    return sorted(set(out))


def discover_nvidia(
    gpus: list[str] | None = None, *, pids: PidsFn | None = None, module: Any | None = None,
    read_budget: float | None = None,
) -> list[NvidiaSensor]:
    """One sensor per visible NVIDIA GPU (``read_budget`` None: :data:`READ_BUDGET`). Raises SensorUnavailable when
    NVML or GPUs are missing, InputError for ``gpus`` ids that match no GPU."""
    nvml = load_nvml(module)
    try:
        indices = visible_indices(nvml, gpus)
    except BaseException:
        NvmlSession(nvml, 1).release()
        raise
    if not indices:
        NvmlSession(nvml, 1).release()
        if gpus is None and os.environ.get("CUDA_VISIBLE_DEVICES") is not None:
            raise SensorUnavailable(f"CUDA_VISIBLE_DEVICES={os.environ['CUDA_VISIBLE_DEVICES']!r} selects no GPU: "
                                    "no GPU measured", code="gpu-hidden")
        raise SensorUnavailable("NVML found no (visible) NVIDIA GPU")
    session = NvmlSession(nvml, len(indices))
    budget = READ_BUDGET if read_budget is None else read_budget
    return [NvidiaSensor(nvml, i, pids=pids, session=session, read_budget=budget) for i in indices]
