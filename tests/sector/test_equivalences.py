"""Equivalences: parsing amounts, nearest countries, cited reference values."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.errors import InputError
from aifootprint.reference.registry import Registry, default_registry
from aifootprint.sector.equivalences import (
    CountryElectricity,
    compare_text,
    fmt,
    nearest_countries,
    parse_quantity,
)


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("85 TWh", "energy", 85e9), ("500 ml", "water", 0.5), ("500 mL", "water", 0.5), ("2 ML", "water", 2e6),
    ("552 t", "carbon", 552e6), ("552 tCO2e", "carbon", 552e6), ("4.2 billion m3", "water", 4.2e12),
    ("23 GW", "power", 23e6), ("1,287 MWh", "energy", 1.287e6), ("3.6 MJ", "energy", 1.0), ("10 kgCO2", "carbon", 1e4),
])
def test_parse(text: str, kind: str, value: float) -> None:
    q = parse_quantity(text)
    assert q.kind == kind and q.value == pytest.approx(value)


@pytest.mark.parametrize(("text", "grams"), [("552 t CO2e", 552e6), ("32.6 Mt CO2", 32.6e12), ("10 kg co2eq", 1e4),
                                             ("1.5 kt CO2-eq", 1.5e9)])
def test_carbon_unit_then_gas_word(text: str, grams: float) -> None:
    """A carbon amount as sources write it, the gas after a space (DV25b: '32.6-79.7 Mt CO2'). Before, "552 t CO2e"
    failed with "unknown multiplier 't'" although the help lists "t ... (CO2e)"."""
    q = parse_quantity(text)
    assert (q.kind, q.value, q.text) == ("carbon", pytest.approx(grams), text)


def test_milli_watt_units_are_refused_not_read_as_mega() -> None:
    """'5 mWh' was read as 5 MWh (lower-cased), 10^9 times the amount written; now refused with the mega spelling.
    All-lowercase 'mwh' stays megawatt-hours (nobody means milliwatt-hours that way), as does 'MWh'."""
    with pytest.raises(InputError, match=r"'mWh' in '5 mWh' would be milliwatt-hours.*'5 MWh'"):
        parse_quantity("5 mWh")
    with pytest.raises(InputError, match=r"would be milliwatts.*'3 MW'"):
        parse_quantity("3 mW")
    assert parse_quantity("564 mwh").value == parse_quantity("564 MWh").value == pytest.approx(564e3)
    with pytest.raises(InputError, match="goes with a carbon unit"):
        parse_quantity("85 TWh CO2")


def test_parse_errors() -> None:
    with pytest.raises(InputError, match="unknown unit 'bananas'"):
        parse_quantity("5 bananas")
    with pytest.raises(InputError, match="cannot read"):
        parse_quantity("lots")
    with pytest.raises(InputError, match="unknown multiplier"):
        parse_quantity("5 zillion TWh")


TABLE = [CountryElectricity("IE", "Ireland", 31.4, 2023, "CC-OWID"),
         CountryElectricity("NL", "Netherlands", 122.2, 2023, "CC-OWID"),
         CountryElectricity("SE", "Sweden", 166.4, 2023, "CC-OWID"),
         CountryElectricity("JP", "Japan", 1013.5, 2023, "CC-OWID"),
         CountryElectricity("WORLD", "World", 29476.0, 2023, "CC-OWID")]


def test_29_2_twh_is_about_ireland() -> None:
    """de Vries 2023: 29.2 TWh/yr for AI in every Google search, 'comparable to Ireland' (31.4 TWh generation
    in 2023, OWID/Ember via CodeCarbon)."""
    near = nearest_countries(29.2, TABLE, n=1)
    assert near[0].label == "electricity of Ireland"
    assert near[0].ratio == pytest.approx(29.2 / 31.4)


def test_945_twh_is_about_japan() -> None:
    """IEA 2025: 945 TWh in 2030 is 'slightly more than Japan's consumption today' (generation 1,013.5 TWh)."""
    assert nearest_countries(945, TABLE, n=1)[0].label == "electricity of Japan"


