"""The ctypes NVML binding (aifootprint.measure.sensors.nvml) against a real shared library with NVML's C ABI.

``fake_nvml.c`` (beside this file) implements the 13 NVML entry points the binding calls, with the argument and
structure layouts of ``nvml.h``; the tests build it with the system C compiler (skipped where there is none) and load
it through the binding, then run the NVIDIA sensor and the tracker on it: no GPU, no patching."""

from __future__ import annotations

import ctypes
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from aifootprint.measure.sensors.errors import nvml_errors
from aifootprint.measure.sensors.nvidia import NvidiaSensor, discover_nvidia, load_nvml
from aifootprint.measure.sensors.nvml import VALUE_NOT_AVAILABLE, Nvml, NVMLError

SOURCE = Path(__file__).with_name("fake_nvml.c")


def _build(tmp: Path, *flags: str) -> Path:
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler to build the fake NVML library")
    out = tmp / f"libfake-nvml{''.join(flags).replace('-D', '-')}.so"
    subprocess.run([cc, "-shared", "-fPIC", "-O1", *flags, str(SOURCE), "-o", str(out)], check=True, timeout=60)
    return out


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("nvml"))


def _fresh(path: Path, tmp_path: Path) -> tuple[Nvml, Any]:
    """A binding on a private copy of the library (the fake keeps its state in the loaded object) and the fake's
    controls."""
    copy = tmp_path / path.name
    shutil.copy(path, copy)
    return Nvml(str(copy)), ctypes.CDLL(str(copy))


def test_the_binding_reads_what_the_library_returns(library: Path, tmp_path: Path) -> None:
    nvml, fake = _fresh(library, tmp_path)
    nvml.nvmlInit()
    assert nvml.nvmlSystemGetDriverVersion() == "580.159.04-fake"
    assert nvml.nvmlDeviceGetCount() == 2
    h0, h1 = nvml.nvmlDeviceGetHandleByIndex(0), nvml.nvmlDeviceGetHandleByIndex(1)
    assert nvml.nvmlDeviceGetUUID(h0).startswith("GPU-00000000")
    assert nvml.nvmlDeviceGetName(h1) == "NVIDIA H100 80GB HBM3"
    assert nvml.nvmlDeviceGetArchitecture(h0) == 9
    assert nvml.nvmlDeviceGetEnforcedPowerLimit(h0) == 700_000
    fake.fake_set_energy(0, ctypes.c_ulonglong(2**40 + 7))  # above 32 bits: an unsigned long long
    fake.fake_set_power(1, ctypes.c_uint(123_456))
    assert nvml.nvmlDeviceGetTotalEnergyConsumption(h0) == 2**40 + 7
    assert nvml.nvmlDeviceGetPowerUsage(h1) == 123_456
    assert nvml.nvmlDeviceGetComputeRunningProcesses(h0) == []
    fake.fake_add_process(0, 4242, ctypes.c_ulonglong(3 * 2**30), 60)
    fake.fake_add_process(0, 4343, ctypes.c_ulonglong(VALUE_NOT_AVAILABLE), 20)
    procs = nvml.nvmlDeviceGetComputeRunningProcesses(h0)
    assert [(p.pid, p.usedGpuMemory) for p in procs] == [(4242, 3 * 2**30), (4343, None)]
    samples = nvml.nvmlDeviceGetProcessUtilization(h0, 5000)
    assert [(s.pid, s.smUtil, s.timeStamp) for s in samples] == [(4242, 60, 6000), (4343, 20, 6001)]
    nvml.nvmlShutdown()
    assert fake.fake_inits() == 1 and fake.fake_shutdowns() == 1


