"""Measure real workloads: sensors, tracker, run store, per-request attribution.

Nothing heavy is imported here: names are loaded on first use (PEP 562).
"""

from __future__ import annotations

from .._lazy import lazy_getattr

TYPE_CHECKING = False  # typing is not imported at run time
if TYPE_CHECKING:
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


__getattr__ = lazy_getattr(__name__, _WHERE)
