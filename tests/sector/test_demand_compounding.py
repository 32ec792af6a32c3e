"""Demand scenarios whose rates change over the years: each year's factor compounds on the years before."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.sector.montecarlo import run
from aifootprint.sector.scenario import parse_scenario


def _scenario(years: str, growth: str, extra: str = "") -> str:
    return f"""[scenario]
name = "growth-path"
model = "demand"
years = {years}

[inputs.requests_per_day]
point = 1e9
unit = "requests/day"
source = "assumption"

[inputs.energy_per_request_wh]
point = 1.0
unit = "Wh/request"
source = "assumption"

[inputs.pue]
point = 1.0
unit = "-"
source = "assumption"

[inputs.demand_growth_fraction]
unit = "1/yr"
source = "assumption"
by_year = {growth}
{extra}"""


def _nominal(text: str, output: str = "requests_per_day") -> dict[int, float]:
    res = run(parse_scenario(text), draws=50, seed=1, sensitivity=False)
    return {y: res.at(output, y)["nominal"] for y in res.years}


def test_growth_falling_to_zero_never_shrinks_demand() -> None:
    """Growth 50 % in 2025 falling linearly to 0 % in 2030: requests grow 40, 30, 20, 10, 0 % (1e9 → 2.4024e9 by
    hand). Before, each year used (1 + g(year))^t, so 2030 (g = 0) fell back to the 2025 value, 1e9."""
    got = _nominal(_scenario("{ start = 2025, end = 2030 }", "{ 2025 = 0.5, 2030 = 0.0 }"))
    expected = {2025: 1e9, 2026: 1.4e9, 2027: 1.82e9, 2028: 2.184e9, 2029: 2.4024e9, 2030: 2.4024e9}
    assert got == pytest.approx(expected, rel=1e-12)


def test_listed_years_with_gaps_compound_the_years_between() -> None:
    """years = [2025, 2030] with the same path gives the 2030 value of the full run (the years between count)."""
    got = _nominal(_scenario("[2025, 2030]", "{ 2025 = 0.5, 2030 = 0.0 }"))
    assert got == pytest.approx({2025: 1e9, 2030: 2.4024e9}, rel=1e-12)


def test_efficiency_by_year_compounds_energy_per_request() -> None:
    """Efficiency 10 % then 30 % per year (linear 2025..2027: 10, 20, 30 %): 1 Wh → 0.8 → 0.56 Wh."""
    extra = """
[inputs.efficiency_gain_fraction]
unit = "1/yr"
source = "assumption"
by_year = { 2025 = 0.1, 2027 = 0.3 }
"""
    text = _scenario("{ start = 2025, end = 2027 }", "{ 2025 = 0.0, 2027 = 0.0 }", extra)
    got = _nominal(text, "energy_per_request_wh")
    assert got == pytest.approx({2025: 1.0, 2026: 0.8, 2027: 0.8 * 0.7}, rel=1e-12)


@settings(max_examples=25, deadline=None)
@given(g0=st.floats(-0.5, 2.0), g1=st.floats(-0.5, 2.0), span=st.integers(1, 8))
def test_requests_are_the_product_of_the_yearly_factors(g0: float, g1: float, span: int) -> None:
    """Any two-anchor growth path: requests(t) = requests(0) × Π (1 + g(y)) over the years after the first."""
    got = _nominal(_scenario(f"{{ start = 2025, end = {2025 + span} }}",
                             f"{{ 2025 = {g0!r}, {2025 + span} = {g1!r} }}"))
    rates = [g0 + (g1 - g0) * i / span for i in range(span + 1)]
    for i, year in enumerate(range(2025, 2026 + span)):
        assert got[year] == pytest.approx(1e9 * math.prod(1 + g for g in rates[1:i + 1]), rel=1e-9)
