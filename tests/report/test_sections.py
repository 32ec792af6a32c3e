"""Report sections built from plain data: charts, numbers and the sources under every chart."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.report.build import render_page
from aifootprint.report.sections import (
    Lifecycle,
    Notes,
    PerRequest,
    Trajectory,
    WaterByLocation,
    lifecycle_section,
    per_request_section,
    sector_section,
    water_section,
)
from aifootprint.report.svg import Bar, Marker, RefLine


class _Checker(HTMLParser):
    """Counts tags and fails on unbalanced ones (a cheap well-formedness check)."""

    VOID: ClassVar[set[str]] = {"meta", "br", "link", "img", "input", "hr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: dict[str, int] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()


def _check(html: str) -> _Checker:
    c = _Checker()
    c.feed(html)
    assert not c.stack
    return c


NOTES = Notes(["DV23: de Vries 2023"], ["server power 6.5 kW"], ["fallback used"])


def test_sector_section_has_band_refs_and_sources() -> None:
    t = Trajectory("Test path", [2024, 2025, 2026], [415, 477, 548], [415, 459, 508], [415, 493, 586],
                   refs=[RefLine("Japan", 1013.5)], markers=[Marker("IEA 2030", 2026, 500, 600)], notes=NOTES)
    html = sector_section(t)
    c = _check(html)
    assert c.tags["polygon"] == 2 and c.tags["svg"] == 2  # the wide and the narrow drawing
    assert "Japan (1,014)" in html and "548" in html and "DV23: de Vries 2023" in html
    assert "server power 6.5 kW" in html and "fallback used" in html


def test_lifecycle_break_even_day() -> None:
    """GPT-3 1,287 MWh (PA21) / ChatGPT 564.3 MWh per day (DV23) = break-even after 2.28 days."""
    lc = Lifecycle("GPT-3", 1287.0, 564.27, 7, NOTES)
    assert lc.break_even_day == pytest.approx(2.281, rel=1e-3)
    html = lifecycle_section(lc)
    _check(html)
    assert "2.3 days" in html and "1,287 MWh" in html


def test_water_section_bottles() -> None:
    """Li et al. 2023 Table 1: Ireland 7.107 mL and Washington 47.506 mL -> 10.5 to 70.4 requests per 500 mL."""
    w = WaterByLocation("w", 4.0, [Bar("Ireland", 7.107), Bar("Washington", 47.506)], NOTES)
    html = water_section(w)
    _check(html)
    assert "10.5 to 70.4 requests per 500 mL" in html


def test_per_request_spread() -> None:
    p = PerRequest("p", [Bar("small", 0.002), Bar("large", 40.0, 30.0, 50.0)], NOTES)
    html = per_request_section(p)
    _check(html)
    assert "factor of <strong>20,000</strong>" in html


@settings(max_examples=25, deadline=None)
@given(vals=st.lists(st.floats(1e-3, 1e6), min_size=2, max_size=8))
def test_any_numbers_render_well_formed(vals: list[float]) -> None:
    years = list(range(2024, 2024 + len(vals)))
    t = Trajectory("t", years, vals, [v * 0.9 for v in vals], [v * 1.1 for v in vals], notes=NOTES)
    page = render_page("r", [("sector", "Sector", sector_section(t))])
    _check(page)
    assert not re.search(r"(nan|inf)\b", page.split("<style>")[0] + page.split("</style>")[1])


def test_page_is_offline() -> None:
    page = render_page("r", [("a", "A", "<section id=\"a\"><p>x</p></section>")])
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page


def test_long_bar_labels_wrap_and_only_overlong_ones_are_shortened() -> None:
    """User-test finding 16: "published: average ChatGPT query (OpenAI, June 2025)" was cut to "…(OpenAI, …". A
    label longer than the column wraps onto two lines at a space; only one too long for two lines ends with "…";
    the full label is always in the tooltip."""
    from aifootprint.report.svg import LABEL_CHARS, bar_chart, wrap_label

    two = "published: one inference, text generation (10 new tokens) (Luccioni et al. 2024, mean over models)"
    assert len(two) > LABEL_CHARS and wrap_label(two, LABEL_CHARS) == [
        "published: one inference, text generation (10 new", "tokens) (Luccioni et al. 2024, mean over models)"]
    long = "x" * (3 * LABEL_CHARS)
    svg = bar_chart("t", [Bar(two, 1.0), Bar(long, 2.0), Bar("▶ " + long, 3.0, emphasis=True)], "Wh")
    texts = re.findall(r">([^<>]*)</text>", svg)
    assert "tokens) (Luccioni et al. 2024, mean over models)" in texts
    assert sum(t.endswith("…") for t in texts) == 2 and "…" not in "".join(t for t in texts if "Luccioni" in t)
    assert f"<title>{long}: 2.00 </title>" in svg and 'font-weight="bold"' in svg
    assert all(len(t) <= LABEL_CHARS + LABEL_CHARS // 6 for t in texts if t.startswith(("x", "▶")))


def test_references_section_only_when_something_is_cited() -> None:
    """The bibliography is built from the citations: none -> no References section (nor its table-of-contents
    entry); two citations of one source and one of another -> two entries, numbered in order of first use."""
    bare = render_page("r", [("a", "A", "<section id=\"a\"><p>x</p></section>")])
    assert 'id="references"' not in bare and "#references" not in bare
    cite = '<cite data-ref="{0}">{0} 2024</cite>'
    html = "<section id=\"a\"><p>" + cite.format("IEA") + cite.format("DV23") + cite.format("IEA") + "</p></section>"
    page = render_page("r", [("a", "A", html)])
    assert 'href="#references"' in page
    assert re.findall(r'<li id="ref-(\d+)">([^<]*)</li>', page) == [("1", "IEA 2024"), ("2", "DV23 2024")]
    assert page.count('href="#ref-1"') == 2
