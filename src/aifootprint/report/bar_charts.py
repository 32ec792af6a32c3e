"""Horizontal bar charts and tornado charts, in the wide layout (labels in a column left of the bars, values right of
them) or the narrow one (each label on its own line above its bar with the value at the line's right end, bars the
full width, legend under the axis)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from .chart_base import (
    HALO,
    PALETTE,
    WIDE,
    Layout,
    legend_flow,
    log_ticks,
    text,
    text_px,
    thin_ticks,
    tick_text,
    ticks,
    wrap_svg,
    wrap_words,
)
from .labels import num


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
#: Narrow layout: side padding, height of a text line, of a bar, and the gap under a bar [units].
PAD, LINE, BAR_H, GAP = 4, 16, 14, 10


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


def _scale(lo: float, hi: float, x0: float, x1: float, log: bool) -> Callable[[float], float]:
    def px(v: float) -> float:
        if log:
            return x0 + (math.log10(max(v, lo)) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)) * (x1 - x0)
        return x0 + (v - lo) / (hi - lo) * (x1 - x0)
    return px


def _legend(items: Sequence[tuple[str, str]], y: float, lay: Layout) -> tuple[list[str], float]:
    """Colour-square legend entries flowing under a narrow chart from baseline ``y``; the height used."""
    placed, end = legend_flow([(color, name) for name, color in items], PAD, y, lay.width - 2 * PAD, lay.font)
    parts = ['<g class="legend">']
    for x, base, color, name in placed:
        parts.append(f'<rect x="{x:.1f}" y="{base - 10:.1f}" width="14" height="10" fill="{color}"/>')
        parts.append(text(x + 18, base, name, size=lay.font))
    return [*parts, "</g>"], end


def _label_rows(rows: Sequence[tuple[str, str, bool]], top: float, lay: Layout
                ) -> tuple[list[str], list[float], float]:
    """Narrow layout: each (label, value text, bold) as label lines at the left with the value right-aligned on the
    first line; the bar's top y under each; the y after the last row."""
    parts = [HALO]  # grid lines run behind the labels
    bar_tops = []
    y = top
    for label, value, bold in rows:
        room = lay.width - 2 * PAD - text_px(value, lay.font) - 10
        lines = wrap_words(label, room, lay.font, bold)
        weight = "bold" if bold else "normal"
        for k, line in enumerate(lines):
            parts.append(text(PAD, y + LINE * (k + 1) - 4, line, size=lay.font, weight=weight))
        parts.append(text(lay.width - PAD, y + LINE - 4, value, "end", lay.font))
        bar_tops.append(y + LINE * len(lines) + 1)
        y = bar_tops[-1] + BAR_H + GAP
    return [*parts, "</g>"], bar_tops, y


def _axis_below(px: Callable[[float], float], marks: Sequence[float], top: float, bottom: float, label: str,
                lay: Layout) -> tuple[list[str], list[str], float]:
    """Narrow layout: grid lines from ``top`` to ``bottom`` (drawn behind everything), tick labels and the axis
    title (wrapped) under them; the baseline of the title's last line."""
    marks = thin_ticks(marks, px, lay.font, tick_text)
    grid = [f'<line x1="{px(t):.1f}" y1="{top:.1f}" x2="{px(t):.1f}" y2="{bottom:.1f}" stroke="#e5e5e5"/>'
            for t in marks]
    labels = []
    for t in marks:  # ends kept inside the view box
        x, anchor = px(t), "middle"
        half = text_px(tick_text(t), lay.font) / 2
        if x - half < 0:
            x, anchor = 0.0, "start"
        elif x + half > lay.width:
            x, anchor = float(lay.width), "end"
        labels.append(text(x, bottom + 16, tick_text(t), anchor, lay.font))
    y = bottom + 16
    for line in wrap_words(label, lay.width - 2 * PAD, lay.title):
        y += lay.title + 4
        labels.append(text(lay.width / 2, y, line, "middle", lay.title))
    return grid, labels, y


