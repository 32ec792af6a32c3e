"""Routes of the dashboard and of the index page (see the package docstring)."""

from __future__ import annotations

import functools
import threading
from importlib import resources
from typing import TYPE_CHECKING, Any

from fastapi import Depends, FastAPI, HTTPException
from fastapi.responses import RedirectResponse, Response

if TYPE_CHECKING:
    from ..config import ServerConfig

#: Dashboard pages: name -> title (``static/<page>.html`` holds the page's main content; :func:`page_html` adds
#: the shared head, navigation and scripts).
PAGES = {"runs": "Runs", "run": "Run", "projects": "Projects", "estimate": "Estimator",
         "scenarios": "Sector scenarios"}
NAV = (("runs", "/dashboard/", "Runs"), ("projects", "/dashboard/projects.html", "Projects"),
       ("estimate", "/dashboard/estimate.html", "Estimator"), ("scenarios", "/dashboard/scenarios.html", "Scenarios"),
       ("", "/index/", "AI energy index"))
#: Dashboard assets: own files (``static/``) and the index's shared ones (Chart.js, chart helpers). The pages load
#: ``dashboard.js`` as an ES module; it imports the other modules (one job each) from this same folder.
OWN_ASSETS = ("dashboard.css", "dashboard.js", "api.js", "bands.js", "dom.js", "format.js", "page-estimate.js",
              "page-projects.js", "page-run.js", "page-runs.js", "page-scenarios.js", "panels.js", "plots.js",
              "tables.js", "words.js")
SHARED_ASSETS = ("chart.umd.min.js", "charts.js", "LICENSE.chartjs.md")
#: Allows this origin only: no inline script or style element, no eval, no framing, no other host.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".md": "text/plain; charset=utf-8",
         ".json": "application/json; charset=utf-8"}


def _headers() -> dict[str, str]:
    return {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-cache"}


def _respond(name: str, body: bytes | str) -> Response:
    ext = name[name.rfind("."):]
    return Response(body, media_type=TYPES.get(ext, "application/octet-stream"), headers=_headers())


@functools.cache  # bundled files: read once per process
def _own(name: str) -> bytes:
    return resources.files(__package__).joinpath("static", name).read_bytes()


@functools.cache  # fixed pages (names checked against PAGES by the route): built once
def page_html(page: str) -> str:
    """A dashboard page: shared head and navigation, the page's content, the bundled scripts."""
    active = "runs" if page == "run" else page
    mark = ' class="active"'
    nav = "".join(f'<a href="{href}"{mark if key == active else ""}>{label}</a>' for key, href, label in NAV)
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">'
            f'<title>{PAGES[page]} · aifootprint dashboard</title>'
            '<link rel="stylesheet" href="/dashboard/static/dashboard.css"></head>\n'
            f'<body data-page="{page}"><header><a class="brand" href="/dashboard/">aifootprint</a><nav>{nav}</nav>'
            f'</header>\n<main><h1>{PAGES[page]}</h1><p id="error" class="error" hidden></p>\n'
            + _own(f"{page}.html").decode("utf-8")
            + '</main>\n<footer id="versions">low/best/high are the 5th/50th/95th percentiles · works offline: every '
            'asset is bundled</footer>\n<script src="/dashboard/static/chart.umd.min.js"></script>'
            '<script src="/dashboard/static/charts.js"></script>'
            '<script type="module" src="/dashboard/static/dashboard.js"></script>'
            '</body></html>\n')


class IndexCache:
    """The index page of this app, computed on first request (about a second) and then kept."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._page: tuple[str, str] | None = None

    def get(self) -> tuple[str, str]:
        """(index.html, figures.json)."""
        with self._lock:
            if self._page is None:
                from ...index.site import build_page, figures_json

                data, changes, html = build_page()
                self._page = (html, figures_json(data, changes))
            return self._page


@functools.cache  # the bundled registry and scenarios do not change while the process runs
def meta() -> dict[str, Any]:
    """Choices of the dashboard's forms (built-in scenarios, registry models and accelerators, versions) and the
    names the pages show instead of identifiers: ``scenario_titles`` (scenario -> title), ``zones`` (grid zone code
    -> name, e.g. ``FR`` -> ``France``) and ``sources`` (source key -> citation, shown on hover)."""
    from ..._version import METHOD_VERSION
    from ...estimate.compare import DEFAULT_LADDER
    from ...reference.registry import DATA_VERSION, default_registry
    from ...sector.scenario import builtin_names, load_builtin

    reg = default_registry()
    names = builtin_names()
    zones = {str(r["zone"]): str(r["name"]) for r in reg.table("grid_intensity").rows
             if r.get("zone") and r.get("name")}
    return {"scenarios": names, "scenario_titles": {n: load_builtin(n).title for n in names},
            "models": reg.table("models").keys(), "ladder": list(DEFAULT_LADDER),
            "hardware": reg.table("accelerators").keys(), "zones": zones,
            "sources": {k: v.citation for k, v in reg.sources().items()},
            "data_version": DATA_VERSION, "method_version": METHOD_VERSION}


def add_routes(app: FastAPI, config: ServerConfig) -> None:
    """Add the routes; they follow the API's read rule (``require_read``: open on loopback, a token when
    ``config`` asks reads to need one)."""
    from ...index.render import ASSETS as INDEX_ASSETS
    from ...index.site import static_bytes
    from ..security import require_read

    read = [Depends(require_read)]  # the same rule as the API's reads (open on loopback unless configured)

    cache = IndexCache()
    app.state.index_cache = cache

    @app.get("/dashboard", include_in_schema=False, dependencies=read)
    def dashboard_root() -> Response:
        return RedirectResponse("/dashboard/", status_code=307)

    @app.get("/dashboard/", include_in_schema=False, dependencies=read)
    def dashboard_home() -> Response:
        return _respond("runs.html", page_html("runs"))

    @app.get("/dashboard/meta.json", include_in_schema=False, dependencies=read)
    def dashboard_meta() -> dict[str, Any]:
        return meta()

    @app.get("/dashboard/{page}.html", include_in_schema=False, dependencies=read)
    def dashboard_page(page: str) -> Response:
        if page not in PAGES:
            raise HTTPException(404, f"no dashboard page {page!r}; pages: {', '.join(PAGES)}")
        return _respond(f"{page}.html", page_html(page))

    @app.get("/dashboard/static/{name}", include_in_schema=False, dependencies=read)
    def dashboard_asset(name: str) -> Response:
        if name in OWN_ASSETS:
            return _respond(name, _own(name))
        if name in SHARED_ASSETS:
            return _respond(name, static_bytes(name))
        raise HTTPException(404, f"no dashboard asset {name!r}")

    @app.get("/index", include_in_schema=False, dependencies=read)
    def index_root() -> Response:
        return RedirectResponse("/index/", status_code=307)

    @app.get("/index/", include_in_schema=False, dependencies=read)
    def index_page() -> Response:
        return _respond("index.html", cache.get()[0])

    @app.get("/index/figures.json", include_in_schema=False, dependencies=read)
    def index_figures() -> Response:
        return _respond("figures.json", cache.get()[1])

    @app.get("/index/assets/{name}", include_in_schema=False, dependencies=read)
    def index_asset(name: str) -> Response:
        if name not in INDEX_ASSETS:
            raise HTTPException(404, f"no index asset {name!r}")
        return _respond(name, static_bytes(name))
