"""``measure``'s tree watcher (:class:`aifootprint.measure.process.TreeWatch`) as a library: what it starts, how it
ends, where it cannot start."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from aifootprint.measure.process import SHELL, WATCHER, TreeWatch, pid_alive

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the watcher reads Linux's /proc")


def _cmdline(pid: int) -> list[bytes]:
    with open(f"/proc/{pid}/cmdline", "rb") as fh:
        return fh.read().split(b"\0")


def test_a_normal_end_starts_no_interpreter() -> None:
    """The watcher was a Python interpreter started with every measure (14 ms of CPU beside the command on the
    project's VM). It is a shell until measure dies; done() ends it with status 0, Python never started."""
    if not os.access(SHELL, os.X_OK):
        pytest.skip(f"no {SHELL}")
    watch = TreeWatch()
    assert watch._pid is not None
    deadline = time.monotonic() + 10  # (until the spawn's exec, the new process shows this one's command line)
    while _cmdline(watch._pid)[0] != SHELL.encode() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _cmdline(watch._pid)[0] == SHELL.encode()
    watch.done()
    _, status = os.waitpid(watch._pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


@pytest.mark.parametrize("shell", [SHELL, None])  # None: the interpreter from the start (no shell on the machine)
def test_a_dead_measure_takes_the_marked_processes_along(shell: str | None) -> None:
    if shell is not None and not os.access(shell, os.X_OK):
        pytest.skip(f"no {shell}")
    earlier = TreeWatch(shell=shell)  # another measure's run: another mark
    watch = TreeWatch(shell=shell)
    marked = subprocess.Popen(["sleep", "60"], env=watch.env())
    unmarked = subprocess.Popen(["sleep", "60"])
    other = subprocess.Popen(["sleep", "60"], env=earlier.env())
    try:
        watch.done(kill=True)  # the pipe closes without "done": measure died
        assert marked.wait(timeout=30) == -9
        assert watch._pid is not None
        os.waitpid(watch._pid, 0)
        assert unmarked.poll() is None and pid_alive(unmarked.pid)
        assert other.poll() is None and pid_alive(other.pid)
    finally:
        earlier.done()
        for p in (marked, unmarked, other):
            p.kill()
            p.wait()


def test_without_posix_spawn_setsid_the_command_alone_is_watched() -> None:
    """Python built on a C library without POSIX_SPAWN_SETSID (glibc before 2.26) raises NotImplementedError from
    posix_spawn(setsid=True): it went out of ``measure`` as a traceback, after the tracker had started. Now nothing
    is watched (the command itself still dies with measure: PR_SET_PDEATHSIG), the environment still marked."""

    def no_setsid(*_args: object, **_kw: object) -> int:
        raise NotImplementedError("setsid is not supported on this platform")

    watch = TreeWatch(spawner=no_setsid)
    assert watch._pid is None and watch._pipe is None
    assert watch.mark.partition("=")[2] == watch.env()["AIFOOTPRINT_MEASURE_RUN"]
    watch.done()


def test_where_pidfd_open_is_refused_the_marked_processes_are_killed_by_pid() -> None:
    """A seccomp filter that refuses pidfd_open (EPERM): the watcher kills by pid instead of skipping everything.
    The refusal is faked in the watcher's interpreter (the watcher program itself is the one measure runs)."""
    watch = TreeWatch()
    marked = subprocess.Popen(["sleep", "60"], env=watch.env())
    unmarked = subprocess.Popen(["sleep", "60"])
    code = ("import os, sys\n"
            "def refused(pid, flags=0):\n    raise PermissionError(1, 'Operation not permitted')\n"
            f"os.pidfd_open = refused\nsys.argv = ['-c', {watch.mark!r}]\nexec({WATCHER!r})\n")
    try:
        done = subprocess.run([sys.executable, "-I", "-S", "-c", code], stdin=subprocess.DEVNULL, timeout=60,
                              env={k: v for k, v in os.environ.items() if k != "AIFOOTPRINT_MEASURE_RUN"})
        assert done.returncode == 0
        assert marked.wait(timeout=30) == -9
        assert unmarked.poll() is None
    finally:
        watch.done()
        for p in (marked, unmarked):
            p.kill()
            p.wait()
