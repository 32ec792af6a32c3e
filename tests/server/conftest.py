"""Reusable server fixtures (also for the dashboard's browser tests).

- ``pg_server``: a throw-away PostgreSQL cluster for the whole session (``initdb`` into a temp dir, ``pg_ctl``,
  Unix socket in that dir, no TCP); as root the server runs as the ``postgres`` user (else ``nobody``). Skipped with
  the reason only when ``/usr/lib/postgresql/*/bin/initdb`` is absent (``apt-get install postgresql``).
- ``pg_url``: a fresh, empty database on that cluster for one test.
- ``db_url``: parametrized over ``sqlite`` and ``postgresql`` (a fresh database each).
- ``server_config`` / ``client``: a :class:`ServerConfig` on ``db_url`` and a ``TestClient`` of its app.
- ``live_server``: the app served by uvicorn in a thread on a free 127.0.0.1 port; yields ``LiveServer(url, config)``.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from aifootprint.server.config import ServerConfig

_counter = itertools.count()


@dataclass(frozen=True)
class PgServer:
    bin_dir: Path
    socket_dir: Path
    user: str

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@/{database}?host={self.socket_dir}"

    def create_database(self, template: str | None = None) -> str:
        """A new empty database (or a copy of ``template``); returns its URL."""
        import psycopg

        name = f"t{os.getpid()}_{next(_counter)}"
        copy = f' TEMPLATE "{template}"' if template else ""
        with psycopg.connect(host=str(self.socket_dir), user=self.user, dbname="postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"{copy}')
        return self.url(name)


def _initdb() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_user(user: str | None, argv: list[str]) -> list[str]:
    return ["runuser", "-u", user, "--", *argv] if user else argv


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    bin_dir = _initdb()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries not installed (/usr/lib/postgresql/*/bin/initdb absent; "
                    "apt-get install postgresql)")
    run_as: str | None = None
    if os.geteuid() == 0:
        run_as = "postgres"
        try:
            pwd.getpwnam(run_as)
        except KeyError:
            run_as = "nobody"
    root = Path(tempfile.mkdtemp(prefix="afp-pg-"))
    data, sock = root / "data", root / "s"
    sock.mkdir()
    if run_as:
        entry = pwd.getpwnam(run_as)
        for p in (root, sock):
            os.chown(p, entry.pw_uid, entry.pw_gid)
    user = run_as or pwd.getpwuid(os.getuid()).pw_name
    subprocess.run(_as_user(run_as, [str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", user,
                                     "--no-sync", "-E", "UTF8"]), check=True, capture_output=True)
    opts = f"-k {sock} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    subprocess.run(_as_user(run_as, [str(bin_dir / "pg_ctl"), "-D", str(data), "-o", opts, "-l",
                                     str(root / "log"), "-w", "-t", "60", "start"]), check=True, capture_output=True)
    try:
        yield PgServer(bin_dir, sock, user)
    finally:
        subprocess.run(_as_user(run_as, [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture()
def pg_url(pg_server: PgServer) -> str:
    """A fresh, empty database (not migrated)."""
    return pg_server.create_database()


@pytest.fixture(scope="session")
def _pg_migrated_template(pg_server: PgServer) -> str:
    from aifootprint.server.db import make_engine, upgrade

    url = pg_server.create_database()
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    from sqlalchemy.engine import make_url

    return str(make_url(url).database)


@pytest.fixture(scope="session")
def _sqlite_migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from aifootprint.server.db import make_engine, upgrade

    path = tmp_path_factory.mktemp("template") / "server.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database with the current schema (copied from a migrated template), on SQLite and PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "server.sqlite3"
        shutil.copyfile(request.getfixturevalue("_sqlite_migrated_template"), path)
        return f"sqlite:///{path}"
    server: PgServer = request.getfixturevalue("pg_server")
    return server.create_database(template=request.getfixturevalue("_pg_migrated_template"))


@pytest.fixture()
def server_config(db_url: str) -> ServerConfig:
    return ServerConfig(database_url=db_url)


@pytest.fixture()
def client(server_config: ServerConfig) -> Iterator[object]:
    from fastapi.testclient import TestClient

    from aifootprint.server.app import create_app

    with TestClient(create_app(server_config)) as c:
        yield c


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class LiveServer:
    url: str
    config: ServerConfig


@contextlib.contextmanager
def serve_in_thread(config: ServerConfig, port: int | None = None) -> Iterator[LiveServer]:
    """Serve ``create_app(config)`` with uvicorn in a daemon thread until the block ends (on ``port`` or a free one)."""
    import uvicorn

    from aifootprint.server.app import create_app

    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(config), host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, name="aifootprint-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", config)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture()
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The app on SQLite in ``tmp_path``, served on a free 127.0.0.1 port."""
    with serve_in_thread(ServerConfig(database_url=f"sqlite:///{tmp_path / 'live.sqlite3'}")) as live:
        yield live
