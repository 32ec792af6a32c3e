"""Cost of the tracker, each figure from fresh processes, side by side with CodeCarbon when it is installed.

Run:  python benchmarks/tracker_overhead.py [--repeats 7] [--out benchmarks/results/tracker_overhead.txt]

What is measured (medians of ``--repeats`` fresh interpreters; bytecode compiled first):
- import: ``from aifootprint.measure import Tracker`` vs ``from codecarbon import OfflineEmissionsTracker``, over a
  bare interpreter (``python -c pass``);
- ``start()``: time of the first ``Tracker().start()`` in a fresh process, real sensors, run store on; *warm*: the
  per-machine CPU TDP cache exists (every run after the first on a machine), *cold*: a new home (the first run);
- memory: peak RSS (``VmHWM``) of a process that imports the tracker and tracks 3 s at 10 Hz, minus the RSS of the
  bare interpreter; *warm*: the per-machine CPU TDP cache exists, *first run*: a new home (the sampler looks the CPU
  up in the 4,713-row ``cpus`` table once);
- GPUs open: on a machine with NVIDIA GPUs, the time from ``start()`` until the GPUs, opened on a thread of their
  own (``start()`` does not wait for ``import pynvml`` and ``nvmlInit``), are open (``Tracker.wait_open``); NaN
  without GPUs;
- first use: ``import`` + ``Tracker()`` + ``start()`` in a fresh process (what a user's script pays before its
  first sample; warm home);
- sampler CPU: CPU time of a process tracking with ``Tracker()`` (10 Hz) while its main thread sleeps
  ``--sampler-s`` seconds (default 10, after a 1 s warm-up), per second of tracking, in % of one core, median of 5
  processes (the same for a bare sleeping process is subtracted). This machine's sensors are used: where they are
  the CPU and RAM estimates (no RAPL, no GPU), whose readings change at most every 0.5 s, the sampler reads them
  every 0.5 s, not ten times a second (see docs/measure.md), so the row is also measured on the documented fake
  node (``AIFOOTPRINT_SENSORS=fake``: three devices with counters, read at every 1/10 s tick: the tracker's own
  cost at 10 Hz with reads that cost no system call), and once more with three RAPL zones whose counters are
  regular files (the tracker's real RAPL read path at every tick: one ``pread`` per zone; sysfs costs more, the
  kernel reads an MSR; an NVML read costs more still); with the hot cost of one read of each, in this process;
  and, for scale, a thread that only wakes on the sampler's 10 Hz schedule (what any Python sampler pays here
  before reading a sensor);
- ``aifootprint measure -- true``: wall time minus that of ``true`` alone (fixed overhead), and the peak RSS; and
  ``aifootprint measure -- sleep 0.5`` minus ``sleep 0.5`` alone (the fixed overhead on a command that runs long
  enough for the sampler to tick and the GPUs to open);
- which GPU reader the default ``Tracker()`` (``gpu_reader="auto"``) used on this machine, and why: the reader of
  the rows measured with ``Tracker()``;
- GPU readers (``--gpu-reader-rows``): the in-process reader (``gpu_reader="thread"``) beside the out-of-process
  one (``gpu_reader="process"``: a child process loads NVML and publishes its readings in shared memory) and the
  default ``auto`` (its column is named after the reader it used, ``auto->process`` or ``auto->thread``), each in
  fresh processes tracking at 10 Hz (warm home): the workload process's ``start()``, its +peak RSS, its CPU (per
  second of tracking, bare sleeping process subtracted), and for the process reader the child's own peak RSS
  (whole interpreter) and CPU, so that nothing is hidden. ``real``: this machine's NVIDIA GPUs (``/dev``, the driver's
  NVML); ``fake``: NVML's C ABI from ``tests/measure/fake_nvml.c`` built with the C compiler, behind a fake device
  node (its calls cost microseconds: a real driver's counter read cost 3.9 ms of CPU on an H200, docs/measure.md;
  the fake rows show the readers' own cost, not NVML's); ``auto``: real where an NVIDIA device node exists, else
  fake.

Targets (issue 12): start() <= 20 ms, +RSS <= 10 MiB, sampler <= 0.2 % of a core at 10 Hz, measure overhead
<= 150 ms, import <= 30 ms over bare Python. CodeCarbon runs offline (``OfflineEmissionsTracker``, country FRA,
``save_to_file=False``) at the same 10 Hz (``measure_power_secs=0.1``) so that nothing waits on the network.

The figures depend on the machine's load: the report states the load average before and after, so that a noisy
run is recognisable. Publish figures from a quiet machine only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from _timing import bench_env, child_ms

ROOT = Path(__file__).resolve().parents[1]

#: ``rss(key, pid)``: a ``/proc/<pid>/status`` line [MiB] (``VmRSS``, ``VmHWM``) of this process or another one
RSS = ("def rss(key, pid='self'):\n"
       "    for line in open(f'/proc/{pid}/status'):\n"
       "        if line.startswith(key): return int(line.split()[1]) / 1024\n")

TOOLS = {
    "aifootprint": {
        "import": "from aifootprint.measure import Tracker",
        "make": "Tracker()",
        "make10": "Tracker()",
    },
    "codecarbon": {
        "import": "from codecarbon import OfflineEmissionsTracker",
        "make": "OfflineEmissionsTracker(country_iso_code='FRA', save_to_file=False, log_level='error')",
        "make10": ("OfflineEmissionsTracker(country_iso_code='FRA', save_to_file=False, log_level='error', "
                   "measure_power_secs=0.1)"),
    },
}


def _run(code: str, home: str | None = None, args: Sequence[str] = (), env_extra: dict[str, str] | None = None
         ) -> str:
    """The last line ``code`` prints in a fresh interpreter (``args``: its ``sys.argv[1:]``; ``env_extra`` added to
    :func:`bench_env`); RuntimeError with its last line of stderr when it fails."""
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env={**bench_env(home), **(env_extra or {})}, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed")
    return done.stdout.strip().splitlines()[-1]


def _median(code: str, repeats: int, home: str | None = None) -> float:
    _run(code, home)  # bytecode, caches
    return statistics.median(float(_run(code, home)) for _ in range(repeats))


def import_ms(tool: str, repeats: int) -> float:
    code = f"import time; t = time.perf_counter(); {TOOLS[tool]['import']}; print((time.perf_counter() - t) * 1e3)"
    return _median(code, repeats)


def bare_ms(repeats: int) -> float:
    """Wall time of ``python -c pass`` (the interpreter's own start)."""
    times = []
    for _ in range(repeats + 1):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times[1:])


