"""Database engine and schema migrations (Alembic, shipped with the package).

``make_engine(url)`` accepts ``sqlite:///PATH`` (WAL, busy timeout; parent directory created) and
``postgresql+psycopg://…``. ``upgrade(engine)`` / ``downgrade(engine, "base")`` run the migrations in
``aifootprint/server/migrations`` on that engine; the app calls ``upgrade`` at start-up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

from ..errors import InputError

MIGRATIONS = Path(__file__).with_name("migrations")
SUPPORTED = ("sqlite", "postgresql+psycopg")


def make_engine(url: str, create: bool = True) -> Engine:
    """An engine for ``url`` (InputError on an unsupported or malformed URL). With ``create=False`` (read-only
    commands) a missing SQLite file is an InputError and nothing (no folder, no file) is created."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise InputError(f"not a database URL: {url!r}; accepted: sqlite:///PATH or postgresql+psycopg://…") from exc
    driver = parsed.drivername
    if driver == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
        driver = parsed.drivername
    if driver not in SUPPORTED:
        raise InputError(f"unsupported database {driver!r}; accepted: sqlite:///PATH or postgresql+psycopg://…")
    if driver == "sqlite":
        return _sqlite_engine(parsed.database or "", create)
    return create_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _sqlite_engine(database: str, create: bool = True) -> Engine:
    if database in ("", ":memory:"):
        engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        path = Path(database).expanduser()
        if not create and not path.exists():
            raise InputError(f"no database at {path}; accepted: the file of an existing server database (made by "
                             "`aifootprint serve` or `aifootprint server migrate`)")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create the database directory {path.parent}: {exc}") from exc
        _refuse_foreign_sqlite(path)
        engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        if database not in ("", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    return engine


#: The first 16 bytes of every SQLite 3 database file (https://www.sqlite.org/fileformat.html, "The Database Header").
SQLITE_HEADER = b"SQLite format 3\x00"


def _refuse_foreign_sqlite(path: Path) -> None:
    """InputError for an SQLite file that holds other tables and no schema of ours (no ``alembic_version``),
    checked read-only before the engine touches it (its first connection switches the file to WAL): another
    application's database, or a file that is no database at all, is never altered (issue 12, as for the run store).
    A missing or empty file is new."""
    import sqlite3
    from urllib.parse import quote

    if not path.exists() or (path.is_file() and path.stat().st_size == 0):
        return
    if not path.is_file():
        raise InputError(f"cannot use the database {path}: it is a directory or a special file")
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise InputError(f"cannot use the database {path}: {exc.strerror or exc}") from None
    if header != SQLITE_HEADER:  # SQLite itself would overwrite a file shorter than its header (a 1-byte note)
        size = path.stat().st_size
        raise InputError(f"cannot use the database {path}: it is not an SQLite database (a file of {size:,} "
                         f"byte{'' if size == 1 else 's'}); refusing to change it; accepted: a new or empty SQLite "
                         "file, or one made by `aifootprint serve`")
    try:
        db = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
        try:
            names = {str(r[0]) for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise InputError(f"cannot use the database {path}: {exc}") from None
    if names and "alembic_version" not in names:
        shown = ", ".join(sorted(names)[:5]) + (", …" if len(names) > 5 else "")
        raise InputError(f"the database {path} holds other tables ({shown}) and no aifootprint server schema: "
                         "refusing to change it; accepted: a new or empty SQLite file, or one made by "
                         "`aifootprint serve`")


def _config(connection: Any) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the schema up to ``revision`` (default: the newest)."""
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(_config(conn), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Migrate the schema down to ``revision`` (``base``: no tables left)."""
    from alembic import command

    with engine.begin() as conn:
        command.downgrade(_config(conn), revision)


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database (None: not migrated)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        rev = MigrationContext.configure(conn).get_current_revision()
    return str(rev) if rev is not None else None
