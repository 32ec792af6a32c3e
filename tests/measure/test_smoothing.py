"""Coarse counters: per-interval energies follow power, and their sum is the counter's total."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.measure.sensors.fake import FakeOptions, FakeSensor
from aifootprint.measure.smoothing import CounterSmoother
from aifootprint.measure.tracker import Tracker, TrackerConfig

from .conftest import ManualClock


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.floats(0.0, 1e4), st.floats(0.0, 1e4)), min_size=1, max_size=60))
def test_emitted_energy_equals_counter_total(steps: list[tuple[float, float]]) -> None:
    """Property: once the counter has moved last, everything emitted sums to the counter's increments."""
    smoother = CounterSmoother(hold_max_s=math.inf)
    emitted = []
    steps = [*steps, (1.0, 1.0)]  # the counter moves at the end
    for i, (counter_delta, power_j) in enumerate(steps):
        emitted += smoother.push(float(i), float(i + 1), counter_delta, power_j)
    assert math.fsum(e for _, _, e in emitted) == pytest.approx(math.fsum(c for c, _ in steps), rel=1e-9, abs=1e-9)
    assert [(a, b) for a, b, _ in emitted] == [(float(i), float(i + 1)) for i in range(len(steps))]
    assert all(e >= 0 for _, _, e in emitted)


def test_long_hold_is_emitted_from_power_and_repaid() -> None:
    smoother = CounterSmoother(hold_max_s=1.0)
    out = smoother.push(0.0, 0.6, 0.0, 6.0) + smoother.push(0.6, 1.2, 0.0, 6.0)  # held > 1 s: emitted from power
    assert [e for _, _, e in out] == [6.0, 6.0]
    out = smoother.push(1.2, 1.8, 20.0, 6.0)  # 20 J counted: 12 were already emitted, 8 remain
    assert [e for _, _, e in out] == [8.0]


def test_tracker_feed_is_smooth_on_a_coarse_counter(clock: ManualClock) -> None:
    """Counter updates every 100 ms, samples every 100 ms at another phase: raw deltas alternate 0 / 2x."""
    opts = FakeOptions(counter_update_s=0.1)
    gpu = FakeSensor("gpu:0", "gpu", 250.0, clock=clock, options=opts)
    tracker = Tracker(TrackerConfig(background=False, store=False), sensors=[gpu], clock=clock).start()
    feed: list[tuple[float, float, float]] = []
    tracker.add_interval_listener(lambda a, b, e: feed.append((a, b, e)))
    clock.advance(0.05)
    for _ in range(50):
        clock.advance(0.1)
        tracker.sample()
    result = tracker.stop()
    middle = [e for _, _, e in feed[2:-2]]
    assert middle and all(e == pytest.approx(25.0, rel=1e-6) for e in middle)  # 250 W x 0.1 s each, not 0 / 50
    assert math.fsum(e for _, _, e in feed) == pytest.approx(result.energy_j, abs=25.0)
