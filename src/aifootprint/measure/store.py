"""The run store: an embedded, append-only SQLite database (WAL mode) of measured runs.

Location: the ``path`` given, else ``$AIFOOTPRINT_HOME/runs.sqlite``, else ``$XDG_DATA_HOME/aifootprint/runs.sqlite``,
else ``~/.local/share/aifootprint/runs.sqlite`` (:mod:`aifootprint.paths`: one rule for every component).

Guarantees
----------
- **Append-only**: rows are only inserted; triggers make any UPDATE or DELETE fail. A run's end is a row in
  ``run_ends``, not an update of ``runs``.
- **Several writers**: every write is one ``BEGIN IMMEDIATE`` transaction with a 30 s busy timeout, so concurrent
  processes queue instead of failing (WAL lets readers go on meanwhile). No row is lost.
- **Crash loss bounded**: the tracker flushes its sample buffer at least every second (``TrackerConfig.flush_s``,
  default 0.8 s, plus the lateness of that tick); a committed transaction survives the process being killed
  (``synchronous=NORMAL`` in WAL mode only risks the last transactions on power loss,
  https://www.sqlite.org/pragma.html#pragma_synchronous).

Identity: an aifootprint store carries SQLite's ``application_id`` :data:`APPLICATION_ID` and ``user_version``
:data:`SCHEMA_VERSION` in its header (https://www.sqlite.org/pragma.html#pragma_application_id). A writer opens
a file only when it is empty (then it creates the schema and the id in one transaction), carries the id, or is
a store made by an earlier version (no id, but exactly our schema: the id is added, nothing else changes). Any
other file (another application's database, a text file) is refused with an ``InputError`` *before* anything is
written: no table, no trigger, no WAL switch, not one byte changed.

Reading: ``RunStore(path, read_only=True)`` (what ``runs list|show|export`` use) opens the file read-only
(``file:…?mode=ro``) and creates nothing: a missing file is ``InputError("no run store at PATH")``, and a file that
is not an aifootprint run store (not SQLite, corrupt, a directory, another database) is one ``InputError`` too.
When the file or its directory cannot be written (a read-only mount, another user's store), SQLite cannot create
the WAL index (``-shm``) it needs even to read, so the store is opened ``immutable=1`` instead
(https://www.sqlite.org/uri.html#uriimmutable): safe because nobody can be writing to a file that cannot be written.

Schema (version 1; times ``t_s`` are seconds since the run's start, ``*_at`` are Unix times)
--------------------------------------------------------------------------------------------
``meta(key PK, value)``: ``schema_version``.
``runs(run_id PK, name, started_at, host, pid, command, job_id, location, hz, method_version, data_version,
config_json)``
``devices(run_id, device, physical_id, component, method, estimated, owned)``: ``owned`` = 0 when another rank
of the job measured that device (lease).
``samples(run_id, device, t_s, energy_j, power_w)``: ``energy_j`` cumulative since the start for that device;
indexed by ``(run_id, t_s)`` so that one flush's rows of every device land in the same index leaf page (with
``(run_id, device, t_s)``, the index of stores made before 0.3.0, each device's rows go to a page of their own: a
commit of the 10 Hz sampler wrote about twice the pages; both layouts are read the same way).
``events(run_id, t_s, kind, device, message)``: ``kind`` in gap_start, gap_end, implausible_reading, note,
warning.
``windows(run_id, name, start_s, duration_s, energy_j, measurement_json)``
``requests(run_id, request_id, start_s, end_s, prefill_tokens, decode_tokens, energy_j)``
``run_ends(run_id PK, ended_at, exit_code, summary_json)``: the run's measurement as JSON.

Extensions (the API ledger's ``api_calls``) add their own tables through :meth:`RunStore.create_extension`
(``CREATE … IF NOT EXISTS`` only, never on the store's own tables), write their rows in the same transaction as the
requests they describe (``add_requests(extra=…)``) and read them with :meth:`RunStore.query` (``SELECT`` only).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from stat import S_ISREG

from .._lazy import lazy_getattr
from ..errors import InputError
from ..fileio import SQLITE_MAGIC

TYPE_CHECKING = False  # typing is not imported at run time (`aifootprint measure` never needs it)
if TYPE_CHECKING:
    from typing import Any

    from .stored import StoredRun as StoredRun

SCHEMA_VERSION = 1
#: SQLite ``application_id`` of an aifootprint run store: the ASCII bytes ``AFPR`` (0x41465052).
APPLICATION_ID = 0x41465052
#: Page cache of a writing connection [KiB] (SQLite's default is 2,000 KiB): rows are only appended, so the
#: tracker's memory stays small (https://www.sqlite.org/pragma.html#pragma_cache_size).
CACHE_KIB = 256
BUSY_TIMEOUT_S = 30.0
"""How long a write waits for another process's write lock (SQLite ``busy_timeout``) before failing; long enough
for a large concurrent flush, short enough that a stuck writer surfaces as an error (docstring: Guarantees)."""
_TABLES = ("runs", "devices", "samples", "events", "windows", "requests", "run_ends")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS runs(run_id TEXT PRIMARY KEY, name TEXT, started_at REAL, host TEXT, pid INTEGER,
  command TEXT, job_id TEXT, location TEXT, hz REAL, method_version TEXT, data_version TEXT, config_json TEXT);
CREATE TABLE IF NOT EXISTS devices(run_id TEXT, device TEXT, physical_id TEXT, component TEXT, method TEXT,
  estimated INTEGER, owned INTEGER);
CREATE TABLE IF NOT EXISTS samples(run_id TEXT, device TEXT, t_s REAL, energy_j REAL, power_w REAL);
CREATE INDEX IF NOT EXISTS samples_by_run ON samples(run_id, t_s);
CREATE TABLE IF NOT EXISTS events(run_id TEXT, t_s REAL, kind TEXT, device TEXT, message TEXT);
CREATE TABLE IF NOT EXISTS windows(run_id TEXT, name TEXT, start_s REAL, duration_s REAL, energy_j REAL,
  measurement_json TEXT);
CREATE TABLE IF NOT EXISTS requests(run_id TEXT, request_id TEXT, start_s REAL, end_s REAL, prefill_tokens INTEGER,
  decode_tokens INTEGER, energy_j REAL);
CREATE TABLE IF NOT EXISTS run_ends(run_id TEXT PRIMARY KEY, ended_at REAL, exit_code INTEGER, summary_json TEXT);
"""


