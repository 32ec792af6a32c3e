"""The out-of-process GPU reader (``TrackerConfig(gpu_reader="process")``, aifootprint.measure.sensors.gpuproc): a
child process loads NVML and publishes its readings in shared memory; the workload's process reads memory.

The child loads a real shared library with NVML's C ABI: ``fake_nvml_clocked.c`` (``fake_nvml.c`` with an energy
counter that follows the reported power over time), built with the system C compiler (skipped without one). The
child finds it through ``LD_LIBRARY_PATH``, given in its command (the reader's injectable ``command``) or in the
environment of a fresh interpreter; no GPU, no patching."""

from __future__ import annotations

import functools
import json
import mmap
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from aifootprint.measure.sensors import readershm as shm
from aifootprint.measure.sensors.discovery import SensorConfig, discover
from aifootprint.measure.sensors.gpuproc import GpuReader
from aifootprint.measure.tracker import Tracker, TrackerConfig

from ._helpers import SCRIPTED_CHILD, build_clocked_nvml, scripted_gpu

#: the fake's two GPUs [W] (fake_nvml.c)
POWER_W = {"gpu:0": 250.0, "gpu:1": 300.0}
CHILD = ("-m", "aifootprint.measure.sensors.gpuchild")


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding the clocked fake as ``libnvidia-ml.so.1``."""
    return build_clocked_nvml(tmp_path_factory.mktemp("nvml-clocked"))


def _node(tmp_path: Path) -> SensorConfig:
    """An NVIDIA device node, no RAPL, the CPU and RAM estimates at fixed figures."""
    dev = tmp_path / "dev"
    dev.mkdir(exist_ok=True)
    (dev / "nvidiactl").touch()
    return SensorConfig(dev_root=str(dev), powercap_root=str(tmp_path / "none"), cpu_tdp_w=10.0, ram_gb=1.0)


def _tracker(tmp_path: Path, library: Path, *env: str, command: tuple[str, ...] | None = None,
             open_timeout_s: float = 30.0) -> Tracker:
    """A process-reader tracker whose child runs with the fake library (and ``env``: NAME=VALUE words)."""
    cmd = command or ("env", f"LD_LIBRARY_PATH={library}", *env, sys.executable, *CHILD)
    cfg = TrackerConfig(store=False, gpu_reader="process", sensors=_node(tmp_path), gpu_open_timeout_s=open_timeout_s)
    return Tracker(cfg, discover=functools.partial(discover, reader_command=cmd))


def _codes(notes: Any) -> list[str]:
    return [n.code for n in notes]


def _gone(pid: int) -> bool:
    """True when ``pid`` has exited (a zombie waiting for a reaper counts as exited)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")


def test_the_shared_slots_and_process_ids_round_trip() -> None:
    """What the child writes is what the workload's process reads: floats, NaN for a missing value, flags, the
    error text and the method; the tracked process ids behind their own sequence number."""
    buf = mmap.mmap(-1, shm.size(2))
    assert shm.read_slot(buf, 1)[0] == 0 and shm.read_pids(buf) is None  # type: ignore[index]
    shm.write_slot(buf, 1, (12.5, float("nan"), 300.0, 0.5, 0.1, 7.8, shm.FAILED, 4, b"lost", b"nvml-energy-counter"))
    seq, at, energy, power, share, update, period, flags, length, error, method = shm.read_slot(buf, 1)  # type: ignore[misc]
    assert (seq, at, power, share, update, period, flags) == (2, 12.5, 300.0, 0.5, 0.1, 7.8, shm.FAILED)
    assert energy != energy and error[:length] == b"lost" and method.rstrip(b"\0") == b"nvml-energy-counter"
    assert shm.read_slot(buf, 0)[0] == 0  # type: ignore[index]
    shm.write_pids(buf, {4242, 7, 0})
    assert shm.read_pids(buf) == {4242, 7}


