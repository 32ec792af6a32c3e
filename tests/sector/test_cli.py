"""The `scenario`, `compare` and `report` commands (through the real CLI entry point)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aifootprint.cli.main import main
from aifootprint.result import warning_messages


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> Any:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_run_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    """JSON contract: versions, inputs, per-year {low,best,high}, percentiles, assumptions, warnings; DV23 2027
    bounds 85.4-134.0 TWh in the published comparison."""
    out = _json(capsys, ["scenario", "run", "devries-2023-nvidia-2027", "--draws", "5000", "--seed", "3", "--json"])
    for key in ("method_version", "data_version", "inputs", "percentiles", "assumptions", "warnings"):
        assert key in out
    assert out["percentiles"] == [5, 50, 95]
    energy = out["it_energy_twh"]["2027"]
    assert {"low", "best", "high"} <= set(energy)
    pub = {p["output"]: p for p in out["published"]}
    assert pub["it_energy_twh"]["reproduced_low"] == pytest.approx(85.41, rel=1e-3)
    assert any(a["name"] == "server_power_kw" and a["source"].startswith("DV23") for a in out["assumptions"])


def test_run_csv(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "run", "iea-2025-data-centres", "--draws", "2000", "--csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "output,unit,year,low,best,high,nominal,bound_low,bound_high"
    row = next(ln for ln in lines if ln.startswith("facility_energy_twh,TWh/yr,2030,"))
    assert row.split(",")[6] == "945"


def test_list_show_and_toml(capsys: pytest.CaptureFixture[str]) -> None:
    names = [s["name"] for s in _json(capsys, ["scenario", "list", "--json"])]
    assert "li-2023-water-2027" in names
    shown = _json(capsys, ["scenario", "show", "devries-2023-chatgpt", "--json"])
    assert shown["inputs"]["servers"]["distribution"]["params"] == [3617.0]
    assert main(["scenario", "show", "devries-2023-chatgpt", "--toml"]) == 0
    assert "point = 3617" in capsys.readouterr().out


def test_bad_file_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\nname = "x"\nmodel = "supply"\nyears = [2027]\n\n[inputs.servers]\n'
                   'range = [5, 1]\nunit = "servers"\nsource = "assumption"\n', encoding="utf-8")
    assert main(["scenario", "run", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.toml:6" in err and "inputs.servers" in err


def test_compare(capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(capsys, ["compare", "500", "ml", "--json"])
    eq = out["equivalences"][0]
    assert eq["ratio"] == pytest.approx(1.0) and eq["source"] == "LI23"
    assert main(["compare", "85", "TWh"]) == 0
    assert "Bitcoin" in capsys.readouterr().out
    assert main(["compare", "5", "bananas"]) == 2


def test_report_writes_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.html"
    assert main(["report", "--out", str(out), "--draws", "2000"]) == 0
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Sector trajectory" in html


@pytest.mark.parametrize(("argv", "message"), [
    (["compare", "85"], "has no unit"), (["compare", "1,5", "TWh"], "thousands separators"),
    (["scenario", "run", "devries-2023-chatgpt", "--seed", "-1", "--draws", "100"], "seed must be"),
])
def test_bad_input_exit_2_one_line(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_compare_json_value_has_unit_suffix(capsys: pytest.CaptureFixture[str]) -> None:
    """inputs.value_kwh: the parsed amount in its base unit, named with the unit (2e3 kWh = 2,000 kWh)."""
    out = _json(capsys, ["compare", "2e3", "kWh", "--json"])
    assert out["inputs"]["value_kwh"] == pytest.approx(2000.0) and "value" not in out["inputs"]
    power = _json(capsys, ["compare", "23", "GW", "--json"])
    assert power["inputs"]["value_kw"] == pytest.approx(23e6)
    assert "8,760 h" in warning_messages(power)[0]


def test_report_out_directory_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--out pointing at a directory, or into a missing folder, fails at once with one line and exit 2."""
    assert main(["report", "--out", str(tmp_path), "--draws", "100"]) == 2
    assert "is a directory" in capsys.readouterr().err
    assert main(["report", "--out", str(tmp_path / "missing" / "r.html"), "--draws", "100"]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_report_write_failure_leaves_nothing_half_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """An OS error while writing (here: the final rename) is one line, exit 2; an existing file is untouched and
    no temporary file is left behind."""
    import os

    from aifootprint.report import build

    out = tmp_path / "r.html"
    out.write_text("previous", encoding="utf-8")
    monkeypatch.setattr(build, "build_default_report", lambda **_: "<!DOCTYPE html>new")

    def fail(*_: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", fail)
    assert main(["report", "--out", str(out), "--draws", "100", "--force"]) == 2
    err = capsys.readouterr().err
    assert "cannot write --out" in err and "Permission denied" in err and "Traceback" not in err
    assert out.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]
