"""NVIDIA (NVML) and AMD (amdsmi) sensors against fake driver modules: no GPU needed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from aifootprint.measure.sensors.amd import discover_amd
from aifootprint.measure.sensors.base import SensorError, SensorUnavailable
from aifootprint.measure.sensors.nvidia import NvidiaSensor, discover_nvidia, visible_indices

# the pynvml surface: NVMLError(value) and the NVML_ERROR_* constants (values of nvmlReturn_t, NVML API Reference)
NVML_ERROR_UNINITIALIZED = 1
NVML_ERROR_NOT_SUPPORTED = 3
NVML_ERROR_NO_PERMISSION = 4
NVML_ERROR_NOT_FOUND = 6
NVML_ERROR_DRIVER_NOT_LOADED = 9
NVML_ERROR_GPU_IS_LOST = 15
NVML_ERROR_UNKNOWN = 999


class NVMLError(Exception):
    def __init__(self, value: int) -> None:
        super().__init__(value)
        self.value = value

    def __str__(self) -> str:
        return {3: "Not Supported", 9: "Driver Not Loaded", 15: "GPU is lost"}.get(self.value, "Unknown Error")


@dataclass
class FakeGpu:
    uuid: str
    energy_mj: int | None = 0  # None: no counter (pre-Volta / vGPU)
    power_mw: int = 250_000
    fail: bool = False
    procs: tuple[tuple[int, int], ...] = ()  # (pid, used memory bytes)
    util: tuple[tuple[int, int], ...] = ()  # (pid, sm util %)


class FakeNvml:
    """Enough of pynvml for the sensor (its exception class and error constants included)."""

    NVMLError = NVMLError
    NVML_ERROR_UNINITIALIZED = NVML_ERROR_UNINITIALIZED
    NVML_ERROR_NOT_SUPPORTED = NVML_ERROR_NOT_SUPPORTED
    NVML_ERROR_NO_PERMISSION = NVML_ERROR_NO_PERMISSION
    NVML_ERROR_NOT_FOUND = NVML_ERROR_NOT_FOUND
    NVML_ERROR_DRIVER_NOT_LOADED = NVML_ERROR_DRIVER_NOT_LOADED
    NVML_ERROR_GPU_IS_LOST = NVML_ERROR_GPU_IS_LOST
    NVML_ERROR_UNKNOWN = NVML_ERROR_UNKNOWN

    def __init__(self, gpus: list[FakeGpu]) -> None:
        self.gpus = gpus
        self.inited = False
        self.shutdowns = 0

    def nvmlInit(self) -> None:
        self.inited = True

    def nvmlShutdown(self) -> None:
        self.shutdowns += 1

    def nvmlDeviceGetCount(self) -> int:
        return len(self.gpus)

    def nvmlDeviceGetHandleByIndex(self, i: int) -> FakeGpu:
        return self.gpus[i]

    def nvmlDeviceGetUUID(self, h: FakeGpu) -> str:
        return h.uuid

    def nvmlDeviceGetTotalEnergyConsumption(self, h: FakeGpu) -> int:
        if h.energy_mj is None:
            raise NVMLError(NVML_ERROR_NOT_SUPPORTED)
        if h.fail:
            raise NVMLError(NVML_ERROR_GPU_IS_LOST)
        return h.energy_mj

    def nvmlDeviceGetPowerUsage(self, h: FakeGpu) -> int:
        if h.fail:
            raise NVMLError(NVML_ERROR_GPU_IS_LOST)
        return h.power_mw

    def nvmlDeviceGetComputeRunningProcesses(self, h: FakeGpu) -> list[Any]:
        return [SimpleNamespace(pid=p, usedGpuMemory=m) for p, m in h.procs]

    def nvmlDeviceGetProcessUtilization(self, h: FakeGpu, ts: int) -> list[Any]:
        if not h.util:
            raise NVMLError(NVML_ERROR_NOT_FOUND)
        return [SimpleNamespace(pid=p, smUtil=u, timeStamp=ts + 1) for p, u in h.util]


def test_gpu_without_energy_counter_reports_power_not_zero() -> None:
    """mlco2/codecarbon#1316, #393: GPUs without the NVML energy counter silently reported 0 kWh."""
    nvml = FakeNvml([FakeGpu("GPU-old", energy_mj=None, power_mw=180_000)])
    (sensor,) = discover_nvidia(module=nvml)
    assert sensor.method == "nvml-power-integrated"
    reading = sensor.read()
    assert reading.energy_j is None
    assert reading.power_w == 180.0


