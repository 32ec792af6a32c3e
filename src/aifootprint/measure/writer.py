"""The tracker's link to the run store: writes happen on a writer thread, never in the measured workload.

Opening the store and every write can wait up to the store's busy timeout (30 s) when another process holds the
write lock. :class:`StoreWriter` therefore queues the run header, samples, events, windows and requests in memory
and writes them from its own thread every ``flush_s`` seconds; :meth:`Tracker.start` returns at once however
long the store is locked, and nothing is dropped (the queue is written when the lock is released). ``threaded=False``
(the tracker's manual mode) writes synchronously instead. A store failure is never raised into the workload: it
becomes a notice (``store-unavailable`` / ``store-write-failed``) and the run is then not (fully) saved.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ..notice import Notice

Op = Callable[[Any], None]


class StoreWriter:
    """Queue of store operations, written by a background thread (or at once when not ``threaded``)."""

    def __init__(self, opener: Callable[[], Any], *, flush_s: float, threaded: bool,
                 on_notice: Callable[[Notice], None]) -> None:
        self._opener = opener
        self._flush_s = flush_s
        self._threaded = threaded
        self._on_notice = on_notice
        self._lock = threading.Lock()
        self._ops: list[Op] = []
        self._samples: list[tuple[str, str, float, float | None, float | None]] = []
        self._store: Any | None = None
        self._failed = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._seen: set[str] = set()

    @property
    def store(self) -> Any | None:
        return self._store

    def start(self) -> None:
        if not self._threaded:
            self._open()
            return
        with self._lock:
            if self._stop.is_set() or self._thread is not None:
                return  # already closed (close() then wrote the queue itself), or already started
            self._thread = threading.Thread(target=self._loop, name="aifootprint-store-writer", daemon=True)
            self._thread.start()

    def submit(self, op: Op) -> None:
        """Run ``op(store)`` on the writer (now, when not threaded)."""
        if not self._threaded:
            self._run([op])
            return
        with self._lock:
            self._ops.append(op)

    def add_sample(self, row: tuple[str, str, float, float | None, float | None]) -> None:
        with self._lock:
            self._samples.append(row)

    def flush(self) -> None:
        """Write what is queued (on the calling thread)."""
        with self._lock:
            ops, self._ops = self._ops, []
            rows, self._samples = self._samples, []
        if rows:
            ops.insert(0, lambda s: _write_samples(s, rows))
        self._run(ops)

    def close(self) -> None:
        """Write everything still queued and stop the thread (waits for the store, up to its busy timeout)."""
        with self._lock:
            self._stop.set()
            thread, self._thread = self._thread, None
        if thread is not None:
            thread.join()
        else:
            self.flush()

    def _open(self) -> None:
        if self._store is None and not self._failed:
            try:
                self._store = self._opener()
            except Exception as exc:  # the store is optional: never disturb the workload
                self._failed = True
                self._notice(Notice("store-unavailable", f"run store unavailable ({exc}); the run is not saved"))

    def _loop(self) -> None:
        self._open()
        while not self._stop.wait(self._flush_s):
            self.flush()
        self.flush()

    def _run(self, ops: list[Op]) -> None:
        self._open()
        if self._store is None:
            return
        for op in ops:
            try:
                op(self._store)
            except Exception as exc:
                self._notice(Notice("store-write-failed", f"run store write failed: {type(exc).__name__}: {exc}"))

    def _notice(self, notice: Notice) -> None:
        if notice.message not in self._seen:
            self._seen.add(notice.message)
            self._on_notice(notice)


def _write_samples(store: Any, rows: list[tuple[str, str, float, float | None, float | None]]) -> None:
    for row in rows:
        store.add_sample(*row)
    store.flush()
