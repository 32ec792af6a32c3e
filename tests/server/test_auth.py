"""Tokens: stored hashed, needed for writes off loopback (always) and on loopback when asked; revocable."""

from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient
from sqlalchemy import select

from aifootprint.cli.main import main
from aifootprint.server.app import create_app
from aifootprint.server.auth import check_token, create_token, revoke_token
from aifootprint.server.config import ServerConfig, TokenPolicy
from aifootprint.server.database import Database
from aifootprint.server.db import upgrade
from aifootprint.server.models import ApiToken

RUN = {"run_id": "a1", "project": "p", "host": "h", "started_at": 1_767_225_600.0}


def _db(url):
    db = Database(url)
    upgrade(db.engine)
    return db


def test_token_stored_hashed_and_checked(tmp_path):
    db = _db(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    with db.write() as s:
        token = create_token(s, "node-1")
    secret = token.split("_", 2)[2]
    with db.read() as s:
        row = s.scalars(select(ApiToken)).one()
        assert row.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest() and secret not in row.secret_sha256
        assert check_token(s, token)
        assert not check_token(s, token[:-1] + ("A" if token[-1] != "A" else "B"))
        assert not check_token(s, "afp_0000000000000000_" + "x" * 43) and not check_token(s, None)
    with db.write() as s:
        assert revoke_token(s, row.token_id)
    with db.read() as s:
        assert not check_token(s, token)
    db.dispose()


def test_non_loopback_host_needs_tokens_for_writes_and_reads(tmp_path):
    url = f"sqlite:///{tmp_path / 'b.sqlite3'}"
    config = ServerConfig(database_url=url, host="0.0.0.0")
    with TestClient(create_app(config)) as c:
        denied = c.post("/api/v1/runs", json=RUN)
        assert denied.status_code == 401 and "token" in denied.json()["detail"]
        assert c.get("/api/v1/runs").status_code == 401 and c.get("/metrics").status_code == 401
        assert c.get("/api/v1/health").status_code == 200
        db = Database(url)
        with db.write() as s:
            token = create_token(s, "ci")
        db.dispose()
        auth = {"Authorization": f"Bearer {token}"}
        assert c.post("/api/v1/runs", json=RUN, headers=auth).status_code == 201
        assert c.get("/api/v1/runs", headers=auth).status_code == 200
        bad = c.post("/api/v1/runs", json=RUN, headers={"Authorization": "Bearer afp_nope"})
        assert bad.status_code == 401 and "invalid" in bad.json()["detail"]
    # --public-reads opens reads; writes off loopback still need the token (require_for_writes=False is ignored)
    open_reads = ServerConfig(database_url=url, host="0.0.0.0",
                              tokens=TokenPolicy(require_for_writes=False, require_for_reads=False))
    with TestClient(create_app(open_reads)) as c:
        assert c.get("/api/v1/runs").status_code == 200
        assert c.post("/api/v1/runs", json={**RUN, "run_id": "a2"}).status_code == 401


def test_loopback_require_token(tmp_path):
    config = ServerConfig(database_url=f"sqlite:///{tmp_path / 'c.sqlite3'}",
                          tokens=TokenPolicy(require_for_writes=True))
    with TestClient(create_app(config)) as c:
        assert c.post("/api/v1/projects", json={"name": "x"}).status_code == 401
        assert c.get("/api/v1/projects").status_code == 200  # reads open on loopback


def test_token_admin_commands(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    assert main(["server", "token", "create", "node-7", "--database-url", url]) == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("afp_")
    assert main(["server", "token", "list", "--database-url", url]) == 0
    listed = capsys.readouterr().out
    assert "node-7" in listed and "active" in listed and token.split("_", 2)[2] not in listed
    assert main(["server", "token", "revoke", token, "--database-url", url]) == 0
    assert main(["server", "token", "revoke", token, "--database-url", url]) == 2
    assert "no active token" in capsys.readouterr().err
    assert main(["serve", "--database-url", "mysql://x/y"]) == 2
    assert "unsupported database" in capsys.readouterr().err


def test_unusable_databases_are_one_line_errors(tmp_path, capsys):
    not_db = tmp_path / "notes.txt"
    not_db.write_text("this is not a database\n" * 100)
    assert main(["server", "token", "list", "--database-url", f"sqlite:///{not_db}"]) == 2
    assert "cannot use the database" in capsys.readouterr().err
    url = f"sqlite:///{tmp_path / 'ok.sqlite3'}"
    assert main(["server", "migrate", "--database-url", url, "--down", "nope"]) == 2
    assert "cannot migrate" in capsys.readouterr().err
    assert not_db.read_text().startswith("this is not a database")  # nothing of the user's altered
