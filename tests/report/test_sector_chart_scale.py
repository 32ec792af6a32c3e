"""The sector chart keeps its data readable for every built-in scenario: a reference line far above the data (the
Bitcoin network's 154 TWh/yr beside ``ai-search-rebound``'s 0.3–8 TWh/yr) is listed under the plot with its value
instead of setting the top of a linear axis. Before, that scenario's band filled the lowest 5 % of the plot (a flat
line at the bottom) in both drawings, and ``devries-2023-chatgpt``'s 0.2 TWh/yr point sat on the x axis."""

from __future__ import annotations

import re

import pytest

from aifootprint.reference.registry import Registry
from aifootprint.report.build import sector_data
from aifootprint.report.chart_base import overlaps
from aifootprint.report.labels import num
from aifootprint.report.sections import sector_section
from aifootprint.report.svg import NARROW, OFF_SCALE_FACTOR, WIDE, RefLine, Series, label_box, line_chart
from aifootprint.sector.scenario import builtin_names

_SVG = re.compile(r'<svg [^>]*class="chart (wide|narrow)"[^>]*>.*?</svg>', re.S)
_FLOAT = r"(-?[\d.]+)"
_TEXT = re.compile(r'<text x="([-\d.]+)" y="([-\d.]+)" font-size="(\d+)" text-anchor="(\w+)"[^>]*>([^<]*)</text>')


def _plot_box(svg: str) -> tuple[float, float]:
    """(top, bottom) of the plot: the y axis is the chart's second line."""
    lines = re.findall(rf'<line x1="{_FLOAT}" y1="{_FLOAT}" x2="{_FLOAT}" y2="{_FLOAT}" stroke="#444"/>', svg)
    _, top, _, bottom = (float(v) for v in lines[1])
    return top, bottom


def _data_ys(svg: str) -> tuple[list[float], list[float]]:
    """Pixel y of everything drawn as data (line, band, points, published bars) and of the band alone."""
    band = [float(y) for pts in re.findall(r'<polygon points="([^"]+)"', svg) for y in re.findall(r",([-\d.]+)", pts)]
    ys = list(band)
    ys += [float(y) for pts in re.findall(r'<polyline points="([^"]+)"', svg) for y in re.findall(r",([-\d.]+)", pts)]
    ys += [float(y) for y in re.findall(r'<circle cx="[-\d.]+" cy="([-\d.]+)"', svg)]
    for group in re.findall(r'<g stroke="[^"]+" stroke-width="3">(.*?)</g>', svg):  # published error bars
        ys += [float(v) for pair in re.findall(rf'y1="{_FLOAT}" x2="{_FLOAT}" y2="{_FLOAT}"', group)
               for v in (pair[0], pair[2])]
    return ys, band


def _listed(svg: str) -> str:
    """The text listed under the plot (off-scale reference lines), its wrapped lines joined."""
    group = svg.split('<g class="offscale">', 1)[1].split("</g>", 1)[0] if 'class="offscale"' in svg else ""
    return " | ".join(re.findall(r">([^<]*)</text>", group))


def _check(svg: str, refs: list[RefLine], years: int) -> None:
    top, bottom = _plot_box(svg)
    ys, band = _data_ys(svg)
    height = bottom - top
    # the data's top at least 1 / (2 × 1.08) of the way up: a reference line at most twice the data is drawn
    assert (bottom - min(ys)) / height >= 0.45, ((bottom - min(ys)) / height, svg[:200])
    if years > 1:  # a trajectory's 5–95 % band spans at least 30 % of the plot's height
        assert (max(band) - min(band)) / height >= 0.30, (max(band) - min(band)) / height
    for r in refs:
        drawn = re.search(rf'<line x1="[-\d.]+" y1="{_FLOAT}" x2="[-\d.]+" y2="[-\d.]+" stroke="[^"]+" '
                          rf'stroke-dasharray="2,3"><title>{re.escape(r.label)}: {re.escape(num(r.y))}</title>', svg)
        shown = _listed(svg).replace(" | ", " ")
        assert (drawn is not None) != (f"{r.label} ({num(r.y)})" in shown), (r.label, shown)
        if drawn is not None:
            assert top - 1 <= float(drawn.group(1)) <= bottom + 1, r.label
    width, height_vb = (float(v) for v in re.findall(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)[0])
    listed_lines = set(_listed(svg).split(" | "))
    boxes = [(label_box(float(x), float(y), t, a, int(size)), t) for x, y, size, a, t in _TEXT.findall(svg)]
    for i, (box, t) in enumerate(boxes):  # the listed lines inside the view box and clear of every other text
        if t in listed_lines:
            assert box[0] >= -1 and box[2] <= width + 1 and box[1] >= 0 and box[3] <= height_vb + 1, (t, box)
            assert not [u for b, u in boxes[:i] + boxes[i + 1:] if overlaps(box, b)], t


@pytest.mark.parametrize("scenario", builtin_names())
def test_data_fills_the_plot_and_every_reference_is_drawn_or_listed(reg: Registry, scenario: str) -> None:
    traj, _, _ = sector_data(scenario, 2_000, reg)
    svgs = [m.group(0) for m in _SVG.finditer(sector_section(traj))]
    assert len(svgs) == 2  # wide and narrow
    for svg in svgs:
        _check(svg, list(traj.refs), len(traj.years))


def test_rebound_scenario_lists_bitcoin_with_its_value(reg: Registry) -> None:
    """``ai-search-rebound``: Bitcoin (BECI) is off the scale, listed with its value and its multiple of the data's
    highest value; the countries near the data stay drawn; the lede says so."""
    traj, _, _ = sector_data("ai-search-rebound", 2_000, reg)
    html = sector_section(traj)
    btc = next(r for r in traj.refs if r.label.startswith("Bitcoin"))
    top = max([*traj.high, *traj.best])
    assert btc.y > OFF_SCALE_FACTOR * top
    text = f"Off the scale: Bitcoin (BECI) ({num(btc.y)}), {num(btc.y / top)} × the highest value plotted"
    for svg in (m.group(0) for m in _SVG.finditer(html)):
        assert _listed(svg).replace(" | ", " ") == text  # the narrow drawing wraps it onto two lines
    assert "Bitcoin (BECI) is far above these values: listed under the chart, not drawn" in html


def test_reference_within_twice_the_data_is_drawn_and_log_axes_draw_all() -> None:
    """The rule's edge: a line at exactly twice the data's top is drawn; just above it is listed; a log axis lists
    nothing."""
    series = [Series("best", [2025, 2030], [1.0, 5.0], [0.5, 2.0], [1.5, 10.0])]
    for layout in (WIDE, NARROW):
        svg = line_chart("t", series, "year", "TWh/yr", refs=[RefLine("A", 20.0), RefLine("B", 20.5)], layout=layout)
        assert "<title>A: 20.0</title>" in svg and "<title>B: 20.5</title>" not in svg
        assert _listed(svg).replace(" | ", " ") == "Off the scale: B (20.5), 2.05 × the highest value plotted"
        logged = line_chart("t", series, "year", "TWh/yr", refs=[RefLine("B", 20.5)], log_y=True, layout=layout)
        assert "<title>B: 20.5</title>" in logged and "offscale" not in logged
