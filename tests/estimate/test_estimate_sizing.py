"""Accelerator sizing: the per-estimator context limits (:func:`.sizing.context_limits`, used on the per-request path)
give exactly the count :func:`.sizing.accelerators_needed` gives — none where a count wider than the KV heads loses
to a lower batch (:func:`.sizing.cheaper_batch`) — at and around every limit and anywhere else."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.errors import InputError
from aifootprint.estimate.inference import RequestConfig, RequestEstimator
from aifootprint.estimate.sizing import accelerators_needed, cheaper_batch

MODELS = ["llama-3.1-8b", "llama-3.1-70b", "gpt-4o", "gemma-3-27b", "nemotron-nano-9b-v2", "deepseek-v3"]
_EST = {(m, b): RequestEstimator(m, RequestConfig(batch=b)) for m in MODELS for b in (1, 64)}


def _exact(est: RequestEstimator, ctx: float) -> int | None:
    if ctx > (est.model.context_length or float("inf")):  # longer than the model's window: refused (audit 2026-12-04)
        return None
    try:
        n = accelerators_needed(est.costs, est.cal, est.config.batch, ctx)
    except InputError:
        return None
    lower = cheaper_batch(est.costs, est.cal, est.device, est.engine, est.config.batch, n, ctx, 0.0, est._host_w)
    return n if lower is None else None


def _fast(est: RequestEstimator, ctx: float) -> int | None:
    try:
        return est.accelerators_for(ctx, 0.0)
    except InputError:
        return None


@pytest.mark.parametrize("key", sorted(_EST))
def test_counts_at_every_limit(key: tuple[str, int]) -> None:
    est = _EST[key]
    for fits, too_big, _, _, _ in est._sizes:
        for ctx in (fits, fits - 0.5, fits + 0.5, too_big, too_big + 0.25, too_big + 1.0):
            if ctx >= 1.0:
                assert _fast(est, ctx) == _exact(est, ctx), (key, ctx)


@settings(max_examples=300)
@given(key=st.sampled_from(sorted(_EST)), ctx=st.floats(1.0, 2.0e6, allow_nan=False))
def test_counts_anywhere(key: tuple[str, int], ctx: float) -> None:
    est = _EST[key]
    assert _fast(est, ctx) == _exact(est, ctx)