def start_ms(tool: str, repeats: int, warm: bool) -> float:
    t = TOOLS[tool]
    code = (f"import time; {t['import']}\ntr = {t['make']}\n"
            "t0 = time.perf_counter(); tr.start(); dt = time.perf_counter() - t0\ntr.stop(); print(dt * 1e3)")
    if warm:
        return _median(code, repeats, home=tempfile.mkdtemp(prefix="afp-bench-"))
    return statistics.median(float(_run(code)) for _ in range(repeats))


def gpus_open_ms(repeats: int) -> float:
    """Time from ``start()`` until the GPUs, opened on their own thread, are open (``Tracker.wait_open``) [ms];
    NaN on a machine without NVIDIA GPUs (nothing is left for later there)."""
    code = ("import time; from aifootprint.measure import Tracker\ntr = Tracker()\n"
            "t0 = time.perf_counter(); tr.start(); tr.wait_open(60); dt = time.perf_counter() - t0\n"
            "gpu = any(d.component == 'gpu' for d in tr.stop().devices); print(dt * 1e3 if gpu else float('nan'))")
    return _median(code, repeats, home=tempfile.mkdtemp(prefix="afp-bench-"))


def rss_extra_mib(tool: str, warm: bool) -> float:
    t = TOOLS[tool]
    code = (f"import time\n{RSS}r0 = rss('VmRSS')\n{t['import']}\ntr = {t['make10']}\ntr.start(); time.sleep(3.0)\n"
            "tr.stop(); print(rss('VmHWM') - r0)")
    if warm:
        home = tempfile.mkdtemp(prefix="afp-bench-")
        _run(code, home)  # the first run fills the per-machine caches
        return statistics.median(float(_run(code, home)) for _ in range(3))
    return statistics.median(float(_run(code)) for _ in range(3))


