"""Spread a coarse energy counter's increments over the sampling intervals, in proportion to power.

NVML's energy counter on recent GPUs changes only every few tens of milliseconds. Sampled at 10 Hz, its per-interval
deltas are lumpy (0 J, then twice the energy), which would give a request active in one interval nothing and the
next one double. For the per-interval feed (per-request attribution), the tracker therefore holds a device's
intervals until its counter moves, then splits the counter's increment over the held intervals in proportion to
their power-integrated energy. The sum of what is emitted equals the counter's total (exactly, up to float
rounding); the shape follows the power readings. Intervals are held at most ``hold_max_s``; past that they are
emitted with their power-integrated energy and the next counter increment is reduced by as much.
"""

from __future__ import annotations

#: The longest a device's intervals wait for its counter to move before being emitted from power readings (s).
HOLD_MAX_S = 5.0

Interval = tuple[float, float, float]


class CounterSmoother:
    """See the module docstring. Feed it every sampling interval of one device, in time order."""

    def __init__(self, hold_max_s: float = HOLD_MAX_S) -> None:
        self.hold_max_s = hold_max_s
        self._pending: list[Interval] = []
        self._ahead_j = 0.0  # emitted from power readings, not yet covered by the counter

    def push(self, t0: float, t1: float, counter_delta_j: float, power_j: float) -> list[Interval]:
        """Add an interval; return the intervals (start, end, energy J) that are now final."""
        self._pending.append((t0, t1, max(0.0, power_j)))
        if counter_delta_j > 0:
            available = counter_delta_j - self._ahead_j
            if available >= 0:
                self._ahead_j = 0.0
                return self._spread(available)
            self._ahead_j = -available
            return self._spread(0.0)
        if t1 - self._pending[0][0] > self.hold_max_s:
            return self.flush()
        return []

    def flush(self) -> list[Interval]:
        """Emit everything held, with its power-integrated energy (at the end of a run, or after a long hold)."""
        out = self._pending
        self._ahead_j += sum(e for _, _, e in out)
        self._pending = []
        return out

    def _spread(self, energy_j: float) -> list[Interval]:
        held, self._pending = self._pending, []
        weights = [e for _, _, e in held]
        if sum(weights) <= 0:
            weights = [max(0.0, b - a) for a, b, _ in held]
        total = sum(weights)
        if total <= 0:
            weights, total = [1.0] * len(held), float(len(held))
        parts = [energy_j * (w / total) for w in weights]
        parts[-1] = max(0.0, energy_j - sum(parts[:-1]))  # the last one takes the rounding remainder
        return [(a, b, e) for (a, b, _), e in zip(held, parts, strict=True)]
