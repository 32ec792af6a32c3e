"""FastAPI application factory of the team server.

``create_app(config)`` builds a fresh app (no global state): database (schema migrated with Alembic unless
``config.migrate`` is False), the REST API under ``/api/v1``, ``/metrics`` and the dashboard
(``aifootprint.server.dashboard.mount_dashboard``). Serve it with uvicorn (``aifootprint serve``) or drive it in
tests with ``fastapi.testclient.TestClient``. CORS is off: no CORS middleware is installed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Response

from .._version import METHOD_VERSION, __version__
from .config import ServerConfig

API_PREFIX = "/api/v1"


def create_app(config: ServerConfig) -> FastAPI:
    """Build the server application for ``config``."""
    from starlette.middleware.trustedhost import TrustedHostMiddleware

    from ..reference.registry import DATA_VERSION
    from . import api_estimate, api_runs
    from .dashboard import mount_dashboard
    from .database import Database
    from .db import upgrade
    from .metrics import CONTENT_TYPE, make_registry, render
    from .security import AppState, BodyLimit, install_error_handlers, require_read

    db = Database(config.database_url)
    if config.migrate:
        upgrade(db.engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        db.dispose()

    app = FastAPI(
        title="aifootprint server",
        version=__version__,
        description="Runs, totals and estimates of AI's electricity, carbon and water footprint.",
        lifespan=lifespan,
    )
    app.state.config = config
    app.state.aifootprint = AppState(config=config, db=db)
    install_error_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=config.limits.max_body_bytes)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=config.trusted_hosts)

    @app.get(f"{API_PREFIX}/health", tags=["meta"])
    def health() -> dict[str, str]:
        """Liveness and versions."""
        return {"status": "ok", "version": __version__, "method_version": METHOD_VERSION, "data_version": DATA_VERSION}

    registry = make_registry(db)

    @app.get("/metrics", tags=["meta"], dependencies=[Depends(require_read)], response_class=Response)
    def metrics() -> Response:
        """Prometheus exposition of the stored totals."""
        return Response(render(registry), media_type=CONTENT_TYPE)

    app.include_router(api_runs.router(), prefix=API_PREFIX)
    app.include_router(api_estimate.router(), prefix=API_PREFIX)
    mount_dashboard(app, config)
    return app


def app_from_env() -> FastAPI:
    """App factory for uvicorn worker processes (``aifootprint serve --workers N``): the config comes from
    ``$AIFOOTPRINT_SERVER_CONFIG`` (JSON of :class:`ServerConfig`; the parent process has already migrated)."""
    import os

    from .config import CONFIG_ENV, config_from_json

    return create_app(config_from_json(os.environ[CONFIG_ENV]))
