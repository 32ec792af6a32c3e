"""The app factory: health endpoint, no CORS, dashboard hook called."""

from __future__ import annotations

from fastapi.testclient import TestClient

from aifootprint.server.app import create_app
from aifootprint.server.config import ServerConfig, default_database_url, is_loopback


def test_health_reports_versions(tmp_path):
    app = create_app(ServerConfig(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    with TestClient(app) as client:
        body = client.get("/api/v1/health").json()
    assert body["status"] == "ok"
    assert set(body) >= {"version", "method_version", "data_version"}


def test_loopback_detection():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")


def test_writes_need_token_off_loopback():
    assert not ServerConfig(database_url="sqlite://").writes_need_token
    assert ServerConfig(database_url="sqlite://", host="0.0.0.0").writes_need_token


def test_default_database_in_xdg_data_dir(tmp_path):
    url = default_database_url({"XDG_DATA_HOME": str(tmp_path)})
    assert url == f"sqlite:///{tmp_path}/aifootprint/server.sqlite3"


def test_default_database_follows_aifootprint_home(tmp_path):
    """$AIFOOTPRINT_HOME wins over XDG for the server as for the run store (one data directory per user)."""
    env = {"AIFOOTPRINT_HOME": str(tmp_path / "home"), "XDG_DATA_HOME": str(tmp_path / "xdg")}
    assert default_database_url(env) == f"sqlite:///{tmp_path}/home/server.sqlite3"


def test_relative_xdg_data_home_is_ignored(tmp_path):
    """XDG Base Directory Specification: a relative $XDG_DATA_HOME is invalid and ignored."""
    assert default_database_url({"XDG_DATA_HOME": "rel"}, home=tmp_path) == (
        f"sqlite:///{tmp_path}/.local/share/aifootprint/server.sqlite3")


def test_config_json_roundtrip_for_workers():
    from aifootprint.server.config import Limits, TokenPolicy, config_from_json, config_to_json

    config = ServerConfig(database_url="sqlite:///x", host="0.0.0.0", port=1234, migrate=False,
                          tokens=TokenPolicy(require_for_reads=False), limits=Limits(max_body_bytes=10),
                          allowed_hosts=("team.example",))
    assert config_from_json(config_to_json(config)) == config
    assert config_from_json(config_to_json(ServerConfig(database_url="sqlite:///y"))).allowed_hosts is None


def test_loopback_server_refuses_foreign_host_headers(tmp_path):
    """DNS rebinding: a page on evil.example re-pointed to 127.0.0.1 must not reach the open loopback API."""
    app = create_app(ServerConfig(database_url=f"sqlite:///{tmp_path / 'h.sqlite3'}"))
    with TestClient(app) as client:
        assert client.get("/api/v1/health", headers={"Host": "evil.example:8787"}).status_code == 400
        assert client.post("/api/v1/projects", json={"name": "x"}, headers={"Host": "evil.example"}).status_code == 400
        assert client.get("/api/v1/health", headers={"Host": "127.0.0.1:8787"}).status_code == 200
        assert client.get("/api/v1/health", headers={"Host": "localhost"}).status_code == 200
    assert ServerConfig(database_url="sqlite://", host="0.0.0.0").trusted_hosts == ["*"]


def test_cli_and_uploader_do_not_import_the_server_stack():
    """`import aifootprint`, the CLI and the uploader (used by `measure --server`) work without the [server] extra."""
    import subprocess
    import sys

    code = ("import sys, aifootprint, aifootprint.cli.main as m, aifootprint.server.sink; m.build_app(); "
            "print(sorted({k.split('.')[0] for k in sys.modules} & {'fastapi', 'sqlalchemy', 'uvicorn', 'pydantic', "
            "'alembic', 'psycopg', 'prometheus_client', 'starlette'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
