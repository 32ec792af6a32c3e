"""Tracker: counters, power integration, coarse counters, nested windows, decorators, mid-run failures."""

from __future__ import annotations

import math
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.errors import InputError
from aifootprint.measure.sensors.base import Reading, SensorError
from aifootprint.measure.sensors.fake import FakeOptions, FakeSensor
from aifootprint.measure.tracker import COARSE_FACTOR, Tracker, TrackerConfig, track

from .conftest import ManualClock

MANUAL = TrackerConfig(background=False, store=False)


def run_for(tracker: Tracker, clock: ManualClock, seconds: float, hz: float = 10.0) -> None:
    for _ in range(round(seconds * hz)):
        clock.advance(1.0 / hz)
        tracker.sample()


def test_counter_device_energy_is_exact(clock: ManualClock) -> None:
    gpu = FakeSensor("gpu:0", "gpu", 300.0, clock=clock)
    tracker = Tracker(MANUAL, sensors=[gpu], clock=clock).start()
    run_for(tracker, clock, 10.0)
    result = tracker.stop()
    assert result.energy_j == pytest.approx(3000.0)
    assert result.duration_s == pytest.approx(10.0)
    assert result.by_component() == {"gpu": pytest.approx(3000.0)}
    assert result.estimated is False


def test_power_only_device_is_integrated_never_zero(clock: ManualClock) -> None:
    """A GPU without an energy counter (mlco2/codecarbon#1316) gets power x time, not 0 kWh."""
    opts = FakeOptions(has_counter=False)
    gpu = FakeSensor("gpu:0", "gpu", [(5.0, 100.0), (math.inf, 300.0)], clock=clock, options=opts)
    tracker = Tracker(MANUAL, sensors=[gpu], clock=clock).start()
    run_for(tracker, clock, 10.0, hz=100.0)
    result = tracker.stop()
    # 5 s x 100 W + 5 s x 300 W = 2000 J; trapezoids miss a power step by at most step x one interval = 2 J
    assert result.energy_j == pytest.approx(2000.0, abs=2.0)
    assert result.energy_kwh == pytest.approx(2000.0 / 3.6e6, rel=1e-3)


def test_short_window_on_coarse_counter_is_not_zero(clock: ManualClock) -> None:
    """The counter moves every 100 ms: a 70 ms window would read 0 J; it is power-integrated instead."""
    opts = FakeOptions(counter_update_s=0.1)
    gpu = FakeSensor("gpu:0", "gpu", 400.0, clock=clock, options=opts)
    tracker = Tracker(MANUAL, sensors=[gpu], clock=clock).start()
    clock.advance(0.01)
    with tracker.window("short") as handle:
        clock.advance(0.07)
    assert handle.result is not None
    (dev,) = handle.result.devices
    assert dev.energy_j == pytest.approx(400.0 * 0.07)
    assert dev.method.endswith("power-integrated")
    assert "counter" in dev.note


def test_long_window_on_coarse_counter_uses_the_counter(clock: ManualClock) -> None:
    gpu = FakeSensor("gpu:0", "gpu", 400.0, clock=clock, options=FakeOptions(counter_update_s=0.1))
    tracker = Tracker(MANUAL, sensors=[gpu], clock=clock).start()
    run_for(tracker, clock, 1.0)  # the sensor learns nothing itself; the fake reports its period
    with tracker.window("long") as handle:
        run_for(tracker, clock, COARSE_FACTOR * 0.1 + 1.0)
    assert handle.result is not None
    (dev,) = handle.result.devices
    assert dev.method == "fake"
    assert dev.energy_j == pytest.approx(400.0 * 2.0, abs=400.0 * 0.1)  # within one update period


def test_nested_windows_add_up(clock: ManualClock) -> None:
    gpu = FakeSensor("gpu:0", "gpu", 100.0, clock=clock)
    tracker = Tracker(MANUAL, sensors=[gpu], clock=clock).start()
    with tracker.window("epoch") as outer:
        with tracker.window("step-1") as a:
            run_for(tracker, clock, 1.0)
        with tracker.window("step-2") as b:
            run_for(tracker, clock, 2.0)
    result = tracker.stop()
    assert a.result is not None and b.result is not None and outer.result is not None
    assert (a.result.energy_j, b.result.energy_j) == (pytest.approx(100.0), pytest.approx(200.0))
    assert outer.result.energy_j == pytest.approx(a.result.energy_j + b.result.energy_j)
    assert result.energy_j == pytest.approx(300.0)
    assert [w.name for w in tracker.window_results] == ["step-1", "step-2", "epoch"]


