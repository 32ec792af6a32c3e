"""User-test findings on the CLI output: `scenario run`/`list` readable at 80 columns (finding 11), best versus
nominal labelled (finding 14), the report file's mode (finding 18) and the JSON ``kind`` name (finding 18)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from aifootprint.cli.main import main


def _lines_at_80(argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> list[str]:
    monkeypatch.setenv("COLUMNS", "80")
    assert main(argv) == 0
    return [ln.rstrip() for ln in capsys.readouterr().out.splitlines()]


def test_run_fits_80_columns_without_truncation(monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """No cell is cut ('facil…', '(459–…') and no line is wider than 80 columns; every output keeps its unit."""
    lines = _lines_at_80(["scenario", "run", "iea-2025-data-centres", "--draws", "2000"], monkeypatch, capsys)
    text = "\n".join(lines)
    assert "…" not in text
    assert max(len(ln) for ln in lines) <= 80
    for title in ("facility_energy_twh [TWh/yr]", "carbon_t [tCO2e/yr]", "water_consumption_l [L/yr]"):
        assert title in text, title
    row_2030 = next(ln for ln in lines if ln.startswith("│ 2030"))
    assert len([c for c in row_2030.split("│") if c.strip()]) == 4  # year, best, low, high


def test_run_labels_best_as_median_and_nominal_as_stated_inputs(monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """IEA 2025's 945 TWh (2030) is the scenario's own input (its nominal value, not a reproduction); the table's
    best is the median of the draws (about 956): both are named as such next to each other."""
    text = " ".join(_lines_at_80(["scenario", "run", "iea-2025-data-centres", "--draws", "2000"], monkeypatch,
                                 capsys))
    assert "best = median of the draws" in text
    assert "nominal = every input at its stated value" in text
    assert "945 (669–1,264) TWh/yr (IEA25); an input of this scenario, not a reproduction" in text
    assert "best (median of the draws):" in text


def test_list_titles_wrap_at_most_twice(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Each scenario: one line with name, model and years, then its title on at most two indented lines."""
    lines = [ln for ln in _lines_at_80(["scenario", "list"], monkeypatch, capsys)[1:] if ln]
    assert max(len(ln) for ln in lines) <= 80
    heads = [i for i, ln in enumerate(lines) if not ln.startswith(" ")]
    gaps = [b - a - 1 for a, b in zip(heads, [*heads[1:], len(lines)], strict=True)]
    assert len(heads) >= 7 and all(1 <= g <= 2 for g in gaps), gaps
    assert any(ln.startswith("iea-2025-data-centres") and "trajectory" in ln for ln in lines)


def test_report_file_mode_is_ordinary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """report.html gets the mode of a normal new file (0666 minus the umask: 0644 under umask 022), not
    mkstemp's 0600; an existing file keeps its mode."""
    from aifootprint.report import build

    monkeypatch.setattr(build, "build_default_report", lambda **_: "<!DOCTYPE html>x")
    old = os.umask(0o022)
    try:
        out = tmp_path / "r.html"
        assert main(["report", "--out", str(out)]) == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o644
        out.chmod(0o640)
        assert main(["report", "--out", str(out)]) == 2  # an existing file is kept unless --force
        assert main(["report", "--out", str(out), "--force"]) == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o640
    finally:
        os.umask(old)
    capsys.readouterr()


def test_json_kind_is_kebab_case(capsys: pytest.CaptureFixture[str]) -> None:
    """One style for ``kind`` across the project: ``estimate-request``, ``compare-models``, ``sector-scenario``."""
    assert main(["scenario", "run", "devries-2023-chatgpt", "--draws", "200", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["kind"] == "sector-scenario"
