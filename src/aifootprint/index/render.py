"""The index as one HTML page: tables (readable without scripts), charts drawn by the bundled Chart.js.

Every value written into the page is escaped; the chart data travel as JSON in a ``<script type=
"application/json">`` element (``<`` escaped) read by the bundled ``index.js``: no inline script, no eval, no
network (the page works under ``Content-Security-Policy: default-src 'self'``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from typing import Any

from ..sector.equivalences import fmt
from .changes import Changes, FigureChange
from .model import Figure, IndexData, Section

#: Bundled assets the page loads (folder ``static/`` of this package; vendored Chart.js: see docs/index-page.md).
ASSETS = ("chart.umd.min.js", "charts.js", "index.js", "index.css", "LICENSE.chartjs.md")

BOUNDARY_NAMES = {"accelerator": "accelerator only", "server": "server", "datacenter": "whole data centre",
                  "facility": "whole data centre", "IT": "IT (servers)", "unknown": "not stated", "": "–"}


def _num(f: Figure) -> str:
    if f.low is None or f.high is None:
        return escape(fmt(f.best))
    return f"{escape(fmt(f.best))} <span class=\"rng\">({escape(fmt(f.low))}–{escape(fmt(f.high))})</span>"


def _src_links(keys: Sequence[str]) -> str:
    return ", ".join(f'<a href="#src-{escape(k)}">{escape(k)}</a>' for k in keys)


def _table(section: Section) -> str:
    """Pivot: one row per group, one column per quantity; sources common to every row are listed once."""
    groups = list(dict.fromkeys(f.group for f in section.figures))
    cols = list(dict.fromkeys((f.label, f.unit) for f in section.figures))
    cell = {(f.group, f.label, f.unit): f for f in section.figures}
    first = {g: next(f for f in section.figures if f.group == g) for g in groups}
    common = [k for k in first[groups[0]].sources if all(k in first[g].sources for g in groups)] if groups else []
    methods = {first[g].method for g in groups}
    head = "".join(f"<th>{escape(label)} [{escape(unit)}]</th>" for label, unit in cols)
    show_method = len(methods) > 1
    rows = []
    for g in groups:
        f0 = first[g]
        cells = "".join(f"<td class=\"num\">{_num(cell[(g, lb, u)])}</td>" if (g, lb, u) in cell else "<td></td>"
                        for lb, u in cols)
        own = [k for k in f0.sources if k not in common]
        tag = ' <span class="pub">published</span>' if f0.kind == "published" else ""
        method = f"<td class=\"method\">{escape(f0.method)}</td>" if show_method else ""
        rows.append(f"<tr><th scope=\"row\">{escape(g)}{tag}</th>{cells}"
                    f"<td>{escape(BOUNDARY_NAMES.get(f0.boundary, f0.boundary))}</td>"
                    f"<td class=\"src\">{_src_links(own)}</td>{method}</tr>")
    out = (f"<div class=\"scroll\"><table class=\"data\"><thead><tr><th></th>{head}<th>boundary</th><th>sources</th>"
           f"{'<th>method</th>' if show_method else ''}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")
    if not show_method and methods:
        out += f"<p class=\"method\"><b>Method:</b> {escape(methods.pop())}</p>"
    if common:
        out += f"<p class=\"src\"><b>Sources of every row:</b> {_src_links(common)}</p>"
    return out


def _long_table(section: Section) -> str:
    """A row per figure; each group's method once, below the table."""
    rows = "".join(
        f"<tr><th scope=\"row\">{escape(f.group)}</th><td>{escape(f.label)} [{escape(f.unit)}]</td>"
        f"<td class=\"num\">{_num(f)}</td><td>{escape(BOUNDARY_NAMES.get(f.boundary, f.boundary))}</td>"
        f"<td class=\"src\">{_src_links(f.sources)}</td></tr>" for f in section.figures)
    methods = dict.fromkeys((f.group, f.method) for f in section.figures)
    listed = "".join(f"<li><b>{escape(g)}:</b> {escape(m)}</li>" for g, m in methods)
    return (f"<div class=\"scroll\"><table class=\"data\"><thead><tr><th></th><th>quantity</th><th>value</th>"
            f"<th>boundary</th><th>sources</th></tr></thead><tbody>{rows}</tbody></table></div>"
            f"<p class=\"method\"><b>Method:</b></p><ul class=\"method\">{listed}</ul>")


def _section(section: Section, data_version: str, method_version: str) -> str:
    head = f"<section id=\"{escape(section.id)}\"><h2>{escape(section.title)}</h2>"
    if section.missing:
        return head + f"<p class=\"flag\">{escape(section.missing)}</p></section>"
    chart = (f"<div class=\"chart chart-{escape(section.chart)}\"><canvas "
             f"data-section=\"{escape(section.id)}\" role=\"img\" aria-label=\"chart: {escape(section.title)}\">"
             "</canvas></div>") if section.chart else ""
    notes = "".join(f"<li>{escape(n)}</li>" for n in section.notes)
    warnings = list(dict.fromkeys(w for f in section.figures for w in f.warnings))
    warn = (f"<details><summary>{len(warnings)} warning(s)</summary><ul>"
            + "".join(f"<li>{escape(w)}</li>" for w in warnings) + "</ul></details>") if warnings else ""
    return (head + f"<p class=\"lede\">{escape(section.lede)}</p>{chart}"
            + ((_long_table(section) if section.table == "long" else _table(section)) if section.figures else "")
            + (f"<ul class=\"notes\">{notes}</ul>" if notes else "") + warn
            + f"<p class=\"ver\">data {escape(data_version)} · method {escape(method_version)}</p></section>")


