"""Tiny inline-SVG chart builders (no JavaScript, no network): band/line charts, bar charts, tornado charts.

Every function returns an ``<svg>`` string with escaped text. Tooltips use SVG ``<title>`` elements, which
browsers show natively, so the report needs no script at all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from .labels import num

W, H = 760, 360
M_LEFT, M_RIGHT, M_TOP, M_BOTTOM = 70, 190, 20, 45
PALETTE = ("#1b6ca8", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f", "#2e4057")


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


def _ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), default=10 * mag)
    start = math.ceil(lo / step) * step
    out = []
    v = start
    while v <= hi + 1e-9 * abs(hi):
        out.append(round(v, 10))
        v += step
    return out


class _Frame:
    def __init__(self, x0: float, x1: float, y0: float, y1: float, log_y: bool = False) -> None:
        self.x0, self.x1, self.log_y = x0, x1 if x1 > x0 else x0 + 1, log_y
        self.y0, self.y1 = (math.log10(y0), math.log10(y1)) if log_y else (y0, y1)
        if self.y1 <= self.y0:
            self.y1 = self.y0 + 1

    def px(self, x: float) -> float:
        return M_LEFT + (x - self.x0) / (self.x1 - self.x0) * (W - M_LEFT - M_RIGHT)

    def py(self, y: float) -> float:
        v = math.log10(max(y, 1e-300)) if self.log_y else y
        return H - M_BOTTOM - (v - self.y0) / (self.y1 - self.y0) * (H - M_TOP - M_BOTTOM)


def _text(x: float, y: float, s: str, anchor: str = "start", size: int = 12, color: str = "#222",
          weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{color}" '
            f'font-weight="{weight}">{escape(s)}</text>')


def _axes(f: _Frame, x_ticks: Sequence[float], y_ticks: Sequence[float], x_label: str, y_label: str,
          x_fmt: str = "{:g}") -> list[str]:
    out = [f'<line x1="{M_LEFT}" y1="{H - M_BOTTOM}" x2="{W - M_RIGHT}" y2="{H - M_BOTTOM}" stroke="#444"/>',
           f'<line x1="{M_LEFT}" y1="{M_TOP}" x2="{M_LEFT}" y2="{H - M_BOTTOM}" stroke="#444"/>']
    for t in x_ticks:
        x = f.px(t)
        out.append(f'<line x1="{x:.1f}" y1="{H - M_BOTTOM}" x2="{x:.1f}" y2="{H - M_BOTTOM + 5}" stroke="#444"/>')
        out.append(_text(x, H - M_BOTTOM + 18, x_fmt.format(t), "middle", 12))
    for t in y_ticks:
        y = f.py(t)
        out.append(f'<line x1="{M_LEFT}" y1="{y:.1f}" x2="{W - M_RIGHT}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        out.append(_text(M_LEFT - 6, y + 4, num(t, trim=True), "end", 12))
    out.append(_text((M_LEFT + W - M_RIGHT) / 2, H - 8, x_label, "middle", 13))
    out.append(f'<text transform="translate(16,{(M_TOP + H - M_BOTTOM) / 2:.0f}) rotate(-90)" font-size="13" '
               f'text-anchor="middle" fill="#222">{escape(y_label)}</text>')
    return out


def _wrap(parts: list[str], title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="100%" role="img" '
            f'aria-label="{escape(title)}" font-family="system-ui, sans-serif"><title>{escape(title)}</title>'
            + "".join(parts) + "</svg>")


def _log_ticks(lo: float, hi: float) -> list[float]:
    """Ticks of a log axis inside [lo, hi]: powers of ten, with 2 and 5 between them when the axis spans fewer than
    three decades (a 0.5–7 TWh axis had only the labels 1 and 10), so that there are at least four labels."""
    decades = range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
    steps = (1.0, 2.0, 5.0) if math.log10(hi / lo) < 3 else (1.0,)
    ticks = [m * 10.0**k for k in decades for m in steps]
    inside = [t for t in ticks if lo <= t <= hi]
    if len(inside) < 4:
        ticks = [m * 10.0**k for k in decades for m in (1.0, 1.5, 2.0, 3.0, 5.0, 7.0)]
        inside = [t for t in ticks if lo <= t <= hi]
    return inside


def _swatch(x: float, y: float, s: Series) -> str:
    """Legend sample drawn like the series: a short solid or dashed stroke of the same colour and width."""
    dash = ' stroke-dasharray="6,4"' if s.dashed else ""
    return f'<line x1="{x}" y1="{y}" x2="{x + 14}" y2="{y}" stroke="{s.color}" stroke-width="2.5"{dash}/>'


def line_chart(title: str, series: Sequence[Series], x_label: str, y_label: str,
               refs: Sequence[RefLine] = (), markers: Sequence[Marker] = (), log_y: bool = False,
               x_fmt: str = "{:g}", y_min: float | None = None,
               marker_legend: Sequence[tuple[str, str]] = ()) -> str:
    """Lines with optional uncertainty bands, horizontal reference lines and published error bars;
    ``marker_legend`` (label, colour) adds the error bars' kinds to the legend."""
    xs = [x for s in series for x in s.x] + [m.x for m in markers]
    ys = [v for s in series for v in (*s.y, *(s.low or ()), *(s.high or ()))]
    ys += [r.y for r in refs] + [v for m in markers for v in (m.low, m.high)]
    lo_y = min(ys) if log_y else (0.0 if y_min is None else y_min)
    hi_y = max(ys) * (1.5 if log_y else 1.08)
    lo_y = lo_y / 1.5 if log_y else lo_y
    x0, x1 = min(xs), max(xs)
    pad = 0.03 * (x1 - x0 or 1)
    f = _Frame(x0 - pad, x1 + pad, lo_y, hi_y, log_y)
    y_ticks = _log_ticks(lo_y, hi_y) if log_y else _ticks(lo_y, hi_y)
    x_ticks = _ticks(x0, x1, min(8, max(1, int(x1 - x0)))) if x1 > x0 else [x0]
    parts = _axes(f, x_ticks, [t for t in y_ticks if lo_y <= t <= hi_y], x_label, y_label, x_fmt)
    ref_ys = [f.py(r.y) for r in refs]
    label_ys = spread([y + 4 for y in ref_ys], gap=14, lo=M_TOP + 10, hi=H - M_BOTTOM)
    margin_boxes = []
    for r, y, ly in zip(refs, ref_ys, label_ys, strict=True):
        parts.append(f'<line x1="{M_LEFT}" y1="{y:.1f}" x2="{W - M_RIGHT}" y2="{y:.1f}" stroke="{r.color}" '
                     f'stroke-dasharray="2,3"><title>{escape(r.label)}: {num(r.y)}</title></line>')
        text = f"{r.label} ({num(r.y)})"
        parts.append(_text(W - M_RIGHT + 6, ly, text, size=12, color=r.color))
        margin_boxes.append(label_box(W - M_RIGHT + 6, ly, text, "start", 12))
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
    legend_y = _legend_top(len(series) + len(marker_legend), margin_boxes)
    for s in series:
        parts.append(_swatch(W - M_RIGHT + 6, legend_y - 4, s))
        parts.append(_text(W - M_RIGHT + 22, legend_y, s.label, size=12))
        legend_y += 16
    for name, color in marker_legend:  # an error bar: a vertical stroke with caps
        x, y = W - M_RIGHT + 13, legend_y - 4
        parts.append(f'<g stroke="{color}" stroke-width="2.5"><line x1="{x}" y1="{y - 6}" x2="{x}" y2="{y + 6}"/>'
                     f'<line x1="{x - 4}" y1="{y - 6}" x2="{x + 4}" y2="{y - 6}"/>'
                     f'<line x1="{x - 4}" y1="{y + 6}" x2="{x + 4}" y2="{y + 6}"/></g>')
        parts.append(_text(W - M_RIGHT + 22, legend_y, name, size=12))
        legend_y += 16
    parts.extend(_markers(f, series, markers, ref_ys))
    return _wrap(parts, title)


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


