"""The tracker's link to the run store: writes never wait inside the measured workload.

Opening the store and every write can wait up to the store's busy timeout (30 s) when another process holds the
write lock. :class:`StoreWriter` therefore queues the run header, samples, events, windows and requests in memory;
in the background mode the sampler thread calls :meth:`StoreWriter.write_queued` every ``flush_s`` seconds, which
writes the queue **without waiting for a lock** (busy timeout 0): if another process is writing, the queue
is kept and tried again at the next flush, so :meth:`Tracker.start` returns at once however long the store is
locked and nothing is dropped. Only :meth:`StoreWriter.close` (at ``Tracker.stop()``, after the workload) waits for
the lock, up to the store's busy timeout. No extra thread: SQLite's memory lives in the sampler's.

``threaded=False`` (the tracker's manual mode) writes synchronously instead. A store failure other than a busy
lock is never raised into the workload: it becomes a notice (``store-unavailable`` / ``store-write-failed``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

TYPE_CHECKING = False  # typing is not imported at run time
if TYPE_CHECKING:
    from typing import Any

    from ..notice import Notice

    Op = Callable[[Any], None]
Row = tuple[str, str, float, float | None, float | None]


def close_timeout_s() -> float:
    """Busy timeout of manual and final writes [s]: the store's own (:data:`.store.BUSY_TIMEOUT_S`; the workload is
    over, waiting is fine). Read on use: the store module is loaded by then, as the writer is about to open it."""
    from .store import BUSY_TIMEOUT_S

    return BUSY_TIMEOUT_S


def is_busy(exc: BaseException) -> bool:
    """True for SQLite's "database is locked / busy" (another writer holds the lock): retry later, never drop."""
    for err in (exc, exc.__cause__):
        if err is not None and str(getattr(err, "sqlite_errorname", "")).startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return True
    return False


class RowBatch:
    """Rows for one store method that are written together: one store operation, so one transaction, per store
    write for every row added since the previous one, instead of one per row (the attributed requests of a server:
    each commit costs the sampler thread ~0.2 ms of CPU, docs/measure.md "Overhead"). The rows keep their order; a
    busy store keeps them for the writer's retry, another failure drops them as it drops any failed operation."""

    def __init__(self, submit: Callable[[Op], None], write: Callable[[Any, list[Any]], None]) -> None:
        """``submit``: queue a store operation (:meth:`StoreWriter.submit`); ``write(store, rows)`` writes rows."""
        self._submit = submit
        self._write = write
        self._lock = threading.Lock()
        self._rows: list[Any] = []
        self._queued = False  # an operation is queued that will write the rows added until it runs

    def add(self, row: Any) -> None:
        with self._lock:
            self._rows.append(row)
            if self._queued:
                return
            self._queued = True
        self._submit(self._op)

    def _op(self, store: Any) -> None:
        with self._lock:
            rows, self._rows, self._queued = self._rows, [], False
        if not rows:
            return
        try:
            self._write(store, rows)
        except BaseException as exc:
            if is_busy(exc):  # the writer retries this operation at its next write: it finds them again
                with self._lock:
                    self._rows[:0] = rows
            raise


class StoreWriter:
    """Queue of store operations, written by :meth:`write_queued` without waiting (or at once when not
    ``threaded``)."""

    def __init__(self, opener: Callable[[float], Any], *, threaded: bool, on_notice: Callable[[Notice], None]) -> None:
        """``opener(timeout_s)`` opens the store with that busy timeout."""
        self._opener = opener
        self._threaded = threaded
        self._on_notice = on_notice
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._ops: list[Op] = []
        self._samples: list[Row] = []
        self._store: Any | None = None
        self._failed = False
        self._seen: set[str] = set()
        self._closed = False  # after close(): the tracker may close the store; a late sampler tick writes nothing
        self._held = False  # hold(): nothing is written until release() puts the run's first operations in front

    @property
    def store(self) -> Any | None:
        return self._store

    def start(self) -> None:
        """Manual mode: open the store now (waiting for a lock, as every manual write does)."""
        if not self._threaded:
            self._open(close_timeout_s())

    def submit(self, op: Op) -> None:
        """Run ``op(store)`` (now, when not threaded; else at the next flush)."""
        with self._lock:
            self._ops.append(op)
        if not self._threaded:
            self.flush()

    @property
    def held(self) -> bool:
        return self._held

    def hold(self) -> None:
        """Write nothing until :meth:`release` (the run header waits for devices still being opened)."""
        self._held = True

    def release(self, first: list[Op]) -> None:
        """Put ``first`` (the run header) in front of everything queued since :meth:`hold`, and write again."""
        with self._lock:
            self._ops[:0] = first
            self._held = False
        if not self._threaded:
            self.flush()

    def add_sample(self, row: Row) -> None:
        with self._lock:
            self._samples.append(row)

    def add_samples(self, rows: list[Row]) -> None:
        with self._lock:
            self._samples.extend(rows)

    def write_queued(self) -> None:
        """Write the queue now without waiting for a lock (the sampler calls this every ``flush_s``)."""
        self._drain(0.0)

    def flush(self) -> None:
        """Write what is queued, waiting for the lock (manual mode)."""
        self._drain(close_timeout_s())

    def close(self) -> None:
        """Write everything still queued, waiting for the lock up to :func:`close_timeout_s`; later writes are
        dropped (a sampler thread left behind in a hung sensor read must not touch a closed store)."""
        self._drain(close_timeout_s())
        with self._write_lock:
            self._closed = True

    def discard(self) -> None:
        """Drop everything queued and write nothing more (a ``start()`` that failed: no run to store)."""
        with self._lock:
            self._ops.clear()
            self._samples.clear()
        with self._write_lock:
            self._closed = True

    def _open(self, timeout_s: float) -> None:
        if self._store is not None or self._failed:
            return
        try:
            self._store = self._opener(timeout_s)
        except Exception as exc:  # the store is optional: never disturb the workload
            if is_busy(exc):
                return  # another process is writing: try again at the next flush
            self._failed = True
            from ..notice import Notice

            self._notice(Notice("store-unavailable", f"run store unavailable ({exc}); the run is not saved"))

    def _drain(self, timeout_s: float) -> None:
        with self._write_lock:
            if self._closed or self._held:
                return
            self._open(timeout_s)
            if self._store is None:
                if self._failed:
                    with self._lock:
                        self._ops.clear()
                        self._samples.clear()
                return
            with self._lock:
                ops, self._ops = self._ops, []
                rows, self._samples = self._samples, []
            self._store.set_busy_timeout(timeout_s)
            if rows:
                ops.insert(0, lambda s: s.write_samples(rows))
            for i, op in enumerate(ops):
                try:
                    op(self._store)
                except Exception as exc:
                    if is_busy(exc):  # keep this one and the rest, in order, for the next flush
                        with self._lock:
                            self._ops[:0] = ops[i:]
                        return
                    from ..notice import Notice

                    self._notice(Notice("store-write-failed", f"run store write failed: {type(exc).__name__}: "
                                        f"{exc}"))

    def _notice(self, notice: Notice) -> None:
        if notice.message not in self._seen:
            self._seen.add(notice.message)
            self._on_notice(notice)
