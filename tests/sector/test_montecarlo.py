"""Monte Carlo engine: reproducibility, percentile order, sensitivity, year coupling, shipments."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.errors import InputError
from aifootprint.sector.models import installed_base
from aifootprint.sector.montecarlo import run
from aifootprint.sector.scenario import load_builtin, parse_scenario

SHIPMENTS = """[scenario]
name = "ship"
model = "supply"
years = {start = 2024, end = 2028}

[inputs.shipments_servers]
unit = "servers/yr"
source = "assumption"
by_year = {2022 = 100, 2026 = 500}

[inputs.lifetime_years]
point = 3
unit = "yr"
source = "assumption"

[inputs.server_power_kw]
point = 10
unit = "kW"
source = "assumption"
"""


def test_same_seed_same_numbers() -> None:
    sc = load_builtin("ai-search-rebound")
    a = run(sc, draws=5_000, seed=7)
    b = run(sc, draws=5_000, seed=7)
    c = run(sc, draws=5_000, seed=8)
    assert np.array_equal(a.quantiles["facility_energy_twh"], b.quantiles["facility_energy_twh"])
    assert not np.array_equal(a.quantiles["facility_energy_twh"], c.quantiles["facility_energy_twh"])


def test_percentiles_ordered_and_inside_bounds() -> None:
    res = run(load_builtin("ai-search-rebound"), draws=20_000, seed=3)
    for key, q in res.quantiles.items():
        b = res.bounds[key]
        assert np.all(q[:, 0] <= q[:, 1]) and np.all(q[:, 1] <= q[:, 2]), key
        assert np.all(b[:, 0] <= q[:, 0] * (1 + 1e-9)) and np.all(q[:, 2] <= b[:, 1] * (1 + 1e-9)), key


def test_chunked_run_equals_percentiles_of_uniform() -> None:
    """A uniform input gives its exact percentiles (DV23 2027: 6.5-10.2 kW -> p5 = 6.685 kW x 1.5 M x 8.76)."""
    res = run(load_builtin("devries-2023-nvidia-2027"), draws=300_000, seed=11)
    q = res.at("it_energy_twh", 2027)
    p5_kw = 6.5 + 0.05 * 3.7
    assert q["low"] == pytest.approx(1.5e6 * p5_kw * 8760 / 1e9, rel=0.003)
    assert q["best"] == pytest.approx(1.5e6 * 8.35 * 8760 / 1e9, rel=0.003)


def test_sensitivity_ranks_elasticity_first() -> None:
    """In the rebound example the elasticity (0-1.5) moves 2030 energy most; efficiency lowers it."""
    res = run(load_builtin("ai-search-rebound"), draws=20_000, seed=5)
    names = [s.name for s in res.sensitivity]
    assert names[0] == "rebound_elasticity"
    eff = next(s for s in res.sensitivity if s.name == "efficiency_gain_fraction")
    assert eff.spearman < 0 and eff.output_at_p95 < eff.output_at_p5
    growth = next(s for s in res.sensitivity if s.name == "demand_growth_fraction")
    assert growth.spearman > 0.2


def test_by_year_paths_are_rank_coupled() -> None:
    """IEA: every draw's path is monotone between anchors, and 2027 lies between the 2024 and 2030 values."""
    res = run(load_builtin("iea-2025-data-centres"), draws=10_000, seed=2)
    q = res.quantiles["facility_energy_twh"]
    assert np.all(np.diff(q[:, 2]) > 0)
    assert q[0, 0] == pytest.approx(415) and q[0, 2] == pytest.approx(415)


def test_shipments_and_lifetime() -> None:
    """Installed base = last 3 years of shipments (linear between anchors 2022: 100, 2026: 500)."""
    res = run(parse_scenario(SHIPMENTS, "ship.toml"), draws=10, seed=0)
    ship = {2022: 100, 2023: 200, 2024: 300, 2025: 400, 2026: 500, 2027: 500, 2028: 500}
    for y in range(2024, 2029):
        want = sum(ship[y - k] for k in range(3))
        assert res.at("installed_servers", y)["nominal"] == pytest.approx(want)
        assert res.at("it_power_gw", y)["nominal"] == pytest.approx(want * 10 / 1e6)


def test_lifetime_by_year_is_used_in_each_year() -> None:
    """A service life given by_year (1 yr in 2024 to 3 yr in 2028, linear) counts each year's own lifetime: 300,
    400 + 0.5 x 300, 500 + 400, 500 + 500 + 0.5 x 400, 3 x 500 servers (by hand). Before, the first year's
    lifetime (1 yr) was used for every year: 300, 400, 500, 500, 500."""
    text = SHIPMENTS.replace("[inputs.lifetime_years]\npoint = 3", "[inputs.lifetime_years]\n"
                             "by_year = {2024 = 1, 2028 = 3}")
    res = run(parse_scenario(text, "ship.toml"), draws=10, seed=0)
    got = [res.at("installed_servers", y)["nominal"] for y in range(2024, 2029)]
    assert got == pytest.approx([300, 550, 900, 1200, 1500])


