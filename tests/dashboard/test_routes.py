"""Dashboard and index routes on srv's app (no browser): fixed file names only, CSP on every page, the same
index page as the static site."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from aifootprint.server.app import create_app
    from aifootprint.server.config import ServerConfig

    db = tmp_path_factory.mktemp("routes") / "r.sqlite3"
    with TestClient(create_app(ServerConfig(database_url=f"sqlite:///{db}"))) as c:
        yield c


@pytest.mark.parametrize("path", ["/dashboard/", "/dashboard/run.html", "/dashboard/projects.html",
                                  "/dashboard/estimate.html", "/dashboard/scenarios.html", "/index/"])
def test_pages_carry_csp_and_load_only_bundled_scripts(client: Any, path: str) -> None:
    import re

    r = client.get(path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "unsafe" not in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    scripts = re.findall(r"<script([^>]*)>", r.text)
    assert scripts and all("src=" in s or 'type="application/json"' in s for s in scripts)
    assert "http://" not in r.text and "https://cdn" not in r.text


def test_unknown_names_are_404_and_no_path_reaches_the_disk(client: Any) -> None:
    for path in ("/dashboard/secret.html", "/dashboard/static/..%2f__init__.py", "/dashboard/static/routes.py",
                 "/index/assets/..%2f..%2frender.py", "/index/assets/figures.py"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert "Traceback" not in r.text
    assert client.get("/dashboard", follow_redirects=False).headers["location"] == "/dashboard/"
    assert client.get("/index", follow_redirects=False).headers["location"] == "/index/"


def test_meta_lists_the_registry_choices(client: Any) -> None:
    from aifootprint.reference.registry import DATA_VERSION
    from aifootprint.sector.scenario import builtin_names

    meta = client.get("/dashboard/meta.json").json()
    assert meta["scenarios"] == builtin_names()
    assert "llama-3.1-70b" in meta["models"] and "h100" in meta["hardware"]
    assert meta["data_version"] == DATA_VERSION


def test_served_index_is_the_static_page(client: Any, tmp_path: Path) -> None:
    """/index/ serves the page ``aifootprint index`` writes (same figures, same relative asset paths), and
    figures.json beside it."""
    from aifootprint.index.site import write_site

    write_site(tmp_path)
    served = client.get("/index/").text
    assert served == (tmp_path / "index.html").read_text(encoding="utf-8")
    assert client.get("/index/figures.json").json()["data_version"]
    for name in ("chart.umd.min.js", "charts.js", "index.js", "index.css"):
        assert client.get(f"/index/assets/{name}").content == (tmp_path / "assets" / name).read_bytes()


def test_pages_follow_the_read_rule(tmp_path: Path) -> None:
    """When reads need a token, the dashboard and the index need one too (as the API does)."""
    from fastapi.testclient import TestClient

    from aifootprint.server.app import create_app
    from aifootprint.server.config import ServerConfig, TokenPolicy

    cfg = ServerConfig(database_url=f"sqlite:///{tmp_path / 't.sqlite3'}", tokens=TokenPolicy(require_for_reads=True))
    with TestClient(create_app(cfg)) as c:
        for path in ("/dashboard/", "/dashboard/meta.json", "/dashboard/static/dashboard.js", "/index/"):
            assert c.get(path).status_code == 401, path
        assert c.get("/api/v1/runs").status_code == 401


def test_meta_names_zones_scenarios_and_sources(client: Any) -> None:
    """The words the pages show instead of identifiers: zone names, scenario titles, source citations."""
    meta = client.get("/dashboard/meta.json").json()
    assert meta["zones"]["FR"] == "France" and meta["zones"]["WORLD"] == "World"
    assert set(meta["scenario_titles"]) == set(meta["scenarios"])
    assert meta["scenario_titles"]["iea-2025-data-centres"].startswith("Data-centre electricity")
    assert meta["sources"]["IEA25"].startswith("IEA, Energy and AI")
