"""Uncertainty arithmetic: exact on points, correct on distributions, monotone; property tests (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.errors import InputError
from aifootprint.uncertainty import Uncertain

pos = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)
anyf = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def ranges(draw: st.DrawFn) -> tuple[float, float]:
    lo = draw(pos)
    width = draw(st.floats(min_value=0.01, max_value=10.0))
    return lo, lo * (1 + width)


@given(anyf, anyf)
def test_points_are_exact(a: float, b: float) -> None:
    assert (Uncertain.point(a) + Uncertain.point(b)).best == a + b
    assert (Uncertain.point(a) * b).best == a * b
    assert (a - Uncertain.point(b)).best == a - b


@given(ranges())
@settings(max_examples=30, deadline=None)
def test_reciprocal_of_range_is_ordered_and_bounded(r: tuple[float, float]) -> None:
    """10 / x for x uniform on [lo, hi]: every quantile lies in [10/hi, 10/lo], and rtruediv is not truediv."""
    lo, hi = r
    x = Uncertain.range(lo, hi)
    y = 10 / x
    assert 10 / hi <= y.low <= y.best <= y.high <= 10 / lo
    # analytic median of 10/U(lo,hi) is 10/median(x) = 20/(lo+hi)
    assert y.best == pytest.approx(20 / (lo + hi), rel=0.02)
    z = x / 10
    assert z.best == pytest.approx((lo + hi) / 20, rel=0.02)


@given(ranges(), ranges())
@settings(max_examples=30, deadline=None)
def test_sum_bounds_and_mean(a: tuple[float, float], b: tuple[float, float]) -> None:
    x, y = Uncertain.range(*a, label="a"), Uncertain.range(*b, label="b")
    s = x + y
    assert a[0] + b[0] <= s.low <= s.best <= s.high <= a[1] + b[1]
    assert s.mean == pytest.approx((a[0] + a[1] + b[0] + b[1]) / 2, rel=0.01)


@given(ranges(), pos)
@settings(max_examples=30, deadline=None)
def test_product_is_monotone_in_a_positive_factor(r: tuple[float, float], k: float) -> None:
    x = Uncertain.range(*r)
    small, large = x * k, x * (k * 2)
    assert large.low == pytest.approx(2 * small.low)
    assert large.high >= small.high


@given(ranges())
@settings(max_examples=20, deadline=None)
def test_subtracting_itself_is_zero(r: tuple[float, float]) -> None:
    """The same quantity shares its draws: x - x is exactly 0 (correlation is kept)."""
    x = Uncertain.range(*r)
    d = x - x
    assert d.is_point and d.best == 0.0


def test_lognormal_from_bounds_recovers_percentiles() -> None:
    x = Uncertain.lognormal_from_bounds(85.4, 134.0)
    assert x.low == pytest.approx(85.4, rel=0.02)
    assert x.high == pytest.approx(134.0, rel=0.02)
    assert x.best == pytest.approx(math.sqrt(85.4 * 134.0), rel=0.01)


def test_triangular_median_matches_analytic() -> None:
    # median of triangular(0, 0, 1) is 1 - sqrt(0.5)
    x = Uncertain.triangular(0, 0, 1)
    assert x.best == pytest.approx(1 - math.sqrt(0.5), abs=0.01)


def test_deterministic_draws() -> None:
    assert Uncertain.range(1, 2).to_dict() == Uncertain.range(1, 2).to_dict()
    assert Uncertain.range(1, 2, label="a").to_dict() != Uncertain.range(1, 2, label="b").to_dict()


def test_independent_inputs_narrow_relative_spread() -> None:
    a = Uncertain.range(1, 3, label="a")
    b = Uncertain.range(1, 3, label="b")
    same = a + a
    indep = a + b
    assert (indep.high - indep.low) < (same.high - same.low)


@pytest.mark.parametrize(
    "spec, best",
    [
        (3.0, 3.0),
        ({"point": 2}, 2.0),
        ({"range": [1, 3]}, 2.0),
        ({"triangular": [1, 2, 3]}, 2.0),
        ({"low": 1, "best": 2, "high": 3}, 2.0),
        ({"lognormal": {"median": 5, "gsd": 1.5}}, 5.0),
    ],
)
def test_from_spec(spec: object, best: float) -> None:
    assert Uncertain.from_spec(spec).best == pytest.approx(best, rel=0.02)


@pytest.mark.parametrize(
    "spec",
    [{"range": [3, 1]}, {"triangular": [1, 5, 3]}, {"lognormal": {"median": -1, "gsd": 2}}, "x", {"rng": [1, 2]}, True],
)
def test_bad_specs_are_clear(spec: object) -> None:
    with pytest.raises(InputError, match="field_x"):
        Uncertain.from_spec(spec, where="field_x")


def test_division_by_possible_zero_is_refused() -> None:
    with pytest.raises(InputError, match="zero"):
        _ = 1 / Uncertain.range(-1, 1)
    with pytest.raises(InputError, match="zero"):
        _ = Uncertain.point(1) / 0


def test_samples_vector_shape() -> None:
    x = Uncertain.range(1, 2)
    assert x.samples().shape == (20_000,)
    assert np.all(Uncertain.point(4).samples(5) == 4)
