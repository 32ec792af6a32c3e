"""Browser fixtures: one headless Debian Chromium (Selenium + chromedriver) per session, the server of
``tests/server/conftest.py`` (uvicorn on a free 127.0.0.1 port) with the demo runs of :mod:`seed`, on SQLite
(``live_url``) and, for one test, on a real PostgreSQL server (``pg_url``).

Skipped, with the reason, only when chromium or chromedriver is absent (``apt-get install chromium
chromium-driver``). No browser is downloaded: Selenium is pointed at ``/usr/bin/chromedriver``.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars")


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _binaries() -> tuple[str, str] | None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


def errors(driver: Any) -> list[str]:
    """SEVERE console entries since the last call (JS errors, CSP violations, failed loads)."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def wait_for(driver: Any, script: str, timeout: float = 20.0) -> Any:
    """The first truthy result of ``script`` in the page, polled every 50 ms for at most ``timeout`` seconds."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: d.execute_script(script))


@contextmanager
def screen_width(driver: Any, px: int) -> Iterator[None]:
    """The page laid out on a screen ``px`` CSS pixels wide (900 high, a phone's touch screen below 700 px) until the
    block ends (``Emulation.setDeviceMetricsOverride``; the window itself is not resized)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": px, "height": 900, "deviceScaleFactor": 1, "mobile": px < 700})
    try:
        yield
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium with a fresh profile, console messages kept (``driver.get_log("browser")``)."""
    found = _binaries()
    if found is None:
        pytest.skip("chromium or chromedriver not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="afp-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = found[0]
    for flag in (*FLAGS, f"--user-data-dir={profile}", "--window-size=1280,1000"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=found[1]), options=opts)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def seed_module() -> ModuleType:
    return _load("aifootprint_dashboard_seed", HERE / "seed.py")


#: srv's server fixtures (``tests/server/conftest.py``), loaded once: ``serve_in_thread`` and the throw-away
#: PostgreSQL cluster (``pg_server`` / ``pg_url``, skipped with the reason when PostgreSQL is not installed).
SERVER = _load("aifootprint_server_conftest", HERE.parent / "server" / "conftest.py")
pg_server = SERVER.pg_server
pg_url = SERVER.pg_url


@pytest.fixture(scope="session")
def serve() -> Any:
    """srv's ``serve_in_thread(config)`` context manager."""
    return SERVER.serve_in_thread


@pytest.fixture(scope="session")
def live_url(seed_module: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """srv's app (``create_app``) on SQLite, served on a free 127.0.0.1 port, with the demo runs."""
    if _binaries() is None:
        pytest.skip("chromium or chromedriver not installed (apt-get install chromium chromium-driver)")
    from aifootprint.server.config import ServerConfig

    db = tmp_path_factory.mktemp("dash") / "dash.sqlite3"
    with SERVER.serve_in_thread(ServerConfig(database_url=f"sqlite:///{db}")) as live:
        seed_module.seed(live.url)
        yield live.url