def test_errors_carry_nvmls_code_and_are_classified(library: Path, tmp_path: Path) -> None:
    nvml, fake = _fresh(library, tmp_path)
    with pytest.raises(NVMLError) as before_init:
        nvml.nvmlDeviceGetCount()
    assert before_init.value.value == 1 and str(before_init.value) == "NVML_ERROR_UNINITIALIZED"
    nvml.nvmlInit()
    h = nvml.nvmlDeviceGetHandleByIndex(0)
    errors = nvml_errors(nvml)
    for code, kind in ((15, "lost"), (3, "unsupported"), (4, "denied"), (10, "transient")):
        fake.fake_set_fail(0, code)
        with pytest.raises(NVMLError) as exc:
            nvml.nvmlDeviceGetPowerUsage(h)
        assert errors.classify(exc.value) == kind
    assert errors.name(exc.value) == "NVML_ERROR_TIMEOUT"
    with pytest.raises(NVMLError) as bad_index:
        nvml.nvmlDeviceGetHandleByIndex(7)
    assert bad_index.value.value == 2


def test_old_drivers_unversioned_entry_points(tmp_path: Path) -> None:
    """A library without ``nvmlInit_v2``, ``..._v2`` and ``nvmlDeviceGetComputeRunningProcesses_v3``: the
    unversioned functions, and the process list with the two-field v1 structure."""
    path = _build(tmp_path, "-DNO_VERSIONED")  # built for this test alone: its state is its own
    nvml, fake = Nvml(str(path)), ctypes.CDLL(str(path))
    nvml.nvmlInit()
    h = nvml.nvmlDeviceGetHandleByIndex(1)
    fake.fake_add_process(1, 77, ctypes.c_ulonglong(2**33), 10)
    fake.fake_add_process(1, 78, ctypes.c_ulonglong(5), 10)
    assert [(p.pid, p.usedGpuMemory) for p in nvml.nvmlDeviceGetComputeRunningProcesses(h)] == [(77, 2**33), (78, 5)]


def test_a_missing_library_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NVMLError) as exc:
        Nvml(str(tmp_path / "libnvidia-ml.so.1"))
    assert str(exc.value) == "NVML_ERROR_LIBRARY_NOT_FOUND"


def test_the_sensor_and_the_tracker_run_on_the_binding(library: Path, tmp_path: Path) -> None:
    """End to end through the binding: discovery, the sensor's counter, power and process share (every process on
    the GPU tracked: the share is 1 without the utilisation query), and a tracker window's energy."""
    from aifootprint.measure.tracker import Tracker, TrackerConfig

    nvml, fake = _fresh(library, tmp_path)
    fake.fake_add_process(0, 4242, ctypes.c_ulonglong(2**30), 50)
    a, b = discover_nvidia(module=nvml, pids=lambda: {4242}, read_budget=0.0)
    assert (a.label, a.power_limit_w, a.power_lag_s, a.method) == ("NVIDIA H200", 700.0, 0.5, "nvml-energy-counter")
    reading = a.read_full()
    assert reading.power_w == 250.0 and reading.energy_j == 0.0 and reading.process_fraction == 1.0
    fake.fake_set_energy(0, ctypes.c_ulonglong(1000 + 50_000))
    assert a.read().energy_j == pytest.approx(50.0)
    b.close()
    t0 = time.monotonic()
    tracker = Tracker(TrackerConfig(hz=20.0, store=False), sensors=[a]).start()
    time.sleep(0.3)
    counted_j = int(250_000 * (time.monotonic() - t0)) / 1000.0  # the counter's one step inside the run [J]
    fake.fake_set_energy(0, ctypes.c_ulonglong(1000 + 50_000 + int(counted_j * 1000)))
    time.sleep(0.3)
    result = tracker.stop()
    (gpu,) = result.devices
    # the counter's step, plus start()'s bridge to the sampler's first reading (at 250 W, well under 50 ms)
    assert counted_j <= gpu.energy_j <= counted_j + 250.0 * 0.05
    # share 1: the process energy is the device's, start()'s bridge included (it was left out: the counter's only)
    assert gpu.process_energy_j == pytest.approx(gpu.energy_j)
    assert fake.fake_shutdowns() == 1  # the last sensor closed: nvmlShutdown


