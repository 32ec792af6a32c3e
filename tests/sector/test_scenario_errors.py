"""Malformed scenario files get one clear message naming the file, the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from aifootprint.errors import InputError
from aifootprint.sector.scenario import load_scenario, locate, parse_scenario

GOOD = """[scenario]
name = "t"
model = "supply"
years = [2027]

[inputs.servers]
point = 1000
unit = "servers"
source = "assumption"

[inputs.server_power_kw]
range = [6.5, 10.2]
unit = "kW"
source = "DV23"
"""


def _error(text: str, tmp_path: Path) -> str:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_scenario(path)
    return str(info.value)


def test_good_file_parses(tmp_path: Path) -> None:
    path = tmp_path / "good.toml"
    path.write_text(GOOD, encoding="utf-8")
    sc = load_scenario(path)
    assert sc.inputs["servers"].is_assumption
    assert sc.inputs["server_power_kw"].dist is not None
    assert sc.inputs["server_power_kw"].dist.bounds == (6.5, 10.2)


def test_reversed_range_names_file_line_field(tmp_path: Path) -> None:
    msg = _error(GOOD.replace("[6.5, 10.2]", "[10.2, 6.5]"), tmp_path)
    assert "bad.toml:11" in msg and "inputs.server_power_kw" in msg and "low 10.2 is above high 6.5" in msg


def test_wrong_unit(tmp_path: Path) -> None:
    msg = _error(GOOD.replace('unit = "kW"', 'unit = "W"'), tmp_path)
    assert "bad.toml:13" in msg and "inputs.server_power_kw.unit" in msg and "'kW'" in msg


def test_unknown_input_suggests(tmp_path: Path) -> None:
    msg = _error(GOOD.replace("[inputs.servers]", "[inputs.severs]"), tmp_path)
    assert "bad.toml:6" in msg and "inputs.severs" in msg and "did you mean: servers" in msg


def test_missing_source(tmp_path: Path) -> None:
    msg = _error(GOOD.replace('source = "assumption"\n', ""), tmp_path)
    assert "bad.toml:6" in msg and "missing required key 'source'" in msg


def test_toml_syntax_error_has_line(tmp_path: Path) -> None:
    msg = _error(GOOD.replace("point = 1000", "point = = 1000"), tmp_path)
    assert "bad.toml:7" in msg and "TOML syntax error" in msg


def test_unknown_model(tmp_path: Path) -> None:
    msg = _error(GOOD.replace('"supply"', '"suply"'), tmp_path)
    assert "bad.toml:3" in msg and "scenario.model" in msg and "did you mean: supply" in msg


def test_negative_value_out_of_bounds(tmp_path: Path) -> None:
    msg = _error(GOOD.replace("point = 1000", "point = -5"), tmp_path)
    assert "bad.toml:6" in msg and "must lie in" in msg


def test_percentage_for_a_fraction_says_so(tmp_path: Path) -> None:
    """utilisation_fraction = 70 (meant as 70 %): the one-line error says the input is a fraction and gives 0.7;
    an out-of-range number that is no percentage (-5 servers) gets no such hint."""
    text = GOOD + '\n[inputs.utilisation_fraction]\npoint = 70\nunit = "-"\nsource = "assumption"\n'
    msg = _error(text, tmp_path)
    assert "bad.toml:16" in msg and "must lie in [0, 1]" in msg
    assert msg.endswith("(utilisation_fraction is a fraction, not a percentage: 70 % is 0.7)")
    assert "not a percentage" not in _error(GOOD.replace("point = 1000", "point = -5"), tmp_path)


def test_two_distributions(tmp_path: Path) -> None:
    msg = _error(GOOD.replace("point = 1000", "point = 1000\nrange = [1, 2]"), tmp_path)
    assert "exactly one of" in msg and "inputs.servers" in msg


def test_missing_file_and_unknown_builtin() -> None:
    with pytest.raises(InputError, match="scenario file not found"):
        load_scenario("nowhere/at/all.toml")
    with pytest.raises(InputError, match="did you mean: devries-2023-nvidia-2027"):
        load_scenario("devries-2023-nvidia")


def test_supply_needs_one_way() -> None:
    text = GOOD + '\n[inputs.installed_power_gw]\npoint = 3\nunit = "GW"\nsource = "assumption"\n'
    with pytest.raises(InputError, match="exactly one of"):
        parse_scenario(text, "x.toml")


def test_trajectory_anchors_must_cover_years() -> None:
    text = """[scenario]
name = "t"
model = "trajectory"
years = {start = 2024, end = 2031}

[inputs.facility_energy_twh]
unit = "TWh/yr"
source = "IEA25"
by_year = {2024 = 415, 2030 = 945}
"""
    with pytest.raises(InputError, match=r"x.toml:\d+: field 'inputs.facility_energy_twh.by_year'"):
        parse_scenario(text, "x.toml")


def test_locate_inline_and_headers() -> None:
    text = '[a]\nb = 1\n[c.d]\ne = { f = 2 }\n[[g]]\nh = 1\n[[g]]\nh = 2\n'
    assert locate(text, ("c", "d", "e", "f")) == 4
    assert locate(text, ("g", "1", "h")) == 8
    assert locate(text, ("a", "b")) == 2