def _change(c: FigureChange) -> str:
    return c.status if c.rel_change is None else f"{100 * c.rel_change:+.1f} %"


def _changes(ch: Changes) -> str:
    head = "<section id=\"changes\"><h2>What changed since the previous data version</h2>"
    if not ch.previous_version:
        return head + (f"<p class=\"flag\">Only one data version ({escape(ch.current_version)}) is known to this "
                       "package: there is no earlier snapshot to compare with, so nothing is listed.</p></section>")
    why = ("computed by the same code as the current figures, so a change comes from the data" if ch.same_code else
           "computed by an earlier version of the code, so a change may come from the method as well as from the "
           "data")
    parts = [f"<p>Data version {escape(ch.current_version)} against {escape(ch.previous_version)} (the previous "
             f"figures were computed on that version's registry by method {escape(ch.previous_method_version)}, "
             f"{why}). {ch.unchanged} figures unchanged.</p>"]
    if ch.not_compared:
        parts.append(f"<p class=\"flag\">{ch.not_compared} figures not compared: {escape(ch.monte_carlo_note)}.</p>")
    if ch.figures:
        rows = "".join(
            f"<tr><td>{escape(c.group)}</td><td>{escape(c.label)} [{escape(c.unit)}]</td>"
            f"<td class=\"num\">{'' if c.before is None else escape(fmt(c.before))}</td>"
            f"<td class=\"num\">{'' if c.after is None else escape(fmt(c.after))}</td>"
            f"<td class=\"num\">{escape(_change(c))}</td></tr>" for c in ch.figures)
        parts.append("<div class=\"scroll\"><table class=\"data\"><thead><tr><th>figure</th><th>quantity</th>"
                     f"<th>before</th><th>now</th><th>change</th></tr></thead><tbody>{rows}</tbody></table></div>")
    else:
        parts.append("<p>No figure of the index changed.</p>")
    if ch.datasets:
        items = "".join(f"<li>{escape(n)}: {escape(s)}"
                        + (f" ({b if b is not None else '–'} → {a if a is not None else '–'} rows)") + "</li>"
                        for n, s, b, a in ch.datasets)
        parts.append(f"<p>Data files that changed:</p><ul class=\"notes\">{items}</ul>")
    return head + "".join(parts) + "</section>"


def chart_payload(data: IndexData) -> dict[str, Any]:
    """What ``index.js`` draws: per charted section its figures (first quantity per group) and series."""
    out: dict[str, Any] = {}
    for s in data.sections:
        if not s.chart or s.missing:
            continue
        first_label = s.figures[0].label if s.figures else ""
        one_unit = len({f.unit for f in s.figures}) == 1 and len({f.label for f in s.figures}) > 1
        shown = s.figures if one_unit else [f for f in s.figures if f.label == first_label]
        bars = [{"group": f"{f.group} ({f.label})" if one_unit else f.group, "best": f.best, "low": f.low,
                 "high": f.high, "unit": f.unit, "boundary": f.boundary, "kind": f.kind} for f in shown]
        first_label = "" if one_unit else first_label
        out[s.id] = {"type": s.chart, "title": s.title, "quantity": first_label, "bars": bars,
                     "series": [ser.to_dict() for ser in s.series]}
    return out


def json_for_script(value: Any) -> str:
    """JSON safe inside a ``<script type="application/json">`` element."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")


def render_index(data: IndexData, changes: Changes, asset_base: str = "assets/") -> str:
    """The page. ``asset_base``: URL prefix of the bundled assets (``assets/`` in the static site)."""
    base = escape(asset_base)
    toc = [(s.id, s.title) for s in data.sections] + [("changes", "What changed"), ("sources", "Sources")]
    nav = "".join(f"<li><a href=\"#{escape(i)}\">{escape(t)}</a></li>" for i, t in toc)
    body = "".join(_section(s, data.data_version, data.method_version) for s in data.sections)
    sources = "".join(f"<li id=\"src-{escape(k)}\"><b>{escape(k)}</b>: {escape(v)}</li>"
                      for k, v in sorted(data.sources.items()))
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<link rel=\"icon\" href=\"data:,\"><title>The living AI energy index</title>"
            f"<link rel=\"stylesheet\" href=\"{base}index.css\"></head><body><header>"
            "<h1>The living AI energy index</h1>"
            "<p class=\"lede\">The current best numbers on the electricity, carbon and water of AI, each with its "
            "source, its method and the data version it was computed from. Regenerated by aifootprint from its "
            "reference registry and built-in scenarios; ranges are the 5th–95th percentiles.</p>"
            f"<p class=\"ver\">data version <b>{escape(data.data_version)}</b> · method "
            f"<b>{escape(data.method_version)}</b> · aifootprint {escape(data.package_version)} · "
            "machine-readable: <a href=\"figures.json\">figures.json</a></p>"
            f"<nav><ul>{nav}</ul></nav></header><main>{body}{_changes(changes)}"
            f"<section id=\"sources\"><h2>Sources</h2><ul class=\"sources\">{sources}</ul></section></main>"
            f"<footer>Charts: Chart.js (MIT, <a href=\"{base}LICENSE.chartjs.md\">licence</a>), bundled; this page "
            "loads nothing from the network.</footer>"
            f"<script type=\"application/json\" id=\"index-data\">{json_for_script(chart_payload(data))}</script>"
            f"<script src=\"{base}chart.umd.min.js\"></script><script src=\"{base}charts.js\"></script>"
            f"<script src=\"{base}index.js\"></script>"
            "</body></html>")
