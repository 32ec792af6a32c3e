"""`aifootprint measure` killed with -9 takes the command's whole process tree with it, not only the command: the
commands of a shell script and a launcher's workers used to run on, unmeasured, reparented to init. A command that
ends normally keeps what it left running in the background, as under a shell.

Real processes: `measure` in a fresh interpreter, a shell as the command, a Python grandchild."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .test_cli import CLI

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and PR_SET_PDEATHSIG: Linux")


def _running(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting for init to reap it has ended)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _wait_for(path: Path, timeout_s: float = 30.0) -> int:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return int(path.read_text())
        time.sleep(0.05)
    raise AssertionError(f"{path} never written")


def _ended(pid: int, timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _running(pid)


def test_the_commands_grandchildren_die_with_a_killed_measure(private_home: Path, tmp_path: Path) -> None:
    _kill_measure_and_check_the_grandchild(tmp_path, [], "the command's child outlived the killed measure")


def _kill_measure_and_check_the_grandchild(tmp_path: Path, inner: list[str], message: str) -> None:
    """``measure -- [inner …] sh -c "python -c <sleeps 60 s>; echo …"``, killed once the grandchild runs: the
    grandchild must end with it."""
    pid_file = tmp_path / "grandchild.pid"
    grandchild = f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(60)"
    script = f"{sys.executable} -c \"{grandchild}\"; echo the shell goes on"
    env = {**os.environ, "AIFOOTPRINT_SENSORS": "fake"}
    measure = subprocess.Popen([*CLI, "measure", "--", *inner, "sh", "-c", script], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pid = _wait_for(pid_file)
    try:
        measure.kill()
        measure.wait()
        assert _ended(pid), message
    finally:
        if _running(pid):
            os.kill(pid, 9)


def test_what_a_command_leaves_in_the_background_is_left_alone(private_home: Path, tmp_path: Path) -> None:
    pid_file = tmp_path / "background.pid"
    env = {**os.environ, "AIFOOTPRINT_SENSORS": "fake"}
    background = f"sleep 30 >/dev/null 2>&1 & echo $! > {pid_file}"
    done = subprocess.run([*CLI, "measure", "--json", "--", "sh", "-c", background], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    pid = _wait_for(pid_file)
    try:
        time.sleep(0.5)  # the watcher, had it been told nothing, would have killed it by now
        assert _running(pid)
        watchers = [p for p in os.listdir("/proc") if p.isdigit() and _watcher_of(p, private_home)]
        assert watchers == [], "the watcher outlived measure"
    finally:
        os.kill(pid, 9)


def _watcher_of(pid: str, home: Path) -> bool:
    """True when ``pid`` is the watcher of a ``measure`` run with ``AIFOOTPRINT_HOME`` at ``home`` (this test's)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            args = fh.read().split(b"\0")
        with open(f"/proc/{pid}/environ", "rb") as fh:
            env = fh.read().split(b"\0")
    except OSError:
        return False
    return len(args) > 4 and args[4].startswith(b"# aifootprint measure: kills") and (
        f"AIFOOTPRINT_HOME={home}".encode() in env)


def test_a_measure_inside_a_measured_command_takes_its_own_tree_along(private_home: Path, tmp_path: Path) -> None:
    """``measure -- measure -- sh -c ...`` killed: the outer watcher kills the inner ``measure`` (it carries the
    outer mark), and the inner watcher, which carries no mark, lives to kill the inner command's processes."""
    _kill_measure_and_check_the_grandchild(tmp_path, [*CLI, "measure", "--"],
                                           "the inner command's child outlived the killed measures")
