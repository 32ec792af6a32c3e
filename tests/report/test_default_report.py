"""The default report: built from the shipped data, self-contained, and clean in headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from aifootprint.report.build import build_default_report

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--enable-logging=stderr", "--v=0")


@pytest.fixture(scope="module")
def report_html() -> str:
    return build_default_report(draws=20_000)


def test_key_numbers_and_sources(report_html: str) -> None:
    """IEA 2025: 415 TWh (2024) and 945 TWh (2030 base) are shown with their sources."""
    for text in ("415", "945", "break-even day", "Sources", "Assumptions", "IEA25", "DV23",
                 "No published elasticity for AI exists", "llama-3.1-70b"):
        assert text in report_html, text


def test_published_fallback_when_estimator_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the estimator the life cycle pairs GPT-3 training (1,287 MWh, PA21) with ChatGPT serving (564 MWh
    per day, DV23) and says so."""
    from aifootprint.report import build

    monkeypatch.setattr(build, "_estimator_available", lambda: False)
    html = build.build_default_report(draws=2_000)
    for text in ("1,287 MWh", "564 MWh per day", "2.3 days", "Estimator not available"):
        assert text in html, text


def test_unknown_model_is_flagged(report_html: str) -> None:
    from aifootprint.reference.registry import default_registry
    from aifootprint.report.build import lifecycle_data

    lc = lifecycle_data(default_registry(), "no-such-model")
    assert any("could not run model 'no-such-model'" in f for f in lc.notes.flags)


def test_every_chart_has_sources_under_it(report_html: str) -> None:
    sections = re.findall(r"<section id=\"[^\"]+\">.*?</section>", report_html, flags=re.S)
    assert len(sections) >= 6
    for s in sections:
        assert "<h4>Sources</h4>" in s, s[:80]


def test_self_contained(report_html: str) -> None:
    no_svg_ns = report_html.replace("http://www.w3.org/2000/svg", "")
    assert "<script" not in report_html
    assert not re.search(r"(src|href)=\"(https?:)?//", no_svg_ns)
    assert "@import" not in report_html and "url(" not in report_html


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def test_renders_in_headless_chromium_without_console_errors(report_html: str, tmp_path: Path) -> None:
    """Open the file in headless Chromium: no console errors, and the key numbers are in the rendered DOM."""
    binary = _chromium()
    if binary is None:
        pytest.skip("chromium not installed (the CI set-up installs Debian 'chromium'; apt-get install -y chromium)")
    page = tmp_path / "report.html"
    page.write_text(report_html, encoding="utf-8")
    cmd = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = [ln for ln in proc.stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln]
    assert not console, console
    dom = proc.stdout
    assert "Sector trajectory" in dom and "945" in dom and "break-even day" in dom
    assert dom.count("<svg") >= 6
