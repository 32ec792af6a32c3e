"""The dashboard and the index page in a real headless Chromium (Selenium + Debian chromedriver).

Each page: loads with no console error (CSP violations and failed requests included), its charts are drawn
(Chart.js instance present and pixels painted on the canvas), user data stays text. The estimator form submits
and shows the API's result; a bad input shows the API's message. The index page is checked at 1280 and 420 px
and offline from the static site (``file://``, no request leaves the folder).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

PAINTED = """
return Array.prototype.map.call(document.querySelectorAll('canvas'), function (c) {
  var ctx = c.getContext('2d'), n = 0;
  if (!c.width || !c.height) { return 0; }
  var px = ctx.getImageData(0, 0, c.width, c.height).data;
  for (var i = 3; i < px.length; i += 16) { if (px[i] > 0) { n++; } }
  return (window.Chart && window.Chart.getChart(c)) ? n : -1;
});"""
OVERFLOW = """
var w = document.documentElement.clientWidth, out = [];
document.querySelectorAll('body *').forEach(function (e) {
  if (e.closest('.scroll')) { return; }
  var r = e.getBoundingClientRect();
  if (r.right > w + 1) { out.push(e.tagName + '.' + e.className + ' ' + Math.round(r.right)); }
});
return [document.documentElement.scrollWidth, w, out.slice(0, 5)];"""


def errors(driver: Any) -> list[str]:
    """SEVERE console entries since the last call (JS errors, CSP violations, failed loads)."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def wait_for(driver: Any, script: str, timeout: float = 20.0) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: d.execute_script(script))


def open_page(driver: Any, url: str, canvases: int) -> list[int]:
    """Load ``url``, wait until ``canvases`` charts are drawn; return painted pixel counts per canvas."""
    errors(driver)  # drop what earlier pages logged
    driver.get(url)
    if canvases:
        wait_for(driver, f"return document.querySelectorAll('canvas[data-drawn]').length >= {canvases}")
    painted: list[int] = driver.execute_script(PAINTED)
    return painted


@pytest.fixture()
def width(browser: Any, request: pytest.FixtureRequest) -> Iterator[int]:
    px = int(getattr(request, "param", 1280))
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": px, "height": 900, "deviceScaleFactor": 1, "mobile": px < 700})
    yield px
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.mark.parametrize(("page", "canvases"), [
    ("/dashboard/run.html?id=demo-train-1", 2),
    ("/dashboard/projects.html?project=llm-finetune", 1),
    ("/dashboard/scenarios.html", 4),
])
def test_dashboard_pages_draw_without_console_errors(browser: Any, live_url: str, page: str, canvases: int) -> None:
    painted = open_page(browser, live_url + page, canvases)
    assert errors(browser) == []
    assert len(painted) == canvases and min(painted) > 50, painted


def test_runs_table_filters_and_keeps_names_as_text(browser: Any, live_url: str,
                                                   seed_module: ModuleType) -> None:
    """All demo runs are listed newest first; the hostile run name is shown as text (no element is made of it);
    filtering by project leaves that project's runs; the run page draws one power line per device, with every
    sample even when they span several API pages."""
    open_page(browser, live_url + "/dashboard/", 0)
    wait_for(browser, "return document.querySelectorAll('#runs tbody tr').length === 4")
    cells = browser.execute_script("return Array.prototype.map.call(document.querySelectorAll('#runs tbody tr'), "
                                   "function (r) { return [r.cells[0].textContent, r.cells[2].textContent]; })")
    assert [c[0] for c in cells] == ["demo-serve-1", "demo-train-2", "demo-train-1", "demo-long-1"]
    assert cells[1][1] == seed_module.HOSTILE_NAME
    assert browser.execute_script("return document.querySelectorAll('#runs img').length") == 0
    assert browser.title != "pwned"
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    wait_for(browser, "return document.querySelectorAll('#filters select[name=project] option').length === 4")
    Select(browser.find_element(By.NAME, "project")).select_by_value("chat-serving")
    browser.find_element(By.CSS_SELECTOR, "#filters button").click()
    wait_for(browser, "return document.querySelectorAll('#runs tbody tr').length === 1")
    assert "project=chat-serving" in browser.current_url
    assert errors(browser) == []
    open_page(browser, live_url + "/dashboard/run.html?id=demo-train-2", 2)
    lines = browser.execute_script("return Chart.getChart(document.getElementById('power')).data.datasets"
                                   ".map(function (d) { return d.label; })")
    assert sorted(lines) == ["cpu", "gpu0", "gpu1"]
    assert seed_module.HOSTILE_NAME in browser.find_element(By.ID, "statement").text
    assert browser.title != "pwned" and errors(browser) == []
    open_page(browser, live_url + "/dashboard/run.html?id=demo-long-1", 2)
    points = browser.execute_script("return Chart.getChart(document.getElementById('power')).data.datasets"
                                    ".map(function (d) { return d.data.length; })")
    assert points == [2001, 2001, 2001]  # 6,003 samples: two pages of the samples API


