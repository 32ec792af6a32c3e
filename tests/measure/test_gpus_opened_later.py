"""Issue 12: ``Tracker.start()`` must not wait for the GPU library. On an H200, ``import pynvml`` and ``nvmlInit``
made ``start()`` take 53-57 ms (target <= 20 ms; benchmarks/results/gpu/tracker_overhead_h200_*.txt), and on a
multi-GPU node without persistence mode ``nvmlInit`` takes seconds. In background mode discovery opens the CPU and
RAM sensors at once and the GPUs on a thread of their own; these tests use a fake NVML module whose ``nvmlInit``
takes 0.4 s, and fake ``/dev``, ``/proc`` and powercap roots (no GPU, no patching)."""

from __future__ import annotations

import functools
import logging
import sqlite3
import time
from pathlib import Path

import pytest

from aifootprint.measure.sensors.discovery import SensorConfig, discover
from aifootprint.measure.tracker import Tracker, TrackerConfig

from .test_nvml_read_budget import CountingNvml
from .test_sensors_gpu import FakeGpu

INIT_S = 0.4
POWER_W = 300.0


class SlowNvml(CountingNvml):
    """NVML whose initialisation takes ``INIT_S`` (or blocks until ``gate`` is released); its counter is
    ``POWER_W x`` the monotonic clock, so that energies can be checked against wall time."""

    def __init__(self, init_s: float = INIT_S, fail_init: bool = False) -> None:
        t0 = time.monotonic()
        super().__init__([FakeGpu("GPU-slow", power_mw=int(POWER_W * 1000))], clock=lambda: time.monotonic() - t0)
        self.init_s = init_s
        self.fail_init = fail_init

    def nvmlInit(self) -> None:
        time.sleep(self.init_s)
        if self.fail_init:
            raise self.NVMLError(self.NVML_ERROR_DRIVER_NOT_LOADED)
        super().nvmlInit()


def _node(tmp_path: Path, *, gpus: tuple[str, ...] | None = None) -> SensorConfig:
    """A machine with an NVIDIA device node, no RAPL, the CPU and RAM estimates (fixed TDP and size)."""
    dev = tmp_path / "dev"
    dev.mkdir(exist_ok=True)
    (dev / "nvidiactl").touch()
    (dev / "nvidia0").touch()
    proc = tmp_path / "proc"
    proc.mkdir(exist_ok=True)
    (proc / "stat").write_text("cpu  100 0 100 1000 0 0 0 0 0 0\n")
    (proc / "meminfo").write_text("MemTotal:       16384000 kB\n")
    return SensorConfig(dev_root=str(dev), proc_root=str(proc), powercap_root=str(tmp_path / "powercap"),
                        cpu_tdp_w=50.0, ram_gb=16.0, gpus=gpus)


def _codes(notes: tuple[object, ...]) -> list[str]:
    return [str(getattr(n, "code", "")) for n in notes]


def _tracker(tmp_path: Path, nvml: SlowNvml, *, store: bool = False, gpus: tuple[str, ...] | None = None,
             background: bool = True, open_timeout_s: float = 30.0) -> Tracker:
    cfg = TrackerConfig(hz=10.0, sensors=_node(tmp_path, gpus=gpus), store=store,
                        store_path=str(tmp_path / "runs.db"), background=background,
                        gpu_open_timeout_s=open_timeout_s)
    return Tracker(cfg, discover=functools.partial(discover, nvml=nvml))


def test_start_returns_before_nvml_is_initialised(tmp_path: Path) -> None:
    """start() returns while nvmlInit still runs (was: after it); the GPU joins the run, first in the device list,
    and its energy covers the whole run: the counter from its first reading, bridged back to start() at the
    first power reading."""
    nvml = SlowNvml()
    tracker = _tracker(tmp_path, nvml)
    t = time.perf_counter()
    tracker.start()
    start_s = time.perf_counter() - t
    assert start_s < INIT_S / 2
    time.sleep(INIT_S + 0.6)
    result = tracker.stop()
    assert result.devices[0].device == "gpu:0"
    (gpu,) = [d for d in result.devices if d.component == "gpu"]
    assert gpu.energy_j == pytest.approx(POWER_W * result.duration_s, rel=0.05)
    assert not [c for c in _codes(result.notes) if c in ("gpus-opening", "gpus-not-opened")]