def first_use_ms(tool: str, repeats: int) -> float:
    """``import`` + construction + ``start()`` in a fresh process (warm home), in ms."""
    t = TOOLS[tool]
    code = (f"import time; t0 = time.perf_counter(); {t['import']}\ntr = {t['make']}\ntr.start()\n"
            "dt = time.perf_counter() - t0\ntr.stop(); print(dt * 1e3)")
    return _median(code, repeats, home=tempfile.mkdtemp(prefix="afp-bench-"))


def rapl_tree() -> tuple[str, str]:
    """(powercap root, device root) of a machine with three RAPL zones as regular files (packages 0 and 1, the DRAM
    of package 0) and no GPU device node: the tracker's real RAPL path, every zone read at every tick."""
    root = Path(tempfile.mkdtemp(prefix="afp-bench-rapl-"))
    for zone, name in (("intel-rapl:0", "package-0"), ("intel-rapl:0:0", "dram"), ("intel-rapl:1", "package-1")):
        d = root / "powercap" / zone
        d.mkdir(parents=True)
        (d / "name").write_text(name + "\n")
        (d / "energy_uj").write_text("123456789\n")
        (d / "max_energy_range_uj").write_text("262143328850\n")
    (root / "dev").mkdir()
    return str(root / "powercap"), str(root / "dev")


#: a thread that wakes on the sampler's schedule (a lock wait to the next 1/10 s deadline) and does nothing else:
#: the cost of any 10 Hz Python sampler on this machine before it reads or writes anything
WAKE_ONLY = ("import threading\nstop_lock = threading.Lock(); stop_lock.acquire()\n"
             "def wake():\n    deadline = time.monotonic()\n    while True:\n        deadline += 0.1\n"
             "        if stop_lock.acquire(True, max(0.0, deadline - time.monotonic())): break\n"
             "threading.Thread(target=wake, daemon=True).start(); time.sleep(1.0)\n")


SAMPLER_PROCESSES = [5]  # --sampler-processes


def sampler_cpu_pct(tool: str | None, seconds: float, fake: bool = False, rapl: tuple[str, str] | None = None,
                    wake_only: bool = False) -> float:
    """% of a core used by a process tracking for ``seconds`` while its main thread sleeps (``tool`` None: a bare
    sleeping process, or with ``wake_only`` one with the thread of :data:`WAKE_ONLY`); ``fake``: on the fake node
    (every device read at every tick); ``rapl``: with the RAPL zones of :func:`rapl_tree` (aifootprint only)."""
    if tool is None:
        start, stop = (WAKE_ONLY if wake_only else ""), ""
    elif rapl is not None:
        start = ("from aifootprint.measure import Tracker\nfrom aifootprint.measure.config import TrackerConfig\n"
                 "from aifootprint.measure.sensors.discovery import SensorConfig\n"
                 f"tr = Tracker(TrackerConfig(sensors=SensorConfig(powercap_root={rapl[0]!r}, dev_root={rapl[1]!r})))\n"
                 "tr.start(); time.sleep(1.0)\n")
        stop = "tr.stop()\n"
    else:
        t = TOOLS[tool]
        start, stop = f"{t['import']}\ntr = {t['make10']}\ntr.start(); time.sleep(1.0)\n", "tr.stop()\n"
    sensors = "import os; os.environ['AIFOOTPRINT_SENSORS'] = 'fake'\n" if fake else ""
    code = (f"import time\n{sensors}{start}c0, w0 = time.process_time(), time.perf_counter()\ntime.sleep({seconds})\n"
            f"c1, w1 = time.process_time(), time.perf_counter()\n{stop}print((c1 - c0) / (w1 - w0) * 100)")
    # a figure of ~0.1 % is noisy: long windows
    return statistics.median(float(_run(code)) for _ in range(SAMPLER_PROCESSES[0]))


def read_us() -> tuple[float, float]:
    """Hot cost of one sensor read [µs] (median of 7 rounds of 2,000): a fake-node sensor, and a RAPL zone read
    through a regular file standing in for sysfs."""
    import timeit

    from aifootprint.measure.sensors.fake import fake_node
    from aifootprint.measure.sensors.rapl import RaplSensor

    zone = Path(tempfile.mkdtemp(prefix="afp-bench-zone-"))
    (zone / "energy_uj").write_text("123456789\n")
    (zone / "max_energy_range_uj").write_text("262143328850\n")
    rapl = RaplSensor(str(zone), "cpu:package-0", "cpu", "bench")
    fake = fake_node()[1]  # the CPU package

    def per_read(read: Callable[[], object]) -> float:
        return statistics.median(timeit.timeit(read, number=2000) / 2000 * 1e6 for _ in range(7))

    try:
        return per_read(fake.read), per_read(rapl.read)
    finally:
        rapl.close()


