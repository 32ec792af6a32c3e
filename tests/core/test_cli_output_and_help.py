"""Human CLI output and help (issue 12): one unit per quantity, no ``=None``, readable metavars, no reST markup,
``data show --where`` without a match, ambiguous run-id prefixes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aifootprint.cli.main import main
from aifootprint.cli.output import format_value, redundant_units
from aifootprint.errors import unknown_choice


def test_one_unit_per_quantity() -> None:
    """``estimate training`` printed energy_kwh 2.332e+07 beside energy_mwh 23,315.0."""
    data = {"energy_kwh": {"low": 2e7, "best": 2.332e7, "high": 2.5e7}, "energy_mwh": 23_315.0,
            "carbon_kg": 420_000.0, "carbon_t": 420.0, "water_l": 5.0, "embodied_carbon_kg": 0.5}
    assert redundant_units(data) == {"energy_kwh", "carbon_kg"}
    assert redundant_units({"energy_wh": 0.3, "energy_kwh": 0.0003}) == {"energy_kwh"}


def test_none_is_left_out_and_fractions_are_percentages() -> None:
    assert format_value({"energy_fraction": None, "carbon_fraction": -0.0123}) == "carbon_fraction=-1.2 %"
    assert format_value({"energy_fraction": None}) == ""


def test_training_output_has_no_none_or_duplicate_unit(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["estimate", "training", "--model", "llama-3.1-8b"]) == 0
    out = capsys.readouterr().out
    assert "=None" not in out and "energy_mwh" in out and not re.search(r"\benergy_kwh\b", out)


@pytest.mark.parametrize("argv", [["runs", "export", "--help"], ["data", "show", "--help"], ["impacts", "--help"],
                                  ["scenario", "run", "--help"], ["report", "--help"], ["compare", "--help"]])
def test_help_has_plain_metavars_and_no_rest(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "``" not in out
    assert not re.search(r"<(str|int|float|path|list\[str\])>", out), out


def test_where_without_a_match_is_one_readable_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "show", "cpus", "--where", "vendor=zzz"]) == 2
    err = capsys.readouterr().err
    assert "no rows of cpus where vendor=zzz; some values of vendor: AMD, Intel" in err and "{" not in err


def test_ambiguous_prefix_is_not_called_unknown() -> None:
    ids = ["20261203-101010-aaaaaa", "20261203-111111-bbbbbb", "20251203-101010-cccccc"]
    msg = str(unknown_choice("run", "2026", ids, prefixes=True))
    assert msg.startswith("run '2026' is ambiguous: 2 runs start with it") and "unknown" not in msg
    assert str(unknown_choice("run", "zz", ids, prefixes=True)).startswith("unknown run 'zz'")
    assert str(unknown_choice("accelerator", "h10", ["h100", "h100-pcie"])).startswith("unknown accelerator")


def test_site_factor_ranges_hold_in_the_library_and_in_measure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 12: ``--intensity-g-per-kwh 1e308`` was accepted silently. The range lives in the library
    (``SiteOverrides``), so ``measure`` and ``runs show`` refuse it too, before the command runs."""
    from aifootprint.errors import InputError
    from aifootprint.impacts import SiteOverrides

    with pytest.raises(InputError, match=r"pue must be a number from 1 to 5, got 1e\+308"):
        SiteOverrides(pue=1e308)
    with pytest.raises(InputError, match="intensity_g_per_kwh must be a number from 0 to 2000 gCO2e/kWh"):
        SiteOverrides(intensity_g_per_kwh=float("inf"))
    monkeypatch.setenv("AIFOOTPRINT_HOME", str(tmp_path))
    marker = tmp_path / "ran"
    assert main(["measure", "--intensity-g-per-kwh", "1e308", "--", "touch", str(marker)]) == 2
    # the CLI names its flag (cli/validate.py, the library's range)
    assert "--intensity-g-per-kwh 1e+308 is out of range; accepted: 0 to 2,000 gCO2e/kWh" in capsys.readouterr().err
    assert not marker.exists()