def default_store_path() -> Path:
    """The store path from the environment: ``runs.sqlite`` in :func:`aifootprint.paths.data_home`."""
    from ..paths import data_home

    return data_home() / "runs.sqlite"


@dataclass(frozen=True)
class RunHeader:
    """The ``runs`` row written when a run starts."""

    run_id: str
    name: str
    started_at: float
    host: str
    pid: int
    command: str = ""
    job_id: str = ""
    location: str = ""
    hz: float = 0.0
    method_version: str = ""
    data_version: str = ""
    config_json: str = "{}"


class RunStore:
    """Append-only SQLite store. Thread-safe (one connection, one lock); safe across processes (WAL + locks)."""

    def __init__(self, path: str | Path | None = None, *, timeout_s: float = BUSY_TIMEOUT_S,
                 read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self.read_only = read_only
        self._lock = threading.Lock()
        self._buf_lock = threading.Lock()
        self._samples: list[tuple[str, str, float, float | None, float | None]] = []
        self._busy_ms = int(timeout_s * 1000)
        if read_only:
            self._db = _open_read_only(self.path, timeout_s)
            return
        if self.path.exists() and not self.path.is_file():
            raise InputError(f"cannot use {self.path} as a run store: it is a directory or a special file")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=timeout_s, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise InputError(f"cannot use {self.path} as a run store: {exc}") from exc
        try:
            self._db.execute(f"PRAGMA busy_timeout={int(timeout_s * 1000)}")
            self._claim()
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")  # append-only: a small page cache is enough
        except (OSError, sqlite3.Error, InputError) as exc:
            self._db.close()
            if isinstance(exc, InputError):
                raise
            raise InputError(f"cannot use {self.path} as a run store: {exc}") from exc

    def _claim(self) -> None:
        """Check the file's identity and create the schema if it is empty, in one write transaction (two
        processes creating the same store queue here); refuse another database before writing anything."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                kind = store_kind(self._db, self.path)
                if kind == "foreign":
                    raise InputError(f"{self.path} is not an aifootprint run store (another SQLite database or "
                                     "file): refusing to change it; give --store a new file or an aifootprint store")
                if kind in ("empty", "legacy"):
                    for stmt in self._schema_script() if kind == "empty" else []:
                        self._db.execute(stmt)
                    self._db.execute(f"PRAGMA application_id={APPLICATION_ID}")
                    self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    @staticmethod
    def _schema_script() -> list[str]:
        stmts = [s.strip() for s in _SCHEMA.split(";") if s.strip()]
        stmts.append(f"INSERT OR IGNORE INTO meta VALUES ('schema_version', '{SCHEMA_VERSION}')")
        for table in (*_TABLES, "meta"):
            for action in ("UPDATE", "DELETE"):
                stmts.append(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'aifootprint run store is append-only'); END"
                )
        return stmts

    # -- writing ----------------------------------------------------------------------------------------------
    def _write(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._write_many([(sql, rows)])

    def _write_many(self, batches: list[tuple[str, Sequence[Sequence[Any]] | None]]) -> None:
        """One ``BEGIN IMMEDIATE`` transaction: each ``(sql, rows)`` inserts its rows; ``rows`` None runs ``sql``
        once (a ``CREATE … IF NOT EXISTS``)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for sql, rows in batches:
                    if rows is None:
                        self._db.execute(sql)
                    elif rows:
                        self._db.executemany(sql, rows)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def begin_run(self, header: RunHeader, devices: Iterable[tuple[str, str, str, str, bool, bool]]) -> None:
        """Insert the run and its devices ``(device, physical_id, component, method, estimated, owned)``."""
        h = header
        self._write_many([
            ("INSERT INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
             [(h.run_id, h.name, h.started_at, h.host, h.pid, h.command, h.job_id, h.location, h.hz,
               h.method_version, h.data_version, h.config_json)]),
            ("INSERT INTO devices VALUES (?,?,?,?,?,?,?)",
             [(h.run_id, d, p, c, m, int(e), int(o)) for d, p, c, m, e, o in devices]),
        ])

    def add_sample(self, run_id: str, device: str, t_s: float, energy_j: float | None, power_w: float | None) -> None:
        """Buffer one sample; it reaches the database at the next :meth:`flush`."""
        with self._buf_lock:
            self._samples.append((run_id, device, t_s, energy_j, power_w))

    def write_samples(self, rows: Sequence[tuple[str, str, float, float | None, float | None]]) -> None:
        """Insert samples ``(run_id, device, t_s, energy_j, power_w)`` in one transaction (unbuffered)."""
        if rows:
            self._write("INSERT INTO samples VALUES (?,?,?,?,?)", rows)

    def set_busy_timeout(self, timeout_s: float) -> None:
        """How long the next writes wait for another process's write lock (0: fail at once with SQLITE_BUSY)."""
        busy_ms = int(timeout_s * 1000)
        if busy_ms == self._busy_ms:
            return  # unchanged: no statement (the sampler sets it at every flush)
        with self._lock:
            self._db.execute(f"PRAGMA busy_timeout={busy_ms}")
            self._busy_ms = busy_ms

    def flush(self) -> int:
        """Write the buffered samples in one transaction; return how many."""
        with self._buf_lock:
            rows, self._samples = self._samples, []
        if rows:
            self._write("INSERT INTO samples VALUES (?,?,?,?,?)", rows)
        return len(rows)

    def add_event(self, run_id: str, t_s: float, kind: str, device: str, message: str) -> None:
        self._write("INSERT INTO events VALUES (?,?,?,?,?)", [(run_id, t_s, kind, device, message)])

    def add_window(self, run_id: str, name: str, start_s: float, duration_s: float, energy_j: float,
                   measurement: dict[str, Any]) -> None:
        self._write("INSERT INTO windows VALUES (?,?,?,?,?,?)",
                    [(run_id, name, start_s, duration_s, energy_j, json.dumps(measurement))])

    def add_requests(self, run_id: str, rows: Sequence[tuple[str, float, float, int, int, float]], *,
                     extra: tuple[str, Sequence[Sequence[Any]]] | None = None) -> None:
        """Insert attributed requests ``(request_id, start_s, end_s, prefill_tokens, decode_tokens, energy_j)``.
        ``extra``: ``(INSERT INTO <extension table> …, rows)`` written in the same transaction, so that an
        extension's rows and the requests they describe are committed together or not at all (the API ledger's
        ``api_calls``, :mod:`aifootprint.integrations.ledger`)."""
        batches: list[tuple[str, Sequence[Sequence[Any]] | None]] = [
            ("INSERT INTO requests VALUES (?,?,?,?,?,?,?)", [(run_id, *r) for r in rows])]
        if extra is not None:
            batches.append((_extension_insert(extra[0]), extra[1]))
        self._write_many(batches)

    def create_extension(self, statements: Sequence[str]) -> None:
        """Create an extension's own tables, indexes and append-only triggers, in one write transaction. Only
        ``CREATE … IF NOT EXISTS`` statements are accepted: they add, and never change what exists."""
        for sql in statements:
            words = sql.upper().split()
            if not words or words[0] != "CREATE" or "IF NOT EXISTS" not in " ".join(words):
                raise ValueError(f"an extension may only run CREATE … IF NOT EXISTS statements, got {sql[:60]!r}")
            on = [words[i + 1].split("(")[0].lower() for i, w in enumerate(words[:-1]) if w == "ON"]
            if set(on) & {*_TABLES, "meta"}:
                raise ValueError(f"an extension may not add indexes or triggers to the store's own tables: "
                                 f"{sql[:60]!r}")
        self._write_many([(sql, None) for sql in statements])

    def end_run(self, run_id: str, ended_at: float, exit_code: int | None, summary: dict[str, Any]) -> None:
        self.flush()
        self._write("INSERT INTO run_ends VALUES (?,?,?,?)", [(run_id, ended_at, exit_code, json.dumps(summary))])

    # -- reading ----------------------------------------------------------------------------------------------
    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return list(self._db.execute(sql, args).fetchall())

    def runs(self, limit: int | None = None) -> list[StoredRun]:
        """Runs, newest first (``limit``: at most that many; None or 0: all)."""
        if limit is not None and limit < 0:
            raise InputError(f"limit must be >= 0 (0: all runs), got {limit}")
        sql = ("SELECT r.*, e.ended_at, e.exit_code, e.summary_json FROM runs r "
               "LEFT JOIN run_ends e ON e.run_id = r.run_id ORDER BY r.started_at DESC")
        rows = self._query(sql + (f" LIMIT {int(limit)}" if limit else ""))
        return [_stored(r) for r in rows]

    def run_ids(self) -> list[str]:
        return [r[0] for r in self._query("SELECT run_id FROM runs ORDER BY started_at DESC")]

    def get(self, run_id: str) -> StoredRun | None:
        """The run with this id, or the only run whose id starts with it; None when no (single) match."""
        rows = self._query(
            "SELECT r.*, e.ended_at, e.exit_code, e.summary_json FROM runs r LEFT JOIN run_ends e "
            "ON e.run_id = r.run_id WHERE r.run_id = ? OR r.run_id LIKE ? ESCAPE '\\' ORDER BY r.run_id = ? DESC",
            (run_id, run_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%", run_id),
        )
        if not rows or (len(rows) > 1 and rows[0][0] != run_id):
            return None
        return _stored(rows[0])

    def samples(self, run_id: str) -> list[tuple[str, float, float | None, float | None]]:
        """``(device, t_s, energy_j, power_w)`` ordered by device and time.

        Read in the order of whichever ``samples_by_run`` index the store has (``(run_id, t_s)`` since 0.3.0,
        ``(run_id, device, t_s)`` in older stores), then grouped by device: no SQL sort in either layout."""
        by_device: dict[str, list[tuple[str, float, float | None, float | None]]] = {}
        for r in self._query("SELECT device, t_s, energy_j, power_w FROM samples WHERE run_id = ?", (run_id,)):
            by_device.setdefault(r[0], []).append(tuple(r))
        out: list[tuple[str, float, float | None, float | None]] = []
        for device in sorted(by_device):
            out.extend(sorted(by_device[device], key=itemgetter(1)))  # already in time order: a linear pass
        return out

    def devices(self, run_id: str) -> list[tuple[str, str, str, str, bool, bool]]:
        rows = self._query("SELECT device, physical_id, component, method, estimated, owned FROM devices "
                           "WHERE run_id = ? ORDER BY device", (run_id,))
        return [(r[0], r[1], r[2], r[3], bool(r[4]), bool(r[5])) for r in rows]

    def events(self, run_id: str) -> list[tuple[float, str, str, str]]:
        return [tuple(r) for r in self._query(
            "SELECT t_s, kind, device, message FROM events WHERE run_id = ? ORDER BY t_s", (run_id,))]

    def windows(self, run_id: str) -> list[dict[str, Any]]:
        rows = self._query("SELECT measurement_json FROM windows WHERE run_id = ? ORDER BY start_s", (run_id,))
        return [json.loads(r[0]) for r in rows]

    def requests(self, run_id: str) -> list[tuple[str, float, float, int, int, float]]:
        return [tuple(r) for r in self._query(
            "SELECT request_id, start_s, end_s, prefill_tokens, decode_tokens, energy_j FROM requests "
            "WHERE run_id = ? ORDER BY start_s", (run_id,))]

    def has_table(self, name: str) -> bool:
        """Whether the store has a table of this name (an extension's table exists only once it wrote)."""
        return bool(self._query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)))

    def query(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of one ``SELECT`` (an extension reading its own tables; works on read-only stores too)."""
        words = sql.split(None, 1)
        if not words or words[0].upper() != "SELECT":
            raise ValueError(f"query() runs SELECT statements only, got {sql[:60]!r}")
        return self._query(sql, args)

    def count(self, table: str, run_id: str | None = None) -> int:
        if table not in _TABLES:
            raise ValueError(f"unknown table {table!r}")
        if run_id is None:
            return int(self._query(f"SELECT COUNT(*) FROM {table}")[0][0])
        return int(self._query(f"SELECT COUNT(*) FROM {table} WHERE run_id = ?", (run_id,))[0][0])

    def close(self) -> None:
        self.flush()
        with self._lock:
            self._db.close()


def _extension_insert(sql: str) -> str:
    """``sql`` if it inserts into a table that is not one of the store's own (those have their own methods)."""
    words = sql.split(None, 3)
    table = words[2].split("(")[0] if len(words) > 2 else ""
    if [w.upper() for w in words[:2]] != ["INSERT", "INTO"] or table in (*_TABLES, "meta"):
        raise ValueError(f"extra rows must be an INSERT INTO an extension's own table, got {sql[:60]!r}")
    return sql


def store_kind(db: sqlite3.Connection, path: Path | None = None) -> str:
    """What an open SQLite file is: ``store`` (carries :data:`APPLICATION_ID`), ``legacy`` (a store of an earlier
    version: no id, our tables and ``meta.schema_version``), ``empty`` (a 0-byte file at ``path``: nothing written
    yet) or ``foreign``. Reads only."""
    app_id = int(db.execute("PRAGMA application_id").fetchone()[0])
    if app_id == APPLICATION_ID:
        return "store"
    if app_id != 0:
        return "foreign"
    tables = {str(r[0]) for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables and path is not None and (not path.exists() or path.stat().st_size == 0):
        return "empty"
    if tables != {*_TABLES, "meta"}:
        return "foreign"
    version = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return "legacy" if version is not None and str(version[0]) == str(SCHEMA_VERSION) else "foreign"


def check_store_target(path: str | os.PathLike[str], flag: str = "--store") -> None:
    """Refuse at once, with :class:`InputError`, a path :class:`RunStore` would refuse: a directory or special file,
    or an existing file that is not an aifootprint run store (a foreign database is never opened for writing).

    For ``measure --store`` before the command runs: a long job must not end unsaved for a typo. Reads the 100-byte
    file header (the application id at offset 68) and, only for a file without the id (a store of an earlier
    version, or another database), its table names read-only; takes no lock and never waits.
    """
    p = Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        return  # a new store: created at the first write
    except OSError as exc:
        raise InputError(f"cannot use {flag} {p}: {exc.strerror or exc}") from None
    accepted = "accepted: a new file name or an aifootprint run store"
    if not S_ISREG(st.st_mode):
        raise InputError(f"cannot use {flag} {p} as a run store: it is a directory or a special file; {accepted}")
    if st.st_size == 0:
        return
    try:
        with open(p, "rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        raise InputError(f"cannot use {flag} {p}: {exc.strerror or exc}") from None
    app_id = int.from_bytes(head[68:72], "big") if len(head) == 100 else -1
    if head[:16] == SQLITE_MAGIC and app_id == APPLICATION_ID:
        return
    if head[:16] == SQLITE_MAGIC and app_id == 0:
        try:
            _open_read_only(p, 0.0).close()  # a store of an earlier version is used (and upgraded) as it is
            return
        except InputError:
            pass
    raise InputError(f"{flag} {p} is not an aifootprint run store (another SQLite database or file): refusing to "
                     f"change it; {accepted}")


def writable(path: Path) -> bool:
    """True when both the file and its directory can be written (SQLite's WAL index needs the directory)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _open_read_only(path: Path, timeout_s: float, immutable: bool | None = None) -> sqlite3.Connection:
    """Connect read-only to an existing run store; InputError when it is missing or not a run store.

    ``immutable``: open with ``immutable=1`` (default: when :func:`writable` says the file cannot be written)."""
    if not path.exists():
        raise InputError(f"no run store at {path} (measure a run first, or give --store)")
    if not path.is_file():
        raise InputError(f"{path} is not a run store file (it is a directory or a special file)")
    from urllib.parse import quote

    if immutable is None:
        immutable = not writable(path)
    uri = "file:" + quote(str(path.resolve())) + ("?mode=ro&immutable=1" if immutable else "?mode=ro")
    try:
        db = sqlite3.connect(uri, uri=True, timeout=timeout_s, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise InputError(f"cannot open run store {path}: {exc}") from exc
    try:
        db.execute(f"PRAGMA busy_timeout={int(timeout_s * 1000)}")
        kind = store_kind(db)
    except sqlite3.Error as exc:
        db.close()
        raise InputError(f"{path} is not a readable aifootprint run store ({exc})") from exc
    if kind not in ("store", "legacy"):
        db.close()
        raise InputError(f"{path} is not an aifootprint run store (another SQLite database, or an empty file)")
    return db


def _stored(row: Sequence[Any]) -> StoredRun:
    from .stored import StoredRun

    header = RunHeader(*row[:12])
    summary = json.loads(row[14]) if row[14] else None
    return StoredRun(header, row[12], row[13], summary)


#: :class:`StoredRun` (a run as read back) lives in :mod:`.stored`, loaded on first use: the tracker only writes
__getattr__ = lazy_getattr(__name__, {"StoredRun": "stored"}, base=__package__)
