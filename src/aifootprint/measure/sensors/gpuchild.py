"""The out-of-process GPU reader: a child process that opens the GPUs (NVML, else amdsmi), reads them at the
tracker's rate and publishes each device's latest reading in shared memory (:mod:`.readershm`), so that the
workload's process loads no GPU library and reads its GPUs from memory (:mod:`.gpuproc`, which starts this module
with :data:`BOOT`, or as ``python -m aifootprint.measure.sensors.gpuchild SPEC``; ``TrackerConfig(gpu_reader=
"process")``).

``SPEC`` is JSON: ``fd`` (the shared mapping, inherited), ``hz``, ``gpus`` (ids or null), ``budget`` (the NVML read
budget or null), ``dev_root``, ``parent`` (the workload's pid) and ``detach`` (see below). The readings are the
in-process sensors' own (:class:`.nvidia.NvidiaSensor` with its read budget, counted on this process's CPU), so both
readers give the same figures. Only the devices the parent reads are read (its demand in the mapping,
:class:`Publisher`): in a multi-rank job, the GPUs whose lease this rank holds.

Protocol (lines): first ``{"started": PID}`` once the child runs this module, before it opens the GPUs (opening
them can take seconds per GPU: the parent tells a slow opening from a child that never started,
:func:`.gpuproc.open_remote_gpus`); then, once the GPUs are open and read once in full, a JSON line to stdout
(the hello): ``devices`` (each device's ``device``, ``physical_id``, ``component``, ``method``, ``label``,
``power_limit_w``, ``power_lag_s``), ``notes``, ``details``, ``hints`` (notices as ``[code, message, subject,
source]``) and ``assumptions``; or ``input_error`` (an unknown ``--gpus`` id) or ``error``. Then requests on stdin,
each with a number N that the answer repeats (an answer that comes too late for its request is recognised as
such): ``f N`` reads every device in full (``read_full``) and answers ``f N``; ``r N`` answers ``r N`` and a JSON
object of each device's ``notices`` and ``assumptions``; ``q`` or end of file (the parent is gone) ends the child.
What the child writes to stderr until its hello reaches the parent, which quotes its last line when the child
fails; after the hello stderr is ``/dev/null``.

Detached (``SPEC``'s ``detach``, set where the kernel has pidfds): the child forks once more at once and its first
process exits, so that the reader is not a child of the workload: a workload that waits for all of its children
(``os.wait()`` until ``ChildProcessError``) does not wait for its reader (it hung until ``stop()``). The
``started`` line gives the reader's pid; the workload watches and signals it through a pidfd (:mod:`.gpuproc`).

The child never outlives the workload (``SPEC``'s ``parent``): end of file on stdin (the workload's end closes
when it dies, ``kill -9`` included) ends the loop at once, and a watchdog thread ends the process when the workload
has exited (a read hung in the driver cannot keep it alive): detached, it waits on a pidfd of the workload;
otherwise it checks ``os.getppid()`` every :data:`WATCH_S`.
"""

from __future__ import annotations

import contextlib
import json
import math
import mmap
import os
import select
import struct
import sys
import threading
import time

from . import readershm as shm

#: The child's ``-c`` program (``python -P -c BOOT ROOT SPEC``): it imports the ``aifootprint`` package under ``ROOT``
#: (the parent's, by its files: no other installation, and nothing put on ``sys.path``, whose order stays the
#: interpreter's: the standard library first) and runs :func:`run`. A package in a zip archive (``ROOT`` is the
#: archive; ``auto`` reads in-process there, :mod:`.readerchoice`) is imported through ``sys.path``, archive first.
BOOT = ("# aifootprint GPU reader (aifootprint.measure.sensors.gpuchild)\n"  # what ps and top show first
        "import importlib.util as u, os, sys\n"
        "r = sys.argv[1] + '/aifootprint'\n"
        "if os.path.isfile(r + '/__init__.py'):\n"
        "    s = u.spec_from_file_location('aifootprint', r + '/__init__.py', submodule_search_locations=[r])\n"
        "    m = sys.modules['aifootprint'] = u.module_from_spec(s)\n"
        "    s.loader.exec_module(m)\n"
        "else:\n"
        "    sys.path.insert(0, sys.argv[1])\n"
        "from aifootprint.measure.sensors.gpuchild import run\n"
        "run(sys.argv[2:])\n")

#: How often the watchdog checks that the parent is still alive [s] (a design bound: an orphan reader lives at most
#: this long when a driver call hangs; otherwise end of file on stdin ends it at once).
WATCH_S = 0.5

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ...notice import Notice
    from .base import Sensor


def _say(obj: Any) -> None:
    os.write(1, (json.dumps(obj, default=str) + "\n").encode())


