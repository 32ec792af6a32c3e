"""The CPU TDP lookup, cached per machine: a fresh process never parses the 4,713-row ``cpus`` table twice.

:func:`aifootprint.measure.sensors.cpu_fallback.lookup_cpu_tdp` loads the whole ``cpus`` table (100-250 ms) to
match the ``/proc/cpuinfo`` model name. Its answer only depends on the CPU (model, cores, sockets, virtual machine
or not) and on the table file, so it is kept in ``<store directory>/cache/cpu-tdp.json`` (the store directory
is the one of :func:`aifootprint.measure.store.default_store_path`) under a key made of exactly those; any change
of CPU or of the shipped table is a new key. An unreadable or unwritable cache is ignored (the lookup runs).
"""

from __future__ import annotations

import json
from pathlib import Path

from .cpu_fallback import DEFAULT_PROC, CpuTdp, read_cpu_info, resolve_cpu_tdp

_TABLE = Path(__file__).resolve().parents[2] / "reference" / "data" / "cpus.csv"


def cache_path() -> Path:
    from ..store import default_store_path

    return default_store_path().parent / "cache" / "cpu-tdp.json"


def _key(proc_root: str) -> str:
    info = read_cpu_info(proc_root)
    try:
        st = _TABLE.stat()
        table = f"{st.st_size}:{st.st_mtime_ns}"
    except OSError:
        table = "missing"
    return json.dumps([info.model, info.cores, info.sockets, info.virtual, table])


def cached_cpu_tdp(proc_root: str = DEFAULT_PROC, path: Path | None = None) -> CpuTdp:
    """:func:`resolve_cpu_tdp` for this CPU, from the cache when it holds this CPU and table (see above)."""
    path = path or cache_path()
    key = _key(proc_root)
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        if entry.get("key") == key:
            return CpuTdp(**entry["tdp"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        pass  # no cache yet, or one from another version: look it up
    found = resolve_cpu_tdp(read_cpu_info(proc_root))
    from ...fileio import replace_atomically  # only on a miss, after the table lookup

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_atomically(path, json.dumps({"key": key, "tdp": found.__dict__}).encode("utf-8"))
    except OSError:
        pass  # a read-only home: the lookup simply runs again next time
    return found
