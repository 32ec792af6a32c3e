"""The `scenario`, `compare` and `report` commands (through the real CLI entry point)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aifootprint.cli.main import main


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