def test_energy_counter_is_relative_to_open_and_in_joules() -> None:
    gpu = FakeGpu("GPU-a", energy_mj=5_000_000)
    (sensor,) = discover_nvidia(module=FakeNvml([gpu]))
    gpu.energy_mj += 1234
    assert sensor.read().energy_j == pytest.approx(1.234)
    assert sensor.physical_id == "nvml:GPU-a"


def test_counter_update_interval_is_detected() -> None:
    """The counter only moves every 100 ms: the sensor learns that period from the times it changes."""
    gpu = FakeGpu("GPU-a")
    now = [0.0]
    sensor = NvidiaSensor(FakeNvml([gpu]), 0, clock=lambda: now[0])
    for step in range(40):  # 40 reads 25 ms apart
        now[0] = step * 0.025
        if step % 4 == 0:
            gpu.energy_mj = (gpu.energy_mj or 0) + 30_000
        sensor.read()
    assert sensor.counter_update_s == pytest.approx(0.1)


def test_failed_read_raises_sensor_error() -> None:
    gpu = FakeGpu("GPU-a")
    (sensor,) = discover_nvidia(module=FakeNvml([gpu]))
    gpu.fail = True
    with pytest.raises(SensorError):
        sensor.read()


def test_lost_gpu_is_a_gap_named_by_its_error_code() -> None:
    gpu = FakeGpu("GPU-a")
    (sensor,) = discover_nvidia(module=FakeNvml([gpu]))
    gpu.fail = True
    with pytest.raises(SensorError, match="NVML_ERROR_GPU_IS_LOST"):
        sensor.read()
    assert sensor.method == "nvml-energy-counter"  # a lost GPU does not silently change the method


def test_counter_that_stops_being_supported_switches_method_with_a_notice() -> None:
    """Issue 12: a broad `except Exception` switched a GPU to power integration silently."""
    gpu = FakeGpu("GPU-a", energy_mj=1000)
    (sensor,) = discover_nvidia(module=FakeNvml([gpu]))
    gpu.energy_mj = None  # the driver now answers NVML_ERROR_NOT_SUPPORTED
    reading = sensor.read()
    assert reading.energy_j is None and reading.power_w == 250.0
    assert sensor.method == "nvml-power-integrated"
    (notice,) = sensor.notices
    assert notice.code == "method-changed" and "NVML_ERROR_NOT_SUPPORTED" in notice.message


def test_other_exceptions_are_not_swallowed() -> None:
    """Only pynvml's own errors are handled; a bug (here a TypeError) propagates."""

    class Buggy(FakeNvml):
        def nvmlDeviceGetPowerUsage(self, h: FakeGpu) -> int:
            raise TypeError("bug")

    (sensor,) = discover_nvidia(module=Buggy([FakeGpu("GPU-a")]))
    with pytest.raises(TypeError):
        sensor.read()


def test_nvml_is_shut_down_once_after_the_last_sensor_closes() -> None:
    nvml = FakeNvml([FakeGpu("GPU-a"), FakeGpu("GPU-b")])
    a, b = discover_nvidia(module=nvml)
    a.close()
    a.close()
    assert nvml.shutdowns == 0
    b.close()
    assert nvml.shutdowns == 1


def test_lost_gpu_reaches_the_result_and_method_change_is_explained() -> None:
    from aifootprint.measure.tracker import Tracker, TrackerConfig

    gpu = FakeGpu("GPU-a", energy_mj=0)
    now = [0.0]
    nvml = FakeNvml([gpu])
    (sensor,) = discover_nvidia(module=nvml)
    tracker = Tracker(TrackerConfig(background=False, store=False), sensors=[sensor], clock=lambda: now[0]).start()
    for step in range(1, 21):
        now[0] = step * 0.1
        gpu.energy_mj = (gpu.energy_mj or 0) + 25_000 if step < 10 else None
        tracker.sample()
    result = tracker.stop()
    assert any(w.code == "method-changed" for w in result.warnings())
    assert nvml.shutdowns == 1


def test_process_share_from_sm_utilisation_then_memory() -> None:
    gpu = FakeGpu("GPU-a", util=((10, 60), (11, 20), (99, 20)), procs=((10, 1), (99, 3)))
    sensor = NvidiaSensor(FakeNvml([gpu]), 0, pids=lambda: {10, 11}, clock=lambda: 0.0)
    assert sensor.read().process_fraction == pytest.approx(0.8)
    gpu2 = FakeGpu("GPU-b", procs=((10, 1), (99, 3)))
    sensor2 = NvidiaSensor(FakeNvml([gpu2]), 0, pids=lambda: {10}, clock=lambda: 0.0)
    assert sensor2.read().process_fraction == pytest.approx(0.25)


