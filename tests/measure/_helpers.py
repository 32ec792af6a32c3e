"""Helpers for the measure tests: fake sysfs / procfs trees, the fake NVML library."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from aifootprint.measure.sensors.base import Sensor
    from aifootprint.measure.sensors.discovery import Discovery


def write_zone(root: Path, zone: str, name: str, energy_uj: int, max_uj: int | None = 262143328850) -> Path:
    """Create one powercap zone directory like /sys/class/powercap/intel-rapl:0."""
    d = root / zone
    d.mkdir(parents=True, exist_ok=True)
    (d / "name").write_text(name + "\n")
    (d / "energy_uj").write_text(f"{energy_uj}\n")
    if max_uj is not None:
        (d / "max_energy_range_uj").write_text(f"{max_uj}\n")
    return d


def set_energy(zone_dir: Path, energy_uj: int) -> None:
    (zone_dir / "energy_uj").write_text(f"{energy_uj}\n")


def write_proc(root: Path, busy: int, idle: int, cores: int = 4, mem_kib: int = 16_000_000) -> None:
    """A fake /proc with stat (aggregate line), cpuinfo (topology) and meminfo."""
    root.mkdir(parents=True, exist_ok=True)
    # user nice system idle iowait irq softirq steal
    (root / "stat").write_text(f"cpu  {busy} 0 0 {idle} 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\n")
    cpuinfo = "".join(
        f"processor\t: {i}\nmodel name\t: Test CPU 9000\nphysical id\t: 0\ncore id\t\t: {i}\n\n" for i in range(cores)
    )
    (root / "cpuinfo").write_text(cpuinfo)
    (root / "meminfo").write_text(f"MemTotal:       {mem_kib} kB\nMemFree:        1000 kB\n")


def is_root() -> bool:
    return os.geteuid() == 0


def run_and_kill(script: str, store_path: Path, after_s: float) -> tuple[str, float]:
    """Run ``script`` (given the store path) in a fresh interpreter, read its first output line, let it run
    ``after_s`` seconds more, kill it with SIGKILL; return (that line, the time of the kill)."""
    proc = subprocess.Popen([sys.executable, "-c", script, str(store_path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    time.sleep(after_s)
    killed_at = time.time()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stdout.close()
    return line, killed_at


def build_clocked_nvml(lib: Path) -> Path:
    """Build ``fake_nvml_clocked.c`` (beside this file) into ``lib`` as ``libnvidia-ml.so.1`` with the system C
    compiler (the test is skipped without one); returns ``lib``."""
    import shutil

    import pytest

    here = Path(__file__).parent
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler to build the fake NVML library")
    subprocess.run([cc, "-shared", "-fPIC", "-O1", f"-I{here}", str(here / "fake_nvml_clocked.c"), "-o",
                    str(lib / "libnvidia-ml.so.1")], check=True, timeout=60)
    return lib


def run_on_fake_node(script: str, library: Path, tmp_path: Path, timeout_s: float,
                     extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    """Run ``script`` in a fresh interpreter on a fake GPU node: ``argv[1]`` a device directory holding
    ``nvidiactl``, ``argv[2]`` a powercap root that does not exist, then ``extra``; the fake NVML library in
    ``library`` found through ``LD_LIBRARY_PATH``, ``AIFOOTPRINT_HOME`` under ``tmp_path``; its output is text."""
    dev = tmp_path / "dev"
    dev.mkdir(exist_ok=True)
    (dev / "nvidiactl").touch()
    env = {**os.environ, "LD_LIBRARY_PATH": str(library), "AIFOOTPRINT_HOME": str(tmp_path / "home")}
    return subprocess.run([sys.executable, "-c", script, str(dev), str(tmp_path / "none"), *extra],
                          capture_output=True, text=True, env=env, timeout=timeout_s)


#: The start of a scripted reader child (the reader's injectable command, in place of ``gpuchild``): it maps the
#: shared memory, publishes one GPU at 100 W (``publish()``: the heartbeat and the reading) and says hello; each
#: test appends how it answers the workload's requests.
SCRIPTED_CHILD = r"""
import json, math, mmap, os, struct, sys, time
from aifootprint.measure.sensors import readershm as shm
spec = json.loads(sys.argv[-1])
buf = mmap.mmap(spec["fd"], shm.size(shm.MAX_DEVICES))
def publish():
    shm.HEADER.pack_into(buf, 0, shm.MAGIC, shm.VERSION, 1, os.getpid(), time.monotonic(), 0, 0, 0)  # heartbeat
    shm.write_slot(buf, 0, (time.monotonic(), math.nan, 100.0, math.nan, math.nan, 0.0, 0, 0, b"", b"test-method"))
publish()
print(json.dumps({"devices": [{"device": "gpu:0", "physical_id": "test:0", "method": "test-method"}]}), flush=True)
"""


def scripted_gpu(tmp_path: Path, child: str) -> tuple[Discovery, Sensor]:
    """Discovery through a process reader whose child is the script ``child`` (behind a fake device node), and its
    one GPU."""
    from aifootprint.measure.sensors.discovery import SensorConfig, discover

    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / "nvidiactl").touch()
    cfg = SensorConfig(dev_root=str(tmp_path / "dev"), powercap_root=str(tmp_path / "none"), cpu_tdp_w=1.0,
                       ram_gb=1.0)
    found = discover(cfg, gpu_reader="process", open_timeout_s=10, reader_command=(sys.executable, "-c", child))
    (gpu,) = [s for s in found.sensors if s.component == "gpu"]
    return found, gpu
