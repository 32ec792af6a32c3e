"""Dashboard tables read word by word, and their source keys are explained on the page, in real headless Chromium
(the browser and seeded server of ``tests/dashboard/conftest.py``).

Before: at 1280 px the runs table broke ids at their hyphens ("demo-/measured-1", "gpu-/node-1", "chat-/serving")
and units inside their brackets ("carbon [g / CO2e]"); at 420 px every cell was kept on one line, so even the
four-column Windows table (and Devices, Assumptions, Projects) ran off the screen and a number was cut at the
box's edge ("1.11" read "1.1", "11.1" read "11."); the run and estimator pages named their sources by key only
("CC-OWID", "MLE-FIT"), with the citation in a tooltip that a phone never shows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import errors, screen_width, wait_for

#: Page, what shows it is filled.
PAGES = [
    ("/dashboard/", "return document.querySelectorAll('#runs tbody tr').length === 5"),
    ("/dashboard/run.html?id=demo-train-2", "return document.querySelectorAll('#assumptions tbody tr').length > 0"),
    ("/dashboard/run.html?id=demo-measured-1", "return document.querySelectorAll('#assumptions tbody tr').length > 0"),
    ("/dashboard/projects.html?project=llm-finetune", "return document.querySelectorAll('#projects tbody tr').length"),
    ("/dashboard/estimate.html", "return document.getElementById('result').getAttribute('data-ready') === '1'"),
    ("/dashboard/scenarios.html", "return document.querySelectorAll('#published tbody tr').length > 0"),
]

#: Every word (a run of non-space characters) of every visible table cell that the browser laid out on more than
#: one line, as "table: word (n lines)".
SPLIT_WORDS = """
var out = [];
document.querySelectorAll('table.data th, table.data td').forEach(function (cell) {
  if (!cell.getBoundingClientRect().width) { return; }
  var walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (var node = walk.nextNode(); node; node = walk.nextNode()) {
    var re = /\\S+/g, m;
    while ((m = re.exec(node.textContent)) !== null) {
      var range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      var tops = {};
      Array.prototype.forEach.call(range.getClientRects(), function (r) { tops[Math.round(r.top)] = 1; });
      var n = Object.keys(tops).length;
      if (n > 1) { out.push(cell.closest('table').id + ': ' + m[0] + ' (' + n + ' lines)'); }
    }
  }
});
return out;"""


def _show(driver: Any, url: str, ready: str) -> None:
    errors(driver)
    driver.get(url)
    if "estimate" in url:  # the form's default request
        wait_for(driver, "return document.querySelectorAll('select[name=model] option').length > 5")
        driver.execute_script("document.querySelector('#estimate-form button').click()")
    wait_for(driver, ready)


@pytest.fixture(params=(1280, 420))
def screen(browser: Any, request: pytest.FixtureRequest) -> Iterator[tuple[Any, int]]:
    px = int(request.param)
    with screen_width(browser, px):
        yield browser, px


def test_no_word_of_a_table_is_broken(screen: tuple[Any, int], live_url: str) -> None:
    """Every page with a table, at 1280 and 420 px: cells wrap between words only (ids, units, numbers whole)."""
    driver, px = screen
    for page, ready in PAGES:
        _show(driver, live_url + page, ready)
        assert driver.execute_script("return document.documentElement.clientWidth") == px
        split = driver.execute_script(SPLIT_WORDS)
        assert split == [], (page, px, split[:8])
        assert errors(driver) == [], page


@pytest.mark.parametrize("screen", [420], indirect=True)
def test_small_tables_fit_a_phone(screen: tuple[Any, int], live_url: str) -> None:
    """At 420 px the tables that have room (a run's Devices, Windows and Assumptions, the Projects table) fit the
    screen: no sideways scrolling, no number cut at the edge of its box."""
    driver, _ = screen
    for page, ready, tables in (
            ("/dashboard/run.html?id=demo-train-2", PAGES[1][1], ("devices", "windows", "assumptions")),
            ("/dashboard/projects.html?project=llm-finetune", PAGES[3][1], ("projects",))):
        _show(driver, live_url + page, ready)
        for table in tables:
            box = driver.execute_script("var b = document.getElementById(arguments[0]).parentNode;"
                                        "return [b.scrollWidth, b.clientWidth];", table)
            assert box[0] <= box[1] + 1, (page, table, box)


@pytest.mark.parametrize(("page", "keys"), [
    (PAGES[1][0], ("CC-OWID", "UPTIME", "GREENBIZ-WUE", "ECO-MIX")),
    (PAGES[4][0], ("MLE-FIT", "MICROBENCH", "ECO-METHOD", "UPTIME"))])
def test_run_and_estimator_pages_cite_their_sources(browser: Any, live_url: str, page: str,
                                                     keys: tuple[str, ...]) -> None:
    """The keys named in the Assumptions table are listed under it with their citations (as on the Scenarios
    page), each once."""
    ready = next(r for p, r in PAGES if p == page)
    _show(browser, live_url + page, ready)
    listed = browser.execute_script(
        "var ul = document.getElementById('sources'); if (!ul || ul.offsetParent === null) { return null; }"
        "return Array.prototype.map.call(ul.querySelectorAll('li'), function (li) {"
        " return [li.getAttribute('data-key'), li.textContent]; });")
    assert listed, "no Sources list on " + page
    got = dict(listed)
    assert len(got) == len(listed), listed  # each key once
    for key in keys:
        assert key in got and len(got[key]) > len(key) + 20, (key, got.get(key))
    assert got["UPTIME"].startswith("UPTIME: Uptime Institute"), got["UPTIME"]
    assert errors(browser) == []