def test_load_nvml_takes_the_binding_given(library: Path, tmp_path: Path) -> None:
    nvml, fake = _fresh(library, tmp_path)
    assert load_nvml(nvml) is nvml and fake.fake_inits() == 1
    sensor = NvidiaSensor(nvml, 0)
    assert sensor.uuid.startswith("GPU-00000000")


DIFFERENTIAL = r"""
import ctypes, json, pynvml
from aifootprint.measure.sensors.nvml import Nvml
fake = ctypes.CDLL("libnvidia-ml.so.1")  # the same loaded library as both bindings': its state is shared
fake.fake_add_process(1, 4242, ctypes.c_ulonglong(3 * 2**30), 60)
fake.fake_add_process(1, 99, ctypes.c_ulonglong(2**64 - 1), 5)
fake.fake_set_energy(1, ctypes.c_ulonglong(2**41 + 3))
ours = Nvml()
pynvml.nvmlInit(); ours.nvmlInit()
t = lambda v: v.decode() if isinstance(v, bytes) else str(v)
out = {"count": [pynvml.nvmlDeviceGetCount(), ours.nvmlDeviceGetCount()],
       "driver": [t(pynvml.nvmlSystemGetDriverVersion()), ours.nvmlSystemGetDriverVersion()]}
for i in range(2):
    hp, ho = pynvml.nvmlDeviceGetHandleByIndex(i), ours.nvmlDeviceGetHandleByIndex(i)
    for name in ("nvmlDeviceGetUUID", "nvmlDeviceGetName"):
        out[f"{name}:{i}"] = [t(getattr(pynvml, name)(hp)), getattr(ours, name)(ho)]
    for name in ("nvmlDeviceGetArchitecture", "nvmlDeviceGetEnforcedPowerLimit", "nvmlDeviceGetPowerUsage",
                 "nvmlDeviceGetTotalEnergyConsumption"):
        out[f"{name}:{i}"] = [getattr(pynvml, name)(hp), getattr(ours, name)(ho)]
    out[f"processes:{i}"] = [[[p.pid, p.usedGpuMemory] for p in m.nvmlDeviceGetComputeRunningProcesses(h)]
                             for m, h in ((pynvml, hp), (ours, ho))]
    util = []
    for m, h in ((pynvml, hp), (ours, ho)):
        try:
            util.append([[s.pid, s.timeStamp, s.smUtil, s.memUtil, s.encUtil, s.decUtil]
                         for s in m.nvmlDeviceGetProcessUtilization(h, 7)])
        except Exception as exc:
            util.append(["error", int(exc.value)])
    out[f"utilization:{i}"] = util
fake.fake_set_fail(0, 15)
errs = []
for m in (pynvml, ours):
    try:
        m.nvmlDeviceGetPowerUsage(m.nvmlDeviceGetHandleByIndex(0))
    except Exception as exc:
        errs.append(int(exc.value))
out["error"] = errs
print(json.dumps(out))
"""


