"""Tracker.start() in a fresh process does not parse the CPU table; the TDP lookup is cached per machine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from aifootprint.measure.sensors.tdpcache import cached_cpu_tdp

from ._helpers import write_proc


def test_discovery_and_start_do_not_load_the_cpu_table(tmp_path: Path) -> None:
    """Issue 12: every fresh Tracker.start() parsed the 4,713-row cpus table (153 ms) when the CPU was not in it.
    A machine without GPU device nodes does not load a GPU library either (pynvml costs ~50 ms to import)."""
    proc = tmp_path / "proc"
    write_proc(proc, 100, 100, cores=4)
    code = (
        "import sys\n"
        "from aifootprint.measure.sensors.discovery import SensorConfig\n"
        "from aifootprint.measure.tracker import Tracker, TrackerConfig\n"
        f"cfg = TrackerConfig(store=False, hz=1.0, sensors=SensorConfig(backend='auto', proc_root={str(proc)!r}, "
        f"dev_root={str(tmp_path)!r}, powercap_root={str(tmp_path / 'none')!r}))\n"
        "t = Tracker(cfg)\n"
        "t._loop = lambda: None  # no sampler thread: nothing may read the sensors behind our back\n"
        "t.start()\n"
        "print(sorted(m for m in sys.modules if m.startswith(('aifootprint.reference', 'numpy', 'typer', 'pynvml', "
        "'amdsmi', 'sqlite3'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={"AIFOOTPRINT_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"})
    assert done.stdout.strip() == "[]", done.stdout


def test_cpu_tdp_lookup_is_cached_per_cpu_and_table(tmp_path: Path) -> None:
    proc = tmp_path / "proc"
    write_proc(proc, 100, 100, cores=4)
    cache = tmp_path / "cache" / "cpu-tdp.json"
    first = cached_cpu_tdp(str(proc), cache)
    assert first.match == "default" and first.tdp_w == 4 * 12.0
    entry = json.loads(cache.read_text())
    entry["tdp"]["tdp_w"] = 123.0  # proves the second call reads the cache instead of the table
    cache.write_text(json.dumps(entry))
    assert cached_cpu_tdp(str(proc), cache).tdp_w == 123.0
    write_proc(proc, 100, 100, cores=6)  # another CPU: another key, looked up again
    assert cached_cpu_tdp(str(proc), cache).tdp_w == 6 * 12.0
