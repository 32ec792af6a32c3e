"""Measure real workloads: sensors, tracker, run store, per-request attribution.

Nothing heavy is imported here: names are loaded on first use (PEP 562).
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time
if TYPE_CHECKING:
    from typing import Any

    from .attribution import RequestAttributor
    from .config import TrackerConfig
    from .measurement import Measurement
    from .store import RunStore
    from .tracker import Tracker, track

__all__ = ["Measurement", "RequestAttributor", "RunStore", "Tracker", "TrackerConfig", "track"]

_WHERE = {
    "Tracker": "tracker",
    "TrackerConfig": "config",
    "track": "tracker",
    "Measurement": "measurement",
    "RunStore": "store",
    "RequestAttributor": "attribution",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