def _legend_top(rows: int, boxes: Sequence[tuple[float, float, float, float]]) -> float:
    """Baseline of the first legend row in the right margin: near the middle, clear of the reference labels."""
    height = 16 * rows
    middle = (M_TOP + H - M_BOTTOM) / 2 - height / 2 + 12
    candidates = sorted(range(int(M_TOP + 12), int(H - M_BOTTOM - height + 12), 4), key=lambda y: abs(y - middle))
    for y in candidates:
        box = (W - M_RIGHT + 4, y - 12, W, y - 12 + height + 2)
        if not any(_overlaps(box, b) for b in boxes):
            return float(y)
    return middle


#: Approximate advance of one character of 10 px system-ui text [px] (generous, so estimated boxes cover the text).
CHAR_PX_10 = 6.0
_SLOT_OFFSETS = (0, 24, -24, 48, -48, 72, -72)


def label_box(x: float, y: float, text: str, anchor: str, size: int = 10) -> tuple[float, float, float, float]:
    """Estimated bounding box (x0, y0, x1, y1) of an SVG text at baseline ``y``."""
    w = len(text) * CHAR_PX_10 * size / 10
    x0 = x - w / 2 if anchor == "middle" else (x - w if anchor == "end" else x)
    return x0, y - 0.85 * size, x0 + w, y + 0.25 * size


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _fits(box: tuple[float, float, float, float], obstacles: Sequence[tuple[float, float, float, float]]) -> bool:
    """True when ``box`` lies inside the plot area and overlaps none of ``obstacles``."""
    inside = box[0] >= M_LEFT and box[2] <= W - M_RIGHT and box[1] >= M_TOP and box[3] <= H - M_BOTTOM
    return inside and not any(_overlaps(box, o) for o in obstacles)


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
            if M_LEFT + 6 <= x <= W - M_RIGHT - 6 or slot >= len(_SLOT_OFFSETS):
                break
        taken[m.x] = slot
        out.append(x)
    return out


