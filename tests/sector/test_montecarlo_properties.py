"""Monte Carlo invariants over random scenarios (hypothesis): percentiles ordered, the same seed gives the same
numbers, scaling an input scales the outputs it multiplies, and the draws' limits run."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aifootprint.cli.main import main
from aifootprint.sector.montecarlo import run
from aifootprint.sector.scenario import parse_scenario

SUPPLY = """[scenario]
name = "prop"
model = "supply"
years = {{ start = 2025, end = {end} }}

[inputs.servers]
range = [{s_lo}, {s_hi}]
unit = "servers"
source = "assumption"

[inputs.server_power_kw]
lognormal = {{ median = {p_med}, gsd = {p_gsd} }}
unit = "kW"
source = "assumption"

[inputs.utilisation_fraction]
triangular = [{u_lo}, {u_mode}, {u_hi}]
unit = "-"
source = "assumption"

[inputs.pue]
point = 1.2
unit = "-"
source = "assumption"
"""

servers = st.tuples(st.floats(1, 1e4), st.floats(0.01, 100)).map(lambda t: (t[0], t[0] * (1 + t[1])))
utils = st.lists(st.floats(0.05, 1.0), min_size=3, max_size=3).map(sorted)


def _text(s: tuple[float, float], med: float, gsd: float, u: list[float], end: int, scale: float = 1.0) -> str:
    return SUPPLY.format(end=end, s_lo=s[0] * scale, s_hi=s[1] * scale, p_med=med, p_gsd=gsd, u_lo=u[0],
                         u_mode=u[1], u_hi=u[2])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(s=servers, med=st.floats(0.5, 20), gsd=st.floats(1.0, 3.0), u=utils, end=st.integers(2025, 2030),
       seed=st.integers(0, 2**63 - 1), k=st.floats(0.001, 100))
def test_ordered_reproducible_and_linear(s: tuple[float, float], med: float, gsd: float, u: list[float], end: int,
                                         seed: int, k: float) -> None:
    sc = parse_scenario(_text(s, med, gsd, u, end), "prop.toml")
    a = run(sc, draws=500, seed=seed, sensitivity=False)
    b = run(sc, draws=500, seed=seed, sensitivity=False)
    for key, q in a.quantiles.items():
        assert np.all(q[:, 0] <= q[:, 1]) and np.all(q[:, 1] <= q[:, 2]), key  # p5 <= p50 <= p95 each year
        assert np.array_equal(q, b.quantiles[key]), key  # the same seed: the same numbers
    scaled = run(parse_scenario(_text(s, med, gsd, u, end, scale=k), "prop.toml"), draws=500, seed=seed,
                 sensitivity=False)
    for key in ("it_energy_twh", "facility_energy_twh", "it_power_gw"):  # linear in the server count
        np.testing.assert_allclose(scaled.quantiles[key], k * a.quantiles[key], rtol=1e-9)


@pytest.mark.parametrize("draws", [1, 100])
def test_the_smallest_draws_run(draws: int) -> None:
    sc = parse_scenario(_text((10, 20), 5, 1.5, [0.5, 0.6, 0.7], 2026), "prop.toml")
    res = run(sc, draws=draws, seed=1, sensitivity=False)
    q = res.quantiles["it_energy_twh"]
    assert q.shape == (2, 3) and np.all(np.isfinite(q)) and np.all(q[:, 0] <= q[:, 2])


def test_the_cli_runs_at_its_lowest_draws(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "run", "devries-2023-chatgpt", "--draws", "100", "--csv"]) == 0
    assert "it_energy_mwh_per_day" in capsys.readouterr().out