def test_stop_during_nvml_init_waits_for_the_gpus(tmp_path: Path) -> None:
    """A run shorter than nvmlInit (``measure -- true``): stop() waits for the GPUs, whose one reading is
    bridged back to start(): the GPU is in the result with the energy of the whole run."""
    nvml = SlowNvml()
    tracker = _tracker(tmp_path, nvml).start()
    result = tracker.stop()
    (gpu,) = [d for d in result.devices if d.component == "gpu"]
    assert result.duration_s >= INIT_S * 0.9
    assert gpu.energy_j == pytest.approx(POWER_W * result.duration_s, rel=0.05)


def test_a_window_opened_before_the_gpu_gets_its_share_of_the_bridge(tmp_path: Path) -> None:
    """A window opened 0.2 s after start(), while NVML initialises, and closed after: its GPU energy is that of its
    own duration (the bridge's share before the window is left out), not of the run's."""
    nvml = SlowNvml()
    tracker = _tracker(tmp_path, nvml).start()
    time.sleep(0.2)
    tracker.begin_window("w")
    time.sleep(INIT_S + 0.4)
    window = tracker.end_window("w")
    tracker.stop()
    (gpu,) = [d for d in window.devices if d.component == "gpu"]
    assert gpu.energy_j == pytest.approx(POWER_W * window.duration_s, rel=0.06)


def test_a_window_closed_before_the_gpu_is_open_says_so(tmp_path: Path) -> None:
    nvml = SlowNvml()
    tracker = _tracker(tmp_path, nvml).start()
    with tracker.window("early") as handle:
        time.sleep(0.05)
    tracker.stop()
    assert handle.result is not None
    assert not [d for d in handle.result.devices if d.component == "gpu"]
    assert _codes(handle.result.notes) == ["gpus-opening"]


def test_the_stored_run_lists_the_gpu_and_the_header_comes_first(tmp_path: Path) -> None:
    """The run header (written once the GPUs are open) lists every device; a window stored before that is not
    lost."""
    nvml = SlowNvml()
    tracker = _tracker(tmp_path, nvml, store=True).start()
    with tracker.window("early"):
        time.sleep(0.05)
    time.sleep(INIT_S + 0.3)
    tracker.stop()
    with sqlite3.connect(tmp_path / "runs.db") as db:
        devices = sorted(r[0] for r in db.execute("SELECT device FROM devices WHERE run_id = ?", (tracker.run_id,)))
        windows = [r[0] for r in db.execute("SELECT name FROM windows WHERE run_id = ?", (tracker.run_id,))]
        samples = db.execute("SELECT count(*) FROM samples WHERE run_id = ? AND device = 'gpu:0'",
                             (tracker.run_id,)).fetchone()[0]
    assert devices == ["cpu", "gpu:0", "ram"]
    assert windows == ["early"]
    assert samples >= 3


