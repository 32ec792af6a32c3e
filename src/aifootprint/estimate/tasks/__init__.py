"""Estimators beyond text generation: images, video, multimodal chat, embeddings, classification, transcription.

Every task is reduced to *phases* (text encoding, denoising steps, VAE decode, an encoder forward pass, Whisper's
encoder and decode steps, a vision encoder): FLOPs and bytes per accelerator step, repeated. Each step goes through
the same roofline + power model as LLM inference (:mod:`aifootprint.estimate.physics`), then the same boundary
(:mod:`aifootprint.estimate.boundary`) and impacts core (:func:`aifootprint.impacts.assess`).

Modules: :mod:`.models` (typed registry rows, ``task_models.csv``), :mod:`.flops` (FLOP/byte counts per
architecture), :mod:`.engine` (phase → time and energy, scalar and vectorised), :mod:`.estimator` (the output
contract), :mod:`.batch` (logs of tasks), :mod:`.compare` (right-sizing), :mod:`.published` (per-task table).
Method: ``docs/methodology/tasks.md``; validation: ``docs/validation_tasks.md``.

Lazy re-exports only (PEP 562).
"""

from __future__ import annotations

from ..._lazy import lazy_getattr

_EXPORTS = {
    "TaskConfig": "estimator",
    "TaskEstimator": "estimator",
    "estimate_task": "estimator",
    "estimate_task_table": "batch",
    "compare_task": "compare",
    "task_table": "published",
    "get_task_model": "models",
    "task_models": "models",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_getattr(__name__, _EXPORTS)
