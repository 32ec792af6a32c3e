"""The dashboard's script files (no browser): small modules, every one the pages load served, shipped in the wheel.

The pages load ``dashboard.js`` as an ES module; it imports the other modules of ``static/``. Each script a page
references, directly or through an ``import``, must come back 200 with a JavaScript MIME type (a browser refuses a
module of any other type, ``X-Content-Type-Options: nosniff`` being set), every script file stays at most 500 lines
(the one 953-line script was split by job; this keeps the pieces from regrowing), the route's fixed list of names
is exactly the files of ``static/`` (a module missing from it would be a 404 in the browser), and the package data
of ``pyproject.toml`` ships each of them in a non-editable install.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "aifootprint"
STATIC = PACKAGE / "server" / "dashboard" / "static"
MAX_LINES = 500
PAGES = ("/dashboard/", "/dashboard/run.html", "/dashboard/projects.html", "/dashboard/estimate.html",
         "/dashboard/scenarios.html")
#: ``import … from "./x.js"`` and ``import "./x.js"`` (the modules only import from their own folder).
IMPORT = re.compile(r"""^\s*import\s+(?:[^'"]*?\s+from\s+)?["']([^"']+)["']""", re.M)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from aifootprint.server.app import create_app
    from aifootprint.server.config import ServerConfig

    db = tmp_path_factory.mktemp("assets") / "a.sqlite3"
    with TestClient(create_app(ServerConfig(database_url=f"sqlite:///{db}"))) as c:
        yield c


def test_every_dashboard_script_is_at_most_500_lines() -> None:
    scripts = sorted(STATIC.glob("*.js"))
    assert scripts, STATIC
    long = {p.name: n for p in scripts if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, f"split these by job (at most {MAX_LINES} lines a file): {long}"


def test_every_script_a_page_loads_is_served_as_javascript(client: Any) -> None:
    """Each page's <script src> and, through them, every module imported: 200, text/javascript, same origin."""
    seen: set[str] = set()
    todo: list[str] = []
    for page in PAGES:
        html = client.get(page).text
        todo += re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", html)
        assert '<script type="module" src="/dashboard/static/dashboard.js">' in html, page
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        assert url.startswith("/dashboard/static/"), url  # this origin, the dashboard's own route
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code, r.text[:200])
        assert r.headers["content-type"] == "text/javascript; charset=utf-8", (url, r.headers["content-type"])
        assert r.headers["x-content-type-options"] == "nosniff"
        for target in IMPORT.findall(r.text):
            assert target.startswith("./") and target.endswith(".js"), (url, target)
            todo.append(url.rsplit("/", 1)[0] + "/" + target[2:])
    own = {f"/dashboard/static/{p.name}" for p in STATIC.glob("*.js")}
    assert own <= seen, f"modules no page loads: {sorted(own - seen)}"


def test_route_serves_exactly_the_static_files_and_the_wheel_ships_them() -> None:
    from aifootprint.server.dashboard.routes import OWN_ASSETS, PAGES

    files = {p.name for p in STATIC.iterdir() if p.is_file()}
    assert set(OWN_ASSETS) == files - {f"{page}.html" for page in PAGES}
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"]["aifootprint"]
    rel = [str((STATIC / name).relative_to(PACKAGE)) for name in sorted(files)]
    assert [r for r in rel if not any(fnmatch.fnmatch(r, pat) for pat in patterns)] == []
