"""``aifootprint serve``, ``aifootprint exporter`` and ``aifootprint server token|sync|migrate``.

The server commands need the ``[server]`` extra; without it they say so in one line (exit 2).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import InputError
from .validate import in_range

DB_ENV = "AIFOOTPRINT_DATABASE_URL"
DbOpt = Annotated[str | None, typer.Option(
    "--database-url", help=f"sqlite:///PATH or postgresql+psycopg://USER@HOST/DB (default: ${DB_ENV}, else an SQLite "
    "file in the user data directory).")]


def _need_extra() -> None:
    try:
        import fastapi  # noqa: F401
        import sqlalchemy  # noqa: F401
    except ImportError as exc:
        raise InputError(f"the server needs the [server] extra ({exc.name} is missing): "
                         "pip install 'aifootprint[server]'") from None


def _db_url(given: str | None) -> str:
    from ..server.config import default_database_url

    return given or os.environ.get(DB_ENV) or default_database_url()


def serve(
    host: Annotated[str, typer.Option(help="Address to bind (default loopback only; writes need a token elsewhere).")
                    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port (1 to 65,535).", callback=in_range("--port", 1, 65535))] = 8787,
    database_url: DbOpt = None,
    require_token: Annotated[bool, typer.Option("--require-token", help="Writes need a token on loopback too.")
                             ] = False,
    public_reads: Annotated[bool, typer.Option("--public-reads", help="Reads (API, dashboard, /metrics) without a "
                                               "token when bound off loopback.")] = False,
    workers: Annotated[int, typer.Option(help="Worker processes, 1 to 64 (more than 1: for PostgreSQL or many "
                                              "clients).", callback=in_range("--workers", 1, 64))] = 1,
) -> None:
    """Run the team server: REST API (/api/v1, OpenAPI at /docs), dashboard, Prometheus /metrics.

    Example: aifootprint serve --port 8787
    """
    _need_extra()
    import uvicorn

    from ..server.app import create_app
    from ..server.config import ServerConfig, TokenPolicy, check_listen

    check_listen(host, port)

    policy = TokenPolicy(require_for_writes=True if require_token else None,
                         require_for_reads=False if public_reads else None)
    config = ServerConfig(database_url=_db_url(database_url), host=host, port=port, tokens=policy)
    where = "loopback only" if config.loopback else "NETWORK: writes need a token"
    message = (f"aifootprint server on http://{host}:{port} ({where}); database {_safe_url(config.database_url)}"
               f"{f'; {workers} workers' if workers > 1 else ''}")
    if workers == 1:
        with _db_errors(config.database_url):
            app = create_app(config)
            typer.echo(message, err=True)
            _token_hint(app.state.aifootprint.db, config.writes_need_token)
        uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
        return
    from dataclasses import replace

    from ..server.config import CONFIG_ENV, config_to_json

    _database(config.database_url).dispose()  # migrate once here, not concurrently in every worker
    os.environ[CONFIG_ENV] = config_to_json(replace(config, migrate=False))
    typer.echo(message, err=True)
    uvicorn.run("aifootprint.server.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                log_level="warning", server_header=False)


def _token_hint(db: Any, needed: bool) -> None:
    """Say how to create a token when writes need one and none is active."""
    from ..server.auth import list_tokens

    with db.read() as session:
        active = [t for t in list_tokens(session) if not t["revoked_at"]]
    if needed and not active:
        typer.echo("no active token yet: nobody can upload; create one with `aifootprint server token create NAME`",
                   err=True)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        from .main import shorten

        raise InputError(f"--database-url: not a database URL: {shorten(url)!r}; accepted: sqlite:///PATH or "
                         "postgresql+psycopg://USER@HOST/DB") from None


def exporter(
    port: Annotated[int, typer.Option(help="TCP port of /metrics (1 to 65,535).",
                                      callback=in_range("--port", 1, 65535))] = 9464,
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    hz: Annotated[float, typer.Option(help="Sensor reads per second (0.1 to 100).",
                                      callback=in_range("--hz", 0.1, 100.0, "Hz"))] = 2.0,
    sensors: Annotated[str | None, typer.Option(help="auto, estimate or fake (default: $AIFOOTPRINT_SENSORS or "
                                                     "auto).")] = None,
) -> None:
    """Publish this machine's live GPU/CPU/RAM power and energy for Prometheus (one reader per node)."""
    try:
        import prometheus_client  # noqa: F401
    except ImportError:
        raise InputError("the exporter needs the [server] extra: pip install 'aifootprint[server]'") from None
    import signal
    import threading

    from ..measure.sensors.discovery import SensorConfig, discover
    from ..server.config import check_listen
    from ..server.exporter import ExporterConfig, NodeExporter, serve_exporter

    check_listen(host, port)
    found = discover(SensorConfig(backend=sensors))
    node = NodeExporter(found.sensors, ExporterConfig(host=host, port=port, hz=hz)).start()
    try:
        server, _thread = serve_exporter(node)
    except OSError as exc:  # the port was taken after the check
        node.stop()
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    devices = ", ".join(node.owned_devices()) or "none (another exporter holds them)"
    typer.echo(f"aifootprint exporter on http://{host}:{port}/metrics; devices: {devices}", err=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda _signum, _frame: stop.set())
    try:
        stop.wait()
    finally:
        server.shutdown()
        server.server_close()
        node.stop()


