"""FastAPI application factory of the team server.

``create_app(config)`` builds a fresh app (no global state): database engine, schema migration, API routers,
``/metrics`` and the dashboard (``aifootprint.server.dashboard.mount_dashboard``). Serve it with uvicorn
(``aifootprint serve``) or drive it in tests with ``fastapi.testclient.TestClient``.
"""

from __future__ import annotations

from fastapi import FastAPI

from .._version import METHOD_VERSION, __version__
from .config import ServerConfig

API_PREFIX = "/api/v1"


def create_app(config: ServerConfig) -> FastAPI:
    """Build the server application for ``config`` (CORS off: no CORS middleware is installed)."""
    from ..reference.registry import DATA_VERSION
    from .dashboard import mount_dashboard

    app = FastAPI(
        title="aifootprint server",
        version=__version__,
        description="Runs, totals and estimates of AI's electricity, carbon and water footprint.",
    )
    app.state.config = config

    @app.get(f"{API_PREFIX}/health", tags=["meta"])
    def health() -> dict[str, str]:
        """Liveness and versions."""
        return {"status": "ok", "version": __version__, "method_version": METHOD_VERSION, "data_version": DATA_VERSION}

    mount_dashboard(app, config)
    return app
