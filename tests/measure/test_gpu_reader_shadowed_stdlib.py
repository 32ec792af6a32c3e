"""A workload whose script directory holds a module named like one of the standard library's (``select.py`` for
feature selection, ``mmap.py``): Python imports it in place of the standard library's in the workload's process,
where the GPU reader's launch imports ``select``, ``mmap``, ``struct`` and ``zlib``. The GPUs are then read in the
workload's process (``auto``), and the result names the file; an import that raises ``SystemExit`` does not keep
``stop()`` waiting for GPUs that will never open.

Real parts: the tests' fake NVML library behind a fake device node, a fresh interpreter running a script from a
directory that holds the shadowing module."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aifootprint.measure.sensors.readerchoice import shadowed_stdlib

from ._helpers import build_clocked_nvml

SCRIPT = r"""
import json, sys
from aifootprint.measure import Tracker
from aifootprint.measure.sensors.discovery import SensorConfig
from aifootprint.measure.tracker import TrackerConfig
dev, none = sys.argv[1:3]
tr = Tracker(TrackerConfig(store=False, gpu_open_timeout_s=5.0, sensors=SensorConfig(
    dev_root=dev, powercap_root=none, cpu_tdp_w=10.0, ram_gb=1.0)))
tr.start()
tr.wait_open(10)
r = tr.stop()
print(json.dumps({"notes": {n.code: n.message for n in r.notes},
                  "gpus": sorted(d.device for d in r.devices if d.component == "gpu" and d.energy_j > 0)}))
"""


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_clocked_nvml(tmp_path_factory.mktemp("nvml-clocked"))


def _run(library: Path, tmp_path: Path, shadow: str, body: str) -> dict[str, object]:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / f"{shadow}.py").write_text(body)
    (folder / "train.py").write_text(SCRIPT)
    dev = tmp_path / "dev"
    dev.mkdir()
    (dev / "nvidiactl").touch()
    env = {**os.environ, "LD_LIBRARY_PATH": str(library), "AIFOOTPRINT_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, str(folder / "train.py"), str(dev), str(tmp_path / "none")],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    out: dict[str, object] = json.loads(done.stdout)
    return out


@pytest.mark.parametrize("shadow", ["select", "mmap", "zlib"])
def test_a_module_shadowing_the_standard_library_leaves_the_gpus_measured_in_process(library: Path, tmp_path: Path,
                                                                                    shadow: str) -> None:
    """Before: the launch's AttributeError ended the GPUs' thread; no GPU was measured and the result said only
    ``sampler-error``."""
    out = _run(library, tmp_path, shadow, "# the project's own helpers\n")
    notes = out["notes"]
    assert isinstance(notes, dict)
    assert out["gpus"] == ["gpu:0", "gpu:1"]
    assert "sampler-error" not in notes
    assert f"{shadow} (" in notes["gpu-reader-fallback"] and f"{shadow}.py" in notes["gpu-reader-fallback"]


def test_a_systemexit_on_the_gpus_thread_does_not_keep_stop_waiting(library: Path, tmp_path: Path) -> None:
    """Before: ``SystemExit`` (raised by the shadowing module) ended the GPUs' thread without saying the GPUs were
    opened, and ``stop()`` waited ``gpu_open_timeout_s`` for them, then said they were "still being opened"."""
    out = _run(library, tmp_path, "select", "raise SystemExit('not the select module')\n")
    notes = out["notes"]
    assert isinstance(notes, dict)
    assert "gpus-not-opened" not in notes
    assert "not the select module" in notes["sampler-error"]


def test_shadowed_modules_are_named_with_their_files(tmp_path: Path) -> None:
    import types

    mine = types.ModuleType("select")
    mine.__file__ = str(tmp_path / "select.py")
    assert shadowed_stdlib({"select": mine, "os": os, "json": json}) == [f"select ({tmp_path / 'select.py'})"]
