"""Run store identity: another database is refused untouched, old stores are adopted, read-only mounts are read."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from aifootprint.errors import InputError
from aifootprint.measure.store import APPLICATION_ID, SCHEMA_VERSION, RunHeader, RunStore, store_kind


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sqlite(path: Path, *statements: str) -> None:
    """Create (or change) the SQLite database at ``path`` with ``statements``, committed and closed."""
    db = sqlite3.connect(path)
    for sql in statements:
        db.execute(sql)
    db.commit()
    db.close()


def test_foreign_database_is_refused_untouched(tmp_path: Path) -> None:
    """Issue 12: `measure --store app.db` added 8 tables, 16 triggers and switched the file to WAL."""
    app = tmp_path / "app.db"
    _sqlite(app, "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT)", "INSERT INTO users(name) VALUES ('ada')")
    before = _digest(app)
    for read_only in (False, True):
        with pytest.raises(InputError, match="not an aifootprint run store"):
            RunStore(app, read_only=read_only)
    assert _digest(app) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.db"]  # no -wal, -shm or -journal left behind
    db = sqlite3.connect(app)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert [r[0] for r in db.execute("SELECT name FROM sqlite_master")] == ["users"]
    db.close()


def test_other_application_id_and_empty_database_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    _sqlite(other, "PRAGMA application_id=1234", "CREATE TABLE runs(x)")
    before = _digest(other)
    with pytest.raises(InputError, match="refusing to change it"):
        RunStore(other)
    assert _digest(other) == before


def test_new_store_carries_the_id_and_old_store_is_adopted(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite"
    RunStore(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()
    # a store made by the previous version: the same schema, no application id
    old = tmp_path / "old.sqlite"
    legacy = sqlite3.connect(old, isolation_level=None)
    for stmt in RunStore._schema_script():
        legacy.execute(stmt)
    legacy.execute("INSERT INTO runs(run_id, name, started_at) VALUES ('r0', 'old', 1.0)")
    assert store_kind(legacy) == "legacy"
    legacy.close()
    assert [r.run_id for r in RunStore(old, read_only=True).runs()] == ["r0"]  # readable as it is
    store = RunStore(old)
    store.begin_run(RunHeader("r1", "new", 2.0, "host", 1), [])
    store.close()
    db = sqlite3.connect(old)
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert db.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 2
    db.close()


@contextlib.contextmanager
def _read_only_dir(directory: Path) -> Iterator[Path]:
    """``directory`` seen through a real read-only mount (root: bind mount), or made unwritable (non-root)."""
    if os.geteuid() != 0:
        os.chmod(directory / "runs.sqlite", 0o444)
        os.chmod(directory, 0o555)
        try:
            yield directory
        finally:
            os.chmod(directory, 0o755)
        return
    mount = shutil.which("mount")
    if mount is None:
        pytest.skip("mount(8) is absent: cannot build a read-only bind mount as root")
    target = directory.parent / "ro-view"
    target.mkdir()
    done = subprocess.run([mount, "--bind", "-o", "ro", str(directory), str(target)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"read-only bind mount not permitted here: {done.stderr.decode().strip()}")
    try:
        yield target
    finally:
        subprocess.run(["umount", str(target)], check=True)


def test_store_on_a_read_only_mount_is_readable(tmp_path: Path) -> None:
    """Issue 12: a valid store on a read-only mount was "not a readable aifootprint run store"."""
    src = tmp_path / "data"
    src.mkdir()
    store = RunStore(src / "runs.sqlite")
    store.begin_run(RunHeader("r1", "run", 1.0, "host", 1), [("cpu", "cpu:estimate", "cpu", "x", True, True)])
    store.add_sample("r1", "cpu", 0.5, 1.0, 2.0)
    store.close()
    with _read_only_dir(src) as view:
        reader = RunStore(view / "runs.sqlite", read_only=True)
        assert [r.run_id for r in reader.runs()] == ["r1"]
        assert reader.samples("r1") == [("cpu", 0.5, 1.0, 2.0)]
        assert sorted(p.name for p in view.iterdir()) == ["runs.sqlite"]
        reader.close()


def test_measure_refuses_a_store_it_cannot_use_before_the_command_runs(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """`measure --store app.db` ran the whole command and only then said "the run is not saved" (exit 0): a long
    job ended unsaved for a typo. The store path is now checked first; the command never starts, nothing is
    written."""
    from aifootprint.cli.main import main

    app = tmp_path / "app.db"
    _sqlite(app, "CREATE TABLE users(id INTEGER PRIMARY KEY)")
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n", encoding="utf-8")
    before = {p: _digest(p) for p in (app, text)}
    marker = tmp_path / "ran"
    command = ["--", "touch", str(marker)]
    for store, needle in ((app, "is not an aifootprint run store"), (text, "is not an aifootprint run store"),
                          (tmp_path, "it is a directory or a special file")):
        assert main(["measure", "--store", str(store), *command]) == 2
        err = capsys.readouterr().err
        assert needle in err and "accepted: a new file name or an aifootprint run store" in err
        assert len(err.strip().splitlines()) == 1
    assert not marker.exists()
    assert {p: _digest(p) for p in (app, text)} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.db", "notes.txt"]


def test_store_check_accepts_new_empty_current_and_earlier_stores(tmp_path: Path) -> None:
    from aifootprint.measure.store import check_store_target

    check_store_target(tmp_path / "new.sqlite")  # created at the first write
    (tmp_path / "empty.sqlite").write_bytes(b"")
    check_store_target(tmp_path / "empty.sqlite")
    current = tmp_path / "runs.sqlite"
    RunStore(current).close()
    check_store_target(current)
    old = tmp_path / "old.sqlite"
    legacy = sqlite3.connect(old, isolation_level=None)
    for stmt in RunStore._schema_script():
        legacy.execute(stmt)
    legacy.close()
    check_store_target(old)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.sqlite", "old.sqlite", "runs.sqlite"]
