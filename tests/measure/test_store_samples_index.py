"""The samples index: one flush of several devices writes one index leaf page; old stores read the same.

Issue 12 (sampler CPU): with the index ``(run_id, device, t_s)`` each device's rows of a flush went to an index leaf
page of their own, so a 10 Hz flush of three RAPL zones wrote about twice the WAL pages (and system calls) of the
same rows indexed by ``(run_id, t_s)``.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.measure.store import RunStore

DEVICES = ("cpu:package-0", "ram:dram-0", "cpu:package-1")
RUN = "2026-12-04T03-20-11-a1b2c3"


def _index_columns(path: Path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        return [str(r[2]) for r in db.execute("PRAGMA index_info(samples_by_run)")]
    finally:
        db.close()


def _store_with_index(path: Path, index_columns: str) -> None:
    """A new, empty store at ``path`` whose samples index has ``index_columns`` (stores made before 0.3.0 have
    ``run_id, device, t_s``); only the index changes (the append-only triggers guard rows)."""
    RunStore(path).close()
    db = sqlite3.connect(path)
    db.execute("DROP INDEX samples_by_run")
    db.execute(f"CREATE INDEX samples_by_run ON samples({index_columns})")
    db.commit()
    db.close()


def _flush(store: RunStore, t: float) -> float:
    """One sampler flush: 8 ticks of three devices (0.8 s at 10 Hz); returns the last tick's time."""
    rows = []
    for _ in range(8):
        t += 0.1
        rows += [(RUN, d, t, 1000.0 * t, None) for d in DEVICES]
    store.write_samples(rows)
    return t


def _wal_pages_per_flush(path: Path, index_columns: str, flushes: int = 20) -> float:
    """WAL frames written per flush in the steady state of a long run (600 flushes: 8 minutes at 10 Hz)."""
    _store_with_index(path, index_columns)
    store = RunStore(path)
    t = 0.0
    for _ in range(600):
        t = _flush(store, t)
    keeper = sqlite3.connect(path)  # open until the size is read: the last connection to close removes the WAL
    try:
        keeper.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = int(keeper.execute("PRAGMA page_size").fetchone()[0])
        for _ in range(flushes):
            t = _flush(store, t)
        store.close()
        wal = path.with_name(path.name + "-wal")
        return (wal.stat().st_size - 32) / (24 + page) / flushes  # a 32-byte header, then frames: 24 B + a page
    finally:
        keeper.close()


def test_new_store_indexes_samples_by_run_and_time(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite"
    RunStore(path).close()
    assert _index_columns(path) == ["run_id", "t_s"]


def test_one_flush_of_three_devices_writes_few_pages(tmp_path: Path) -> None:
    """Steady state: the table's last leaf and the index's last leaf, and the pages of a split now and then (6.0
    frames per flush when written); the old layout touches a leaf and its parent per device (12.0)."""
    new = _wal_pages_per_flush(tmp_path / "new.sqlite", "run_id, t_s")
    old = _wal_pages_per_flush(tmp_path / "old.sqlite", "run_id, device, t_s")
    assert new <= 0.6 * old


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(DEVICES), st.floats(0.0, 1e4, allow_nan=False)), max_size=40,
                unique_by=lambda r: r))
def test_samples_read_the_same_in_both_index_layouts(rows: list[tuple[str, float]]) -> None:
    got = []
    with tempfile.TemporaryDirectory() as base:
        for columns in ("run_id, t_s", "run_id, device, t_s"):
            path = Path(base) / f"{len(got)}.sqlite"
            _store_with_index(path, columns)
            store = RunStore(path)
            store.write_samples([("run-a", d, t, t * 2.0, None) for d, t in rows])
            store.write_samples([("run-b", d, t, 0.0, None) for d, t in rows])  # another run: never mixed in
            store.close()
            reader = RunStore(path, read_only=True)
            got.append(reader.samples("run-a"))
            reader.close()
    expected = sorted((d, t, t * 2.0, None) for d, t in rows)
    assert got[0] == got[1] == expected