def test_visible_devices_by_index_uuid_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    nvml = FakeNvml([FakeGpu("GPU-aaa"), FakeGpu("GPU-bbb"), FakeGpu("GPU-ccc")])
    assert visible_indices(nvml, ["2", "0"]) == [0, 2]
    assert visible_indices(nvml, ["GPU-bb"]) == [1]
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "1")
    assert visible_indices(nvml, None) == [1]
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES")
    assert visible_indices(nvml, None) == [0, 1, 2]


def test_nvml_init_failure_is_unavailable() -> None:
    class Broken(FakeNvml):
        def nvmlInit(self) -> None:
            raise NVMLError(NVML_ERROR_DRIVER_NOT_LOADED)

    with pytest.raises(SensorUnavailable, match="NVML_ERROR_DRIVER_NOT_LOADED"):
        discover_nvidia(module=Broken([]))


class FakeAmdSmi:
    def __init__(self, accumulators: list[int], resolution: float = 15.3) -> None:
        self.acc = accumulators
        self.resolution = resolution

    def amdsmi_init(self) -> None:
        return None

    def amdsmi_get_processor_handles(self) -> list[int]:
        return list(range(len(self.acc)))

    def amdsmi_get_gpu_device_uuid(self, h: int) -> str:
        return f"amd-{h}"

    def amdsmi_get_energy_count(self, h: int) -> dict[str, float]:
        return {"energy_accumulator": self.acc[h], "counter_resolution": self.resolution, "timestamp": 0}

    def amdsmi_get_power_info(self, h: int) -> dict[str, Any]:
        return {"current_socket_power": "N/A", "average_socket_power": 400}


def test_amd_energy_is_accumulator_times_resolution() -> None:
    smi = FakeAmdSmi([1000, 0])
    sensors = discover_amd(smi)
    assert [s.physical_id for s in sensors] == ["amdsmi:amd-0", "amdsmi:amd-1"]
    smi.acc[0] += 1_000_000
    reading = sensors[0].read()
    assert reading.energy_j == pytest.approx(15.3)  # 1e6 counts x 15.3 µJ
    assert reading.power_w == 400.0


def test_unknown_gpu_ids_are_an_input_error_naming_them() -> None:
    """Review 2026-11-26 finding 10: --gpus 0,99 measured one GPU and said nothing about 99."""
    from aifootprint.errors import InputError

    nvml = FakeNvml([FakeGpu("GPU-aaa"), FakeGpu("GPU-bbb")])
    with pytest.raises(InputError, match=r"unknown GPU id\(s\) 99, GPU-zzz: this machine has 2 NVIDIA GPU"):
        visible_indices(nvml, ["0", "99", "GPU-zzz"])
    with pytest.raises(InputError, match="GPU-"):
        visible_indices(nvml, ["GPU-"])  # a prefix of both UUIDs: ambiguous, not silently both
    with pytest.raises(InputError, match="99"):
        discover_nvidia(["0", "99"], module=nvml)


@pytest.mark.parametrize(("env", "expected"), [("", []), ("-1", []), ("1", [1]), ("1,0", [0, 1]),
                                               ("0,99,1", [0]), ("GPU-bb", [1]), (" 1 , 0 ", [0, 1])])
def test_cuda_visible_devices_is_read_as_cuda_reads_it(
        monkeypatch: pytest.MonkeyPatch, env: str, expected: list[int]) -> None:
    """CUDA C Programming Guide, "CUDA Environment Variables": CUDA_VISIBLE_DEVICES set but empty hides every GPU,
    and the list is cut at the first invalid id. Before the fix, "" meant all GPUs."""
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", env)
    nvml = FakeNvml([FakeGpu("GPU-aaa"), FakeGpu("GPU-bbb")])
    assert visible_indices(nvml, None) == expected


def test_empty_cuda_visible_devices_measures_no_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    with pytest.raises(SensorUnavailable, match="CUDA_VISIBLE_DEVICES='' selects no GPU"):
        discover_nvidia(module=FakeNvml([FakeGpu("GPU-aaa")]))


@pytest.mark.parametrize("text", ["abc", "0,,1", "", "0,gpu0", "-1"])
def test_gpu_list_syntax_is_checked(text: str) -> None:
    from aifootprint.errors import InputError
    from aifootprint.measure.sensors.nvidia import parse_gpu_list

    with pytest.raises(InputError, match="--gpus"):
        parse_gpu_list(text)


def test_gpu_list_accepts_indices_and_uuids() -> None:
    from aifootprint.measure.sensors.nvidia import parse_gpu_list

    assert parse_gpu_list(None) is None
    assert parse_gpu_list("0, 2,GPU-ab12,MIG-9f") == ("0", "2", "GPU-ab12", "MIG-9f")


