"""A task size of 400 digits (an integer beyond any float, through the Python API) is refused with one line naming
the input, not an OverflowError: ``TaskSpec("image", "flux.1-dev", steps=10**400)`` raised "int too large to convert
to float" from the size check, and the as-given number format (``numfmt.exact``) raised on such an integer."""

from __future__ import annotations

import pytest

from aifootprint.errors import InputError
from aifootprint.estimate.tasks.estimator import TaskEstimator, TaskSpec
from aifootprint.numfmt import exact


@pytest.mark.parametrize("size", ["steps", "height", "width", "batch"])
@pytest.mark.parametrize("sign", [1, -1])
def test_a_size_beyond_any_float_is_an_input_error(size: str, sign: int) -> None:
    with pytest.raises(InputError, match=rf"^--{size} .*{'-' if sign < 0 else ''}1e\+400"):
        TaskEstimator(TaskSpec("image", "flux.1-dev", **{size: sign * 10**400}))


def test_exact_writes_an_integer_beyond_any_float_as_g_does() -> None:
    assert exact(10**400) == "1e+400" and exact(-(10**400)) == "-1e+400"
    assert exact(123 * 10**398) == "1.23e+400" and exact(10**10) == "1e+10" == f"{1e10:g}"