def token_create(name: Annotated[str, typer.Argument(help="Who or what uses the token (e.g. node-17).")],
                 database_url: DbOpt = None) -> None:
    """Create a write token; it is printed once (only its hash is stored)."""
    _need_extra()
    from ..server.auth import create_token

    with _database(database_url).write() as session:
        token = create_token(session, name)
    typer.echo(token)
    typer.echo("store it now: it cannot be shown again (clients read it from $AIFOOTPRINT_TOKEN)", err=True)


def token_list(database_url: DbOpt = None,
               json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List tokens (ids and names; never the secrets)."""
    _need_extra()
    import json

    from ..server.auth import list_tokens

    db = _database(database_url, migrate=False, create=False)  # a read: no database is created or migrated
    with _db_errors(db.url), db.read() as session:
        tokens = list_tokens(session)
    if json_out:
        typer.echo(json.dumps(tokens, indent=2))
        return
    for t in tokens:
        state = "revoked" if t["revoked_at"] else "active"
        typer.echo(f"{t['token_id']}  {state:<8} {t['name']}")


def token_revoke(token_id: Annotated[str, typer.Argument(help="Token id (as listed) or the whole token.")],
                 database_url: DbOpt = None) -> None:
    """Revoke a token."""
    _need_extra()
    from ..server.auth import revoke_token

    with _database(database_url).write() as session:
        if not revoke_token(session, token_id):
            raise InputError(f"no active token with id {token_id!r} (see `aifootprint server token list`)")
    typer.echo(f"revoked {token_id}")


def migrate(database_url: DbOpt = None,
            down: Annotated[str | None, typer.Option("--down", help="Migrate down to this revision (base: "
                                                     "drop everything).")] = None) -> None:
    """Migrate the server database schema to the newest revision (or down)."""
    _need_extra()
    from alembic.util import CommandError

    from ..server.db import current_revision, downgrade, upgrade

    db = _database(database_url, migrate=False)
    try:
        with _db_errors(db.url):
            if down:
                downgrade(db.engine, down)
            else:
                upgrade(db.engine)
            typer.echo(f"schema revision: {current_revision(db.engine) or 'none'}")
    except CommandError as exc:
        raise InputError(f"cannot migrate: {exc} (revisions: base, r0001)") from None


def _database(url: str | None, migrate: bool = True, create: bool = True) -> Any:
    from ..server.database import Database
    from ..server.db import upgrade

    resolved = _db_url(url)
    with _db_errors(resolved):
        db = Database(resolved, create)
        if migrate:
            upgrade(db.engine)
    return db


@contextlib.contextmanager
def _db_errors(url: str) -> Iterator[None]:
    """A database that cannot be opened or migrated is one line (InputError), not a traceback."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        yield
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise InputError(f"cannot use the database {_safe_url(url)}: {reason}") from None


def sync(
    server: Annotated[str, typer.Option("--server", help="Server URL, e.g. http://10.0.0.5:8787.")],
    project: Annotated[str, typer.Option("--project", help="Project the runs belong to.")],
    run: Annotated[list[str] | None, typer.Option("--run", help="Run id (repeatable).")] = None,
    all_runs: Annotated[bool, typer.Option("--all", help="Every run of the local store.")] = False,
    store: Annotated[Path | None, typer.Option(help="Local run store (default: $AIFOOTPRINT_HOME/runs.sqlite).")
                     ] = None,
) -> None:
    """Upload runs of the local run store to a server (safe to repeat: nothing is counted twice)."""
    from ..measure.store import RunStore
    from ..server.client import ServerError, UploadConfig
    from ..server.sink import sync_run

    if bool(run) == all_runs:
        raise InputError("give --run ID (repeatable) or --all (every run of the local store)")
    config = UploadConfig(url=server, project=project)
    local = RunStore(store, read_only=True)
    ids = run or local.run_ids()
    try:
        for rid in ids:
            out = sync_run(local, rid, config)
            typer.echo(f"{out['run_id']}: {out['rows']} rows{' (finished)' if out['finished'] else ''}")
    except ServerError as exc:
        raise InputError(f"upload failed: {exc}") from None


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("exporter")(exporter)
    group = typer.Typer(help="Team server administration: tokens, schema, uploads.", no_args_is_help=True)
    tokens = typer.Typer(help="Write tokens (stored hashed).", no_args_is_help=True)
    tokens.command("create")(token_create)
    tokens.command("list")(token_list)
    tokens.command("revoke")(token_revoke)
    group.add_typer(tokens, name="token")
    group.command("migrate")(migrate)
    group.command("sync")(sync)
    app.add_typer(group, name="server")
