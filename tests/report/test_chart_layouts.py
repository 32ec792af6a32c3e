"""The two drawings of every report chart (issue 12, narrow screens): the narrow one shows the same data and numbers
as the wide one, in 13-unit text inside a 400-unit view box; labels that find no room on a narrow plot go to its
legend; the style sheet switches at the documented breakpoint. (The rendered geometry is checked in Chromium in
test_report_in_chromium.py.)"""

from __future__ import annotations

import re

from aifootprint.report.chart_base import BREAKPOINT_PX, NARROW, NARROW_MAX_PX, WIDE, label_box, overlaps, wrap_words
from aifootprint.report.style import CSS
from aifootprint.report.svg import Bar, Marker, RefLine, Series, bar_chart, line_chart, tornado_chart

_SVG = re.compile(r'<svg [^>]*class="chart (wide|narrow)"[^>]*>.*?</svg>', re.S)
_TEXT = re.compile(r'<text x="([-\d.]+)" y="([-\d.]+)" font-size="(\d+)" text-anchor="(\w+)"[^>]*>([^<]*)</text>')
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")


def _pairs(page: str) -> list[tuple[str, str]]:
    """(wide, narrow) drawings of each chart, in page order."""
    found = [(m.group(1), m.group(0)) for m in _SVG.finditer(page)]
    assert [kind for kind, _ in found] == ["wide", "narrow"] * (len(found) // 2) and len(found) >= 14
    return [(found[i][1], found[i + 1][1]) for i in range(0, len(found), 2)]


def _texts(svg: str) -> list[tuple[float, float, int, str, str]]:
    return [(float(x), float(y), int(size), anchor, s) for x, y, size, anchor, s in _TEXT.findall(svg)]


def test_narrow_drawing_shows_the_same_data_and_numbers(page: str) -> None:
    """Same tooltips (every point, bar, band and published figure), and no number in the narrow drawing that the
    wide one does not show (it may show fewer axis ticks)."""
    for wide, narrow in _pairs(page):
        assert re.findall(r"<title>(.*?)</title>", narrow) == re.findall(r"<title>(.*?)</title>", wide)
        shown = {n for *_, s in _texts(wide) for n in _NUMBER.findall(s)}
        narrow_numbers = {n for *_, s in _texts(narrow) for n in _NUMBER.findall(s)}
        assert narrow_numbers <= shown, narrow_numbers - shown


def test_narrow_drawing_text_is_large_and_inside_the_view_box(page: str) -> None:
    """13-unit text (11 CSS px on a 360 px phone, where the 400-unit drawing is 341 px wide) within 0–400."""
    for _, narrow in _pairs(page):
        assert re.search(r'viewBox="0 0 400 \d+"', narrow)
        for x, y, size, anchor, s in _texts(narrow):
            assert size == NARROW.font == 13, s
            box = label_box(x, y, s, anchor, size)
            assert box[0] >= -1 and box[2] <= NARROW.width + 1, (s, box)


def test_close_reference_lines_are_named_in_the_narrow_legend() -> None:
    """Reference lines a few units apart leave no room for their labels on a narrow plot: they are named in the
    legend (a dotted swatch of their colour) instead of being drawn over each other."""
    refs = [RefLine("Liberia", 0.79), RefLine("Bahamas", 2.03), RefLine("Cameroon", 8.12), RefLine("Bitcoin", 154)]
    series = [Series("best", [2025, 2030], [0.8, 1.9], [0.8, 0.3], [0.8, 8.3])]
    svg = line_chart("t", series, "year", "TWh/yr", refs=refs, layout=NARROW)
    legend = svg.split('<g class="legend">', 1)[1].split("</g>", 1)[0]
    plot = svg.replace(legend, "")
    for name in ("Liberia (0.790)", "Bahamas (2.03)", "Cameroon (8.12)", "Bitcoin (154)"):
        assert (name in legend) != (name in plot), name  # once: on the plot or in the legend
    assert "Liberia (0.790)" in legend and 'stroke-dasharray="2,3"' in legend
    boxes = [label_box(x, y, s, a, size) for x, y, size, a, s in _texts(plot)]
    assert not any(overlaps(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    wide = line_chart("t", series, "year", "TWh/yr", refs=refs, layout=WIDE)
    assert all(f"{r.label} (" in wide.split('<g class="legend">', 1)[0] for r in refs[:3])  # wide: the right margin
    assert "Off the scale: Bitcoin (154)" in wide and "Off the scale: Bitcoin (154)" in svg  # 18 × the data: listed


def test_narrow_bars_put_each_label_above_its_bar() -> None:
    """Labels at the left edge on their own line(s) (long ones wrapped, not cut), the value at the right of the
    same line, the bar under them across the full width."""
    long = "published: one inference, text generation (10 new tokens) (Luccioni et al. 2024, mean over models)"
    svg = bar_chart("t", [Bar("short", 1.0, 0.5, 2.0), Bar(long, 3.0)], "Wh", layout=NARROW)
    texts = _texts(svg)
    words = " ".join(s for x, _, _, anchor, s in texts if anchor == "start" and x == 4.0)
    assert "short" in words and long in words.replace("short ", "", 1)
    assert {s for _, _, _, anchor, s in texts if anchor == "end"} == {"0.500–2.00", "3.00"}
    rects = re.findall(r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"', svg)
    assert all(float(x) == 6 for x, _, _ in rects) and max(float(w) for *_, w in rects) > 300
    value_line = next(y for _, y, _, anchor, s in texts if s == "3.00")
    assert all(float(y) > value_line for _, y, _ in rects[1:])  # the bar under its label


def test_narrow_tornado_keeps_the_nominal_label_inside() -> None:
    svg = tornado_chart("t", [("Rebound elasticity", 0.562, 6.25), ("Efficiency gain (per year)", 2.49, 1.29)],
                        0.6, "TWh/yr", layout=NARROW)
    for x, y, size, anchor, s in _texts(svg):
        box = label_box(x, y, s, anchor, size)
        assert box[0] >= 0 and box[2] <= NARROW.width, s


def test_marker_labels_fit_a_narrow_plot() -> None:
    """A published figure near the plot's left edge: its label runs right from the bar instead of off the plot."""
    series = [Series("best", [2024, 2030], [415, 956], [415, 762], [415, 1167])]
    svg = line_chart("t", series, "year", "TWh/yr", markers=[Marker("IEA25 2024", 2024, 415, 415)],
                     refs=[RefLine("Saudi Arabia", 402)], layout=NARROW)
    x, y, size, anchor, s = next(t for t in _texts(svg) if t[4] == "IEA25 2024")
    left = float(re.findall(r'<line x1="([\d.]+)" y1="[\d.]+" x2="\1"', svg)[0])  # the y axis
    assert label_box(x, y, s, anchor, size)[0] >= left


def test_wrap_words_keeps_every_word() -> None:
    text = "Wh per request (log scale; lines: 5th–95th percentile or published range)"
    lines = wrap_words(text, 200, 13)
    assert len(lines) > 1 and " ".join(lines) == text
    assert all(len(line) * 7.8 <= 200 for line in lines)
    assert wrap_words("x" * 60, 100, 13) == ["x" * 12] * 5  # a word longer than a line is broken, not dropped


def test_style_sheet_switches_at_the_breakpoint() -> None:
    """The narrow drawing on screens up to BREAKPOINT_PX (where the wide drawing's 10-unit text would be under
    11 CSS px), at most NARROW_MAX_PX wide; print always gets the wide drawing."""
    switch = f"@media screen and (max-width:{BREAKPOINT_PX}px){{figure svg.wide{{display:none}}"
    assert switch in CSS and f"figure svg.narrow{{display:none;max-width:{NARROW_MAX_PX}px" in CSS
    assert WIDE.width * 11 / 10 <= BREAKPOINT_PX - 2 * 16  # wide: 10-unit text ≥ 11 px above the breakpoint
    assert NARROW.font * (360 - 2 * 9.6) / NARROW.width >= 11  # narrow: ≥ 11 px on a 360 px phone
