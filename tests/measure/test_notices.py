"""Measurement warnings are structured notices end to end; a CPU-only machine gets one concise flagged note."""

from __future__ import annotations

from pathlib import Path

from aifootprint.measure.footprint import footprint
from aifootprint.measure.measurement import Measurement
from aifootprint.measure.runs import measurement
from aifootprint.measure.sensors.discovery import SensorConfig, discover
from aifootprint.measure.statement import impact_statement
from aifootprint.measure.store import RunStore
from aifootprint.measure.tracker import Tracker, TrackerConfig
from aifootprint.notice import Notice

from ._helpers import write_proc
from .conftest import ManualClock


def _cpu_only(tmp_path: Path) -> SensorConfig:
    proc = tmp_path / "proc"
    write_proc(proc, busy=100, idle=900)
    (tmp_path / "dev").mkdir(exist_ok=True)
    return SensorConfig(backend="auto", powercap_root=str(tmp_path / "no-powercap"), proc_root=str(proc),
                        dev_root=str(tmp_path / "dev"), cpu_tdp_w=65.0)


def test_cpu_only_machine_gets_no_not_installed_warnings(tmp_path: Path, clock: ManualClock) -> None:
    """Issue 12: CPU-only `measure` printed three "not installed" warnings and copied them, pip hints included,
    into the paper-ready statement's caveats."""
    found = discover(_cpu_only(tmp_path))
    assert [s.component for s in found.sensors] == ["cpu", "ram"]
    assert not found.notes and not found.hints  # nothing to fix on a machine without a GPU
    assert any(d.code == "no-energy-counter" for d in found.details)  # why: kept for the record

    store = RunStore(tmp_path / "runs.sqlite")
    config = TrackerConfig(background=False, name="cpu-only", sensors=_cpu_only(tmp_path))
    tracker = Tracker(config, clock=clock, store=store).start()
    clock.advance(1.0)
    tracker.sample()
    result = tracker.stop()
    warnings = result.warnings()
    assert [w.code for w in warnings] == ["estimated"]
    out = footprint(result, "FR").to_dict()
    run = RunStore(tmp_path / "runs.sqlite", read_only=True).runs()[0]
    caveats = next(line for line in impact_statement(run, out).splitlines() if line.startswith("| Caveats"))
    for text in ("not installed", "pip install", "amdsmi", "powercap"):
        assert text not in caveats
    assert "estimated, not measured: cpu (tdp-x-utilisation), ram (w-per-gb)" in caveats
    events = RunStore(tmp_path / "runs.sqlite", read_only=True).events(run.run_id)
    assert any("no-energy-counter" in e[3] for e in events)


def test_notices_survive_the_store_round_trip() -> None:
    m = Measurement("x", 0.0, 1.0, (), notes=(Notice("method-changed", "gpu:0: counter lost", "gpu:0"), "legacy"))
    back = Measurement.from_dict(m.to_dict())
    assert [(n.code, n.subject) for n in back.warnings()] == [("method-changed", "gpu:0"), ("note", "")]


def test_killed_run_measurement_is_flagged(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.sqlite")
    tracker = Tracker(TrackerConfig(background=False, name="k", sensors=SensorConfig(backend="fake")), store=store)
    tracker.start()
    tracker.sample()
    store.flush()
    run = RunStore(tmp_path / "runs.sqlite", read_only=True).runs()[0]
    rebuilt = measurement(RunStore(tmp_path / "runs.sqlite", read_only=True), run)
    assert [n.code for n in rebuilt.warnings() if n.code == "run-without-end"] == ["run-without-end"]
    tracker.stop()
