"""RAM power: RAPL DRAM domains when the machine has them, else a per-GB estimate **flagged as estimated**.

The RAPL ``dram`` zones are read by :mod:`.rapl` (component ``ram``). Without them, power = memory size x
:data:`RAM_W_PER_GB`, the Green Algorithms figure of 0.3725 W per GB (``data/latest/referenceValues.csv``,
``memoryPower``; Green Algorithms calculator data v3.0, commit 30df2fe, CC-BY-4.0; Lannelongue, Grealey, Inouye,
Adv. Sci. 2021, https://doi.org/10.1002/advs.202100707; the calculator cites Karyakin & Salem, DaMoN 2017,
https://dl.acm.org/doi/10.1145/3076113.3076117). The memory size is the machine's ``MemTotal`` (the machine
boundary, like the other sensors) unless the caller passes the memory the job uses.
"""

from __future__ import annotations

import math
import os

from .base import Component, Reading, SensorError, read_text

#: Power of RAM per GB (W/GB), Green Algorithms ``memoryPower`` = 0.3725 (CC-BY-4.0, see module docstring).
RAM_W_PER_GB = 0.3725


def total_memory_gb(proc_root: str = "/proc") -> float:
    """``MemTotal`` from ``<proc_root>/meminfo`` in GB (10^9 bytes)."""
    try:
        text = read_text(os.path.join(proc_root, "meminfo"))
    except OSError as exc:
        raise SensorError(f"cannot read {proc_root}/meminfo: {exc}") from exc
    for line in text.splitlines():
        if line.startswith("MemTotal:"):
            kib = float(line.split()[1])
            return kib * 1024 / 1e9
    raise SensorError(f"no MemTotal in {proc_root}/meminfo")


class RamEstimateSensor:
    """Constant power = ``memory_gb`` x ``w_per_gb`` (estimated)."""

    component: Component = "ram"
    method = "w-per-gb"
    estimated = True

    def __init__(self, memory_gb: float, w_per_gb: float = RAM_W_PER_GB) -> None:
        if not memory_gb > 0 or not w_per_gb > 0:
            raise ValueError(f"memory ({memory_gb} GB) and W/GB ({w_per_gb}) must be > 0")
        self.device = "ram"
        self.physical_id = "ram:estimate"
        self.memory_gb = memory_gb
        self.w_per_gb = w_per_gb
        self._reading: Reading | None = None  # constant power: one reading object for every sample

    @property
    def counter_update_s(self) -> float | None:
        return None

    @property
    def refresh_s(self) -> float:
        """Constant power: the reading never changes (the tracker reads it once per store write, not ``hz`` times a
        second)."""
        return math.inf

    @property
    def power_w(self) -> float:
        return self.memory_gb * self.w_per_gb

    def read(self) -> Reading:
        if self._reading is None or self._reading.power_w != self.power_w:
            self._reading = Reading(power_w=self.power_w)
        return self._reading

    def close(self) -> None:
        return None
