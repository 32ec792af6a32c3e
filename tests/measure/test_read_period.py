"""Issue 12 (sampler <= 0.2 % of a core at 10 Hz): a sensor whose reading cannot change faster than ``refresh_s``
(the CPU estimate re-reads /proc/stat every 0.5 s, the RAM estimate is constant) is read that often and at every
store write, not ``hz`` times a second; on a machine measured by estimates alone the sampler wakes every 0.5 s.
Devices with counters or power readings are still read at every 1/hz tick, interval listeners still get every
device at every tick, and a killed process still loses at most one second of any device."""

from __future__ import annotations

import math
import textwrap
import time
from pathlib import Path

import pytest

from aifootprint.measure.devicetrack import read_period
from aifootprint.measure.sensors.base import Reading
from aifootprint.measure.sensors.cpu_fallback import REFRESH_S, CpuEstimateSensor
from aifootprint.measure.sensors.fake import FakeSensor
from aifootprint.measure.sensors.ram import RamEstimateSensor
from aifootprint.measure.store import RunStore
from aifootprint.measure.tracker import Tracker, TrackerConfig

from ._helpers import run_and_kill, write_proc


class _CountedRam(RamEstimateSensor):
    """The RAM estimate, counting its reads."""

    def __init__(self) -> None:
        super().__init__(16.0)
        self.reads = 0

    def read(self) -> Reading:
        self.reads += 1
        return super().read()


class _Refreshing:
    """A power sensor whose reading changes at most every ``refresh_s`` (counts its reads)."""

    component, method, estimated, counter_update_s = "cpu", "test", True, None

    def __init__(self, device: str, refresh_s: float) -> None:
        self.device = self.physical_id = device
        self.refresh_s = refresh_s
        self.reads = 0

    def read(self) -> Reading:
        self.reads += 1
        return Reading(power_w=10.0)

    def close(self) -> None:
        return None


def test_read_period_follows_the_sensor_refresh_within_tick_and_flush() -> None:
    fast = FakeSensor("gpu:0", "gpu", 100.0)
    assert read_period(fast, 0.1, 0.5) == 0.1  # no refresh_s: every tick
    assert read_period(_Refreshing("a", 0.2), 0.1, 0.5) == 0.2
    assert read_period(_Refreshing("b", 0.05), 0.1, 0.5) == 0.1  # never faster than hz
    assert read_period(_Refreshing("c", math.nan), 0.1, 0.5) == 0.1
    assert read_period(RamEstimateSensor(16.0), 0.1, 0.5) == 0.5  # constant: once per store write
    assert read_period(RamEstimateSensor(16.0), 2.0, 0.5) == 2.0  # hz = 0.5: every tick, as before
    assert RamEstimateSensor(16.0).refresh_s == math.inf


def test_due_sensors_only_are_read_at_a_tick_and_every_sensor_at_a_store_write() -> None:
    """Deterministic: ticks at 10 Hz on the tracker's clock, a store write (``every``) every fifth tick."""
    fast, mid, slow = FakeSensor("gpu:0", "gpu", 100.0), _Refreshing("mid", 0.2), _CountedRam()
    tracker = Tracker(TrackerConfig(hz=0.01, store=False), sensors=[fast, mid, slow])  # the thread waits 100 s
    tracker.start()
    time.sleep(0.05)
    tracker._tick_s = 0.1  # plan the reads as at 10 Hz (flush_s 0.5), then tick by hand
    for tr in tracker._tracks:
        tr.period_s = read_period(tr.sensor, 0.1, tracker.config.flush_s)
    before = (fast.reads, mid.reads, slow.reads)
    t0 = tracker._tracks[0].read_at  # the start's read
    for k in range(1, 11):
        tracker._sample_now(every=k % 5 == 0, now=t0 + 0.1 * k)
    # mid (0.2 s): ticks 2, 4, 7, 9 and the writes 5, 10; ram (constant): the writes only
    assert (fast.reads - before[0], mid.reads - before[1], slow.reads - before[2]) == (10, 6, 2)
    result = tracker.stop()
    assert {d.device for d in result.devices} == {"gpu:0", "mid", "ram"}
    ram = next(d for d in result.devices if d.device == "ram")
    assert ram.energy_j == pytest.approx(16.0 * slow.w_per_gb * result.duration_s, rel=1e-6)  # constant: exact


