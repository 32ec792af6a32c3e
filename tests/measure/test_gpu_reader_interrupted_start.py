"""Ctrl-C while the workload waits for its GPU reader to start (manual mode, ``TrackerConfig(background=False)``,
and any caller of ``discover()``: the wait is on the caller's thread): the child is ended and the shared memory's
descriptors closed. They stayed open for the process's life (two memory files per interrupted start: a notebook
re-running a cell piled them up), with the child's pidfd.

Real parts: a fresh interpreter, a scripted reader child that says it started and then never opens a GPU."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

INTERRUPTED_START = r"""
import json, os, signal, sys, threading, time
from aifootprint.measure.sensors.discovery import SensorConfig, discover
def memfds():
    out = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            out += "aifootprint-gpu-reader" in os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            pass
    return out
threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT)).start()   # Ctrl-C while the reader opens the GPUs
try:
    discover(SensorConfig(dev_root=sys.argv[1], powercap_root=sys.argv[2], cpu_tdp_w=1.0, ram_gb=1.0),
             gpu_reader="process", open_timeout_s=30, reader_command=(sys.executable, "-c", sys.argv[3]))
    interrupted = False
except KeyboardInterrupt:
    interrupted = True
time.sleep(0.3)
pid = int(open(sys.argv[4]).read())
state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] if os.path.exists(f"/proc/{pid}") else "gone"
print(json.dumps({"interrupted": interrupted, "memfds": memfds(), "child": state,
                  "mapped": "aifootprint-gpu-reader" in open("/proc/self/maps").read()}))
"""

#: Says it started (its pid in a file), then takes for ever to open the GPUs.
SLOW_CHILD = r"""
import json, os, sys, time
open(sys.argv[1], "w").write(str(os.getpid()))
print(json.dumps({"started": os.getpid()}), flush=True)
time.sleep(60)
"""


def test_ctrl_c_while_the_reader_starts_leaks_nothing(tmp_path: Path) -> None:
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / "nvidiactl").touch()
    pid_file = tmp_path / "child.pid"
    child = SLOW_CHILD.replace("sys.argv[1]", repr(str(pid_file)))
    env = {**os.environ, "AIFOOTPRINT_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-c", INTERRUPTED_START, str(tmp_path / "dev"), str(tmp_path / "none"),
                           child, str(pid_file)], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["interrupted"]
    assert out["memfds"] == 0 and not out["mapped"]
    assert out["child"] in ("gone", "Z")
