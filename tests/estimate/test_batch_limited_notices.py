"""A request served at a batch lowered to fit the KV cache (notice ``batch-limited``) keeps every notice of its
estimator: the lowered estimator shares the parent's site, so it must share the site's notice too. Was: a closed
model's batch-limited result had no ``provider-site-assumed`` notice (gpt-4o at 30,000 / 2,000 tokens)."""

from __future__ import annotations

from aifootprint.estimate.inference import RequestEstimator


def _codes(est: RequestEstimator, i: float, o: float) -> set[str]:
    return {w.code for w in est.result(i, o).warnings}


def test_a_batch_limited_closed_model_keeps_its_provider_site_notice() -> None:
    for first in ("small", "large"):  # the parent's site resolved before the lowered estimator, or not
        est = RequestEstimator("gpt-4o")
        if first == "small":
            assert "provider-site-assumed" in _codes(est, 700, 120)
        codes = _codes(est, 30000, 2000)
        assert "batch-limited" in codes and "provider-site-assumed" in codes, (first, codes)
