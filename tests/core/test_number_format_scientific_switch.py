"""The text format's switch to scientific notation (:func:`aifootprint.numfmt.significant`, ``scientific=True``) is
decided on the number as written, rounded to 3 figures: a value that rounds up onto a bound is written like the bound.
Before, the switch looked at the unrounded value, so 0.00099996 was "0.001" (one figure) beside 0.001's "0.00100",
and 9.99999e14 was "1,000 trillion" beside 1e15's "1e+15"."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from aifootprint.numfmt import SCIENTIFIC_LARGE, SCIENTIFIC_SMALL, significant
from aifootprint.sector.equivalences import fmt


@pytest.mark.parametrize(("x", "text"), [(0.00099996, "0.00100"), (-0.00099996, "-0.00100"), (0.001, "0.00100"),
                                         (9.99999e14, "1e+15"), (-9.99999e14, "-1e+15"), (1e15, "1e+15"),
                                         (9.9949e14, "999 trillion"), (0.00099949, "0.000999")])
def test_a_value_rounding_onto_a_bound_is_written_like_the_bound(x: float, text: str) -> None:
    assert fmt(x) == significant(x, scientific=True) == text


@given(st.floats(min_value=-1.0, max_value=1.0, allow_nan=False).map(lambda f: f * 1e-2),
       st.sampled_from((SCIENTIFIC_SMALL, SCIENTIFIC_LARGE)))
@example(-5e-3, SCIENTIFIC_SMALL)
@example(-5e-3, SCIENTIFIC_LARGE)
def test_numbers_that_write_alike_are_written_alike(shift: float, bound: float) -> None:
    """Two numbers within the rounding of the third figure of a bound that write the same 3 figures get one text."""
    x = bound * (1.0 + shift)
    if f"{x:.2e}" == f"{bound:.2e}":
        assert fmt(x) == fmt(bound), (x, fmt(x), fmt(bound))