def _data_boxes(f: _Frame, series: Sequence[Series], step: float = 4.0) -> list[tuple[float, float, float, float]]:
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


#: Half width of a published marker's caps [px], radius of a single published value's dot, label font size.
CAP_PX, DOT_PX, MARKER_FONT = 8, 5, 11


def _markers(f: _Frame, series: Sequence[Series], markers: Sequence[Marker], ref_ys: Sequence[float] = ()
             ) -> list[str]:
    """Published error bars (a dot for a single value) with labels placed where they overlap no other label, bar,
    series point or reference line (above the bar, below it, right of it, left of it, then further up or down)."""
    xs = _marker_slots(f, series, markers)
    spans = [(x, f.py(m.high), f.py(m.low)) for x, m in zip(xs, markers, strict=True)]
    obstacles = [(x - CAP_PX - 1, top - DOT_PX, x + CAP_PX + 1, bottom + DOT_PX) for x, top, bottom in spans]
    obstacles += [(f.px(x) - 4, f.py(v) - 4, f.px(x) + 4, f.py(v) + 4) for s in series
                  for x, v in zip(s.x, s.y, strict=True)]
    obstacles += [(M_LEFT, y - 2, W - M_RIGHT, y + 2) for y in ref_ys]  # labels never sit on a reference line
    obstacles += _data_boxes(f, series)  # nor on a line or its band
    parts: list[str] = []
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
        candidates = [(x, y_hi - 6, "middle"), (x, y_lo + 14, "middle"), (x + CAP_PX + 4, mid, "start"),
                      (x - CAP_PX - 4, mid, "end"),
                      *(c for k in range(1, 12) for c in ((x, y_hi - 6 - 12 * k, "middle"),
                                                          (x, y_lo + 14 + 12 * k, "middle")))]

        lx, ly, anchor = next((c for c in candidates
                               if _fits(label_box(c[0], c[1], m.label, c[2], MARKER_FONT), obstacles)), candidates[0])
        obstacles.append(label_box(lx, ly, m.label, anchor, MARKER_FONT))
        parts.append(_text(lx, ly, m.label, anchor, size=MARKER_FONT, color=m.color))
    return parts


@dataclass(frozen=True)
class Bar:
    """One horizontal bar, optionally with a range."""

    label: str
    value: float
    low: float | None = None
    high: float | None = None
    color: str = PALETTE[0]
    note: str = ""
    emphasis: bool = False  # highlighted: bold label and an outlined bar


#: Longest bar label (characters at 11 px) that fits the 300 px label column; longer ones end with "…".
LABEL_CHARS = 46


def wrap_label(label: str, room: int) -> list[str]:
    """``label`` on one line when it fits ``room`` characters at 11 px (or ~15 % more at 10 px), else on two
    10 px lines broken at a space; "…" only when even two lines are too short (the tooltip has it all)."""
    width = room + room // 6
    if len(label) <= width:
        return [label]
    cut = label.rfind(" ", 0, width + 1)
    if cut < width // 2:  # no space in a sensible place: break the word
        cut = width
    first, rest = label[:cut].rstrip(), label[cut:].strip()
    return [first, rest if len(rest) <= width else rest[:width - 1] + "…"]