SAME_ENERGY = r"""
import json, os, sys, time
os.environ["FAKE_NVML_PID"] = str(os.getpid())   # GPU 0 runs this process and pid 1, 50 % SM each
from aifootprint.measure.sensors.discovery import SensorConfig
from aifootprint.measure.tracker import Tracker, TrackerConfig
out = {}
for mode in ("process", "thread"):   # the process reader first: the library is not loaded here before it
    cfg = TrackerConfig(store=False, gpu_reader=mode, sensors=SensorConfig(dev_root=sys.argv[1], cpu_tdp_w=10.0,
                        ram_gb=1.0, powercap_root=sys.argv[2]))
    tr = Tracker(cfg, pids=lambda: {os.getpid(), 1})   # both tracked: share 1 (0.5 if the child ignored them)
    t = time.perf_counter(); tr.start(); start_s = time.perf_counter() - t
    tr.wait_open(10); time.sleep(0.8)   # past the GPUs' first reading (bridged back to start())
    with tr.window("w") as w:
        time.sleep(0.6)
    r = tr.stop()
    maps = open("/proc/self/maps").read()
    out[mode] = {"start_s": start_s, "duration_s": r.duration_s, "window_s": w.result.duration_s,
                 "gpus": {d.device: [d.method, d.energy_j, d.process_energy_j] for d in r.devices
                          if d.component == "gpu"},
                 "window": {d.device: d.energy_j for d in w.result.devices if d.component == "gpu"},
                 "window_process": {d.device: d.process_energy_j for d in w.result.devices if d.component == "gpu"},
                 "notes": [n.code for n in r.notes], "labels": tr.labels(),
                 "limits": {t.sensor.device: getattr(t.sensor, "power_limit_w", None) for t in tr._tracks},
                 "nvml_loaded": "libnvidia-ml" in maps,
                 "binding_imported": "aifootprint.measure.sensors.nvml" in sys.modules}
print(json.dumps(out))
"""


def test_both_readers_give_the_same_energy_and_the_workload_loads_no_nvml(library: Path, tmp_path: Path) -> None:
    """The same fake GPUs measured by the in-process reader and by the reader process: the same devices, methods,
    labels and power limits; the run's and a window's energy are the counter's (power x time) within 2 % for both;
    the process share too (GPU 0 runs two processes, both tracked: the tracked pids reach the child). With the
    process reader, the workload's process never maps the NVML library nor imports the binding, and start() does
    not wait for the child (whose nvmlInit takes 0.3 s here)."""
    node = _node(tmp_path)
    env = {**os.environ, "LD_LIBRARY_PATH": str(library), "FAKE_NVML_INIT_MS": "300",
           "AIFOOTPRINT_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-c", SAME_ENERGY, node.dev_root, node.powercap_root], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    proc, thread = out["process"], out["thread"]
    assert not proc["nvml_loaded"] and not proc["binding_imported"]
    assert thread["nvml_loaded"]  # the check sees the library where it is loaded
    for run in (proc, thread):
        assert run["start_s"] < 0.1
        assert run["notes"] == []
        for device, power_w in POWER_W.items():
            method, energy_j, _process_j = run["gpus"][device]
            assert method == "nvml-energy-counter"
            assert energy_j == pytest.approx(power_w * run["duration_s"], rel=0.02)
            assert run["window"][device] == pytest.approx(power_w * run["window_s"], rel=0.02)
        # share 1: the window's process energy is its energy (0.5 if the child ignored the tracked pids), up to the
        # edges' extrapolation (the process share is counted at readings only: up to a tick's energy at each edge)
        assert run["window_process"]["gpu:0"] == pytest.approx(run["window"]["gpu:0"], rel=0.3)
    assert proc["labels"] == thread["labels"] and proc["limits"] == thread["limits"]
    for device in POWER_W:
        per_s = [run["gpus"][device][1] / run["duration_s"] for run in (proc, thread)]
        assert per_s[0] == pytest.approx(per_s[1], rel=0.02)


def test_a_reader_killed_mid_run_is_a_gap_and_flagged(library: Path, tmp_path: Path) -> None:
    """kill -9 of the reader: the run goes on and ends at once; the GPUs' energy up to the kill is kept, the rest is
    a gap (lost), and the result says why (``gpu-reader-failed``: exited)."""
    tracker = _tracker(tmp_path, library).start()
    assert tracker.wait_open(10)
    pid = tracker._tracks[0].sensor.reader_pid  # type: ignore[attr-defined]
    time.sleep(0.5)
    killed = tracker.elapsed_s()
    os.kill(pid, signal.SIGKILL)
    time.sleep(1.6)  # past the reader's staleness bound (1 s at 10 Hz)
    t = time.perf_counter()
    result = tracker.stop()
    assert time.perf_counter() - t < 1.0
    gpus = {d.device: d for d in result.devices if d.component == "gpu"}
    assert set(gpus) == set(POWER_W)
    for device, power_w in POWER_W.items():
        assert gpus[device].energy_j == pytest.approx(power_w * killed, rel=0.3)  # up to the last reading
    lost = [g for g in result.gaps if g.device in POWER_W]
    assert {g.device for g in lost} == set(POWER_W)
    failed = [n for n in result.notes if n.code == "gpu-reader-failed"]
    assert len(failed) == 1 and "exited" in failed[0].message
    assert {d.component for d in result.devices} == {"gpu", "cpu", "ram"}


