"""Several processes of one job on one node count each device once (torchrun / SLURM ranks)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from aifootprint.measure.leases import DeviceLeases, job_id_from_env
from aifootprint.measure.sensors.fake import FakeOptions, FakeSensor
from aifootprint.measure.tracker import Tracker, TrackerConfig

from .conftest import ManualClock

#: The process number of a second rank that these tests stand in this process (no process has it).
OTHER_RANK = -1


def test_job_id_from_launchers() -> None:
    assert job_id_from_env({}) is None
    assert job_id_from_env({"TORCHELASTIC_RUN_ID": "abc"}) == "torchelastic_run_id-abc"
    assert job_id_from_env({"SLURM_JOB_ID": "42", "SLURM_STEP_ID": "0"}) == "slurm_job_id-42.0"
    assert job_id_from_env({"AIFOOTPRINT_JOB_ID": "mine", "SLURM_JOB_ID": "42"}) == "aifootprint_job_id-mine"


def test_one_lease_per_device_and_release(tmp_path: Path) -> None:
    a, b = DeviceLeases("job", str(tmp_path)), DeviceLeases("job", str(tmp_path), pid=OTHER_RANK)
    assert a.acquire("nvml:GPU-1") and not b.acquire("nvml:GPU-1")
    assert b.acquire("nvml:GPU-2")
    assert a.holder("nvml:GPU-1") is not None
    a.release_all()
    assert b.acquire("nvml:GPU-1")
    other_job = DeviceLeases("other-job", str(tmp_path))
    assert other_job.acquire("nvml:GPU-1")  # another job on the node measures its own devices
    assert DeviceLeases(None, str(tmp_path)).acquire("nvml:GPU-1")  # no job id: leases are off


def shared_gpu(clock: ManualClock) -> FakeSensor:
    return FakeSensor("gpu:0", "gpu", 100.0, clock=clock, options=FakeOptions(physical_id="nvml:GPU-shared"))


def test_second_rank_skips_then_takes_over(clock: ManualClock, tmp_path: Path) -> None:
    cfg = TrackerConfig(background=False, store=False, job_id="job-1", lease_dir=str(tmp_path))
    rank0 = Tracker(cfg, sensors=[shared_gpu(clock)], clock=clock).start()
    rank1 = Tracker(cfg, sensors=[shared_gpu(clock)], clock=clock,
                    leases=DeviceLeases("job-1", str(tmp_path), pid=OTHER_RANK)).start()
    for _ in range(20):
        clock.advance(0.1)
        rank0.sample()
        rank1.sample()
    r0 = rank0.stop()
    for _ in range(30):
        clock.advance(0.1)
        rank1.sample()
    r1 = rank1.stop()
    assert r0.energy_j == pytest.approx(200.0)
    # rank 1 took the device over at its first lease retry after rank 0 left, so the job total is the truth
    assert r0.energy_j + r1.energy_j == pytest.approx(500.0, abs=100.0 * 1.0)
    assert r1.energy_j <= 300.0 + 1e-9
    assert any(n.code == "lease-taken" for n in r1.notes)


RANK = textwrap.dedent("""
    import json, sys, time
    from aifootprint.measure.sensors.fake import FakeOptions, FakeSensor
    from aifootprint.measure.tracker import Tracker, TrackerConfig
    lease_dir, seconds = sys.argv[1], float(sys.argv[2])
    sensors = [FakeSensor("gpu:0", "gpu", 100.0, options=FakeOptions(physical_id="nvml:GPU-shared")),
               FakeSensor("cpu:package-0", "cpu", 50.0, options=FakeOptions(physical_id="rapl:package-0"))]
    t0 = time.time()
    with Tracker(TrackerConfig(hz=20.0, store=False, lease_dir=lease_dir), sensors=sensors) as tracker:
        time.sleep(seconds)
    r = tracker.result
    print(json.dumps({"start": t0, "end": time.time(), "gpu": r.by_component().get("gpu", 0.0),
                      "cpu": r.by_component().get("cpu", 0.0), "skipped": list(r.skipped)}))
