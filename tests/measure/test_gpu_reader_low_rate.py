"""A GPU reader process that dies while the tracker samples slowly: the next read is a gap at once. A reader was
taken for dead only once its latest reading was :func:`.gpuproc.stale_after_s` old: at ``hz=0.5`` that is 8 s, so a
reader killed in a run shorter than that left no gap, and the run claimed every second of the GPUs.

Real parts: the tests' fake NVML library behind a fake device node, a real reader child killed with SIGKILL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ._helpers import build_clocked_nvml, run_on_fake_node

KILLED_AT_LOW_RATE = r"""
import json, os, select, signal, sys, time
from aifootprint.measure.sensors.discovery import SensorConfig
from aifootprint.measure.tracker import Tracker, TrackerConfig
tr = Tracker(TrackerConfig(store=False, background=False, hz=0.5, gpu_reader="process", sensors=SensorConfig(
    dev_root=sys.argv[1], powercap_root=sys.argv[2], cpu_tdp_w=10.0, ram_gb=1.0)))
tr.start()
tr.sample()
(pid,) = {t.sensor.reader_pid for t in tr._tracks if hasattr(t.sensor, "reader_pid")}
fd = os.pidfd_open(pid)
os.kill(pid, signal.SIGKILL)
select.select([fd], [], [], 10)   # it has exited
tr.sample()
r = tr.stop()
print(json.dumps({"notes": [n.code for n in r.notes], "gaps": sorted(g.device for g in r.gaps if g.end_s is None)}))
"""


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_clocked_nvml(tmp_path_factory.mktemp("nvml-clocked"))


def test_a_reader_killed_while_sampling_slowly_is_a_gap_at_the_next_read(library: Path, tmp_path: Path) -> None:
    done = run_on_fake_node(KILLED_AT_LOW_RATE, library, tmp_path, timeout_s=60)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert "gpu-reader-failed" in out["notes"]
    assert out["gaps"] == ["gpu:0", "gpu:1"]
