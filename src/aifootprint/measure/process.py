"""Run a command to be measured: its process tree, and a child that never outlives the one measuring it.

:func:`spawn` starts the command as ``aifootprint measure`` does. On Linux the child asks the kernel for
``SIGKILL`` when its parent dies (``prctl(PR_SET_PDEATHSIG)``, prctl(2)), so a ``measure`` killed with ``kill -9``
does not leave the workload running unmeasured (nor the processes it started: :class:`TreeWatch`). The child stays
in the terminal's process group, so that it can still read the terminal and Ctrl-C reaches it directly (a command
in its own group would be stopped by SIGTTIN).

A command that cannot be started is a :class:`CommandError` with the shell's exit status: 127 when it is not
found, 126 when it is found but cannot be executed (no permission, not a program: ``Exec format error``).
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence

from ..errors import InputError

TYPE_CHECKING = False  # typing is not imported at run time (`aifootprint measure` never needs it)
if TYPE_CHECKING:
    from typing import IO, Any

#: Exit status of a shell for a command that is not found / found but not executable (POSIX, "Command Search
#: and Execution", https://pubs.opengroup.org/onlinepubs/9699919799/utilities/V3_chap02.html#tag_18_09_01_01).
EXIT_NOT_FOUND = 127
EXIT_NOT_EXECUTABLE = 126
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


class CommandError(InputError):
    """The command could not be started; ``exit_code`` is what a shell would return (126 or 127)."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def check_command(argv: Sequence[str]) -> None:
    """Raise :class:`CommandError` unless ``argv[0]`` names an executable file (as a shell would look it up)."""
    if not argv:
        raise InputError("no command given; usage: aifootprint measure [OPTIONS] -- COMMAND [ARGS...]")
    name = argv[0]
    if os.sep in name:
        if not os.path.exists(name):
            raise CommandError(f"command not found: {name!r} (no such file)", EXIT_NOT_FOUND)
        if os.path.isdir(name) or not os.access(name, os.X_OK):
            raise CommandError(f"cannot execute {name!r}: it is not an executable file", EXIT_NOT_EXECUTABLE)
        found = name
    else:
        on_path = which(name)
        if on_path is None:
            raise CommandError(f"command not found: {name!r} (not on PATH)", EXIT_NOT_FOUND)
        found = on_path
    if not _loadable(found):
        raise CommandError(f"cannot execute {name!r}: Exec format error (not a program or script with a #! line)",
                           EXIT_NOT_EXECUTABLE)


#: The magic numbers execve(2) runs without binfmt_misc: ELF binaries and ``#!`` scripts.
_EXEC_MAGIC = (b"\x7fELF", b"#!")
_BINFMT_MISC = "/proc/sys/fs/binfmt_misc"


def _loadable(path: str) -> bool:
    """False when the kernel would refuse ``path`` with ENOEXEC: neither an ELF binary nor a ``#!`` script, and no
    binfmt_misc handler registered (which may run other formats); True when it cannot tell (unreadable file). Checked
    before the measurement starts, so that such a command, like one not found, leaves no run behind."""
    try:
        with open(path, "rb") as f:
            head = f.read(4)
    except OSError:
        return True
    if head.startswith(_EXEC_MAGIC):
        return True
    try:
        handlers = [e for e in os.listdir(_BINFMT_MISC) if e not in ("register", "status")]
    except OSError:
        handlers = []
    return bool(handlers)


def which(name: str) -> str | None:
    """``shutil.which(name)`` on POSIX: the first executable, non-directory ``name`` on ``$PATH`` (else
    ``os.confstr("CS_PATH")``; an empty ``$PATH`` finds nothing), without importing :mod:`shutil` (with ``bz2``,
    ``lzma``, ``fnmatch``: a few ms of every ``aifootprint measure``). ``tests/measure/test_process_which.py``
    compares the two."""
    path = os.environ.get("PATH")
    if path is None:
        try:
            path = os.confstr("CS_PATH")
        except (AttributeError, ValueError):
            path = os.defpath
    if not path:
        return None
    seen: set[str] = set()
    for folder in path.split(os.pathsep):
        if folder in seen:
            continue
        seen.add(folder)
        candidate = os.path.join(folder, name)
        if os.path.exists(candidate) and os.access(candidate, os.F_OK | os.X_OK) and not os.path.isdir(candidate):
            return candidate
    return None


