"""Second user test, finding 12: at 80 columns the `compare` bullets wrap under their text (the source tag never
starts an unindented line), and `scenario show` reflows the TOML description instead of keeping its line breaks."""

from __future__ import annotations

import pytest

from aifootprint.cli.main import main


def _lines(argv: list[str], columns: int, monkeypatch: pytest.MonkeyPatch,
           capsys: pytest.CaptureFixture[str]) -> list[str]:
    monkeypatch.setenv("COLUMNS", str(columns))
    assert main(argv) == 0
    return [ln.rstrip() for ln in capsys.readouterr().out.splitlines()]


def test_compare_bullets_have_a_hanging_indent(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    lines = _lines(["compare", "85", "TWh"], 80, monkeypatch, capsys)
    body = lines[1:]
    assert body[0].startswith("  • ")
    assert any(not ln.startswith("  • ") for ln in body)  # some bullets wrap at 80 columns
    for ln in body:
        assert ln.startswith(("  • ", "    ")) and len(ln) <= 80, ln


def test_scenario_show_reflows_the_description(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """The TOML breaks the description after '... each'; the wide terminal shows one paragraph."""
    lines = _lines(["scenario", "show", "devries-2023-nvidia-2027"], 300, monkeypatch, capsys)
    assert any("servers, each drawing 6.5 kW (DGX A100)" in ln and "no PUE, as in the paper." in ln for ln in lines)
    assert "year 2027)" in lines[0] and "2027–2027" not in lines[0]


def test_scenario_show_gives_every_published_number(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """IEA's 2030 figure has a value (base case 945) and a range (669-1,264): `show` printed only
    "669.0–1264.0", dropping the base case; a range with one end prints the other as "…"."""
    lines = _lines(["scenario", "show", "iea-2025-data-centres"], 200, monkeypatch, capsys)
    assert "published: facility_energy_twh 2030 = 945 (669–1,264) TWh/yr (IEA25)" in lines
    lines = _lines(["scenario", "show", "devries-2023-google-search-ai"], 200, monkeypatch, capsys)
    assert "published: it_energy_twh 2023 = …–29.2 TWh/yr (DV23)" in lines
