"""The tracker: sample sensors in the background and measure named, nestable windows.

Usage::

    from aifootprint.measure import Tracker

    with Tracker() as tracker:              # the whole run (stored in the run store)
        with tracker.window("epoch-1"):     # named windows, nestable or overlapping
            train_one_epoch()
    print(tracker.result.energy_kwh, tracker.result.warnings())

How energy is computed, per device
----------------------------------
- A background thread reads every sensor ``hz`` times per second (default 10), outside the tracker's lock; a sensor
  whose reading cannot change faster (``refresh_s``: the CPU and RAM estimates) is read that often and at every
  store write instead (:meth:`Sampling._plan_reads`). Window
  starts and ends never read a sensor (a slow or hung one must not stall the workload): a window edge takes the
  latest sample, extrapolated to the edge's time at the device's latest power (or counter rate). In manual mode
  (``background=False``: the caller samples) the edges read the sensors themselves.
- A read that takes longer than ``sensor_timeout_s`` (default 0.25 s) is a gap (``sensor-gap``), as is a read still
  in progress at a window edge or at the end; a reading with negative power, or above 1.25 x the device's power
  limit where the sensor knows it (``power_limit_w``), is flagged (``implausible-reading``) and excluded.
- GPUs whose opening means loading a library (NVML; not named with ``--gpus``) are opened on a thread of their
  own in background mode: ``start()`` does not wait for them; they join the run bridged back to ``start()`` at
  their first power reading, and ``stop()`` waits for them (``gpu_open_timeout_s``; :meth:`Tracker.wait_open`).
  Interval listeners (request attribution) get the bridge too, over the ticks it covers, and are held until it
  comes (:meth:`Tracker.add_interval_listener`).
- The run store is written by the sampler thread without waiting for its lock (:mod:`.writer`): ``start()`` never
  waits for a locked store; only ``stop()`` does (the queue is kept, nothing is dropped).
- Devices with an energy counter: counter deltas. If the window is shorter than :data:`COARSE_FACTOR` times the
  counter's update period, or the counter did not move while power was drawn, the window's figure comes from
  power samples integrated over time instead (``method = ...+power-integrated``). A short window is never 0 J.
- Devices with power only (GPUs without a counter, estimates): trapezoidal integration of the power samples.
- A sensor that raises is never allowed to disturb the workload: the tracker records a gap, keeps sampling, and
  bridges it when the sensor comes back (by the counter, or by interpolation flagged as estimated).
- Several processes of one job on a node: each physical device is measured by the one process holding its lease
  (:mod:`.leases`); the other processes list it under ``skipped``.

The tracker imports neither numpy nor typer nor the reference tables at start; importing it imports neither
:mod:`typing` nor :mod:`dataclasses` (:class:`TrackerConfig` is in :mod:`.config`, loaded on first use).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence

from .._lazy import lazy_getattr
from .calls import around_calls as around_calls
from .calls import track as track
from .calls import track_config as track_config
from .devicetrack import COARSE_FACTOR as COARSE_FACTOR
from .devicetrack import LIMIT_TOLERANCE as LIMIT_TOLERANCE
from .devicetrack import NO_COUNTER
from .devicetrack import DeviceTrack as _Track
from .leases import DeviceLeases, job_id_from_env
from .sampling import Clock, IntervalListener, Sampling
from .sampling import warn as _warn
from .windows import WindowHandle as WindowHandle
from .windows import _Window
from .writer import RowBatch, StoreWriter

TYPE_CHECKING = False  # typing is not imported at run time (it costs ~10 ms of the import)
if TYPE_CHECKING:
    from typing import Any, ParamSpec, TypeVar

    from ..notice import Notice
    from .config import TrackerConfig as TrackerConfig
    from .measurement import Measurement
    from .sensors.base import Sensor
    from .sensors.discovery import Discovery

    P = ParamSpec("P")
    R = TypeVar("R")


class Tracker(Sampling):
    """Measure the energy of code. See the module docstring."""

    def __init__(
        self,
        config: TrackerConfig | None = None,
        *,
        sensors: Sequence[Sensor] | None = None,
        clock: Clock | None = None,
        pids: Callable[[], set[int]] | None = None,
        store: Any | None = None,
        discover: Callable[..., Discovery] | None = None,
        leases: DeviceLeases | None = None,
    ) -> None:
        if config is None:
            from .config import TrackerConfig

            config = TrackerConfig()
        self.config = config
        self._clock: Clock = clock or time.monotonic
        self._given_sensors = list(sensors) if sensors is not None else None
        self._pids = pids
        self._given_store = store
        self._discover = discover  # None: sensors.discovery.discover (tests: with a fake NVML module)
        self._gpus_opened: threading.Event | None = None  # set once the GPUs left to a thread are open
        self._writer: StoreWriter | None = None
        self._lock = threading.RLock()
        self._tracks: list[_Track] = []
        self._windows: dict[str, _Window] = {}
        self._listeners: list[IntervalListener] = []
        self._attributors: list[Any] = []
        self._stop = threading.Lock()  # held while the sampler runs; stop() releases it (wakes the sampler)
        self._thread: threading.Thread | None = None
        # (tests standing two ranks in one process give one of them its own leases, DeviceLeases(pid=...))
        self._leases = leases or DeviceLeases(self.config.job_id or job_id_from_env(), self.config.lease_dir)
        self._t0 = 0.0
        self._last_sample = 0.0
        self._last_flush = 0.0
        self._last_lease_try = 0.0
        self._tick_s = 1.0 / self.config.hz
        self._unowned = False
        self._pending = deque()
        self.notes: list[Notice] = []
        self.details: list[Notice] = []
        self.assumptions: list[tuple[str, float, str, str]] = []
        self.run_id = ""
        self.started_at = 0.0
        self.result: Measurement | None = None
        self.window_results: list[Measurement] = []
        self.running = False
        self._calls = itertools.count(1)  # numbers the windows of track()'s calls
        self._stopping = threading.RLock()  # one stop() at a time
        self._finalising = False  # stop() is computing the result (see stop())
        self._opened: list[Sensor] = []  # the sensors start() opened (closed again if it fails)
        self._pid = 0  # the process that started this tracker (a forked copy does not stop it: :meth:`stop`)

    # -- lifecycle --------------------------------------------------------------------------------------------
    def start(self) -> Tracker:
        """Open the sensors, take the leases, queue the run header, start sampling. Idempotent; never waits for
        the run store or (in background mode) for a sensor read.

        A tracker started again after ``stop()`` begins a new run: the previous run's notices, details,
        assumptions and window results are not carried into it (they were: a second run reported the first run's
        notices and stored its windows). A ``start()`` that raises (a ``KeyboardInterrupt`` halfway, a lease
        directory that cannot be written) gives back what it took: leases, sensors, the writer (it kept the
        leases: a later tracker in the same process skipped those devices as "measured by" this process)."""
        with self._lock:
            if self.running:
                return self
            self.notes, self.details, self.assumptions, self.window_results = [], [], [], []
            self._tracks, self._writer, self._windows = [], None, {}
            self._gpus_opened = self._gpus_read = None
            self._pending = deque()  # (a new one: see Sampling._sample_now)
            try:
                self._begin()
            except BaseException:
                from .teardown import abandon

                abandon(self)
                raise
        return self

    def _begin(self) -> None:
        """:meth:`start` (with the lock held)."""
        sensors = self._given_sensors
        later: Callable[[], Discovery] | None = None
        if sensors is None:
            from .sensors.discovery import discover as default_discover

            discover = self._discover or default_discover
            reader: dict[str, Any] = {}
            if self.config.gpu_reader != "thread":  # GPUs read by a child process (sensors.gpuproc)
                reader = {"gpu_reader": self.config.gpu_reader, "hz": self.config.hz,
                          "open_timeout_s": self.config.gpu_open_timeout_s}
            # in background mode the GPUs are opened on a thread of their own (loading and initialising NVML):
            # start() does not wait for them (see the module docstring)
            found = discover(self.config.sensors, pids=self._pids or _own_pid, clock=self._clock,
                             gpus_later=self.config.background, **reader)
            sensors, later, self.assumptions = found.sensors, found.gpus_later, list(found.assumptions)
            self._opened = list(sensors)  # closed again if start() fails from here on
            self.notes.extend(found.notes)
            self.details.extend(found.details)
            for hint in found.hints:
                _warn(hint)
        self._pid = os.getpid()
        self.started_at = time.time()
        self.run_id = time.strftime("%Y%m%d-%H%M%S", time.localtime(self.started_at)) + "-" + os.urandom(3).hex()
        self._t0 = self._clock()
        self._last_sample = self._t0
        for s in sensors:  # one by one: a lease taken is given back if the next one fails (teardown.abandon)
            self._tracks.append(_Track(s, self._leases.acquire(s.physical_id), self._t0))
        self._unowned = not all(tr.owned for tr in self._tracks)
        self._plan_reads()
        self._last_flush = self._last_lease_try = self._t0
        self._feed_hold = True  # listeners wait for every device's first reading (Sampling._feed_held)
        self._open_store(header=later is None)
        self.running = True
        if self.config.background:
            self._windows[self.config.name] = _Window(self.config.name, 0.0, {})
            for tr in self._tracks:  # owned from the start: bridge start() to the sampler's first reading
                tr.bridge_from = self._t0 if tr.owned else None
            self._stop = threading.Lock()
            self._stop.acquire()
            self._thread = threading.Thread(target=self._loop, name="aifootprint-sampler", daemon=True)
            self._thread.start()
            if later is not None:
                self._start_gpu_thread(later)
        else:
            self._sample_now()
            self._windows[self.config.name] = self._mark(self.config.name)

    def stop(self, exit_code: int | None = None) -> Measurement:
        """Stop sampling, close the run window, store the run's end; return the run's measurement.

        In background mode the sampler takes a last sample; a sensor still not answering after
        ``sensor_timeout_s`` is left behind (recorded as a gap).

        In a process forked from the one that started the tracker (a worker leaving ``with Tracker():``), the run
        is not this process's: nothing is stored or measured; the copies of the sensors are closed and the result
        is empty, with the notice ``tracker-forked``. (Was: the fork wrote the parent's run to the store, and the
        parent's own end then failed, ``store-write-failed``.)

        Calls from several threads at once are served one after the other (the later ones return the result; two
        ran the stop together: ``KeyError: 'run'``). A call on the thread whose ``stop()`` is in progress (a signal
        handler; ran a second stop inside the first: ``KeyError: 'run'``) ends the run itself while the first waits
        for the sampler's last sample (the first then returns the same result), returns the result once it exists,
        and in between, while the first computes the result (no waiting there), raises :class:`RuntimeError`."""
        with self._stopping:  # (an RLock: a call on the stopping thread gets in)
            if self._finalising:
                raise RuntimeError("Tracker.stop() called again (a signal handler, an interval listener) while this "
                                   "thread's stop() computes the result; that first stop() returns it")
            try:
                return self._stop_now(exit_code)
            finally:  # (also when the result's computation raised: a later stop() is not refused)
                self._finalising = False

    def _stop_now(self, exit_code: int | None) -> Measurement:
        if not self.running:
            if self.result is None:
                raise RuntimeError("tracker was never started")
            return self.result
        if self._pid and os.getpid() != self._pid:
            from .teardown import stop_in_fork

            return stop_in_fork(self)
        thread = self._thread  # (a stop() in a signal handler during the waits below clears self._thread)
        if thread is not None:
            self._await_gpus()  # first: the sampler's last sample must include them
            with contextlib.suppress(RuntimeError):  # a stop() interrupted (Ctrl-C) in the join below released it
                self._stop.release()
            thread.join(self.config.sensor_timeout_s + 2.0 / self.config.hz)
            self._thread = None
        else:
            self._sample_now()
        self._finalising = True  # (set before the check: a handler's stop() after it is refused, never run twice)
        if not self.running and self.result is not None:  # a stop() in a signal handler meanwhile ended the run
            return self.result
        with self._lock:
            edge = self._edge()
            if self._listeners:
                self._feed(final=True, edge=edge if self.config.background else None)
            for attributor in self._attributors:
                attributor.finish()
                self.notes.extend(attributor.notices)  # (request-open-too-long)
            for name in [n for n in self._windows if n != self.config.name]:
                self.window_results.append(self._close(name, edge))
            self._collect_sensor_notes()
            result = self._close(self.config.name, edge, final=True)
            self.result, self.running = result, False
            summary = {"measurement": result.to_dict(), "windows": [w.to_dict() for w in self.window_results],
                       "assumptions": [list(a) for a in self.assumptions], "labels": self.labels()}
            self._submit(lambda s: s.end_run(self.run_id, time.time(), exit_code, summary))
            self._leases.release_all()
        if self._writer is not None:
            known = len(self.notes)
            self._writer.close()
            if self._given_store is None and self._writer.store is not None:
                self._writer.store.close()  # its own connection: closed now (SQLite checkpoints its WAL), not at exit
            if len(self.notes) > known:  # the store failed only now (a short run: its first write is this one)
                from dataclasses import replace

                result = self.result = replace(result, notes=(*result.notes, *self.notes[known:]))
        self._close_sensors()
        return result

    def _close_sensors(self) -> None:
        for tr in self._tracks:
            with contextlib.suppress(Exception):
                tr.sensor.close()

    def __enter__(self) -> Tracker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- windows ----------------------------------------------------------------------------------------------
    def begin_window(self, name: str) -> None:
        """Start a named window (names must be unique among open windows)."""
        if not self.config.background and self.running:
            self._sample_now()
        with self._lock:
            if not self.running:
                raise RuntimeError("start the tracker before opening a window")
            if name in self._windows:
                raise ValueError(f"no two open windows may share a name: window {name!r} is already open")
            self._windows[name] = self._mark(name)

    def end_window(self, name: str) -> Measurement:
        """End a named window and return its measurement."""
        if not self.config.background and self.running:
            self._sample_now()
        with self._lock:
            if name not in self._windows or name == self.config.name:
                raise ValueError(f"no open window named {name!r}")
            result = self._close(name, self._edge())
            self.window_results.append(result)
            return result

    @contextlib.contextmanager
    def window(self, name: str) -> Iterator[WindowHandle]:
        """Context manager around :meth:`begin_window` / :meth:`end_window`; the handle's ``result`` is set on exit."""
        handle = WindowHandle(name)
        self.begin_window(name)
        try:
            yield handle
        finally:
            handle.result = self.end_window(name)

    def track(self, name: str | None = None) -> Callable[[Callable[P, R]], Callable[P, R]]:
        """Decorator: each call of the function is a window (named after the function unless ``name``). An
        ``async def`` function's window spans its whole run (until it returns), not the creation of its coroutine;
        a generator function is refused (:func:`around_calls`)."""

        def wrap(func: Callable[P, R]) -> Callable[P, R]:
            label = name or func.__qualname__
            # each call's window a number of its own (a random suffix collided among calls open at once: ValueError)
            return around_calls(func, lambda: self.window(f"{label}#{next(self._calls):04x}"))

        return wrap

    # -- sampling ---------------------------------------------------------------------------------------------
    def add_interval_listener(self, listener: IntervalListener) -> None:
        """Call ``listener(t0_s, t1_s, energy_j)`` after every sample with the energy of all measured devices.

        The intervals add up to the run's energy (for a listener added before ``start()``): a device's first
        reading brings its bridge back to ``start()`` (GPUs opened on their own thread, a first read that failed)
        as intervals of at most one tick over ``[start, first reading]`` at the first reading's power, as the run
        counts it; until every device has its first reading (at most ``gpu_open_timeout_s`` after ``start()``) the
        intervals are held, so that a request served meanwhile is still open to its share when the bridge comes;
        ``stop()`` adds the devices' stretch from their last readings to the run's end. See
        :meth:`.sampling.Sampling._feed`."""
        with self._lock:
            self._listeners.append(listener)

    def requests(self, weights: Any | None = None) -> Any:
        """A :class:`~aifootprint.measure.attribution.RequestAttributor` fed by this tracker; each finished
        request is also written to the run store (table ``requests``; the requests finished between two store
        writes in one transaction, :class:`.writer.RowBatch`)."""
        from .attribution import RequestAttributor, RequestEnergy

        batch = RowBatch(self._submit, lambda store, rows: store.add_requests(self.run_id, rows))

        def save(r: RequestEnergy) -> None:
            if self._writer is not None:  # no store: nothing to keep
                batch.add((r.request_id, r.start_s, r.end_s, r.prefill_tokens, r.decode_tokens, r.energy_j))

        attributor = RequestAttributor.attach(self, weights, on_complete=save)
        self._attributors.append(attributor)
        return attributor

    def wait_open(self, timeout_s: float | None = None) -> bool:
        """Wait until every device is open (GPUs are opened on a thread of their own after ``start()`` in
        background mode) and read: for a window that must include them from its first instant. True when they are."""
        read = self._gpus_read  # set once they are open and read once (or given up on)
        return read is None or read.wait(timeout_s)

    def elapsed_s(self) -> float:
        """Seconds since start on the tracker's clock."""
        return self._clock() - self._t0

    def sample(self) -> None:
        """Read every sensor now (the background thread calls this ``hz`` times per second). The reads happen
        outside the tracker's lock, so windows opened meanwhile never wait for them."""
        if self.running:
            self._sample_now()
            with self._lock:
                self._fold()

    def labels(self) -> dict[str, str]:
        """Human names of the devices (GPU model, CPU model) where the sensor knows them."""
        return {t.sensor.device: str(getattr(t.sensor, "label", t.sensor.device)) for t in self._tracks}

    def power_w(self) -> dict[str, float]:
        """Latest power by component (W) of the measured devices (for live displays)."""
        out: dict[str, float] = {}
        with self._lock:
            self._fold()
            for tr in self._tracks:
                if tr.owned and tr.power is not None:
                    out[tr.sensor.component] = out.get(tr.sensor.component, 0.0) + tr.power
        return out

    def _edge(self) -> float:
        """The time of a window edge: now in background mode (state extrapolated to it), else the last sample.
        The readings queued by the sampler are folded in first."""
        self._fold()
        if not self.config.background:
            return self._last_sample
        now = self._clock()
        self._check_hung(now)
        return max(now, self._last_sample)

    def _mark(self, name: str) -> _Window:
        edge = self._edge()
        at = edge if self.config.background else None
        # a device awaiting its first reading gets its mark at that reading, from the bridge (Sampling._bridge_windows)
        return _Window(name, edge - self._t0,
                       {tr.sensor.device: tr.snapshot(at) for tr in self._tracks if tr.bridge_from is None})

    def _close(self, name: str, edge: float, final: bool = False) -> Measurement:
        win = self._windows.pop(name)
        at = edge if self.config.background else None
        end_s = edge - self._t0
        duration = max(0.0, end_s - win.start_s)
        devices, gaps, skipped = [], [], []
        for tr in self._tracks:
            s = tr.sensor
            best, integrated, process, _counter, _n = tr.snapshot(at)
            if not tr.owned and not best:
                holder = self._leases.holder(s.physical_id)
                skipped.append(f"{s.device} (measured by pid {holder})" if holder else s.device)
                continue
            if final and at is not None and tr.t is not None and at > tr.t and tr.failing_since is None:
                # the run's end is extrapolated past the last reading: store that edge too, so that the stored
                # (and uploaded) cumulative energy ends where the run's result does
                self._add_sample(s.device, end_s, best, tr.power)
            mark = win.marks.get(s.device, (0.0, 0.0, 0.0, NO_COUNTER, 0))
            devices.append(tr.window_energy(mark, (best, integrated, process), duration))
            gaps.extend(tr.gaps[mark[4]:])
            if tr.failing_since is not None:
                from .measurement import Gap

                gaps.append(Gap(s.device, tr.failing_since - self._t0, None, tr.error, "lost"))
        notes = tuple(self.notes) if final else ()
        if self._gpus_opened is not None and not self._gpus_opened.is_set() and not final:
            from ..notice import Notice

            notes = (Notice("gpus-opening", "the GPUs were still being opened (NVML) when this window closed: its "
                            "GPU energy is NOT included", "gpu"),)
        from .measurement import Measurement

        result = Measurement(name, win.start_s, duration, tuple(devices), tuple(gaps), notes, tuple(skipped))
        if not final:
            stored = result.to_dict()
            self._submit(lambda st: st.add_window(self.run_id, name, win.start_s, duration, result.energy_j, stored))
        return result

    def _collect_sensor_notes(self) -> None:
        """Notices and assumptions the sensors produced while running (method changes, lazily found TDP)."""
        for tr in self._tracks:
            for notice in getattr(tr.sensor, "notices", ()):
                if notice not in self.notes:
                    self.notes.append(notice)
            for assumption in getattr(tr.sensor, "assumptions", ()):
                if tuple(assumption) not in self.assumptions:
                    self.assumptions.append(tuple(assumption))

    def _open_store(self, header: bool = True) -> None:
        """Queue the run header; the store itself is opened by the writer (never on this thread in background
        mode). ``header=False``: devices are still being opened (:func:`.runrecord.open_writer`)."""
        if not self.config.store and self._given_store is None:
            return
        from .runrecord import open_writer

        self._writer = open_writer(self, header)

    def _header_ops(self) -> list[Callable[[Any], None]]:
        from .runrecord import header_ops

        return header_ops(self)

    @property
    def _store(self) -> Any | None:
        """The open run store (None until the writer opened it, or without a store)."""
        return self._writer.store if self._writer is not None else None


def _own_pid() -> set[int]:
    return {os.getpid()}


#: ``TrackerConfig`` lives in :mod:`.config` (it needs :mod:`dataclasses`); it is imported on first use
__getattr__ = lazy_getattr(__name__, {"TrackerConfig": "config"}, base=__package__)