def _death_signal() -> Callable[[], None] | None:
    """A ``preexec_fn`` that sets PR_SET_PDEATHSIG to SIGKILL (Linux only; None elsewhere)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = _libc_function("prctl")
    except (OSError, AttributeError, ImportError):
        return None
    parent = os.getpid()

    def preexec() -> None:  # runs in the child between fork and exec: no allocation-heavy work
        prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(EXIT_NOT_EXECUTABLE)

    return preexec


def _libc_function(name: str) -> Callable[..., int]:
    """A C library function returning ``int``, called with ``int`` arguments: what ``ctypes.CDLL(None).<name>``
    gives, from :mod:`_ctypes` alone (the :mod:`ctypes` package and :mod:`struct` cost ~3 ms of every measured
    command; ``tests/measure/test_cli_hardening.py`` checks that the child dies with its parent)."""
    import _ctypes

    class CInt(_ctypes._SimpleCData):  # type: ignore[type-arg]  # ctypes.c_int
        _type_ = "i"

    class CFunction(_ctypes.CFuncPtr):  # ctypes.CFUNCTYPE(c_int, use_errno=True)
        _flags_ = _ctypes.FUNCFLAG_CDECL | _ctypes.FUNCFLAG_USE_ERRNO
        _restype_ = CInt

    class Process:  # the symbols of this process and the libraries it loaded: ctypes.CDLL(None)
        _handle = _ctypes.dlopen(None, 0)  # type: ignore[arg-type]  # NULL: this process

    function: Callable[..., int] = CFunction((name, Process()))  # type: ignore[arg-type]
    return function


def spawn(argv: Sequence[str], *, stdout: IO[Any] | int | None = None,
          env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start ``argv`` (dies with this process on Linux; ``env``: its environment, None: this one's);
    :class:`CommandError` when it cannot be started."""
    check_command(argv)
    try:
        return subprocess.Popen(list(argv), stdout=stdout, preexec_fn=_death_signal(), env=env)
    except FileNotFoundError as exc:
        raise CommandError(f"command not found: {argv[0]!r}", EXIT_NOT_FOUND) from exc
    except PermissionError as exc:
        raise CommandError(f"cannot execute {argv[0]!r}: permission denied", EXIT_NOT_EXECUTABLE) from exc
    except OSError as exc:
        if exc.errno in (errno.ENOEXEC, errno.EISDIR, errno.EACCES):
            raise CommandError(f"cannot execute {argv[0]!r}: {exc.strerror} (not a program or script with a "
                               "#! line)", EXIT_NOT_EXECUTABLE) from exc
        raise


#: The environment variable that marks the measured command's processes: ``measure`` gives the command a random value
#: (:class:`TreeWatch`), which every process it starts inherits.
RUN_MARK = "AIFOOTPRINT_MEASURE_RUN"

#: The watcher's program (``python -I -S -c WATCHER MARK``; standard library only, no site: it starts in a few ms).
#: Its stdin is a pipe from ``measure``: ``done`` then end of file is a normal end; end of file alone means
#: ``measure`` died. It then kills every process whose environment carries the mark (through a pidfd: never
#: another process that got a dead one's number), until none is left (a process forking meanwhile).
WATCHER = ("# aifootprint measure: kills the measured command's processes if measure dies\n"
           "import os, signal, sys\n"
           "mark = b'\\0' + sys.argv[1].encode() + b'\\0'\n"
           "said = b''\n"
           "while True:\n"
           "    got = os.read(0, 64)\n"
           "    if not got: break\n"
           "    said += got\n"
           "if said.endswith(b'done'): sys.exit(0)\n"
           "me, opener = os.getpid(), getattr(os, 'pidfd_open', None)\n"
           "for _ in range(20):\n"
           "    hit = 0\n"
           "    for entry in os.listdir('/proc'):\n"
           "        if not entry.isdigit() or int(entry) == me: continue\n"
           "        fd = None\n"
           "        try:\n"
           "            try: fd = opener(int(entry)) if opener else None\n"
           "            except OSError as e:\n"
           "                if e.errno == 3: continue\n"  # ESRCH: gone; else no pidfd here (seccomp): os.kill
           "            with open('/proc/' + entry + '/environ', 'rb') as fh: env = b'\\0' + fh.read()\n"
           "            if mark in env:\n"
           "                hit += 1\n"
           "                signal.pidfd_send_signal(fd, signal.SIGKILL) if fd is not None "
           "else os.kill(int(entry), signal.SIGKILL)\n"
           "        except OSError: pass\n"
           "        finally:\n"
           "            if fd is not None: os.close(fd)\n"
           "    if not hit: break\n")


#: The watcher's first program: a shell that waits for ``measure``'s word and starts :data:`WATCHER` (``exec``, the
#: same process) only when ``measure`` died without ``done``: a normal end costs a shell's start, not a Python
#: interpreter's (which competed with ``measure`` and the command for the CPU: ``tests/measure/test_tree_watcher.py``
#: checks that no interpreter starts). ``$0``: the interpreter, ``$1``: :data:`WATCHER`, ``$2``: the mark.
SHELL = "/bin/sh"
SHELL_WAIT = 'IFS= read -r said; [ "$said" = done ] && exit 0; exec "$0" -I -S -c "$1" "$2"'


