"""Dashboard pages in a real headless Chromium (the browser and seeded server of ``tests/dashboard/conftest.py``):
the runs filter given in the address, published scenario figures on their chart's axis, and the power chart's
sample cap said on the page.

Before: ``/dashboard/?project=chat-serving`` listed every project's runs (the table was loaded before the project
list, so the filter was still "all") and rewrote the address without the project; on ``li-2023-water-2027`` the
published water figure (0.38–0.60 billion m³, given in L) was drawn at 380,000,000,000 on the billion-m³ axis, so the
axis ran to 6e11 and the computed band lay flat on zero, and the note said what water needs though water was
computed; the run page read 21 pages of samples for its cap of 20 and said nothing when a run had more.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import errors, screen_width, wait_for


def test_runs_page_filters_by_the_project_in_the_address(browser: Any, live_url: str) -> None:
    errors(browser)
    browser.get(live_url + "/dashboard/?project=chat-serving")
    wait_for(browser, "return document.getElementById('count').textContent !== ''")
    got = browser.execute_script(
        "return [Array.prototype.map.call(document.querySelectorAll('#runs tbody tr'), function (r) {"
        " return r.cells[1].textContent; }), document.querySelector('select[name=project]').value, location.search];")
    assert got[0] == ["chat-serving"] and got[1] == "chat-serving", got
    assert "project=chat-serving" in got[2], got
    assert errors(browser) == []


def test_published_water_figure_on_the_axis_of_the_trajectory(browser: Any, live_url: str) -> None:
    browser.get(live_url + "/dashboard/scenarios.html?name=li-2023-water-2027")
    wait_for(browser, "return !!document.querySelector('#water[data-drawn]')")
    axis_max, published, band = browser.execute_script(
        "var c = Chart.getChart(document.getElementById('water')), ds = c.data.datasets;"
        "function ys(re) { return ds.filter(function (d) { return re.test(d.label); })"
        "  .map(function (d) { return [d.label, d.data.map(function (p) { return p.y; })]; }); }"
        "return [c.scales.y.max, ys(/^published /), ys(/5–95 % range$/)];")
    assert len(published) == 1 and published[0][1] == pytest.approx([0.38, 0.60]), published  # billion m³/yr
    assert "0.380–0.600" in published[0][0], published
    assert 0.3 < band[0][1][0] < band[0][1][1] < 0.7, band
    assert axis_max < 1, axis_max
    note = browser.find_element("id", "cw-note").text
    assert note == "Carbon is not computed for this scenario: carbon needs a location or a grid carbon intensity.", note
    assert errors(browser) == []


def test_power_chart_reads_at_most_its_page_cap_and_says_when_it_stops(browser: Any, live_url: str) -> None:
    """demo-long-1 has 6,003 samples (two API pages of 5,000): with a cap of one page the chart holds 5,000 and the
    note under it says the run has more; with the page's own cap it holds all and no note is shown."""
    browser.get(live_url + "/dashboard/run.html?id=demo-long-1")
    wait_for(browser, "return !!document.querySelector('#power[data-drawn]')")
    assert not browser.find_element("id", "power-note").is_displayed()
    one, every = browser.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "Promise.all([AIFD.fetchSamples('demo-long-1', 1), AIFD.fetchSamples('demo-long-1', 20)]).then(function (r) {"
        " done(r.map(function (x) { return [x.samples.length, x.complete]; })); });")
    assert one == [5000, False] and every == [6003, True], (one, every)
    browser.execute_async_script("var done = arguments[arguments.length - 1];"
                                 "AIFD.powerChart('demo-long-1', 1).then(function () { done(); });")
    points = browser.execute_script("return Chart.getChart(document.getElementById('power')).data.datasets"
                                    ".reduce(function (n, d) { return n + d.data.length; }, 0)")
    assert points == 5000
    note = browser.find_element("id", "power-note")
    assert note.is_displayed() and note.text.startswith("The chart shows the first 5,000 samples only"), note.text
    assert "CSV export" in note.text
    assert errors(browser) == []


#: The Scenarios page: the energy chart's legend texts, and the published-figures table as rows of cell texts.
ENERGY_LEGEND = ("return Chart.getChart(document.getElementById('energy')).legend.legendItems"
                 ".map(function (i) { return i.text; })")
PUBLISHED_CELLS = ("return Array.prototype.map.call(document.querySelectorAll('#published tbody tr'), function (r) {"
                   " return Array.prototype.map.call(r.cells, function (c) { return c.textContent; }); })")


