"""Every dashboard page at 420 and 360 px, the widths of phones, in real headless Chromium (Selenium + Debian
chromedriver, device metrics of a mobile screen): the page never scrolls sideways (wide tables scroll inside their
box, with the "scroll sideways" hint and the first column kept in view), no text under 11 px (page text and every
chart's ticks, axis titles and legend), every chart and form control inside the screen, no axis title squeezed into
its axis, no bar label cut short and rows of bar labels kept apart.

Before: on the Scenarios page the sensitivity chart's axis title was squeezed to the width of its axis (letters run
together) and its bar labels were cut to 24 characters ("rebound elasticity (0.…", the input's range lost); the
Projects, Estimator and Scenarios tables ran off the screen with no hint that they scroll; a scenario without
published figures showed an empty table.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import screen_width, wait_for

#: The phone of the issue, and a small phone.
WIDTHS = (420, 360)

#: The page's geometry, measured in the browser: sideways overflow, smallest text, charts (Chart.js resolved fonts,
#: axis titles measured against their axes, category labels), form controls, and each wide table's hint.
GEOMETRY = """
var w = document.documentElement.clientWidth, out = {width: w, scroll: document.documentElement.scrollWidth,
  sticking: [], minFont: 99, smallest: '', charts: [], controls: [], tables: []};
document.querySelectorAll('body *').forEach(function (e) {
  var r = e.getBoundingClientRect();
  if (!r.width || e.closest('.scroll')) { return; }
  if (r.left < -1 || r.right > w + 1) { out.sticking.push(e.tagName + '#' + e.id + '.' + e.className); }
});
document.querySelectorAll('body *').forEach(function (e) {
  if (!e.getBoundingClientRect().width) { return; }
  var text = Array.prototype.some.call(e.childNodes, function (n) { return n.nodeType === 3 && n.textContent.trim(); });
  var px = parseFloat(getComputedStyle(e).fontSize);
  if (text && px < out.minFont) { out.minFont = px; out.smallest = e.textContent.slice(0, 40); }
});
document.querySelectorAll('input, select, button').forEach(function (e) {
  var r = e.getBoundingClientRect();
  if (r.width && (r.left < 0 || r.right > w)) { out.controls.push(e.name || e.textContent); }
});
document.querySelectorAll('canvas[data-drawn]').forEach(function (c) {
  var ch = Chart.getChart(c), r = c.getBoundingClientRect(), font = Chart.helpers.toFont;
  if (!ch || !r.width) { return; }
  var info = {id: c.id, left: r.left, right: r.right, fonts: [], squeezed: [], cut: [], crowded: []};
  Object.keys(ch.scales).forEach(function (id) {
    var sc = ch.scales[id], t = sc.options.title;
    info.fonts.push(font(sc.options.ticks.font).size);
    if (t && t.display) {
      info.fonts.push(font(t.font).size);
      ch.ctx.font = font(t.font).string;
      var room = sc.isHorizontal() ? sc.width : sc.height;
      [].concat(t.text).forEach(function (line) {
        if (ch.ctx.measureText(line).width > room + 1) { info.squeezed.push(id + ': ' + line); }
      });
    }
    var lines = 1;
    sc.ticks.forEach(function (tk) {
      var s = [].concat(tk.label).join(' ');
      if (/…$/.test(s)) { info.cut.push(id + ': ' + s); }
      lines = Math.max(lines, [].concat(tk.label).length);
    });
    if (sc.type === 'category' && !sc.isHorizontal() && sc.ticks.length &&  // rows of labels kept apart
        sc.height / sc.ticks.length < lines * font(sc.options.ticks.font).lineHeight + 2) {
      info.crowded.push(id + ': ' + Math.round(sc.height / sc.ticks.length) + ' px a row for ' + lines + ' lines');
    }
  });
  if (ch.options.plugins.legend.display !== false) { info.fonts.push(font(ch.legend.options.labels.font).size); }
  out.charts.push(info);
});
document.querySelectorAll('.scroll > table').forEach(function (t) {
  var box = t.parentNode;
  if (!box.getBoundingClientRect().width || box.scrollWidth <= box.clientWidth + 1) { return; }
  var hint = document.querySelector('p.hint[data-hint-for=' + t.id + ']') || document.getElementById('scroll-hint');
  box.scrollLeft = 300;
  var cell = t.querySelector('tbody td');
  out.tables.push({id: t.id, hint: !!hint && !hint.hidden,
                   kept: !!cell && Math.abs(cell.getBoundingClientRect().left - box.getBoundingClientRect().left) < 2});
  box.scrollLeft = 0;
});
return out;"""


@pytest.fixture(params=WIDTHS)
def phone(browser: Any, request: pytest.FixtureRequest) -> Iterator[tuple[Any, int]]:
    width = int(request.param)
    with screen_width(browser, width):  # below 700 px: a phone's (mobile) screen
        yield browser, width


#: Page, what to wait for once loaded, charts expected.
PAGES = [
    ("/dashboard/", "return document.querySelectorAll('#runs tbody tr').length === 5", 0),
    ("/dashboard/run.html?id=demo-train-2", "return document.querySelectorAll('canvas[data-drawn]').length === 2", 2),
    ("/dashboard/projects.html?project=llm-finetune",
     "return document.querySelectorAll('canvas[data-drawn]').length === 1", 1),
    ("/dashboard/estimate.html", "return document.getElementById('result').getAttribute('data-ready') === '1'", 1),
    ("/dashboard/scenarios.html", "return document.querySelectorAll('canvas[data-drawn]').length === 3", 3),
    ("/dashboard/scenarios.html?name=ai-search-rebound",
     "return document.querySelectorAll('canvas[data-drawn]').length === 4", 4),
]


@pytest.mark.parametrize(("page", "ready", "charts"), PAGES, ids=[p[0] for p in PAGES])
def test_page_fits_a_phone(phone: tuple[Any, int], live_url: str, page: str, ready: str, charts: int) -> None:
    driver, width = phone
    driver.get(live_url + page)
    if "estimate" in page:  # the form's default request
        wait_for(driver, "return document.querySelectorAll('select[name=model] option').length > 5")
        driver.execute_script("document.querySelector('#estimate-form button').click()")
    wait_for(driver, ready)
    got = driver.execute_script(GEOMETRY)
    assert got["width"] == width and got["scroll"] <= width and got["sticking"] == [], got["sticking"][:5]
    assert got["minFont"] >= 11, (got["minFont"], got["smallest"])
    assert got["controls"] == [], got["controls"]
    assert len(got["charts"]) == charts, got["charts"]
    for chart in got["charts"]:
        assert chart["left"] >= 0 and chart["right"] <= width, chart
        assert min(chart["fonts"]) >= 11, chart
        assert chart["squeezed"] == [], chart  # an axis title wider than its axis
        assert chart["cut"] == [], chart  # a label cut short
        assert chart["crowded"] == [], chart  # bar labels running into each other
    for table in got["tables"]:  # a table wider than the screen says so and keeps its first column in view
        assert table["hint"] and table["kept"], table


def test_scenario_without_published_figures_says_so(browser: Any, live_url: str) -> None:
    """ai-search-rebound has no published figures: a sentence instead of an empty table (and no scroll hint)."""
    browser.get(live_url + "/dashboard/scenarios.html?name=ai-search-rebound")
    wait_for(browser, "return document.querySelectorAll('canvas[data-drawn]').length === 4")
    shown = browser.execute_script(
        "return [document.getElementById('published').offsetParent !== null,"
        " document.getElementById('no-published').offsetParent !== null];")
    assert shown == [False, True]
