"""Estimated CPU power when no energy counter can be read: utilisation x TDP, **flagged as estimated**.

Power = busy fraction of all CPUs (from ``/proc/stat``, between two reads) x the processor's TDP. This is the
Green Algorithms model (Lannelongue, Grealey, Inouye, *Green Algorithms: Quantifying the Carbon Footprint of
Computation*, Adv. Sci. 2021, https://doi.org/10.1002/advs.202100707; data CC-BY-4.0): power = cores x TDP per core
x usage factor. The TDP comes from the user (``cpu_tdp_w``), else from the reference registry when it lists the
processor, else from Green Algorithms' default of :data:`DEFAULT_TDP_PER_CORE_W` per physical core (row ``Any`` of
``data/latest/TDP_cpu.csv``, data v3.0, commit 30df2fe). TDP is a thermal design limit, not a measurement, so the
figure can be off either way; every output built on it says so.

The proc root is injectable (tests build a fake ``/proc``).
"""

from __future__ import annotations

import os

from .base import Component, PersistentFile, Reading, SensorError, read_text

#: Green Algorithms default TDP per core when the CPU model is unknown: 12.0 W/core (``TDP_cpu.csv`` row ``Any``,
#: Green Algorithms calculator data v3.0, commit 30df2fe, CC-BY-4.0; Lannelongue et al. 2021).
DEFAULT_TDP_PER_CORE_W = 12.0
DEFAULT_PROC = "/proc"


def read_cpu_times(proc_root: str = DEFAULT_PROC, reader: PersistentFile | None = None) -> tuple[float, float]:
    """Return (busy jiffies, total jiffies) summed over all CPUs from ``<proc_root>/stat``.

    Busy excludes ``idle`` and ``iowait``; ``guest`` columns are already inside ``user``/``nice`` (proc(5)).
    """
    text = reader() if reader is not None else read_text(os.path.join(proc_root, "stat"))
    for line in text.splitlines():
        if line.startswith("cpu "):
            fields = [float(x) for x in line.split()[1:9]]
            fields += [0.0] * (8 - len(fields))
            idle = fields[3] + fields[4]
            total = sum(fields)
            return total - idle, total
    raise SensorError(f"no aggregate 'cpu' line in {proc_root}/stat")


def cpu_model_and_cores(proc_root: str = DEFAULT_PROC) -> tuple[str, int]:
    """CPU model name and number of physical cores (distinct (physical id, core id) pairs) from cpuinfo.

    Falls back to ``os.cpu_count()`` logical CPUs when cpuinfo has no topology (VMs, containers, non-x86).
    """
    try:
        text = read_text(os.path.join(proc_root, "cpuinfo"))
    except OSError:
        return "", os.cpu_count() or 1
    model, phys, cores = "", "0", set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if key == "model name" and not model:
            model = value
        elif key == "physical id":
            phys = value
        elif key == "core id":
            cores.add((phys, value))
    return model, len(cores) or os.cpu_count() or 1


class CpuEstimateSensor:
    """Power = CPU busy fraction x ``tdp_w``. No counter: the tracker integrates the power samples."""

    component: Component = "cpu"
    method = "tdp-x-utilisation"
    estimated = True

    def __init__(self, tdp_w: float, *, proc_root: str = DEFAULT_PROC, tdp_source: str = "") -> None:
        if not tdp_w > 0:
            raise ValueError(f"CPU TDP must be > 0 W, got {tdp_w}")
        self.device = "cpu"
        self.physical_id = "cpu:estimate"
        self.tdp_w = tdp_w
        self.label = cpu_model_and_cores(proc_root)[0] or "CPU"
        self.tdp_source = tdp_source
        self._proc_root = proc_root
        self._stat = PersistentFile(os.path.join(proc_root, "stat"))
        self._last = read_cpu_times(proc_root, self._stat)
        self._last_fraction = 0.0

    @property
    def counter_update_s(self) -> float | None:
        return None

    def utilisation(self) -> float:
        """Busy fraction of all CPUs since the previous call (the previous value if no time has passed)."""
        try:
            busy, total = read_cpu_times(self._proc_root, self._stat)
        except (OSError, ValueError) as exc:
            raise SensorError(f"cpu: cannot read {self._proc_root}/stat: {exc}") from exc
        d_busy, d_total = busy - self._last[0], total - self._last[1]
        if d_total > 0:
            self._last = (busy, total)
            self._last_fraction = min(1.0, max(0.0, d_busy / d_total))
        return self._last_fraction

    def read(self) -> Reading:
        return Reading(power_w=self.utilisation() * self.tdp_w)

    def close(self) -> None:
        self._stat.close()