class TreeWatch:
    """Kills the measured command's whole process tree when ``measure`` dies (``kill -9`` included).

    ``PR_SET_PDEATHSIG`` (:func:`spawn`) reaches the command's own process only: the processes it starts (the
    commands of ``measure -- sh train.sh``, a launcher's workers) were reparented to init and ran on unmeasured. A
    watcher process (:data:`WATCHER`, in a session of its own: the terminal's Ctrl-C does not reach it) holds the
    read end of a pipe from ``measure``; the command's environment carries :data:`RUN_MARK` with a random value
    (:attr:`env`). When ``measure`` dies the pipe closes without :meth:`done`, and the watcher kills every process
    whose environment carries that value. A process that clears its environment escapes (a daemon that does so is
    detaching on purpose). Once the command has exited, :meth:`done` ends the watcher: what the command left running
    in the background is not touched (as a shell leaves it). Linux only (``/proc/<pid>/environ``): elsewhere, without
    ``/proc``, or where the watcher cannot start (no ``POSIX_SPAWN_SETSID``: glibc before 2.26), nothing is watched
    (the command itself still dies with ``measure``). Until ``measure`` dies the watcher is a shell
    (:data:`SHELL_WAIT`); Python starts only to kill. What it may kill: processes whose environment it can read
    (this user's; root's watcher reads all) carrying this run's random mark; each is signalled through a pidfd
    opened before its environment is read, so a pid reused meanwhile is never hit. Where ``pidfd_open`` is refused
    (a seccomp filter) it kills by pid: a marked process that exits, is reaped and whose pid is reused by another
    process in the microseconds between the read and the kill would be hit instead (pid reuse needs the pid space
    to wrap around first). The watcher carries no mark: a ``measure``
    inside a measured command has its own, and the outer watcher must not kill the inner one, which kills the inner
    command's processes (they carry the inner mark only)."""

    def __init__(self, shell: str | None = SHELL, spawner: Callable[..., int] | None = None) -> None:
        self.mark = f"{RUN_MARK}={os.urandom(8).hex()}"
        self._pipe: int | None = None
        self._pid: int | None = None
        if not sys.platform.startswith("linux") or not os.path.isdir("/proc"):  # /proc/<pid>/environ: Linux's
            return
        read, write = os.pipe()
        try:
            null = os.open(os.devnull, os.O_RDWR)
            try:
                actions = [(os.POSIX_SPAWN_DUP2, read, 0), (os.POSIX_SPAWN_DUP2, null, 1),
                           (os.POSIX_SPAWN_DUP2, null, 2)]
                argv = [sys.executable, "-I", "-S", "-c", WATCHER, self.mark]
                if shell is not None and os.access(shell, os.X_OK):  # Python only once measure has died
                    argv = [shell, "-c", SHELL_WAIT, *argv[:1], *argv[4:]]
                self._pid = (spawner or os.posix_spawn)(argv[0], argv, {k: v for k, v in os.environ.items()
                                                                        if k != RUN_MARK},
                                                        file_actions=actions, setsid=True)  # (no mark: see below)
            finally:
                os.close(null)
        except (OSError, AttributeError, NotImplementedError):  # no posix_spawn, no POSIX_SPAWN_SETSID (glibc < 2.26:
            os.close(write)  # NotImplementedError), no interpreter to run: the command alone is watched
            write = -1
        finally:
            os.close(read)
        self._pipe = write if write >= 0 else None

    def env(self) -> dict[str, str]:
        """The command's environment: this process's, with the mark."""
        name, _, value = self.mark.partition("=")
        return {**os.environ, name: value}

    def done(self, kill: bool = False) -> None:
        """The command has exited: end the watcher without killing anything; ``kill``: ``measure`` is leaving on an
        error with the command killed, and the processes it started must not run on either (idempotent)."""
        import contextlib

        pipe, self._pipe = self._pipe, None
        if pipe is not None:
            if not kill:
                with contextlib.suppress(OSError):
                    os.write(pipe, b"done")
            os.close(pipe)
        if self._pid is not None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, os.WNOHANG)


def descendants(root: int, proc_root: str = "/proc") -> set[int]:
    """``root`` and every process below it (from ``/proc/<pid>/stat`` parent ids)."""
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir(proc_root)
    except OSError:
        return {root}
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"{proc_root}/{entry}/stat", encoding="ascii", errors="replace") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid not in out:
            out.add(pid)
            todo.extend(children.get(pid, []))
    return out


def pid_alive(pid: int) -> bool:
    """True when a process with this id exists on this machine (it may be another process that reused it)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
