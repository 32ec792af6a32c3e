"""The scenario JSON contract, the default PUE, the year of the grid intensity and read-only public tables."""

from __future__ import annotations

import json
from types import MappingProxyType
from typing import Any

import pytest

from aifootprint.impacts import resolve_site
from aifootprint.sector import models
from aifootprint.sector.calendar import DAYS_PER_YEAR, HOURS_PER_YEAR
from aifootprint.sector.montecarlo import run
from aifootprint.sector.outputs import to_result
from aifootprint.sector.scenario import load_builtin, parse_scenario


def _json(name: str) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(to_result(run(load_builtin(name), draws=2_000, seed=1)).to_json())
    return out


def test_uncertain_values_hold_only_low_best_high() -> None:
    """Contract: each uncertain value is {low, best, high}; nominal and corner bounds sit in 'published_check'.
    DV23: 1.5 M servers x 6.5-10.2 kW -> 85.4-134.0 TWh/yr in 2027 (nominal at the range midpoints)."""
    out = _json("devries-2023-nvidia-2027")
    for key in models.OUTPUT_UNITS:
        for value in out.get(key, {}).values():
            assert set(value) == {"low", "best", "high"}, (key, value)
    check = out["published_check"]["it_energy_twh"]["2027"]
    assert check["bounds"]["low"] == pytest.approx(85.4, rel=1e-3)
    assert check["bounds"]["high"] == pytest.approx(134.0, rel=1e-3)
    assert check["nominal"] == pytest.approx(1.5e6 * (6.5 + 10.2) / 2 * HOURS_PER_YEAR / 1e9, rel=1e-6)


def test_assumption_values_are_numbers() -> None:
    """Assumption values are numeric (DV23: 3,617 servers); the distributions are in inputs.distributions."""
    out = _json("devries-2023-chatgpt")
    values = {a["name"]: a["value"] for a in out["assumptions"]}
    assert values["servers"] == 3617.0
    assert all(isinstance(v, float) for v in values.values())
    nvidia = _json("devries-2023-nvidia-2027")
    assert nvidia["inputs"]["distributions"]["server_power_kw"].startswith("range")


def test_by_year_assumption_value_is_that_of_the_first_year() -> None:
    """Shipments anchored 2023 (100,000) and 2027 (range 1-1.5 M, nominal 1.25 M) in a 2025-2030 scenario: the
    value "in the first scenario year" is 2025's, 100,000 + 2/4 x 1.15 M = 675,000, as the model uses it. Before,
    the nearest anchor's (2023: 100,000) was reported."""
    text = """[scenario]
name = "fleet"
model = "supply"
years = { start = 2025, end = 2030 }
[inputs.shipments_servers]
unit = "servers/yr"
source = "assumption"
by_year = { 2023 = 100_000, 2027 = { range = [1_000_000, 1_500_000] } }
[inputs.lifetime_years]
point = 4
unit = "yr"
source = "assumption"
[inputs.server_power_kw]
point = 10
unit = "kW"
source = "assumption"
"""
    out = json.loads(to_result(run(parse_scenario(text), draws=100, seed=1)).to_json())
    values = {a["name"]: a["value"] for a in out["assumptions"]}
    assert values["shipments_servers"] == pytest.approx(675_000)


def test_sensitivity_rows_name_their_units() -> None:
    out = _json("devries-2023-nvidia-2027")["sensitivity"]
    assert out["output_unit"] == "TWh/yr"
    row = next(r for r in out["inputs"] if r["input"] == "server_power_kw")
    assert row["input_unit"] == "kW" and row["output_unit"] == "TWh/yr"
    assert (row["input_p5"], row["input_p95"]) == (pytest.approx(6.5 + 0.05 * 3.7), pytest.approx(6.5 + 0.95 * 3.7))
    assert row["facility_energy_twh_at_input_p95"] > row["facility_energy_twh_at_input_p5"]
    assert "output_at_input_p5" not in row


def test_default_pue_is_the_industry_average_and_flagged() -> None:
    """No pue and no location: the impacts core's industry-average PUE (Uptime Institute, 1.56), as every other
    path, with a warning; the IT figures DV23 publishes do not move."""
    res = run(load_builtin("devries-2023-nvidia-2027"), draws=2_000, seed=1)
    pue = float(resolve_site(None).pue_value)
    assert pue > 1.0
    at = res.at
    assert at("facility_energy_twh", 2027)["nominal"] == pytest.approx(at("it_energy_twh", 2027)["nominal"] * pue)
    assert any(w.code == "estimated-fallback" and w.subject == "pue" and w.source.startswith("UPTIME")
               and "industry-average PUE" in w.message for w in res.warnings)
    assert res.prepared.inputs["pue"].source.startswith("UPTIME")


def test_trajectory_without_location_uses_the_same_pue() -> None:
    text = ('[scenario]\nname = "t"\nmodel = "trajectory"\nyears = [2030]\n\n[inputs.facility_energy_twh]\n'
            'point = 100\nunit = "TWh/yr"\nsource = "assumption"\n')
    res = run(parse_scenario(text), draws=10, seed=1)
    assert res.at("it_energy_twh", 2030)["nominal"] == pytest.approx(100 / float(resolve_site(None).pue_value))
    assert any(w.subject == "pue" for w in res.warnings)


def test_old_grid_intensity_is_noted() -> None:
    """IEA 2025 runs 2024-2030 on the registry's world intensity, a 2019 figure: the run says so."""
    res = run(load_builtin("iea-2025-data-centres"), draws=1_000, seed=1)
    year = resolve_site("WORLD").intensity.year
    assert year is not None and year < 2024
    assert any(w.code == "intensity-year-mismatch" and w.subject == "grid_intensity" and "2024–2030" in w.message
               and f"the {year} intensity of WORLD" in w.message for w in res.warnings)
    assert any("2019" in n for n in load_builtin("iea-2025-data-centres").notes)


def test_year_constants_and_read_only_tables() -> None:
    """Annual electricity uses 8,760 h = 365 d x 24 h (DV23); hardware lifetimes use 365.25 d (impacts)."""
    from aifootprint.impacts import SECONDS_PER_YEAR
    from aifootprint.sector.equivalences import HOURS_PER_YEAR as EQ_HOURS

    assert HOURS_PER_YEAR == 8760.0 == 24 * DAYS_PER_YEAR == models.HOURS_PER_YEAR == EQ_HOURS
    assert models.DAYS_PER_YEAR == DAYS_PER_YEAR
    assert SECONDS_PER_YEAR == 365.25 * 86400
    for table in (models.MODEL_INPUTS, models.OUTPUT_UNITS):
        assert isinstance(table, MappingProxyType)
        with pytest.raises(TypeError):
            table["x"] = ()  # type: ignore[index]
