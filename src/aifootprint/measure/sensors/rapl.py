"""CPU package and DRAM energy from the Linux powercap RAPL interface (Intel, and AMD Zen through the same driver).

Layout read (kernel documentation ``Documentation/power/powercap/powercap.rst``,
https://www.kernel.org/doc/html/latest/power/powercap/powercap.html)::

    <root>/intel-rapl:0/name               "package-0"
    <root>/intel-rapl:0/energy_uj          cumulative µJ, wraps at max_energy_range_uj
    <root>/intel-rapl:0/max_energy_range_uj
    <root>/intel-rapl:0:2/name             "dram"  (sub-zone of package 0)

One sensor per ``package-N`` zone (component ``cpu``) and per ``dram`` sub-zone (component ``ram``). ``core``,
``uncore`` are parts of the package and ``psys`` covers the whole platform, so they are not summed (that would
count the same joules twice). ``intel-rapl-mmio`` zones duplicate the package zones and are skipped.

Since Linux 5.10 ``energy_uj`` is readable by root only (CVE-2020-8694, Intel-SA-00389). A permission error
raises :class:`SensorUnavailable` whose ``hint`` is one line on how to grant read access; the tracker prints it
and falls back to the TDP x utilisation estimate, flagged as estimated. The root directory is injectable so the
tests build fake sysfs trees.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

from .base import (
    Component,
    CounterUnwrapper,
    PersistentFile,
    Reading,
    SensorError,
    SensorUnavailable,
    new_reading,
    read_text,
)

DEFAULT_ROOT = "/sys/class/powercap"
_ZONE = re.compile(r"^intel-rapl:(\d+)(?::(\d+))?$")

Reader = Callable[[str], str]

PERMISSION_HINT = (
    "RAPL energy counters are not readable (permission denied, root-only since Linux 5.10): grant read access with "
    "`sudo chmod o+r /sys/class/powercap/intel-rapl:*/energy_uj /sys/class/powercap/intel-rapl:*:*/energy_uj` "
    "(until reboot) or the udev rule in docs/measure.md; using the TDP x utilisation estimate instead"
)


class RaplSensor:
    """One RAPL zone (a package or its DRAM sub-zone), read through ``energy_uj`` with wrap handling."""

    method = "rapl"
    estimated = False

    def __init__(
        self, zone_dir: str, device: str, component: Component, physical_id: str, reader: Reader | None = None
    ) -> None:
        self.zone_dir = zone_dir
        self._energy_path = os.path.join(zone_dir, "energy_uj")
        self._persistent: PersistentFile | None = None
        if reader is None:
            reader = read_text
            try:
                self._persistent = PersistentFile(self._energy_path)
                reader = self._persistent
            except OSError:
                pass  # unreadable: the first read below raises the real error
        # the counter [µJ]: the kept-open file parsed without a decode step, else the injected reader
        text_reader = reader
        self._number: Callable[[], float] = (
            self._persistent.number if self._persistent is not None
            else lambda: float(text_reader(self._energy_path)))
        self.device = device
        self.component: Component = component
        self.physical_id = physical_id
        max_path = os.path.join(zone_dir, "max_energy_range_uj")
        try:
            max_uj: float | None = float(read_text(max_path) if reader is self._persistent else reader(max_path))
        except (OSError, ValueError):
            max_uj = None
        try:
            first_uj = self._number()
        except PermissionError:
            raise  # discovery turns it into a hint
        except (OSError, ValueError) as exc:
            raise self._error(exc) from exc
        self._unwrap = CounterUnwrapper(first_uj, max_uj)

    @property
    def counter_update_s(self) -> float | None:
        return None  # RAPL updates about every millisecond (Intel SDM vol. 3B, 14.9.1): never coarse at 10 Hz

    @property
    def wraps(self) -> int:
        """How many counter wraps were seen so far."""
        return self._unwrap.wraps

    def _error(self, exc: Exception) -> SensorError:
        return SensorError(f"{self.device}: cannot read {self._energy_path}: {exc}")

    def read(self) -> Reading:
        """The counter since the sensor was opened; two Python-level calls in all (10 Hz per zone)."""
        try:
            raw_uj = self._number()
        except (OSError, ValueError) as exc:  # a PermissionError too: the zone was readable when opened
            raise self._error(exc) from exc
        return new_reading(Reading, (self._unwrap.update(raw_uj) / 1e6, None, None))

    def close(self) -> None:
        if self._persistent is not None:
            self._persistent.close()


def discover_rapl(root: str = DEFAULT_ROOT, reader: Reader | None = None) -> list[RaplSensor]:
    """Sensors for every package and DRAM zone under ``root`` (``reader`` reads a sysfs file; injectable).

    Raises :class:`SensorUnavailable` when there is no RAPL zone, or (with :data:`PERMISSION_HINT`) when the
    counters exist but cannot be read.
    """
    try:
        names = sorted(os.listdir(root))
    except OSError as exc:
        raise SensorUnavailable(f"no powercap interface at {root}: {exc.strerror}") from exc
    sensors: list[RaplSensor] = []
    for entry in names:
        match = _ZONE.match(entry)
        if not match:
            continue  # intel-rapl (the control type), intel-rapl-mmio:* (duplicates of the packages)
        zone_dir = os.path.join(root, entry)
        try:
            name = (reader or read_text)(os.path.join(zone_dir, "name")).strip()
        except OSError:
            continue
        package = match.group(1)
        if match.group(2) is None and name.startswith("package"):
            pkg = name.split("-", 1)[1] if "-" in name else package
            spec: tuple[str, Component, str] | None = (f"cpu:package-{pkg}", "cpu", f"rapl:package-{pkg}")
        elif match.group(2) is not None and name == "dram":
            spec = (f"ram:dram-{package}", "ram", f"rapl:package-{package}:dram")
        else:
            spec = None  # core, uncore (inside the package), psys (whole platform)
        if spec is None:
            continue
        try:
            sensors.append(RaplSensor(zone_dir, *spec, reader=reader))
        except PermissionError as exc:
            raise SensorUnavailable(f"RAPL: permission denied reading {zone_dir}/energy_uj", PERMISSION_HINT,
                                    "rapl-permission") from exc
        except SensorError as exc:
            raise SensorUnavailable(str(exc)) from exc
    if not sensors:
        raise SensorUnavailable(f"no RAPL package zone under {root}")
    return sensors
