"""Bad input is one line naming the flag, exit 2 (no traceback, no silent default), and read commands
create nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aifootprint.cli.main import main
from aifootprint.impacts.intensity.base import profile_reading


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _one_line(code: int, err: str, *needles: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert all(n in err for n in needles), err


def test_log_with_a_repeated_column_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "dup.csv"
    log.write_text("model,model,input_tokens,output_tokens\nllama-3.1-8b,x,100,100\n", encoding="utf-8")
    code, _, err = _run(capsys, "estimate", "log", str(log), "--out", str(tmp_path / "o.csv"), "--no-progress")
    _one_line(code, err, "'model'", "more than once")
    assert not (tmp_path / "o.csv").exists()


def test_serve_with_a_malformed_database_url_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "serve", "--database-url", "garbage")
    _one_line(code, err, "--database-url", "not a database URL")


def test_token_list_creates_no_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "nodir" / "sub" / "x.db"
    code, _, err = _run(capsys, "server", "token", "list", "--database-url", f"sqlite:///{db}")
    _one_line(code, err, "no database at", str(db))
    assert not (tmp_path / "nodir").exists()


def test_profile_mean_holds_the_last_row_for_one_step_and_late_at_is_flagged(tmp_path: Path) -> None:
    prof = tmp_path / "p.csv"
    prof.write_text("timestamp,intensity_g_per_kwh\n2024-01-01T00:00:00Z,100\n2024-01-01T01:00:00Z,200\n",
                    encoding="utf-8")
    assert profile_reading(str(prof)).intensity_g_per_kwh == pytest.approx(150.0)
    assert profile_reading(str(prof), "2024-01-01T01:30:00Z").estimated is False
    late = profile_reading(str(prof), "2024-01-01T02:30:00Z")
    assert late.estimated is True and late.intensity_g_per_kwh == 200.0
    assert profile_reading(str(prof), "2023-12-31T23:00:00Z").estimated is True


def test_every_where_clause_must_hold(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "data", "show", "cpus", "--where", "vendor=Intel", "--where", "vendor=AMD", "--json")
    assert code == 0 and json.loads(out)["rows"] == []
    code, _, err = _run(capsys, "data", "show", "cpus", "--where", "vendor=Intel", "--where", "vendor=AMD")
    _one_line(code, err, "vendor=Intel and vendor=AMD")


@pytest.mark.parametrize(("argv", "needles"), [
    (("measure", "--sensors", "fake", "--bogus", "--", "true"), ("no such option: --bogus",)),
    (("measure", "--sensors", "", "--", "true"), ("--sensors: empty value",)),
    (("measure", "--store", "", "--", "true"), ("--store: empty value",)),
    (("measure", "--store=", "--", "true"), ("--store: empty value",)),
    (("compare-models", "--input-tokens", "10", "--output-tokens", "10", "--task", "nosuch"),
     ("--task 'nosuch'", "classification")),
    (("compare-models", "--input-tokens", "10", "--output-tokens", "10", "--models", ""), ("--models: empty value",)),
    (("impacts", "--energy-kwh", "1", "--operator", ""), ("--operator: empty value",)),
    (("impacts", "--energy-kwh", "1", "--intensity-profile", ""), ("--intensity-profile: empty value",)),
    (("report", "--out="), ("--out: empty value",)),
    (("estimate", "training", "--gpu-hours", "0"), ("--gpu-hours 0 is out of range", "> 0 and ≤ 1e+10")),
    (("estimate", "training", "--params", "0", "--tokens", "10"), ("--params 0", "accepted: > 0 billion")),
    (("estimate", "lifecycle", "--model", "llama-3.1-8b", "--requests-per-day", "1", "--input-tokens", "1",
      "--output-tokens", "1", "--days", "0"), ("--days 0", "accepted: 1 to 36,500 days")),
    (("estimate", "image"), ("an image model",)),
])
def test_one_line_naming_the_flag(argv: tuple[str, ...], needles: tuple[str, ...],
                                  capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, *argv)
    _one_line(code, err, *needles)
    assert "inf" not in err.replace("info", "") and "accelerator_hours" not in err and "'.'" not in err


def test_long_input_is_not_echoed_in_full(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "impacts", "--energy-kwh", "1", "--location", "x" * 5000)
    _one_line(code, err, "x" * 80 + "…")
    assert "x" * 81 not in err


def test_list_honours_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "estimate", "image", "--list", "--json")
    assert code == 0 and json.loads(out)["task"] == "image" and json.loads(out)["models"]


def test_help_metavars_and_capitals(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (("serve", "--help"), ("exporter", "--help")):
        code, out, _ = _run(capsys, *argv)
        assert code == 0 and "RANGE" not in out and ("INTEGER" in out)
    code, out, _ = _run(capsys, "estimate", "image", "--help")
    assert "Image model (registry key" in out


def test_paths_of_ordinary_length_are_echoed_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60) / "x.html"
    code, _, err = _run(capsys, "report", "--out", str(deep))
    _one_line(code, err, str(deep.parent))