def test_overlapping_windows_and_errors(clock: ManualClock) -> None:
    gpu = FakeSensor("gpu:0", "gpu", 10.0, clock=clock)
    tracker = Tracker(MANUAL, sensors=[gpu], clock=clock)
    with pytest.raises(RuntimeError):
        tracker.begin_window("x")
    tracker.start()
    tracker.begin_window("a")
    clock.advance(1.0)
    tracker.begin_window("b")
    with pytest.raises(ValueError, match="already open"):
        tracker.begin_window("a")
    clock.advance(1.0)
    assert tracker.end_window("a").energy_j == pytest.approx(20.0)
    clock.advance(1.0)
    assert tracker.end_window("b").energy_j == pytest.approx(20.0)
    with pytest.raises(ValueError, match="no open window"):
        tracker.end_window("b")


def test_method_decorator_and_function_decorator(clock: ManualClock) -> None:
    gpu = FakeSensor("gpu:0", "gpu", 50.0, clock=clock)
    tracker = Tracker(MANUAL, sensors=[gpu], clock=clock).start()

    @tracker.track("infer")
    def infer(x: int) -> int:
        clock.advance(2.0)
        return x * 2

    assert infer(21) == 42
    (res,) = tracker.window_results
    assert res.name.startswith("infer#") and res.energy_j == pytest.approx(100.0)

    @track(config=TrackerConfig(store=False, sensors=TrackerConfig().sensors.__class__(backend="fake")))
    def work() -> str:
        time.sleep(0.2)
        return "done"

    assert work() == "done"
    measured = work.last_measurement  # type: ignore[attr-defined]
    assert measured.by_component().keys() == {"gpu", "cpu", "ram"}
    # the fake node draws 370 W: energy = 370 W x the measured duration
    assert measured.energy_j == pytest.approx(370.0 * measured.duration_s, rel=0.02)  # fakes read their own clock


def test_counter_gap_is_bridged_by_the_counter(clock: ManualClock) -> None:
    """A sensor failing mid-run never interrupts the workload; with a counter no energy is lost."""
    gpu = FakeSensor("gpu:0", "gpu", 200.0, clock=clock, options=FakeOptions(fail_between=(2.0, 3.0)))
    tracker = Tracker(MANUAL, sensors=[gpu], clock=clock).start()
    run_for(tracker, clock, 5.0)
    result = tracker.stop()
    assert result.energy_j == pytest.approx(1000.0)
    (gap,) = result.gaps
    assert gap.bridged == "counter"
    assert gap.start_s == pytest.approx(1.9) and gap.end_s == pytest.approx(3.0)
    assert any(w.code == "sensor-gap" and "bridged by counter" in w.message for w in result.warnings())


def test_power_only_gap_is_interpolated_and_flagged(clock: ManualClock) -> None:
    opts = FakeOptions(has_counter=False, fail_between=(1.0, 2.0))
    gpu = FakeSensor("gpu:0", "gpu", 100.0, clock=clock, options=opts)
    tracker = Tracker(MANUAL, sensors=[gpu], clock=clock).start()
    run_for(tracker, clock, 3.0)
    result = tracker.stop()
    assert result.energy_j == pytest.approx(300.0)
    assert result.gaps[0].bridged == "interpolated"
    assert result.estimated is True


def test_sensor_that_never_recovers_is_reported_lost(clock: ManualClock) -> None:
    gpu = FakeSensor("gpu:0", "gpu", 100.0, clock=clock, options=FakeOptions(fail_between=(1.0, math.inf)))
    cpu = FakeSensor("cpu:package-0", "cpu", 50.0, clock=clock)
    tracker = Tracker(MANUAL, sensors=[gpu, cpu], clock=clock).start()
    run_for(tracker, clock, 3.0)
    result = tracker.stop()
    assert result.by_component() == {"gpu": pytest.approx(90.0), "cpu": pytest.approx(150.0)}
    (gap,) = result.gaps
    assert gap.bridged == "lost" and gap.end_s is None
    assert any(w.code == "sensor-lost" for w in result.warnings())


def test_sensor_raising_any_exception_does_not_reach_the_workload(clock: ManualClock) -> None:
    class Exploding:
        device, physical_id, component, method, estimated = "gpu:9", "x", "gpu", "boom", False
        counter_update_s = None

        def read(self) -> Reading:
            raise ZeroDivisionError("driver bug")

        def close(self) -> None:
            raise SensorError("close failed too")

    tracker = Tracker(MANUAL, sensors=[Exploding()], clock=clock).start()
    run_for(tracker, clock, 1.0)
    result = tracker.stop()
    assert result.energy_j == 0.0
    assert "ZeroDivisionError" in result.gaps[0].error