def test_estimates_alone_wake_the_sampler_every_flush_not_ten_times_a_second(tmp_path: Path) -> None:
    proc = tmp_path / "proc"
    write_proc(proc, 100, 100)
    cpu = CpuEstimateSensor(100.0, proc_root=str(proc))
    ram = _CountedRam()
    tracker = Tracker(TrackerConfig(hz=10.0, store=False), sensors=[cpu, ram]).start()
    assert tracker._tick_s == 0.5 and cpu.refresh_s == REFRESH_S
    time.sleep(1.2)
    tracker.stop()
    # the start and stop reads and two or three ticks; at 10 Hz it was at least 12
    assert 3 <= ram.reads <= 5


def test_counters_are_read_every_tick_and_estimates_at_store_writes() -> None:
    fast, ram = FakeSensor("gpu:0", "gpu", 100.0), _CountedRam()
    tracker = Tracker(TrackerConfig(hz=10.0, store=False), sensors=[fast, ram]).start()
    assert tracker._tick_s == pytest.approx(0.1)
    time.sleep(1.2)
    result = tracker.stop()
    assert fast.reads >= 6 and ram.reads <= 5
    gpu = next(d for d in result.devices if d.device == "gpu:0")
    assert gpu.energy_j == pytest.approx(100.0 * result.duration_s, rel=0.05)


def test_interval_listeners_get_every_device_at_every_tick() -> None:
    """The listeners' intervals are summed over devices per (start, end): every device is read at every tick."""
    fast, ram = FakeSensor("gpu:0", "gpu", 100.0), _CountedRam()
    tracker = Tracker(TrackerConfig(hz=10.0, store=False), sensors=[fast, ram])
    intervals: list[tuple[float, float, float]] = []
    tracker.add_interval_listener(lambda a, b, e: intervals.append((a, b, e)))
    tracker.start()
    time.sleep(0.8)
    tracker.stop()
    assert ram.reads >= 5 and abs(ram.reads - fast.reads) <= 1
    ends = [b for _a, b, _e in intervals]
    assert len(ends) == len(set(ends)) >= 5  # one interval per tick, both devices in it


def test_cpu_estimate_refreshes_a_little_before_its_period(tmp_path: Path) -> None:
    """A sampler reading every ``refresh_s`` (with a quarter tick of slack) must get a fresh busy fraction, never the
    previous one for another period."""
    proc = tmp_path / "proc"
    write_proc(proc, 100, 100)
    cpu = CpuEstimateSensor(100.0, proc_root=str(proc))
    assert cpu.read().power_w == 0.0  # no jiffy since the sensor opened
    write_proc(proc, 150, 150)  # 50 busy of 100 jiffies
    cpu._read_at -= 0.46  # the next tick comes 0.46 s later (0.5 s minus some slack)
    assert cpu.read().power_w == 50.0
    write_proc(proc, 250, 150)  # 100 busy of 100 jiffies, but only 0.1 s later: still the previous value
    cpu._read_at -= 0.1
    assert cpu.read().power_w == 50.0
    cpu.close()


KILLED = textwrap.dedent("""
    import sys, time
    from aifootprint.measure.sensors.discovery import SensorConfig
    from aifootprint.measure.store import RunStore
    from aifootprint.measure.tracker import Tracker, TrackerConfig
    config = TrackerConfig(hz=10.0, sensors=SensorConfig(backend="estimate", cpu_tdp_w=100.0, ram_gb=16.0))
    tracker = Tracker(config, store=RunStore(sys.argv[1])).start()
    print(tracker.run_id, tracker._tick_s, flush=True)
    time.sleep(60)
""")


def test_killed_process_measured_by_estimates_loses_at_most_one_second_of_each_device(tmp_path: Path) -> None:
    """The child builds the estimate sensors a CPU-only machine gets (TDP given: no table lookup)."""
    path = tmp_path / "runs.sqlite"
    line, killed_at = run_and_kill(KILLED, path, 2.3)
    run_id, tick = line.split()
    assert float(tick) == 0.5  # estimates alone: a tick every refresh_s (0.5 s), each one a store write
    store = RunStore(path)
    run = store.get(run_id)
    assert run is not None and run.ended_at is None
    last: dict[str, tuple[float, float]] = {}
    for device, t_s, energy_j, _p in store.samples(run_id):
        last[device] = (t_s, energy_j or 0.0)
    assert set(last) == {"cpu", "ram"}
    for device, (t_s, _e) in last.items():
        lost_s = killed_at - (run.header.started_at + t_s)
        assert lost_s <= 1.0, f"{device}: lost {lost_s:.2f} s of samples"
    t_ram, e_ram = last["ram"]
    assert e_ram == pytest.approx(16.0 * 0.3725 * t_ram, rel=0.02)