def bar_chart(title: str, bars: Sequence[Bar], x_label: str, log_x: bool = False,
              legend: Sequence[tuple[str, str]] = (), layout: Layout = WIDE) -> str:
    """Horizontal bars (log scale optional), labels on the left (one font size for the whole chart), values on the
    right; ``legend`` (label, colour) is drawn under the axis label."""
    vals = [v for b in bars for v in (b.value, b.low or b.value, b.high or b.value) if v > 0]
    lo = min(vals) / 2 if log_x else 0.0
    hi = max(vals) * (2 if log_x else 1.08)
    marks = [t for t in (log_ticks(lo, hi) if log_x else ticks(lo, hi)) if lo <= t <= hi]
    if layout.narrow:
        return _bar_chart_narrow(title, bars, x_label, _scale(lo, hi, PAD + 2, layout.width - PAD - 2, log_x),
                                 marks, legend, layout)
    height = max(120, 30 + 24 * len(bars) + 40) + (20 if legend else 0)
    axis_bottom = height - (20 if legend else 0)
    left, right = 300, 110
    px = _scale(lo, hi, left, layout.width - right, log_x)
    parts = []
    for t in marks:
        x = px(t)
        parts.append(f'<line x1="{x:.1f}" y1="20" x2="{x:.1f}" y2="{axis_bottom - 40}" stroke="#e5e5e5"/>')
        parts.append(text(x, axis_bottom - 24, num(t, trim=True), "middle", 11))
    parts.append(text((left + layout.width - right) / 2, axis_bottom - 6, x_label, "middle", 12))
    lx = float(left)
    if legend:
        parts.append('<g class="legend">')
    for name, color in legend:
        parts.append(f'<rect x="{lx:.1f}" y="{height - 16}" width="14" height="10" fill="{color}"/>')
        parts.append(text(lx + 18, height - 7, name, size=11))
        lx += 18 + text_px(name, 11) + 16
    if legend:
        parts.append("</g>")
    size = 11 if all(len(wrap_label(b.label, LABEL_CHARS - 4 * b.emphasis)) == 1
                     and len(b.label) <= LABEL_CHARS - 4 * b.emphasis for b in bars) else 10
    for i, b in enumerate(bars):
        y = 24 + 24 * i
        room = LABEL_CHARS - 4 * b.emphasis  # bold is wider; the full label stays in the tooltip
        lines = wrap_label(b.label, room)
        weight = "bold" if b.emphasis else "normal"
        if len(lines) == 1:
            parts.append(text(left - 8, y + 13, lines[0], "end", size, weight=weight))
        else:
            parts.append(text(left - 8, y + 7, lines[0], "end", 10, weight=weight))  # 12 apart: 11 overlapped
            parts.append(text(left - 8, y + 19, lines[1], "end", 10, weight=weight))
        parts.extend(_bar(b, px, left, y + 3, 15))
        parts.append(text(px(max(b.value, b.high or 0)) + 6, y + 14, _shown(b), size=11))
    return wrap_svg(parts, title, layout, height)


def _shown(b: Bar) -> str:
    return num(b.value) if b.low is None or b.high is None else f"{num(b.low)}–{num(b.high)}"


def _bar(b: Bar, px: Callable[[float], float], left: float, top: float, h: float) -> list[str]:
    """A bar from ``left`` to its value (outlined when emphasised, full label in its tooltip) and its range line."""
    outline = ' stroke="#222" stroke-width="1.5"' if b.emphasis else ""
    out = [f'<rect x="{left:g}" y="{top:g}" width="{max(1.0, px(b.value) - left):.1f}" height="{h:g}" '
           f'fill="{b.color}"{outline}><title>{escape(b.label)}: {num(b.value)} {escape(b.note)}</title></rect>']
    if b.low is not None and b.high is not None:
        out.append(f'<line x1="{px(b.low):.1f}" y1="{top + 7:g}" x2="{px(b.high):.1f}" y2="{top + 7:g}" '
                   f'stroke="#222" stroke-width="1.5"/>')
    return out


def _bar_chart_narrow(title: str, bars: Sequence[Bar], x_label: str, px: Callable[[float], float],
                      marks: Sequence[float], legend: Sequence[tuple[str, str]], lay: Layout) -> str:
    labels, tops, bottom = _label_rows([(b.label, _shown(b), b.emphasis) for b in bars], 4, lay)
    grid, axis, y = _axis_below(px, marks, 4, bottom - GAP + 4, x_label, lay)
    parts = grid + labels  # grid lines behind the labels and bars
    for b, top in zip(bars, tops, strict=True):
        parts.extend(_bar(b, px, PAD + 2, top, BAR_H))
    parts += axis
    if legend:
        drawn, y = _legend(legend, y + lay.font + 10, lay)
        parts += drawn
    return wrap_svg(parts, title, lay, math.ceil(y + 6))


