"""The reader process is not a child of the workload (it forks once more and its first process exits; the workload
watches and signals it through a pidfd): a program that waits for all of its children does not wait for it.

Real parts: the tests' fake NVML library (``fake_nvml_clocked.c``) behind a fake device node, fresh interpreters,
real ``os.fork`` and ``os.wait``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ._helpers import build_clocked_nvml

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
    dev = tmp_path / "dev"
    dev.mkdir()
    (dev / "nvidiactl").touch()
    env = {**os.environ, "LD_LIBRARY_PATH": str(library), "AIFOOTPRINT_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-c", WAIT_FOR_ALL, str(dev), str(tmp_path / "none")],
                          capture_output=True, text=True, env=env, timeout=15)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out == {"reaped_workers_only": True, "reader_was_reaped": False, "details": ["gpu-reader-process"],
                   "notes": [], "gpus": ["gpu:0", "gpu:1"]}
