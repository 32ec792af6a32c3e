"""The run store's extension API (`create_extension`, `add_requests(extra=…)`, `has_table`, `query`): how the API
ledger keeps its own table in the store through one connection and one transaction per call."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from aifootprint.integrations.core import CallImpacts, CallRecord, ImpactCalculator, Usage
from aifootprint.integrations.ledger import Ledger, project_totals
from aifootprint.measure.store import RunHeader, RunStore

from .test_store_identity import _read_only_dir

_EXT = ("CREATE TABLE IF NOT EXISTS ext(run_id TEXT, x REAL)",
        "CREATE TRIGGER IF NOT EXISTS ext_no_update BEFORE UPDATE ON ext "
        "BEGIN SELECT RAISE(ABORT, 'aifootprint run store is append-only'); END")


def _store(path: Path) -> RunStore:
    store = RunStore(path)
    store.begin_run(RunHeader("r1", "run", 1.0, "host", 1), [])
    return store


def _schema(path: Path) -> list[tuple[str, str]]:
    db = sqlite3.connect(path)
    try:
        return sorted(db.execute("SELECT type, name FROM sqlite_master").fetchall())
    finally:
        db.close()


@pytest.mark.parametrize("sql", ["DROP TABLE runs", "CREATE TABLE ext(x)", "  ", "DELETE FROM runs",
                                 "CREATE TRIGGER t BEFORE INSERT ON runs BEGIN SELECT 1; END",
                                 "CREATE TRIGGER IF NOT EXISTS t BEFORE INSERT ON runs BEGIN SELECT 1; END",
                                 "CREATE INDEX IF NOT EXISTS i ON samples(t_s)"])
def test_extension_runs_only_create_if_not_exists(tmp_path: Path, sql: str) -> None:
    store = _store(tmp_path / "runs.sqlite")
    before = _schema(tmp_path / "runs.sqlite")
    with pytest.raises(ValueError, match=r"CREATE … IF NOT EXISTS|store's own tables"):
        store.create_extension([_EXT[0], sql])  # nothing of the batch runs, not even the valid statement
    assert _schema(tmp_path / "runs.sqlite") == before and not store.has_table("ext")
    store.close()


def test_extra_rows_commit_with_the_requests_or_not_at_all(tmp_path: Path) -> None:
    store = _store(tmp_path / "runs.sqlite")
    store.create_extension(_EXT)
    store.create_extension(_EXT)  # idempotent
    store.add_requests("r1", [("a", 0.0, 1.0, 10, 5, 2.0)], extra=("INSERT INTO ext VALUES (?,?)", [("r1", 1.5)]))
    with pytest.raises(sqlite3.Error):  # a bad extension row (three values for two columns) ...
        store.add_requests("r1", [("b", 1.0, 2.0, 10, 5, 2.0)],
                           extra=("INSERT INTO ext VALUES (?,?)", [("r1", 2.5, 9)]))
    assert [r[0] for r in store.requests("r1")] == ["a"]  # ... rolls its request back too
    assert store.query("SELECT run_id, x FROM ext") == [("r1", 1.5)]
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store._db.execute("UPDATE ext SET x = 0")
    store.close()


@pytest.mark.parametrize("sql", ["INSERT INTO requests VALUES (?,?,?,?,?,?,?)", "INSERT INTO meta VALUES (?,?)",
                                 "UPDATE ext SET x = ?", "insert into runs(run_id) VALUES (?)"])
def test_extra_rows_never_touch_the_stores_own_tables(tmp_path: Path, sql: str) -> None:
    store = _store(tmp_path / "runs.sqlite")
    with pytest.raises(ValueError, match="extension's own table"):
        store.add_requests("r1", [("a", 0.0, 1.0, 10, 5, 2.0)], extra=(sql, [("x",)]))
    assert store.requests("r1") == []
    with pytest.raises(ValueError, match="SELECT statements only"):
        store.query("DELETE FROM runs")
    store.close()


def _call(calc: ImpactCalculator) -> CallRecord:
    imp = calc.impacts("gpt-4o-mini", Usage(1200, 300, 100, 200))
    assert isinstance(imp, CallImpacts)
    return CallRecord("openai", "gpt-4o-mini", "gpt-4o-mini", 1000.0, 1001.0, "req-1", imp)


def test_ledger_totals_on_a_read_only_mount(tmp_path: Path) -> None:
    """project_totals opened its own `mode=ro` connection, which fails on a read-only mount (SQLite must create the
    WAL index); it now reads through the store, which opens such a file immutably."""
    data = tmp_path / "data"
    data.mkdir()
    calc = ImpactCalculator()
    call = _call(calc)
    with Ledger("bot", data / "runs.sqlite") as ledger:
        ledger.record(call)
        ledger.record(call)
    with _read_only_dir(data) as view:
        tot = project_totals(view / "runs.sqlite", "bot")
        assert tot["calls"] == 2
        assert tot["energy_wh"]["best"] == pytest.approx(2 * call.impacts.energy_wh.best, rel=1e-12)
        assert project_totals(view / "runs.sqlite", "other")["calls"] == 0


def test_ledger_totals_before_any_call(tmp_path: Path) -> None:
    _store(tmp_path / "runs.sqlite").close()
    assert project_totals(tmp_path / "runs.sqlite", "bot") == {
        "project": "bot", "calls": 0, "unestimated_calls": 0, **{q: {"low": 0.0, "best": 0.0, "high": 0.0}
                                         for q in ("energy_wh", "carbon_g", "water_l")}}