def tornado_chart(title: str, rows: Sequence[tuple[str, float, float]], baseline: float, unit: str,
                  layout: Layout = WIDE) -> str:
    """Tornado: one bar per input from the output at its 5th to its 95th percentile, around ``baseline``."""
    vals = [v for _, a, b in rows for v in (a, b)] + [baseline]
    lo, hi = min(vals), max(vals)
    span = (hi - lo) or 1.0
    lo, hi = lo - 0.05 * span, hi + 0.05 * span
    nominal = f"nominal (inputs as stated) {num(baseline)} {unit}"
    axis_title = f"{unit} (input at its 5th → 95th percentile, others nominal)"
    if layout.narrow:
        return _tornado_narrow(title, rows, baseline, nominal, axis_title, _scale(lo, hi, PAD + 2,
                                                                                  layout.width - PAD - 2, False),
                               ticks(lo, hi), layout)
    height = max(120, 50 + 28 * len(rows) + 30)
    swings = [f"{num(a)} → {num(b)}" for _, a, b in rows]  # each written right of its bar: room for the longest
    left, right = 260, max(90, math.ceil(max((text_px(w, 11) for w in swings), default=0.0)) + 10)
    px = _scale(lo, hi, left, layout.width - right, False)
    parts = [f'<line x1="{px(baseline):.1f}" y1="20" x2="{px(baseline):.1f}" y2="{height - 40}" stroke="#222"/>',
             text(px(baseline), 14, nominal, "middle", 11)]
    for t in ticks(lo, hi):
        parts.append(text(px(t), height - 22, num(t, trim=True), "middle", 12))
    for i, (name, at_p5, at_p95) in enumerate(rows):
        y = 28 + 28 * i
        b = max(at_p5, at_p95)
        parts.append(text(left - 8, y + 14, name, "end", 12))
        parts.append(_swing(name, at_p5, at_p95, px, y + 2, 18))
        parts.append(text(px(b) + 6, y + 15, swings[i], size=11))
    parts.append(text((left + layout.width - right) / 2, height - 5, axis_title, "middle", 11))
    return wrap_svg(parts, title, layout, height)


def _swing(name: str, at_p5: float, at_p95: float, px: Callable[[float], float], top: float, h: float) -> str:
    a, b = sorted((at_p5, at_p95))
    return (f'<rect x="{px(a):.1f}" y="{top:g}" width="{max(1.0, px(b) - px(a)):.1f}" height="{h:g}" '
            f'fill="{PALETTE[1] if at_p95 < at_p5 else PALETTE[0]}"><title>{escape(name)}: '
            f'{num(at_p5)} at its 5th percentile, {num(at_p95)} at its 95th</title></rect>')


def _tornado_narrow(title: str, rows: Sequence[tuple[str, float, float]], baseline: float, nominal: str,
                    axis_title: str, px: Callable[[float], float], marks: Sequence[float], lay: Layout) -> str:
    x = px(baseline)  # the nominal label over its line, kept inside the view box
    half = text_px(nominal, lay.font) / 2
    x, anchor = ((PAD, "start") if x - half < PAD else (lay.width - PAD, "end") if x + half > lay.width - PAD
                 else (x, "middle"))
    labels, tops, bottom = _label_rows([(name, f"{num(a)} → {num(b)}", False) for name, a, b in rows],
                                       lay.font + 10, lay)
    parts, axis, y = _axis_below(px, marks, lay.font + 10, bottom - GAP + 4, axis_title, lay)
    parts.append(f'<line x1="{px(baseline):.1f}" y1="{lay.font + 8}" x2="{px(baseline):.1f}" '
                 f'y2="{bottom - GAP + 4:.1f}" stroke="#222"/>')
    parts.append(text(x, lay.font + 2, nominal, anchor, lay.font))
    parts += labels
    parts += [_swing(name, a, b, px, top, BAR_H) for (name, a, b), top in zip(rows, tops, strict=True)]
    parts += axis
    return wrap_svg(parts, title, lay, math.ceil(y + 6))
