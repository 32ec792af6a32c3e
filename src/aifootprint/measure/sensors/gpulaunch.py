"""The launch of the out-of-process GPU reader (:mod:`.gpuproc`): :func:`open_remote_gpus` creates the shared memory
(:mod:`.readershm`), starts the reader child (:mod:`.gpuchild`, by :func:`child_command`) in its own session, detached
from the workload where the kernel has pidfds, waits for its ``started`` line and its hello (the devices it opened),
and hands the GPUs to :func:`.discovery.discover` as :class:`.gpuproc.RemoteGpuSensor` objects over one
:class:`.gpuproc.ReaderClient`. A child that cannot start, exits, does not answer or does not open the GPUs in time
becomes the notice ``gpu-reader-failed`` here (the module docstring of :mod:`.gpuproc` says when); everything after
the hello is :mod:`.gpuproc`'s.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time

from ...notice import Notice
from . import readershm as shm

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from .discovery import Discovery, SensorConfig
    from .gpuproc import GpuReader


def _shared_file(size: int) -> int:
    """A file descriptor of ``size`` zero bytes in memory (``memfd_create``; a deleted temporary file elsewhere),
    numbered 3 or above (in a process whose standard streams are closed a new descriptor gets 0, 1 or 2, which the
    child's own stdin, stdout and stderr would replace)."""
    import fcntl

    create = getattr(os, "memfd_create", None)
    if create is not None:
        fd = int(create("aifootprint-gpu-reader"))
    else:  # pragma: no cover - non-Linux
        import tempfile

        with tempfile.TemporaryFile() as fh:
            fd = os.dup(fh.fileno())
    if fd < 3:
        try:
            moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3)
        finally:
            os.close(fd)
        fd = moved
    try:
        os.ftruncate(fd, size)
    except OSError:
        os.close(fd)
        raise
    return fd


def child_command(package_root: str | None = None) -> list[str]:
    """The reader child's command: this interpreter with the workload's isolation flags (``-I``, ``-E``, ``-s``,
    ``-S``), ``-P`` (no working directory in front of ``sys.path``) and :data:`.gpuchild.BOOT`, which imports the
    aifootprint under ``package_root`` (this one's: the directory holding the package) by its files. Neither the
    working directory (``python -m`` puts it first) nor the package's directory (``PYTHONPATH`` would put it ahead
    of the standard library: a backport such as ``enum34`` in site-packages then shadows the standard library's
    module) goes in front of the standard library: the child imports what the workload imports."""
    from .gpuchild import BOOT

    root = package_root or os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))))
    flags = sys.flags
    isolation = ["-I"] if flags.isolated else [*(["-E"] if flags.ignore_environment else []),
                                                *(["-s"] if flags.no_user_site else [])]
    if flags.no_site:
        isolation.append("-S")
    return [sys.executable, *isolation, "-P", "-c", BOOT, root]


def _pidfds() -> bool:
    """True where this kernel and Python have pidfds (Linux 5.3+, ``os.pidfd_open``): the reader is then detached
    from the workload (:mod:`.gpuchild`), which it can watch and signal race-free."""
    opener = getattr(os, "pidfd_open", None)
    if opener is None:
        return False
    try:
        os.close(opener(os.getpid()))
    except OSError:
        return False
    return True


def _stderr_tail(fd: int) -> str:
    """The last line the child wrote to stderr (a memory file; '' when none or unreadable), at most 300 characters."""
    try:
        end = os.fstat(fd).st_size
        data = os.pread(fd, 4096, max(0, end - 4096))
    except OSError:
        return ""
    lines = [ln.strip() for ln in data.decode("utf-8", "replace").splitlines() if ln.strip()]
    return lines[-1][:300] if lines else ""


def _notices(rows: list[list[str]]) -> list[Notice]:
    return [Notice(*row) for row in rows]


