"""Run store: schema, append-only, several writers at once, a killed process loses at most ~1 s."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from aifootprint.measure.sensors.fake import FakeSensor
from aifootprint.measure.store import SCHEMA_VERSION, RunHeader, RunStore, default_store_path
from aifootprint.measure.tracker import Tracker, TrackerConfig

from ._helpers import run_and_kill
from .conftest import ManualClock


def test_default_path_follows_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AIFOOTPRINT_HOME", str(tmp_path / "h"))
    assert default_store_path() == tmp_path / "h" / "runs.sqlite"
    monkeypatch.delenv("AIFOOTPRINT_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "x"))
    assert default_store_path() == tmp_path / "x" / "aifootprint" / "runs.sqlite"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_store_path() == tmp_path / "home" / ".local" / "share" / "aifootprint" / "runs.sqlite"


def test_store_is_wal_and_append_only(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.sqlite")
    store.begin_run(RunHeader("r1", "run", 1.0, "host", 1), [("gpu:0", "fake:gpu:0", "gpu", "fake", False, True)])
    store.add_sample("r1", "gpu:0", 0.1, 1.0, 10.0)
    store.flush()
    db = sqlite3.connect(tmp_path / "runs.sqlite")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
    for sql in ("UPDATE samples SET energy_j = 0", "DELETE FROM runs", "UPDATE runs SET name = 'x'"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute(sql)
    db.close()
    assert store.count("samples", "r1") == 1
    store.close()


def test_tracker_run_round_trips_through_the_store(clock: ManualClock, tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.sqlite")
    gpu = FakeSensor("gpu:0", "gpu", 100.0, clock=clock)
    tracker = Tracker(TrackerConfig(background=False, name="train", location="FR"), sensors=[gpu], clock=clock,
                      store=store).start()
    with tracker.window("epoch"):
        for _ in range(20):
            clock.advance(0.1)
            tracker.sample()
    tracker.stop(exit_code=3)
    run = store.get(tracker.run_id[:17])  # a unique prefix is enough
    assert run is not None and run.exit_code == 3 and run.header.location == "FR"
    assert run.summary is not None and run.summary["measurement"]["energy_j"] == pytest.approx(200.0)
    samples = store.samples(tracker.run_id)
    assert samples[-1][2] == pytest.approx(200.0)
    assert [w["name"] for w in store.windows(tracker.run_id)] == ["epoch"]
    assert store.devices(tracker.run_id) == [("gpu:0", "fake:gpu:0", "gpu", "fake", False, True)]


WRITER = textwrap.dedent("""
    import sys
    from aifootprint.measure.store import RunHeader, RunStore
    path, wid, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = RunStore(path)
    store.begin_run(RunHeader("w" + wid, "w", 0.0, "h", 0), [])
    for i in range(n):
        store.add_sample("w" + wid, "gpu:0", float(i), float(i), 1.0)
        if i % 7 == 0:
            store.flush()
        if i % 50 == 0:
            store.add_event("w" + wid, float(i), "note", "", "x")
    store.end_run("w" + wid, 1.0, 0, {})
""")


def test_concurrent_writers_lose_no_rows(tmp_path: Path) -> None:
    """Six processes write 600 samples each into one store at the same time: all 3,600 rows arrive."""
    path = tmp_path / "runs.sqlite"
    RunStore(path).close()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(i), "600"]) for i in range(6)]
    assert [p.wait(timeout=120) for p in procs] == [0] * 6
    store = RunStore(path)
    assert store.count("samples") == 3600
    assert store.count("run_ends") == 6
    assert all(store.count("samples", f"w{i}") == 600 for i in range(6))


KILLED = textwrap.dedent("""
    import sys, time
    from aifootprint.measure.sensors.fake import FakeSensor
    from aifootprint.measure.store import RunStore
    from aifootprint.measure.tracker import Tracker, TrackerConfig
    tracker = Tracker(TrackerConfig(hz=10.0), sensors=[FakeSensor("gpu:0", "gpu", 100.0)],
                      store=RunStore(sys.argv[1])).start()
    print(tracker.run_id, flush=True)
    time.sleep(60)
""")


def test_killed_process_loses_at_most_one_second(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite"
    run_id, killed_at = run_and_kill(KILLED, path, 2.5)
    store = RunStore(path)
    run = store.get(run_id)
    assert run is not None and run.ended_at is None  # no end row: it was killed
    samples = store.samples(run_id)
    last_t = samples[-1][1]
    lost_s = killed_at - (run.header.started_at + last_t)
    assert lost_s <= 1.0, f"lost {lost_s:.2f} s of samples"
    assert samples[-1][2] == pytest.approx(100.0 * last_t, rel=0.05)


def test_read_only_store_reads_and_never_writes(tmp_path: Path) -> None:
    """Review 2026-11-26 finding 9: reading opens the file read-only (file:…?mode=ro) and creates nothing."""
    from aifootprint.errors import InputError

    missing = tmp_path / "no" / "runs.sqlite"
    with pytest.raises(InputError, match=re.escape(f"no run store at {missing}")):
        RunStore(missing, read_only=True)
    assert not missing.parent.exists()
    path = tmp_path / "with space%20" / "runs.sqlite"  # URI quoting
    writer = RunStore(path)
    writer.begin_run(RunHeader("r1", "run", 1.0, "host", 1), [])
    writer.close()
    reader = RunStore(path, read_only=True)
    assert [r.run_id for r in reader.runs()] == ["r1"]
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        reader.begin_run(RunHeader("r2", "run", 2.0, "host", 1), [])
    with pytest.raises(InputError, match="limit"):
        reader.runs(-1)


def test_unusable_store_paths_are_input_errors(tmp_path: Path) -> None:
    from aifootprint.errors import InputError

    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"x" * 4096)
    for read_only in (True, False):
        with pytest.raises(InputError, match=r"bad\.sqlite"):
            RunStore(bad, read_only=read_only)
    with pytest.raises(InputError, match="not a run store file"):
        RunStore(tmp_path, read_only=True)
    with pytest.raises(InputError, match="cannot use"):
        RunStore(tmp_path)
