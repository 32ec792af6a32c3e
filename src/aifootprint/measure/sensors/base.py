"""The sensor interface shared by every backend (NVIDIA, AMD, RAPL, estimates, fake).

A sensor watches **one physical device or domain** (one GPU, one RAPL package, the DRAM of one package, the
RAM of the machine...) and returns a :class:`Reading` each time it is read. A reading carries either a
cumulative energy counter (``energy_j``, joules since the sensor was opened, wrap already handled), an
instantaneous power (``power_w``), or both; the tracker timestamps them with its own clock. It turns
readings into energy: counter deltas where a counter exists, trapezoidal integration of power samples
otherwise (see :mod:`aifootprint.measure.tracker`).

Sensors never sleep and never spawn processes: a read is a few file reads or library calls, so that sampling at
10 Hz costs well under 0.2 % of one core. A read that fails raises :class:`SensorError` (or any exception); the
tracker records a gap and keeps the workload running. A sensor whose reading cannot change faster than some period
says so with an optional ``refresh_s`` attribute: the tracker then reads it no more often (see
:func:`aifootprint.measure.devicetrack.read_period`).
"""

from __future__ import annotations

import os
from collections import namedtuple

from ..._lazy import lazy_getattr

TYPE_CHECKING = False  # typing is not imported at run time (`aifootprint measure` never needs it)
if TYPE_CHECKING:
    from typing import Literal, NamedTuple

    from .protocol import Sensor as Sensor
    from .protocol import SensorInfo as SensorInfo

    Component = Literal["gpu", "cpu", "ram"]
else:
    Component = str  # a Literal at type-checking time
COMPONENTS: tuple[Component, ...] = ("gpu", "cpu", "ram")


class SensorError(RuntimeError):
    """A sensor could not be read (device gone, driver error, permission change)."""


class SensorUnavailable(RuntimeError):
    """A backend is not usable on this machine (library missing, no device, no permission).

    ``hint`` is one line telling the user how to fix it, shown once; ``code`` is the notice code
    (``backend-unavailable`` unless the cause is more specific, e.g. ``gpu-hidden``, ``rapl-permission``).
    """

    def __init__(self, message: str, hint: str = "", code: str = "backend-unavailable") -> None:
        super().__init__(message)
        self.hint = hint
        self.code = code


if TYPE_CHECKING:

    class _Fields(NamedTuple):
        energy_j: float | None = None
        power_w: float | None = None
        process_fraction: float | None = None
else:
    _Fields = namedtuple("Reading", ("energy_j", "power_w", "process_fraction"), defaults=(None, None, None))


class Reading(_Fields):
    """One read of a sensor (immutable).

    ``energy_j``: cumulative energy in joules since the sensor was opened (None when the device has no counter).
    ``power_w``: instantaneous (or driver-averaged) power in watts (None when not available).
    ``process_fraction``: share of the device used by the tracked processes (NVML process information), or None.

    A named tuple, not a frozen dataclass: built at every tick of the 10 Hz sampler for every device, and a frozen
    dataclass costs a keyword dict (when built with keywords) and one ``object.__setattr__`` call per field (issue 12:
    sampler CPU).
    """

    __slots__ = ()


if TYPE_CHECKING:

    def new_reading(cls: type[Reading], fields: tuple[float | None, float | None, float | None], /) -> Reading:
        """``Reading(*fields)`` (a complete tuple of fields)."""
        ...
else:
    #: ``new_reading(Reading, (energy_j, power_w, process_fraction))``: a :class:`Reading` built without the named
    #: tuple's Python-level ``__new__`` (a counter sensor's read at every 10 Hz tick)
    new_reading = tuple.__new__


def read_text(path: str) -> str:
    """Read a small sysfs/procfs file (no buffering games; raises OSError subclasses untouched)."""
    with open(path, encoding="ascii", errors="replace") as fh:
        return fh.read()


class CounterUnwrapper:
    """Turn a raw wrapping counter (RAPL ``energy_uj``, AMD accumulators) into a cumulative value since start.

    ``max_range`` is the value at which the raw counter wraps back to 0 (RAPL: ``max_energy_range_uj``). A read
    smaller than the previous one is taken as exactly one wrap; reading at least once per wrap period is the
    caller's job (RAPL wraps after ``max_energy_range_uj`` µJ: about 262 kJ, i.e. ~20 min at 200 W, so sampling
    at 1 Hz or more is safe).
    """

    def __init__(self, first_raw: float, max_range: float | None) -> None:
        self._last = first_raw
        self._max = max_range
        self.total = 0.0
        self.wraps = 0

    def update(self, raw: float) -> float:
        """Feed a raw value; return the cumulative increase since the first value."""
        delta = raw - self._last
        if delta < 0:
            if self._max is None or self._max <= 0:
                raise SensorError(f"counter went backwards ({self._last} -> {raw}) and no wrap range is known")
            delta += self._max
            self.wraps += 1
        self._last = raw
        self.total += delta
        return self.total


class PersistentFile:
    """A sysfs/procfs file kept open and re-read with ``pread`` at offset 0.

    Re-opening a file at every sample costs more than reading it (about half of a 10 Hz sampler's time in
    profiling); sysfs and procfs regenerate the content on each read at offset 0, so one descriptor is enough.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = os.open(path, os.O_RDONLY)

    def _descriptor(self) -> int:
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDONLY)
        return self._fd

    def __call__(self, _path: str = "") -> str:
        return os.pread(self._descriptor(), 65536, 0).decode("ascii", "replace")

    def number(self) -> float:
        """The content as a number (a counter such as RAPL's ``energy_uj``): ``float()`` parses the bytes, no
        decode step, no further call while the file is open (read at every 10 Hz tick). ValueError when it is not
        a number."""
        fd = self._fd
        return float(os.pread(fd if fd is not None else self._descriptor(), 64, 0))

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


#: :class:`Sensor` (a typing Protocol) and :class:`SensorInfo` live in :mod:`.protocol`, loaded on first use
__getattr__ = lazy_getattr(__name__, {"Sensor": "protocol", "SensorInfo": "protocol"}, base=__package__)
