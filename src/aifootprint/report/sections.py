"""Report sections: each takes plain data (so it can be tested with any numbers) and returns an HTML
``<section>`` with its chart, a caption, and the sources and assumptions under the chart."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from ..notice import Notice
from .labels import DIMENSIONLESS, UNIT_WORDS, label, num, plain_words, quantity, reader_notice
from .svg import PALETTE, Bar, Marker, RefLine, Series, bar_chart, line_chart, off_scale, tornado_chart, variants


@dataclass(frozen=True)
class Notes:
    """What goes under every chart: sources (citations) and assumptions; ``flags`` are fallbacks/caveats."""

    sources: Sequence[str] = ()
    assumptions: Sequence[str] = ()
    flags: Sequence[str | Notice] = ()


#: A source key as written in notes ("UPTIME", "CC-IEA19", "HF-CONFIG-LLAMA-3.1-70B"), alone or joined by ";".
_KEY = r"[A-Z][A-Z0-9]*(?:[-.][A-Z0-9]+)*[a-z]?"
_KEYS = re.compile(rf"(?<![\w.-]){_KEY}(?:;{_KEY})*(?![\w-])")


def cite_keys(text: str) -> str:
    """Escaped ``text`` with its source keys marked for numbering: each becomes ``[n]`` when the page cites that
    key in full (:func:`number_citations`), else stays as written; ``"UPTIME;GREENBIZ-WUE"`` -> ``[3][4]``."""
    def mark(m: re.Match[str]) -> str:
        return "".join(f'<cite data-ref="{k}" class="key">{k}</cite>' for k in m.group(0).split(";"))

    return _KEYS.sub(mark, escape(text))


_BACKTICKS = re.compile(r"`([^`<>]+)`")


def note_html(text: str) -> str:
    """A note line as HTML: registry references in words (:func:`plain_words`), source keys marked for numbering
    (:func:`cite_keys`), Markdown ``code`` spans as ``<code>``."""
    return _BACKTICKS.sub(r"<code>\1</code>", cite_keys(plain_words(text)))


def _notes_html(n: Notes) -> str:
    out = ['<div class="notes">']
    if n.flags:
        out.append('<p class="flag">' + "<br>".join(note_html(reader_notice(f)) for f in n.flags) + "</p>")
    if n.sources:  # numbered by :func:`number_citations` when the page is assembled
        out.append('<p class="cites"><strong>Sources:</strong> '
                   + " ".join(f'<cite data-ref="{escape(_cite_key(c))}">{escape(c)}</cite>' for c in n.sources)
                   + "</p>")
    if n.assumptions:
        out.append("<h4>Assumptions</h4><ul>" + "".join(f"<li>{note_html(a)}</li>" for a in n.assumptions) + "</ul>")
    out.append("</div>")
    return "".join(out)


def table_wrap(table: str) -> str:
    """A table in its own horizontally scrolling box, so a wide table never makes the page scroll sideways."""
    return f'<div class="table-wrap">{table}</div>'


def _section(sid: str, title: str, lede: str, figure: str, notes: Notes, extra: str = "") -> str:
    return (f'<section id="{escape(sid)}"><h2>{escape(title)}</h2><p class="lede">{lede}</p>'
            f"<figure>{figure}</figure>{extra}{_notes_html(notes)}</section>")


def _cite_key(citation: str) -> str:
    """The source key of a citation line ``"KEY: authors, title …"`` (the whole line when it has no key)."""
    key, sep, _ = citation.partition(": ")
    return key if sep and " " not in key else citation


_CITE = re.compile(r'<cite data-ref="([^"]*)"( class="key")?>(.*?)</cite>', re.S)
_CITES_P = re.compile(r'(<p class="cites"><strong>Sources:</strong> )(.*?)(</p>)', re.S)
_REF = re.compile(r'<a class="ref" href="#ref-(\d+)"[^>]*>\[\d+\]</a>')
_SECTION = re.compile(r"<section\b.*?</section>", re.S)
_URL = re.compile(r"https?://[^\s<>\"]+?(?=[.,;)]?(?:\s|$|<))")


def _link_urls(entry: str) -> str:
    return _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', entry)


def number_citations(body: str) -> tuple[str, list[str]]:
    """Replace each section's citations by numbered links ``[n]`` (numbered in order of first use) and return the
    body with the bibliography entries (``<li>`` of the full citations, URLs as links, in number order), each source
    listed once; no citation -> no entry. A source key in a note (:func:`cite_keys`) becomes the link of its full
    citation, or stays as written when the page does not cite it; each section's "Sources:" list is everything the
    section cites (its sources, and keys in its notes, flags and equivalences), in numeric order."""
    numbers: dict[str, int] = {}
    entries: list[str] = []
    for m in _CITE.finditer(body):
        key = m.group(1)
        if not m.group(2) and key not in numbers:
            numbers[key] = len(numbers) + 1
            entries.append(f'<li id="ref-{numbers[key]}">{_link_urls(m.group(3))}</li>')

    def link(m: re.Match[str]) -> str:
        key = m.group(1)
        if key not in numbers:  # a key-like word that no source of the page has
            return m.group(3)
        n = numbers[key]
        return f'<a class="ref" href="#ref-{n}" title="{key}">[{n}]</a>'

    def union(section: str) -> str:  # Sources: everything the section cites, in numeric order
        links = {int(r.group(1)): r.group(0) for r in _REF.finditer(section)}
        return _CITES_P.sub(lambda m: m.group(1) + " ".join(links[k] for k in sorted(links)) + m.group(3), section)

    linked = _CITE.sub(link, body)
    return (_SECTION.sub(lambda m: union(m.group(0)), linked) if "<section" in linked else union(linked)), entries


# --------------------------------------------------------------------------------------------- sector trajectory
@dataclass(frozen=True)
class Trajectory:
    """Per-year low/best/high of an energy projection, reference lines and published markers."""

    title: str
    years: Sequence[int]
    best: Sequence[float]
    low: Sequence[float]
    high: Sequence[float]
    unit: str = "TWh/yr"
    refs: Sequence[RefLine] = ()
    markers: Sequence[Marker] = ()
    notes: Notes = field(default_factory=Notes)
    quantity: str = "electricity"  # what the values are: "electricity" (facility) or "IT (server) electricity"
    extra: str = ""  # a sentence added to the lede (plain text)


#: Label of a one-year chart's 5th–95th percentile bar, a marker drawn with the published ones (not one of them).
SPREAD_LABEL = "5th–95th percentile"


def has_spread(low: float, high: float) -> bool:
    """Whether the draws spread at all: 5th and 95th percentile apart by more than rounding."""
    return high - low > 1e-9 * max(abs(low), abs(high), 1e-300)


def spread_text(low: float, high: float) -> str:
    """The 5th–95th percentile for a lede, or, where every draw gives the same value (a scenario whose inputs for
    this figure are all fixed, e.g. ``devries-2023-chatgpt``), that there is no spread, instead of "0.206–0.206"."""
    if has_spread(low, high):
        return f"5th–95th percentile {num(low)}–{num(high)}"
    return "no spread: every input this figure depends on is a fixed value"


def sector_section(t: Trajectory) -> str:
    """The sector trajectory with its 5th–95th percentile band (or, for one year, the percentile bar) and country
    reference lines."""
    last = len(t.years) - 1
    band = last > 0 and any(hi > lo for lo, hi in zip(t.low, t.high, strict=True))
    label = "best, 5–95 % band" if band else "best (median of the draws)"
    kinds = {m.color: m.label for m in t.markers if m.label != SPREAD_LABEL}
    legend = [("published estimate" if not label_.startswith("AI only") else "AI only, published", color)
              for color, label_ in kinds.items()]
    series = [Series(label, t.years, t.best, t.low, t.high, PALETTE[0])]
    chart = variants(lambda lay: line_chart(t.title, series, "year", f"{t.quantity} [{t.unit}]", refs=t.refs,
                                            markers=t.markers, marker_legend=legend, layout=lay))
    far = [r.label for r in off_scale(t.refs, series, t.markers)]
    listed = (f" ({' and '.join(far)} {'is' if len(far) == 1 else 'are'} far above these values: listed under the "
              "chart, not drawn)") if far else ""
    start = f"{num(t.best[0])} {escape(t.unit)} in {t.years[0]} → " if last > 0 else ""
    bars = "; bars: published estimates" if kinds else ""  # none drawn (their figures are other quantities): not said
    lede = (f"<strong>{escape(t.title)}</strong>, {escape(t.quantity)}: {start}"
            f"<strong>{num(t.best[last])} {escape(t.unit)}</strong> in {t.years[last]} "
            f"({spread_text(t.low[last], t.high[last])}). Dotted lines: countries' annual "
            f"electricity generation and the Bitcoin network, for scale{escape(listed)}{bars}."
            + (f" {escape(t.extra)}" if t.extra else ""))
    rows = "".join(f"<tr><td>{y}</td><td>{num(lo)}</td><td>{num(b)}</td><td>{num(hi)}</td></tr>"
                   for y, lo, b, hi in zip(t.years, t.low, t.best, t.high, strict=True))
    what = "facility electricity" if t.quantity == "electricity" else t.quantity
    table = table_wrap(f'<table class="data"><caption>{escape(what)} [{escape(t.unit)}] by year: 5th percentile, '
                       "median and 95th percentile of the draws</caption><thead><tr><th>year</th><th>low (p5)</th>"
                       f"<th>best (median of draws)</th><th>high (p95)</th></tr></thead><tbody>{rows}</tbody></table>")
    return _section("sector", "Sector trajectory", lede, chart, t.notes, table)


# --------------------------------------------------------------------------------------------- sensitivity
@dataclass(frozen=True)
class Tornado:
    title: str
    rows: Sequence[tuple[str, float, float]]  # input, output at its p5, output at its p95
    baseline: float
    unit: str
    notes: Notes = field(default_factory=Notes)


def tornado_section(t: Tornado, sid: str = "sensitivity", heading: str = "What matters most (sensitivity)") -> str:
    """Which input moves the result most (one-at-a-time 5th→95th percentile swing)."""
    chart = variants(lambda lay: tornado_chart(t.title, t.rows, t.baseline, t.unit, layout=lay))
    top = t.rows[0][0] if t.rows else "none"
    lede = f"{escape(t.title)}: the input that moves the result most is <strong>{escape(top)}</strong>."
    return _section(sid, heading, lede, chart, t.notes)


# --------------------------------------------------------------------------------------------- rebound
@dataclass(frozen=True)
class Rebound:
    title: str
    years: Sequence[int]
    paths: Sequence[tuple[float, Sequence[float], bool]]  # elasticity, energy per year, rises despite efficiency
    unit: str
    growth: float
    gain: float
    breakeven: float
    notes: Notes = field(default_factory=Notes)


def rebound_section(r: Rebound) -> str:
    """Total energy for several demand elasticities: when does total use rise despite efficiency (Jevons)?"""
    series = [Series(f"elasticity {eps:g}{' (rises)' if rising else ''}", r.years, path,
                     color=PALETTE[i % len(PALETTE)], dashed=not rising)
              for i, (eps, path, rising) in enumerate(r.paths)]
    chart = variants(lambda lay: line_chart(r.title, series, "year", f"electricity [{r.unit}]", log_y=True,
                                            layout=lay))
    rising = [f"{eps:g}" for eps, _, up in r.paths if up]
    lede = (f"Energy per request falls {100 * r.gain:.0f} %/yr while demand grows {100 * r.growth:.0f} %/yr. "
            f"Total use rises despite efficiency for any elasticity above <strong>{r.breakeven:.2f}</strong>"
            f" (here: {', '.join(rising) or 'none'}). No published elasticity for AI exists: these are assumptions.")
    head = "".join(f"<th>elasticity {eps:g}</th>" for eps, _, _ in r.paths)
    body = "".join(f"<tr><td>{y}</td>" + "".join(f"<td>{num(path[i])}</td>" for _, path, _ in r.paths) + "</tr>"
                   for i, y in enumerate(r.years))
    table = table_wrap(f'<table class="data"><caption>total electricity [{escape(r.unit)}] by demand elasticity'
                       f"</caption><thead><tr><th>year</th>{head}</tr></thead><tbody>{body}</tbody></table>")
    return _section("rebound", "Rebound: efficiency versus demand (Jevons' paradox)", lede, chart, r.notes, table)


# --------------------------------------------------------------------------------------------- life cycle
@dataclass(frozen=True)
class Lifecycle:
    """Training energy versus cumulative inference energy over a model's life."""

    model: str
    training_mwh: float
    inference_mwh_per_day: float
    days: int
    notes: Notes = field(default_factory=Notes)

    @property
    def break_even_day(self) -> float:
        return self.training_mwh / self.inference_mwh_per_day if self.inference_mwh_per_day > 0 else float("inf")


