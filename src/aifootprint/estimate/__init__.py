"""Estimators: per-request inference (prefill/decode roofline), training, life cycle, compare-models.

Lazy re-exports only (PEP 562): importing :mod:`aifootprint.estimate` loads nothing until a name is used.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Architecture": "arch",
    "RequestConfig": "inference",
    "RequestEstimator": "inference",
    "RequestEstimate": "inference",
    "estimate_request": "inference",
    "estimate_arrays": "batch",
    "estimate_many": "batch",
    "estimate_table": "batch",
    "TrainingSpec": "training",
    "estimate_training": "training",
    "Deployment": "lifecycle",
    "estimate_lifecycle": "lifecycle",
    "compare_models": "compare",
    "load_calibration": "calibration",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