def test_a_hung_reader_is_a_gap_and_stop_does_not_wait_for_it(library: Path, tmp_path: Path) -> None:
    """The child's NVML calls block forever 0.4 s after its first read (a hung driver): the workload's reads stay
    memory reads, the GPUs get a gap, the result says the reader hung, and stop() kills it at once."""
    tracker = _tracker(tmp_path, library, "FAKE_NVML_HANG_AFTER_MS=400").start()
    assert tracker.wait_open(10)
    pid = tracker._tracks[0].sensor.reader_pid  # type: ignore[attr-defined]
    time.sleep(2.0)
    t = time.perf_counter()
    result = tracker.stop()
    assert time.perf_counter() - t < 1.0
    assert {g.device for g in result.gaps} >= set(POWER_W)
    failed = [n for n in result.notes if n.code == "gpu-reader-failed"]
    assert len(failed) == 1 and "hung" in failed[0].message
    deadline = time.monotonic() + 5
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(pid)


@pytest.mark.parametrize("case", ["cannot start", "exits", "never answers"])
def test_a_reader_that_never_starts_leaves_the_host_measured_and_flagged(library: Path, tmp_path: Path,
                                                                         case: str) -> None:
    command = {"cannot start": (str(tmp_path / "no-such-python"),),
               "exits": (sys.executable, "-c", "pass"),
               "never answers": (sys.executable, "-c", "import time; time.sleep(60)")}[case]
    tracker = _tracker(tmp_path, library, command=command, open_timeout_s=0.5)
    t = time.perf_counter()
    tracker.start()
    assert time.perf_counter() - t < 0.1
    if case != "never answers":
        assert tracker.wait_open(10)
    result = tracker.stop()
    assert {d.component for d in result.devices} == {"cpu", "ram"}
    codes = _codes(result.notes)
    if case == "never answers":  # stop() gave up on it at the same bound as the reader's wait
        assert {"gpu-reader-failed", "gpus-not-opened"} & set(codes)
    else:
        assert "gpu-reader-failed" in codes


PARENT = r"""
import sys, time
from aifootprint.measure.sensors.discovery import SensorConfig
from aifootprint.measure.tracker import Tracker, TrackerConfig
cfg = TrackerConfig(store=False, gpu_reader="process", sensors=SensorConfig(dev_root=sys.argv[1], cpu_tdp_w=10.0,
                    ram_gb=1.0, powercap_root=sys.argv[2]))
tr = Tracker(cfg).start()
tr.wait_open(10)
print(tr._tracks[0].sensor.reader_pid, flush=True)
time.sleep(60)
"""


