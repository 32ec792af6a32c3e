"""Several ranks of one job, each with its own GPU reader process (``gpu_reader="process"``): a rank's reader reads
only the GPUs its tracker reads, i.e. those whose lease it holds (aifootprint.measure.leases), and starts reading a
GPU when its rank takes the lease over (the first read finds the slot stale and asks for a fresh one: no gap).

Two trackers of one job in this process stand for two ranks (the second with leases of its own,
``DeviceLeases(pid=...)``: two trackers of one process share its leases); their readers are real child processes
loading the tests' fake NVML library (``fake_nvml_clocked.c``)."""

from __future__ import annotations

import functools
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from aifootprint.measure.leases import DeviceLeases
from aifootprint.measure.sensors import readershm as shm
from aifootprint.measure.sensors.discovery import SensorConfig, discover
from aifootprint.measure.sensors.gpuchild import idle_after_s
from aifootprint.measure.tracker import Tracker, TrackerConfig

from ._helpers import build_clocked_nvml

POWER_W = {"gpu:0": 250.0, "gpu:1": 300.0}


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_clocked_nvml(tmp_path_factory.mktemp("nvml-clocked"))


def _rank(tmp_path: Path, library: Path, pid: int | None = None) -> Tracker:
    dev = tmp_path / "dev"
    dev.mkdir(exist_ok=True)
    (dev / "nvidiactl").touch()
    cfg = TrackerConfig(store=False, gpu_reader="process", job_id="job-1", lease_dir=str(tmp_path / "leases"),
                        sensors=SensorConfig(dev_root=str(dev), powercap_root=str(tmp_path / "none"), cpu_tdp_w=10.0,
                                             ram_gb=1.0))
    cmd = ("env", f"LD_LIBRARY_PATH={library}", sys.executable, "-m", "aifootprint.measure.sensors.gpuchild")
    leases = DeviceLeases("job-1", str(tmp_path / "leases"), pid=pid)
    return Tracker(cfg, discover=functools.partial(discover, reader_command=cmd), leases=leases)


def _seqs(tracker: Tracker) -> dict[str, int]:
    """Each GPU's slot sequence number in the tracker's mapping (it grows at each of the reader's reads)."""
    out = {}
    for tr in tracker._tracks:
        sensor: Any = tr.sensor
        if sensor.component == "gpu":
            out[sensor.device] = int(shm.read_slot(sensor._client.buf, sensor._index)[0])  # type: ignore[index,arg-type]
    return out


def test_a_ranks_reader_reads_only_the_gpus_it_holds_and_takes_over(library: Path, tmp_path: Path) -> None:
    first = _rank(tmp_path, library).start()
    assert first.wait_open(10)
    second = _rank(tmp_path, library, pid=-1).start()  # another rank: no process has this number
    assert second.wait_open(10)
    assert {tr.sensor.device for tr in second._tracks if not tr.owned} >= set(POWER_W)  # the first rank holds them
    time.sleep(idle_after_s(10.0) + 0.4)  # past the reader's first reads of every device
    before = (_seqs(first), _seqs(second))
    time.sleep(0.6)
    after = (_seqs(first), _seqs(second))
    assert all(after[0][d] > before[0][d] for d in POWER_W)  # the holder's reader reads its GPUs
    assert after[1] == before[1]  # the other rank's reader reads none of them
    beats = set()  # and, reading nothing, it wakes every idle_tick_s (0.5 s) for its heartbeat, not every 0.1 s
    buf = second._tracks[0].sensor._client.buf  # type: ignore[attr-defined]
    end = time.monotonic() + 1.2
    while time.monotonic() < end:
        beats.add(shm.HEADER.unpack_from(buf, 0)[4])
        time.sleep(0.01)
    assert 2 <= len(beats) <= 4, sorted(beats)
    first.stop()
    stopped = second.elapsed_s()
    time.sleep(2.5)  # the second rank retries the leases every second
    taken = _seqs(second)
    time.sleep(0.3)
    assert all(_seqs(second)[d] > taken[d] for d in POWER_W)  # its reader reads them now
    result = second.stop()
    codes = [n.code for n in result.warnings()]
    assert "lease-taken" in codes and "gpu-reader-failed" not in codes
    assert not [g for g in result.gaps if g.device in POWER_W]
    gpus = {d.device: d.energy_j for d in result.devices if d.component == "gpu"}
    for device, power_w in POWER_W.items():  # measured from the takeover (within a second of the release) on
        assert power_w * (result.duration_s - stopped - 1.3) < gpus[device] < power_w * (result.duration_s - stopped)