@pytest.mark.parametrize("px", [1280, 420])
def test_one_year_published_figures_beside_the_bars_and_in_words(browser: Any, live_url: str, px: int) -> None:
    """One-year scenarios. DV23's 85.4–134 TWh/yr (devries-2023-nvidia-2027) was drawn at the same x as the IT
    error bar (88–132), its markers on the bar's caps, so neither could be read, and the facility and IT bars lay on
    each other where their ranges overlap (li-2023-water-2027); now the bars stand side by side and the published
    figure beside them.
    DV23's "up to 29.2 TWh/yr" (devries-2023-google-search-ai) had no number in the legend ("published 2023
    (A. de Vries): ") and "range ––29.2" / "––29.2 (bounds)" in the table; legend entries now carry the unit."""
    with screen_width(browser, px):
        browser.get(live_url + "/dashboard/scenarios.html?name=devries-2023-nvidia-2027")
        wait_for(browser, "return document.querySelectorAll('canvas[data-drawn]').length === 2")
        xs = browser.execute_script(
            "var c = Chart.getChart(document.getElementById('energy')), out = {};"
            "c.data.datasets.forEach(function (d, i) {"
            "  out[d.label] = c.getDatasetMeta(i).data.map(function (p) { return p.x; }); });"
            "return out;")
        pub = [v for k, v in xs.items() if k.startswith("published 2027")]
        it_bar, facility_bar = xs["IT electricity 5–95 % range"], xs["facility electricity 5–95 % range"]
        assert len(pub) == 1 and min(pub[0]) - max(it_bar) >= 12, xs  # px between the bar and the figure
        assert min(it_bar) - max(facility_bar) >= 12, xs  # the two series' bars side by side, not on each other
        assert xs["IT electricity"] == it_bar[:1] and xs["facility electricity"] == facility_bar[:1], xs
        assert "published 2027 (A. de Vries): 85.4–134 TWh/yr" in xs, list(xs)
        browser.get(live_url + "/dashboard/scenarios.html?name=devries-2023-google-search-ai")
        wait_for(browser, "return document.querySelectorAll('#published tbody tr').length === 3")
        legend = browser.execute_script(ENERGY_LEGEND)
        assert "published 2023 (A. de Vries): up to 29.2 TWh/yr" in legend, legend
        cells = browser.execute_script(PUBLISHED_CELLS)
        it_row = next(r for r in cells if r[0] == "IT electricity")
        assert it_row[2] == "up to 29.2 TWh/yr" and it_row[3] == "29.2 (upper bound) TWh/yr", it_row
        assert not [c for r in cells for c in r if "––" in c], cells
        assert errors(browser) == []


def test_runs_page_says_when_no_run_matches(browser: Any, live_url: str) -> None:
    """A filter that matches no run: a sentence instead of an empty table headed with units ("IT energy [Wh]",
    "water [mL]") and "0 runs, newest first"; a matching filter shows the table again."""
    errors(browser)
    browser.get(live_url + "/dashboard/?host=no-such-host")
    wait_for(browser, "return document.getElementById('count').textContent !== ''")
    got = browser.execute_script("return [document.getElementById('runs').offsetParent === null,"
                                 " document.getElementById('count').textContent,"
                                 " document.getElementById('scroll-hint').offsetParent === null];")
    assert got == [True, "No runs match these filters.", True], got
    browser.get(live_url + "/dashboard/?host=gpu-node-1")
    wait_for(browser, "return document.querySelectorAll('#runs tbody tr').length === 2")
    assert browser.execute_script("return document.getElementById('runs').offsetParent !== null")
    assert browser.find_element("id", "count").text == "2 runs, newest first"
    assert errors(browser) == []


def test_equal_facility_and_it_electricity_drawn_once(browser: Any, live_url: str) -> None:
    """ai-search-rebound has a PUE of 1 (its 0.24 Wh per request already includes the overhead): facility and IT
    electricity are the same numbers. Both were drawn, the two bands blending into a grey that matched neither
    legend entry and the IT line hidden under the facility line; now one series says they are equal. The IEA
    trajectory (PUE above 1) keeps both."""
    errors(browser)
    browser.get(live_url + "/dashboard/scenarios.html?name=ai-search-rebound")
    wait_for(browser, "return document.querySelectorAll('canvas[data-drawn]').length === 4")
    assert browser.execute_script(ENERGY_LEGEND) == ["electricity (facility = IT) 5–95 % range",
                                              "electricity (facility = IT)"]
    browser.get(live_url + "/dashboard/scenarios.html")
    wait_for(browser, "return document.querySelectorAll('canvas[data-drawn]').length === 3")
    legend = browser.execute_script(ENERGY_LEGEND)
    assert "facility electricity" in legend and "IT electricity" in legend, legend
    assert errors(browser) == []


def test_published_water_figures_in_the_charts_unit(browser: Any, live_url: str) -> None:
    """li-2023-water-2027's published figures were written in litres to the last digit ("range
    4,200,000,000,000–6,600,000,000,000 L/yr", reproduced "4,435,640,235,000–…"): 13-digit numbers with a
    precision no one has. Now in the water chart's unit, at three significant digits."""
    import re

    errors(browser)
    browser.get(live_url + "/dashboard/scenarios.html?name=li-2023-water-2027")
    wait_for(browser, "return document.querySelectorAll('#published tbody tr').length === 2")
    rows = browser.execute_script(PUBLISHED_CELLS)
    withdrawal = next(r for r in rows if r[0] == "water withdrawal")
    assert withdrawal[2] == "range 4.20–6.60 billion m³/yr", withdrawal
    assert re.fullmatch(r"4\.\d\d–6\.\d\d \(bounds\) billion m³/yr", withdrawal[3]), withdrawal
    assert not [c for r in rows for c in r if re.search(r"\d(,\d{3}){3}", c)], rows
    assert errors(browser) == []


def test_sensitivity_label_names_a_unit_once(browser: Any, live_url: str) -> None:
    """An input whose unit is its name (devries-2023-google-search-ai's servers) read "servers (405,641–507,180
    servers)"; now the unit is not repeated. Other inputs keep theirs ("server power (6.68–10.0 kW)")."""
    import re

    errors(browser)
    browser.get(live_url + "/dashboard/scenarios.html?name=devries-2023-google-search-ai")
    wait_for(browser, "return !!document.querySelector('#sensitivity[data-drawn]')")
    bars = browser.execute_script("return Chart.getChart(document.getElementById('sensitivity')).data.labels")
    assert len(bars) == 1 and re.fullmatch(r"servers \([\d,]+–[\d,]+\)", bars[0]), bars
    assert errors(browser) == []
