"""The report printed: headless Chromium (Selenium + Debian's chromedriver, one browser for this module) with the print
media type emulated (``Emulation.setEmulatedMedia``), at the width of an A4 page's printable area. Checks what the
print style sheet promises: no navigation, one drawing of each chart (the wide one), nothing wider than the page, and
every bibliography URL written once. Before: each URL of the bibliography, already the link's text, was printed a
second time after it in parentheses by an ``a::after{content: attr(href)}`` rule ("https://x (https://x)")."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aifootprint.report.build import build_default_report

#: A4 (210 mm) less Chromium's default 1 cm margins, in CSS px (96 per inch).
PRINT_WIDTH_PX = round((210 - 20) / 25.4 * 96)

PROBE = """
const out = {nav: 0, shown: [], wide: [], twice: [], bib: 0};
document.querySelectorAll('nav').forEach(n => { if (n.getBoundingClientRect().height > 0) out.nav += 1; });
document.querySelectorAll('figure').forEach(fig => {
  const on = [...fig.querySelectorAll('svg')].filter(s => s.getBoundingClientRect().width > 0);
  if (fig.querySelector('svg')) out.shown.push(on.map(s => s.className.baseVal).join('+'));
});
document.querySelectorAll('body *').forEach(el => {
  const r = el.getBoundingClientRect();
  if (r.right > document.documentElement.clientWidth + 1) out.wide.push(el.tagName + ' ' + Math.round(r.right));
});
document.querySelectorAll('ol.bib a').forEach(a => {
  out.bib += 1;
  const after = getComputedStyle(a, '::after').content;  // what the print style sheet adds after the link
  const shown = a.textContent + (after && after !== 'none' && after !== 'normal' ? after : '');
  if (shown.split(a.getAttribute('href')).length > 2) out.twice.push(shown);
});
return out;
"""


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    browser, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not browser or not driver_path:
        pytest.skip("chromium or chromedriver not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    page = tmp_path_factory.mktemp("print") / "report.html"
    page.write_text(build_default_report(draws=2_000), encoding="utf-8")
    profile = tempfile.mkdtemp(prefix="afp-print-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = browser
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                 f"--user-data-dir={profile}"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=opts)
    try:
        driver.set_window_size(PRINT_WIDTH_PX, 900)  # the window's frame: grow it until the page is the print width
        driver.set_window_size(2 * PRINT_WIDTH_PX - driver.execute_script("return innerWidth"), 900)
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        driver.get(Path(page).as_uri())
        out: dict[str, Any] = driver.execute_script(PROBE)
        out["innerWidth"] = driver.execute_script("return innerWidth")
        out["print"] = driver.execute_script("return matchMedia('print').matches")
        yield out
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_print_shows_each_chart_once_within_the_page(printed: dict[str, Any]) -> None:
    assert printed["print"] and abs(printed["innerWidth"] - PRINT_WIDTH_PX) <= 1, printed["innerWidth"]
    assert printed["nav"] == 0
    assert len(printed["shown"]) >= 7 and set(printed["shown"]) == {"chart wide"}, printed["shown"]
    assert printed["wide"] == [], printed["wide"][:10]


def test_print_writes_each_bibliography_url_once(printed: dict[str, Any]) -> None:
    assert printed["bib"] >= 30, printed["bib"]
    assert printed["twice"] == [], printed["twice"][:3]
