"""Estimators: per-request inference (prefill/decode roofline), training, life cycle, compare-models.

Lazy re-exports only (PEP 562): importing :mod:`aifootprint.estimate` loads nothing until a name is used.
"""

from __future__ import annotations

from .._lazy import lazy_getattr

_EXPORTS = {
    "Architecture": "arch",
    "RequestConfig": "config",
    "RequestEstimator": "inference",
    "RequestEstimate": "inference",
    "estimate_request": "estimators",
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


__getattr__ = lazy_getattr(__name__, _EXPORTS)
