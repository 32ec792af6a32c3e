"""Settings of a :class:`~aifootprint.measure.tracker.Tracker` (kept apart from the tracker so that importing
the tracker does not import :mod:`dataclasses`: ``from aifootprint.measure import Tracker`` stays cheap)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

TYPE_CHECKING = False  # typing is not imported at run time (`aifootprint measure` never needs it)
if TYPE_CHECKING:
    from typing import Any, Literal

    from .sensors.discovery import SensorConfig


#: Default ``TrackerConfig.request_max_open_s`` [s] (see its docstring): a design bound, not a measured figure.
REQUEST_MAX_OPEN_S = 3600.0


@dataclass(frozen=True)
class TrackerConfig:
    """Settings of a :class:`Tracker` (all optional).

    ``hz``: sampling rate of the background thread (default 10 Hz; a sensor whose reading changes more slowly, as
    its ``refresh_s`` says, is read at that period, see :func:`.devicetrack.read_period`). ``store``: write the run
    to the run store (``store_path``, else the default path of :mod:`.store`). ``flush_s``: the longest time
    samples wait in memory before reaching the store (at most 1 s: a killed process loses at most that, plus the
    lateness of the writing tick). The store is written at the last tick before ``flush_s`` has passed since the
    previous write (:meth:`.sampling.Sampling._loop`); the default 0.8 s keeps a kill's loss within issue 12's
    one-second bound with 0.2 s of room for a late tick, at 1.25 commits a second (~0.35 ms of CPU each on the
    project's VM; 0.5 s cost ~0.03 % of a core more, benchmarks/tracker_overhead.py). Sensors read less often than
    ``hz``, the estimates, are read at every write.
    ``sensor_timeout_s``: how long a window boundary or a tick waits for one sensor
    read before recording a gap (default 0.25 s: a slow sensor must not stall the workload, issue 12; a healthy NVML or
    RAPL read is a file or library call far shorter than that, so it trips on a hung sensor only).
    ``gpu_open_timeout_s``: how long ``stop()`` waits for GPUs still being opened on their own thread (background
    mode; past it the run ends without them, ``gpus-not-opened``). Default 30 s, a design bound: ``nvmlInit``
    takes tens of milliseconds on a GPU kept initialised (persistence mode); otherwise each GPU is initialised
    first, "order of 1-3 second startup cost per GPU due to ECC scrubbing" (NVIDIA, Driver Persistence, Overview,
    docs.nvidia.com/deploy/driver-persistence/overview.html).
    ``gpu_reader``: where the GPUs are read: ``"thread"``, in this process by the sampler thread; ``"process"``, by
    a child process that loads the GPU library and publishes its readings in shared memory, so that the library's
    memory and read cost leave the measured process (:mod:`.sensors.gpuproc`; on an H200 the workload's +RSS was
    3.96 MiB instead of 22.4, docs/measure.md); a child that cannot start, dies or hangs is a gap, flagged
    ``gpu-reader-failed``. ``"auto"`` (default): ``process`` where an NVIDIA device node exists and this process is
    a standalone Python interpreter, else ``thread``; a child that fails to start is replaced by the in-process
    reader at once (notice ``gpu-reader-fallback``); the choice is recorded with the run
    (:mod:`.sensors.readerchoice`). The ``measure`` CLI passes ``thread`` unless told otherwise (its own process is
    not the workload).
    ``request_max_open_s``: the longest a request of :meth:`Tracker.requests` may stay open (started, not ended)
    before the attributor closes it at ``start + request_max_open_s``, flagged unfinished with the notice
    ``request-open-too-long`` (:mod:`.attribution`). A request never ended (a server's error path that forgets
    ``end()``) otherwise holds every later interval and ended request until ``stop()``: the queue grows by ``hz``
    intervals a second. Default 3600 s, a design bound, not a measured figure: an hour is far past one generation
    request of a serving process (one request streaming longer should be marked as several), and it bounds the
    queue at ``hz x 3600`` intervals (36,000 at 10 Hz, a few MB). Must be > 0.
    ``job_id``/``lease_dir``: see
    :mod:`.leases`. ``location``, ``command`` and ``site`` (explicit site factors: ``operator``, ``pue``,
    ``wue_l_per_kwh``, ``ewif_l_per_kwh``, ``intensity_g_per_kwh``; reused by ``runs show``) are recorded with the run.
    """

    hz: float = 10.0
    name: str = "run"
    sensors: SensorConfig = field(default_factory=lambda: _sensor_config())
    store: bool = True
    store_path: str | None = None
    flush_s: float = 0.8
    job_id: str | None = None
    lease_dir: str | None = None
    location: str | None = None
    command: str = ""
    background: bool = True
    site: tuple[tuple[str, float | str], ...] = ()
    sensor_timeout_s: float = 0.25
    gpu_open_timeout_s: float = 30.0
    gpu_reader: Literal["auto", "thread", "process"] = "auto"
    request_max_open_s: float = REQUEST_MAX_OPEN_S

    def __post_init__(self) -> None:
        from ..errors import InputError

        if not 0 < self.hz <= 1000:
            raise InputError(f"sampling rate must be in (0, 1000] Hz, got {self.hz}")
        if not 0 < self.flush_s <= 1.0:
            raise InputError(f"flush interval must be in (0, 1] s, got {self.flush_s}")
        if not 0 < self.sensor_timeout_s <= 60:
            raise InputError(f"sensor timeout must be in (0, 60] s, got {self.sensor_timeout_s}")
        if not 0 < self.gpu_open_timeout_s <= 600:
            raise InputError(f"GPU opening timeout must be in (0, 600] s, got {self.gpu_open_timeout_s}")
        if not 0 < self.request_max_open_s < float("inf"):
            raise InputError("request_max_open_s must be a finite number of seconds > 0, got "
                             f"{self.request_max_open_s}")
        if self.gpu_reader not in ("auto", "thread", "process"):
            raise InputError(f"GPU reader {self.gpu_reader!r} is not one; accepted: auto (default), thread, process")

    def to_dict(self) -> dict[str, Any]:
        """The settings as plain values (recorded with the run)."""
        return asdict(self)


def _sensor_config() -> SensorConfig:
    from .sensors.discovery import SensorConfig

    return SensorConfig()