def measure_overhead(repeats: int) -> tuple[float, float, float, float, float, float]:
    """(median wall ms of `aifootprint measure -- true`, of `true` alone, median CPU ms of measure (user + system:
    the steadier figure on a loaded machine), peak RSS MiB of measure, median wall ms of `aifootprint measure --
    sleep 0.5`, of `sleep 0.5` alone). The second pair is the fixed overhead on a command that runs long enough for
    the sampler to start ticking and the GPUs (if any) to open: what ``measure`` adds to a short real command."""
    # the console script of this interpreter's environment, not the first on PATH (a pyenv shim there adds its
    # own ~0.1 s and may run another installation)
    script = Path(sys.executable).with_name("aifootprint")
    exe = str(script) if script.exists() else shutil.which("aifootprint")
    cmd = [exe] if exe else [sys.executable, "-m", "aifootprint.cli.main"]
    home = tempfile.mkdtemp(prefix="afp-bench-")
    # bytecode written by the first (discarded) run, as for every other figure: with PYTHONDONTWRITEBYTECODE set,
    # each run would compile the CLI, site and registry modules again (~0.1 s that an installed package never pays)
    env = bench_env(home)
    cpu: list[float] = []

    def wall(argv: list[str]) -> float:
        dt, cpu_ms = child_ms(argv, env)
        cpu.append(cpu_ms)
        return dt

    measure = [*cmd, "measure", "--json", "--", "true"]
    wall(measure)
    cpu.clear()
    ours = statistics.median(wall(measure) for _ in range(repeats))
    ours_cpu = statistics.median(cpu)
    bare = statistics.median(wall(["true"]) for _ in range(repeats))
    sleep = [*cmd, "measure", "--json", "--", "sleep", "0.5"]
    wall(sleep)  # discarded, as the first `true` run
    ours_sleep = statistics.median(wall(sleep) for _ in range(repeats))
    bare_sleep = statistics.median(wall(["sleep", "0.5"]) for _ in range(repeats))
    code = ("import resource, subprocess, sys\n"
            f"subprocess.run({measure!r}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)")
    rss = float(_run(code, home))
    return ours, bare, ours_cpu, rss, ours_sleep, bare_sleep


READER_RUN = "import json, math, os, sys, time\n" + RSS + r"""
# cpu_s: CPU time of every thread of a process [s] (schedstat: ns, not 10 ms clock ticks)
def cpu_s(pid):
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            total += int(open(f"/proc/{pid}/task/{tid}/schedstat").read().split()[0])
        except OSError:
            pass
    return total / 1e9
r0 = rss("VmRSS")
from aifootprint.measure import Tracker
from aifootprint.measure.config import TrackerConfig
from aifootprint.measure.sensors.discovery import SensorConfig
spec = json.loads(sys.argv[1])
tr = Tracker(TrackerConfig(gpu_reader=spec["mode"], sensors=SensorConfig(**spec["sensors"])))
t0 = time.perf_counter(); tr.start(); start_ms = (time.perf_counter() - t0) * 1e3
tr.wait_open(60); time.sleep(1.0)
readers = {t.sensor.reader_pid for t in tr._tracks if hasattr(t.sensor, "reader_pid")}
gpus = sum(t.sensor.component == "gpu" for t in tr._tracks)
c0, w0, k0 = time.process_time(), time.perf_counter(), sum(cpu_s(p) for p in readers)
time.sleep(spec["seconds"])
c1, w1, k1 = time.process_time(), time.perf_counter(), sum(cpu_s(p) for p in readers)
child_rss = sum(rss("VmHWM", p) for p in readers) if readers else math.nan
tr.stop()
used = [n.code.removeprefix("gpu-reader-") for n in tr.details if n.code in ("gpu-reader-process", "gpu-reader-thread")]
print(json.dumps({"start_ms": start_ms, "rss_mib": rss("VmHWM") - r0, "cpu_pct": (c1 - c0) / (w1 - w0) * 100,
                  "child_rss_mib": child_rss, "child_cpu_pct": (k1 - k0) / (w1 - w0) * 100 if readers else math.nan,
                  "gpus": gpus, "used": used[-1] if used else spec["mode"]}))
"""

