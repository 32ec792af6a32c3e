"""What every inline-SVG chart of the report is drawn with: the two layouts (wide and narrow), text, ticks, estimated
text boxes, line wrapping and the ``<svg>`` wrapper.

Each chart is drawn twice from the same data: the **wide** layout (a 760-unit-wide view box, legend and reference
labels in a right margin) for desktop screens and print, and the **narrow** layout (400 units wide, legend under the
plot, labels above bars or on the plot) for phones. The page's style sheet shows one of them (:mod:`.style`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise

from .labels import num

PALETTE = ("#1b6ca8", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f", "#2e4057")

#: Approximate advance of one character of 10 px system-ui text [px] (generous, so estimated boxes cover the text).
CHAR_PX_10 = 6.0

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Layout:
    """The geometry of one drawing of a chart (view-box units; the page scales the view box to the screen width).

    ``font`` is the size of every ordinary text (ticks, legend, labels), ``small`` the smallest (marker labels,
    notes on bars), ``title`` the axis titles; ``height`` and the four margins are the line chart's."""

    name: str
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    font: int
    small: int
    title: int

    @property
    def narrow(self) -> bool:
        return self.name == "narrow"


#: The desktop and print drawing. Its smallest text (10 units, two-line bar labels) is 11 CSS px or more when the
#: chart is at least 836 px wide, which the page ensures by showing it only on screens wider than
#: :data:`BREAKPOINT_PX` (and in print).
WIDE = Layout("wide", 760, 360, 70, 190, 20, 45, font=12, small=11, title=13)
#: The phone drawing: 400 units, about the content width of a 420 px screen (420 px less 2 × 0.6 rem of page
#: padding = 401 px), so 1 unit ≈ 1 CSS px there. All its text is 13 units: at least 11 CSS px wherever the chart is
#: 339 px wide or more (a 360 px phone: 341 px), 13 px at 420 px. Line-chart margins are computed per chart.
NARROW = Layout("narrow", 400, 330, 0, 12, 30, 0, font=13, small=13, title=13)
#: Screens up to this width [CSS px] get the narrow drawing (:mod:`.style`): the wide drawing's 10-unit text reaches
#: 11 CSS px only when the chart is 836 px wide, i.e. on a screen of about 868 px plus a scrollbar.
BREAKPOINT_PX = 900
#: Widest the narrow drawing is shown [CSS px] (on a tablet just under the breakpoint its text stays at 13 × 520 / 400
#: ≈ 17 px instead of growing with the screen).
NARROW_MAX_PX = 520


def variants(draw: Callable[[Layout], str]) -> str:
    """The chart drawn in both layouts (wide first, then narrow); the style sheet shows one."""
    return draw(WIDE) + draw(NARROW)


def text(x: float, y: float, s: str, anchor: str = "start", size: int = 12, color: str = "#222",
         weight: str = "normal") -> str:
    """An SVG ``<text>`` at baseline ``y`` (``font-weight`` written only when bold: normal is the default)."""
    bold = "" if weight == "normal" else f' font-weight="{weight}"'
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{color}"{bold}>'
            f"{escape(s)}</text>")


#: Texts drawn over grid lines (narrow bar labels) go in this group: a white outline under each letter, so that the
#: lines behind do not cross it (SVG presentation attributes are inherited).
HALO = '<g stroke="#fff" stroke-width="3" paint-order="stroke">'


def wrap_svg(parts: Sequence[str], title: str, layout: Layout, height: float) -> str:
    """The ``<svg>`` element of one drawing: full width of its figure, view box ``layout.width`` × ``height``,
    class ``chart wide`` or ``chart narrow`` (the style sheet shows one of the two)."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {layout.name}" viewBox="0 0 {layout.width} '
            f'{height:g}" width="100%" role="img" aria-label="{escape(title)}" font-family="system-ui, sans-serif">'
            f"<title>{escape(title)}</title>" + "".join(parts) + "</svg>")


def ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About ``n`` round ticks (steps of 1, 2, 2.5 or 5 × a power of ten) from ``lo`` to ``hi``."""
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


def log_ticks(lo: float, hi: float) -> list[float]:
    """Ticks of a log axis inside [lo, hi]: powers of ten, with 2 and 5 between them when the axis spans fewer than
    three decades (a 0.5–7 TWh axis had only the labels 1 and 10), so that there are at least four labels."""
    decades = range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
    steps = (1.0, 2.0, 5.0) if math.log10(hi / lo) < 3 else (1.0,)
    marks = [m * 10.0**k for k in decades for m in steps]
    inside = [t for t in marks if lo <= t <= hi]
    if len(inside) < 4:
        marks = [m * 10.0**k for k in decades for m in (1.0, 1.5, 2.0, 3.0, 5.0, 7.0)]
        inside = [t for t in marks if lo <= t <= hi]
    return inside


def thin_ticks(values: Sequence[float], px: Callable[[float], float], size: int, fmt: Callable[[float], str],
               gap: float = 8.0) -> list[float]:
    """``values`` with every second one dropped (repeatedly) until their centred labels at ``size`` are ``gap``
    apart; a wide axis keeps them all."""
    kept = list(values)
    while len(kept) > 2:
        boxes = [label_box(px(v), 0.0, fmt(v), "middle", size) for v in kept]
        if all(a[2] + gap <= b[0] for a, b in pairwise(boxes)):
            break
        kept = kept[::2]
    return kept


def tick_text(t: float) -> str:
    """An axis tick's label (trailing zeros trimmed)."""
    return num(t, trim=True)


def text_px(s: str, size: int, bold: bool = False) -> float:
    """Estimated width of ``s`` at ``size`` [units] (generous; bold about 10 % wider)."""
    return len(s) * CHAR_PX_10 * size / 10 * (1.1 if bold else 1.0)


def label_box(x: float, y: float, s: str, anchor: str, size: int = 10) -> Box:
    """Estimated bounding box (x0, y0, x1, y1) of an SVG text at baseline ``y``."""
    w = text_px(s, size)
    x0 = x - w / 2 if anchor == "middle" else (x - w if anchor == "end" else x)
    return x0, y - 0.85 * size, x0 + w, y + 0.25 * size


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def wrap_words(s: str, room_px: float, size: int, bold: bool = False) -> list[str]:
    """``s`` broken at spaces into lines no wider than ``room_px`` at ``size`` (a word longer than a line is cut
    where the line ends); nothing is left out."""
    per_line = max(4, int(room_px / text_px("x", size, bold)))
    lines: list[str] = []
    line = ""
    for word in s.split():
        while len(word) > per_line:  # a word too long for any line: break it
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:per_line])
            word = word[per_line:]
        if line and len(line) + 1 + len(word) > per_line:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line or not lines:
        lines.append(line)
    return lines


def legend_flow(items: Sequence[tuple[str, str]], x0: float, y0: float, width: float, size: int
                ) -> tuple[list[tuple[float, float, str, str]], float]:
    """Legend entries (swatch kind, label) laid out left to right from (x0, baseline y0), on a new row when the next
    one would pass ``x0 + width``: ``[(x, baseline, kind, label)]`` and the baseline after the last row."""
    out = []
    x, y, row = x0, y0, size + 5
    for kind, name in items:
        w = 20 + text_px(name, size)
        if x > x0 and x + w > x0 + width:
            x, y = x0, y + row
        out.append((x, y, kind, name))
        x += w + 14
    return out, y + row