def lifecycle_section(lc: Lifecycle) -> str:
    """Cumulative training + inference energy; the break-even day when inference has used as much as training."""
    step = max(1, lc.days // 60)
    days = list(range(0, lc.days + 1, step))
    if days[-1] != lc.days:
        days.append(lc.days)
    inference = [lc.inference_mwh_per_day * d for d in days]
    training = [lc.training_mwh for _ in days]
    be = lc.break_even_day
    title = lc.model if " vs " in lc.model else f"{lc.model}: training vs inference"
    lines = [Series("training (one-off)", days, training, color=PALETTE[1]),
             Series("inference (cumulative)", days, inference, color=PALETTE[0])]
    marks = [Marker(f"break-even: day {be:.1f}", be, lc.training_mwh, lc.training_mwh)] if be <= lc.days else []
    chart = variants(lambda lay: line_chart(title, lines, "days in service", "energy [MWh]", markers=marks,
                                            layout=lay))
    lede = (f"{escape(title)}: training used <strong>{num(lc.training_mwh)} MWh</strong>; serving uses "
            f"<strong>{num(lc.inference_mwh_per_day)} MWh per day</strong>, so inference has used as much energy "
            f"as training after <strong>{be:.1f} days</strong> (the break-even day).")
    return _section("lifecycle", "Training versus inference over a model's life", lede, chart, lc.notes)


# --------------------------------------------------------------------------------------------- per request
@dataclass(frozen=True)
class BoundaryRow:
    """One model's energy per request at one boundary: total (low/best/high) and its terms [Wh]."""

    boundary: str
    low: float
    best: float
    high: float
    terms: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class PerRequest:
    title: str
    bars: Sequence[Bar]
    notes: Notes = field(default_factory=Notes)
    boundaries: Sequence[BoundaryRow] = ()
    model: str = ""


TERMS = ("prefill", "decode", "host", "idle", "overhead")


def _boundary_table(p: PerRequest) -> str:
    """The model's energy per request at each boundary: terms and total (numbers kept on one line each)."""
    if not p.boundaries:
        return ""
    head = "".join(f"<th>{t} [Wh]</th>" for t in TERMS)
    rows = "".join(f'<tr><td class="text">{escape(r.boundary)}</td>'
                   + "".join(f'<td class="num">{num(r.terms.get(t, 0.0))}</td>' for t in TERMS)
                   + f'<td class="num"><strong>{num(r.best)}</strong> ({num(r.low)}–{num(r.high)})</td></tr>'
                   for r in p.boundaries)
    return (f"<h4>{escape(p.model)}: energy per request by measurement boundary</h4>"
            + table_wrap('<table class="data"><thead><tr><th class="text">boundary</th>'
                         f'{head}<th>total [Wh], median <span class="nw">(p5–p95)</span></th></tr></thead>'
                         f"<tbody>{rows}</tbody></table>"))


def per_request_section(p: PerRequest) -> str:
    """Energy per request across model sizes/tasks and measurement boundaries (right-sizing)."""
    chart = variants(lambda lay: bar_chart(p.title, p.bars, "Wh per request (log scale; lines: 5th–95th percentile "
                                           "or published range)", log_x=True, layout=lay))
    vals = [b.value for b in p.bars if b.value > 0]
    spread = max(vals) / min(vals) if vals else 1.0
    lede = (f"Per-request energy spans a factor of <strong>{num(spread)}</strong> across tasks, model sizes and "
            "boundaries: a small task-specific model, or the narrow accelerator-only boundary, is far below a large "
            "generative model measured at the full serving boundary. Right-size the model to the task.")
    dc = next((r for r in p.boundaries if r.boundary == "datacenter"), None)
    if dc is not None:
        lede += (f" <strong>{escape(p.model)}</strong> (highlighted ▶): <strong>{num(dc.best)} Wh</strong> per "
                 f"request at the data-centre boundary ({num(dc.low)}–{num(dc.high)}).")
    return _section("per-request", "Energy per request: model size, task and boundary", lede, chart, p.notes,
                    _boundary_table(p))


@dataclass(frozen=True)
class WaterByLocation:
    title: str
    energy_wh: float
    bars: Sequence[Bar]
    notes: Notes = field(default_factory=Notes)
    model: str = ""


def water_section(w: WaterByLocation) -> str:
    """Water consumed per request (on-site + off-site) by location."""
    chart = variants(lambda lay: bar_chart(w.title, w.bars, "mL of water consumed per request", layout=lay))
    lo = min(w.bars, key=lambda b: b.value)
    hi = max(w.bars, key=lambda b: b.value)
    who = f" {escape(w.model)}" if w.model and w.model not in ("given", "published") else ""
    lede = (f"The same{who} request ({num(w.energy_wh)} Wh of IT energy) consumes <strong>{num(lo.value)} mL"
            f"</strong> of water in {escape(lo.label)} and <strong>{num(hi.value)} mL</strong> in "
            f"{escape(hi.label)}: {num(500 / hi.value)} to {num(500 / lo.value)} requests per 500 mL bottle.")
    return _section("water", "Water per request by location", lede, chart, w.notes)


@dataclass(frozen=True)
class EquivalenceBlock:
    amount: str
    lines: Sequence[tuple[str, str]]  # text, source


def equivalences_section(blocks: Sequence[EquivalenceBlock], notes: Notes) -> str:
    """The scenario's headline amounts in familiar terms."""
    parts = []
    for b in blocks:
        items = "".join(f'<li>{escape(t)} <span class="src">{cite_keys(s)}</span></li>' for t, s in b.lines)
        parts.append(f"<div class=\"eq\"><h3>{escape(b.amount)} is about</h3><ul>{items}</ul></div>")
    return _section("equivalences", "Equivalences", "What these amounts mean in everyday terms.",
                    '<div class="eqs">' + "".join(parts) + "</div>", notes)


def assumption_line(a: Any) -> str:
    """One assumption as a note line for readers: ``Label: value unit — source`` (one number format, :func:`num`)."""
    return f"{label(a.name)}: {quantity(a.value, a.unit)} — {a.source}"


def human_name(name: str, unit: str = "") -> str:
    """A readable label for an input identifier with its unit: ``demand_growth_fraction`` (unit 1/yr) -> "Demand
    growth (per year)", ``intensity_g_per_kwh`` -> "Grid carbon intensity [gCO2e/kWh]", ``pue`` -> "PUE (power
    usage effectiveness)"."""
    text = label(name)
    u = unit.strip()
    if u in UNIT_WORDS:
        return f"{text} ({UNIT_WORDS[u]})"
    return text if u in DIMENSIONLESS else f"{text} [{u}]"
