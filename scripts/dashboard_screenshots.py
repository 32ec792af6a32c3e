"""Screenshots of the dashboard and the index page with headless Chromium, to look at them (layout review).

Serves the app on SQLite in a temporary folder on a free 127.0.0.1 port, posts the deterministic demo runs of
``tests/dashboard/seed.py`` and writes one PNG per page and width into ``--out``:

    python scripts/dashboard_screenshots.py --out /tmp/shots
"""

from __future__ import annotations

import argparse
import base64
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PAGES = ("dashboard/", "dashboard/run.html?id=demo-train-1", "dashboard/run.html?id=demo-train-2",
         "dashboard/projects.html?project=llm-finetune", "dashboard/estimate.html", "dashboard/scenarios.html",
         "index/")
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars")


def browser(chromium: str, profile: str) -> Any:
    """Headless Chromium through Selenium and the Debian chromedriver (device metrics can go below 500 px)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for flag in (*FLAGS, f"--user-data-dir={profile}", "--window-size=1280,1000"):
        opts.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver") or "chromedriver"),
                            options=opts)


def main() -> None:
    import uvicorn

    from aifootprint.server.app import create_app
    from aifootprint.server.config import ServerConfig

    sys.path.insert(0, str(REPO / "tests" / "dashboard"))
    import seed

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--widths", default="1280,420")
    parser.add_argument("--height", type=int, default=2400)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium not found (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as tmp:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        app = create_app(ServerConfig(database_url=f"sqlite:///{tmp}/demo.sqlite3"))
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        seed.seed(base)
        driver = browser(chromium, f"{tmp}/profile")
        try:
            for width in (int(w) for w in args.widths.split(",")):
                driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": 1000,
                                                                              "deviceScaleFactor": 1,
                                                                              "mobile": width < 700})
                for page in PAGES:
                    name = page.replace("/", "_").replace("?", "_").replace("=", "-").strip("_") or "home"
                    png = args.out / f"{name}-{width}.png"
                    driver.get(f"{base}/{page}")
                    time.sleep(1.5)  # the pages fetch the API, then draw
                    height = min(int(driver.execute_script("return document.documentElement.scrollHeight")),
                                 args.height)
                    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 700})
                    time.sleep(0.5)  # the charts redraw for the new size
                    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {})
                    png.write_bytes(base64.b64decode(shot["data"]))
                    print(png)
        finally:
            driver.quit()
        server.should_exit = True


if __name__ == "__main__":
    main()
