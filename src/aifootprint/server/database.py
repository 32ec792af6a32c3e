"""Sessions for reads and writes.

SQLite: writes run in ``BEGIN IMMEDIATE`` transactions on their own engine, so concurrent writers queue on the
database lock (30 s busy timeout) instead of failing on a stale snapshot, and the writers of one process queue on a
lock first; reads use a plain engine (WAL readers do not block). PostgreSQL: one engine; concurrent writes are
made safe by the statements themselves (INSERT … ON CONFLICT DO NOTHING, atomic UPDATEs, SELECT … FOR UPDATE).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from .db import make_engine


class Database:
    """Engines and session factories for one database URL (``create=False``: an existing database only, for
    read-only commands; nothing is created)."""

    def __init__(self, url: str, create: bool = True) -> None:
        self.url = url
        self.engine = make_engine(url, create)
        self.dialect = self.engine.dialect.name
        self.write_engine: Engine = self.engine
        if self.dialect == "sqlite" and self.engine.url.database not in (None, "", ":memory:"):
            self.write_engine = make_engine(url, create)
            _immediate_transactions(self.write_engine)
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(self.write_engine, expire_on_commit=False)
        # SQLite has one writer at a time: queue this process's writers on a lock instead of SQLite's busy handler
        # (which polls with sleeps of up to 100 ms); other processes still wait through the busy timeout.
        self._write_lock: threading.Lock | None = threading.Lock() if self.dialect == "sqlite" else None

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose transaction commits when the block ends without error (rolled back otherwise)."""
        lock = self._write_lock or contextlib.nullcontext()
        with lock, self._write() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
        if self.write_engine is not self.engine:
            self.write_engine.dispose()


def _immediate_transactions(engine: Engine) -> None:
    """Let SQLAlchemy, not the sqlite3 module, begin transactions, and begin them IMMEDIATE (SQLAlchemy docs,
    "Serializable isolation / Savepoints / Transactional DDL" for pysqlite)."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