def bar_chart(title: str, bars: Sequence[Bar], x_label: str, log_x: bool = False,
              legend: Sequence[tuple[str, str]] = ()) -> str:
    """Horizontal bars (log scale optional), labels on the left (one font size for the whole chart), values on the
    right; ``legend`` (label, colour) is drawn under the axis label."""
    height = max(120, 30 + 24 * len(bars) + 40) + (20 if legend else 0)
    axis_bottom = height - (20 if legend else 0)
    left, right = 300, 110
    vals = [v for b in bars for v in (b.value, b.low or b.value, b.high or b.value) if v > 0]
    lo = min(vals) / 2 if log_x else 0.0
    hi = max(vals) * (2 if log_x else 1.08)

    def px(v: float) -> float:
        if log_x:
            return left + (math.log10(max(v, lo)) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)) * (
                W - left - right)
        return left + (v - lo) / (hi - lo) * (W - left - right)

    parts = []
    ticks = _log_ticks(lo, hi) if log_x else _ticks(lo, hi)
    for t in ticks:
        if not lo <= t <= hi:
            continue
        x = px(t)
        parts.append(f'<line x1="{x:.1f}" y1="20" x2="{x:.1f}" y2="{axis_bottom - 40}" stroke="#e5e5e5"/>')
        parts.append(_text(x, axis_bottom - 24, num(t, trim=True), "middle", 11))
    parts.append(_text((left + W - right) / 2, axis_bottom - 6, x_label, "middle", 12))
    lx = float(left)
    for name, color in legend:
        parts.append(f'<rect x="{lx:.1f}" y="{height - 16}" width="14" height="10" fill="{color}"/>')
        parts.append(_text(lx + 18, height - 7, name, size=11))
        lx += 18 + len(name) * CHAR_PX_10 * 1.1 + 16
    size = 11 if all(len(wrap_label(b.label, LABEL_CHARS - 4 * b.emphasis)) == 1
                     and len(b.label) <= LABEL_CHARS - 4 * b.emphasis for b in bars) else 10
    for i, b in enumerate(bars):
        y = 24 + 24 * i
        room = LABEL_CHARS - 4 * b.emphasis  # bold is wider; the full label stays in the tooltip
        lines = wrap_label(b.label, room)
        weight = "bold" if b.emphasis else "normal"
        if len(lines) == 1:
            parts.append(_text(left - 8, y + 13, lines[0], "end", size, weight=weight))
        else:
            parts.append(_text(left - 8, y + 8, lines[0], "end", 10, weight=weight))
            parts.append(_text(left - 8, y + 19, lines[1], "end", 10, weight=weight))
        outline = ' stroke="#222" stroke-width="1.5"' if b.emphasis else ""
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{max(1.0, px(b.value) - left):.1f}" height="15" '
                     f'fill="{b.color}"{outline}><title>{escape(b.label)}: {num(b.value)} {escape(b.note)}'
                     "</title></rect>")
        if b.low is not None and b.high is not None:
            parts.append(f'<line x1="{px(b.low):.1f}" y1="{y + 10}" x2="{px(b.high):.1f}" y2="{y + 10}" '
                         f'stroke="#222" stroke-width="1.5"/>')
        shown = num(b.value) if b.low is None or b.high is None else f"{num(b.low)}–{num(b.high)}"
        parts.append(_text(px(max(b.value, b.high or 0)) + 6, y + 14, shown, size=11))
    svg = _wrap(parts, title)
    return svg.replace(f'viewBox="0 0 {W} {H}"', f'viewBox="0 0 {W} {height}"', 1)


def tornado_chart(title: str, rows: Sequence[tuple[str, float, float]], baseline: float, unit: str) -> str:
    """Tornado: one bar per input from the output at its 5th to its 95th percentile, around ``baseline``."""
    height = max(120, 50 + 28 * len(rows) + 30)
    left, right = 260, 90
    vals = [v for _, a, b in rows for v in (a, b)] + [baseline]
    lo, hi = min(vals), max(vals)
    span = (hi - lo) or 1.0
    lo, hi = lo - 0.05 * span, hi + 0.05 * span

    def px(v: float) -> float:
        return left + (v - lo) / (hi - lo) * (W - left - right)

    parts = [f'<line x1="{px(baseline):.1f}" y1="20" x2="{px(baseline):.1f}" y2="{height - 40}" stroke="#222"/>',
             _text(px(baseline), 14, f"nominal (inputs as stated) {num(baseline)} {unit}", "middle", 11)]
    for t in _ticks(lo, hi):
        parts.append(_text(px(t), height - 22, num(t, trim=True), "middle", 12))
    for i, (name, at_p5, at_p95) in enumerate(rows):
        y = 28 + 28 * i
        a, b = sorted((at_p5, at_p95))
        parts.append(_text(left - 8, y + 14, name, "end", 12))
        parts.append(f'<rect x="{px(a):.1f}" y="{y + 2}" width="{max(1.0, px(b) - px(a)):.1f}" height="18" '
                     f'fill="{PALETTE[1] if at_p95 < at_p5 else PALETTE[0]}"><title>{escape(name)}: '
                     f'{num(at_p5)} at its 5th percentile, {num(at_p95)} at its 95th</title></rect>')
        parts.append(_text(px(b) + 6, y + 15, f"{num(at_p5)} → {num(at_p95)}", size=11))
    parts.append(_text((left + W - right) / 2, height - 5, f"{unit} (input at its 5th → 95th percentile, others "
                                                          "nominal)", "middle", 11))
    svg = _wrap(parts, title)
    return svg.replace(f'viewBox="0 0 {W} {H}"', f'viewBox="0 0 {W} {height}"', 1)
