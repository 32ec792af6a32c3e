"""The tracker's sampling core: read sensors outside the lock, fold readings in, record gaps and events.

:class:`Sampling` is the base of :class:`aifootprint.measure.tracker.Tracker` (see that module's docstring for
what the tracker guarantees); it is split out only to keep each module to one job.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

from .devicetrack import NO_COUNTER, implausible, read_period
from .devicetrack import DeviceTrack as _Track
from .leases import DeviceLeases
from .writer import StoreWriter

TYPE_CHECKING = False  # typing is not imported at run time
if TYPE_CHECKING:
    from typing import Any

    from ..notice import Notice
    from .config import TrackerConfig
    from .sensors.base import Reading
    from .sensors.discovery import Discovery

Clock = Callable[[], float]
IntervalListener = Callable[[float, float, float], None]
#: A stretch from ``start()`` to a device's first reading longer than this is said in the result [s] (it is filled
#: in at the first reading's power; a tick's worth is normal, seconds of NVML initialisation are worth a notice).
BRIDGE_NOTICE_S = 1.0
#: The most intervals a bridge is cut into for the listeners (:func:`bridge_intervals`): 1,000 s at 10 Hz (memory
#: stays bounded for a device whose first good reading comes hours after start()).
BRIDGE_PARTS_MAX = 10_000


def bridge_intervals(t0: float, t1: float, energy_j: float, step_s: float) -> list[tuple[float, float, float]]:
    """A bridge's energy (constant power over ``[t0, t1]``) as the listeners' intervals: ``[t0, t1]`` cut into equal
    parts no longer than ``step_s`` (the sampler's tick, as every other interval; at most :data:`BRIDGE_PARTS_MAX`),
    each with its share of the energy; the parts add up to ``energy_j``. One interval of the whole bridge would let
    the attributor split its energy by the work each request did anywhere in it, giving a request served in its
    first tenth a share of the energy of the rest."""
    span = t1 - t0
    n = max(1, min(BRIDGE_PARTS_MAX, int(-(-span // step_s)) if step_s > 0 else 1))
    part = energy_j / n
    out = [(t0 + span * i / n, t0 + span * (i + 1) / n, part) for i in range(n)]
    out[-1] = (out[-1][0], t1, energy_j - part * (n - 1))  # the parts end at the reading and sum to the energy
    return out


def warn(message: str | Notice) -> None:
    """Log a warning on the ``aifootprint.measure`` logger (shown on stderr when logging is not configured)."""
    import logging

    logging.getLogger("aifootprint.measure").warning("aifootprint: %s", message)


class Sampling:
    """State and sampling methods shared with the tracker (attributes are set by ``Tracker.__init__``)."""

    config: TrackerConfig
    running: bool
    run_id: str
    notes: list[Notice]
    _clock: Clock
    _lock: threading.RLock
    _tracks: list[_Track]
    _listeners: list[IntervalListener]
    _stop: threading.Lock
    _leases: DeviceLeases
    _writer: StoreWriter | None
    _t0: float
    _last_sample: float
    _last_flush: float
    _last_lease_try: float
    _tick_s: float  # the sampler's wait between ticks [s] (see _plan_reads)
    _unowned: bool  # some device is measured by another process (its lease is retried every second)
    _pending: deque[tuple[list[tuple[_Track, float, float, Reading | BaseException]], float]]
    _windows: dict[str, Any]
    _gpus_opened: threading.Event | None  # set once the GPUs left to a thread are open (None: none were)
    _gpus_read: threading.Event | None = None  # set once they are also read once (or their opening gave up)
    _feed_hold = True  # interval listeners wait for every device's first reading (see _feed_held)
    details: list[Notice]
    assumptions: list[tuple[str, float, str, str]]
    _header_ops: Callable[[], list[Callable[[Any], None]]]

    def _start_gpu_thread(self, later: Callable[[], Discovery]) -> None:
        """Open the GPUs that discovery left for later on a thread of their own (:meth:`_open_gpus`)."""
        self._gpus_opened, self._gpus_read = threading.Event(), threading.Event()
        threading.Thread(target=self._open_gpus, args=(later, self._gpus_opened, self._gpus_read, self.run_id),
                         name="aifootprint-gpu-open", daemon=True).start()

    def _open_gpus(self, later: Callable[[], Discovery], opened: threading.Event, read: threading.Event,
                   run_id: str) -> None:
        """Open the GPUs that discovery left for later (``start()`` runs this on a thread of its own, so that it
        never waits for loading and initialising NVML), put their tracks in front of the others, let the writer
        store the run's header, which lists every device, and read them once (:meth:`_first_reads`). Their first
        reading is bridged back to ``start()`` at its power and process share, as every device's is; windows opened
        meanwhile get the bridge's share (:meth:`_apply`)."""
        with self._lock:  # held by start() until it returns: wait for it (GIL released) instead of competing with it
            pass  # (Thread.start() waited for the GIL this thread held in its imports: up to ~10 ms on a loaded VM)
        found: Discovery | None = None
        first: list[_Track] = []
        try:
            found = later()
        except Exception as exc:  # never disturb the workload: the run goes on with the host's devices
            self._sampler_error(exc)
        except BaseException as exc:  # SystemExit from an import (a user's module shadowing the standard library's)
            # ended this thread before it said the GPUs were opened: stop() then waited gpu_open_timeout_s for them
            self._sampler_error(RuntimeError(f"{type(exc).__name__}: {exc}"))
        try:
            with self._lock:
                if found is not None and self.running and self.run_id == run_id:
                    self.notes.extend(n for n in found.notes if n not in self.notes)
                    self.details.extend(found.details)
                    self.assumptions.extend(found.assumptions)
                    tracks = [_Track(s, self._leases.acquire(s.physical_id), self._t0) for s in found.sensors]
                    first = [tr for tr in tracks if tr.owned]
                    for tr in tracks:
                        tr.bridge_from = self._t0 if tr.owned else None
                    for tr in first:  # the first read is this thread's: the sampler leaves them (_sample_now)
                        tr.reading_since = tr.read_at = self._clock()
                    self._tracks = [*tracks, *self._tracks]  # a new list: a tick iterating the old one is unharmed
                    self._unowned = not all(tr.owned for tr in self._tracks)
                    self._plan_reads()
                elif found is not None:  # stop() gave up waiting (or a later run began): not measured
                    for sensor in found.sensors:
                        sensor.close()
                self._release_header()
        finally:
            opened.set()
        try:
            self._first_reads(first)
        except Exception as exc:  # never disturb the workload (the sensors. errors are readings: gaps)
            self._sampler_error(exc)
        finally:
            read.set()
        for hint in found.hints if found is not None else ():
            warn(hint)

    def _first_reads(self, tracks: list[_Track]) -> None:
        """Read the devices just opened, on the opening thread (their first reading, bridged back to ``start()``):
        at once, not at the sampler's next tick (up to 0.5 s away where the other devices are the CPU and RAM
        estimates); neither the workload nor the sampler waits for it. Each reading is queued before its device is
        left to the sampler (readings stay in order); a read that hangs is a gap like any (``_check_hung``), and
        ``stop()`` waits for it at most ``sensor_timeout_s``."""
        clock = self._clock
        for tr in tracks:
            begun = tr.reading_since = clock()
            try:
                got: Reading | BaseException = tr.read_full()
            except Exception as exc:
                got = exc
            self._pending.append(([(tr, begun, clock(), got)], 0.0))
            tr.reading_since = None
        if tracks:
            with self._lock:
                if self.running:  # folded now: a window opened from here on starts from the GPUs' first reading
                    self._fold()

    def _await_gpus(self) -> None:
        """Wait (at most ``config.gpu_open_timeout_s``) for GPUs still being opened (``stop()``, before its last
        sample); past that, the run ends without them, with the notice ``gpus-not-opened``."""
        opened, timeout_s = self._gpus_opened, self.config.gpu_open_timeout_s
        if opened is None or opened.wait(timeout_s):
            if self._gpus_read is not None:  # their first read: a hung one is a gap, as at any read
                self._gpus_read.wait(self.config.sensor_timeout_s)
            return
        from ..notice import Notice

        with self._lock:
            self._note(Notice("gpus-not-opened", f"the GPUs were still being opened (NVML) {timeout_s:g} s "
                              "after stop(): GPU energy is NOT included in this measurement", "gpu"))
            self._release_header()

    def _release_header(self) -> None:
        """Let a writer held for the GPUs write again, the run's header (listing the devices open now) first; once
        only (call with the lock held)."""
        if self._writer is not None and self._writer.held:
            self._writer.release(self._header_ops())

    def _plan_reads(self) -> None:
        """Set each device's read period and the sampler's tick (the shortest period; call after the tracks exist).

        A sensor whose reading cannot change faster than ``refresh_s`` (the CPU and RAM estimates) is read that
        often, and at every store write, instead of ``hz`` times per second: on a machine measured by estimates
        alone the sampler wakes every 0.5 s (their ``refresh_s``) instead of ten times a second (issue 12: sampler
        CPU).
        Devices with counters or power readings (RAPL, NVML) are read ``hz`` times per second."""
        tick = 1.0 / self.config.hz
        for tr in self._tracks:
            tr.period_s = read_period(tr.sensor, tick, self.config.flush_s)
        self._tick_s = min((tr.period_s for tr in self._tracks), default=tick)

    def _loop(self) -> None:
        """The background sampler: a tick at each point of a fixed grid (start + k x tick: one deadline per tick, so
        a late tick does not delay the next ones; a stall longer than a tick restarts the grid instead of bunching the
        missed ticks), and a store write at the last tick before ``flush_s`` has passed since the previous write:
        samples wait at most ``flush_s`` (on the grid) before they are committed, whatever the tick."""
        hz_s, flush_s = 1.0 / self.config.hz, self.config.flush_s
        stop, clock, sample, run_id = self._stop, self._clock, self._sample_now, self.run_id
        self._guarded_sample()
        deadline = write_by = clock()  # the first tick writes the run's header and first samples
        while True:
            # interval listeners get every device at every 1/hz tick (their intervals share edges)
            tick = hz_s if self._listeners else self._tick_s
            deadline += tick
            wait = deadline - clock()
            # a plain lock wait (cheaper per tick than an Event's condition); stop() releases it
            if stop.acquire(True, wait if wait > 0.0 else 0.0):
                break
            now = clock()
            if now - deadline > tick:  # woke more than a tick late (suspended, starved): restart the grid now
                deadline = now
            write = deadline + tick > write_by + 1e-6  # the next tick would be too late (1 µs: float sums)
            try:
                sample(write, deadline, bool(self._listeners))
            except Exception as exc:  # never let the sampler die silently, never disturb the workload
                self._sampler_error(exc)
            if write:
                write_by = deadline + flush_s
                self._write_tick()
        if self.run_id == run_id:  # (not when this thread, left behind in a hung read, wakes in a later run)
            self._guarded_sample()

    def _write_tick(self) -> None:
        """Fold the queued readings in and write the store (never waits for its lock)."""
        with self._lock:
            self._fold()
        if self._writer is not None:
            self._writer.write_queued()

    def _guarded_sample(self) -> None:
        try:
            self._sample_now()
        except Exception as exc:  # never let the sampler die silently, never disturb the workload
            self._sampler_error(exc)

    def _sampler_error(self, exc: Exception) -> None:
        from ..notice import Notice

        self._note(Notice("sampler-error", f"sampler error: {type(exc).__name__}: {exc}"))

    def _sample_now(self, every: bool = True, now: float = 0.0, full: bool = True) -> None:
        """Read the owned sensors and queue the readings (no lock held: see :meth:`_fold`).

        ``every``: read every sensor; else (a background tick at ``now``) only those due by their read period
        (:meth:`_plan_reads`). A background tick only reads: its readings are folded into the devices' state
        (:meth:`_fold`) every ``flush_s`` just before the store write, at every window edge, and at every tick when
        interval listeners are attached (so that they are fed at once), in reading order: the state at any edge, the
        samples stored and the listeners' intervals are those of folding each tick at once. Folding several ticks in
        one warm pass costs a fraction of the work per tick (the 10 Hz sampler's CPU is mostly cache misses of a
        cold tick).

        ``full``: each sensor reads every quantity it has (``read_full``: an NVML counter whatever its read budget);
        the background ticks pass False unless interval listeners are attached (their per-interval energies follow
        the counter at every tick)."""
        if not self.running:
            return
        clock = self._clock
        if self._unowned:
            with self._lock:
                self._retry_leases(clock())
        due: float | None = None
        if every or self._listeners:
            now = now or clock()
        else:  # a quarter tick of slack: a tick is never early, but float sums are not exact
            due = now + 0.25 * self._tick_s
        readings: list[tuple[_Track, float, float, Reading | BaseException]] = []
        pending = self._pending  # this run's: a sampler left behind in a hung read queues nothing into the next run
        for tr in self._tracks:
            if not tr.owned or tr.reading_since is not None or (due is not None and due - tr.read_at < tr.period_s):
                continue
            tr.read_at = now
            begun = tr.reading_since = clock()
            try:
                got: Reading | BaseException = tr.read_full() if full else tr.sensor.read()
            except Exception as exc:
                got = exc
            tr.reading_since = None
            readings.append((tr, begun, clock(), got))
        # no lock: a deque's append is atomic, and _fold pops under the lock
        pending.append((readings, 0.0 if readings else clock()))
        if self._listeners or not self.config.background:
            with self._lock:
                if self.running:  # not a sampler left behind in a hung read after stop()
                    self._fold()

    def _fold(self) -> None:
        """Fold the queued readings in, tick by tick (call with the lock held); never raises. The ticks' samples go
        to the writer together (one call and lock round trip per fold, not per tick: the store gets the same rows in
        the same order); in manual mode the store is written every ``flush_s`` after them."""
        pending = self._pending
        if not pending:
            return
        rows: list[tuple[str, str, float, float | None, float | None]] = []
        while pending:
            readings, t_empty = pending.popleft()
            try:
                self._apply(readings, t_empty, rows)
            except Exception as exc:  # a window edge on the workload's thread folds too: never disturb it
                self._sampler_error(exc)
        writer = self._writer
        if writer is not None:
            if rows:
                writer.add_samples(rows)
            t = self._last_sample
            if not self.config.background and t - self._last_flush >= self.config.flush_s:
                self._last_flush = t
                writer.flush()

    def _retry_leases(self, t: float) -> None:
        if t - self._last_lease_try >= 1.0 and self._leases.enabled:
            self._last_lease_try = t
            for tr in self._tracks:
                if not tr.owned and self._leases.acquire(tr.sensor.physical_id):
                    tr.owned = True
                    from ..notice import Notice

                    self._note(Notice("lease-taken", f"{tr.sensor.device}: took over measurement at "
                                      f"t={t - self._t0:.2f} s (lease released)", tr.sensor.device))
            self._unowned = not all(tr.owned for tr in self._tracks)

    def _apply(self, readings: list[tuple[_Track, float, float, Reading | BaseException]], t_empty: float,
               rows: list[tuple[str, str, float, float | None, float | None]]) -> None:
        """Fold one tick's readings in (``t_empty``: the tick's time when it read nothing); its samples are
        appended to ``rows`` (for the writer, :meth:`_fold`)."""
        t_prev = self._last_sample
        # one thread read them in turn: the last read returned last
        t = readings[-1][2] if readings else (t_empty or self._clock())
        timeout_s, t0, run_id, feed = self.config.sensor_timeout_s, self._t0, self.run_id, bool(self._listeners)
        for tr, begun, done, got in readings:
            # the reading's time: the middle of a normal read (halves scheduling jitter); a read slower than the
            # sensor timeout is dated at its return (a stalled driver call waits first, on its lock, and reads last:
            # dating it earlier would count the stall's energy twice, once in the counter and once extrapolated)
            slow = done - begun > timeout_s
            at = done if slow else 0.5 * (begun + done)
            if isinstance(got, BaseException):
                self._fail(tr, done, got)
                continue
            age = getattr(got, "age_s", None)  # a reading the GPU reader process took earlier (sensors.gpuproc)
            if age is not None:
                at = max(done - age, tr.t if tr.t is not None else t0)
            power = got.power_w
            bad = implausible(tr.sensor, got) if power is not None else ""
            if bad:
                tr.rejected += 1
                self._fail(tr, done, ValueError(bad), kind="implausible_reading")
                continue
            if slow and tr.failing_since is None and tr.t is not None:
                self._fail(tr, begun, TimeoutError(f"read took {done - begun:.2f} s (> sensor timeout "
                                                   f"{timeout_s:g} s)"))
            bridge, tr.bridge_from = tr.bridge_from, None
            _delta, gap = tr.update(at, got, feed)
            if bridge is not None and power is not None:
                # the first reading lands a little after start(): that stretch at the first power and process share
                share = got.process_fraction
                bridge_j = power * (at - bridge)
                tr.add_bridge(bridge_j, share)
                self._bridge_windows(tr, bridge, at, power, share)
                if feed and at > bridge:  # the listeners get it over [start, first reading] (see _feed)
                    tr.emitted.extend(bridge_intervals(bridge, at, bridge_j, 1.0 / self.config.hz))
            if gap is not None:
                self._event(at - t0, "gap_end", tr.sensor.device, gap.bridged)
            rows.append((run_id, tr.sensor.device, at - t0, tr.best_j, power))
        if t > t_prev:
            self._last_sample = t
            if self._listeners:
                self._feed()

    def _bridge_windows(self, tr: _Track, bridge: float, at: float, power: float, share: float | None) -> None:
        """Each window opened before the device's first reading (a device opened after ``start()``, GPUs:
        :meth:`_open_gpus`; one whose first reads failed) has no mark for it (``Tracker._mark``): it starts at the
        bridge's energy (and process share) up to the window's start; a long bridge is said in the result."""
        device = tr.sensor.device
        for win in self._windows.values():
            if device not in win.marks:
                # (a window begun after the reading, before it was folded: at the reading's power up to its start)
                e = power * max(0.0, self._t0 + win.start_s - bridge)
                win.marks[device] = (e, e, e * share if share is not None else 0.0, NO_COUNTER, 0)
        if at - bridge > BRIDGE_NOTICE_S:
            from ..notice import Notice

            self._note(Notice("start-bridged", f"{device}: first reading {at - bridge:.1f} s after start() (GPUs "
                              "are opened meanwhile): that stretch is counted at the first reading's power, "
                              f"{power:.0f} W, and process share", device))

    def _fail(self, tr: _Track, t: float, exc: BaseException, kind: str = "gap_start") -> None:
        if tr.fail(t, exc):
            self._event(t - self._t0, kind, tr.sensor.device, tr.error)

    def _check_hung(self, now: float) -> None:
        """A read still in progress for longer than the sensor timeout opens a gap (the sensor stopped answering)."""
        for tr in self._tracks:
            since = tr.reading_since
            if since is not None and now - since > self.config.sensor_timeout_s and tr.failing_since is None:
                self._fail(tr, since, TimeoutError(f"sensor not answering for {now - since:.2f} s"))

    def _feed(self, final: bool = False, edge: float | None = None) -> None:
        """Give the listeners every final interval, summed over devices per (start, end), in order of start.

        A device's first reading comes with its bridge back to ``start()`` (:meth:`_apply`): the listeners get it
        as one interval ``[start, first reading]`` at the first reading's power, the energy the run counts for that
        stretch. So that requests served before the first reading (GPUs opened after ``start()``, a first read that
        failed) are still open to their share when it comes, the intervals are held while a device awaits its first
        reading, at most ``gpu_open_timeout_s`` after ``start()`` (:meth:`_feed_held`). ``final`` (``stop()``):
        everything held goes out, and with ``edge`` (background mode) the devices' stretch from their last readings to
        the run's end at their latest rates, as the run's result extrapolates it (one interval from the earliest of
        those readings): the intervals add up to the run's energy."""
        if not final and self._feed_held():
            return
        merged: dict[tuple[float, float], float] = {}
        tail_from, tail_j = edge, 0.0
        for tr in self._tracks:
            if final:
                tr.emitted.extend(tr.smoother.flush())
                if edge is not None and tr.owned and tr.t is not None and edge > tr.t and tr.failing_since is None:
                    tail_from = min(tail_from, tr.t) if tail_from is not None else tr.t
                    tail_j += tr.snapshot(edge)[0] - tr.best_j
            for a, b, e in tr.emitted:
                merged[(a, b)] = merged.get((a, b), 0.0) + e
            tr.emitted.clear()
        if tail_j > 0 and tail_from is not None and edge is not None:  # one interval: the devices' ends share it
            merged[(tail_from, edge)] = merged.get((tail_from, edge), 0.0) + tail_j
        for (a, b), e in sorted(merged.items()):
            for listener in self._listeners:
                listener(a - self._t0, b - self._t0, e)

    def _feed_held(self) -> bool:
        """True while the listeners' intervals wait for a device's first reading (GPUs still being opened, a first
        read still failing), for at most ``gpu_open_timeout_s`` after ``start()``; once False, False for the run."""
        if not self._feed_hold:
            return False
        opened = self._gpus_opened
        waiting = (opened is not None and not opened.is_set()) or any(
            tr.owned and tr.bridge_from is not None for tr in self._tracks)
        if waiting and self._clock() - self._t0 < self.config.gpu_open_timeout_s:
            return True
        self._feed_hold = False
        return False

    # -- internals --------------------------------------------------------------------------------------------
    def _note(self, notice: Notice) -> None:
        if notice not in self.notes:
            self.notes.append(notice)
            self._event(self._clock() - self._t0, "warning", notice.subject, notice.message)

    def _event(self, t_s: float, kind: str, device: str, message: str) -> None:
        self._submit(lambda s: s.add_event(self.run_id, t_s, kind, device, message))

    def _add_sample(self, device: str, t_s: float, energy_j: float, power_w: float | None) -> None:
        if self._writer is not None:
            self._writer.add_sample((self.run_id, device, t_s, energy_j, power_w))

    def _submit(self, op: Callable[[Any], None]) -> None:
        if self._writer is not None:
            self._writer.submit(op)
