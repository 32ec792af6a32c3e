"""`serve` and `exporter` numeric flags: one line naming the flag and its accepted range (issue 12). Before, the
framework's own words were printed: ``--hz nan`` said "Input should be less than or equal to 100" (a NaN is no
number at all) and ``--port 0`` "Input should be greater than or equal to 1", without the range."""

from __future__ import annotations

import pytest

from aifootprint.cli.main import main

BIG = "9" * 400


@pytest.mark.parametrize(("argv", "message"), [
    (["serve", "--port", "0"], "--port 0 is out of range; accepted: 1 to 65,535"),
    (["serve", "--port", "65536"], "--port 65,536 is out of range; accepted: 1 to 65,535"),
    (["serve", "--port", "-1"], "--port -1 is out of range; accepted: 1 to 65,535"),
    (["serve", "--port", BIG], "--port (a number of 400 digits) is out of range; accepted: 1 to 65,535"),
    (["serve", "--workers", "0"], "--workers 0 is out of range; accepted: 1 to 64"),
    (["serve", "--workers", "65"], "--workers 65 is out of range; accepted: 1 to 64"),
    (["exporter", "--port", "0"], "--port 0 is out of range; accepted: 1 to 65,535"),
    (["exporter", "--hz", "nan"], "--hz must be a number, not NaN; accepted: 0.1 to 100 Hz"),
    (["exporter", "--hz", "inf"], "--hz inf is out of range; accepted: 0.1 to 100 Hz"),
    (["exporter", "--hz", "0"], "--hz 0 is out of range; accepted: 0.1 to 100 Hz"),
    (["exporter", "--hz", "1e308"], "--hz 1e+308 is out of range; accepted: 0.1 to 100 Hz"),
    (["exporter", "--hz", "-2"], "--hz -2 is out of range; accepted: 0.1 to 100 Hz"),
])
def test_out_of_range_flag_is_one_line_with_the_range(argv: list[str], message: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"error: {message}"
