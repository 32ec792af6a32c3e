"""Report runs to a team server, offline-first. Standard library only (works without the ``[server]`` extra).

How it works
------------
:class:`UploadingStore` wraps the local run store (:class:`aifootprint.measure.store.RunStore`): every write goes
to the local SQLite store FIRST, exactly as without a server; rows that reached the local store (after each
``flush``) are then queued for an :class:`Uploader` thread, which sends them in batches (``POST /api/v1/runs``,
``…/samples``, ``…/windows``, ``…/requests``, ``…/finish``). A failed send is retried with exponential backoff
(0.5 s doubling to 30 s, with jitter), the SAME batch with the SAME batch id, so a batch the server applied but whose
reply was lost is acknowledged as a duplicate, not counted twice. The server also keys rows by their natural key
(run, device, ``t_s``), so re-sending rows under a new batch id (``aifootprint server sync`` after a crash) adds
nothing twice. At the end of the run the uploader drains for at most ``drain_s`` seconds; whatever is left stays in
the local store and ``aifootprint server sync`` uploads it later. A server outage or restart loses nothing.

Use with the Python tracker::

    from aifootprint.measure import Tracker
    from aifootprint.server.client import UploadConfig, uploading_store

    store = uploading_store(UploadConfig(url="http://127.0.0.1:8787", project="llm-team"))
    with Tracker(store=store):
        train()
    print(store.uploader.status())
"""

from __future__ import annotations

import http.client
import json
import os
import random
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import InputError

#: Environment variable with the write token (``afp_…``) sent as ``Authorization: Bearer``.
TOKEN_ENV = "AIFOOTPRINT_TOKEN"
#: Rows per batch sent by the uploader (the server accepts up to 5,000).
BATCH_ROWS = 2_000


@dataclass(frozen=True)
class UploadConfig:
    """Where and how to upload. ``token``: None reads ``$AIFOOTPRINT_TOKEN``."""

    url: str
    project: str
    token: str | None = None
    interval_s: float = 1.0
    batch_rows: int = BATCH_ROWS
    timeout_s: float = 10.0
    max_backoff_s: float = 30.0
    drain_s: float = 30.0
    #: rows kept in memory for upload at most (about 300 B each); beyond, they wait in the local store for ``sync``
    max_queue_rows: int = 1_000_000

    def __post_init__(self) -> None:
        parsed = urllib.parse.urlsplit(self.url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise InputError(f"server URL must be http(s)://HOST[:PORT], got {self.url!r}")
        import re

        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}", self.project):
            raise InputError(f"project name must be 1 to 100 letters, digits, _ . : - (first a letter or digit), "
                             f"got {self.project!r}")
        if not 1 <= self.batch_rows <= 5_000:
            raise InputError(f"batch_rows must be in 1..5000, got {self.batch_rows}")


#: The largest reply the client reads [bytes]: the API's replies are small JSON objects (acknowledgements of at most
#: 5,000 rows); a design bound on what a wrong ``--server`` URL can make the client hold in memory.
MAX_REPLY_BYTES = 16 << 20


