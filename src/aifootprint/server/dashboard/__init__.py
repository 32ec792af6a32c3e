"""Web dashboard and the living AI energy index, served by the team server (works offline: every asset bundled).

:func:`mount_dashboard` adds, on the app built by :func:`aifootprint.server.app.create_app`:

* ``/dashboard/`` pages (plain HTML, ES modules of one job each and the bundled Chart.js, no build step): runs
  table with filters, run detail, project totals over time, the estimator form and the sector scenarios. They read
  the REST API under ``/api/v1`` from the browser; ``/dashboard/meta.json`` lists the choices of the forms
  (built-in scenarios, registry models and accelerators).
* ``/index/`` — the living AI energy index, the same page as ``aifootprint index --out DIR`` writes (computed on
  first request and kept by this app; ``/index/figures.json`` is its machine-readable form).

Only fixed file names are served (no path from a request reaches the file system); every response carries a
Content-Security-Policy that allows nothing but this origin (no inline script, no eval).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from ..config import ServerConfig


def mount_dashboard(app: FastAPI, config: ServerConfig) -> None:
    """Mount the dashboard pages, the index page and their bundled assets on ``app``."""
    from .routes import add_routes

    add_routes(app, config)
