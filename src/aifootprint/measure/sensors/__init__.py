"""Energy sensors: one module per backend (NVIDIA, AMD, RAPL, CPU and RAM estimates, fake) and discovery."""

from __future__ import annotations

from .base import COMPONENTS, Component, CounterUnwrapper, Reading, Sensor, SensorError, SensorInfo, SensorUnavailable

__all__ = [
    "COMPONENTS",
    "Component",
    "CounterUnwrapper",
    "Reading",
    "Sensor",
    "SensorError",
    "SensorInfo",
    "SensorUnavailable",
]