def _notices(items: list[Notice]) -> list[list[str]]:
    return [[n.code, n.message, n.subject, n.source] for n in items]


def _watch(ppid: int, pidfd: int | None) -> None:
    """End this process when the workload has exited: its pidfd readable, else this process's parent changed."""
    while True:
        if pidfd is not None:
            if select.select([pidfd], [], [], WATCH_S)[0]:
                os._exit(0)
        else:
            time.sleep(WATCH_S)
            if os.getppid() != ppid:
                os._exit(0)


def _detach(parent: int) -> int | None:
    """Fork; the first process exits at once (its parent, the workload, reaps it), the second goes on as the reader,
    no child of the workload. Returns a pidfd of the workload; -1: it is gone already (exit); None: no pidfd could
    be opened (stay a child, watched by ``os.getppid()``)."""
    try:
        pidfd = os.pidfd_open(parent)
    except ProcessLookupError:
        return -1
    except OSError:  # a sandbox refusing the call, no descriptor left
        return None
    if os.fork() != 0:
        os._exit(0)
    return pidfd


def _number(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) else math.nan


def idle_after_s(hz: float) -> float:
    """A device its parent has not read for this long is no longer read [s]: twice the parent's staleness bound
    (:func:`.gpuproc.stale_after_s`: four ticks, at least 1 s), so that a device the parent reads at every tick is
    never idle, and one it stopped reading (another rank holds its lease) costs no read after that."""
    from .gpuproc import stale_after_s

    return 2.0 * stale_after_s(hz)


def idle_tick_s(hz: float) -> float:
    """The loop's period while no device is wanted [s]: half the parent's staleness bound (four ticks, at least
    1 s), so that the heartbeat stays fresh for :meth:`.gpuproc.ReaderClient.answering` (a design bound: an idle
    reader wakes twice a second at 10 Hz instead of ten times)."""
    from .gpuproc import stale_after_s

    return 0.5 * stale_after_s(hz)


class Publisher:
    """Reads the sensors its parent reads (:func:`.readershm.wanted`) and writes their readings into the mapping.

    A device is read while the parent read it within ``idle_s`` (every device during the first ``idle_s`` after
    the hello): the devices of a multi-rank job whose lease another rank holds are read by that rank's reader only
    (:mod:`..leases`); when this rank takes a lease over, its first read finds the slot stale and asks for a full
    read (:meth:`.gpuproc.RemoteGpuSensor._read`), which marks the device wanted first."""

    def __init__(self, buf: mmap.mmap, sensors: list[Sensor], idle_s: float = math.inf) -> None:
        self.buf = buf
        self.sensors = sensors
        self.idle_s = idle_s
        self.since = time.monotonic()  # the hello: every device is read until idle_s after it
        self.busy = True
        self._methods: dict[str, bytes] = {}  # each method's bytes, encoded once

    def publish(self, full: bool) -> None:
        """Read the wanted devices, publish their readings and the heartbeat; :attr:`busy`: some device was read."""
        clock = time.monotonic
        now, since, idle_s, buf = clock(), self.since, self.idle_s, self.buf
        self.busy = False
        for i, sensor in enumerate(self.sensors):
            if not shm.wanted(buf, i, now, since, idle_s):
                continue
            self.busy = True
            begun = clock()
            error = ""
            try:
                reading = getattr(sensor, "read_full", sensor.read)() if full else sensor.read()
            except Exception as exc:  # a failed read is published: the workload's process records the gap
                error = f"{type(exc).__name__}: {exc}"
                energy = power = share = math.nan
            else:
                energy, power, share = (_number(v) for v in reading)
            at = 0.5 * (begun + clock())
            text = error.encode("utf-8", "replace")[: shm.ERROR_BYTES]
            flags = (shm.FAILED if error else 0) | (shm.FULL if full else 0)
            shm.write_slot(self.buf, i, (
                at, energy, power, share, _number(sensor.counter_update_s),
                _number(getattr(sensor, "counter_period_s", None)), flags, len(text), text,
                self._method(sensor.method)))
        struct.pack_into("=d", self.buf, shm.HEARTBEAT_AT, time.monotonic())

    def _method(self, method: str) -> bytes:
        raw = self._methods.get(method)
        if raw is None:
            raw = self._methods[method] = method.encode("ascii", "replace")[: shm.METHOD_BYTES]
        return raw

    def report(self) -> dict[str, Any]:
        return {s.device: {"notices": _notices(list(getattr(s, "notices", ()))),
                           "assumptions": [list(a) for a in getattr(s, "assumptions", ())]} for s in self.sensors}


