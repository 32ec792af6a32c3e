"""Time to build the living AI energy index and the size of what it writes (figures for the closing note).

    python benchmarks/index_build.py            # default config (20,000 draws per scenario)

Prints: build time (median of 3), figures, page and figures.json sizes, and the first and cached response time of
``/index/`` on the server app (when the ``[server]`` extra is installed).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    from aifootprint.index.figures import IndexConfig, build_index
    from aifootprint.index.site import write_site

    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        data = build_index(config=IndexConfig())
        times.append(time.perf_counter() - t0)
    print(f"build_index: {statistics.median(times):.2f} s (median of 3), {len(data.figures())} figures, "
          f"{len(data.sources)} sources")
    with tempfile.TemporaryDirectory() as tmp:
        res = write_site(Path(tmp) / "site")
        sizes = {p.name: p.stat().st_size for p in res.files}
        print(f"site: index.html {sizes['index.html'] / 1024:.0f} kB, figures.json {sizes['figures.json'] / 1024:.0f} "
              f"kB, all files {sum(sizes.values()) / 1024:.0f} kB (Chart.js {sizes['chart.umd.min.js'] / 1024:.0f} kB)")
        try:
            from fastapi.testclient import TestClient

            from aifootprint.server.app import create_app
            from aifootprint.server.config import ServerConfig
        except ImportError:
            print("server: [server] extra not installed, /index/ not timed")
            return
        with TestClient(create_app(ServerConfig(database_url=f"sqlite:///{tmp}/b.sqlite3"))) as client:
            t0 = time.perf_counter()
            client.get("/index/")
            first = time.perf_counter() - t0
            t0 = time.perf_counter()
            for _ in range(20):
                client.get("/index/")
            cached = (time.perf_counter() - t0) / 20
        print(f"server /index/: first request {first:.2f} s (computes the page), then {cached * 1000:.1f} ms (kept)")


if __name__ == "__main__":
    main()
