"""GPUs read by a child process (``TrackerConfig(gpu_reader="process")``, ``measure --gpu-reader process``): the
workload's process loads no GPU library; its GPU sensors read the child's latest readings from shared memory.

Why: on an H100/H200 (issue 12, ``benchmarks/results/gpu/tracker_overhead_h200_*.txt``) the in-process reader
missed the tracker's targets: +24 MiB of RSS (``nvmlInit`` alone maps ~18 MiB of driver library into the process)
and 0.27 % of a core for the sampler at 10 Hz. Zeus' power monitor polls GPUs in separate processes for the same
reason. The child (:mod:`.gpuchild`) runs the in-process sensors themselves (:class:`.nvidia.NvidiaSensor`, its read
budget included) at the tracker's rate; here a read is two ``struct`` unpacks of a mapping (no system call, no GIL
held by a driver call). Its own memory and CPU are the child's: ``benchmarks/tracker_overhead.py`` prints both
beside the workload's, so that nothing is hidden. On a GPU these figures are pending a GPU run (docs/measure.md).

What the tracker sees is the in-process reader's contract: the same devices, ids, methods, power limits, notices and
assumptions (fetched from the child at ``stop()``), and readings dated when the child took them (a
:class:`DatedReading` says how old it is; the tracker dates it so). ``read_full`` (the tracker's first and last
reading) asks the child for a fresh full read and waits for it at most :data:`FULL_WAIT_S`; past that, the latest
reading is used.

The child reads only the devices this process reads (each read renews the device's demand in the mapping,
:func:`.readershm.demand`; :class:`.gpuchild.Publisher`): in a multi-rank job, a GPU whose lease another rank holds is
not read by this rank's child after the first :func:`.gpuchild.idle_after_s`. A read that finds its device's slot
stale while the child is alive (the device was not read lately: a lease just taken over, a manual-mode caller that
samples rarely) asks the child for a full read first, so it is never taken for a hung child.

Failures never stall or lose the run: a child that cannot start, does not start answering within the tracker's
``gpu_open_timeout_s`` (half of it under ``gpu_reader="auto"``, which then reads the GPUs in this process instead:
:mod:`.readerchoice`) or has not opened the GPUs within ``gpu_open_timeout_s`` leaves the GPUs unmeasured with the
notice ``gpu-reader-failed`` (the run goes on with the CPU and RAM; the notice quotes the last line the child wrote
to stderr); a child that dies or stops publishing (no reading for :func:`stale_after_s`) turns every later read into a
:class:`.base.SensorError`, which the tracker records as a gap (``sensor-gap`` / ``sensor-lost``), and the result
carries ``gpu-reader-failed`` saying which. The child ends with the workload (:mod:`.gpuchild`); where the kernel has
pidfds it is detached, no child of the workload (:meth:`ReaderClient.attach`).

This module is the workload's side of a running reader: :class:`ReaderClient` (the child's process, the mapping, the
request pipe) and :class:`RemoteGpuSensor` (one GPU). Starting the child and its handshake are
:mod:`.gpulaunch`'s (:func:`.gpulaunch.open_remote_gpus`, :func:`.gpulaunch.child_command`, importable from here
too).
"""

from __future__ import annotations

import contextlib
import math
import os
import select
import threading
import time
from dataclasses import dataclass

from ...notice import Notice
from . import readershm as shm
from .base import Component, Reading, SensorError
from .gpulaunch import child_command as child_command  # re-exported: this module was their home
from .gpulaunch import open_remote_gpus as open_remote_gpus

TYPE_CHECKING = False
if TYPE_CHECKING:
    import mmap
    import socket
    import subprocess
    from collections.abc import Callable
    from typing import Any

#: How long ``read_full`` waits for the child's fresh full read [s] (a design bound under the tracker's default
#: ``sensor_timeout_s`` of 0.25 s, so that waiting never makes a read a gap; past it the latest reading is used).
FULL_WAIT_S = 0.2
#: A full read completed this recently serves every device's ``read_full`` of the same tick [s] (a design bound: a
#: fifth of the 0.1 s tick at the default 10 Hz, so two ticks never share one read).
FULL_REUSE_S = 0.02
#: How often the tracked process ids are published to the child [s] (the NVML process share is refreshed at most
#: once a second, :mod:`.nvidia`).
PIDS_EVERY_S = 1.0
#: How long ``stop()`` waits for the child's notices and assumptions [s], and for the child to exit [s] (design
#: bounds: a healthy child answers within one tick; past them a hung child is killed and its GPUs are a gap, so
#: ``stop()`` never waits on it longer).
REPORT_WAIT_S = 1.0
CLOSE_WAIT_S = 2.0


