"""Order statistics of long sample vectors by bracketing (``uncertainty.order_statistics``): the very values
``np.partition`` gives, and so ``percentiles`` equal to ``np.percentile`` to the bit, on vectors long enough to take
the bracketed path (ties, infinities, sorted input, and subsamples that miss the bracket, which fall back to a whole
partition)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.uncertainty import BRACKET_MIN_SIZE, DEFAULT_DRAWS, PERCENTILES, order_statistics, percentiles


def _vector(kind: str, n: int, seed: int) -> Any:
    rng = np.random.default_rng(seed)
    if kind == "lognormal":
        return rng.lognormal(0.0, 0.5, n)
    if kind == "product":  # what a closed model's unit summarises: lognormal × triangular
        return rng.lognormal(0.0, 0.3, n) * rng.triangular(0.6, 1.0, 1.4, n)
    if kind == "ties":
        return rng.integers(0, 7, n).astype(np.float64)
    if kind == "infinities":
        x = rng.normal(0.0, 1.0, n)
        x[rng.integers(0, n, n // 10)] = np.inf
        x[rng.integers(0, n, n // 10)] = -np.inf
        return x
    if kind == "sorted":
        return np.sort(rng.uniform(-1.0, 1.0, n))
    if kind == "reversed":
        return np.sort(rng.uniform(-1.0, 1.0, n))[::-1].copy()
    if kind == "constant":
        return np.full(n, 2.5)
    if kind == "subsample-misleads":  # every 16th draw, the subsample's, is far above the rest
        x = rng.uniform(0.0, 1.0, n)
        x[::16] += 100.0
        return x
    raise AssertionError(kind)


KINDS = ["lognormal", "product", "ties", "infinities", "sorted", "reversed", "constant", "subsample-misleads"]


@settings(max_examples=60, deadline=None)
@given(kind=st.sampled_from(KINDS), n=st.integers(BRACKET_MIN_SIZE - 2, 3 * DEFAULT_DRAWS // 2),
       seed=st.integers(0, 2**32 - 1),
       pcts=st.lists(st.floats(0.0, 100.0), min_size=1, max_size=4))
def test_percentiles_of_long_vectors_equal_numpy_to_the_bit(kind: str, n: int, seed: int, pcts: list[float]) -> None:
    x = _vector(kind, n, seed)
    with np.errstate(invalid="ignore"):  # inf − inf: numpy warns where Python floats give NaN silently
        want = [float(v) for v in np.percentile(x, pcts)]
    assert [repr(v) for v in percentiles(x, tuple(pcts))] == [repr(v) for v in want]


@pytest.mark.parametrize("kind", KINDS)
def test_order_statistics_are_the_partitions(kind: str) -> None:
    x = _vector(kind, DEFAULT_DRAWS, 11)
    ks = [0, 1, 999, 1000, 9999, 10000, 10015, 18999, 19000, DEFAULT_DRAWS - 1]
    part = np.partition(x, ks)
    assert order_statistics(x, ks) == {k: float(part[k]) for k in ks}
    with np.errstate(invalid="ignore"):
        want = [float(v) for v in np.percentile(x, PERCENTILES)]
    assert [repr(v) for v in percentiles(x, PERCENTILES)] == [repr(v) for v in want]
