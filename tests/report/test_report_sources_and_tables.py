"""Sources and tables of the report, checked in Chromium: each section's "Sources:" lists everything it cites, the
sector table says what it shows, one precision per table (trailing zeros kept), plain words and <code> in the life-
cycle notes, text columns left-aligned, marker labels clear of the lines and bands they annotate."""

from __future__ import annotations

import html as htmllib
import itertools
import re
from collections.abc import Callable

from aifootprint.report.labels import num, plain_words
from aifootprint.report.sections import Notes, Trajectory, number_citations, sector_section
from aifootprint.report.svg import MARKER_FONT, Marker, Series, label_box, line_chart

SectionOf = Callable[[str, str], str]


def _refs(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="#ref-(\d+)"', html)]


# ------------------------------------------------------------------------------------------------- 1: sources
def test_sources_line_is_everything_the_section_cites(section: SectionOf, page: str) -> None:
    sids = re.findall(r'<section id="([^"]+)">', page)
    checked = 0
    for sid in sids:
        sec = section(page, sid)
        cites = re.search(r'<p class="cites">(.*?)</p>', sec)
        if cites is None:
            continue
        listed = _refs(cites.group(1))
        assert listed == sorted(set(_refs(sec))), (sid, listed, sorted(set(_refs(sec))))
        checked += 1
    assert checked >= 6
    assert "#ref-" in section(page, "equivalences")


def test_sources_union_per_section() -> None:
    body, _ = number_citations(
        '<section id="a"><p class="cites"><strong>Sources:</strong> <cite data-ref="A">A: a</cite></p>'
        '<ul><li><cite data-ref="B" class="key">B</cite></li></ul></section>'
        '<section id="b"><p class="cites"><strong>Sources:</strong> <cite data-ref="B">B: b</cite></p></section>'
        '<section id="c"><span><cite data-ref="A" class="key">A</cite></span>'
        '<p class="cites"><strong>Sources:</strong> <cite data-ref="C">C: c</cite></p></section>')
    lists = {m.group(1): _refs(m.group(2))
             for m in re.finditer(r'id="(\w)">.*?<p class="cites">(.*?)</p>', body, re.S)}
    assert lists == {"a": [1, 2], "b": [2], "c": [1, 3]}  # a and c also list what their notes cite


# ------------------------------------------------------------------------------------------------- 2: caption
def test_sector_table_has_a_caption_with_quantity_and_unit(section: SectionOf, page: str) -> None:
    sec = section(page, "sector")
    assert re.search(r"<caption>facility electricity \[TWh/yr\][^<]*</caption>", sec), sec[-3000:]
    it = sector_section(Trajectory("t", [2024], [1.0], [1.0], [1.0], quantity="IT (server) electricity"))
    assert "<caption>IT (server) electricity [TWh/yr]" in it


# ------------------------------------------------------------------------------------------------- 3: precision
def _sig3(text: str) -> bool:
    digits = text.replace(",", "").replace(".", "").lstrip("0")
    return len(digits) >= 3


def test_three_significant_digits_with_trailing_zeros() -> None:
    assert [num(v) for v in (1.9, 4.6, 1.2, 0.024, 0.63, 10.0, 9.996, 1287.0, 0.99996)] == \
        ["1.90", "4.60", "1.20", "0.0240", "0.630", "10.0", "10.0", "1,287", "1.00"]
    assert num(1.9, trim=True) == "1.9" and num(10.0, trim=True) == "10"  # axis ticks


def test_tables_and_equivalences_keep_one_precision(section: SectionOf, page: str) -> None:
    for sid in ("rebound", "sector"):
        table = section(page, sid).split("<table", 1)[1]
        cells = [c for c in re.findall(r"<td>([0-9.,]+)</td>", table) if not re.fullmatch(r"20\d\d", c)]
        assert cells and all(_sig3(c) for c in cells), (sid, [c for c in cells if not _sig3(c)])
    eq = htmllib.unescape(section(page, "equivalences"))
    ratios = re.findall(r"<li>([0-9.,]+) × the Bitcoin", eq)
    assert ratios and all(_sig3(r) for r in ratios), ratios


# ------------------------------------------------------------------------------------------------- 4: plain notes
def test_lifecycle_notes_in_plain_words_and_commands_in_code(section: SectionOf, page: str) -> None:
    notes = section(page, "lifecycle").split('<div class="notes">', 1)[1]
    assert "`" not in notes and "registry models." not in notes and "training_runs:" not in notes
    assert "<code>aifootprint estimate request --model" in notes
    assert plain_words("registry models.serving_precision (native)") == \
        "the registry's model table (serving precision) (native)"
    assert plain_words("training_runs: llama-3.1-70b (X)") == "published training run of llama-3.1-70b (X)"


# ------------------------------------------------------------------------------------------------- 5: alignment
def test_task_table_text_columns_left_aligned(section: SectionOf, page: str) -> None:
    table = section(page, "per-task").split('<table class="data tasks">', 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", table)
    for row in rows[1:]:
        cells = re.findall(r"<td( class=\"[^\"]*\")?[^>]*>", row)
        assert cells[0] == cells[-1] == ' class="text"' and set(cells[1:-1]) == {' class="num"'}, row
    css = page.split("<style>", 1)[1]
    assert "table.data .text{text-align:left}" in css and "table.tasks{width:100%}" in css


# ------------------------------------------------------------------------------------------------- 6: labels
def _segments_hit(box: tuple[float, float, float, float], pts: list[tuple[float, float]]) -> bool:
    for (xa, ya), (xb, yb) in itertools.pairwise(pts):
        for k in range(41):
            x, y = xa + (xb - xa) * k / 40, ya + (yb - ya) * k / 40
            if box[0] < x < box[2] and box[1] < y < box[3]:
                return True
    return False


def test_marker_labels_clear_of_lines_and_bands() -> None:
    """A published range at the last year beside a rising band (the IEA 2030 figure): its label above or below
    the bar must not sit on the line or inside the band."""
    years = list(range(2024, 2031))
    best = [415.0 * 1.15**i for i in range(7)]
    svg = line_chart("t", [Series("best", years, best, [b * 0.8 for b in best], [b * 1.2 for b in best])], "year",
                     "TWh", markers=[Marker("IEA25 2030", 2030, 669, 1264), Marker("IEA25 2024", 2024, 415, 415)])
    band, line = ([(float(p.split(",")[0]), float(p.split(",")[1])) for p in m.group(1).split()]
                  for m in re.finditer(r'<poly(?:gon|line) points="([^"]+)"', svg))
    half = len(band) // 2
    top, bottom = band[:half], band[half:][::-1]
    for x, y, anchor, text in re.findall(r'<text x="([\d.]+)" y="([\d.]+)" font-size="11" text-anchor="(\w+)"'
                                         r'[^>]*>(IEA25[^<]*)</text>', svg):
        box = label_box(float(x), float(y), text, anchor, MARKER_FONT)
        assert not _segments_hit(box, line), text
        for (bx, by_top), (_, by_bottom) in zip(top, bottom, strict=True):
            if box[0] <= bx <= box[2]:
                assert box[3] <= by_top or box[1] >= by_bottom, (text, box, by_top, by_bottom)


def test_notes_are_plain_for_any_section() -> None:
    html = sector_section(Trajectory("t", [2024], [1.0], [1.0], [1.0],
                                     notes=Notes(assumptions=["run `aifootprint report`"])))
    assert "<code>aifootprint report</code>" in html
