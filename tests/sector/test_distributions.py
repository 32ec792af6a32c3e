"""Quantile functions agree with :class:`aifootprint.uncertainty.Uncertain`'s sampling and keep their order."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.errors import InputError
from aifootprint.sector.distributions import Z95, Dist, normal_ppf, parse_spec
from aifootprint.uncertainty import Uncertain


def test_normal_ppf_known_values() -> None:
    """Standard-normal quantiles (Abramowitz & Stegun table 26.5): 0.95 -> 1.644854, 0.975 -> 1.959964."""
    got = normal_ppf(np.array([0.5, 0.95, 0.975, 0.001, 0.999]))
    assert got == pytest.approx([0.0, 1.6448536, 1.9599640, -3.0902323, 3.0902323], abs=1e-6)


@pytest.mark.parametrize(("spec", "ctor"), [
    ({"range": [2.0, 5.0]}, lambda: Uncertain.range(2.0, 5.0)),
    ({"triangular": [1.0, 2.0, 6.0]}, lambda: Uncertain.triangular(1.0, 2.0, 6.0)),
    ({"lognormal": {"median": 3.0, "gsd": 1.8}}, lambda: Uncertain.lognormal(3.0, 1.8)),
    ({"lognormal": [1.0, 9.0]}, lambda: Uncertain.lognormal_from_bounds(1.0, 9.0)),
])
def test_same_percentiles_as_uncertain(spec: dict[str, object], ctor) -> None:  # type: ignore[no-untyped-def]
    """Same spec, same distribution: p5/p50/p95 within Monte Carlo error (20,000 draws in Uncertain)."""
    d = parse_spec(spec, "x")
    u = ctor()
    exact = d.quantile(np.array([0.05, 0.5, 0.95]))
    assert exact == pytest.approx([u.low, u.best, u.high], rel=0.02)


def test_lognormal_bounds_are_p5_p95() -> None:
    d = Dist.lognormal_from_bounds(2.0, 50.0)
    assert d.bounds == pytest.approx((2.0, 50.0))
    assert d.quantile(np.array([0.05, 0.95])) == pytest.approx([2.0, 50.0], rel=1e-6)
    assert d.params[1] == pytest.approx(math.exp(math.log(25.0) / (2 * Z95)))


def test_bad_specs() -> None:
    for bad in ({"range": [3, 1]}, {"triangular": [1, 5, 3]}, {"lognormal": {"median": -1, "gsd": 2}}, True,
                {"range": [1, 2], "point": 3}, "six", {"range": [1]}):
        with pytest.raises(InputError):
            parse_spec(bad, "x")


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(a=finite, b=finite, c=finite, us=st.lists(st.floats(0, 1), min_size=2, max_size=20))
def test_triangular_quantile_monotone_and_inside(a: float, b: float, c: float, us: list[float]) -> None:
    lo, mode, hi = sorted((a, b, c))
    d = Dist("triangular", (lo, mode, hi))
    u = np.sort(np.asarray(us))
    q = d.quantile(u)
    assert np.all(np.diff(q) >= -1e-9 * max(1.0, abs(hi)))
    assert np.all(q >= lo - 1e-9 * max(1.0, abs(lo))) and np.all(q <= hi + 1e-9 * max(1.0, abs(hi)))


@settings(max_examples=60, deadline=None)
@given(median=st.floats(1e-3, 1e6), gsd=st.floats(1.0, 10.0), u=st.floats(0.001, 0.999))
def test_lognormal_symmetry_in_log_space(median: float, gsd: float, u: float) -> None:
    """q(u) × q(1 − u) = median² for a lognormal."""
    d = Dist("lognormal", (median, gsd))
    q = d.quantile(np.array([u, 1 - u]))
    assert q[0] * q[1] == pytest.approx(median**2, rel=1e-6)