def _open(spec: dict[str, Any], buf: mmap.mmap, ppid: int) -> tuple[list[Sensor], dict[str, Any]]:
    """Open the GPUs as the in-process reader does (:func:`.discovery.open_gpus`); the hello message."""
    from ...errors import InputError
    from .discovery import Discovery, SensorConfig, open_gpus

    gpus = spec.get("gpus")
    cfg = SensorConfig(gpus=tuple(gpus) if gpus is not None else None, dev_root=spec.get("dev_root", "/dev"),
                       nvml_read_budget=spec.get("budget"))

    def pids() -> set[int]:
        return shm.read_pids(buf) or {ppid}

    found = Discovery()
    try:
        open_gpus(cfg, found, pids, None)
    except InputError as exc:
        return [], {"input_error": str(exc)}
    sensors = found.sensors[: shm.MAX_DEVICES]
    devices = [{"device": s.device, "physical_id": s.physical_id, "component": s.component, "method": s.method,
                "label": str(getattr(s, "label", s.device)), "power_limit_w": getattr(s, "power_limit_w", None),
                "power_lag_s": getattr(s, "power_lag_s", 0.0)} for s in sensors]
    hello = {"devices": devices, "notes": _notices(found.notes), "details": _notices(found.details),
             "hints": _notices(found.hints), "assumptions": [list(a) for a in found.assumptions]}
    return sensors, hello


def serve(spec: dict[str, Any]) -> int:
    """Open the GPUs, say hello, then read them at ``hz`` until the parent is gone or says ``q``."""
    ppid = os.getppid()
    parent = int(spec.get("parent") or ppid)  # the workload (ppid may be a wrapper that exec'd: env, the same)
    pidfd = None
    if spec.get("detach") and hasattr(os, "pidfd_open"):  # before any thread exists: fork is safe
        pidfd = _detach(parent)
        if pidfd == -1:
            return 0
    threading.Thread(target=_watch, args=(ppid, pidfd), name="aifootprint-reader-watch", daemon=True).start()
    fd = int(spec["fd"])
    buf = mmap.mmap(fd, shm.size(shm.MAX_DEVICES))
    _say({"started": os.getpid()})
    try:
        sensors, hello = _open(spec, buf, parent)
    except Exception as exc:  # reported to the parent, which flags the run; never a traceback on the user's terminal
        _say({"error": f"{type(exc).__name__}: {exc}"})
        return 1
    shm.HEADER.pack_into(buf, 0, shm.MAGIC, shm.VERSION, len(sensors), os.getpid(), time.monotonic(), 0, 0, 0)
    pub = Publisher(buf, sensors, idle_after_s(float(spec.get("hz", 10.0))))
    if sensors:
        pub.publish(True)  # the first reading is in place before the parent uses the devices
    _say(hello)
    _quiet()
    if not sensors:
        return 0
    try:
        _loop(pub, 1.0 / float(spec.get("hz", 10.0)))
    finally:
        for sensor in sensors:
            with contextlib.suppress(Exception):  # shutting the library down at exit: nothing left to report to
                sensor.close()
    return 0


def _quiet() -> None:
    """Send stderr to ``/dev/null`` (after the hello: the parent reads what the child wrote there only when it fails
    to start, and the file it writes to is memory)."""
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        os.close(null)


def _loop(pub: Publisher, tick_s: float) -> None:
    """Read every ``tick_s`` on a fixed grid (as the tracker's sampler does); answer requests between ticks. While
    no device is wanted (another rank holds them all), tick every :func:`idle_tick_s` instead: the heartbeat only."""
    clock = time.monotonic
    deadline = clock()
    pending = b""
    idle_tick = idle_tick_s(1.0 / tick_s)
    while True:
        step = tick_s if pub.busy else idle_tick
        deadline += step
        while True:
            wait = deadline - clock()
            ready, _, _ = select.select([0], [], [], max(0.0, wait))
            if not ready:
                break
            data = os.read(0, 4096)
            if not data:  # end of file: the parent is gone
                return
            *requests, pending = (pending + data).split(b"\n")
            for request in requests:
                if request.startswith(b"q"):
                    return
                if request.startswith(b"f"):
                    pub.publish(True)
                    os.write(1, request + b"\n")
                elif request.startswith(b"r"):
                    os.write(1, request + b" " + json.dumps(pub.report(), default=str).encode() + b"\n")
        now = clock()
        if now - deadline > step:  # woke more than a tick late (suspended, starved): restart the grid
            deadline = now
        pub.publish(False)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        spec = json.loads(args[0])
    except (IndexError, ValueError):
        sys.stderr.write("usage: python -m aifootprint.measure.sensors.gpuchild SPEC (started by the tracker)\n")
        return 2
    return serve(spec)


def run(argv: list[str] | None = None) -> None:
    """:func:`main`, then end the process at once (the interpreter's teardown is time the parent's stop() would
    wait for)."""
    code = main(argv)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