""")


@pytest.mark.parametrize("launcher_env", [{"TORCHELASTIC_RUN_ID": "t1"}, {"SLURM_JOB_ID": "7", "SLURM_STEP_ID": "0"}])
def test_four_ranks_count_each_device_once(tmp_path: Path, launcher_env: dict[str, str]) -> None:
    """4 ranks with the same devices: the job total is ~1x the node's energy, not 4x (mlco2/codecarbon#1390)."""
    import os

    env = {**os.environ, **launcher_env}
    procs = [subprocess.Popen([sys.executable, "-c", RANK, str(tmp_path), "1.5"], stdout=subprocess.PIPE, text=True,
                              env=env) for _ in range(4)]
    outs = []
    for p in procs:
        out, _ = p.communicate(timeout=60)
        assert p.returncode == 0
        outs.append(json.loads(out))
    span = max(o["end"] for o in outs) - min(o["start"] for o in outs)
    gpu_total = sum(o["gpu"] for o in outs)
    cpu_total = sum(o["cpu"] for o in outs)
    assert gpu_total <= 100.0 * span * 1.02  # never more than one device's worth over the job's span
    assert gpu_total >= 100.0 * 1.4  # at least the owner's whole run (1.5 s minus start-up)
    assert cpu_total == pytest.approx(gpu_total / 2, rel=0.1)
    assert sum(1 for o in outs if o["skipped"]) >= 2  # the other ranks skipped the devices


def test_a_file_planted_where_a_lease_goes_is_left_untouched(tmp_path: Path) -> None:
    """The default lease directory is under the shared /tmp: another user can create it and put, where a lease file
    goes, a symlink (or a hard link) to one of this user's files. Before, the lease was opened through it,
    truncated and overwritten with a pid: the user's file was destroyed. Now neither is a lease (the device is
    skipped as if another rank held it) and the file is unchanged."""
    leases = DeviceLeases("job", str(tmp_path / "leases"))
    victim = tmp_path / "notes.txt"
    victim.write_text("the user's own file\n")
    Path(leases.directory).mkdir(parents=True)
    Path(leases._path("nvml:GPU-1")).symlink_to(victim)
    Path(leases._path("nvml:GPU-2")).hardlink_to(victim)
    assert not leases.acquire("nvml:GPU-1") and not leases.acquire("nvml:GPU-2")
    assert victim.read_text() == "the user's own file\n"
    assert leases.acquire("nvml:GPU-3")  # a lease of its own is taken as before


def test_two_trackers_of_one_process_both_measure_under_a_job_id(tmp_path: Path) -> None:
    """Two trackers of one process are not two ranks: under torchrun (a job id from the environment) a tracker
    inside another one (``@track()`` inside ``with Tracker()``) measured nothing, every device "measured by" its own
    pid. Both measure it now; another process still skips it."""
    cfg = TrackerConfig(store=False, job_id="job-1", lease_dir=str(tmp_path))
    sensors = [FakeSensor("gpu:0", "gpu", 100.0, options=FakeOptions(physical_id="nvml:GPU-shared"))]
    outer = Tracker(cfg, sensors=sensors).start()
    inner = Tracker(cfg, sensors=sensors).start()
    other = Tracker(cfg, sensors=sensors, leases=DeviceLeases("job-1", str(tmp_path), pid=OTHER_RANK)).start()
    r_other, r_inner, r_outer = other.stop(), inner.stop(), outer.stop()
    assert r_inner.skipped == () and [d.device for d in r_inner.devices] == ["gpu:0"]
    assert r_outer.skipped == () and [d.device for d in r_outer.devices] == ["gpu:0"]
    assert r_other.devices == () and r_other.skipped and r_other.skipped[0].startswith("gpu:0 (measured by pid")
