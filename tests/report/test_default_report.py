"""The default report: built from the shipped data, self-contained, with one numbered bibliography (the browser
checks are in test_report_in_chromium.py)."""

from __future__ import annotations

import re

import pytest

from aifootprint.report.build import build_default_report


@pytest.fixture(scope="module")
def report_html() -> str:
    return build_default_report(draws=20_000)


def test_key_numbers_and_sources(report_html: str) -> None:
    """IEA 2025: 415 TWh (2024) and 945 TWh (2030 base) are shown with their sources."""
    for text in ("415", "945", "break-even day", "Sources", "Assumptions", "IEA25", "DV23",
                 "No published elasticity for AI exists", "llama-3.1-70b"):
        assert text in report_html, text


def test_published_fallback_when_estimator_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the estimator the life cycle pairs GPT-3 training (1,287 MWh, PA21) with ChatGPT serving (564 MWh
    per day, DV23) and says so."""
    from aifootprint.report import build

    monkeypatch.setattr(build, "_estimator_available", lambda: False)
    html = build.build_default_report(draws=2_000)
    for text in ("1,287 MWh", "564 MWh per day", "2.3 days", "Estimator not available"):
        assert text in html, text


def test_unknown_model_is_flagged(report_html: str) -> None:
    from aifootprint.reference.registry import default_registry
    from aifootprint.report.build import lifecycle_data

    lc = lifecycle_data(default_registry(), "no-such-model")
    assert any("could not run model 'no-such-model'" in f for f in lc.notes.flags)


def test_every_chart_cites_numbered_sources_listed_once(report_html: str) -> None:
    """One numbered bibliography at the end; each chart cites [n] (issue 12: 54 % of the page was repeated source
    boxes)."""
    sections = re.findall(r"<section id=\"([^\"]+)\">(.*?)</section>", report_html, flags=re.S)
    assert len(sections) >= 7 and sections[-1][0] == "references"
    refs = dict(re.findall(r'<li id="ref-(\d+)">(.*?)</li>', sections[-1][1]))
    assert len(refs) >= 10
    for sid, body in sections[:-1]:
        cited = re.findall(r'<a class="ref" href="#ref-(\d+)"', body)
        assert cited and set(cited) <= set(refs), sid
    assert report_html.count("IEA25: IEA, Energy and AI") == 1


def test_self_contained(report_html: str) -> None:
    """Nothing is loaded from the network; the only external URLs are the bibliography's links to its sources."""
    no_svg_ns = report_html.replace("http://www.w3.org/2000/svg", "")
    body, bib = no_svg_ns.split('<ol class="bib">', 1)
    assert "<script" not in report_html
    assert not re.search(r"(src|href)=\"(https?:)?//", body + bib.split("</ol>", 1)[1])
    assert not re.search(r"src=\"(https?:)?//", bib) and re.search(r'<a href="https?://', bib)
    assert "@import" not in report_html and "url(" not in report_html


def test_print_stylesheet_and_narrow_layout(report_html: str) -> None:
    """A print stylesheet (no navigation, charts and tables not split across pages, the wide drawing of each chart)
    and a narrow-screen layout in which each chart's narrow drawing replaces the wide one (issue 12; it used to keep
    a 680 px minimum width and scroll inside its figure)."""
    css = report_html.split("<style>", 1)[1].split("</style>", 1)[0]
    printed = css.split("@media print", 1)[1]
    assert "nav{display:none}" in printed and "break-inside:avoid" in printed
    assert "figure svg.narrow{display:none" in css and "min-width:680px" not in css and "overflow-x:auto}f" not in css
    assert "@media screen and (max-width:900px){figure svg.wide{display:none}figure svg.narrow{display:block}}" in css
    assert "narrow" not in printed  # print keeps the default: the wide drawing shown, the narrow one hidden
    assert "@media (max-width:640px)" in css
