"""The GPU-opening thread does not compete with ``start()``: ``Thread.start()`` waits for the new thread to run, and
the new thread then held the GIL through its imports (``sensors.nvidia``, the NVML binding) while ``start()`` waited
to get it back (milliseconds on a loaded machine; ``benchmarks/tracker_overhead.py`` measures ``start()``). The
thread now opens the GPUs only once ``start()`` has let go of the tracker."""

from __future__ import annotations

from typing import Any

from aifootprint.measure.sensors.discovery import Discovery
from aifootprint.measure.tracker import Tracker, TrackerConfig


def test_the_gpus_are_opened_only_once_start_has_returned() -> None:
    """The GPUs' opener (``Discovery.gpus_later``) runs once ``start()`` no longer holds the tracker's lock (was: at
    once, on the thread's first instant, with ``start()`` still inside: its lock held)."""
    seen: list[bool] = []
    trackers: list[Tracker] = []

    def discover(*_: Any, **__: Any) -> Discovery:
        def later() -> Discovery:
            lock = trackers[-1]._lock
            free = lock.acquire(False)
            if free:
                lock.release()
            seen.append(free)
            return Discovery()

        return Discovery(gpus_later=later)

    for _ in range(5):
        trackers.append(Tracker(TrackerConfig(store=False), discover=discover))
        trackers[-1].start()
        assert trackers[-1].wait_open(5.0)
        trackers[-1].stop()
    assert seen == [True] * 5
