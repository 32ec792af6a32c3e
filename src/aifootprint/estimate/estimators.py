"""One-shot per-request estimates and the estimators they keep: :func:`estimate_request`, :func:`estimator_for`.

Building a :class:`~.inference.RequestEstimator` resolves the model, the calibration and the sizing limits; a
one-shot call reuses one per (model, configuration) instead, kept per registry (bounded). Both names still import
from :mod:`.inference` (PEP 562), as the same objects.
"""

from __future__ import annotations

from functools import lru_cache

from .inference import RequestEstimator

TYPE_CHECKING = False  # typing is not imported at run time (import time, issue 12)
if TYPE_CHECKING:
    from typing import Any

    from aifootprint.reference.registry import Registry
    from aifootprint.result import Result

    from .arch import Architecture
    from .config import RequestConfig


def estimate_request(model: str | Architecture, input_tokens: float, output_tokens: float,
                     config: RequestConfig | None = None, registry: Registry | None = None) -> Result:
    """One-shot convenience: :meth:`.inference.RequestEstimator.result` for a single request.

    Estimators are kept per :class:`~aifootprint.reference.registry.Registry` instance (keyed by model and config;
    :func:`estimator_for`), so repeated one-shot calls reuse parsed registry and hardware rows and the precomputed
    uncertainty draws instead of rebuilding them."""
    return estimator_for(model, config, registry).result(input_tokens, output_tokens)


#: Estimators kept per registry before the oldest are dropped.
ESTIMATOR_CACHE_SIZE = 256


def estimator_for(model: str | Architecture, config: RequestConfig | None = None,
                  registry: Registry | None = None) -> RequestEstimator:
    """A :class:`RequestEstimator` for (model, config), kept per registry: on an explicit registry, in a dictionary
    held by that registry instance; on the default registry, by :func:`_shared_estimator` (bounded). A config naming a
    calibration profile file is not cached (the file may change)."""
    if config is not None and config.calibration is not None:
        return RequestEstimator(model, config, registry)
    if registry is None:
        return _shared_estimator(model, config)
    memo: dict[Any, RequestEstimator] | None = registry.__dict__.get("_request_estimators")
    if memo is None:
        memo = registry.__dict__.setdefault("_request_estimators", {})
    key = (model, config)
    est = memo.get(key)
    if est is None:
        if len(memo) >= ESTIMATOR_CACHE_SIZE:
            # the oldest goes (list() copies the keys atomically; another thread may have dropped it already)
            for oldest in list(memo)[:1]:
                memo.pop(oldest, None)
        est = memo[key] = RequestEstimator(model, config, registry)
    return est


@lru_cache(maxsize=ESTIMATOR_CACHE_SIZE)
def _shared_estimator(model: str | Architecture, config: RequestConfig | None) -> RequestEstimator:
    """The estimator of (model, config) on the default registry: a function of immutable inputs, kept (bounded) so
    that a one-shot call neither rebuilds it nor imports the registry module to find its memo."""
    return RequestEstimator(model, config)
