"""Find the sensors of this machine: real counters first, flagged estimates otherwise.

Order: NVIDIA (NVML) and AMD (amdsmi) GPUs; RAPL package and DRAM zones; if RAPL is missing or unreadable, the
CPU estimate (utilisation x TDP); if no DRAM zone was found, the RAM estimate (W per GB). Each backend that is
unavailable leaves a detail (recorded with the run, not shown); the result carries structured notices
(:class:`aifootprint.notice.Notice`) only where they matter (a CPU-only machine gets none about missing GPU
libraries: the result's one ``estimated`` notice says which figures are estimates, and the detail
``no-energy-counter`` records why), ``gpu-unreadable`` (an NVIDIA
device exists but NVML cannot be used), ``rapl-permission`` (with the fix), ``gpus-ignored``, ``cpu-tdp-default``
/ ``cpu-tdp-approximate``, ``simulated``. Code acts on ``.code``, never on the message.

``backend="fake"`` (CLI ``--sensors fake`` or ``AIFOOTPRINT_SENSORS=fake``) returns the documented fake node of
:mod:`.fake`; ``backend="estimate"`` skips the counters and uses only the estimates.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ...notice import Notice
from .base import SensorUnavailable

TYPE_CHECKING = False  # typing is not imported at run time (`aifootprint measure` never needs it)
if TYPE_CHECKING:
    from typing import Any

    from .base import Sensor
    from .cpu_fallback import CpuTdp

#: Environment variable choosing the NVML binding: unset or ``ctypes``, this package's (:mod:`.nvml`, the driver's
#: library only); ``pynvml``, nvidia-ml-py (extra ``aifootprint[nvidia]``).
ENV_BINDING = "AIFOOTPRINT_NVML"


def nvml_binding() -> str:
    """The NVML binding ``$AIFOOTPRINT_NVML`` names (``ctypes`` when unset); anything else is an InputError."""
    choice = os.environ.get(ENV_BINDING, "").strip().lower() or "ctypes"
    if choice not in ("ctypes", "pynvml"):
        from ...errors import InputError

        raise InputError(f"{ENV_BINDING}={choice!r} is not an NVML binding; accepted: ctypes (default), pynvml")
    return choice


BACKENDS = ("auto", "fake", "estimate")
ENV_BACKEND = "AIFOOTPRINT_SENSORS"
#: Short citation of the Green Algorithms figures used by the estimates.
GA_CITATION = "Lannelongue et al. 2021, Green Algorithms data v3.0 (CC-BY-4.0)"


@dataclass(frozen=True)
class SensorConfig:
    """Where and how to look for sensors. Roots are injectable for tests."""

    backend: str | None = None  # None: $AIFOOTPRINT_SENSORS, else "auto"
    gpus: tuple[str, ...] | None = None
    powercap_root: str = "/sys/class/powercap"
    proc_root: str = "/proc"
    cpu_tdp_w: float | None = None
    ram_gb: float | None = None
    dev_root: str = "/dev"
    #: Share of one core each costly NVML query may use (None: ``nvidia.READ_BUDGET``, 0.05 %; 0: read the energy
    #: counter and the process share at every sample, whatever they cost). See :mod:`.nvidia`, "Read budget".
    nvml_read_budget: float | None = None

    def __post_init__(self) -> None:
        b = self.nvml_read_budget
        if b is not None and (isinstance(b, bool) or not isinstance(b, (int, float)) or not 0.0 <= b <= 1.0):
            raise ValueError(f"nvml_read_budget must be a share of one core, 0 to 1, got {self.nvml_read_budget!r}")


@dataclass
class Discovery:
    """The sensors found; ``notes`` for the result, ``details`` (why each backend is unusable) for the record."""

    sensors: list[Sensor] = field(default_factory=list)
    notes: list[Notice] = field(default_factory=list)
    hints: list[Notice] = field(default_factory=list)  # one-line fixes the user should see now (RAPL permission)
    details: list[Notice] = field(default_factory=list)  # backend-unavailable: stored with the run, not shown
    assumptions: list[tuple[str, float, str, str]] = field(default_factory=list)  # (name, value, unit, source)
    #: Opens the GPUs when :func:`discover` left them for later (``gpus_later``); None otherwise.
    gpus_later: Callable[[], Discovery] | None = None

    def has(self, code: str) -> bool:
        return any(n.code == code for n in (*self.notes, *self.details))


#: Device nodes without which a GPU library cannot work: NVIDIA (``nvidia0``..., ``nvidiactl``; WSL2: ``dxg``) and
#: AMD ROCm (``kfd``, the compute interface amdsmi's GPUs sit behind).
NVIDIA_NODES = ("nvidiactl", "dxg")
AMD_NODES = ("kfd",)


def _nodes(dev_root: str, names: tuple[str, ...]) -> bool:
    return any(os.path.exists(os.path.join(dev_root, n)) for n in names) or (
        "nvidiactl" in names and nvidia_gpu_present(dev_root))


def nvidia_gpu_present(dev_root: str = "/dev") -> bool:
    """True when an NVIDIA device node exists (``/dev/nvidia0``...), whether or not NVML can be used."""
    try:
        return any(n.startswith("nvidia") and n[6:].isdigit() for n in os.listdir(dev_root))
    except OSError:
        return False


def resolve_backend(backend: str | None) -> str:
    """The backend to use: ``backend``, else ``$AIFOOTPRINT_SENSORS``, else ``auto``."""
    from ...errors import unknown_choice

    chosen = (backend or os.environ.get(ENV_BACKEND) or "auto").strip().lower()
    if chosen not in BACKENDS:
        raise unknown_choice("sensor backend", chosen, BACKENDS)
    return chosen


def cpu_tdp(config: SensorConfig) -> tuple[float, str]:
    """CPU TDP in W and its source: the user's value, else this CPU model's entry in the ``cpus`` table, else the
    Green Algorithms default of 12 W per physical core (see :func:`.cpu_fallback.lookup_cpu_tdp`)."""
    from .tdpcache import cached_cpu_tdp

    if config.cpu_tdp_w is not None:
        return config.cpu_tdp_w, "user input"
    found = cached_cpu_tdp(config.proc_root)
    return found.tdp_w, found.source


def discover(
    config: SensorConfig | None = None,
    *,
    pids: Callable[[], set[int]] | None = None,
    clock: Callable[[], float] | None = None,
    gpus_later: bool = False,
    nvml: Any | None = None,
    gpu_reader: str = "thread",
    hz: float = 10.0,
    open_timeout_s: float = 30.0,
    reader_command: Sequence[str] | None = None,
) -> Discovery:
    """Open every usable sensor. Never raises for a missing backend: it leaves a note instead.

    ``gpus_later``: where opening the GPUs means loading a GPU library (backend ``auto``, GPUs not named, an NVIDIA
    device node present), leave that part to the caller: the CPU and RAM sensors are opened now and
    :attr:`Discovery.gpus_later` opens the GPUs (the tracker calls it on a thread of its own, so that ``start()``
    never waits for loading and initialising NVML: with pynvml, 53-57 ms of ``start()`` on an H200; 1-3 s per GPU
    where the driver must initialise them, NVIDIA, Driver Persistence, Overview). Named GPUs are opened now: an id
    that matches no GPU must fail ``start()``.
    ``nvml``: the NVML binding to use (tests: a fake; None: the one ``$AIFOOTPRINT_NVML`` names,
    :func:`nvml_binding`). ``gpu_reader="process"`` opens the GPUs in a child process that reads them ``hz`` times a
    second (:mod:`.gpuproc`; waiting at most ``open_timeout_s`` for it to open them; ``reader_command`` starts it,
    None: this interpreter) where a GPU device node exists or GPUs are named (``nvml`` given: in this process).
    ``gpu_reader="auto"``: the child where an NVIDIA device node exists and this interpreter can start it, else
    this process; a child that fails to start is replaced by this process's reader at once
    (:mod:`.readerchoice`)."""
    cfg = config or SensorConfig()
    backend = resolve_backend(cfg.backend)
    found = Discovery()
    if backend == "fake":
        from .fake import fake_node

        _check_fake_gpus(cfg.gpus)
        found.sensors.extend(fake_node(clock))
        found.notes.append(Notice("simulated", "fake sensors (AIFOOTPRINT_SENSORS=fake): these are not "
                                  "measurements of this machine"))
        return found
    if backend == "auto":
        reader = (gpu_reader, hz, open_timeout_s, tuple(reader_command) if reader_command else None) \
            if gpu_reader in ("process", "auto") else None
        if gpus_later and cfg.gpus is None and (_nodes(cfg.dev_root, NVIDIA_NODES) or _remote(cfg, nvml, reader)):
            if nvml is None:
                nvml_binding()  # a bad $AIFOOTPRINT_NVML is an InputError now, in start(), not on the GPUs' thread
            _host(cfg, found, True, gpus_pending=True)
            found.gpus_later = functools.partial(_open_gpus_later, cfg, pids, nvml, found, reader)
            return found
        _gpu_part(cfg, found, pids, nvml, reader)
    elif cfg.gpus:
        found.notes.append(Notice("gpus-ignored", f"--gpus {','.join(cfg.gpus)} ignored: the estimate backend "
                                  "measures no GPU", "gpu"))
    _host(cfg, found, backend == "auto")
    return found


#: The reader child's settings: ``process`` or ``auto``, sampling rate [Hz], how long to wait for it to open the
#: GPUs [s], its command (None: this interpreter); None: the GPUs are read in this process. (A tuple: start()
#: creates no class for it.)
ReaderSpec = tuple[str, float, float, tuple[str, ...] | None]


def _remote(cfg: SensorConfig, nvml: Any | None, reader: ReaderSpec | None) -> bool:
    """True when the GPUs are to be opened by the reader child: a ``process`` reader, no NVML module given, and GPUs
    named or a GPU device node present (a CPU-only machine starts no child); ``auto``: no NVML module given and an
    NVIDIA device node present (:mod:`.readerchoice`)."""
    if reader is None or nvml is not None:
        return False
    if reader[0] == "auto":
        return _nodes(cfg.dev_root, NVIDIA_NODES)
    return cfg.gpus is not None or _nodes(cfg.dev_root, NVIDIA_NODES) or _nodes(cfg.dev_root, AMD_NODES)


def _gpu_part(cfg: SensorConfig, found: Discovery, pids: Callable[[], set[int]] | None, nvml: Any | None,
              reader: ReaderSpec | None) -> None:
    """Open the GPUs into ``found``: in this process (:func:`open_gpus`), or by the reader child; ``auto`` chooses
    and records its choice (:mod:`.readerchoice`)."""
    if reader is None or not _remote(cfg, nvml, reader):
        open_gpus(cfg, found, pids, nvml)
        if reader is not None and reader[0] == "auto" and nvml is None and _has_gpu(found):
            found.details.append(Notice("gpu-reader-thread", "GPUs read in this process (gpu_reader=auto): no "
                                        "NVIDIA device node (the reader process is chosen for NVIDIA GPUs only)",
                                        "gpu"))
        return
    kind, hz, timeout_s, command = reader
    if kind != "auto":
        failure = _launch(cfg, found, pids, ("process", hz, timeout_s, command, None))
        if failure is not None and not found.has("gpu-reader-failed"):  # (open_remote_gpus flags its own failures)
            notice = Notice("gpu-reader-failed", f"{failure}: GPU energy is NOT included in this measurement", "gpu")
            found.notes.append(notice)
            found.hints.append(notice)
        return
    from .readerchoice import interpreter_problem

    problem = None if command else interpreter_problem()
    if problem is not None:
        open_gpus(cfg, found, pids, nvml)
        if _has_gpu(found):  # a reader is recorded where GPUs are read (as below)
            found.details.append(Notice("gpu-reader-thread", f"GPUs read in this process (gpu_reader=auto): "
                                        f"{problem}", "gpu"))
        return
    # half the opening bound for the child to start answering (the other half is left to this process's reader if
    # it fails); a child that started is waited for the whole bound while it opens the GPUs (this process's reader
    # would wait as long for a slow nvmlInit)
    failure = _launch(cfg, found, pids, ("auto", hz, timeout_s, command, timeout_s / 2))
    if failure is None:
        if not _has_gpu(found):  # none readable (hidden, NVML unusable: the child's notices say so): no reader used
            return
        why = "the reader command given" if command else f"{sys.executable} is a standalone Python interpreter"
        found.details.append(Notice("gpu-reader-process", "GPUs read by a child process (gpu_reader=auto): an "
                                    f"NVIDIA device node exists and {why}; NVML's memory and calls stay out of this "
                                    "process", "gpu"))
        return
    open_gpus(cfg, found, pids, nvml)
    found.notes.append(Notice("gpu-reader-fallback", f"{failure}: the GPUs are read in this process instead "
                              "(gpu_reader=auto; NVML's memory and read cost are this process's)", "gpu"))
    if _has_gpu(found):
        found.details.append(Notice("gpu-reader-thread", "GPUs read in this process (gpu_reader=auto): the "
                                    "reader process failed (notice gpu-reader-fallback)", "gpu"))


def _launch(cfg: SensorConfig, found: Discovery, pids: Callable[[], set[int]] | None,
            reader: tuple[str, float, float, tuple[str, ...] | None, float | None]) -> str | None:
    """Start the reader child (:func:`.gpulaunch.open_remote_gpus` with ``GpuReader(*reader)``); returns None, or
    why it failed. Where the launch itself raises (a module of the user's, ``select.py`` or ``struct.py`` in the
    script's directory, shadows the standard library's module the launch imports), that is the failure, naming
    the shadowing files (:func:`.readerchoice.shadowed_stdlib`): ``auto`` then reads the GPUs in this process
    (it lost them, with an opaque ``sampler-error``). Bad input (an unknown ``--gpus`` id) still raises."""
    from ...errors import InputError

    try:
        from .gpulaunch import open_remote_gpus
        from .gpuproc import GpuReader

        return open_remote_gpus(cfg, found, pids, GpuReader(*reader))
    except InputError:
        raise
    except Exception as exc:
        from .readerchoice import shadowed_stdlib

        shadows = shadowed_stdlib()
        why = f" ({', '.join(shadows)} shadowing the standard library's)" if shadows else ""
        return f"the GPU reader process could not be started: {type(exc).__name__}: {exc}{why}"


def _has_gpu(found: Discovery) -> bool:
    return any(s.component == "gpu" for s in found.sensors)


def open_gpus(cfg: SensorConfig, found: Discovery, pids: Callable[[], set[int]] | None, nvml: Any | None) -> None:
    """Open the GPUs into ``found``: NVIDIA (NVML), else AMD (amdsmi), with the notices of what cannot be read
    (in this process; the reader child of :mod:`.gpuproc` calls it too)."""
    gpus = list(cfg.gpus) if cfg.gpus is not None else None
    # a GPU library is only loaded where its driver's device nodes exist (or GPUs were named): a CPU-only machine
    # must not pay for loading and initialising NVML
    if gpus is not None or _nodes(cfg.dev_root, NVIDIA_NODES):
        _try(found, lambda: _nvidia(gpus, pids, cfg.nvml_read_budget, nvml))
    else:
        found.details.append(Notice("backend-unavailable", f"no NVIDIA device node in {cfg.dev_root}"))
    if not any(s.component == "gpu" for s in found.sensors) and _nodes(cfg.dev_root, AMD_NODES):
        _try(found, _amd)
        if gpus and any(s.component == "gpu" for s in found.sensors):
            found.notes.append(Notice("gpus-ignored", f"--gpus {','.join(gpus)} applies to NVIDIA GPUs only: "
                                      "every AMD GPU is measured", "gpu"))
    hidden = found.has("gpu-hidden")  # CUDA_VISIBLE_DEVICES="" or -1: on purpose
    if not any(s.component == "gpu" for s in found.sensors) and nvidia_gpu_present(cfg.dev_root) and not hidden:
        why = "; ".join(n.message for n in found.details if n.code == "backend-unavailable") or "NVML unusable"
        hint = Notice("gpu-unreadable", f"an NVIDIA GPU is present but cannot be read ({why}): GPU energy is NOT "
                      "included in this measurement", "gpu")
        found.notes.append(hint)
        found.hints.append(hint)
    elif gpus and not any(s.component == "gpu" for s in found.sensors):  # named GPUs, none readable: say so
        found.notes.append(Notice("gpus-ignored", f"--gpus {','.join(gpus)} ignored: no NVIDIA GPU can be read "
                                  "on this machine (no driver or NVML library): no GPU is measured", "gpu"))


def _host(cfg: SensorConfig, found: Discovery, counters: bool, gpus_pending: bool = False) -> None:
    """Open the CPU and RAM sensors into ``found``: RAPL zones when ``counters``, else (or where missing) the
    estimates. ``gpus_pending``: the GPUs are opened later (the ``no-energy-counter`` detail is theirs to add)."""
    if counters:
        _try(found, lambda: _rapl(cfg.powercap_root))
        if not gpus_pending:
            found.details.extend(_no_counter_detail(found.sensors, found.details))
    if not any(s.component == "cpu" for s in found.sensors):
        _try(found, lambda: [_cpu_estimate(cfg, found)])
    if not any(s.component == "ram" for s in found.sensors):
        _try(found, lambda: [_ram_estimate(cfg, found)])


def _no_counter_detail(sensors: list[Sensor], details: list[Notice]) -> list[Notice]:
    """The ``no-energy-counter`` detail (why no GPU or CPU counter is read) when none is; the result already says
    which figures are estimates (notice ``estimated``): why is for the record."""
    if any(s.component in ("gpu", "cpu") and not s.estimated for s in sensors):
        return []
    return [Notice("no-energy-counter", "no energy counter is readable on this machine: "
                   + "; ".join(n.message for n in details))]


def _open_gpus_later(cfg: SensorConfig, pids: Callable[[], set[int]] | None, nvml: Any | None,
                     host: Discovery, reader: ReaderSpec | None = None) -> Discovery:
    """The GPU part of a discovery whose host part is ``host`` (see :func:`discover`, ``gpus_later``): the GPU
    sensors and what they add to the notes, details and hints."""
    found = Discovery()
    _gpu_part(cfg, found, pids, nvml, reader)
    found.details.extend(_no_counter_detail([*host.sensors, *found.sensors], [*host.details, *found.details]))
    return found


def _check_fake_gpus(gpus: tuple[str, ...] | None) -> None:
    """The fake node has one GPU, index 0: any other ``--gpus`` id is an InputError, as on a real machine."""
    from ...errors import InputError

    unknown = [g for g in gpus or () if g != "0"]
    if unknown:
        raise InputError(f"unknown GPU id(s) {', '.join(unknown)}: the fake node has 1 GPU, index 0")


def _try(found: Discovery, opener: Callable[[], list[Sensor]]) -> None:
    """Add a backend's sensors; a missing backend leaves a note. Bad user input (InputError) propagates."""
    from ...errors import InputError

    try:
        found.sensors.extend(opener())
    except InputError:
        raise
    except SensorUnavailable as exc:
        if exc.hint:
            notice = Notice(exc.code, exc.hint)
            found.notes.append(notice)
            found.hints.append(notice)
        else:  # a missing library or device says nothing about the result: recorded, not shown
            (found.details if exc.code == "backend-unavailable" else found.notes).append(Notice(exc.code, str(exc)))
    except (OSError, ValueError, RuntimeError) as exc:
        found.notes.append(Notice("backend-failed", f"sensor backend failed to open: {exc}"))