def test_the_binding_reads_the_library_as_nvidia_ml_py_does(tmp_path: Path) -> None:
    """Differential: nvidia-ml-py (NVIDIA's own Python binding, with its structure layouts) and this binding load the
    same fake ``libnvidia-ml.so.1`` in one process and must read the same values from every query: strings, 64-bit
    counters, process lists (with NVML's 'value not available'), utilisation samples, error codes."""
    import json
    import os
    import sys

    pytest.importorskip("pynvml")
    (tmp_path / "lib").mkdir()
    shutil.copy(_build(tmp_path), tmp_path / "lib" / "libnvidia-ml.so.1")
    env = {**os.environ, "LD_LIBRARY_PATH": str(tmp_path / "lib")}
    done = subprocess.run([sys.executable, "-c", DIFFERENTIAL], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    for key, (theirs, ours) in out.items():
        assert theirs == ours, key
    assert out["processes:1"][1] == [[4242, 3 * 2**30], [99, None]]
    assert out["utilization:0"] == [["error", 6], ["error", 6]]  # no sample yet: NVML_ERROR_NOT_FOUND, both
    assert out["nvmlDeviceGetTotalEnergyConsumption:1"][1] == 2**41 + 3
    assert out["error"] == [15, 15]


def test_an_unknown_binding_name_is_an_input_error_at_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``AIFOOTPRINT_NVML`` names the binding (ctypes, pynvml); anything else fails ``start()`` with one clear line,
    even where the GPUs would be opened later on their own thread. (The environment is the user's input here.)"""
    from aifootprint.errors import InputError
    from aifootprint.measure.sensors.discovery import SensorConfig
    from aifootprint.measure.tracker import Tracker, TrackerConfig

    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / "nvidiactl").touch()
    monkeypatch.setenv("AIFOOTPRINT_NVML", "cuda")
    cfg = TrackerConfig(store=False, sensors=SensorConfig(dev_root=str(tmp_path / "dev"), cpu_tdp_w=10.0, ram_gb=1.0,
                                                          powercap_root=str(tmp_path / "none")))
    with pytest.raises(InputError, match="AIFOOTPRINT_NVML='cuda' is not an NVML binding; accepted: ctypes"):
        Tracker(cfg).start()


def test_start_in_a_fresh_process_does_not_wait_for_a_slow_nvml_init(tmp_path: Path) -> None:
    """Issue 12 on a GPU machine, end to end in a fresh process: a real shared library whose ``nvmlInit`` takes
    0.4 s (FAKE_NVML_INIT_MS; seconds per GPU without persistence mode), behind an NVIDIA device node. ``start()``
    returns long before that; the GPUs join the run. The fake's counter never moves while it reports 250 and 300 W:
    the run says so and integrates power (it used to take the counter's 0 J plus start()'s bridge)."""
    import json
    import os
    import sys

    (tmp_path / "lib").mkdir()
    shutil.copy(_build(tmp_path), tmp_path / "lib" / "libnvidia-ml.so.1")
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / "nvidiactl").touch()
    code = (
        "import json, time\n"
        "from aifootprint.measure.sensors.discovery import SensorConfig\n"
        "from aifootprint.measure.tracker import Tracker, TrackerConfig\n"
        f"cfg = TrackerConfig(store=False, sensors=SensorConfig(dev_root={str(tmp_path / 'dev')!r}, cpu_tdp_w=10.0, "
        f"ram_gb=1.0, powercap_root={str(tmp_path / 'none')!r}))\n"
        "tr = Tracker(cfg)\n"
        "t = time.perf_counter(); tr.start(); start_s = time.perf_counter() - t\n"
        "opened = tr.wait_open(10); time.sleep(0.2); r = tr.stop()\n"
        "print(json.dumps({'start_s': start_s, 'opened': opened, 'gpus': [[d.device, d.method, d.energy_j] for d in "
        "r.devices if d.component == 'gpu'], 'duration_s': r.duration_s, 'labels': tr.labels()}))\n"
    )
    env = {**os.environ, "LD_LIBRARY_PATH": str(tmp_path / "lib"), "FAKE_NVML_INIT_MS": "400",
           "AIFOOTPRINT_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["start_s"] < 0.2 and out["opened"]
    assert [g[:2] for g in out["gpus"]] == [["gpu:0", "nvml-energy-counter+power-integrated"],
                                            ["gpu:1", "nvml-energy-counter+power-integrated"]]
    assert [g[2] for g in out["gpus"]] == pytest.approx([250.0 * out["duration_s"], 300.0 * out["duration_s"]],
                                                        rel=0.05)
    assert out["labels"]["gpu:1"] == "NVIDIA H100 80GB HBM3"