def test_the_reader_does_not_outlive_a_parent_killed_with_sigkill(library: Path, tmp_path: Path) -> None:
    node = _node(tmp_path)
    env = {**os.environ, "LD_LIBRARY_PATH": str(library), "AIFOOTPRINT_HOME": str(tmp_path / "home")}
    parent = subprocess.Popen([sys.executable, "-c", PARENT, node.dev_root, node.powercap_root], env=env,
                              stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    reader = int(parent.stdout.readline())
    assert not _gone(reader)
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait(10)
    parent.stdout.close()
    deadline = time.monotonic() + 3
    while not _gone(reader) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(reader)


def test_auto_is_the_default_reader_and_a_bad_reader_is_an_input_error() -> None:
    from aifootprint.errors import InputError

    assert TrackerConfig().gpu_reader == "auto"
    assert GpuReader().kind == "thread"
    with pytest.raises(InputError, match=r"accepted: auto \(default\), thread, process"):
        TrackerConfig(gpu_reader="fork")  # type: ignore[arg-type]


def test_a_cpu_only_machine_starts_no_reader(tmp_path: Path) -> None:
    """No GPU device node: the process reader starts nothing (and the run is the host's)."""
    (tmp_path / "dev").mkdir()
    cfg = SensorConfig(dev_root=str(tmp_path / "dev"), powercap_root=str(tmp_path / "none"), cpu_tdp_w=10.0,
                       ram_gb=1.0)
    found = discover(cfg, gpus_later=True, gpu_reader="process", reader_command=(str(tmp_path / "would-fail"),))
    assert found.gpus_later is None and not _codes(found.notes)
    assert {s.component for s in found.sensors} == {"cpu", "ram"}
    for sensor in found.sensors:
        sensor.close()


@pytest.mark.parametrize(("flag", "fails"), [("bogus", True), ("process", False)])
def test_measure_takes_the_reader_flag(tmp_path: Path, flag: str, fails: bool) -> None:
    env = {**os.environ, "AIFOOTPRINT_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-m", "aifootprint.cli.main", "measure", "--gpu-reader", flag,
                           "--sensors", "fake", "--json", "--", sys.executable, "-c", "pass"],
                          capture_output=True, text=True, env=env, timeout=60)
    if fails:
        assert done.returncode == 2
        assert done.stderr.strip().count("\n") == 0 and "--gpu-reader" in done.stderr
        assert "accepted: thread (default), process, auto" in done.stderr and "Traceback" not in done.stderr
    else:
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["inputs"]["gpu_reader"] == "process"


def test_the_reader_options_reach_the_child(library: Path, tmp_path: Path) -> None:
    """Named GPUs are opened in start() (an unknown id fails there, as in-process) and only those are read."""
    from aifootprint.errors import InputError

    cmd = ("env", f"LD_LIBRARY_PATH={library}", sys.executable, *CHILD)
    base = _node(tmp_path)
    reader: dict[str, Any] = {"gpu_reader": "process", "open_timeout_s": 10, "reader_command": cmd}
    with pytest.raises(InputError, match="unknown GPU id"):
        discover(replace(base, gpus=("7",)), **reader)
    found = discover(replace(base, gpus=("1",)), **reader)
    gpus = [s for s in found.sensors if s.component == "gpu"]
    assert [s.device for s in gpus] == ["gpu:1"]
    assert gpus[0].read_full().power_w == 300.0
    for sensor in found.sensors:
        sensor.close()



class _EarlierSensor:
    """A power-only sensor whose readings were taken ``age_s`` before they are returned (as the reader process's)."""

    device = physical_id = "gpu:0"
    component = "gpu"
    method = "test"
    estimated = False
    counter_update_s = None

    def __init__(self, age_s: float) -> None:
        self.age_s = age_s

    def read(self) -> Any:
        from aifootprint.measure.sensors.gpuproc import DatedReading

        reading = DatedReading(None, 100.0, None)
        reading.age_s = self.age_s
        return reading

    def close(self) -> None:
        pass


def test_a_reading_taken_earlier_is_dated_when_it_was_taken(clock: Any) -> None:
    """The tracker dates a reading by its age (the reader process took it up to a tick earlier): read at t = 1 s, taken
    0.3 s before, it is the power at t = 0.7 s. Dated at its read, a window's energy would be off by up to a tick's."""
    sensor = _EarlierSensor(0.0)
    tracker = Tracker(TrackerConfig(store=False, background=False), sensors=[sensor], clock=clock).start()
    sensor.age_s = 0.3
    clock.advance(1.0)
    result = tracker.stop()
    assert tracker._tracks[0].t == pytest.approx(clock.t - 0.3)
    assert result.devices[0].energy_j == pytest.approx(100.0 * 0.7)


SLOW_CHILD = SCRIPTED_CHILD + r"""
for line in sys.stdin:
    if line.startswith("f"):
        time.sleep(0.5)  # later than the workload's wait for a full read
        publish()
        print(line.strip(), flush=True)
    elif line.startswith("r"):
        report = {"gpu:0": {"notices": [["method-changed", "counter gone", "gpu:0", ""]], "assumptions": []}}
        print(line.strip(), json.dumps(report), flush=True)
"""


def test_a_late_answer_is_not_taken_for_the_next_one(tmp_path: Path) -> None:
    """A full read the child answers after the workload stopped waiting (0.2 s): the read uses the latest reading,
    and the late answer is not taken for the answer to the next request (the notices at stop())."""
    found, gpu = scripted_gpu(tmp_path, SLOW_CHILD)
    t = time.perf_counter()
    assert gpu.read_full().power_w == 100.0  # type: ignore[attr-defined]
    assert time.perf_counter() - t < 0.4
    assert [n.code for n in gpu.notices] == ["method-changed"]  # type: ignore[attr-defined]
    for sensor in found.sensors:
        sensor.close()


