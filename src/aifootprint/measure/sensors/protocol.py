"""The sensor interface as a typing Protocol, and a sensor's stored description (:mod:`.base` loads this module on
first use: the tracker itself never needs :mod:`typing`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from .base import Component, Reading


@runtime_checkable
class Sensor(Protocol):
    """What the tracker needs from a backend.

    ``device``: display id, unique in one tracker (``gpu:0``, ``cpu:package-0``, ``ram:dram-0``, ``ram``).
    ``physical_id``: stable id of the physical device on this node, used to count a device once when several
    processes of one job measure the same node (an NVML UUID, ``rapl:package-0``...).
    ``component``: ``gpu``, ``cpu`` or ``ram``.
    ``method``: how energy is obtained (``nvml-energy-counter``, ``rapl``, ``tdp-x-utilisation``...).
    ``estimated``: True when the figure is a model (TDP x utilisation, W per GB), not a measurement.
    ``counter_update_s``: how often the device's energy counter actually changes, when known (None otherwise).

    Optional: ``refresh_s`` [s], the shortest time in which the reading can change (an estimate that is constant,
    or recomputed every so often): the tracker's sampler then reads the sensor that often (and at every store
    write) instead of at every tick. Absent or None: the reading may change at any time.
    """

    device: str
    physical_id: str
    component: Component
    method: str
    estimated: bool

    @property
    def counter_update_s(self) -> float | None: ...

    def read(self) -> Reading: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class SensorInfo:
    """Description of a sensor, stored with a run."""

    device: str
    physical_id: str
    component: Component
    method: str
    estimated: bool

    @classmethod
    def of(cls, sensor: Sensor) -> SensorInfo:
        return cls(sensor.device, sensor.physical_id, sensor.component, sensor.method, sensor.estimated)
