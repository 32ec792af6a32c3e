"""The report in real headless Chromium at desktop and phone widths: no console errors, the key numbers in the
rendered page, no two chart labels overlapping and none on a reference line, chart text readable, no sideways
scrolling of the page, no label on a line or inside a band, the per-task table's text columns left-aligned and within
the screen. Issue 12: at 420 px chart text was ~4 px; labels sat on reference lines. "IEA25 2030" sat in the band;
the models column was cut off at 420 px. Narrow screens: each chart is drawn a second time for phones (legend under
the plot, labels above bars) and the page shows the drawing that fits: at 420 px no chart is wider than the screen
or scrolls inside its figure (it did, with a "scroll sideways" hint, its legend and line labels off-screen), all chart
text is 11 CSS px or more (it was ~9) and inside its chart, and every legend is on screen.

Headless Chromium never lays a window out narrower than ~500 px (``--window-size=420,900`` renders ~485–500 px), so
the report is opened in an ``<iframe>`` of exactly the tested width inside a wrapper page. A small script injected
into a copy of the report (the report itself has no script) measures every SVG ``<text>`` of the charts on screen
with ``getBoundingClientRect``, the page's and each figure's overflow, and posts the result to the wrapper
(``parent.postMessage``), which writes it into its DOM for ``--dump-dom``. The probe reports ``window.innerWidth``,
so the test checks that it really ran at the tested width.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from aifootprint.report.build import build_default_report
from aifootprint.report.chart_base import BREAKPOINT_PX

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000")

#: Smallest rendered chart text accepted [CSS px], at every tested width.
MIN_FONT_PX = 11.0

PROBE = """<script>
window.addEventListener('load', () => {
  const out = {overlaps: [], minFont: 1e9, smallest: '', texts: 0, innerWidth: window.innerWidth,
               pageOverflow: document.documentElement.scrollWidth - window.innerWidth, wide: [], scrolling: [],
               onData: [], taskAlign: [], taskOverflow: 0, shown: [], offscreen: [], clipped: [], legends: 0,
               hiddenLegend: [], splitWords: []};
  const tasks = document.querySelector('table.tasks');
  if (tasks) {
    out.taskOverflow = tasks.parentElement.scrollWidth - tasks.parentElement.clientWidth;
    const row = tasks.querySelector('tbody tr');
    out.taskAlign = [...row.children].map(td => getComputedStyle(td).textAlign);
  }
  document.querySelectorAll('table.data').forEach((table, t) => {  // no word of a table broken across lines
    table.querySelectorAll('caption, th, td').forEach(cell => {
      if (cell.getBoundingClientRect().width === 0) return;  // hidden (the per-task header on a phone)
      if (cell.scrollWidth > cell.clientWidth + 1)
        out.splitWords.push(`table ${t}: "${cell.textContent}" wider than its cell`);
      const before = getComputedStyle(cell, '::before');  // a phone's label of the cell
      if (before.content !== 'none' && (before.overflowWrap !== 'normal' || before.wordBreak !== 'normal'))
        out.splitWords.push(`table ${t}: label ${before.content} may break inside a word`);
      const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walk.nextNode(); node; node = walk.nextNode()) {
        for (const m of node.textContent.matchAll(/\\S+/g)) {
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
          if (tops.size > 1) out.splitWords.push(`table ${t}: "${m[0]}" on ${tops.size} lines`);
        }
      }
    });
  });
  document.querySelectorAll('body *').forEach(el => {  // what sticks out of the page, for the failure message
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth + 1 && !el.closest('figure, .table-wrap'))
      out.wide.push(`${el.tagName.toLowerCase()}.${el.className.baseVal ?? el.className}: ${Math.round(r.right)}`);
  });
  out.wide = out.wide.slice(0, 10);
  const charts = [];  // the drawings on screen: one per figure that has a chart
  document.querySelectorAll('figure').forEach((fig, i) => {
    if (fig.scrollWidth > fig.clientWidth + 1)  // a chart scrolling inside its figure
      out.scrolling.push(`figure ${i}: ${fig.scrollWidth} px in ${fig.clientWidth} px`);
    const all = [...fig.querySelectorAll('svg')];
    if (!all.length) return;
    const on = all.filter(svg => svg.getBoundingClientRect().width > 0);
    out.shown.push(on.map(svg => svg.className.baseVal).join('+'));
    charts.push(...on);
  });
  charts.forEach((svg, i) => {
    const box = svg.getBoundingClientRect();
    if (box.left < -1 || box.right > window.innerWidth + 1)
      out.offscreen.push(`chart ${i}: ${Math.round(box.left)}–${Math.round(box.right)} px`);
    const boxes = [...svg.querySelectorAll('text')].map(t => {
      const r = t.getBoundingClientRect(), m = t.getScreenCTM();
      const px = parseFloat(getComputedStyle(t).fontSize) * (m ? Math.hypot(m.a, m.b) : 1);
      if (px < out.minFont) { out.minFont = px; out.smallest = t.textContent; }
      out.texts += 1;
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
        out.clipped.push(`chart ${i}: "${t.textContent}"`);  // cut off by the chart's edge
      return {s: t.textContent, x0: r.left, y0: r.top, x1: r.right, y1: r.bottom};
    });
    const legend = [...svg.querySelectorAll('.legend text')];
    if (legend.length) out.legends += 1;
    legend.forEach(t => {  // every legend entry on screen
      const r = t.getBoundingClientRect();
      if (r.width === 0 || r.left < 0 || r.right > window.innerWidth)
        out.hiddenLegend.push(`chart ${i}: "${t.textContent}"`);
    });
    svg.querySelectorAll('line[stroke-dasharray="2,3"]').forEach(line => {  // reference lines
      const r = line.getBoundingClientRect(), y = (r.top + r.bottom) / 2;
      boxes.forEach(p => { if (p.x0 < r.right && r.left < p.x1 && p.y0 + 1 < y && y < p.y1 - 1)
        out.overlaps.push(`chart ${i}: "${p.s}" on a reference line`); });
    });
    const ctm = svg.getScreenCTM(), inv = ctm && ctm.inverse();
    svg.querySelectorAll('polyline').forEach(pl => {  // a label on a line (sampled every 3 user units)
      for (let d = 0, n = pl.getTotalLength(); d <= n; d += 3) {
        const q = pl.getPointAtLength(d).matrixTransform(ctm);
        boxes.forEach(p => { if (p.x0 + 1 < q.x && q.x < p.x1 - 1 && p.y0 + 1 < q.y && q.y < p.y1 - 1)
          out.onData.push(`chart ${i}: "${p.s}" on a line`); });
      }
    });
    svg.querySelectorAll('polygon').forEach(pg => boxes.forEach(p => {  // a label inside a band
      const c = new DOMPoint((p.x0 + p.x1) / 2, (p.y0 + p.y1) / 2).matrixTransform(inv);
      if (pg.isPointInFill(c)) out.onData.push(`chart ${i}: "${p.s}" in a band`);
    }));
    for (let a = 0; a < boxes.length; a++) for (let b = a + 1; b < boxes.length; b++) {
      const p = boxes[a], q = boxes[b];
      if (p.x0 < q.x1 - 1 && q.x0 < p.x1 - 1 && p.y0 < q.y1 - 1 && q.y0 < p.y1 - 1)
        out.overlaps.push(`chart ${i}: "${p.s}" / "${q.s}"`);
    }
  });
  document.body.setAttribute('data-check', JSON.stringify(out));
  if (window.parent !== window) window.parent.postMessage(JSON.stringify(out), '*');
});
</script>"""

#: The page Chromium opens: the report in an iframe of exactly ``{width}`` CSS px; the probe's message lands in the
#: wrapper's DOM.
WRAPPER = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">
<iframe style="width:{width}px;height:900px;border:0" src="report.html"></iframe>
<script>window.addEventListener('message', e => document.body.setAttribute('data-check', e.data));</script>
</body></html>"""


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _probed(folder: Path, **options: Any) -> Path:
    """``folder/report.html``: the report of ``build_default_report(**options)`` with :data:`PROBE` in it; the test
    skipped, with the reason, when chromium is not installed."""
    if _chromium() is None:
        pytest.skip("chromium not installed (the CI set-up installs Debian 'chromium'; apt-get install -y chromium)")
    path = folder / "report.html"
    path.write_text(build_default_report(**options).replace("</body>", PROBE + "</body>"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _probed(tmp_path_factory.mktemp("report"), draws=20_000)


def _open(page: Path, width: int) -> tuple[str, dict[str, Any], list[str]]:
    binary = _chromium()
    assert binary is not None
    wrapper = page.parent / f"wrap{width}.html"
    wrapper.write_text(WRAPPER.replace("{width}", str(width)), encoding="utf-8")
    cmd = [binary, *CHROMIUM_FLAGS, f"--window-size={width + 200},1000", f"--user-data-dir={page.parent / f'p{width}'}",
           "--dump-dom", wrapper.as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = [ln for ln in proc.stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln]
    m = re.search(r'data-check="([^"]*)"', proc.stdout)
    assert m, "the probe did not run (or did not post its result to the wrapper)"
    return proc.stdout, json.loads(html.unescape(m.group(1))), console


#: Widths checked: a desktop, the widest screen that gets the wide drawing's smallest text, the widest that gets the
#: narrow drawing, the issue's phone, and a small phone (360 px: the narrow drawing's text is still 11 px).
WIDTHS = (1280, BREAKPOINT_PX + 1, BREAKPOINT_PX, 420, 360)


@pytest.fixture(scope="module")
def opened(page: Path) -> dict[int, tuple[str, dict[str, Any], list[str]]]:
    """The report opened once at each width (shared by the tests below)."""
    return {width: _open(page, width) for width in WIDTHS}


@pytest.mark.parametrize("width", WIDTHS)
def test_report_is_readable_in_chromium(opened: dict[int, tuple[str, dict[str, Any], list[str]]], page: Path,
                                        width: int) -> None:
    _, check, console = opened[width]
    assert not console, console
    assert check["innerWidth"] == width, check["innerWidth"]  # really laid out at the tested width
    dom = page.read_text(encoding="utf-8")
    assert "Sector trajectory" in dom and "945" in dom and "break-even day" in dom and "References" in dom
    assert dom.count("<svg") >= 12 and check["texts"] > 100
    assert check["overlaps"] == [], check["overlaps"]
    assert sorted(set(check["onData"])) == [], check["onData"]  # marker labels clear of lines and bands
    align = check["taskAlign"]  # text columns left, numbers right; the per-task table inside the screen
    assert align[0] == align[-1] == "left" and set(align[1:-1]) == {"right"}, align
    assert check["taskOverflow"] <= 1, check["taskOverflow"]
    assert check["minFont"] >= MIN_FONT_PX, (check["minFont"], check["smallest"])
    assert check["pageOverflow"] <= 1, (check["pageOverflow"], check["wide"])


@pytest.mark.parametrize("width", WIDTHS)
def test_every_chart_fits_the_screen(opened: dict[int, tuple[str, dict[str, Any], list[str]]], width: int) -> None:
    """One drawing of each chart on screen (the narrow one up to the breakpoint), no wider than the screen, not
    scrolling inside its figure, every text inside its chart and every legend on screen. Before: at 420 px each
    chart kept a 680 px minimum width and scrolled, its legend and reference labels off-screen."""
    _, check, _ = opened[width]
    variant = "chart narrow" if width <= BREAKPOINT_PX else "chart wide"
    assert len(check["shown"]) >= 7 and set(check["shown"]) == {variant}, check["shown"]
    assert check["scrolling"] == [], check["scrolling"]
    assert check["offscreen"] == [], check["offscreen"]
    assert check["clipped"] == [], check["clipped"]
    assert check["legends"] >= 4 and check["hiddenLegend"] == [], (check["legends"], check["hiddenLegend"])


@pytest.mark.parametrize("width", WIDTHS)
def test_no_table_word_is_broken(opened: dict[int, tuple[str, dict[str, Any], list[str]]], width: int) -> None:
    """Every word of every table cell on one line (each word's rendered boxes share one line) and inside its cell;
    the per-task table within the screen. Before: at 420 px the per-task table broke "classifica/tion",
    "publishe/d" and split model ids at their hyphens (``overflow-wrap:anywhere`` on a five-column table); now a
    phone gets one block of labelled lines per task."""
    _, check, _ = opened[width]
    assert check["splitWords"] == [], check["splitWords"][:10]
    assert check["taskOverflow"] <= 1, check["taskOverflow"]


@pytest.fixture(scope="module")
def rebound_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``ai-search-rebound`` report, whose sector chart lists the Bitcoin line under the plot (off the scale)."""
    return _probed(tmp_path_factory.mktemp("rebound"), scenario="ai-search-rebound", draws=5_000)


@pytest.mark.parametrize("width", [1280, 360])
def test_off_scale_list_is_readable_in_chromium(rebound_page: Path, width: int) -> None:
    """The list of off-scale reference lines under the sector chart: inside its chart, overlapping no other text,
    at least 11 px, in both drawings."""
    _, check, console = _open(rebound_page, width)
    assert not console and check["innerWidth"] == width
    assert "Off the scale: Bitcoin (BECI)" in rebound_page.read_text(encoding="utf-8")
    assert check["overlaps"] == [] and check["clipped"] == [] and check["offscreen"] == [], check
    assert check["minFont"] >= MIN_FONT_PX and check["pageOverflow"] <= 1, check


@pytest.fixture(scope="module")
def long_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A user's scenario file: ``ai-search-rebound`` run to 2060, whose 95th percentile reaches millions of TWh/yr
    (y ticks "2.5 million" … "10 million") and whose tornado labels are long ("0.0741 → 1.55 million")."""
    from importlib import resources

    folder = tmp_path_factory.mktemp("long")
    text = (resources.files("aifootprint.sector") / "builtin" / "ai-search-rebound.toml").read_text(encoding="utf-8")
    assert "end = 2030" in text
    scenario = folder / "long.toml"
    scenario.write_text(text.replace("end = 2030", "end = 2060"), encoding="utf-8")
    return _probed(folder, scenario=str(scenario), draws=2_000)


@pytest.mark.parametrize("width", [1280, 360])
def test_wide_tick_and_swing_labels_stay_clear(long_page: Path, width: int) -> None:
    """Before: in the wide drawing the y ticks "5 million" and "7.5 million" ran into the turned axis title (the
    left margin was fixed at 70 units) and the tornado's "0.0741 → 1.55 million" was cut by the chart's right edge
    (a fixed 90-unit margin). Now both margins make room for the widest label (built-in reports are unchanged)."""
    _, check, console = _open(long_page, width)
    assert not console and check["innerWidth"] == width
    assert "million" in long_page.read_text(encoding="utf-8")
    assert check["overlaps"] == [] and check["clipped"] == [] and check["offscreen"] == [], check
    assert check["minFont"] >= MIN_FONT_PX and check["pageOverflow"] <= 1, check
