"""`aifootprint impacts`: every site-factor flag refuses a bad value in one line naming the flag and its range.
``--market-intensity-g-per-kwh`` alone had no flag check: its refusal named the Python field
("market_intensity_g_per_kwh must be a number from 0 to 2000 gCO2e/kWh, got nan")."""

from __future__ import annotations

from pathlib import Path

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


@pytest.mark.parametrize("value", ["1e308", "2500", "-5", "nan", "9" * 400])
def test_profile_row_out_of_range_names_the_file_line_and_range(value: str, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """A profile row of 1e308 was refused only after averaging, as "intensity_g_per_kwh must be … got inf" (no file,
    no line, a value the file does not hold); 2,500 g/kWh (above the flag's range) was refused the same way."""
    path = tmp_path / "profile.csv"
    path.write_text(f"timestamp,intensity_g_per_kwh\n2025-01-01T00:00,100\n2025-01-01T01:00,{value}\n",
                    encoding="utf-8")
    assert main(["impacts", "--energy-kwh", "1", "--intensity-profile", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: {path}:3: intensity must be a finite number >= 0 and <= 2000 gCO2e/kWh, got "), err
    assert "inf" not in err and len(err.splitlines()) == 1
