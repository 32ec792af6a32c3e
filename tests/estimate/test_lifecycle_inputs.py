"""``Deployment`` validates its traffic for Python callers too (the CLI's ``--growth`` check did not cover them):
growth 1e308 leaked a numpy overflow RuntimeWarning and infinite requests instead of one clear InputError."""

from __future__ import annotations

import math

import numpy as np
import pytest

from aifootprint.errors import InputError
from aifootprint.estimate.bounds import GROWTH_PER_YEAR_RANGE, MAX_REQUESTS_PER_DAY
from aifootprint.estimate.lifecycle import Deployment
from aifootprint.limits import LIMITS


@pytest.mark.parametrize("growth", [1e308, 10.5, math.inf, math.nan, -1.0, -1e308])
def test_growth_out_of_range_is_an_input_error_naming_the_field_and_range(growth: float) -> None:
    with pytest.raises(InputError, match=r"growth_per_year must be from -0\.99 .* to 10 .*got"):
        Deployment(1e6, 500, 300, days=365, growth_per_year=growth)


@pytest.mark.parametrize("requests", [1e308, math.inf, math.nan, -1.0])
def test_requests_per_day_out_of_range_is_an_input_error(requests: float) -> None:
    with pytest.raises(InputError, match="requests_per_day must be from 0 to 1e\\+13"):
        Deployment(requests, 500, 300)


def test_the_extremes_of_the_ranges_stay_finite() -> None:
    """The largest accepted traffic over the longest accepted deployment: finite, no numpy warning (-W error)."""
    low, high = GROWTH_PER_YEAR_RANGE
    for growth in (low, high):
        req = Deployment(MAX_REQUESTS_PER_DAY, 500, 300, days=36_500, growth_per_year=growth).requests()
        assert np.all(np.isfinite(np.cumsum(req)))


def test_the_cli_and_the_library_accept_the_same_range() -> None:
    assert (LIMITS["--growth"].low, LIMITS["--growth"].high) == GROWTH_PER_YEAR_RANGE
    assert LIMITS["--requests-per-day"].high == MAX_REQUESTS_PER_DAY
