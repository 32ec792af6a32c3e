"""User-test finding 15: `compare 0.34 Wh` compared one prompt with Montserrat's annual electricity (3.4e-11 ×) and
gave no everyday equivalence. Small amounts now get per-use references at a readable multiple, each cited."""

from __future__ import annotations

import pytest

from aifootprint.reference.registry import default_registry
from aifootprint.sector.equivalences import MIN_ANNUAL_RATIO, PER_USE_RATIOS, compare_text


def test_a_prompt_is_google_searches_and_led_minutes_not_countries() -> None:
    """0.34 Wh (OpenAI's average ChatGPT query) = 1.13 Google searches at 0.3 Wh each (Hölzle 2009, quoted by
    de Vries 2023, DV23) = 2.27 minutes of a 9 W LED bulb (ENERGY STAR); no country, world, Bitcoin or household
    comparison (all below a millionth)."""
    _, eqs = compare_text("0.34 Wh")
    by_label = {e.label: e for e in eqs}
    google = by_label["Google searches (2009 figure)"]
    assert google.ratio == pytest.approx(0.34 / 0.3) and google.source == "HO09;DV23" and google.year == 2009
    led = next(e for e in eqs if e.label.startswith("minutes of a 9 W LED bulb"))
    assert led.ratio == pytest.approx(0.34 / (9 / 60)) and "0.15 Wh each" in led.text
    assert all(e.reference_unit == "kWh" for e in eqs), [e.text for e in eqs]


@pytest.mark.parametrize("amount", ["0.34 Wh", "1 kWh", "85 TWh", "23 GW", "3 J"])
def test_every_shown_multiple_is_at_a_readable_scale(amount: str) -> None:
    _, eqs = compare_text(amount)
    for e in eqs:
        if e.reference_unit == "kWh":
            assert PER_USE_RATIOS[0] <= e.ratio <= PER_USE_RATIOS[1], e.text
        else:
            assert e.ratio >= MIN_ANNUAL_RATIO, e.text


def test_large_amounts_keep_countries_and_drop_per_use_references() -> None:
    _, eqs = compare_text("85 TWh")
    assert any("Chile" in e.text or "Venezuela" in e.text for e in eqs)
    assert not any(e.reference_unit == "kWh" for e in eqs)


def test_water_has_bottles_and_a_cited_shower() -> None:
    """17 mL (Li et al.'s U.S.-average GPT-3 request): 0.034 bottles of 500 mL (LI23) and 0.028 % of an average
    U.S. shower of 59.8 L (15.8 gallons; Residential End Uses of Water 2016, REU16)."""
    _, eqs = compare_text("17 ml")
    shower = next(e for e in eqs if e.source == "REU16")
    assert shower.reference_value == pytest.approx(59.8) and shower.ratio == pytest.approx(0.017 / 59.8)
    assert any(e.source == "LI23" for e in eqs)


def test_new_reference_rows_are_cited() -> None:
    reg = default_registry()
    for key in ("HO09", "ESTAR-LED", "REU16", "DV23"):
        assert reg.cite(key).format()
