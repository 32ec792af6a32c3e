"""Energy sensors: one module per backend (NVIDIA, AMD, RAPL, CPU and RAM estimates, fake) and discovery."""

from __future__ import annotations

from .base import COMPONENTS, Component, CounterUnwrapper, Reading, SensorError, SensorUnavailable

TYPE_CHECKING = False  # typing is not imported at run time (`aifootprint measure` never needs it)
if TYPE_CHECKING:
    from .protocol import Sensor, SensorInfo

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


def __getattr__(name: str) -> object:
    """:class:`Sensor` and :class:`SensorInfo` are loaded on first use (they need :mod:`typing`)."""
    if name in ("Sensor", "SensorInfo"):
        from . import protocol

        return getattr(protocol, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
