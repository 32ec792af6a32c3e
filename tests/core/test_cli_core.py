"""CLI behaviour of the foundation commands: JSON contract, exit codes, clear errors."""

from __future__ import annotations

import json

import pytest

from aifootprint.cli.main import main
from aifootprint.result import warning_messages


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_impacts_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "impacts", "--energy-kwh", "0.004", "--location", "US-WA", "--operator",
                       "microsoft-us", "--json")
    assert code == 0
    d = json.loads(out)
    for key in ("method_version", "data_version", "inputs", "assumptions", "warnings", "percentiles"):
        assert key in d
    assert set(d["water_l"]) == {"low", "best", "high"}
    # Li et al. 2023 Washington: WUE 0.55 (Microsoft US), EWIF 9.501, PUE 1.17 -> 0.004 x (0.55 + 1.17 x 9.501)
    assert d["water_l"]["best"] == pytest.approx(0.004 * (0.55 + 1.17 * 9.501), rel=1e-6)
    names = {a["name"] for a in d["assumptions"]}
    assert {"grid_intensity", "pue", "wue_onsite", "ewif_offsite"} <= names
    assert all(a["source"] for a in d["assumptions"])


def test_no_location_is_flagged(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "impacts", "--energy-kwh", "1", "--json")
    assert code == 0
    warnings = " ".join(warning_messages(json.loads(out)))
    assert "world-average" in warnings and "industry-average PUE" in warnings


@pytest.mark.parametrize(
    "args, message",
    [
        (("impacts", "--energy-kwh", "-1"), "--energy-kwh -1 is out of range; accepted: 0 to"),
        (("impacts", "--energy-kwh", "1", "--location", "Frnace"), "did you mean: France"),
        (("impacts", "--energy-kwh", "1", "--location", "aws:us-east-9"), "cloud region"),
        (("impacts", "--energy-kwh", "1", "--pue", "0.5"), "--pue 0.5 is out of range; accepted: 1 to 5"),
        (("data", "show", "gird_intensity"), "did you mean: grid_intensity"),
        (("data", "cite", "NOPE"), "unknown source key"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(capsys: pytest.CaptureFixture[str], args: tuple[str, ...],
                                               message: str) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_data_show_filters_and_csv(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "data", "show", "grid_intensity", "--where", "zone=FR", "--csv")
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("FR,")


def test_data_list_and_cite(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "data", "list", "--json")
    assert code == 0
    names = {d["dataset"] for d in json.loads(out)["datasets"]}
    assert "grid_intensity" in names
    code, out, _ = run(capsys, "data", "cite", "LI23")
    assert code == 0 and "2304.03271" in out


def test_data_show_single_row_is_a_readable_record(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "data", "show", "grid_intensity", "--where", "zone=FR")
    assert code == 0
    lines = [ln.strip() for ln in out.splitlines()]
    assert any(ln.startswith("name") and ln.endswith("France") for ln in lines)


def test_data_show_no_match_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "data", "show", "grid_intensity", "--where", "zone=XX")
    assert code == 2 and "no rows of grid_intensity where zone=XX; some values of zone:" in err


def test_suggestions_include_names_containing_the_text(capsys: pytest.CaptureFixture[str]) -> None:
    from aifootprint.errors import close_matches

    assert close_matches("gemini", ["gpt-5-mini", "gemini-2.5-pro", "o4-mini"])[0] == "gemini-2.5-pro"
    assert close_matches("h10", ["h100", "h200", "a100"])[0] == "h100"


def test_human_tables_keep_bracketed_flags(capsys: pytest.CaptureFixture[str]) -> None:
    """Rich markup must not swallow '[estimated fallback]' in the sources column."""
    code, out, _ = run(capsys, "impacts", "--energy-kwh", "1")
    assert code == 0
    assert "[estimated fallback]" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (("bogus",), "No such command"),
        (("impacts",), "Missing option '--energy-kwh'"),
        (("impacts", "--energy-kwh", "abc"), "Invalid value for '--energy-kwh'"),
        (("impacts", "--energy-kwh", "1", "--location", " "), "empty location"),
    ],
)
def test_usage_errors_are_one_line(capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1, err
