"""Points never import numpy (issue 12: ``aifootprint measure -- true`` spent ~0.2 s importing numpy because
``uncertainty`` imported it at the top); samples still work and import it on first use."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.errors import InputError
from aifootprint.uncertainty import Uncertain


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_point_arithmetic_and_the_impacts_core_import_no_numpy() -> None:
    code = (
        "import sys\n"
        "import aifootprint.impacts.core\n"
        "from aifootprint.uncertainty import Uncertain, as_dict, best\n"
        "x = (Uncertain.point(3) * 2 + 1 - Uncertain.point(1)) / Uncertain.point(2) ** 1\n"
        "print(x.to_dict(), as_dict(4.0), best(x), "
        "'numpy' in sys.modules)\n"
    )
    assert _run(code) == "{'low': 3.0, 'best': 3.0, 'high': 3.0} {'low': 4.0, 'best': 4.0, 'high': 4.0} 3.0 False"


def test_sampled_values_import_numpy_on_first_use() -> None:
    code = (
        "import sys\n"
        "from aifootprint.uncertainty import Uncertain\n"
        "before = 'numpy' in sys.modules\n"
        "r = Uncertain.range(1, 3, label='x')\n"
        "print(before, 'numpy' in sys.modules, round(r.best, 1))\n"
    )
    assert _run(code) == "False True 2.0"


def test_division_by_a_zero_point_or_a_range_spanning_zero_is_refused() -> None:
    with pytest.raises(InputError, match="can be zero"):
        _ = Uncertain.point(1) / Uncertain.point(0)
    with pytest.raises(InputError, match="can be zero"):
        _ = Uncertain.point(1) / Uncertain.range(-1, 1, label="span")
    assert (Uncertain.point(1) / Uncertain.point(-2)).best == -0.5


def test_first_full_estimate_does_not_import_numpy_ma() -> None:
    """``np.percentile`` calls ``np.unique``, which imports ``numpy.ma`` (25–30 ms on a cold first estimate); the
    quantiles of a result come from :func:`aifootprint.uncertainty.percentiles` instead."""
    code = (
        "import sys\n"
        "from aifootprint.estimate import estimate_request\n"
        "r = estimate_request('gpt-4o-mini', input_tokens=1200, output_tokens=300)\n"
        "print(r.values['energy_wh'].low > 0, 'numpy' in sys.modules, 'numpy.ma' in sys.modules)\n"
    )
    assert _run(code) == "True True False"


finite_or_inf = st.floats(allow_nan=False, allow_infinity=True, width=64)


@settings(max_examples=300, deadline=None)
@given(samples=st.lists(finite_or_inf, min_size=1, max_size=60),
       pcts=st.lists(st.floats(0.0, 100.0), min_size=1, max_size=5))
def test_percentiles_equal_numpy_to_the_bit(samples: list[float], pcts: list[float]) -> None:
    """Property: :func:`percentiles` returns exactly ``np.percentile`` (default linear method) on any 1-D sample,
    infinities included (NaN where numpy gives NaN)."""
    import numpy as np

    from aifootprint.uncertainty import percentiles

    mine = percentiles(np.array(samples), tuple(pcts))
    with np.errstate(invalid="ignore"):  # inf − inf: numpy warns where Python floats give NaN silently
        ref = tuple(float(v) for v in np.percentile(np.array(samples), pcts))
    assert [repr(v) for v in mine] == [repr(v) for v in ref]


def test_percentiles_of_a_large_draw_and_with_nan() -> None:
    import numpy as np

    from aifootprint.uncertainty import PERCENTILES, percentiles

    x = np.random.default_rng(7).lognormal(0.0, 0.4, 20_000)
    assert percentiles(x, PERCENTILES) == tuple(float(v) for v in np.percentile(x, PERCENTILES))
    x[3] = np.nan
    assert all(np.isnan(v) for v in percentiles(x, PERCENTILES))
