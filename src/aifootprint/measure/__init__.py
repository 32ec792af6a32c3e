"""Measure real workloads: sensors, tracker, run store, per-request attribution.

Nothing heavy is imported here: names are loaded on first use (PEP 562).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .attribution import RequestAttributor
    from .measurement import Measurement
    from .store import RunStore
    from .tracker import Tracker, TrackerConfig, track

__all__ = ["Measurement", "RequestAttributor", "RunStore", "Tracker", "TrackerConfig", "track"]

_WHERE = {
    "Tracker": "tracker",
    "TrackerConfig": "tracker",
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