BUSY_CHILD = SCRIPTED_CHILD + r"""
for line in sys.stdin:
    if line.startswith("r"):  # a writer preempted halfway through its write: the slot's number stays odd
        shm.SEQ.pack_into(buf, shm.slot_at(0), shm.SEQ.unpack_from(buf, shm.slot_at(0))[0] + 1)
        print(line.strip(), "{}", flush=True)
"""


def test_a_slot_being_written_gives_the_previous_reading_not_a_gap(tmp_path: Path) -> None:
    found, gpu = scripted_gpu(tmp_path, BUSY_CHILD)
    assert gpu.read().power_w == 100.0
    assert gpu.notices == []  # type: ignore[attr-defined]  # the child now holds the slot mid-write
    assert gpu.read().power_w == 100.0
    for sensor in found.sensors:
        sensor.close()


MANY_FILES = r"""
import json, os, resource, sys
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if hard != resource.RLIM_INFINITY and hard < 1200:
    print(json.dumps({"skip": f"at most {hard} open files here"})); sys.exit(0)
resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1200), hard))
held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]  # a workload with many open files
from aifootprint.measure.sensors.base import Sensor
from aifootprint.measure.sensors.discovery import Discovery, SensorConfig, discover
found = discover(SensorConfig(dev_root=sys.argv[1], powercap_root=sys.argv[2], cpu_tdp_w=1.0, ram_gb=1.0),
                 gpu_reader="process", open_timeout_s=10)
gpus = [s for s in found.sensors if s.component == "gpu"]
print(json.dumps({"gpus": [s.device for s in gpus], "power_w": [s.read_full().power_w for s in gpus],
                  "notes": [n.code for n in found.notes]}))
"""


def test_a_workload_with_many_open_files_still_gets_its_gpus(library: Path, tmp_path: Path) -> None:
    """The reader's pipe is numbered above 1,023 in a process with that many files open: it is waited on with
    poll (select refuses such numbers: the child's answer was never read and the GPUs went unmeasured)."""
    node = _node(tmp_path)
    env = {**os.environ, "LD_LIBRARY_PATH": str(library), "AIFOOTPRINT_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-c", MANY_FILES, node.dev_root, node.powercap_root], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    if "skip" in out:
        pytest.skip(out["skip"])
    assert out == {"gpus": ["gpu:0", "gpu:1"], "power_w": [250.0, 300.0], "notes": []}


INTERRUPTED = r"""
import json, os, signal, sys, threading, time
from aifootprint.measure.sensors.discovery import SensorConfig, discover
CHILD = sys.argv[3]
found = discover(SensorConfig(dev_root=sys.argv[1], powercap_root=sys.argv[2], cpu_tdp_w=1.0, ram_gb=1.0),
                 gpu_reader="process", open_timeout_s=10, reader_command=(sys.executable, "-c", CHILD))
(gpu,) = [s for s in found.sensors if s.component == "gpu"]
fds = set(os.listdir("/proc/self/fd"))
pid = gpu.reader_pid
threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()   # Ctrl-C while close() waits for the child
t = time.monotonic()
try:
    gpu.close()
except KeyboardInterrupt:
    interrupted = time.monotonic() - t
gpu.close()   # a second close (stop() called again) has nothing left to do
time.sleep(0.2)
state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] if os.path.exists(f"/proc/{pid}") else "gone"
def links():
    out = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            out.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            pass
    return out
print(json.dumps({"interrupted_s": interrupted, "fds_closed": len(fds) - len(set(os.listdir("/proc/self/fd"))),
                  "memfd_open": any("aifootprint-gpu-reader" in link for link in links()),
                  "memfd_mapped": "aifootprint-gpu-reader" in open("/proc/self/maps").read(), "child": state}))
"""

DEAF_CHILD = SCRIPTED_CHILD + r"""
for _ in range(100):   # deaf to q and to end of file for 10 s (a slow nvmlShutdown), heartbeat fresh
    shm.HEADER.pack_into(buf, 0, shm.MAGIC, shm.VERSION, 1, os.getpid(), time.monotonic(), 0, 0, 0)
    time.sleep(0.1)
"""