@dataclass(frozen=True)
class GpuReader:
    """How :func:`.discovery.discover` reads the GPUs: ``kind``, ``thread`` (in the tracker's process) or
    ``process`` (a child process, this module); for ``process``, the child's sampling rate ``hz``, how long to
    wait for it to open the GPUs (``start_timeout_s``) and to start answering (``answer_timeout_s``, its
    ``started`` line; None: ``start_timeout_s``), and the command that starts it (``command``, None: this
    interpreter running :data:`.gpuchild.BOOT`, :func:`.gpulaunch.child_command`; tests use it).
    Created on the GPUs' own thread, never in ``start()`` (importing this module took 1.6-3 ms; a dataclass costs
    ~0.7 ms to create)."""

    kind: str = "thread"  # "process"; "auto": a failed child is not flagged (the caller reads in-process instead)
    hz: float = 10.0
    start_timeout_s: float = 30.0
    command: tuple[str, ...] | None = None
    answer_timeout_s: float | None = None


def stale_after_s(hz: float) -> float:
    """A reading older than this means the child is dead or hung [s]: four of its ticks, at least 1 s (a design
    bound: a child starved of CPU for a moment is not a failure; a gap is bridged by the counter when it is back)."""
    return max(4.0 / hz, 1.0)


if TYPE_CHECKING:

    class DatedReading(Reading):
        age_s: float
else:

    class DatedReading(Reading):
        """A :class:`.base.Reading` taken ``age_s`` seconds before it was returned (the child's latest)."""


def _nan_none(value: float) -> float | None:
    return None if value != value else value


