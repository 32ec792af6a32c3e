"""``@track`` on an ``async def`` function measured the creation of its coroutine (about 0 s and 0 J) instead of
its run, silently; on a generator function it measured nothing either. An async function's window now spans its
awaited run; a generator function is refused at decoration time with what to do instead."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from aifootprint.measure.config import TrackerConfig
from aifootprint.measure.sensors.discovery import SensorConfig
from aifootprint.measure.sensors.fake import FAKE_NODE_W
from aifootprint.measure.tracker import Tracker, track

FAKE = TrackerConfig(name="t", store=False, sensors=SensorConfig(backend="fake"))
RUN_S = 0.3
#: the documented fake node draws a constant 370 W (GPU 300, CPU 60, RAM 10): energy = 370 W x the run
NODE_W = sum(watts for _, watts in FAKE_NODE_W.values())


def test_tracker_window_spans_the_awaited_run() -> None:
    with Tracker(FAKE) as tracker:
        @tracker.track("job")
        async def job() -> str:
            await asyncio.sleep(RUN_S)
            return "done"

        assert asyncio.run(job()) == "done"
    (window,) = tracker.window_results
    assert window.duration_s >= RUN_S * 0.95
    assert window.energy_j == pytest.approx(NODE_W * window.duration_s, rel=0.05)


def test_module_track_measures_the_awaited_run() -> None:
    @track(config=FAKE)
    async def job(x: int) -> int:
        await asyncio.sleep(RUN_S)
        return x + 1

    assert asyncio.run(job(1)) == 2
    measurement = job.last_measurement  # type: ignore[attr-defined]
    assert measurement.duration_s >= RUN_S * 0.95
    assert measurement.energy_j == pytest.approx(NODE_W * measurement.duration_s, rel=0.05)


def test_plain_functions_are_unchanged() -> None:
    @track(config=FAKE)
    def job() -> int:
        return 3

    assert job() == 3 and job.last_measurement.duration_s >= 0  # type: ignore[attr-defined]


def test_generator_functions_are_refused() -> None:
    def rows() -> Iterator[int]:
        yield 1

    async def arows() -> object:
        yield 1

    for func in (rows, arows):
        with pytest.raises(TypeError, match=r"cannot track the generator function .*: calling it runs nothing"):
            track(config=FAKE)(func)
        with Tracker(FAKE) as tracker, pytest.raises(TypeError, match="measure the loop that consumes it"):
            tracker.track()(func)
