"""The team server's SQLite database: `serve`, `server migrate` and `server token …` given another application's
SQLite file added the server's tables to it (and switched it to WAL); a token name was cut to 200 characters
silently and could be empty. Another database is now refused untouched, in one line, before any engine connects."""

from __future__ import annotations

import hashlib
import socket
import sqlite3
from pathlib import Path

import pytest

from aifootprint.cli.main import main

pytest.importorskip("sqlalchemy")
pytest.importorskip("alembic")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _free_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return str(sock.getsockname()[1])


@pytest.mark.parametrize("command", [["server", "migrate"], ["server", "token", "list"],
                                     ["server", "token", "create", "node-1"], ["serve", "--port", "FREE"]])
def test_another_sqlite_database_is_refused_untouched(command: list[str], tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    app = tmp_path / "app.db"
    db = sqlite3.connect(app)
    db.execute("CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT)")
    db.commit()
    db.close()
    before = _digest(app)
    command = [_free_port() if word == "FREE" else word for word in command]
    assert main([*command, "--database-url", f"sqlite:///{app}"]) == 2
    err = capsys.readouterr().err
    assert f"the database {app} holds other tables (users) and no aifootprint server schema: refusing" in err
    assert len(err.strip().splitlines()) == 1
    assert _digest(app) == before and sorted(p.name for p in tmp_path.iterdir()) == ["app.db"]


def test_new_and_own_databases_are_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    assert main(["server", "migrate", "--database-url", url]) == 0
    assert main(["server", "migrate", "--database-url", url]) == 0  # its own schema: used again
    assert main(["server", "migrate", "--database-url", url, "--down", "base"]) == 0  # emptied, still ours
    assert main(["server", "migrate", "--database-url", url]) == 0
    capsys.readouterr()


@pytest.mark.parametrize("name", ["", "   ", "a" * 201, "a\nb"])
def test_token_names_are_checked_not_cut(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    assert main(["server", "token", "create", name, "--database-url", url]) == 2
    err = capsys.readouterr().err
    # an empty name is refused with every other empty argument, before the command runs (cli.main.empty_value)
    assert ("a token name is 1 to 200 printable characters" in err) if name else ("empty argument" in err)


@pytest.mark.parametrize("content", [b"x", b"my notes\n", b"SQLite format", b"\x00" * 99, b"a,b\n1,2\n" * 200])
@pytest.mark.parametrize("command", [["server", "migrate"], ["server", "token", "create", "node-1"],
                                     ["serve", "--port", "FREE"]])
def test_a_file_that_is_no_database_is_refused_untouched(content: bytes, command: list[str], tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """A short non-SQLite file (a 1-byte note) passed the read-only check, and SQLite then wrote its header over it:
    `serve --database-url sqlite:///notes.txt` replaced the note with a server database and started serving."""
    notes = tmp_path / "notes.txt"
    notes.write_bytes(content)
    command = [_free_port() if word == "FREE" else word for word in command]
    assert main([*command, "--database-url", f"sqlite:///{notes}"]) == 2
    err = capsys.readouterr().err
    assert f"cannot use the database {notes}: it is not an SQLite database (a file of {len(content):,} byte" in err
    assert len(err.strip().splitlines()) == 1
    assert notes.read_bytes() == content and sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