#: Which GPU reader the default ``Tracker()`` (``gpu_reader="auto"``) uses on this machine, and why (the detail
#: it records with the run), in a fresh process: the reader of the rows measured with ``Tracker()``.
DEFAULT_READER = r"""
from aifootprint.measure import Tracker
tr = Tracker(); tr.start(); tr.wait_open(60); tr.stop()
chosen = [n for n in tr.details if n.code in ("gpu-reader-process", "gpu-reader-thread")]
fallback = [n for n in tr.notes if n.code == "gpu-reader-fallback"]
print(tr.config.gpu_reader + " -> " + (chosen[-1].code.removeprefix("gpu-reader-") + " (" + chosen[-1].message + ")"
      if chosen else "no GPU reader (no GPU found)") + ("; " + fallback[0].message if fallback else ""))
"""


def fake_nvml_node() -> tuple[dict[str, str], dict[str, str]] | None:
    """(extra environment, sensor settings) of a machine whose NVML is the tests' fake library (two GPUs) behind a
    fake NVIDIA device node; None without a C compiler."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        return None
    root = Path(tempfile.mkdtemp(prefix="afp-bench-nvml-"))
    (root / "lib").mkdir()
    (root / "dev").mkdir()
    (root / "dev" / "nvidiactl").touch()
    subprocess.run([cc, "-shared", "-fPIC", "-O1", str(ROOT / "tests" / "measure" / "fake_nvml.c"), "-o",
                    str(root / "lib" / "libnvidia-ml.so.1")], check=True, timeout=60)
    return {"LD_LIBRARY_PATH": str(root / "lib")}, {"dev_root": str(root / "dev")}


def gpu_reader_rows(kind: str, seconds: float) -> tuple[str, dict[str, dict[str, float]]]:
    """Medians over :data:`SAMPLER_PROCESSES` fresh processes of :data:`READER_RUN` for each GPU reader (``thread``,
    ``process`` and the default ``auto``, whose column is named after the reader it used: ``auto->process``);
    ``kind``: ``real``, ``fake`` or ``auto`` (see the module docstring). Returns (what was measured, rows by
    reader)."""
    if kind == "auto":
        kind = "real" if any(Path("/dev").glob("nvidia[0-9]*")) or Path("/dev/nvidiactl").exists() else "fake"
    env_extra: dict[str, str] = {}
    sensors: dict[str, str] = {}
    if kind == "fake":
        node = fake_nvml_node()
        if node is None:
            return "skipped (no C compiler to build the fake NVML library)", {}
        env_extra, sensors = node
    rows: dict[str, dict[str, float]] = {}
    used: dict[str, str] = {}
    for mode in ("thread", "process", "auto"):
        home = tempfile.mkdtemp(prefix="afp-bench-")  # one home: warm after the first run, as "start() warm"
        spec = json.dumps({"mode": mode, "sensors": sensors, "seconds": seconds})
        runs = [json.loads(_run(READER_RUN, home, [spec], env_extra)) for _ in range(SAMPLER_PROCESSES[0] + 1)]
        runs = runs[1:]  # the first wrote the bytecode and the per-machine caches
        used[mode] = "/".join(sorted({str(r.pop("used")) for r in runs}))
        rows[mode] = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    rows[f"auto->{used['auto']}"] = rows.pop("auto")  # the default: the column says which reader it used
    what = ("this machine's NVIDIA GPUs (driver NVML)" if kind == "real" else
            "fake NVML library (tests/measure/fake_nvml.c, 2 GPUs; its calls cost microseconds, not a driver's)")
    return what, rows


def table_lines(labels: list[tuple[str, str, str]], rows: dict[str, dict[str, float]], columns: list[str],
                label_w: int, cell_w: int, idle_cpu: float,
                shown: Callable[[dict[str, float], str], bool]) -> list[str]:
    """One line per ``(key, label, target)`` of ``labels``: each column's value (the bare sleeping process's CPU
    subtracted from the ``cpu_`` rows), ``-`` where ``shown`` says it is missing."""
    lines = []
    for key, label, target in labels:
        idle = idle_cpu if key.startswith("cpu_") else 0.0
        cells = "".join(f"{rows[c][key] - idle:{cell_w}.3g}" if shown(rows[c], key) else f"{'-':>{cell_w}}"
                        for c in columns)
        lines.append(f"{label:{label_w}}{cells}   {target}")
    return lines


def _have(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--sampler-s", type=float, default=10.0, help="seconds of each sampler CPU measurement")
    parser.add_argument("--sampler-processes", type=int, default=5, help="processes per sampler CPU row (median)")
    parser.add_argument("--sampler-rows", choices=("all", "real"), default="all",
                        help="'real': only this machine's sensors (and the bare baseline), e.g. on a GPU machine")
    parser.add_argument("--gpu-reader-rows", choices=("auto", "real", "fake", "none"), default="auto",
                        help="the in-process and out-of-process GPU readers side by side: on this machine's GPUs "
                             "(real), on the tests' fake NVML library (fake), real where an NVIDIA device exists "
                             "(auto), or not at all (none)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "tracker_overhead.txt")
    args = parser.parse_args()
    SAMPLER_PROCESSES[0] = max(1, args.sampler_processes)
    every_row = args.sampler_rows == "all"
    n = args.repeats
    load0 = os.getloadavg()
    tools = [t for t in TOOLS if t == "aifootprint" or _have(t)]
    bare = bare_ms(n)
    rows: dict[str, dict[str, float]] = {}
    for tool in tools:
        try:
            rows[tool] = {
                "import_ms": import_ms(tool, n),
                "start_warm_ms": start_ms(tool, n, warm=True),
                "start_cold_ms": start_ms(tool, max(3, n // 2), warm=False),
                "first_use_ms": first_use_ms(tool, n),
                "rss_mib": rss_extra_mib(tool, warm=True),
                "rss_cold_mib": rss_extra_mib(tool, warm=False),
                "cpu_pct": sampler_cpu_pct(tool, args.sampler_s),
            }
            if tool == "aifootprint":
                rows[tool]["gpus_open_ms"] = gpus_open_ms(max(3, n // 2))
            if tool == "aifootprint" and every_row:
                rows[tool]["cpu_fake_pct"] = sampler_cpu_pct(tool, args.sampler_s, fake=True)
                rows[tool]["cpu_rapl_pct"] = sampler_cpu_pct(tool, args.sampler_s, rapl=rapl_tree())
        except RuntimeError as exc:
            print(f"{tool}: failed ({exc})", file=sys.stderr)
    idle_cpu = sampler_cpu_pct(None, args.sampler_s)
    wake_cpu = sampler_cpu_pct(None, args.sampler_s, wake_only=True) - idle_cpu if every_row else float("nan")
    fake_read_us, rapl_read_us = read_us()
    readers_what, readers = ("not measured (--gpu-reader-rows none)", {}) if args.gpu_reader_rows == "none" else \
        gpu_reader_rows(args.gpu_reader_rows, args.sampler_s)
    m_wall, true_wall, m_cpu, m_rss, m_sleep_wall, sleep_wall = measure_overhead(n)
    default_reader = _run(DEFAULT_READER, tempfile.mkdtemp(prefix="afp-bench-"))
    load1 = os.getloadavg()

    from aifootprint.measure.config import TrackerConfig
    from aifootprint.measure.devicetrack import read_period
    from aifootprint.measure.sensors.discovery import discover

    cfg = TrackerConfig()
    def described(s: Any) -> str:
        text = f"{s.device}={s.method} (read every {read_period(s, 1 / cfg.hz, cfg.flush_s):g} s"
        if hasattr(s, "counter_period_s"):  # NVML read budget: time a few counter reads, say how often it is read
            for _ in range(3):
                s.read_full()
            text += f"; energy counter every {max(s.counter_period_s, 1 / cfg.hz):.2g} s by its read budget"
        return text + ")"

    found = discover().sensors
    sensors = ", ".join(described(s) for s in found)
    for s in found:
        s.close()
    lines = [
        "Tracker cost in fresh processes (benchmarks/tracker_overhead.py)",
        f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; python {platform.python_version()}; "
        f"{platform.machine()}, {os.cpu_count()} CPUs; sensors: {sensors}",
        f"load average before {load0[0]:.2f}, after {load1[0]:.2f} (above ~0.5 per CPU the figures are noisy); "
        f"medians of {n} fresh processes",
        f"bare interpreter start: {bare:.1f} ms",
        f"GPU reader of the Tracker() rows (the default gpu_reader): {default_reader}",
        "",
        f"{'':36}" + "".join(f"{t:>14}" for t in rows) + "   target",
    ]
    labels = [("import_ms", "import [ms]", "<= 30 over bare"), ("start_warm_ms", "start() warm [ms]", "<= 20"),
              ("start_cold_ms", "start() first run [ms]", "<= 20"),
              ("gpus_open_ms", "  GPUs open, after start() [ms]", "(GPUs only: on their own thread)"),
              ("first_use_ms", "import+Tracker()+start() [ms]", "(for reference)"),
              ("rss_mib", "+peak RSS at 10 Hz warm [MiB]", "<= 10"),
              ("rss_cold_mib", "+peak RSS at 10 Hz first run [MiB]", "(for reference)"),
              ("cpu_pct", "sampler CPU, 10 Hz [% core]", "<= 0.2"),
              ("cpu_fake_pct", "  same, fake node [% core]", "<= 0.2"),
              ("cpu_rapl_pct", "  same, 3 RAPL zones as files [% core]", "(for reference)")]
    lines += table_lines(labels, rows, list(rows), 36, 14, idle_cpu, lambda row, key: key in row)
    lines += [
        f"(sampler CPU: {args.sampler_s:g} s per process, median of {SAMPLER_PROCESSES[0]}; "
        f"a bare sleeping process uses {idle_cpu:.3f} % "
        "and is subtracted;",
        " sensors whose reading changes at most every 0.5 s, the CPU and RAM estimates, are read every 0.5 s;",
        " counters and power readings at every 1/10 s tick, like the fake node's three devices)",
        f"a Python thread that only wakes 10 times a second (the sampler's lock wait, nothing read or written) uses "
        f"{wake_cpu:.3f} % on this machine: part of every row above",
        f"one read, hot: fake-node sensor {fake_read_us:.2f} us, RAPL zone (energy_uj as a regular file) "
        f"{rapl_read_us:.2f} us (a fake read makes no system call; an NVML read costs more than both)",
        "",
        f"aifootprint measure --json -- true  {m_wall:7.1f} ms wall; `true` alone {true_wall:.1f} ms; "
        f"fixed overhead {m_wall - true_wall:.1f} ms (target <= 150 ms); CPU {m_cpu:.1f} ms; peak RSS {m_rss:.1f} MiB",
        f"aifootprint measure --json -- sleep 0.5  {m_sleep_wall:7.1f} ms wall; `sleep 0.5` alone {sleep_wall:.1f} ms; "
        f"fixed overhead {m_sleep_wall - sleep_wall:.1f} ms (target <= 150 ms; measure's default GPU reader: thread)",
        "",
        f"GPU readers, {readers_what}:",
    ]
    if readers:
        lines.append(f"{'':44}" + "".join(f"{c:>15}" for c in readers) + "   target")
        reader_labels = [("start_ms", "workload start() [ms]", "<= 20"),
                         ("rss_mib", "workload +peak RSS at 10 Hz [MiB]", "<= 10"),
                         ("cpu_pct", "workload CPU at 10 Hz [% core]", "<= 0.2"),
                         ("child_rss_mib", "reader process peak RSS, whole [MiB]", "(not in the workload)"),
                         ("child_cpu_pct", "reader process CPU at 10 Hz [% core]", "(not in the workload)"),
                         ("gpus", "GPUs measured", "")]
        lines += table_lines(reader_labels, readers, list(readers), 44, 15, idle_cpu,
                             lambda row, key: row[key] == row[key])  # NaN: not measured (no reader process)
        lines.append(f"({args.sampler_s:g} s per process after a 1 s warm-up, GPUs open; medians of "
                     f"{SAMPLER_PROCESSES[0]} fresh processes each; the workload's CPU and RSS include the CPU and "
                     "RAM sensors as on this machine)")
    text = "\n".join(lines) + "\n"
    print(text, end="")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
