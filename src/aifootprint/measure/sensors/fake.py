"""A scriptable fake sensor: a public, documented backend for tests, demos and CI without hardware.

Select it from the CLI with ``--sensors fake`` or ``AIFOOTPRINT_SENSORS=fake``: the tracker then measures a fake
node (one GPU at 300 W, one CPU package at 60 W, RAM at 10 W, all with energy counters) instead of the real
devices. In Python, build :class:`FakeSensor` objects directly to script a power profile and failures:

- ``power_w``: a constant, or a list of ``(duration_s, power_w)`` segments (the last one lasts forever);
- ``has_counter`` / ``has_power``: which quantities the device exposes (a pre-Volta GPU: counter off);
- ``counter_update_s``: the counter only changes every so often (NVML on recent GPUs: tens of ms);
- ``wrap_j``: the raw counter wraps at this value (like RAPL ``max_energy_range_uj``);
- ``fail_between``: ``(start_s, end_s)`` relative to creation during which reads raise :class:`SensorError`
  (``end_s = inf``: the device never comes back);
- ``clock``: an injectable clock (defaults to ``time.monotonic``) so tests are deterministic.

Fake readings are flagged ``method="fake"`` and, unless ``estimated`` is given, ``estimated=False`` (so the tracker's
measured and estimated paths can both be scripted). Their footprint is never passed off as a measurement:
:func:`aifootprint.measure.footprint.footprint` marks every ``fake`` figure ``simulated: true`` (and the result
``estimated: true``) and adds the fake-sensor warning.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .base import Component, CounterUnwrapper, Reading, SensorError

Clock = Callable[[], float]


class FakeSensor:
    """A device whose power follows a script. See the module docstring."""

    def __init__(
        self,
        device: str = "gpu:0",
        component: Component = "gpu",
        power_w: float | Sequence[tuple[float, float]] = 300.0,
        *,
        clock: Clock | None = None,
        options: FakeOptions | None = None,
    ) -> None:
        opts = options or FakeOptions()
        self.device = device
        self.physical_id = opts.physical_id or f"fake:{device}"
        self.component: Component = component
        self.method = opts.method
        self.label = f"fake {component.upper()} ({device})"
        self.estimated = opts.estimated
        self._clock: Clock = clock or time.monotonic
        if isinstance(power_w, int | float):
            self._segments = [(math.inf, float(power_w))]
        else:
            self._segments = [(float(d), float(p)) for d, p in power_w]
        if not self._segments:
            raise ValueError("power_w needs at least one segment")
        self._opts = opts
        self._t0 = self._clock()
        # the plain case (one constant power, an exact counter, no scripted failure; the fake node): a read is one
        # product, as cheap as a RAPL file read (benchmarks/tracker_overhead.py prints both per-read costs)
        plain = (len(self._segments) == 1 and opts.has_counter and opts.has_power and not opts.counter_update_s
                 and not opts.wrap_j and opts.fail_between[0] == math.inf)
        self._plain_w = self._segments[0][1] if plain else None
        self._unwrap: CounterUnwrapper | None = None
        self.reads = 0
        self.closed = False

    @property
    def counter_update_s(self) -> float | None:
        return self._opts.counter_update_s if self._opts.has_counter else None

    # -- the script -------------------------------------------------------------------------------------------
    def power_at(self, elapsed_s: float) -> float:
        """Scripted power at ``elapsed_s`` seconds after creation."""
        start = 0.0
        for duration, power in self._segments:
            if elapsed_s < start + duration:
                return power
            start += duration
        return self._segments[-1][1]

    def energy_between(self, a_s: float, b_s: float) -> float:
        """Exact scripted energy (J) between two elapsed times."""
        total, start = 0.0, 0.0
        for i, (duration, power) in enumerate(self._segments):
            end = math.inf if i == len(self._segments) - 1 else start + duration
            lo, hi = max(a_s, start), min(b_s, end)
            if hi > lo:
                total += (hi - lo) * power
            start = end
            if start >= b_s:
                break
        return total

    def _raw_counter(self, elapsed_s: float) -> float:
        update = self._opts.counter_update_s
        seen = math.floor(elapsed_s / update) * update if update else elapsed_s
        energy = self.energy_between(0.0, seen) + self._opts.counter_offset_j
        return energy % self._opts.wrap_j if self._opts.wrap_j else energy

    # -- Sensor protocol --------------------------------------------------------------------------------------
    def read(self) -> Reading:
        elapsed = self._clock() - self._t0
        self.reads += 1
        watts = self._plain_w
        if watts is not None:  # the counter since creation is exactly the power x the time
            return Reading(watts * elapsed, watts, self._opts.process_fraction)
        lo, hi = self._opts.fail_between
        if lo <= elapsed < hi:
            raise SensorError(f"{self.device}: injected failure at t={elapsed:.3f} s")
        energy: float | None = None
        if self._opts.has_counter:
            raw = self._raw_counter(elapsed)
            if self._unwrap is None:
                first = self._raw_counter(0.0)
                self._unwrap = CounterUnwrapper(first, self._opts.wrap_j)
            energy = self._unwrap.update(raw)
        power = self.power_at(elapsed) if self._opts.has_power else None
        return Reading(energy, power, self._opts.process_fraction)  # positional: no keyword dict per read

    def close(self) -> None:
        self.closed = True


@dataclass(frozen=True)
class FakeOptions:
    """Knobs of :class:`FakeSensor` (see the module docstring)."""

    has_counter: bool = True
    has_power: bool = True
    counter_update_s: float | None = None
    wrap_j: float | None = None
    counter_offset_j: float = 0.0
    fail_between: tuple[float, float] = (math.inf, math.inf)
    process_fraction: float | None = None
    estimated: bool = False
    method: str = "fake"
    physical_id: str | None = None


#: The fake node used by ``--sensors fake`` (documented in docs/measure.md): watts per device.
FAKE_NODE_W: dict[str, tuple[Component, float]] = {
    "gpu:0": ("gpu", 300.0),
    "cpu:package-0": ("cpu", 60.0),
    "ram": ("ram", 10.0),
}


def fake_node(clock: Clock | None = None) -> list[FakeSensor]:
    """The sensors of the documented fake node (GPU 300 W, CPU 60 W, RAM 10 W, all constant, with counters)."""
    return [FakeSensor(dev, comp, watts, clock=clock) for dev, (comp, watts) in FAKE_NODE_W.items()]
