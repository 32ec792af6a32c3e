"""RAPL powercap sensor: packages, DRAM, counter wrap, permission denied (injectable sysfs root)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.measure.sensors.base import CounterUnwrapper, SensorError, SensorUnavailable
from aifootprint.measure.sensors.rapl import PERMISSION_HINT, discover_rapl

from ._helpers import is_root, set_energy, write_zone


def test_two_packages_and_dram_are_found_and_subzones_skipped(tmp_path: Path) -> None:
    root = tmp_path / "powercap"
    write_zone(root, "intel-rapl:0", "package-0", 1_000_000)
    write_zone(root, "intel-rapl:0:0", "core", 500_000)
    write_zone(root, "intel-rapl:0:1", "dram", 2_000_000)
    write_zone(root, "intel-rapl:1", "package-1", 3_000_000)
    write_zone(root, "intel-rapl:1:0", "dram", 4_000_000)
    write_zone(root, "intel-rapl:2", "psys", 9_000_000)
    write_zone(root, "intel-rapl-mmio:0", "package-0", 1_000_000)
    (root / "intel-rapl").mkdir()
    sensors = discover_rapl(str(root))
    got = {(s.device, s.component) for s in sensors}
    assert got == {("cpu:package-0", "cpu"), ("cpu:package-1", "cpu"), ("ram:dram-0", "ram"), ("ram:dram-1", "ram")}
    assert len({s.physical_id for s in sensors}) == 4


def test_energy_is_counted_from_open_in_joules(tmp_path: Path) -> None:
    root = tmp_path / "powercap"
    pkg = write_zone(root, "intel-rapl:0", "package-0", 5_000_000)
    (sensor,) = discover_rapl(str(root))
    assert sensor.read().energy_j == 0.0
    set_energy(pkg, 5_000_000 + 42_500_000)
    assert sensor.read().energy_j == pytest.approx(42.5)


def test_counter_wrap_uses_max_energy_range(tmp_path: Path) -> None:
    """A counter that restarts from 0 wrapped once: delta = new + max_energy_range_uj - old."""
    root = tmp_path / "powercap"
    pkg = write_zone(root, "intel-rapl:0", "package-0", 999_000_000, max_uj=1_000_000_000)
    (sensor,) = discover_rapl(str(root))
    sensor.read()
    set_energy(pkg, 4_000_000)  # wrapped: 1 J before the wrap + 4 J after
    assert sensor.read().energy_j == pytest.approx(5.0)
    assert sensor.wraps == 1
    set_energy(pkg, 10_000_000)
    assert sensor.read().energy_j == pytest.approx(11.0)


def test_counter_going_back_without_range_is_an_error() -> None:
    unwrap = CounterUnwrapper(100.0, None)
    with pytest.raises(SensorError, match="backwards"):
        unwrap.update(50.0)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=999), min_size=1, max_size=50), st.integers(0, 999))
def test_unwrap_recovers_total_when_steps_are_below_range(steps: list[int], start: int) -> None:
    """Property: for increments smaller than the range, the unwrapped total equals the true total exactly."""
    max_range = 1000
    unwrap = CounterUnwrapper(float(start), float(max_range))
    raw, total = start, 0
    for step in steps:
        raw = (raw + step) % max_range
        total += step
        got = unwrap.update(float(raw))
    assert got == total


def test_permission_denied_gives_one_line_hint(tmp_path: Path) -> None:
    """Since Linux 5.10 energy_uj is root-only: the error names the fix (chmod or udev rule)."""
    root = tmp_path / "powercap"
    write_zone(root, "intel-rapl:0", "package-0", 1)

    def reader(path: str) -> str:
        if path.endswith("energy_uj"):
            raise PermissionError(13, "Permission denied", path)
        return Path(path).read_text()

    with pytest.raises(SensorUnavailable) as info:
        discover_rapl(str(root), reader=reader)
    assert info.value.hint == PERMISSION_HINT
    assert "\n" not in PERMISSION_HINT
    assert "chmod o+r /sys/class/powercap/intel-rapl:*/energy_uj" in PERMISSION_HINT
    assert "udev" in PERMISSION_HINT


@pytest.mark.skipif(is_root(), reason="root reads any file; the injectable-reader test covers this path")
def test_permission_denied_on_real_files(tmp_path: Path) -> None:
    root = tmp_path / "powercap"
    zone = write_zone(root, "intel-rapl:0", "package-0", 1)
    (zone / "energy_uj").chmod(0)
    with pytest.raises(SensorUnavailable) as info:
        discover_rapl(str(root))
    assert info.value.hint == PERMISSION_HINT


def test_missing_powercap_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(SensorUnavailable, match="no powercap"):
        discover_rapl(str(tmp_path / "nothing"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(SensorUnavailable, match="no RAPL package"):
        discover_rapl(str(tmp_path / "empty"))


def test_garbage_value_mid_run_is_a_sensor_error(tmp_path: Path) -> None:
    root = tmp_path / "powercap"
    zone = write_zone(root, "intel-rapl:0", "package-0", 1)
    (sensor,) = discover_rapl(str(root))
    (zone / "energy_uj").write_text("No such device\n")
    with pytest.raises(SensorError):
        sensor.read()
    sensor.close()
