"""Fallback estimates (CPU TDP x utilisation, RAM W/GB) and sensor discovery."""

from __future__ import annotations

from pathlib import Path

import pytest

from aifootprint.errors import InputError
from aifootprint.measure.sensors.cpu_fallback import (
    DEFAULT_TDP_PER_CORE_W,
    CpuEstimateSensor,
    cpu_model_and_cores,
    read_cpu_times,
)
from aifootprint.measure.sensors.discovery import SensorConfig, discover, resolve_backend
from aifootprint.measure.sensors.ram import RAM_W_PER_GB, RamEstimateSensor, total_memory_gb

from ._helpers import write_proc, write_zone


def test_green_algorithms_constants() -> None:
    """Green Algorithms data v3.0 (commit 30df2fe, CC-BY-4.0): memoryPower 0.3725 W/GB (referenceValues.csv) and
    12.0 W per core for an unknown CPU (TDP_cpu.csv row 'Any'); Lannelongue et al., Adv. Sci. 2021."""
    assert RAM_W_PER_GB == 0.3725
    assert DEFAULT_TDP_PER_CORE_W == 12.0


def test_cpu_estimate_is_utilisation_times_tdp(tmp_path: Path) -> None:
    proc = tmp_path / "proc"
    write_proc(proc, busy=1000, idle=1000)
    sensor = CpuEstimateSensor(200.0, proc_root=str(proc))
    write_proc(proc, busy=1000 + 75, idle=1000 + 25)  # 75 % busy since the last read
    reading = sensor.read()
    assert reading.power_w == pytest.approx(150.0)
    assert reading.energy_j is None
    assert sensor.estimated is True and sensor.method == "tdp-x-utilisation"


def test_cpu_times_count_iowait_as_idle(tmp_path: Path) -> None:
    proc = tmp_path / "proc"
    proc.mkdir()
    (proc / "stat").write_text("cpu  10 20 30 40 50 60 70 80 90 100\n")
    busy, total = read_cpu_times(str(proc))
    assert (busy, total) == (10 + 20 + 30 + 60 + 70 + 80, 360)


def test_cpu_topology_counts_physical_cores(tmp_path: Path) -> None:
    proc = tmp_path / "proc"
    write_proc(proc, 1, 1, cores=6)
    assert cpu_model_and_cores(str(proc)) == ("Test CPU 9000", 6)


def test_ram_estimate_from_meminfo(tmp_path: Path) -> None:
    proc = tmp_path / "proc"
    write_proc(proc, 1, 1, mem_kib=100_000_000)  # 102.4 GB
    gb = total_memory_gb(str(proc))
    assert gb == pytest.approx(102.4)
    sensor = RamEstimateSensor(gb)
    assert sensor.read().power_w == pytest.approx(102.4 * 0.3725)
    assert sensor.estimated is True


def test_discovery_without_counters_falls_back_to_flagged_estimates(tmp_path: Path) -> None:
    proc = tmp_path / "proc"
    write_proc(proc, 100, 100, cores=8)
    cfg = SensorConfig(backend="estimate", proc_root=str(proc))
    found = discover(cfg)
    comps = {s.component: s for s in found.sensors}
    assert set(comps) == {"cpu", "ram"}
    assert all(s.estimated for s in found.sensors)
    comps["cpu"].read()  # the TDP is looked up on the first read (never in Tracker.start())
    names = {a[0]: a for a in getattr(comps["cpu"], "assumptions", [])}
    assert names["cpu_tdp"][1] == 8 * 12.0
    assert "Green Algorithms" in names["cpu_tdp"][3]


def test_permission_denied_rapl_gives_hint_then_estimate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The RAPL failure of mlco2/codecarbon#244: one line with the fix, then a flagged estimate, never silence."""
    proc = tmp_path / "proc"
    write_proc(proc, 100, 100)
    root = tmp_path / "powercap"
    write_zone(root, "intel-rapl:0", "package-0", 1)
    import aifootprint.measure.sensors.rapl as rapl

    real = rapl.discover_rapl

    def denied(root_dir: str, reader: object = None) -> object:
        def reader_fn(path: str) -> str:
            if path.endswith("energy_uj"):
                raise PermissionError(13, "Permission denied", path)
            return Path(path).read_text()

        return real(root_dir, reader=reader_fn)

    monkeypatch.setattr(rapl, "discover_rapl", denied)
    found = discover(SensorConfig(powercap_root=str(root), proc_root=str(proc), cpu_tdp_w=100.0))
    assert [(h.code, h.message) for h in found.hints] == [("rapl-permission", rapl.PERMISSION_HINT)]
    cpu = [s for s in found.sensors if s.component == "cpu"]
    assert len(cpu) == 1 and cpu[0].estimated
    assert ("cpu_tdp", 100.0, "W", "user input") in found.assumptions


def test_rapl_dram_replaces_the_ram_estimate(tmp_path: Path) -> None:
    proc = tmp_path / "proc"
    write_proc(proc, 100, 100)
    root = tmp_path / "powercap"
    write_zone(root, "intel-rapl:0", "package-0", 1)
    write_zone(root, "intel-rapl:0:0", "dram", 1)
    found = discover(SensorConfig(powercap_root=str(root), proc_root=str(proc)))
    ram = [s for s in found.sensors if s.component == "ram"]
    assert [(s.device, s.estimated) for s in ram] == [("ram:dram-0", False)]
    assert not any(s.estimated for s in found.sensors)


def test_fake_backend_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIFOOTPRINT_SENSORS", "fake")
    found = discover(SensorConfig())
    assert {s.device for s in found.sensors} == {"gpu:0", "cpu:package-0", "ram"}
    assert any(n.code == "simulated" for n in found.notes)


def test_unknown_backend_is_an_input_error() -> None:
    with pytest.raises(InputError, match="did you mean: fake"):
        resolve_backend("fak")


def test_gpu_present_without_nvml_is_said_loudly(tmp_path: Path) -> None:
    """A GPU that cannot be read must not vanish silently from the total (the 0 kWh failure in another form)."""
    proc, dev = tmp_path / "proc", tmp_path / "dev"
    write_proc(proc, 100, 100)
    dev.mkdir()
    (dev / "nvidia0").write_text("")
    (dev / "nvidiactl").write_text("")
    cfg = SensorConfig(powercap_root=str(tmp_path / "none"), proc_root=str(proc), dev_root=str(dev))
    found = discover(cfg)
    if any(s.component == "gpu" for s in found.sensors):
        pytest.skip("NVML is usable on this machine")
    assert any(h.code == "gpu-unreadable" and "GPU energy is NOT included" in h.message for h in found.hints)