class ReaderClient:
    """The workload's side of one reader child: its process, the mapping, the request pipe.

    A process forked from the workload inherits a copy (``os.fork``, ``multiprocessing``'s fork): there the client
    only reads the mapping; it sends the child nothing (no request: its answer would go to whichever process reads
    the pipe first; no ``q``: a forked worker leaving ``with Tracker()`` ended the workload's reader), publishes no
    process ids (they would replace the workload's), and its ``close()`` closes only its own copies."""

    def __init__(self, proc: subprocess.Popen[bytes], buf: mmap.mmap, fd: int, pids: Callable[[], set[int]] | None,
                 hz: float, requests: socket.socket | None = None) -> None:
        self.proc = proc
        #: the child's stdin: a socket, written with MSG_NOSIGNAL (a write to a dead child is an error, never a
        #: SIGPIPE: a workload that restored SIGPIPE's default action, as command-line tools do, was killed by it)
        self._requests = requests
        self.buf = buf
        self._fd = fd
        self._pids = pids
        self._pids_at = time.monotonic()
        self.stale_s = stale_after_s(hz)
        #: how often a device's demand is renewed [s]: a quarter of the child's idle bound (gpuchild.idle_after_s)
        self.demand_every_s = 0.5 * self.stale_s
        self._demand_at: dict[int, float] = {}
        self.users = 0
        self.notices: list[Notice] = []
        self._failed: set[str] = set()
        self._lock = threading.Lock()
        self._pending = b""
        self._poll: select.poll | None = None
        self._asked = 0
        self._full_at = -1e18
        self._report: dict[str, Any] = {}
        self._report_at = -1e18
        self._closed = False
        self._out = proc.stdout.fileno() if proc.stdout is not None else -1
        self._owner = os.getpid()  # the process that started the child (see the class docstring)
        #: the reader's pid: ``proc``'s, or that of the process it forked and left (detached, :meth:`attach`)
        self.pid = int(proc.pid)
        self._detached = False
        self._pidfd: int | None = None  # a detached reader's pidfd (None: gone before it could be opened)

    def attach(self, pid: int) -> None:
        """The reader says it is ``pid``: where that is not ``proc`` (detached, :mod:`.gpuchild`), watch and signal it
        through a pidfd (race-free: never another process that got its number), and reap ``proc``, which exits at
        once."""
        import subprocess

        if pid == self.pid:
            return
        try:  # the reader is in the session its first process started: never watch or signal another process
            ours = os.getsid(pid) == self.proc.pid
        except OSError:
            ours = False
        self.pid, self._detached = pid, True
        if ours:
            with contextlib.suppress(OSError):
                self._pidfd = os.pidfd_open(pid)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(CLOSE_WAIT_S)

    def gone(self, wait_s: float = 0.0) -> str | None:
        """None while the reader runs (waiting at most ``wait_s`` for it to end); else how it ended ("exited (status
        N)"; "exited" for a detached reader, whose status only its reaper sees)."""
        if not self._detached:
            import subprocess

            status = self.proc.poll()
            if status is None and wait_s > 0:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    status = self.proc.wait(wait_s)
            return None if status is None else f"exited (status {status})"
        if self._pidfd is None:
            return "exited"
        try:
            return "exited" if select.select([self._pidfd], [], [], wait_s)[0] else None
        except (OSError, ValueError):
            return "exited"

    def kill(self) -> None:
        """SIGKILL the reader (through its pidfd when detached: its number may be another process's by now)."""
        if not self._detached:
            self.proc.kill()
        elif self._pidfd is not None:
            import signal

            with contextlib.suppress(OSError):
                signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)

    def forked(self) -> bool:
        """True in a process forked from the one that started the child."""
        return os.getpid() != self._owner

    # -- the pipe --------------------------------------------------------------------------------------------
    def line(self, timeout_s: float) -> bytes | None:
        """The child's next line (None: nothing within ``timeout_s``, or the child is gone)."""
        end = time.monotonic() + timeout_s
        while b"\n" not in self._pending:
            left = end - time.monotonic()
            if left <= 0 or self._out < 0:
                return None
            try:  # poll, not select: a workload with 1,024 open files gives the pipe a number select refuses
                if self._poll is None:
                    self._poll = select.poll()
                    self._poll.register(self._out, select.POLLIN)
                ready = self._poll.poll(left * 1000.0)
                data = os.read(self._out, 65536) if ready else None
            except (OSError, ValueError):
                return None
            if not data:
                return None
            self._pending += data
        line, _, self._pending = self._pending.partition(b"\n")
        return line

    def request(self, command: bytes, timeout_s: float) -> bytes | None:
        """Send ``command`` with a new request number and return the child's answer to it, after the number (None:
        no answer in time; a late answer to an earlier request is skipped)."""
        if self.forked():  # before the lock (see close())
            return None
        with self._lock:
            if self._closed:
                return None
            self._asked += 1
            tag = command + b" %d" % self._asked
            if not self._send(tag + b"\n"):
                return None
            end = time.monotonic() + timeout_s
            while True:
                line = self.line(max(0.0, end - time.monotonic()))
                if line is None:
                    return None
                if line == tag or line.startswith(tag + b" "):
                    return line[len(tag) + 1:]

    def _send(self, data: bytes) -> bool:
        """Write ``data`` to the child's stdin; False when it cannot be written (the child is gone)."""
        import socket

        if self._requests is None:
            return False
        try:
            self._requests.sendall(data, socket.MSG_NOSIGNAL)
        except OSError:
            return False
        return True

    def _close_streams(self) -> None:
        """Close this process's ends of the child's stdin and stdout (end of file for the child)."""
        for stream in (self._requests, self.proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def full(self, force: bool = False) -> None:
        """Have the child read every device its parent reads in full now (once per tick for all devices;
        ``force``: even if a full read was just made)."""
        if not force and time.monotonic() - self._full_at < FULL_REUSE_S:
            return
        self.request(b"f", FULL_WAIT_S)
        self._full_at = time.monotonic()

    def want(self, index: int, now: float) -> None:
        """Tell the child that this process reads device ``index`` (:func:`.readershm.demand`; at most every
        :attr:`demand_every_s` per device)."""
        if now - self._demand_at.get(index, -1e18) >= self.demand_every_s:
            self._demand_at[index] = now
            with contextlib.suppress(ValueError):  # the mapping is closed
                shm.demand(self.buf, index, now)

    def report(self) -> dict[str, Any]:
        """Each device's notices and assumptions from the child (cached for a second; the last one once it is
        dead or hung: never waited for then)."""
        if time.monotonic() - self._report_at >= 1.0 and self.answering():
            answer = self.request(b"r", REPORT_WAIT_S)
            self._report_at = time.monotonic()
            if answer:
                import json

                with contextlib.suppress(ValueError):
                    self._report = json.loads(answer)
        return self._report

    def publish_pids(self, now: float) -> None:
        """Publish the tracked process ids (at most every :data:`PIDS_EVERY_S`) for the child's process share."""
        if self._pids is not None and now - self._pids_at >= PIDS_EVERY_S and not self.forked():
            self._pids_at = now
            with contextlib.suppress(OSError, ValueError):
                shm.write_pids(self.buf, self._pids())

    # -- failures --------------------------------------------------------------------------------------------
    def failure(self, device: str, age_s: float) -> SensorError:
        """The error of a read whose latest reading is ``age_s`` old: the child died or hangs (notice once)."""
        ended = None if self.forked() else self.gone()
        if ended is not None:
            kind, why = "exited", f"the GPU reader process {ended}"
        else:
            kind, why = "hung", f"the GPU reader process has published nothing for {age_s:.1f} s (hung)"
        if kind not in self._failed:  # one notice per kind of failure
            self._failed.add(kind)
            self.notices.append(Notice("gpu-reader-failed", f"{why}: GPU energy from then on is a gap in this "
                                       "measurement", "gpu"))
        return SensorError(f"{device}: {why}")

    def answering(self) -> bool:
        """True while the child runs and its heartbeat is fresh (it read the GPUs within :attr:`stale_s`; in a forked
        process, which cannot wait for another's child, the heartbeat alone)."""
        if not self.forked() and self.gone() is not None:
            return False
        try:
            beat = float(shm.HEADER.unpack_from(self.buf, 0)[4])
        except ValueError:  # the mapping is closed
            return False
        return time.monotonic() - beat <= self.stale_s

    def release(self) -> None:
        self.users -= 1
        if self.users <= 0:
            self.close()

    def close(self) -> None:
        """End the child (``q``, then a kill after :data:`CLOSE_WAIT_S`; at once when it is hung) and unmap. Once
        only; an exception during the wait (Ctrl-C in ``stop()``) kills the child and still unmaps and closes
        the shared memory (a second ``close()`` does nothing: it used to leave both open for good)."""
        import subprocess

        if self.forked():  # not this process's child: close this process's copies only (without the lock, which
            # a thread of the parent may have held at the fork: no thread here would ever release it)
            if not self._closed:
                self._closed = True
                self._close_streams()
                self._unmap()
            return
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if not self.answering():
                self.kill()  # hung in a driver call (or never said hello): no time for it
            self._send(b"q\n")
            self._close_streams()
        try:
            if self._detached:
                if self.gone(CLOSE_WAIT_S) is None:  # a reader hung in a driver call
                    self.kill()
                    self.gone(CLOSE_WAIT_S)
            else:
                try:
                    self.proc.wait(CLOSE_WAIT_S)
                except subprocess.TimeoutExpired:  # a child hung in a driver call
                    self.proc.kill()
                    self.proc.wait(CLOSE_WAIT_S)
        except BaseException:  # KeyboardInterrupt during the wait: no more time for it (Popen reaps it later)
            self.kill()
            raise
        finally:
            self._reap()
            self._unmap()

    def _unmap(self) -> None:
        """Unmap the shared memory and close this process's descriptors of it and of a detached reader (its pidfd)."""
        with contextlib.suppress(BufferError, ValueError):
            self.buf.close()
        os.close(self._fd)
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None

    def _reap(self) -> None:
        """Reap an exited detached reader where it came back to this process as a child (this process reaps orphans:
        a container's PID 1, a child subreaper): through its pidfd, so never another child; elsewhere its reaper
        does (ECHILD here). Without it, each tracker left a zombie in such a process."""
        flag = getattr(os, "P_PIDFD", None)
        if flag is not None and self._pidfd is not None:
            with contextlib.suppress(OSError):  # ECHILD: not this process's child; EINVAL: kernel before 5.4
                os.waitid(flag, self._pidfd, os.WEXITED | os.WNOHANG)


class RemoteGpuSensor:
    """One GPU read by the reader child (see the module docstring)."""

    estimated = False

    def __init__(self, client: ReaderClient, index: int, info: dict[str, Any]) -> None:
        self._client = client
        self._index = index
        self.device = str(info["device"])
        self.physical_id = str(info["physical_id"])
        self.component: Component = "gpu"
        self.label = str(info.get("label", self.device))
        self.method = str(info["method"])  # updated from the child's slot (the counter may stop answering)
        self._method_raw = b""
        limit = info.get("power_limit_w")
        self.power_limit_w: float | None = float(limit) if isinstance(limit, (int, float)) else None
        self.power_lag_s = float(info.get("power_lag_s") or 0.0)
        self._energy_seq = -1  # the slot whose counter reading was last handed on (each is handed on once)
        self._seen_seq = -1  # the slot of the last read (the same one again: is the child still alive?)
        self._last: tuple[Any, ...] | None = None
        self._closed = False
        client.users += 1

    @property
    def reader_pid(self) -> int:
        """Process id of the reader child."""
        return self._client.pid

    def _slot(self) -> tuple[Any, ...] | None:
        """The device's latest slot; the previous one while the child is writing it (a child preempted halfway
        through a write must not make a gap)."""
        try:
            got = shm.read_slot(self._client.buf, self._index)
        except ValueError:  # the mapping is closed
            return None
        if got is None:
            return self._last
        self._last = got
        return got

    @property
    def counter_update_s(self) -> float | None:
        got = self._slot()
        return _nan_none(float(got[5])) if got is not None and got[0] else None

    @property
    def counter_period_s(self) -> float:
        got = self._slot()
        period = float(got[6]) if got is not None and got[0] else 0.0
        return 0.0 if period != period else period

    @property
    def notices(self) -> list[Notice]:
        mine = self._client.report().get(self.device, {}).get("notices", [])
        return [*self._client.notices, *(Notice(*n) for n in mine)]

    @property
    def assumptions(self) -> list[tuple[str, float, str, str]]:
        mine = self._client.report().get(self.device, {}).get("assumptions", [])
        return [(str(a[0]), float(a[1]), str(a[2]), str(a[3])) for a in mine]

    def read(self) -> Reading:
        """The child's latest reading (its counter handed on once), dated by its age."""
        return self._read(False)

    def read_full(self) -> Reading:
        """A fresh full read by the child (waits at most :data:`FULL_WAIT_S`, else the latest reading)."""
        return self._read(True)

    def _read(self, full: bool) -> Reading:
        client = self._client
        client.want(self._index, time.monotonic())
        if full:
            client.full()
        got = self._slot()
        now = time.monotonic()
        client.publish_pids(now)
        if got is not None and got[0] and now - float(got[1]) > client.stale_s and client.answering():
            # the child runs but has not read this device lately: this process did not read it (another rank held
            # its lease, or a manual-mode caller samples rarely); it is wanted now: ask for a fresh read
            client.full(force=True)
            got = self._slot()
            now = time.monotonic()
        if got is None or not got[0]:
            raise SensorError(f"{self.device}: no reading from the GPU reader process")
        seq, at, energy, power, share, _update, _period, flags, length, error = got[:10]
        age = now - at
        if age > client.stale_s:
            raise client.failure(self.device, age)
        if seq == self._seen_seq and not client.forked() and client.gone() is not None:  # nothing new, child dead:
            raise client.failure(self.device, age)  # a gap now, not stale_s later (hz=0.5: 8 s, with no gap before)
        self._seen_seq = seq
        if flags & shm.FAILED:
            raise SensorError(f"{self.device}: {error[:length].decode('utf-8', 'replace')}")
        if got[10] != self._method_raw:
            self._method_raw = got[10]
            self.method = got[10].rstrip(b"\0").decode("ascii", "replace") or self.method
        if energy == energy and seq != self._energy_seq:
            self._energy_seq = seq
        else:
            energy = math.nan
        reading = DatedReading(_nan_none(energy), _nan_none(power), _nan_none(share))
        reading.age_s = max(0.0, age)
        return reading

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._client.release()
