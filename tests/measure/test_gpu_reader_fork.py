"""The reader process and ``os.fork``: a process forked from the workload inherits its tracker, the reader's pipes
and the shared memory; what it does with them must not end or confuse the workload's reader.

Real parts: the tests' fake NVML library (``fake_nvml_clocked.c``, an energy counter that follows power over time)
behind a fake device node, fresh interpreters, a real ``os.fork``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ._helpers import build_clocked_nvml, run_on_fake_node

POWER_W = {"gpu:0": 250.0, "gpu:1": 300.0}

FORKED = r"""
import json, os, sys, time
from aifootprint.measure.sensors.discovery import SensorConfig
from aifootprint.measure.tracker import Tracker, TrackerConfig
cfg = TrackerConfig(store=False, gpu_reader="process", sensors=SensorConfig(dev_root=sys.argv[1], cpu_tdp_w=10.0,
                    ram_gb=1.0, powercap_root=sys.argv[2]))
with Tracker(cfg) as tr:
    tr.wait_open(10)
    pid = os.fork()
    if pid == 0:   # a forked worker that leaves the with block: stop() on the inherited tracker, in the child
        time.sleep(0.2)
        sys.exit(0)
    os.waitpid(pid, 0)
    time.sleep(1.5)   # past the reader's staleness bound (1 s at 10 Hz): a reader ended by the child is seen
r = tr.result
print(json.dumps({"notes": [n.code for n in r.notes], "gaps": [g.device for g in r.gaps],
                  "power_w": {d.device: d.energy_j / r.duration_s for d in r.devices if d.component == "gpu"}}))
"""


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_clocked_nvml(tmp_path_factory.mktemp("nvml-clocked"))


def test_a_forked_process_that_stops_the_inherited_tracker_leaves_the_reader_to_the_workload(
        library: Path, tmp_path: Path) -> None:
    """The forked process's ``stop()`` closes its copies (mapping, descriptors) and sends the reader nothing: it
    used to send ``q``, ending the workload's reader, whose GPUs were then a gap from 0.2 s on
    (``gpu-reader-failed``; 35 W measured for 250 W). The in-process reader never had this: a forked process's
    NVML is its own."""
    done = run_on_fake_node(FORKED, library, tmp_path, timeout_s=60)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["notes"] == [] and out["gaps"] == []
    assert out["power_w"] == pytest.approx(POWER_W, rel=0.05)