@settings(max_examples=50, deadline=None)
@given(twh=st.floats(1e-3, 1e5))
def test_nearest_is_closest_in_log(twh: float) -> None:
    import math

    best = nearest_countries(twh, TABLE, n=1)[0]
    rest = [c for c in TABLE if c.zone != "WORLD"]
    assert abs(math.log(best.ratio)) <= min(abs(math.log(twh / c.generation_twh)) for c in rest) + 1e-12


def test_shipped_references_are_cited() -> None:
    """Every equivalence row has a source key that resolves to a citation with a URL."""
    reg = default_registry()
    for row in reg.table("equivalences").rows:
        for key in str(row["source"]).split(";"):
            assert reg.cite(key.strip()).url.startswith("http")


def test_households_and_bottles() -> None:
    """U.S. EIA: 10,715 kWh per residential customer in 2020; Li et al.: 500 mL bottles."""
    _, eqs = compare_text("10715 kWh")
    us = next(e for e in eqs if e.source == "EIA-HH")
    assert us.ratio == pytest.approx(1.0)
    _, water = compare_text("1.5 L")
    assert water[0].ratio == pytest.approx(3.0)


def test_bitcoin_from_sector_figures() -> None:
    reg = Registry()
    if "sector_figures" not in reg.datasets():
        pytest.skip("sector_figures.csv not shipped yet")
    _, eqs = compare_text("153.7 TWh", reg)
    beci = [e for e in eqs if "BECI" in e.label and "Digiconomist" in e.label]
    assert beci and beci[0].ratio == pytest.approx(1.0)


def test_bitcoin_figures_name_their_own_year() -> None:
    """CBECI's 95.5 TWh is the 2022 figure; BECI's 153.7 TWh comes from an undated page copy (sector_figures.csv
    leaves figure_year empty): its text said "153.7 TWh/yr, 2023", the source's year, as if it were 2023's."""
    _, eqs = compare_text("85 TWh")
    texts = {e.source: e.text for e in eqs if "Bitcoin" in e.label}
    assert texts["CBECI"].endswith("(95.5 TWh/yr, 2022)")
    assert texts["DIGI-BECI"].endswith("(154 TWh/yr, undated, published 2023)")


def test_fmt() -> None:
    assert fmt(7_932_804) == "7.93 million"
    assert fmt(0.28836) == "0.288"
    assert fmt(1264) == "1,264"


@pytest.mark.parametrize("text", ["1,5 TWh", "1,5", "12,34,567 kWh", "1,2345 MWh"])
def test_decimal_comma_is_refused_not_read_as_thousands(text: str) -> None:
    """'1,5 TWh' used to become 15 TWh (a silent 10x); commas are only thousands groups (1,287)."""
    with pytest.raises(InputError, match="thousands separators"):
        parse_quantity(text)


def test_bare_number_lists_units() -> None:
    """'85' used to parse as 8 with the unit '5'; a number with no unit is refused with the accepted units."""
    with pytest.raises(InputError, match=r"'85' has no unit.*Accepted units: energy J kJ .*TWh"):
        parse_quantity("85")
    with pytest.raises(InputError, match="cannot read '8 5'"):
        parse_quantity("8 5")


@pytest.mark.parametrize(("text", "kwh"), [("2e3 kWh", 2e3), ("2E3kWh", 2e3), ("1.5e-3 TWh", 1.5e6), (".5 TWh", 5e8),
                                           ("1,287.5 MWh", 1.2875e6), ("1_000 kWh", 1e3), ("85TWh", 85e9)])
def test_number_forms(text: str, kwh: float) -> None:
    assert parse_quantity(text).value == pytest.approx(kwh)


@settings(max_examples=60, deadline=None)
@given(x=st.floats(0, 1e12, allow_nan=False), grouped=st.booleans())
def test_written_numbers_round_trip(x: float, grouped: bool) -> None:
    """Any non-negative number written with Python's ',' grouping or in exponent form reads back unchanged."""
    text = f"{x:,.6f} kWh" if grouped else f"{x:.6e} kWh"
    assert parse_quantity(text).value == pytest.approx(float(text.split()[0].replace(",", "")), rel=1e-12)


def test_public_tables_are_read_only() -> None:
    from types import MappingProxyType

    from aifootprint.sector.equivalences import UNITS

    assert isinstance(UNITS, MappingProxyType)
    with pytest.raises(TypeError):
        UNITS["twh"] = ("energy", 1.0)  # type: ignore[index]
