"""Location reference data (grid intensity, off-site water, cloud regions, operators, API providers, national
generation): spot values pinned to their published sources, cross-table integrity, builder determinism.

Data files are read through :class:`aifootprint.reference.registry.Registry`. Figures are quoted from the upstream
files and publications cited in each test (see also docs/data/location.md and data/sources/location.csv).
"""

from __future__ import annotations

import functools
import importlib.util
import math
import string
import tomllib
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aifootprint.errors import InputError
from aifootprint.reference.registry import Registry, Row, parse_cell, row_float, row_str, source_keys

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
DATA = REPO / "src" / "aifootprint" / "reference" / "data"
OURS = ("grid_intensity", "water_offsite", "cloud_regions", "datacenter_operators", "api_providers",
        "country_electricity")
LICENCES = {"CC-BY-4.0", "MIT", "MPL-2.0", "Apache-2.0", "facts"}
REG = Registry()


def num(row: Row, column: str) -> float:
    value = row_float(row, column)
    assert value is not None, f"{column} empty in {dict(row)}"
    return value


def grid(zone: str) -> Row:
    return REG.table("grid_intensity").get(zone)


@functools.cache
def load_builder() -> ModuleType:
    path = REPO / "scripts" / "build_location_data.py"
    spec = importlib.util.spec_from_file_location("build_location_data", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------------------------------------ grid intensity
@pytest.mark.parametrize(("zone", "expected", "year"), [
    ("US", 369.5, 2023), ("FR", 56.0, 2023), ("DE", 381.0, 2023), ("GB", 237.6, 2023), ("IE", 290.8, 2023),
    ("SE", 40.7, 2023), ("NO", 30.1, 2023), ("CN", 582.3, 2023), ("IN", 713.4, 2023), ("JP", 485.4, 2023),
    ("SG", 470.8, 2023), ("ZA", 707.7, 2023), ("SA", 706.8, 2022), ("IS", 27.7, 2022), ("TW", 642.4, 2023),
])
def test_country_intensity_matches_owid_via_codecarbon(zone: str, expected: float, year: int) -> None:
    """Lifecycle gCO2e/kWh, OWID/Ember ``carbon_intensity_elec`` as shipped in CodeCarbon
    ``private_infra/global_energy_mix.json`` @b05965e (facts.md section H, one decimal there)."""
    row = grid(zone)
    assert num(row, "intensity_g_per_kwh") == pytest.approx(expected, abs=0.051)
    assert row["year"] == year
    assert row["kind"] == "country" and row["source"] == "CC-OWID" and row["licence"] == "CC-BY-4.0"


def test_world_is_iea_2019_via_codecarbon_with_ecologits_alternative_noted() -> None:
    """WORLD ships CodeCarbon's fallback 475 gCO2e/kWh (IEA Global Energy & CO2 Status Report 2019, also Green
    Algorithms' world value); EcoLogits' OWID world 473.01 g (``electricity_mixes.csv`` WOR 0.47301 kg) is noted."""
    row = grid("WORLD")
    assert num(row, "intensity_g_per_kwh") == 475
    assert row["year"] == 2019 and row["kind"] == "world"
    assert "473.01" in row_str(row, "notes")


def test_iso3_lookup_agrees_with_alpha2() -> None:
    """ISO 3166-1: FRA<->FR, DEU<->DE, GBR<->GB, KOR<->KR, CHE<->CH, HKG<->HK (ISO3166 source key)."""
    table = REG.table("grid_intensity")
    for a2, a3 in [("FR", "FRA"), ("DE", "DEU"), ("GB", "GBR"), ("KR", "KOR"), ("CH", "CHE"), ("HK", "HKG")]:
        (row,) = table.where(iso3=a3)
        assert row["zone"] == a2


@pytest.mark.parametrize(("zone", "ga_value", "egrid_lbs"), [
    ("US-CA", 216.43, 452.541), ("US-WA", 101.84, None), ("US-VA", 308.0, None), ("US-TX", 409.16, None),
])
def test_us_states_from_green_algorithms_with_egrid_2016_in_notes(zone: str, ga_value: float,
                                                                  egrid_lbs: float | None) -> None:
    """US states ship Green Algorithms ``CI_aggregated.csv`` (carbonfootprint.com, 2020 data); CodeCarbon's eGRID
    2016 rate (lbs CO2/MWh, e.g. California 452.5) is converted with 0.45359237 g/kWh per lb/MWh in the notes."""
    row = grid(zone)
    assert num(row, "intensity_g_per_kwh") == pytest.approx(ga_value, abs=1e-9)
    assert row["parent"] == "US" and row["year"] == 2020
    if egrid_lbs is not None:
        assert f"{egrid_lbs * 0.45359237:.1f} g/kWh" in row_str(row, "notes")


def test_us_states_and_dc_complete() -> None:
    """50 states + DC (eGRID / Green Algorithms both list all 51)."""
    subs = [r for r in REG.table("grid_intensity").rows if row_str(r, "parent") == "US"]
    assert len(subs) == 51 and grid("US-DC")["name"] == "District of Columbia"


def test_quebec_derived_from_codecarbon_2023_mix() -> None:
    """CA-QC = CodeCarbon 2023 mix (hydro 92.1 %, wind 6.7 %, gas 0.2 %, oil 0.3 %, solar 0.01 %; biomass 0.7 %
    has no factor) x CodeCarbon lifecycle factors (hydro 26, wind 26, gas 743, petroleum 816, solar 48 g/kWh),
    renormalised over the covered 99.31 %: (2394.6 + 174.2 + 148.6 + 244.8 + 0.48) / 99.31 = 29.83."""
    expected = (92.1 * 26 + 6.7 * 26 + 0.2 * 743 + 0.3 * 816 + 0.01 * 48) / 99.31
    row = grid("CA-QC")
    assert num(row, "intensity_g_per_kwh") == pytest.approx(expected, abs=0.05)
    assert row["status"] == "D" and "derived:" in row_str(row, "notes")


def test_canadian_provinces_all_present_and_bounded_by_source_factors() -> None:
    """13 provinces/territories (ISO 3166-2:CA); a share-weighted mean lies between the smallest (hydro/wind 26)
    and largest (coal 995) per-source factor of CodeCarbon's carbon_intensity_per_source.json."""
    subs = [r for r in REG.table("grid_intensity").rows if row_str(r, "parent") == "CA"]
    codes = ["AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"]
    assert {row_str(r, "zone") for r in subs} == {f"CA-{c}" for c in codes}
    for r in subs:
        assert 26 <= num(r, "intensity_g_per_kwh") <= 995


def test_nordic_bidding_zones() -> None:
    """CodeCarbon ``nordic_emissions.json``: SE1-SE4 and NO1-NO5 all 18.0 gCO2e/kWh (2024)."""
    for zone in [f"SE-SE{i}" for i in range(1, 5)] + [f"NO-NO{i}" for i in range(1, 6)]:
        row = grid(zone)
        assert num(row, "intensity_g_per_kwh") == 18.0 and row["year"] == 2024
        assert row["parent"] == zone[:2]


def test_grid_coverage_and_shape() -> None:
    """At least 150 countries + WORLD; alpha-2 zones, alpha-3 iso3; sub-national rows point at a country row."""
    table = REG.table("grid_intensity")
    kinds = [row_str(r, "kind") for r in table.rows]
    assert kinds.count("world") == 1 and kinds.count("country") >= 150
    countries = {row_str(r, "zone") for r in table.rows if r["kind"] == "country"}
    iso3s = [row_str(r, "iso3") for r in table.rows if r["kind"] == "country"]
    assert len(set(iso3s)) == len(iso3s)
    for r in table.rows:
        zone = row_str(r, "zone")
        assert num(r, "intensity_g_per_kwh") >= 0
        if r["kind"] == "country":
            assert len(zone) == 2 and zone.isupper() and len(row_str(r, "iso3")) == 3
        elif r["kind"] == "subnational":
            assert row_str(r, "parent") in countries and zone.startswith(row_str(r, "parent") + "-")
            assert r["iso3"] is None


# ------------------------------------------------------------------------------------------------ water
@pytest.mark.parametrize(("zone", "expected"), [
    ("US", 3.1321), ("FR", 3.6737), ("DE", 1.947), ("SE", 6.0315), ("IE", 1.4769), ("BR", 18.6033),
    ("WORLD", 3.908),
])
def test_offsite_water_from_ecologits(zone: str, expected: float) -> None:
    """EcoLogits v0.9.1 ``electricity_mixes.csv`` column ``wue`` (L/kWh, WRI method), MPL-2.0."""
    row = REG.table("water_offsite").get(zone)
    assert num(row, "ewif_l_per_kwh") == pytest.approx(expected, abs=1e-9)
    assert row["licence"] == "MPL-2.0" and row["source"] == "ECO-MIX"


def test_offsite_water_li_et_al_states_and_us_agreement() -> None:
    """Li et al. 2023 (arXiv:2304.03271) EWIF: Washington 9.501, Texas 1.287 L/kWh; their U.S. average 3.142
    agrees with EcoLogits' 3.1321 within 0.5 % (facts.md section B)."""
    water = REG.table("water_offsite")
    assert num(water.get("US-WA"), "ewif_l_per_kwh") == 9.501
    assert num(water.get("US-TX"), "ewif_l_per_kwh") == 1.287
    assert num(water.get("US"), "ewif_l_per_kwh") == pytest.approx(3.142, rel=0.005)


@pytest.mark.parametrize(("zone", "pue", "wue", "expected_ml"), [
    ("US-WA", 1.150, 0.950, 47.506),
    ("US-TX", 1.280, 0.250, 7.590),
])
def test_li_et_al_per_request_water_reproduced(zone: str, pue: float, wue: float, expected_ml: float) -> None:
    """Li et al. 2023 Table 1: water per request = 0.004 kWh x (WUE + PUE x EWIF); Washington 47.506 mL,
    Texas 7.590 mL (PUE/WUE quoted in the paper; EWIF from the table). Tolerance 0.5 % (rounded inputs)."""
    ewif = num(REG.table("water_offsite").get(zone), "ewif_l_per_kwh")
    assert 0.004 * (wue + pue * ewif) * 1000 == pytest.approx(expected_ml, rel=0.005)


def test_li_et_al_us_average_with_microsoft_us_operator() -> None:
    """Li et al. U.S. average 16.904 mL/request = 0.004 x (0.550 + 1.170 x 3.142), with PUE/WUE of the
    ``microsoft-us-2023`` operator row."""
    row = REG.table("datacenter_operators").get("microsoft-us-2023")
    got = 0.004 * (num(row, "wue_l_per_kwh") + num(row, "pue") * 3.142) * 1000
    assert got == pytest.approx(16.904, rel=0.001)


# ------------------------------------------------------------------------------------------------ cloud regions
@pytest.mark.parametrize(("region", "zone", "intensity"), [
    ("gcp:europe-west9", "FR", 34), ("gcp:northamerica-northeast1", "CA-QC", 2), ("gcp:us-central1", "US-IA", 430),
    ("gcp:asia-south1", "IN", 648), ("gcp:africa-south1", "ZA", 646), ("gcp:asia-east1", "TW", 451),
    ("gcp:me-central1", "QA", 575),
])
def test_gcp_regions_google_published_intensity(region: str, zone: str, intensity: float) -> None:
    """CodeCarbon ``cloud/impact.csv`` (Google-published, https://cloud.google.com/sustainability/region-carbon);
    the ``me-cenrtal1`` typo is fixed to ``me-central1``."""
    row = REG.table("cloud_regions").get(region)
    assert row["zone"] == zone
    assert num(row, "provider_intensity_g_per_kwh") == intensity
    assert REG.table("cloud_regions").find("gcp:me-cenrtal1") is None


@pytest.mark.parametrize(("region", "zone"), [
    ("aws:us-east-1", "US-VA"), ("aws:us-west-2", "US-OR"), ("aws:eu-west-1", "IE"), ("aws:eu-central-1", "DE"),
    ("aws:ap-southeast-2", "AU-NSW"), ("aws:ca-central-1", "CA-QC"), ("azure:westeurope", "NL"),
    ("azure:northeurope", "IE"), ("azure:eastus", "US-VA"), ("azure:westus2", "US-WA"), ("azure:qatarcentral", "QA"),
])
def test_aws_and_azure_region_zones(region: str, zone: str) -> None:
    """AWS region locations (AWS Regions and Availability Zones docs); Azure from Green Algorithms
    ``cloudProviders_datacenters.csv`` (Qatar Central has no location there; filled in as QA)."""
    row = REG.table("cloud_regions").get(region)
    assert row["zone"] == zone and row["provider_intensity_g_per_kwh"] is None


def test_cloud_regions_cover_three_providers_and_map_to_grid_zones() -> None:
    """>= 60 regions; key = provider:region_id; every zone exists in grid_intensity.csv."""
    table = REG.table("cloud_regions")
    zones = set(REG.table("grid_intensity").keys())
    assert len(table.rows) >= 60
    providers = [row_str(r, "provider") for r in table.rows]
    assert {p: providers.count(p) >= 10 for p in ("aws", "gcp", "azure")} == {"aws": True, "gcp": True,
                                                                              "azure": True}
    for r in table.rows:
        assert row_str(r, "region") == f"{row_str(r, 'provider')}:{row_str(r, 'region_id')}"
        assert row_str(r, "zone") in zones, r


# ------------------------------------------------------------------------------------------------ operators, APIs
def latest(operator: str, column: str) -> tuple[int, float]:
    rows = [r for r in REG.table("datacenter_operators").where(operator=operator) if r[column] is not None]
    best = max(rows, key=lambda r: int(str(r["year"])))
    return int(str(best["year"])), num(best, column)


@pytest.mark.parametrize(("operator", "column", "year", "value"), [
    ("google", "pue", 2025, 1.09), ("google", "wue_l_per_kwh", 2024, 1.15), ("aws", "pue", 2025, 1.14),
    ("aws", "wue_l_per_kwh", 2025, 0.12), ("microsoft", "pue", 2024, 1.18), ("microsoft", "wue_l_per_kwh", 2025, 0.27),
    ("meta", "pue", 2023, 1.08), ("industry-average", "pue", 2024, 1.56), ("unknown", "pue", 2024, 1.56),
    ("microsoft-us", "pue", 2023, 1.17), ("microsoft-us", "wue_l_per_kwh", 2023, 0.55),
])
def test_operator_latest_values(operator: str, column: str, year: int, value: float) -> None:
    """facts.md sections B and G: Google PUE 1.09 (2025) and WUE 1.15 (GO25, 2023-24); AWS PUE 1.14 (2025,
    sustainability.aboutamazon.com) and WUE 0.12; Microsoft 1.18 / 0.27; Meta 1.08 (2023); Uptime 1.56 (2024);
    Li et al. Microsoft US PUE 1.17, WUE 0.55."""
    assert latest(operator, column) == (year, value)


def test_operator_rows_consistent() -> None:
    """Key = operator-year; PUE >= 1 and WUE >= 0 where published; every operator has a PUE in some year."""
    table = REG.table("datacenter_operators")
    for r in table.rows:
        assert row_str(r, "operator_year") == f"{row_str(r, 'operator')}-{r['year']}"
        pue, wue = row_float(r, "pue"), row_float(r, "wue_l_per_kwh")
        assert pue is not None or wue is not None
        assert pue is None or 1.0 <= pue < 3.0
        assert wue is None or 0.0 <= wue < 5.0
    for op in {row_str(r, "operator") for r in table.rows}:
        assert latest(op, "pue")[1] >= 1.0


@pytest.mark.parametrize(("provider", "zone", "pue", "wue"), [
    ("openai", "US", 1.20, 0.569), ("mistralai", "SE", 1.16, 0.09), ("google", "US", 1.09, 0.999),
    ("anthropic", "US", (1.09 + 1.14) / 2, (0.13 + 0.999) / 2),
])
def test_api_providers_from_ecologits(provider: str, zone: str, pue: float, wue: float) -> None:
    """EcoLogits v0.9.1 PROVIDER_CONFIG_MAP: OpenAI on Azure US PUE 1.20 / WUE 0.569; Mistral on Azure Sweden
    1.16 / 0.09; Google 1.09 / 0.999; Anthropic range 1.09-1.14 / 0.13-0.999 (best = midpoint, status D)."""
    row = REG.table("api_providers").get(provider)
    assert row["zone"] == zone
    assert num(row, "pue") == pytest.approx(pue, abs=1e-9)
    assert num(row, "wue_l_per_kwh") == pytest.approx(wue, abs=1e-9)


def test_api_provider_ranges_ordered_and_zones_known() -> None:
    zones = set(REG.table("grid_intensity").keys())
    for r in REG.table("api_providers").rows:
        assert num(r, "pue_low") <= num(r, "pue") <= num(r, "pue_high")
        assert num(r, "wue_l_per_kwh_low") <= num(r, "wue_l_per_kwh") <= num(r, "wue_l_per_kwh_high")
        assert row_str(r, "zone") in zones
        assert r["status"] == ("P" if r["pue_low"] == r["pue_high"] and r["wue_l_per_kwh_low"] ==
                               r["wue_l_per_kwh_high"] else "D")


# ------------------------------------------------------------------------------------------------ generation
@pytest.mark.parametrize(("zone", "twh"), [
    ("US", 4249.1), ("CN", 9459.6), ("IE", 31.4), ("NL", 122.2), ("CH", 70.9), ("JP", 1013.5), ("SE", 166.4),
])
def test_country_generation(zone: str, twh: float) -> None:
    """OWID/Ember generation (TWh, 2023) via CodeCarbon ``total_TWh`` (facts.md sections H and I)."""
    assert num(REG.table("country_electricity").get(zone), "generation_twh") == pytest.approx(twh, abs=0.051)


def test_world_generation_is_sum_of_rows() -> None:
    """WORLD = sum of the 213 rows, ~29,476 TWh (facts.md section H, derived), status D."""
    table = REG.table("country_electricity")
    world = table.get("WORLD")
    rest = [num(r, "generation_twh") for r in table.rows if r["zone"] != "WORLD"]
    assert len(rest) >= 150 and world["status"] == "D"
    assert num(world, "generation_twh") == pytest.approx(math.fsum(rest), abs=0.01)
    assert num(world, "generation_twh") == pytest.approx(29476, abs=1)


# ------------------------------------------------------------------------------------------------ integrity
@pytest.mark.parametrize("name", OURS)
def test_provenance_and_sidecar(name: str) -> None:
    """Every row has resolvable sources, an int year, a known licence and a status letter; the sidecar lists
    exactly the CSV columns and names a key column that is unique."""
    table = REG.table(name)
    sources = REG.sources()
    for r in table.rows:
        assert all(k in sources for k in source_keys(r)) and source_keys(r)
        assert isinstance(r["year"], int) and 2009 <= r["year"] <= 2026
        assert r["licence"] in LICENCES and r["status"] in set("PQSDE")
    meta = tomllib.loads((DATA / f"{name}.toml").read_text(encoding="utf-8"))
    assert list(meta["columns"]) == list(table.columns)
    assert meta["builder"] == "scripts/build_location_data.py"
    keys = [k.lower() for k in table.keys()]
    assert len(keys) == len(set(keys))
    if any(r["licence"] == "MPL-2.0" for r in table.rows):
        assert "MPL-2.0" in meta["licence"] and "mozilla.org/MPL/2.0" in meta["credit"]


def test_water_zones_exist_in_grid() -> None:
    zones = set(REG.table("grid_intensity").keys())
    assert set(REG.table("water_offsite").keys()) <= zones
    assert set(REG.table("country_electricity").keys()) <= zones


@pytest.mark.skipif(not (SHARED / "data" / "codecarbon").is_dir(), reason="shared/ upstream data not available")
def test_builder_is_deterministic_and_in_sync() -> None:
    """Rebuilding from ../shared gives byte-identical CSVs to the shipped ones, twice."""
    builder = load_builder()
    first, second = builder.build(SHARED), builder.build(SHARED)
    assert first == second
    for rel, text in first.items():
        assert (DATA / rel).read_text(encoding="utf-8") == text, f"{rel} is stale: run scripts/build_location_data.py"


# ------------------------------------------------------------------------------------------------ properties
ZONES = REG.table("grid_intensity").keys()


@given(st.sampled_from(ZONES), st.lists(st.booleans(), min_size=8, max_size=8))
def test_zone_lookup_is_case_insensitive(zone: str, upper: list[bool]) -> None:
    variant = "".join(c.upper() if upper[i % 8] else c.lower() for i, c in enumerate(zone))
    assert REG.table("grid_intensity").get(variant)["zone"] == zone


@given(st.text(alphabet=string.ascii_uppercase + "-", min_size=1, max_size=6))
def test_unknown_zone_raises_input_error(code: str) -> None:
    table = REG.table("grid_intensity")
    if table.find(code) is None:
        with pytest.raises(InputError, match="unknown"):
            table.get(code)


@given(st.floats(min_value=0, max_value=1e7, allow_nan=False).map(lambda x: round(x, 4)))
def test_builder_number_format_round_trips(value: float) -> None:
    """The builder's cell format loses nothing at the precision it writes (<= 10 significant digits)."""
    fmt = load_builder()._fmt
    parsed = parse_cell(fmt(value))
    assert isinstance(parsed, int | float) and float(parsed) == pytest.approx(value, rel=1e-9, abs=1e-12)
