"""Points never import numpy (issue 12: ``aifootprint measure -- true`` spent ~0.2 s importing numpy because
``uncertainty`` imported it at the top); samples still work and import it on first use."""

from __future__ import annotations

import subprocess
import sys

import pytest

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