@settings(max_examples=40, deadline=None)
@given(ships=st.lists(st.floats(0, 1e6), min_size=1, max_size=8), life=st.floats(0.5, 10))
def test_installed_base_bounded_by_shipments(ships: list[float], life: float) -> None:
    """Never more servers in service than were shipped, and a longer life never lowers the installed base."""
    years = tuple(range(2020, 2020 + len(ships)))
    arr = np.asarray(ships)[:, None]
    sy = np.asarray(years, dtype=float)
    base = installed_base(arr, sy, years, np.array([life]))
    longer = installed_base(arr, sy, years, np.array([life + 1]))
    assert np.all(base[:, 0] <= np.cumsum(ships) * (1 + 1e-12) + 1e-6)
    assert np.all(longer >= base - 1e-6)


def test_bad_draws() -> None:
    with pytest.raises(InputError, match="draws"):
        run(load_builtin("devries-2023-chatgpt"), draws=0)


def test_site_factors_from_impacts_core() -> None:
    """With location WORLD and no PUE in the file, carbon = facility energy x the core's world intensity."""
    from aifootprint.impacts import resolve_site

    site = resolve_site("WORLD")
    res = run(load_builtin("iea-2025-data-centres"), draws=2_000, seed=1)
    c = res.at("carbon_t", 2024)["nominal"]
    intensity = float(site.intensity_g_per_kwh)
    assert c == pytest.approx(415e9 * intensity / 1e6, rel=1e-6)
    it = res.at("it_energy_twh", 2024)["nominal"]
    assert it == pytest.approx(415 / float(site.pue_value), rel=1e-6)


def test_progress_chunks_do_not_change_the_draws() -> None:
    """The same seed gives the same numbers with a progress callback (the CLI's bar above 300,000 draws draws in
    chunks of _CHUNK) as without (``--json``): before, each chunk took its inputs' numbers in turn from one stream,
    so the 2030 median moved from 1.958 to 1.955 TWh at 300,000 draws, seed 1."""
    from aifootprint.sector.montecarlo import _CHUNK

    sc = load_builtin("ai-search-rebound")  # three uncertain inputs
    draws = _CHUNK + 5_000
    seen: list[int] = []
    plain = run(sc, draws=draws, seed=1, sensitivity=False)
    chunked = run(sc, draws=draws, seed=1, sensitivity=False, progress=lambda done, total: seen.append(done))
    assert seen == [_CHUNK, draws]
    for key, q in plain.quantiles.items():
        assert np.array_equal(q, chunked.quantiles[key]), key


def test_years_beyond_the_last_anchor_are_flagged_as_held_constant() -> None:
    """Shipments anchored 2022 and 2026 in a 2024-2028 scenario: 2027-2028 take the 2026 value (500/yr, as the
    installed base above shows); the run now says so (code ``assumption``, subject the input) instead of holding
    the value silently. A scenario whose anchors cover its years gets no such notice."""
    res = run(parse_scenario(SHIPMENTS, "ship.toml"), draws=10, seed=0)
    held = [w for w in res.warnings if w.subject == "shipments_servers"]
    assert [(w.code, w.message) for w in held] == [
        ("assumption", "shipments_servers: held at its 2026 value (500 servers/yr) in 2027–2028: no anchor after "
                       "2026; add one to change it")]
    covered = SHIPMENTS.replace("2026 = 500", "2028 = 500")
    assert not [w for w in run(parse_scenario(covered, "ship.toml"), draws=10, seed=0).warnings
                if "held at" in w.message]


def test_sensitivity_names_the_input_values_of_its_year() -> None:
    """The tornado's last year (2028) lies between the server-power anchors 2024 (5-7 kW) and 2030 (11-13 kW):
    the input's p5/p95 there are interpolated, 9.1 and 10.9 kW, the values behind the output swing (1,000 servers
    x 9.1 kW x 8,760 h = 0.0797 TWh). Before, the row showed the 2030 anchor's 11.1-12.9 kW next to it."""
    text = """[scenario]
name = "t"
model = "supply"
years = { start = 2024, end = 2028 }
[inputs.servers]
point = 1000
unit = "servers"
source = "assumption"
[inputs.server_power_kw]
unit = "kW"
source = "assumption"
by_year = { 2024 = { range = [5, 7] }, 2030 = { range = [11, 13] } }
[inputs.pue]
point = 1.0
unit = "-"
source = "assumption"
"""
    (row,) = run(parse_scenario(text), draws=1_000, seed=0).sensitivity
    assert (row.input_p5, row.input_p95) == (pytest.approx(9.1), pytest.approx(10.9))
    assert row.output_at_p5 == pytest.approx(1000 * 9.1 * 8760 / 1e9)
