"""Energy sensors: one module per backend (NVIDIA, AMD, RAPL, CPU and RAM estimates, fake) and discovery."""

from __future__ import annotations

from ..._lazy import lazy_getattr
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


#: :class:`Sensor` and :class:`SensorInfo` are loaded on first use (they need :mod:`typing`)
__getattr__ = lazy_getattr(__name__, {"Sensor": "protocol", "SensorInfo": "protocol"})