def test_fake_node_rejects_gpu_ids_it_does_not_have() -> None:
    from aifootprint.errors import InputError
    from aifootprint.measure.sensors.discovery import SensorConfig, discover

    assert len(discover(SensorConfig(backend="fake", gpus=("0",))).sensors) == 3
    with pytest.raises(InputError, match="unknown GPU id"):
        discover(SensorConfig(backend="fake", gpus=("0", "1")))


def test_amd_counter_without_resolution_is_not_guessed() -> None:
    """Review 2026-11-26 finding 14: a missing counter_resolution defaulted to 1.0 uJ/count, scaling the energy.
    AMD SMI documents no fixed resolution (an output of amdsmi_get_energy_count), so the counter is not used and
    the sensor integrates power instead."""

    class NoResolution(FakeAmdSmi):
        def amdsmi_get_energy_count(self, h: int) -> dict[str, float]:
            return {"energy_accumulator": self.acc[h], "timestamp": 0}

    (sensor,) = discover_amd(NoResolution([1000]))
    assert sensor.method == "amdsmi-power-integrated"
    reading = sensor.read()
    assert reading.energy_j is None and reading.power_w == 400.0


def test_gpu_selection_the_backend_cannot_apply_is_noted(tmp_path: Path) -> None:
    from aifootprint.measure.sensors.discovery import SensorConfig, discover

    found = discover(SensorConfig(backend="estimate", gpus=("0",), proc_root=str(tmp_path), cpu_tdp_w=100.0,
                                  ram_gb=8.0))
    assert any(n.code == "gpus-ignored" for n in found.notes)


def test_named_gpus_on_a_machine_without_readable_nvidia_gpus_are_noted(tmp_path: Path) -> None:
    """`measure --gpus 3` on a machine whose NVIDIA GPUs cannot be read (no device node, no NVML) measured no GPU
    and said nothing (the backend's absence is only a detail); the result now says the selection was ignored."""
    from aifootprint.measure.sensors.discovery import SensorConfig, discover, nvidia_gpu_present

    if nvidia_gpu_present("/dev"):
        pytest.skip("a real NVIDIA GPU is present: NVML would be tried on it")
    for d in ("dev", "powercap", "proc"):
        (tmp_path / d).mkdir()
    found = discover(SensorConfig(gpus=("3",), dev_root=str(tmp_path / "dev"),
                                  powercap_root=str(tmp_path / "powercap"), proc_root=str(tmp_path / "proc"),
                                  cpu_tdp_w=100.0, ram_gb=8.0))
    notes = [n for n in found.notes if n.code == "gpus-ignored"]
    assert len(notes) == 1 and notes[0].message.startswith("--gpus 3 ignored: no NVIDIA GPU can be read")
    assert not any(s.component == "gpu" for s in found.sensors)


class AmdSmiException(Exception):
    """The amdsmi surface: AmdSmiLibraryException carries ``err_code`` (an ``amdsmi_status_t`` value)."""

    def __init__(self, err_code: int) -> None:
        super().__init__(err_code)
        self.err_code = err_code


class FakeAmdSmiWithErrors(FakeAmdSmi):
    AmdSmiException = AmdSmiException
    amdsmi_wrapper = SimpleNamespace(AMDSMI_STATUS_NOT_SUPPORTED=2, AMDSMI_STATUS_NO_PERM=10,
                                     AMDSMI_STATUS_NOT_INIT=32, AMDSMI_STATUS_BUSY=30)

    def __init__(self, accumulators: list[int]) -> None:
        super().__init__(accumulators)
        self.counter_error: int | None = None
        self.shutdowns = 0

    def amdsmi_shut_down(self) -> None:
        self.shutdowns += 1

    def amdsmi_get_energy_count(self, h: int) -> dict[str, float]:
        if self.counter_error is not None:
            raise AmdSmiException(self.counter_error)
        return super().amdsmi_get_energy_count(h)


def test_amd_errors_are_mapped_by_code() -> None:
    smi = FakeAmdSmiWithErrors([1000])
    (sensor,) = discover_amd(smi)
    smi.counter_error = 32  # AMDSMI_STATUS_NOT_INIT: the driver went away -> a gap, method unchanged
    with pytest.raises(SensorError, match="AMDSMI_STATUS_NOT_INIT"):
        sensor.read()
    assert sensor.method == "amdsmi-energy-counter"
    smi.counter_error = 2  # AMDSMI_STATUS_NOT_SUPPORTED: power integration from now on, said in a notice
    reading = sensor.read()
    assert reading.energy_j is None and reading.power_w == 400.0
    assert sensor.method == "amdsmi-power-integrated"
    assert [n.code for n in sensor.notices] == ["method-changed"]
    sensor.close()
    assert smi.shutdowns == 1
