"""`aifootprint impacts`: every site-factor flag refuses a bad value in one line naming the flag and its range.
``--market-intensity-g-per-kwh`` alone had no flag check: its refusal named the Python field
("market_intensity_g_per_kwh must be a number from 0 to 2000 gCO2e/kWh, got nan")."""

from __future__ import annotations

import pytest

from aifootprint.cli.main import main

FLAGS = ("--pue", "--wue-l-per-kwh", "--ewif-l-per-kwh", "--intensity-g-per-kwh", "--market-intensity-g-per-kwh")


@pytest.mark.parametrize("flag", FLAGS)
@pytest.mark.parametrize("value", ["nan", "-1", "1e308", "inf", "9" * 400])
def test_site_flag_out_of_range_names_the_flag_and_the_range(flag: str, value: str,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["impacts", "--energy-kwh", "1", flag, value]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith(f"error: {flag} ") and "; accepted: " in err, err