def test_nvml_failing_to_start_leaves_the_host_measured_and_warns(tmp_path: Path,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    """NVML that cannot start (driver not loaded): the run goes on with the CPU and RAM, the result says that the
    GPU is not measured (``gpu-unreadable``), and the hint is logged (from the opening thread)."""
    nvml = SlowNvml(init_s=0.05, fail_init=True)
    with caplog.at_level(logging.WARNING, logger="aifootprint.measure"):
        tracker = _tracker(tmp_path, nvml).start()
        time.sleep(0.3)
        result = tracker.stop()
    assert {d.component for d in result.devices} == {"cpu", "ram"}
    assert "gpu-unreadable" in _codes(result.notes)
    assert any("cannot be read" in r.getMessage() for r in caplog.records)


def test_stop_gives_up_on_a_hung_nvml_init(tmp_path: Path) -> None:
    """nvmlInit that never returns (a hung driver) delays stop() by at most ``gpu_open_timeout_s``, then the run ends
    without the GPU and says so; the late GPU sensors are closed when they come."""
    nvml = SlowNvml(init_s=1.0)
    tracker = _tracker(tmp_path, nvml, open_timeout_s=0.2)
    tracker.start()
    t = time.perf_counter()
    result = tracker.stop()
    assert time.perf_counter() - t < 0.9
    assert "gpus-not-opened" in _codes(result.notes)
    assert not [d for d in result.devices if d.component == "gpu"]
    time.sleep(1.0)  # the opening thread finishes: its sensors are closed (NVML shut down), not adopted
    assert nvml.shutdowns == 1


@pytest.mark.parametrize("case", ["named GPUs", "manual mode"])
def test_named_gpus_and_manual_mode_open_the_gpus_in_start(tmp_path: Path, case: str) -> None:
    """An unknown ``--gpus`` id must fail start() (InputError), so named GPUs are opened in start(); manual mode
    (the caller samples) has no thread to open them on."""
    nvml = SlowNvml(init_s=0.1)
    gpus = ("0",) if case == "named GPUs" else None
    tracker = _tracker(tmp_path, nvml, gpus=gpus, background=case != "manual mode")
    t = time.perf_counter()
    tracker.start()
    assert time.perf_counter() - t >= 0.1
    assert "gpu:0" in tracker.labels()
    tracker.stop()


def test_an_unknown_named_gpu_fails_start(tmp_path: Path) -> None:
    from aifootprint.errors import InputError

    with pytest.raises(InputError, match="unknown GPU id"):
        _tracker(tmp_path, SlowNvml(init_s=0.0), gpus=("7",)).start()


def test_wait_open_lets_a_window_start_with_the_gpu_read(tmp_path: Path) -> None:
    """``wait_open`` returns once the GPUs are open (False on a timeout); a window opened then has a GPU mark of
    its own, so its energy is its own duration's."""
    nvml = SlowNvml()
    tracker = _tracker(tmp_path, nvml).start()
    assert tracker.wait_open(0.01) is False
    assert tracker.wait_open(5.0) is True
    assert "gpu:0" in tracker.labels()
    time.sleep(0.25)
    with tracker.window("w") as handle:
        time.sleep(0.5)
    tracker.stop()
    assert handle.result is not None
    (gpu,) = [d for d in handle.result.devices if d.component == "gpu"]
    assert gpu.energy_j == pytest.approx(POWER_W * handle.result.duration_s, rel=0.06)
    assert Tracker(TrackerConfig(store=False), sensors=[]).wait_open(0.0) is True  # nothing left for later


def test_a_long_bridge_is_said_in_the_result(tmp_path: Path) -> None:
    """nvmlInit of more than BRIDGE_NOTICE_S (1 s; seconds per GPU without persistence mode): the GPU's energy
    before its first reading is its first power times the time, and the result says so (``start-bridged``)."""
    from aifootprint.measure.sampling import BRIDGE_NOTICE_S

    nvml = SlowNvml(init_s=BRIDGE_NOTICE_S + 0.1)
    result = _tracker(tmp_path, nvml).start().stop()
    assert "start-bridged" in _codes(result.notes)
    (gpu,) = [d for d in result.devices if d.component == "gpu"]
    assert gpu.energy_j == pytest.approx(POWER_W * result.duration_s, rel=0.05)


def test_a_counter_that_never_moves_is_seen_through_the_start_bridge(tmp_path: Path) -> None:
    """A GPU whose energy counter stays put while it reports 300 W (a stuck counter, or a run shorter than one
    counter update): the run's window holds start()'s bridge energy, so its counter delta was not 0 and the old
    "counter did not change" check passed it, reporting only the bridge (1 J for 1 s at 300 W). The check now
    compares the counter itself: power is integrated and the method says so."""
    nvml = SlowNvml(init_s=0.0)
    nvml.clock = None  # the fake counter stays at its start value
    tracker = _tracker(tmp_path, nvml).start()
    time.sleep(0.8)
    result = tracker.stop()
    (gpu,) = [d for d in result.devices if d.component == "gpu"]
    assert gpu.method == "nvml-energy-counter+power-integrated"
    assert gpu.energy_j == pytest.approx(POWER_W * result.duration_s, rel=0.05)