def _nvidia(gpus: list[str] | None, pids: Callable[[], set[int]] | None, budget: float | None,
            nvml: Any | None = None) -> list[Sensor]:
    from .nvidia import discover_nvidia

    return list(discover_nvidia(gpus, pids=pids, read_budget=budget, module=nvml))


def _amd() -> list[Sensor]:
    from .amd import discover_amd

    return list(discover_amd())


def _rapl(root: str) -> list[Sensor]:
    from .rapl import discover_rapl

    return list(discover_rapl(root))


def _cpu_estimate(cfg: SensorConfig, found: Discovery) -> Sensor:
    """The CPU estimate; without ``cpu_tdp_w`` the TDP is looked up on the sensor's first read (cached per machine,
    :mod:`.tdpcache`), and the sensor then carries the ``cpu_tdp`` assumption and any ``cpu-tdp-*`` notice."""
    from .cpu_fallback import CpuEstimateSensor

    if cfg.cpu_tdp_w is None:
        proc_root = cfg.proc_root

        def lookup() -> CpuTdp:
            from .tdpcache import cached_cpu_tdp

            return cached_cpu_tdp(proc_root)

        return CpuEstimateSensor(lookup, proc_root=proc_root)
    found.assumptions.append(("cpu_tdp", cfg.cpu_tdp_w, "W", "user input"))
    return CpuEstimateSensor(cfg.cpu_tdp_w, proc_root=cfg.proc_root, tdp_source="user input")


def _ram_estimate(cfg: SensorConfig, found: Discovery) -> Sensor:
    from .ram import RAM_W_PER_GB, RamEstimateSensor, total_memory_gb

    memory_gb = cfg.ram_gb if cfg.ram_gb is not None else total_memory_gb(cfg.proc_root)
    found.assumptions.append(("ram_power_per_gb", RAM_W_PER_GB, "W/GB", f"Green Algorithms memoryPower, {GA_CITATION}"))
    found.assumptions.append(("ram_size", memory_gb, "GB", "user input" if cfg.ram_gb is not None else "MemTotal"))
    return RamEstimateSensor(memory_gb)
