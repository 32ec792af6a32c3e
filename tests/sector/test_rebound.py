"""Rebound (Jevons) invariants."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.sector.rebound import breakeven_elasticity, energy_index, rebound_paths


def test_no_growth_backfire_above_one() -> None:
    """With no exogenous growth, total energy rises iff the elasticity exceeds 1 (Jevons' backfire)."""
    assert breakeven_elasticity(0.0, 0.3) == pytest.approx(1.0)
    paths = rebound_paths(100.0, 0.0, 0.3, (0.0, 0.5, 1.0, 1.5), tuple(range(2025, 2031)))
    rising = {p.elasticity: p.rises_despite_efficiency for p in paths}
    assert rising == {0.0: False, 0.5: False, 1.0: False, 1.5: True}
    assert paths[-1].first_year_above_start == 2026
    assert paths[0].energy[-1] == pytest.approx(100 * 0.7**5)


def test_growth_lowers_breakeven() -> None:
    """20 %/yr growth and 30 %/yr efficiency: total is flat at ε* = 1 + ln 1.2 / ln 0.7 = 0.4888."""
    eps = breakeven_elasticity(0.2, 0.3)
    assert eps == pytest.approx(1 + math.log(1.2) / math.log(0.7))
    assert energy_index(0.2, 0.3, eps, 5.0) == pytest.approx(1.0)


@settings(max_examples=80, deadline=None)
@given(g=st.floats(-0.5, 1.0), x=st.floats(0.01, 0.9), e1=st.floats(0, 3), e2=st.floats(0, 3),
       t=st.floats(0.1, 20))
def test_more_elasticity_more_energy(g: float, x: float, e1: float, e2: float, t: float) -> None:
    lo, hi = sorted((e1, e2))
    assert energy_index(g, x, lo, t) <= energy_index(g, x, hi, t) * (1 + 1e-12)


@settings(max_examples=80, deadline=None)
@given(g=st.floats(-0.5, 1.0), x=st.floats(0.01, 0.9), t=st.floats(0.1, 20))
def test_unit_elasticity_cancels_efficiency(g: float, x: float, t: float) -> None:
    """ε = 1: efficiency gains are exactly taken back; only exogenous growth remains."""
    assert energy_index(g, x, 1.0, t) == pytest.approx((1 + g) ** t, rel=1e-9)


def test_demand_model_follows_the_rebound_equation() -> None:
    """The demand model's total energy equals E0 × (1+g)^t × (1−x)^((1−ε)t), and rebound_multiplier is the
    extra demand (1−x)^(−εt)."""
    import numpy as np

    from aifootprint.sector.models import compute
    from aifootprint.sector.rebound import rebound_multiplier

    years = tuple(range(2025, 2031))
    vals = {k: np.array([[v]]) for k, v in {"requests_per_day": 1e9, "energy_per_request_wh": 0.3,
                                             "demand_growth_fraction": 0.2, "efficiency_gain_fraction": 0.25,
                                             "rebound_elasticity": 1.3}.items()}
    out = compute("demand", years, vals)
    t = np.arange(6.0)
    e0 = 1e9 * 365 * 0.3 / 1e12
    assert out["it_energy_twh"][:, 0] == pytest.approx(e0 * energy_index(0.2, 0.25, 1.3, t), rel=1e-12)
    assert out["requests_per_day"][:, 0] == pytest.approx(1e9 * 1.2**t * rebound_multiplier(0.25, 1.3, t),
                                                         rel=1e-12)
