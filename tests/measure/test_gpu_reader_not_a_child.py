"""The reader process is not a child of the workload (it forks once more and its first process exits; the workload
watches and signals it through a pidfd): a program that waits for all of its children does not wait for it.

Real parts: the tests' fake NVML library (``fake_nvml_clocked.c``) behind a fake device node, fresh interpreters,
real ``os.fork`` and ``os.wait``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ._helpers import build_clocked_nvml, run_on_fake_node

WAIT_FOR_ALL = r"""
import json, os, sys, time
from aifootprint.measure.sensors.discovery import SensorConfig
from aifootprint.measure.tracker import Tracker, TrackerConfig
tr = Tracker(TrackerConfig(store=False, sensors=SensorConfig(dev_root=sys.argv[1], cpu_tdp_w=10.0, ram_gb=1.0,
                                                             powercap_root=sys.argv[2]))).start()
tr.wait_open(10)
reader = tr._tracks[0].sensor.reader_pid
workers = set()
for _ in range(2):
    pid = os.fork()
    if pid == 0:
        time.sleep(0.1)
        os._exit(0)
    workers.add(pid)
reaped = set()
while True:   # wait for every child, as pre-multiprocessing code does
    try:
        reaped.add(os.wait()[0])
    except ChildProcessError:
        break
r = tr.stop()
print(json.dumps({"reaped_workers_only": reaped == workers, "reader_was_reaped": reader in reaped,
                  "details": [n.code for n in tr.details if n.code.startswith("gpu-reader")],
                  "notes": [n.code for n in r.notes],
                  "gpus": sorted(d.device for d in r.devices if d.component == "gpu" and d.energy_j > 0)}))
"""


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_clocked_nvml(tmp_path_factory.mktemp("nvml-clocked"))


def test_a_program_that_waits_for_all_its_children_does_not_wait_for_the_reader(library: Path,
                                                                               tmp_path: Path) -> None:
    """``os.wait()`` until ``ChildProcessError`` returns once the workload's own workers are reaped; the reader
    was one of its children and the loop hung until ``stop()``, which it never reached (the default ``auto``)."""
    if not hasattr(os, "pidfd_open"):
        pytest.skip("no pidfd_open: the reader stays a child of the workload")
    done = run_on_fake_node(WAIT_FOR_ALL, library, tmp_path, timeout_s=15)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out == {"reaped_workers_only": True, "reader_was_reaped": False, "details": ["gpu-reader-process"],
                   "notes": [], "gpus": ["gpu:0", "gpu:1"]}


SUBREAPER = r"""
import ctypes, json, os, sys
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(36, 1, 0, 0, 0) != 0:   # PR_SET_CHILD_SUBREAPER: orphans come back to this process, as to a
    print(json.dumps({"skip": "prctl refused"})); sys.exit(0)   # container's PID 1 (docker run python train.py)
from aifootprint.measure.sensors.discovery import SensorConfig
from aifootprint.measure.tracker import Tracker, TrackerConfig
cfg = TrackerConfig(store=False, sensors=SensorConfig(dev_root=sys.argv[1], cpu_tdp_w=10.0, ram_gb=1.0,
                                                      powercap_root=sys.argv[2]))
for _ in range(5):
    tr = Tracker(cfg).start(); tr.wait_open(10); tr.stop()
me, zombies = str(os.getpid()), 0
for pid in os.listdir("/proc"):
    try:
        state, ppid = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[:2]
    except (OSError, ValueError):
        continue
    zombies += state == "Z" and ppid == me
print(json.dumps({"zombies": zombies}))
"""


def test_a_workload_that_reaps_orphans_is_left_no_zombie_readers(library: Path, tmp_path: Path) -> None:
    """Where the workload is the reaper of orphans (a container's PID 1, a child subreaper), the detached reader
    comes back to it as a child: ``stop()`` reaps it through its pidfd once it has exited. Five trackers used to
    leave five zombie processes (a long job with a tracker per step would fill the container's process limit)."""
    if not hasattr(os, "pidfd_open"):
        pytest.skip("no pidfd_open: the reader stays a child of the workload (Popen reaps it)")
    done = run_on_fake_node(SUBREAPER, library, tmp_path, timeout_s=60)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    if "skip" in out:
        pytest.skip(out["skip"])
    assert out == {"zombies": 0}
