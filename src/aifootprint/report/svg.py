"""Tiny inline-SVG chart builders (no JavaScript, no network): band/line charts here, bar and tornado charts in
:mod:`.bar_charts`, each drawn in a wide or a narrow :class:`~.chart_base.Layout` (:func:`variants` gives both).

Every function returns an ``<svg>`` string with escaped text. Tooltips use SVG ``<title>`` elements, which
browsers show natively, so the report needs no script at all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from .bar_charts import LABEL_CHARS, Bar, bar_chart, tornado_chart, wrap_label
from .chart_base import (
    CHAR_PX_10,
    NARROW,
    PALETTE,
    WIDE,
    Box,
    Layout,
    label_box,
    legend_flow,
    log_ticks,
    overlaps,
    text,
    text_px,
    thin_ticks,
    tick_text,
    ticks,
    variants,
    wrap_svg,
    wrap_words,
)
from .labels import num

__all__ = ["CAP_PX", "CHAR_PX_10", "DOT_PX", "LABEL_CHARS", "MARKER_FONT", "NARROW", "OFF_SCALE_FACTOR", "PALETTE",
           "WIDE", "Bar", "Layout", "Marker", "RefLine", "Series", "bar_chart", "data_top", "label_box",
           "line_chart", "off_scale", "off_scale_text", "spread", "tornado_chart", "variants", "wrap_label"]

#: The wide line chart's view box and margins [units] (the narrow one computes its margins from its labels).
W, H = WIDE.width, WIDE.height
M_LEFT, M_RIGHT, M_TOP, M_BOTTOM = WIDE.left, WIDE.right, WIDE.top, WIDE.bottom
#: Wide drawing: units left of a y tick label for its gap to the axis (6) and the turned y-axis title (13-unit text
#: on a baseline at x = 16: its glyphs reach about x = 20).
Y_TITLE_ROOM = 26


@dataclass(frozen=True)
class Series:
    """A line (optionally with a band low..high) over x values."""

    label: str
    x: Sequence[float]
    y: Sequence[float]
    low: Sequence[float] | None = None
    high: Sequence[float] | None = None
    color: str = PALETTE[0]
    dashed: bool = False


@dataclass(frozen=True)
class RefLine:
    """A horizontal reference line (e.g. a country's annual electricity)."""

    label: str
    y: float
    color: str = "#777"


@dataclass(frozen=True)
class Marker:
    """A published point or range at one x (drawn as an error bar)."""

    label: str
    x: float
    low: float
    high: float
    color: str = "#2e4057"


#: A reference line above this multiple of the data's highest value is not drawn on a linear plot but listed under
#: it with its value (:func:`off_scale`). Drawn, it would set the top of the axis and flatten the data against the
#: bottom (the Bitcoin network's 154 TWh/yr beside the 0.3–8.3 TWh/yr of ``ai-search-rebound``: the data filled the
#: lowest 5 % of the plot). At 2 the data's top stays at least 1 / (2 × 1.08) ≈ 46 % up the plot (1.08: the axis
#: headroom), while a country or Bitcoin line near the data (up to twice its top) is still drawn for scale.
OFF_SCALE_FACTOR = 2.0


def data_top(series: Sequence[Series], markers: Sequence[Marker] = ()) -> float:
    """The highest value a chart plots as data: its lines, bands and published bars (not its reference lines)."""
    return max([v for s in series for v in (*s.y, *(s.high or ()))] + [m.high for m in markers], default=0.0)


def off_scale(refs: Sequence[RefLine], series: Sequence[Series], markers: Sequence[Marker] = (),
              log_y: bool = False) -> list[RefLine]:
    """The reference lines a linear chart lists under the plot instead of drawing: those above
    :data:`OFF_SCALE_FACTOR` × the data's highest value. A log axis draws them all."""
    top = data_top(series, markers)
    if log_y or top <= 0:
        return []
    return [r for r in refs if r.y > OFF_SCALE_FACTOR * top]


def off_scale_text(r: RefLine, top: float) -> str:
    """How an off-scale reference line is listed: its name and value, and how far above the data it is."""
    return f"Off the scale: {r.label} ({num(r.y)}), {num(r.y / top)} × the highest value plotted"


#: A label's spot: x, baseline, text, anchor, colour.
_Spot = tuple[float, float, str, str, str]


class _Frame:
    """Data → view-box coordinates inside the plot box (left, top, right, bottom)."""

    def __init__(self, x0: float, x1: float, y0: float, y1: float, log_y: bool, box: Box) -> None:
        self.left, self.top, self.right, self.bottom = box
        self.x0, self.x1, self.log_y = x0, x1 if x1 > x0 else x0 + 1, log_y
        self.y0, self.y1 = (math.log10(y0), math.log10(y1)) if log_y else (y0, y1)
        if self.y1 <= self.y0:
            self.y1 = self.y0 + 1

    def px(self, x: float) -> float:
        return self.left + (x - self.x0) / (self.x1 - self.x0) * (self.right - self.left)

    def py(self, y: float) -> float:
        v = math.log10(max(y, 1e-300)) if self.log_y else y
        return self.bottom - (v - self.y0) / (self.y1 - self.y0) * (self.bottom - self.top)


def _axes(f: _Frame, x_ticks: Sequence[float], y_ticks: Sequence[float], x_label: str, y_label: str,
          x_fmt: str, lay: Layout) -> tuple[list[str], float]:
    """Axis lines, ticks, grid and axis titles; the baseline of the x-axis title's last line. Wide: the y title
    turned along the axis; narrow: the y title above the plot and a long x title wrapped."""
    out = [f'<line x1="{f.left}" y1="{f.bottom}" x2="{f.right}" y2="{f.bottom}" stroke="#444"/>',
           f'<line x1="{f.left}" y1="{f.top}" x2="{f.left}" y2="{f.bottom}" stroke="#444"/>']
    below, gap = (lay.font + 7, 8) if lay.narrow else (18, 6)  # narrow: "0" and the first year kept apart
    for t in x_ticks:
        x = f.px(t)
        out.append(f'<line x1="{x:.1f}" y1="{f.bottom}" x2="{x:.1f}" y2="{f.bottom + 5}" stroke="#444"/>')
        out.append(text(x, f.bottom + below, x_fmt.format(t), "middle", lay.font))
    for t in y_ticks:
        y = f.py(t)
        out.append(f'<line x1="{f.left}" y1="{y:.1f}" x2="{f.right}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        out.append(text(f.left - gap, y + 4, tick_text(t), "end", lay.font))
    if not lay.narrow:
        out.append(text((f.left + f.right) / 2, H - 8, x_label, "middle", lay.title))
        out.append(f'<text transform="translate(16,{(f.top + f.bottom) / 2:.0f}) rotate(-90)" font-size="13" '
                   f'text-anchor="middle" fill="#222">{escape(y_label)}</text>')
        return out, H - 8
    out.append(text(2, f.top - 14, y_label, "start", lay.title))
    y = f.bottom + below
    for line in wrap_words(x_label, lay.width - 8, lay.title):
        y += lay.title + 5
        out.append(text((f.left + f.right) / 2, y, line, "middle", lay.title))
    return out, y


def _swatch(x: float, y: float, s: Series) -> str:
    """Legend sample drawn like the series: a short solid or dashed stroke of the same colour and width."""
    dash = ' stroke-dasharray="6,4"' if s.dashed else ""
    return f'<line x1="{x}" y1="{y}" x2="{x + 14}" y2="{y}" stroke="{s.color}" stroke-width="2.5"{dash}/>'


def _error_bar_icon(x: float, y: float, color: str) -> str:
    """Legend sample of a published estimate: a vertical stroke with caps, centred at (x, y)."""
    return (f'<g stroke="{color}" stroke-width="2.5"><line x1="{x}" y1="{y - 6}" x2="{x}" y2="{y + 6}"/>'
            f'<line x1="{x - 4}" y1="{y - 6}" x2="{x + 4}" y2="{y - 6}"/>'
            f'<line x1="{x - 4}" y1="{y + 6}" x2="{x + 4}" y2="{y + 6}"/></g>')


def line_chart(title: str, series: Sequence[Series], x_label: str, y_label: str,
               refs: Sequence[RefLine] = (), markers: Sequence[Marker] = (), log_y: bool = False,
               x_fmt: str = "{:g}", y_min: float | None = None,
               marker_legend: Sequence[tuple[str, str]] = (), layout: Layout = WIDE) -> str:
    """Lines with optional uncertainty bands, horizontal reference lines and published error bars;
    ``marker_legend`` (label, colour) adds the error bars' kinds to the legend. Wide: legend and reference labels
    in the right margin; narrow: reference labels on the plot beside their line, legend under the plot."""
    far = off_scale(refs, series, markers, log_y)  # listed under the plot, not drawn (nor setting the axis)
    refs = [r for r in refs if r not in far]
    xs = [x for s in series for x in s.x] + [m.x for m in markers]
    ys = [v for s in series for v in (*s.y, *(s.low or ()), *(s.high or ()))]
    ys += [r.y for r in refs] + [v for m in markers for v in (m.low, m.high)]
    lo_y = min(ys) if log_y else (0.0 if y_min is None else y_min)
    hi_y = max(ys) * (1.5 if log_y else 1.08)
    lo_y = lo_y / 1.5 if log_y else lo_y
    x0, x1 = min(xs), max(xs)
    pad = 0.03 * (x1 - x0 or 1)
    y_ticks = [t for t in (log_ticks(lo_y, hi_y) if log_y else ticks(lo_y, hi_y)) if lo_y <= t <= hi_y]
    x_ticks = ticks(x0, x1, min(8, max(1, int(x1 - x0)))) if x1 > x0 else [x0]
    widest = math.ceil(max((text_px(tick_text(t), layout.font) for t in y_ticks), default=0.0))  # y tick label
    if layout.narrow:
        box: Box = (widest + 12, layout.top, layout.width - layout.right, layout.top + layout.height)
    else:  # room left of the plot for the widest tick label and the turned y title ("7.5 million" ran into it)
        box = (max(M_LEFT, widest + Y_TITLE_ROOM), M_TOP, W - M_RIGHT, H - M_BOTTOM)
    f = _Frame(x0 - pad, x1 + pad, lo_y, hi_y, log_y, box)
    if layout.narrow:
        x_ticks = thin_ticks(x_ticks, f.px, layout.font, x_fmt.format)
    parts, bottom = _axes(f, x_ticks, y_ticks, x_label, y_label, x_fmt, layout)
    ref_ys = [f.py(r.y) for r in refs]
    published, marker_boxes = _markers(f, series, markers, ref_ys, layout)
    # wide: each label in the right margin (moved apart); narrow: on the plot beside its line, clear of the
    # published bars' labels (placed first: they belong at their bar, a reference label anywhere along its line)
    placed: list[_Spot | None] = (
        _ref_labels_on_plot(f, series, refs, ref_ys, markers, marker_boxes, layout) if layout.narrow else
        [(W - M_RIGHT + 6, ly, f"{r.label} ({num(r.y)})", "start", r.color) for r, ly in
         zip(refs, spread([y + 4 for y in ref_ys], gap=14, lo=M_TOP + 10, hi=H - M_BOTTOM), strict=True)])
    for r, y, spot in zip(refs, ref_ys, placed, strict=True):
        parts.append(f'<line x1="{f.left}" y1="{y:.1f}" x2="{f.right}" y2="{y:.1f}" stroke="{r.color}" '
                     f'stroke-dasharray="2,3"><title>{escape(r.label)}: {num(r.y)}</title></line>')
        if spot is not None:
            parts.append(text(spot[0], spot[1], spot[2], spot[3], layout.font, spot[4]))
    parts.extend(_series(f, series, x_fmt))
    if layout.narrow:  # a reference line with no room for its label on the plot is named in the legend
        unlabelled = [r for r, spot in zip(refs, placed, strict=True) if spot is None]
        legend, bottom = _legend_below(series, marker_legend, unlabelled, bottom + layout.font + 10, layout)
    else:
        legend = _legend_right(series, marker_legend, [label_box(x, y, s, a, layout.font)
                                                       for x, y, s, a, _ in filter(None, placed)])
    parts.extend(legend)
    parts.extend(published)
    height = float(H) if not layout.narrow else bottom - layout.font
    if far:
        listed, height = _off_scale_list(far, data_top(series, markers), height, layout)
        parts.extend(listed)
    return wrap_svg(parts, title, layout, math.ceil(height))


def _off_scale_list(refs: Sequence[RefLine], top: float, y: float, lay: Layout) -> tuple[list[str], float]:
    """Reference lines too far above the data to draw, listed under the chart (a dotted swatch of the line's colour,
    name, value and its multiple of the data's highest value), long lines wrapped; the new bottom of the chart."""
    x0 = 4 if lay.narrow else M_LEFT
    parts = ['<g class="offscale">']
    for r in refs:
        lines = wrap_words(off_scale_text(r, top), lay.width - x0 - 24, lay.font)
        y += lay.font + 8
        parts.append(f'<line x1="{x0}" y1="{y - 4:.1f}" x2="{x0 + 14}" y2="{y - 4:.1f}" stroke="{r.color}" '
                     'stroke-width="1.5" stroke-dasharray="2,3"/>')
        for k, line in enumerate(lines):
            parts.append(text(x0 + 20, y + k * (lay.font + 4), line, size=lay.font))
        y += (len(lines) - 1) * (lay.font + 4)
    return [*parts, "</g>"], y + (6 if lay.narrow else 10)


def _series(f: _Frame, series: Sequence[Series], x_fmt: str) -> list[str]:
    parts = []
    for s in series:
        if s.low is not None and s.high is not None and len(s.x) > 1:
            top = " ".join(f"{f.px(x):.1f},{f.py(v):.1f}" for x, v in zip(s.x, s.high, strict=True))
            bottom = " ".join(f"{f.px(x):.1f},{f.py(v):.1f}" for x, v in zip(reversed(s.x), reversed(s.low),
                                                                             strict=True))
            parts.append(f'<polygon points="{top} {bottom}" fill="{s.color}" fill-opacity="0.18" stroke="none">'
                         f'<title>{escape(s.label)}: 5th–95th percentile</title></polygon>')
        pts = " ".join(f"{f.px(x):.1f},{f.py(v):.1f}" for x, v in zip(s.x, s.y, strict=True))
        dash = ' stroke-dasharray="6,4"' if s.dashed else ""
        parts.append(f'<polyline points="{pts}" fill="none" stroke="{s.color}" stroke-width="2.5"{dash}/>')
        dots = len(s.x) <= 20  # a dense series (a daily curve) is a line; its points would be a blur of dots
        for x, v in zip(s.x, s.y, strict=True):
            parts.append(f'<circle cx="{f.px(x):.1f}" cy="{f.py(v):.1f}" r="{3 if dots else 0}" fill="{s.color}">'
                         f'<title>{escape(s.label)} {x_fmt.format(x)}: {num(v)}</title></circle>')
    return parts


def _legend_right(series: Sequence[Series], marker_legend: Sequence[tuple[str, str]], boxes: Sequence[Box]
                  ) -> list[str]:
    """Wide: the legend in the right margin, near the middle, clear of the reference labels."""
    legend_y = _legend_top(len(series) + len(marker_legend), boxes)
    parts = ['<g class="legend">']
    for s in series:
        parts.append(_swatch(W - M_RIGHT + 6, legend_y - 4, s))
        parts.append(text(W - M_RIGHT + 22, legend_y, s.label, size=12))
        legend_y += 16
    for name, color in marker_legend:  # an error bar: a vertical stroke with caps
        parts.append(_error_bar_icon(W - M_RIGHT + 13, legend_y - 4, color))
        parts.append(text(W - M_RIGHT + 22, legend_y, name, size=12))
        legend_y += 16
    return [*parts, "</g>"]


def _legend_below(series: Sequence[Series], marker_legend: Sequence[tuple[str, str]], refs: Sequence[RefLine],
                  y: float, lay: Layout) -> tuple[list[str], float]:
    """Narrow: the legend under the x-axis title, entries flowing left to right (series, published bars, then
    reference lines not labelled on the plot); the baseline after it."""
    items = ([(f"s{i}", s.label) for i, s in enumerate(series)]
             + [(f"m{i}", name) for i, (name, _) in enumerate(marker_legend)]
             + [(f"r{i}", f"{r.label} ({num(r.y)})") for i, r in enumerate(refs)])
    placed, end = legend_flow(items, 4, y, lay.width - 8, lay.font)
    parts = ['<g class="legend">']
    for x, base, kind, name in placed:
        i = int(kind[1:])
        if kind[0] == "s":
            parts.append(_swatch(x, base - 4, series[i]))
        elif kind[0] == "m":
            parts.append(_error_bar_icon(x + 7, base - 4, marker_legend[i][1]))
        else:  # a reference line: a dotted stroke
            parts.append(f'<line x1="{x}" y1="{base - 4}" x2="{x + 14}" y2="{base - 4}" stroke="{refs[i].color}" '
                         'stroke-width="1.5" stroke-dasharray="2,3"/>')
        parts.append(text(x + 20, base, name, size=lay.font))
    return [*parts, "</g>"], end


def _ref_labels_on_plot(f: _Frame, series: Sequence[Series], refs: Sequence[RefLine], ref_ys: Sequence[float],
                        markers: Sequence[Marker], taken: Sequence[Box], lay: Layout) -> list[_Spot | None]:
    """Narrow: each reference line's label on the plot, just above (else below) its line, at the right end, the left
    end or between, wherever it covers no line, band, point, published bar or other label (``taken``: those
    already on the plot); None where there is no such spot (lines a few pixels apart)."""
    obstacles = _obstacles(f, series, markers, ref_ys) + list(taken)
    out: list[_Spot | None] = []
    span = f.right - f.left
    spots = [(f.right - 2, "end"), (f.left + 4, "start"), (f.left + span / 2, "middle"),
             (f.left + span / 4, "middle"), (f.left + 3 * span / 4, "middle")]
    for r, y in zip(refs, ref_ys, strict=True):
        s = f"{r.label} ({num(r.y)})"
        candidates = [(x, y + dy, anchor) for dy in (-6.0, lay.font + 2.0) for x, anchor in spots]
        spot = next((c for c in candidates if _fits(label_box(c[0], c[1], s, c[2], lay.font), obstacles, f)), None)
        if spot is None:
            out.append(None)
            continue
        obstacles.append(label_box(spot[0], spot[1], s, spot[2], lay.font))
        out.append((spot[0], spot[1], s, spot[2], r.color))
    return out


def spread(ys: Sequence[float], gap: float, lo: float, hi: float) -> list[float]:
    """Label baselines ``ys`` moved apart (at least ``gap`` px, order kept) and kept within [lo, hi]."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    out = list(ys)
    prev = -math.inf
    for i in order:
        out[i] = max(out[i], prev + gap, lo)
        prev = out[i]
    nxt = math.inf
    for i in reversed(order):  # pushed past the bottom: move back up
        out[i] = min(out[i], nxt - gap, hi)
        nxt = out[i]
    return out


def _legend_top(rows: int, boxes: Sequence[Box]) -> float:
    """Baseline of the first legend row in the right margin: near the middle, clear of the reference labels."""
    height = 16 * rows
    middle = (M_TOP + H - M_BOTTOM) / 2 - height / 2 + 12
    candidates = sorted(range(int(M_TOP + 12), int(H - M_BOTTOM - height + 12), 4), key=lambda y: abs(y - middle))
    for y in candidates:
        box = (W - M_RIGHT + 4, y - 12, W, y - 12 + height + 2)
        if not any(overlaps(box, b) for b in boxes):
            return float(y)
    return middle


_SLOT_OFFSETS = (0, 24, -24, 48, -48, 72, -72)


def _fits(box: Box, obstacles: Sequence[Box], f: _Frame) -> bool:
    """True when ``box`` lies inside the plot area and overlaps none of ``obstacles``."""
    inside = box[0] >= f.left and box[2] <= f.right and box[1] >= f.top and box[3] <= f.bottom
    return inside and not any(overlaps(box, o) for o in obstacles)


def _marker_slots(f: _Frame, series: Sequence[Series], markers: Sequence[Marker]) -> list[float]:
    """Pixel x of each marker: markers at one x spread left and right of it, never on a series' point there,
    and kept inside the plot."""
    taken: dict[float, int] = {}
    points = {float(x) for s in series for x in s.x}
    out = []
    for m in markers:
        slot = taken.get(m.x, 1 if float(m.x) in points else 0)
        while True:
            x = f.px(m.x) + _SLOT_OFFSETS[slot % len(_SLOT_OFFSETS)]
            slot += 1
            if f.left + 6 <= x <= f.right - 6 or slot >= len(_SLOT_OFFSETS):
                break
        taken[m.x] = slot
        out.append(x)
    return out


def _data_boxes(f: _Frame, series: Sequence[Series], step: float = 4.0) -> list[Box]:
    """Small boxes covering each series' line and its low–high band (sampled every ``step`` px along x), so that
    a marker's label is placed clear of the data, not on it."""
    boxes = []
    for s in series:
        for i in range(len(s.x) - 1):
            xa, xb = f.px(s.x[i]), f.px(s.x[i + 1])
            n = max(1, math.ceil(abs(xb - xa) / step))
            for k in range(n + 1):
                t = k / n
                x = xa + t * (xb - xa)
                y = f.py(s.y[i]) + t * (f.py(s.y[i + 1]) - f.py(s.y[i]))
                top, bottom = y - 2, y + 2
                if s.low is not None and s.high is not None:
                    top = min(top, f.py(s.high[i]) + t * (f.py(s.high[i + 1]) - f.py(s.high[i])))
                    bottom = max(bottom, f.py(s.low[i]) + t * (f.py(s.low[i + 1]) - f.py(s.low[i])))
                boxes.append((x - step / 2, top, x + step / 2, bottom))
    return boxes


#: Half width of a published marker's caps [px], radius of a single published value's dot, label font size (wide).
CAP_PX, DOT_PX, MARKER_FONT = 8, 5, WIDE.small


def _obstacles(f: _Frame, series: Sequence[Series], markers: Sequence[Marker], ref_ys: Sequence[float]
               ) -> list[Box]:
    """What a label must not cover: the published bars, the series' points, reference lines, lines and bands."""
    xs = _marker_slots(f, series, markers)
    out = [(x - CAP_PX - 1, f.py(m.high) - DOT_PX, x + CAP_PX + 1, f.py(m.low) + DOT_PX)
           for x, m in zip(xs, markers, strict=True)]
    out += [(f.px(x) - 4, f.py(v) - 4, f.px(x) + 4, f.py(v) + 4) for s in series
            for x, v in zip(s.x, s.y, strict=True)]
    out += [(f.left, y - 2, f.right, y + 2) for y in ref_ys]  # labels never sit on a reference line
    return out + _data_boxes(f, series)  # nor on a line or its band


def _markers(f: _Frame, series: Sequence[Series], markers: Sequence[Marker], ref_ys: Sequence[float],
             lay: Layout) -> tuple[list[str], list[Box]]:
    """Published error bars (a dot for a single value) with labels placed where they overlap no other label, bar,
    series point or reference line (above the bar, below it, right of it, left of it, then further up or down);
    the drawing and the labels' boxes."""
    xs = _marker_slots(f, series, markers)
    spans = [(x, f.py(m.high), f.py(m.low)) for x, m in zip(xs, markers, strict=True)]
    obstacles = _obstacles(f, series, markers, ref_ys)
    size = lay.small
    parts: list[str] = []
    boxes: list[Box] = []
    for m, (x, y_hi, y_lo) in zip(markers, spans, strict=True):
        tip = f'<title>{escape(m.label)}: {num(m.low)}{"" if m.low == m.high else "–" + num(m.high)}</title>'
        if abs(y_lo - y_hi) < 2 * DOT_PX:  # one value (or a range too narrow to see): a dot with a white rim
            parts.append(f'<circle cx="{x:.1f}" cy="{(y_lo + y_hi) / 2:.1f}" r="{DOT_PX}" fill="{m.color}" '
                         f'stroke="#fff" stroke-width="1.5">{tip}</circle>')
        else:
            parts.append(f'<g stroke="{m.color}" stroke-width="3">{tip}'
                         f'<line x1="{x:.1f}" y1="{y_lo:.1f}" x2="{x:.1f}" y2="{y_hi:.1f}"/>'
                         f'<line x1="{x - CAP_PX:.1f}" y1="{y_lo:.1f}" x2="{x + CAP_PX:.1f}" y2="{y_lo:.1f}"/>'
                         f'<line x1="{x - CAP_PX:.1f}" y1="{y_hi:.1f}" x2="{x + CAP_PX:.1f}" y2="{y_hi:.1f}"/></g>')
        y_hi, y_lo = min(y_hi, (y_lo + y_hi) / 2 - DOT_PX), max(y_lo, (y_lo + y_hi) / 2 + DOT_PX)
        mid = (y_hi + y_lo) / 2 + 4
        below, step = size + 3, size + 1  # wide (11 units): 14 and 12
        above_at = [y_hi - 6 - step * k for k in range(12)]
        below_at = [y_lo + below + step * k for k in range(12)]
        candidates = [(x, above_at[0], "middle"), (x, below_at[0], "middle"), (x + CAP_PX + 4, mid, "start"),
                      (x - CAP_PX - 4, mid, "end")]
        for k in range(12):  # then further up or down: centred, or (near a plot edge) running right or left
            candidates += [c for y in (above_at[k], below_at[k])
                           for c in ((x, y, "middle"), (x - CAP_PX, y, "start"), (x + CAP_PX, y, "end"))]
        lx, ly, anchor = next((c for c in candidates
                               if _fits(label_box(c[0], c[1], m.label, c[2], size), obstacles, f)), candidates[0])
        obstacles.append(label_box(lx, ly, m.label, anchor, size))
        boxes.append(obstacles[-1])
        parts.append(text(lx, ly, m.label, anchor, size=size, color=m.color))
    return parts, boxes
