"""Fresh-process timing shared by ``import_time.py`` and ``tracker_overhead.py``."""

from __future__ import annotations

import os
import resource
import subprocess
import tempfile
import time


def bench_env(home: str | None = None) -> dict[str, str]:
    """This environment with bytecode writing allowed (as for an installed package) and ``AIFOOTPRINT_HOME`` at
    ``home`` (default: a new temporary directory)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["AIFOOTPRINT_HOME"] = home or tempfile.mkdtemp(prefix="afp-bench-")
    return env


def child_ms(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system of the child) [ms] of one run of ``argv`` (output discarded)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = (time.perf_counter() - start) * 1000.0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000.0
