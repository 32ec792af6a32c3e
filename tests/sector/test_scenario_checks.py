"""Second user test, finding 8: unknown source keys, negative published figures and an unknown location are
rejected with the file and line of the offending field (and close matches for keys and locations)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aifootprint.cli.main import main
from aifootprint.errors import InputError
from aifootprint.sector.montecarlo import run
from aifootprint.sector.scenario import load_scenario

BASE = """[scenario]
name = "t"
model = "supply"
years = [2027]
sources = ["DV23"]

[inputs.servers]
point = 1000
unit = "servers"
source = "assumption"

[inputs.server_power_kw]
range = [6.5, 10.2]
unit = "kW"
source = "DV23"

[[published]]
output = "it_energy_twh"
year = 2027
low = 0.05
high = 0.09
unit = "TWh/yr"
source = "DV23"
"""


def _path(text: str, tmp_path: Path) -> Path:
    path = tmp_path / "sc.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _run_error(text: str, tmp_path: Path) -> str:
    with pytest.raises(InputError) as info:
        run(load_scenario(_path(text, tmp_path)), draws=10)
    return str(info.value)


def test_base_file_runs(tmp_path: Path) -> None:
    """Registry keys and the label 'assumption' are accepted."""
    res = run(load_scenario(_path(BASE, tmp_path)), draws=10)
    assert res.at("it_energy_twh", 2027)["bound_low"] == pytest.approx(1000 * 6.5 * 8760 / 1e9)


def test_unknown_key_in_scenario_sources(tmp_path: Path) -> None:
    msg = _run_error(BASE.replace('sources = ["DV23"]', 'sources = ["NOPE99"]'), tmp_path)
    assert msg.startswith(f"{tmp_path / 'sc.toml'}:5: ") and "scenario.sources" in msg
    assert "unknown source key 'NOPE99'" in msg


def test_unknown_key_in_an_input_gets_close_matches(tmp_path: Path) -> None:
    msg = _run_error(BASE.replace('unit = "kW"\nsource = "DV23"', 'unit = "kW"\nsource = "DVV23"'), tmp_path)
    assert ":15: " in msg and "inputs.server_power_kw.source" in msg
    assert "did you mean: DV23" in msg


def test_unknown_key_in_a_published_figure(tmp_path: Path) -> None:
    msg = _run_error(BASE.replace('unit = "TWh/yr"\nsource = "DV23"', 'unit = "TWh/yr"\nsource = "XX1"'), tmp_path)
    assert ":23: " in msg and "published.0.source" in msg and "'XX1'" in msg


def test_key_defined_in_the_files_sources_table_is_accepted(tmp_path: Path) -> None:
    text = BASE.replace('sources = ["DV23"]', 'sources = ["MINE"]') + '\n[sources]\nMINE = "My own study, 2026"\n'
    assert run(load_scenario(_path(text, tmp_path)), draws=10).years == (2027,)


@pytest.mark.parametrize(("old", "new", "field"), [("low = 0.05", "low = -415", "published.0.low"),
                                                    ("high = 0.09", "high = -0.09", "published.0.high")])
def test_negative_published_figure_is_rejected(tmp_path: Path, old: str, new: str, field: str) -> None:
    with pytest.raises(InputError) as info:
        load_scenario(_path(BASE.replace(old, new), tmp_path))
    assert field in str(info.value) and ">= 0" in str(info.value) and "sc.toml:" in str(info.value)


def test_published_low_above_high_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"low .* is above high"):
        load_scenario(_path(BASE.replace("low = 0.05", "low = 0.5"), tmp_path))


def test_unknown_location_names_file_and_line(tmp_path: Path) -> None:
    msg = _run_error(BASE.replace('years = [2027]', 'years = [2027]\nlocation = "Atlantis"'), tmp_path)
    assert msg.startswith(f"{tmp_path / 'sc.toml'}:5: field 'scenario.location': unknown location 'Atlantis'")


def test_cli_exits_2_on_an_unknown_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _path(BASE.replace('sources = ["DV23"]', 'sources = ["NOPE99"]'), tmp_path)
    assert main(["scenario", "run", str(path), "--draws", "100"]) == 2
    assert "NOPE99" in capsys.readouterr().err