def open_remote_gpus(cfg: SensorConfig, found: Discovery, pids: Callable[[], set[int]] | None,
                     reader: GpuReader) -> str | None:
    """Start the reader child, wait for its hello (at most ``reader.start_timeout_s``) and add its GPUs to
    ``found``; returns None, or why the child failed: it cannot start, exits, fails to open the GPUs, does not
    start answering within ``reader.answer_timeout_s`` (its ``started`` line), has not opened the GPUs within
    ``reader.start_timeout_s`` (a slow ``nvmlInit`` is waited for: the in-process reader would wait as long), or
    writes another layout of the shared memory. Then an explicit ``process`` reader leaves the notice
    ``gpu-reader-failed`` (the GPUs are unmeasured); ``auto`` (``reader.kind``) leaves nothing: the caller opens
    the GPUs in its own process instead (:func:`.discovery.open_gpus`). An unknown ``--gpus`` id is an InputError,
    as in-process."""
    import json
    import mmap
    import socket
    import subprocess

    from ...errors import InputError
    from .gpuproc import CLOSE_WAIT_S, ReaderClient, RemoteGpuSensor

    def failed(why: str) -> str:
        if reader.kind != "auto":
            notice = Notice("gpu-reader-failed", f"{why}: GPU energy is NOT included in this measurement", "gpu")
            found.notes.append(notice)
            found.hints.append(notice)
        return why

    size = shm.size(shm.MAX_DEVICES)
    try:  # memfd_create is Linux 3.17+; a sandbox may refuse it or the mapping
        fd = _shared_file(size)
    except OSError as exc:
        return failed(f"the GPU reader's shared memory could not be created ({exc})")
    try:
        buf = mmap.mmap(fd, size)
    except (OSError, ValueError) as exc:
        os.close(fd)
        return failed(f"the GPU reader's shared memory could not be mapped ({exc})")
    if pids is not None:
        shm.write_pids(buf, pids())
    spec = {"fd": fd, "hz": reader.hz, "gpus": list(cfg.gpus) if cfg.gpus is not None else None,
            "budget": cfg.nvml_read_budget, "dev_root": cfg.dev_root, "parent": os.getpid(), "detach": _pidfds()}
    # the child imports this installation of aifootprint, installed or not, and the workload's environment
    command = list(reader.command) if reader.command else child_command()
    try:  # what the child writes to stderr before its hello: quoted when it fails (memory, not a file on disk)
        err: int | None = _shared_file(0)
    except OSError:
        err = None
    requests: socket.socket | None = None
    try:  # the child's stdin: a socket, so that a write to a dead child is an error, not a SIGPIPE (ReaderClient)
        requests, theirs = socket.socketpair()
        try:
            theirs.shutdown(socket.SHUT_WR)  # the child only reads it
            proc = subprocess.Popen([*command, json.dumps(spec)], stdin=theirs.fileno(), stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL if err is None else err, pass_fds=(fd,),
                                    start_new_session=True)
        finally:
            theirs.close()
        requests.shutdown(socket.SHUT_RD)
    except BaseException as exc:  # OSError: it cannot start; KeyboardInterrupt: nothing may stay open either
        if requests is not None:
            requests.close()
        buf.close()
        os.close(fd)
        if err is not None:
            os.close(err)
        if not isinstance(exc, OSError):
            raise
        return failed(f"the GPU reader process could not start ({exc})")
    client = ReaderClient(proc, buf, fd, pids, reader.hz, requests)
    begun = time.monotonic()
    bound = reader.answer_timeout_s or reader.start_timeout_s
    started = False
    try:  # (Ctrl-C while waiting, in manual mode on the caller's thread: the child and the descriptors go with it)
        line = client.line(bound)
        try:
            hello = json.loads(line) if line else None
            if isinstance(hello, dict) and "started" in hello:  # it runs; now opening the GPUs (seconds per GPU)
                started, bound = True, reader.start_timeout_s
                client.attach(int(hello["started"]))
                line = client.line(max(0.0, begun + bound - time.monotonic()))
                hello = json.loads(line) if line else None
        except ValueError:
            hello = None
    except BaseException:
        client.kill()
        with contextlib.suppress(Exception):
            client.close()
        if err is not None:
            os.close(err)
        raise
    closed = line is None and time.monotonic() - begun < bound  # its pipe closed before the bound
    layout = shm.HEADER.unpack_from(buf, 0)[:2]
    if not isinstance(hello, dict) or "devices" not in hello or (hello["devices"] and layout != (shm.MAGIC,
                                                                                                 shm.VERSION)):
        # before close(), which kills a child that never answered; its pipe closed as it exits: the end follows
        # within moments
        ended = client.gone(CLOSE_WAIT_S if closed else 0.0)
        client.close()
        said = _stderr_tail(err) if err is not None else ""
        if err is not None:
            os.close(err)
        said = f": {said}" if said else ""
        if isinstance(hello, dict) and "input_error" in hello:
            raise InputError(str(hello["input_error"]))
        if isinstance(hello, dict) and "error" in hello:
            return failed(f"the GPU reader process could not open the GPUs ({hello['error']})")
        if isinstance(hello, dict) and "devices" in hello:
            return failed(f"the GPU reader process wrote shared-memory layout {layout[1]} (magic {layout[0]:#x}); "
                          f"this process reads layout {shm.VERSION}")
        if ended is not None:
            return failed(f"the GPU reader process {ended} before reading a GPU{said}")
        if started:
            return failed(f"the GPU reader process did not open the GPUs within {bound:g} s{said}")
        return failed(f"the GPU reader process did not answer within {bound:g} s{said}")
    if err is not None:
        os.close(err)  # the child's copy goes to /dev/null after its hello
    found.notes.extend(_notices(hello.get("notes", [])))
    found.details.extend(_notices(hello.get("details", [])))
    found.hints.extend(_notices(hello.get("hints", [])))
    found.assumptions.extend((str(a[0]), float(a[1]), str(a[2]), str(a[3])) for a in hello.get("assumptions", []))
    sensors = [RemoteGpuSensor(client, i, info) for i, info in enumerate(hello["devices"])]
    if not sensors:
        client.close()
    found.sensors.extend(sensors)
    return None