def test_ctrl_c_while_a_reader_is_closed_leaks_nothing(tmp_path: Path) -> None:
    """Ctrl-C during ``close()``'s wait for the child (``stop()`` on the workload's thread): the interrupt goes
    through at once, the child is killed, and the shared memory is unmapped and its descriptors closed. They used to
    stay open for the process's life (the client was marked closed before the wait)."""
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / "nvidiactl").touch()
    env = {**os.environ, "AIFOOTPRINT_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-c", INTERRUPTED, str(tmp_path / "dev"), str(tmp_path / "none"),
                           DEAF_CHILD], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["interrupted_s"] < 1.0
    # the two pipes and the shared memory (the memfd, and the mapping's own copy of it)
    assert out["fds_closed"] >= 3 and not out["memfd_open"] and not out["memfd_mapped"]
    assert out["child"] in ("gone", "Z")


ZIPPED = r"""
import json, sys
sys.path.append(sys.argv[1])   # aifootprint imported from a zip archive (a zipapp)
from aifootprint.measure.sensors.discovery import SensorConfig
from aifootprint.measure.tracker import Tracker, TrackerConfig
import aifootprint
tr = Tracker(TrackerConfig(store=False, gpu_reader="process", sensors=SensorConfig(dev_root=sys.argv[2],
                           cpu_tdp_w=10.0, ram_gb=1.0, powercap_root=sys.argv[3])))
tr.start(); tr.wait_open(10)
r = tr.stop()
print(json.dumps({"from": aifootprint.__file__, "notes": [n.code for n in r.notes],
                  "gpus": sorted(d.device for d in r.devices if d.component == "gpu" and d.energy_j > 0)}))
"""


def test_an_explicit_process_reader_runs_from_a_zipped_aifootprint(library: Path, tmp_path: Path) -> None:
    """The child imports the workload's aifootprint by its files; from a zip archive (no files: ``auto`` reads
    in-process there) an explicit ``process`` reader imports it through ``sys.path``, as the workload does."""
    import zipfile

    src = Path(__file__).resolve().parents[2] / "src"
    archive = tmp_path / "app.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in (src / "aifootprint").rglob("*.py"):
            zf.write(path, path.relative_to(src).as_posix())
    node = _node(tmp_path)
    env = {**os.environ, "LD_LIBRARY_PATH": str(library), "AIFOOTPRINT_HOME": str(tmp_path / "home")}
    env.pop("PYTHONPATH", None)
    done = subprocess.run([sys.executable, "-S", "-c", ZIPPED, str(archive), node.dev_root, node.powercap_root],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["from"].startswith(str(archive)) and out["notes"] == [] and out["gpus"] == sorted(POWER_W)


SIGPIPE_DEFAULT = r"""
import json, os, signal, sys, time
signal.signal(signal.SIGPIPE, signal.SIG_DFL)   # as command-line tools do (for `| head`): a write to a pipe nobody
from aifootprint.measure.sensors.discovery import SensorConfig   # reads kills the process, not an EPIPE error
from aifootprint.measure.tracker import Tracker, TrackerConfig
tr = Tracker(TrackerConfig(store=False, gpu_reader="process", sensors=SensorConfig(dev_root=sys.argv[1],
                           cpu_tdp_w=10.0, ram_gb=1.0, powercap_root=sys.argv[2]))).start()
tr.wait_open(10)
os.kill(tr._tracks[0].sensor.reader_pid, signal.SIGKILL)
time.sleep(1.3)   # past the staleness bound: the reader is seen dead
r = tr.stop()
print(json.dumps({"notes": [n.code for n in r.notes]}))
"""


def test_a_dead_reader_never_kills_a_workload_that_takes_sigpipe(library: Path, tmp_path: Path) -> None:
    """A workload with ``SIGPIPE`` at its default action (command-line tools set it) whose reader died: ``stop()``
    tells the reader to quit, a write nobody reads. It was a pipe, and the write killed the workload (status
    -13, no result); requests go over a socket now, sent without the signal: the run ends with its gap and
    ``gpu-reader-failed``."""
    node = _node(tmp_path)
    env = {**os.environ, "LD_LIBRARY_PATH": str(library), "AIFOOTPRINT_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-c", SIGPIPE_DEFAULT, node.dev_root, node.powercap_root], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, (done.returncode, done.stderr)
    assert "gpu-reader-failed" in json.loads(done.stdout)["notes"]