def test_background_sampler_runs_at_the_configured_rate() -> None:
    gpu = FakeSensor("gpu:0", "gpu", 100.0)
    tracker = Tracker(TrackerConfig(hz=50.0, store=False), sensors=[gpu]).start()
    time.sleep(0.5)
    result = tracker.stop()
    assert 10 <= gpu.reads <= 30  # ~25 samples in 0.5 s at 50 Hz (+ start/stop reads)
    # the sampler thread timestamps each reading at the middle of its read: on a loaded machine the read and its
    # timestamp can be a few ms apart (scheduling), i.e. up to ~1 % of this 0.5 s run
    assert result.energy_j == pytest.approx(100.0 * result.duration_s, rel=1e-2)
    assert gpu.closed


def test_config_is_validated() -> None:
    with pytest.raises(InputError, match="sampling rate"):
        TrackerConfig(hz=0)
    with pytest.raises(InputError, match="flush"):
        TrackerConfig(flush_s=5.0)


def test_interval_listener_sees_every_joule(clock: ManualClock) -> None:
    gpu = FakeSensor("gpu:0", "gpu", [(1.0, 100.0), (math.inf, 250.0)], clock=clock)
    tracker = Tracker(MANUAL, sensors=[gpu], clock=clock).start()
    seen: list[tuple[float, float, float]] = []
    tracker.add_interval_listener(lambda a, b, e: seen.append((a, b, e)))
    run_for(tracker, clock, 3.0)
    result = tracker.stop()
    assert math.fsum(e for _, _, e in seen) == pytest.approx(result.energy_j)
    assert all(b > a for a, b, _ in seen)


def test_process_share_is_reported(clock: ManualClock) -> None:
    gpu = FakeSensor("gpu:0", "gpu", 100.0, clock=clock, options=FakeOptions(process_fraction=0.25))
    tracker = Tracker(MANUAL, sensors=[gpu], clock=clock).start()
    run_for(tracker, clock, 4.0)
    (dev,) = tracker.stop().devices
    assert dev.energy_j == pytest.approx(400.0) and dev.process_energy_j == pytest.approx(100.0)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0.05, 3.0), st.floats(0.0, 700.0)), min_size=1, max_size=6),
    st.lists(st.floats(0.001, 0.5), min_size=1, max_size=40),
    st.integers(0, 39),
)
def test_windows_partition_the_run_and_match_the_counter(
    segments: list[tuple[float, float]], steps: list[float], split: int
) -> None:
    """Property: with a counter, the run's energy is the exact scripted energy, and two back-to-back windows
    add up to the run, wherever the sampling instants and the split fall."""
    clock = ManualClock()
    gpu = FakeSensor("gpu:0", "gpu", segments, clock=clock)
    tracker = Tracker(MANUAL, sensors=[gpu], clock=clock).start()
    tracker.begin_window("a")
    for i, dt in enumerate(steps):
        clock.advance(dt)
        tracker.sample()
        if i == split % len(steps):
            a = tracker.end_window("a")
            tracker.begin_window("b")
    b = tracker.end_window("b")
    run = tracker.stop()
    exact = gpu.energy_between(0.0, sum(steps))
    assert run.energy_j == pytest.approx(exact, rel=1e-9, abs=1e-6)
    assert a.energy_j + b.energy_j == pytest.approx(run.energy_j, rel=1e-9, abs=1e-6)


def test_track_gives_every_open_call_a_window_of_its_own(clock: ManualClock) -> None:
    """The decorator named each call's window with a random 2-byte suffix: among the calls open at once (recursion,
    threads) two got the same name, and the call raised "no two open windows may share a name" into the workload
    (146 of 200 calls of a function recursing 400 deep). The calls are numbered now."""
    tracker = Tracker(MANUAL, sensors=[FakeSensor("gpu:0", "gpu", 50.0, clock=clock)], clock=clock).start()

    @tracker.track("walk")
    def walk(depth: int) -> int:
        clock.advance(0.001)
        return walk(depth - 1) + 1 if depth else 0

    for _ in range(30):
        assert walk(200) == 200
    names = [w.name for w in tracker.window_results]
    assert len(names) == len(set(names)) == 30 * 201
    tracker.stop()