class ServerError(Exception):
    """The server answered with an error status (``status``) or could not be reached (``status`` 0)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}" if status else message)
        self.status = status

    @property
    def retryable(self) -> bool:
        return self.status == 0 or self.status in (408, 429) or self.status >= 500


_NOT_OURS = "is --server the URL of an aifootprint team server (aifootprint serve)?"


class ServerClient:
    """A keep-alive JSON client of one server (one connection; not thread-safe: one per thread)."""

    def __init__(self, url: str, token: str | None = None, timeout_s: float = 10.0) -> None:
        parts = urllib.parse.urlsplit(url)
        self.https = parts.scheme == "https"
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (443 if self.https else 80)
        self.base = parts.path.rstrip("/")
        self.token = token if token is not None else (os.environ.get(TOKEN_ENV) or None)
        self.timeout_s = timeout_s
        self._conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            cls = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
            self._conn = cls(self.host, self.port, timeout=self.timeout_s)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def request(self, method: str, path: str, body: Any = None) -> Any:
        """Send one request; the decoded JSON reply. ServerError on failure, including a success status whose reply
        is not JSON (or is over :data:`MAX_REPLY_BYTES`): that is not an aifootprint team server (a web page at a
        wrong URL answers 200 too), and uploading to it would lose the rows while reporting success."""
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body, allow_nan=False).encode()
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        for attempt in (0, 1):  # a kept-alive connection the server closed meanwhile: reconnect once
            try:
                conn = self._connection()
                conn.request(method, self.base + path, body=data, headers=headers)
                resp = conn.getresponse()
                raw = resp.read(MAX_REPLY_BYTES + 1)
                break
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                if attempt:
                    raise ServerError(0, f"cannot reach {self.host}:{self.port}: {exc}") from None
        where = f"the reply of {self.host}:{self.port} to {method} {self.base + path}"
        if len(raw) > MAX_REPLY_BYTES:
            resp.close()  # the rest of the body is unread: neither the reply nor the connection can be reused
            self.close()
            raise ServerError(resp.status, f"{where} is larger than {MAX_REPLY_BYTES:,} bytes: {_NOT_OURS}")
        text = raw.decode("utf-8", errors="replace")
        if resp.status >= 400:
            try:
                detail = json.loads(text).get("detail", text)
            except (ValueError, AttributeError):
                detail = text
            raise ServerError(resp.status, str(detail)[:500])
        kind = resp.getheader("Content-Type") or "untyped"
        if "json" not in kind:
            raise ServerError(resp.status, f"{where} is {kind.split(';')[0]}, not JSON: {_NOT_OURS}")
        try:
            return json.loads(text)
        except ValueError as exc:
            raise ServerError(resp.status, f"{where} is not valid JSON ({exc}): {_NOT_OURS}") from None

    def get(self, path: str) -> Any:
        return self.request("GET", path)

    def post(self, path: str, body: Any) -> Any:
        return self.request("POST", path, body)


@dataclass
class _Op:
    """One request to make (kept, with its batch id, until the server accepts it)."""

    path: str
    body: dict[str, Any]
    rows: int = 0


class Uploader:
    """A background thread that sends queued operations in order, retrying each until the server accepts it."""

    def __init__(self, config: UploadConfig, client: ServerClient | None = None) -> None:
        self.config = config
        self.client = client or ServerClient(config.url, config.token, config.timeout_s)
        self._ops: deque[_Op] = deque()
        self._pending: dict[str, list[dict[str, Any]]] = {"samples": [], "windows": [], "requests": []}
        self._run_id = ""
        self._seq = 0
        self._cv = threading.Condition()
        self._stop = False
        self._urgent = False
        self._last_cut = time.monotonic()
        self._thread: threading.Thread | None = None
        self.sent_rows = 0
        self.dropped_rows = 0
        self.errors = 0
        self.last_error = ""
        self.fatal = ""

    # -- queueing (called by UploadingStore, any thread) --------------------------------------------------------
    def create_run(self, body: dict[str, Any]) -> None:
        self._run_id = body["run_id"]
        self._put(_Op("/api/v1/runs", body))

    def add_rows(self, kind: str, rows: Sequence[dict[str, Any]]) -> None:
        """Queue rows of ``kind`` (samples, windows, requests); they are sent in batches every ``interval_s``.

        Beyond ``max_queue_rows`` waiting in memory (a long outage), rows are not queued: they are in the local
        store, ``dropped_rows`` counts them and the run is reported as not fully uploaded (``server sync``)."""
        with self._cv:
            if self._waiting() + sum(op.rows for op in self._ops) + len(rows) > self.config.max_queue_rows:
                self.dropped_rows += len(rows)
                return
            self._pending[kind].extend(rows)
            self._cv.notify()

    def finish(self, body: dict[str, Any]) -> None:
        with self._cv:
            self._cut()
            self._ops.append(_Op(f"/api/v1/runs/{self._run_id}/finish", body))
            self._cv.notify()

    def _put(self, op: _Op) -> None:
        with self._cv:
            self._ops.append(op)
            self._cv.notify()

    def _batch_op(self, kind: str, rows: list[dict[str, Any]]) -> _Op:
        self._seq += 1
        batch_id = f"{kind[0]}{self._seq}-{os.getpid()}-{self._run_id}"[:100]
        return _Op(f"/api/v1/runs/{self._run_id}/{kind}", {"batch_id": batch_id, kind: rows}, len(rows))

    def _cut(self) -> None:
        """Turn pending rows into batches of at most ``batch_rows`` (caller holds the lock)."""
        size = self.config.batch_rows
        for kind, rows in self._pending.items():
            for i in range(0, len(rows), size):
                self._ops.append(self._batch_op(kind, rows[i:i + size]))
            rows.clear()

    def _waiting(self) -> int:
        return sum(len(rows) for rows in self._pending.values())

    # -- sending ------------------------------------------------------------------------------------------------
    def start(self) -> Uploader:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="aifootprint-uploader", daemon=True)
            self._thread.start()
        return self

    def pending_rows(self) -> int:
        with self._cv:
            return self._waiting() + sum(op.rows for op in self._ops)

    def pending_ops(self) -> int:
        with self._cv:
            return len(self._ops) + (1 if self._waiting() else 0)

    def _next(self) -> _Op | None:
        """The operation to send now, or None after waiting (samples are cut into a batch every ``interval_s``,
        or at once when a full batch is pending or a drain was asked for)."""
        with self._cv:
            if self._stop:
                return None
            waiting = self._waiting()
            if not self._ops and waiting:
                due = time.monotonic() - self._last_cut >= self.config.interval_s
                if due or self._urgent or waiting >= self.config.batch_rows:
                    self._cut()
                    self._last_cut = time.monotonic()
            if self._ops:
                return self._ops[0]
            self._cv.wait(self.config.interval_s if not waiting else
                          max(0.01, self.config.interval_s - (time.monotonic() - self._last_cut)))
            return None

    def _loop(self) -> None:
        backoff = 0.5
        while not self._stop:
            op = self._next()
            if op is None:
                continue
            try:
                self.client.post(op.path, op.body)
            except (ValueError, TypeError) as exc:  # a row that cannot be encoded: stop loudly, never silently
                with self._cv:
                    self.fatal = f"cannot encode {op.path}: {exc}"
                    self._stop = True
                    self._cv.notify_all()
                return
            except ServerError as exc:
                self.errors += 1
                self.last_error = str(exc)
                if not exc.retryable:
                    with self._cv:
                        self.fatal = f"server refused {op.path}: {exc}"
                        self._stop = True
                        self._cv.notify_all()
                    return
                with self._cv:
                    self._cv.wait(backoff * (0.5 + random.random()))
                backoff = min(backoff * 2, self.config.max_backoff_s)
                continue
            backoff = 0.5
            with self._cv:
                self._ops.popleft()
                self.sent_rows += op.rows
                self._cv.notify_all()

    def drain(self, timeout_s: float | None = None) -> bool:
        """Wait until everything queued was accepted (True) or ``timeout_s`` passed / a fatal refusal (False)."""
        deadline = time.monotonic() + (self.config.drain_s if timeout_s is None else timeout_s)
        with self._cv:
            self._urgent = True
            self._cv.notify_all()
        while time.monotonic() < deadline:
            if self.fatal:
                return False
            if self.pending_ops() == 0:
                return not self.dropped_rows
            time.sleep(0.05)
        return self.pending_ops() == 0 and not self.dropped_rows

    def stop(self) -> None:
        with self._cv:
            self._stop = True
            self._cv.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=self.config.timeout_s + 1)
            self._thread = None
        self.client.close()

    def status(self) -> dict[str, Any]:
        return {"sent_rows": self.sent_rows, "pending_rows": self.pending_rows(), "dropped_rows": self.dropped_rows,
                "errors": self.errors, "last_error": self.last_error, "fatal": self.fatal}
