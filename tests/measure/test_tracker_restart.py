"""A tracker started again begins a clean run; a ``start()`` that fails gives back what it took; a store that fails
only at ``stop()`` is still said in the result."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from aifootprint.measure.leases import DeviceLeases
from aifootprint.measure.measurement import Measurement
from aifootprint.measure.sensors.base import Reading
from aifootprint.measure.sensors.discovery import Discovery
from aifootprint.measure.sensors.fake import FakeOptions, FakeSensor
from aifootprint.measure.store import RunStore
from aifootprint.measure.tracker import Tracker, TrackerConfig
from aifootprint.notice import Notice


def _discovery(*_: object, **__: object) -> Discovery:
    """One fake GPU and a notice, as discovery gives them (a fresh sensor per start)."""
    return Discovery(sensors=[FakeSensor("gpu:0", "gpu", 100.0)],
                     notes=[Notice("method-note", "a note of this run's discovery", "gpu:0")],
                     details=[Notice("backend-unavailable", "no AMD device node")])


def test_a_tracker_started_again_does_not_carry_the_previous_runs_notices_or_windows(tmp_path: Path) -> None:
    """Before: the second run's result repeated the first run's notices (once per earlier run) and its stored
    summary listed the first run's windows."""
    store = tmp_path / "runs.sqlite"
    tracker = Tracker(TrackerConfig(store_path=str(store)), discover=_discovery)
    tracker.start()
    with tracker.window("only-in-run-1"):
        pass
    first = tracker.stop()
    tracker.start()
    second = tracker.stop()
    assert [n.code for n in first.notes] == [n.code for n in second.notes] == ["method-note"]
    assert [n.code for n in tracker.details] == ["backend-unavailable"]
    assert tracker.window_results == []
    db = RunStore(store, read_only=True)
    runs = {r.run_id: r for r in db.runs()}
    assert len(runs) == 2
    windows = {rid: [w["name"] for w in (r.summary or {}).get("windows", [])] for rid, r in runs.items()}
    assert sorted(windows.values()) == [[], ["only-in-run-1"]]


def test_a_start_that_fails_gives_back_the_leases_it_took(tmp_path: Path) -> None:
    """A lease that cannot be taken (here: a directory where the second device's lease file goes) fails
    ``start()``; before, the first device's lease stayed held by the dead tracker, so the next tracker in the same
    process skipped that device as "measured by" this very process, for the rest of its life."""
    leases = tmp_path / "leases"
    sensors = [FakeSensor("gpu:0", "gpu", 100.0, options=FakeOptions(physical_id="fake:a")),
               FakeSensor("gpu:1", "gpu", 100.0, options=FakeOptions(physical_id="fake:b"))]
    blocker = Path(DeviceLeases("job", str(leases))._path("fake:b"))
    blocker.mkdir(parents=True)
    config = TrackerConfig(store=False, job_id="job", lease_dir=str(leases))
    failed = Tracker(config, sensors=sensors)
    try:
        failed.start()
    except OSError:
        pass
    else:
        raise AssertionError("start() took a lease on a directory")
    assert not failed.running
    blocker.rmdir()
    result = Tracker(config, sensors=sensors).start().stop()
    assert result.skipped == ()
    assert sorted(d.device for d in result.devices) == ["gpu:0", "gpu:1"]


def test_a_store_that_fails_at_stop_is_said_in_the_result(tmp_path: Path) -> None:
    """A run shorter than the first store write opens the store only in ``stop()``: its ``store-unavailable``
    notice was logged but missing from the result (``measure --json`` said nothing of the run not being saved)."""
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("")
    tracker = Tracker(TrackerConfig(store_path=str(not_a_dir / "runs.sqlite")),
                      sensors=[FakeSensor("gpu:0", "gpu", 100.0)])
    result = tracker.start().stop()
    assert "store-unavailable" in [n.code for n in result.notes]
    assert tracker.result is result


def _stop_from_threads(tracker: Tracker, n: int) -> tuple[list[Measurement], list[Exception]]:
    results: list[Measurement] = []
    errors: list[Exception] = []

    def stop() -> None:
        try:
            results.append(tracker.stop())
        except Exception as exc:  # the defect: a KeyError out of the second stop()
            errors.append(exc)

    threads = [threading.Thread(target=stop) for _ in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return results, errors


def test_stop_called_from_several_threads_at_once_returns_one_result() -> None:
    """Two threads stopping one tracker ran the stop together: one of them raised ``KeyError: 'run'`` (10 of 30
    tries). They are served one after the other; every call returns the run's result."""
    for _ in range(10):
        tracker = Tracker(TrackerConfig(store=False), sensors=[FakeSensor("gpu:0", "gpu", 100.0)]).start()
        results, errors = _stop_from_threads(tracker, 3)
        assert errors == [] and len(results) == 3 and all(r is results[0] for r in results)


class _HangsOnDemand(FakeSensor):
    """A GPU whose reads block while ``hang`` is set, until ``release`` (a driver call stuck across a stop())."""

    def __init__(self) -> None:
        super().__init__("gpu:1", "gpu", 100.0, options=FakeOptions(physical_id="fake:hangs"))
        self.hang, self.hanging, self.release = False, threading.Event(), threading.Event()

    def read(self) -> Reading:
        if self.hang:
            self.hanging.set()
            self.release.wait(30)
        return super().read()

    read_full = read


def test_a_sampler_left_behind_in_a_hung_read_writes_nothing_into_the_next_run(tmp_path: Path) -> None:
    """``stop()`` leaves a sampler stuck in a hung read behind. When the read returned during the tracker's next
    run, its reading was queued into that run: the stored samples of the new run got a row with the old run's
    cumulative energy (108 J in a run of 70 J)."""
    store = tmp_path / "runs.sqlite"
    hung = _HangsOnDemand()
    tracker = Tracker(TrackerConfig(hz=20.0, store_path=str(store)), sensors=[hung, FakeSensor("gpu:0", "gpu", 50.0)])
    tracker.start()
    time.sleep(0.3)
    hung.hang = True
    assert hung.hanging.wait(10)
    tracker.stop()
    hung.hang = False
    tracker.start()
    time.sleep(0.2)
    hung.release.set()  # the first run's sampler returns now, in the second run
    time.sleep(0.3)
    result = tracker.stop()
    (energy_j,) = [d.energy_j for d in result.devices if d.device == "gpu:1"]
    with sqlite3.connect(store) as db:
        stored = [e for (e,) in db.execute("SELECT energy_j FROM samples WHERE run_id = ? AND device = 'gpu:1' "
                                           "ORDER BY rowid", (tracker.run_id,))]
    assert stored == sorted(stored) and max(stored) <= energy_j + 1e-6