def test_estimator_form_submits_and_shows_the_api_result(browser: Any, live_url: str,
                                                         seed_module: ModuleType) -> None:
    """The form posts to /api/v1/estimate/request; the cards and the breakdown chart show what the API returns
    for the same body; an unknown location shows the API's message, no console error besides the 4xx."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    open_page(browser, live_url + "/dashboard/estimate.html", 0)
    wait_for(browser, "return document.querySelectorAll('select[name=model] option').length > 5")
    Select(browser.find_element(By.NAME, "model")).select_by_value("llama-3.1-8b")
    for name, value in (("input_tokens", "2000"), ("output_tokens", "300"), ("location", "FR")):
        box = browser.find_element(By.NAME, name)
        box.clear()
        box.send_keys(value)
    browser.find_element(By.CSS_SELECTOR, "#estimate-form button").click()
    wait_for(browser, "return document.getElementById('result').getAttribute('data-ready') === '1'")
    expected = seed_module.post(live_url, "/estimate/request", {
        "model": "llama-3.1-8b", "input_tokens": 2000, "output_tokens": 300, "hardware": "h100",
        "boundary": "datacenter", "location": "FR"})
    chart = browser.execute_script("var c = Chart.getChart(document.getElementById('breakdown'));"
                                   "return [c.data.labels, c.data.datasets[0].data];")
    assert dict(zip(chart[0], chart[1], strict=True)) == pytest.approx(expected["breakdown_wh"], rel=1e-12)
    energy = browser.execute_script("return document.querySelector('#cards .card .value').textContent")
    best = expected["energy_wh"]["best"]
    assert energy.startswith(browser.execute_script("return AIF.fmt(arguments[0])", best))
    assert errors(browser) == [] and max(browser.execute_script(PAINTED)) > 50
    box = browser.find_element(By.NAME, "location")
    box.clear()
    box.send_keys("Atlantis")
    browser.find_element(By.CSS_SELECTOR, "#estimate-form button").click()
    wait_for(browser, "return !document.getElementById('error').hidden")
    message = browser.find_element(By.ID, "error").text
    assert message.startswith("HTTP 4") and "Atlantis" in message
    assert all("status of 4" in e for e in errors(browser))


@pytest.mark.parametrize("width", [1280, 420], indirect=True)
def test_index_page_served_at_widths(browser: Any, live_url: str, width: int) -> None:
    """/index/ draws every chart, logs no error and nothing sticks out sideways (wide tables scroll in place)."""
    open_page(browser, live_url + "/index/", 1)
    n = browser.execute_script("return document.querySelectorAll('canvas[data-section]').length")
    wait_for(browser, f"return document.querySelectorAll('canvas[data-drawn]').length === {n}")
    painted = browser.execute_script(PAINTED)
    assert n >= 5 and len(painted) == n and min(painted) > 50, painted
    scroll_w, client_w, sticking_out = browser.execute_script(OVERFLOW)
    assert client_w == width and scroll_w <= width and sticking_out == [], sticking_out
    assert errors(browser) == []


def test_static_index_works_offline(browser: Any, tmp_path: Path) -> None:
    """The site written by ``aifootprint index`` works from file://: charts drawn, every resource from the folder."""
    from aifootprint.index.figures import IndexConfig
    from aifootprint.index.site import write_site

    write_site(tmp_path / "site", config=IndexConfig(draws=500))
    open_page(browser, (tmp_path / "site" / "index.html").as_uri(), 5)
    urls = browser.execute_script("return Array.prototype.map.call(document.querySelectorAll('script[src], "
                                  "link[rel=stylesheet]'), function (e) { return e.src || e.href; })")
    assert len(urls) == 4 and all(u.startswith((tmp_path / "site").as_uri()) for u in urls), urls
    assert errors(browser) == []


def test_dashboard_on_postgresql(browser: Any, pg_url: str, seed_module: ModuleType, serve: Any) -> None:
    """The same pages on a real PostgreSQL server: the runs table and a run's charts come from it."""
    from aifootprint.server.config import ServerConfig

    with serve(ServerConfig(database_url=pg_url)) as live:
        seed_module.seed(live.url)
        open_page(browser, live.url + "/dashboard/", 0)
        wait_for(browser, "return document.querySelectorAll('#runs tbody tr').length === 4")
        painted = open_page(browser, live.url + "/dashboard/run.html?id=demo-serve-1", 2)
        assert min(painted) > 50 and errors(browser) == []
