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

from .conftest import errors, screen_width, wait_for

PAINTED = """
var shown = Array.prototype.filter.call(document.querySelectorAll('canvas'), function (c) {
  return c.offsetParent !== null; });  // a hidden chart (e.g. carbon not computed) is left out
return shown.map(function (c) {
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
    with screen_width(browser, px):
        yield px


@pytest.mark.parametrize(("page", "canvases"), [
    ("/dashboard/run.html?id=demo-train-1", 2),
    ("/dashboard/projects.html?project=llm-finetune", 1),
    ("/dashboard/scenarios.html", 3),  # the IEA trajectory has no input drivers: no sensitivity chart
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
    wait_for(browser, "return document.querySelectorAll('#runs tbody tr').length === 5")
    cells = browser.execute_script("return Array.prototype.map.call(document.querySelectorAll('#runs tbody tr'), "
                                   "function (r) { return [r.cells[0].textContent, r.cells[2].textContent]; })")
    assert [c[0] for c in cells] == ["demo-serve-1", "demo-train-2", "demo-train-1", "demo-long-1",
                                  "demo-measured-1"]
    assert cells[1][1] == seed_module.HOSTILE_NAME
    assert browser.execute_script("return document.querySelectorAll('#runs img').length") == 0
    assert browser.title != "pwned"
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    wait_for(browser, "return document.querySelectorAll('#filters select[name=project] option').length === 5")
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
    shown = {k: v * 1000 for k, v in expected["breakdown_wh"].items()}  # mWh, as the cards
    labels = {"overhead": "facility overhead"}
    assert dict(zip(chart[0], chart[1], strict=True)) == pytest.approx({labels.get(k, k): v for k, v in shown.items()},
                                                                      rel=1e-12)
    energy, unit = browser.execute_script("var c = document.querySelector('#cards .card');"
                                          "return [c.querySelector('.value').textContent, c.querySelector('.unit')"
                                          ".textContent];")
    best = expected["energy_wh"]["best"]  # a fraction of a Wh: shown in mWh
    assert unit.startswith("mWh") and energy == browser.execute_script("return AIFD.num(arguments[0])", best * 1000)
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
        wait_for(browser, "return document.querySelectorAll('#runs tbody tr').length === 5")
        painted = open_page(browser, live.url + "/dashboard/run.html?id=demo-serve-1", 2)
        assert min(painted) > 50 and errors(browser) == []


# -- the audit's findings (numbers, errors, identifiers, ranges, measurement notices) -----------------------------
EXPONENT = r"\d(\.\d+)?e[-+]?\d"
TICKS = """
return Array.prototype.map.call(document.querySelectorAll('canvas[data-drawn]'), function (c) {
  var ch = Chart.getChart(c), out = {};
  Object.keys(ch.scales).forEach(function (id) {
    out[id] = ch.scales[id].ticks.map(function (t) { return String(t.label); });
  });
  return [c.id, out];
});"""


def _texts(driver: Any, selector: str) -> list[str]:
    return list(driver.execute_script(
        "return Array.prototype.map.call(document.querySelectorAll(arguments[0]), function (e) "
        "{ return e.textContent; })", selector))


def test_numbers_are_plain_with_one_unit_per_column(browser: Any, live_url: str) -> None:
    """One formatter: no exponent anywhere (tables, cards, chart ticks), ticks trimmed (1, 0.5, not 1.00),
    thousands separators; each energy/carbon/water column picks a unit prefix (the measured run's 2.6 mWh and the
    long run's 412 Wh in one Wh column); the Projects table and cards use the same unit."""
    import re

    open_page(browser, live_url + "/dashboard/", 0)
    wait_for(browser, "return document.querySelectorAll('#runs tbody tr').length === 5")
    assert browser.execute_script("return [AIFD.num(2000), AIFD.num(0.0000082), AIFD.tick(0.5), AIFD.tick(20), "
                                  "AIFD.tick(0.30000000000000004), AIFD.num(25.0), AIFD.num(1234567), AIFD.num(2.6),"
                                  " AIFD.num(0.0026), AIFD.num(39.14), AIFD.num(99.96), AIFD.num(123.4),"
                                  " AIFD.count(5)]") == [
        "2,000", "0.00000820", "0.5", "20", "0.3", "25.0", "1,234,567", "2.60", "0.00260", "39.1", "100", "123", "5"]
    heads = _texts(browser, "#runs thead th")
    assert heads[6:] == ["IT energy [Wh]", "carbon [g CO2e]", "water [L]"], heads
    cells = _texts(browser, "#runs tbody td")
    assert not [c for c in cells if re.search(EXPONENT, c, re.I)], cells
    measured = _texts(browser, "#runs tbody tr:last-child td")
    assert measured[6] == "0.00260"  # 2.6 mWh in the Wh column: plain, not 2.60e-6 kWh, three digits
    for page, canvases in (("/dashboard/run.html?id=demo-measured-1", 2), ("/dashboard/run.html?id=demo-train-1", 2),
                           ("/dashboard/scenarios.html", 3)):
        open_page(browser, live_url + page, canvases)
        for canvas, axes in browser.execute_script(TICKS):
            for axis, labels in axes.items():
                numeric = [t for t in labels if t and re.fullmatch(r"[-\d,.]+", t)]
                assert all(not re.search(r"\.\d*0$", t) for t in numeric), (page, canvas, axis, labels)
                assert not [t for t in labels if re.search(EXPONENT, t, re.I)], (page, canvas, axis, labels)
        values = _texts(browser, ".card .value, #statement, table.data td")
        assert not [v for v in values if re.search(EXPONENT, v, re.I)], (page, values)
    assert "2,000 draws" in browser.find_element("id", "scinfo").text
    open_page(browser, live_url + "/dashboard/run.html?id=demo-measured-1", 2)
    components = browser.execute_script("var c = Chart.getChart(document.getElementById('components'));"
                                        "return c.options.scales.y.title.text;")
    assert components == "IT energy [mWh]"
    open_page(browser, live_url + "/dashboard/projects.html?project=llm-finetune", 1)
    wait_for(browser, "return document.querySelectorAll('#cards .card').length === 4")
    table_unit = _texts(browser, "#projects th[data-col=energy]")[0]
    card_units = _texts(browser, "#cards .card .unit")
    assert table_unit == "IT energy [Wh]" and card_units[:2] == ["Wh", "Wh"], (table_unit, card_units)
    assert errors(browser) == []


def test_unknown_run_shows_the_error_and_nothing_else(browser: Any, live_url: str) -> None:
    """run.html?id=nonexistent: the API's 404 message, and no empty statement, chart frames, header-only tables
    or live export link."""
    open_page(browser, live_url + "/dashboard/run.html?id=nonexistent", 0)
    wait_for(browser, "return !document.getElementById('error').hidden")
    assert browser.find_element("id", "error").text.startswith("HTTP 404")
    shown = browser.execute_script(
        "return Array.prototype.filter.call(document.querySelectorAll('main *'), function (e) {"
        "  return e.offsetParent !== null && e.id !== 'error' && e.tagName !== 'H1'; }).map(function (e) {"
        "  return e.tagName + '#' + e.id; });")
    assert shown == [], shown
    assert browser.find_element("id", "export").is_displayed() is False
    assert all("status of 404" in e for e in errors(browser))


def test_identifiers_are_shown_as_words(browser: Any, live_url: str) -> None:
    """Scenario titles, output and input labels, readable assumption names, units, numbers and sources; each
    published figure has its own marker."""
    import re

    from selenium.webdriver.common.by import By

    open_page(browser, live_url + "/dashboard/scenarios.html", 3)
    option = browser.execute_script("var s = document.querySelector('select[name=name]');"
                                    "return s.options[s.selectedIndex].textContent;")
    assert option.startswith("Data-centre electricity") and "iea-2025" not in option
    info = browser.find_element(By.ID, "scinfo").text
    assert "iea-2025-data-centres" not in info and "2,000 draws" in info, info
    outputs = _texts(browser, "#published tbody td:first-child")
    assert outputs and set(outputs) == {"facility electricity"}, outputs
    markers = browser.execute_script(
        "return Chart.getChart(document.getElementById('energy')).data.datasets.filter(function (d) {"
        "  return /^published /.test(d.label); }).map(function (d) { return [d.label, d.pointStyle, d.borderColor]; })")
    assert len(markers) == 2 and len({(m[1], m[2]) for m in markers}) == 2, markers
    assert errors(browser) == []
    open_page(browser, live_url + "/dashboard/estimate.html", 0)
    wait_for(browser, "return document.querySelectorAll('select[name=model] option').length > 5")
    browser.find_element(By.CSS_SELECTOR, "#estimate-form button").click()
    wait_for(browser, "return document.getElementById('result').getAttribute('data-ready') === '1'")
    rows = browser.execute_script("return Array.prototype.map.call(document.querySelectorAll('#assumptions tbody tr'),"
                                  " function (r) { return Array.prototype.map.call(r.cells, function (c) "
                                  "{ return c.textContent; }); })")
    names = [r[0] for r in rows]
    assert "grid carbon intensity" in names and "on-site water use (WUE)" in names, names
    assert not [n for n in names if "_" in n], names
    assert not [r for r in rows if r[2] == "-"], rows
    assert not [r for r in rows if re.search(EXPONENT, r[1], re.I)], rows
    seq = next(r for r in rows if r[0] == "engine overhead per sequence")
    assert seq[1:3] == ["58.2", "µs"], seq  # three significant digits, as everywhere
    assert not [r for r in rows if ";" in r[3]], rows
    warnings = _texts(browser, "#warnings li")
    assert warnings and not [w for w in warnings if re.match(r"\w+_\w+: ", w)], warnings
    assert "the world average" in browser.find_element(By.ID, "resinfo").text
    assert errors(browser) == []


@pytest.mark.parametrize("width", [420], indirect=True)
def test_runs_table_at_phone_width(browser: Any, live_url: str, width: int) -> None:
    """At 420 px the runs table scrolls in its box with the run id kept in view, a hint says it scrolls, and the
    header is one line tall."""
    open_page(browser, live_url + "/dashboard/", 0)
    wait_for(browser, "return document.querySelectorAll('#runs tbody tr').length === 5")
    wait_for(browser, "return !document.getElementById('scroll-hint').hidden")
    head_h, row_h = browser.execute_script(
        "return [document.querySelector('#runs thead tr').getBoundingClientRect().height,"
        " document.querySelector('#runs tbody tr').getBoundingClientRect().height];")
    assert head_h <= row_h + 2, (head_h, row_h)
    box = browser.execute_script("var b = document.querySelector('#runs').parentNode; b.scrollLeft = 400;"
                                 "var c = document.querySelector('#runs tbody td'); "
                                 "return [b.scrollLeft, c.getBoundingClientRect().left,"
                                 " b.getBoundingClientRect().left];")
    assert box[0] > 0 and abs(box[1] - box[2]) < 2, box  # scrolled, yet the run column stays at the left edge
    assert errors(browser) == []


def test_run_page_ranges_zone_names_and_measurement_notices(browser: Any, live_url: str) -> None:
    """A point-valued run does not claim ranges; a zone is named (France (FR), the world average); the measured
    run lists the measurement's notices and flags its energy as estimated; a ranged value shows its range."""
    from selenium.webdriver.common.by import By

    open_page(browser, live_url + "/dashboard/run.html?id=demo-train-1", 2)
    text = browser.find_element(By.ID, "statement").text
    assert "France (FR)" in text and "at FR" not in text and "Ranges" not in text and "single value" in text, text
    assert not [u for u in _texts(browser, "#cards .unit") if "percentile" in u]
    ranged = browser.execute_script(
        "return AIFD.statement({run_id: 'r', name: 'n', project: 'p', host: 'h', duration_s: 10,"
        " it_energy_kwh: 0.01, energy_kwh: {low: 0.011, best: 0.013, high: 0.016},"
        " carbon_g: {low: 1, best: 2, high: 3}, water_l: 0.02, devices: [], inputs: {zone: 'WORLD'},"
        " method_version: 'm', data_version: 'd'},"
        " {energy: AIFD.pickUnit('kWh', [0.016]), carbon: AIFD.pickUnit('g', [3]),"
        " water: AIFD.pickUnit('L', [0.02])},"
        " {})")
    assert "13.0 Wh (11.0–16.0)" in ranged and "2.00 g CO2e (1.00–3.00)" in ranged, ranged
    assert "Ranges in brackets" in ranged, ranged
    assert "the world average" in ranged
    open_page(browser, live_url + "/dashboard/run.html?id=demo-measured-1", 2)
    text = browser.find_element(By.ID, "statement").text
    assert "the world average" in text and "WORLD" not in text and "The CPU and RAM energy is estimated" in text, text
    codes = browser.execute_script("return Array.prototype.map.call(document.querySelectorAll('#warnings li'),"
                                   " function (e) { return e.getAttribute('data-code'); })")
    assert codes[:2] == ["estimated", "cpu-tdp-default"], codes
    notes = _texts(browser, "#warnings li")
    assert notes[0] == "estimated, not measured: cpu (tdp-x-utilisation), ram (w-per-gb)"
    assert "default 12.0 W/core" in notes[1]
    flagged = _texts(browser, "#cards .card.flagged .label")
    assert flagged == ["IT energy (estimated)", "facility energy (estimated)"], flagged
    assert errors(browser) == []


# -- the second review (single-year scenarios, labels, precision, units, drivers, phone tables) -------------------
def _visible(driver: Any, element_id: str) -> bool:
    return bool(driver.execute_script("var e = document.getElementById(arguments[0]);"
                                      "return !!e && e.offsetParent !== null;", element_id))


def test_single_year_scenario_axis_error_bar_and_no_empty_carbon_charts(browser: Any, live_url: str) -> None:
    """devries-2023-nvidia-2027 (one year, no location): the x axis spans 2026–2028 (not 1900–2150), the 5–95 %
    range is an error bar at 2027, carbon and water are not drawn as empty frames but explained in a sentence, and
    the sensitivity bar names its input in words."""
    import re

    open_page(browser, live_url + "/dashboard/scenarios.html?name=devries-2023-nvidia-2027", 2)
    axis = browser.execute_script("var s = Chart.getChart(document.getElementById('energy')).scales.x;"
                                  "return [s.min, s.max, s.ticks.map(function (t) { return String(t.label); })];")
    assert axis[:2] == [2026, 2028] and "2027" in axis[2], axis
    bar = browser.execute_script(
        "var ds = Chart.getChart(document.getElementById('energy')).data.datasets.filter(function (d) {"
        "  return d.label === 'facility electricity 5–95 % range'; })[0];"
        "return ds ? [ds.showLine, ds.data.map(function (p) { return [p.x, p.y]; })] : null;")
    assert bar is not None and bar[0] is True and bar[1][0][0] == bar[1][1][0], bar  # one vertical bar
    assert abs(bar[1][0][0] - 2027) <= 0.1, bar  # at 2027, beside the IT bar (test_dashboard_pages.py)
    assert 130 < bar[1][0][1] < 145 and 195 < bar[1][1][1] < 215, bar  # 5th and 95th percentiles, TWh/yr
    assert not _visible(browser, "carbon") and not _visible(browser, "water")
    assert _visible(browser, "cw-note")
    note = browser.find_element("id", "cw-note").text
    assert "not computed" in note and "location" in note and "intensity" in note, note
    assert browser.execute_script("return document.querySelectorAll('#carbon[data-drawn], #water[data-drawn]')"
                                  ".length") == 0
    bars = browser.execute_script("return Chart.getChart(document.getElementById('sensitivity')).data.labels")
    assert len(bars) == 1 and re.fullmatch(r"server power \(6\.\d\d–10\.0 kW\)", bars[0]), bars
    assert errors(browser) == []


def test_scenario_identifiers_sources_and_warnings_in_words(browser: Any, live_url: str) -> None:
    """No raw id (it_power_gw, "(it_*)") or source key group ("UPTIME;GREENBIZ-WUE") in the tables and warnings;
    every source the warnings cite is listed under Sources."""
    open_page(browser, live_url + "/dashboard/scenarios.html?name=devries-2023-nvidia-2027", 2)
    assert browser.execute_script("return [AIFD.label('it_power_gw'), AIFD.label('server_power_kw')]") == [
        "IT power", "server power"]
    outputs = _texts(browser, "#published tbody td:first-child")
    assert "IT power" in outputs and "it power" not in outputs, outputs
    warnings = _texts(browser, "#warnings li")
    joined = " ".join(warnings)
    assert "it_*" not in joined and "UPTIME" not in joined and "GREENBIZ" not in joined, warnings
    assert "Uptime Institute and GreenBiz (2024)" in joined, warnings
    keys = browser.execute_script("return Array.prototype.map.call(document.querySelectorAll('#sources li'),"
                                  " function (e) { return e.getAttribute('data-key'); })")
    assert {"DV23", "UPTIME", "GREENBIZ-WUE"} <= set(keys), keys
    assert errors(browser) == []


def test_iea_scenario_drivers_legend_published_value_and_links(browser: Any, live_url: str) -> None:
    """The IEA trajectory: no one-bar chart of the output itself but a sentence; the band is named 5–95 % range;
    the published 2030 value (945) is drawn, not only its range; reproduced figures carry the unit; the source's
    web address is a link; the warnings' sources are listed."""
    open_page(browser, live_url + "/dashboard/scenarios.html", 3)
    assert not _visible(browser, "sensitivity") and _visible(browser, "sens-note")
    assert "No separate input" in browser.find_element("id", "sens-note").text
    assert browser.find_element("id", "sensitivity").get_attribute("data-drawn") is None
    legend = browser.execute_script(
        "var ch = Chart.getChart(document.getElementById('energy'));"
        "return ch.legend.legendItems.map(function (i) { return i.text; });")
    assert "facility electricity 5–95 % range" in legend, legend
    assert not [t for t in legend if t.endswith("pct")], legend
    pub = browser.execute_script(
        "return Chart.getChart(document.getElementById('energy')).data.datasets.filter(function (d) {"
        "  return /^published 2030/.test(d.label); }).map(function (d) {"
        "  return [d.label, d.data.map(function (p) { return p.y; })]; })")
    assert len(pub) == 1 and 945 in pub[0][1] and "945" in pub[0][0], pub
    reproduced = _texts(browser, "#published tbody td:nth-child(4)")
    assert reproduced and all(r.endswith("TWh/yr") for r in reproduced), reproduced
    links = browser.execute_script("return Array.prototype.map.call(document.querySelectorAll('#sources a'),"
                                   " function (a) { return a.getAttribute('href'); })")
    assert "https://www.iea.org/reports/energy-and-ai" in links, links
    keys = browser.execute_script("return Array.prototype.map.call(document.querySelectorAll('#sources li'),"
                                  " function (e) { return e.getAttribute('data-key'); })")
    assert {"IEA25", "UPTIME", "GREENBIZ-WUE", "CC-IEA19"} <= set(keys), keys
    assert errors(browser) == []


def test_run_page_energy_in_wh_and_three_digits(browser: Any, live_url: str) -> None:
    """The run page uses the Wh family in cards, chart and the Devices and Windows tables (no J or kJ); its
    numbers carry three significant digits (trailing zeros kept)."""
    import re

    open_page(browser, live_url + "/dashboard/run.html?id=demo-train-1", 2)
    heads = _texts(browser, "#devices th[data-col=energy], #windows th[data-col=energy]")
    assert len(heads) == 2 and all(re.fullmatch(r"IT energy \[(m|k|M|G)?Wh\]", h) for h in heads), heads
    energies = _texts(browser, "#devices tbody td:nth-child(4), #windows tbody td:nth-child(4)")
    assert energies and all(re.fullmatch(r"[\d,]+|\d+\.\d+", e) for e in energies), energies
    assert [e for e in energies if re.fullmatch(r"\d\.\d\d|\d\d\.\d", e)] or all(len(e) >= 3 for e in energies)
    windows = _texts(browser, "#windows tbody td:nth-child(4)")
    assert windows == ["1.11", "11.1"], windows  # 4,000 J and 40,000 J in Wh
    assert errors(browser) == []


@pytest.mark.parametrize("width", [420], indirect=True)
def test_run_page_tables_at_phone_width(browser: Any, live_url: str, width: int) -> None:
    """At 420 px the Devices table (its methods "tdp-x-utilisation (estimated)" kept whole) scrolls with a hint and
    the first column kept in view, while the Assumptions table fits the screen (its headers, names, units and
    sources wrap between words), with no hint; a run without windows says so in a sentence (no empty table)."""
    open_page(browser, live_url + "/dashboard/run.html?id=demo-measured-1", 2)
    wait_for(browser, "return document.querySelectorAll('#assumptions tbody tr').length > 0")
    fits = browser.execute_script("var b = document.getElementById('assumptions').parentNode;"
                                  "return [b.scrollWidth, b.clientWidth];")
    assert fits[0] <= fits[1] + 1, fits
    assert browser.execute_script("var h = document.querySelector('p.hint[data-hint-for=assumptions]');"
                                  "return !h || h.hidden;")
    for table in ("devices",):
        wait_for(browser, f"var h = document.querySelector('p.hint[data-hint-for={table}]'); return h && !h.hidden;")
        box = browser.execute_script(
            "var t = document.getElementById(arguments[0]), b = t.parentNode; b.scrollLeft = 300;"
            "var c = t.querySelector('tbody td');"
            "return [b.scrollLeft, c.getBoundingClientRect().left, b.getBoundingClientRect().left];", table)
        assert box[0] > 0 and abs(box[1] - box[2]) < 2, (table, box)
    assert not _visible(browser, "windows") and _visible(browser, "no-windows")
    assert "No measured windows" in browser.find_element("id", "no-windows").text
    assert errors(browser) == []


def test_numeric_columns_are_right_aligned(browser: Any, live_url: str) -> None:
    """Runs and projects tables: duration, energy, carbon, water (and run counts) are right-aligned."""
    open_page(browser, live_url + "/dashboard/", 0)
    wait_for(browser, "return document.querySelectorAll('#runs tbody tr').length === 5")
    align = browser.execute_script(
        "return Array.prototype.map.call(document.querySelector('#runs tbody tr').cells, function (c) {"
        "  return getComputedStyle(c).textAlign; });")
    assert align[:5] == ["left"] * 5 and align[5:] == ["right"] * 4, align
    open_page(browser, live_url + "/dashboard/projects.html", 0)
    wait_for(browser, "return document.querySelectorAll('#projects tbody tr').length > 0")
    align = browser.execute_script(
        "return Array.prototype.map.call(document.querySelector('#projects tbody tr').cells, function (c) {"
        "  return getComputedStyle(c).textAlign; });")
    assert align == ["left", "right", "right", "right", "right"], align
    assert errors(browser) == []
