"""A closed model's Monte Carlo units (``request_result.build_unit``) keep their quantiles, not their draws: the
products (model error and site factors × parameter-range factor) are multiplied again when something asks for them,
with the very draws and quantiles that ``Uncertain`` arithmetic gives (keeping 4 × 160 kB of fresh memory per unit cost
more than the Monte Carlo itself on the first pass over varied request sizes, ``benchmarks/estimate_speed.py``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from aifootprint.estimate.inference import RequestConfig, RequestEstimator
from aifootprint.estimate.request_result import Product, cache_of, factor_range
from aifootprint.uncertainty import PERCENTILES, Uncertain


def test_a_closed_model_unit_holds_no_draws_and_gives_the_arithmetic_ones() -> None:
    est = RequestEstimator("gpt-4o")
    res = est.result(700, 120)
    cache = cache_of(est)
    key = cache.factor_key(700, 120, est.estimate(700, 120).energy_wh)
    assert key is not None
    unit = cache.units[key]
    static = cache._static
    assert static is not None
    lo, hi = factor_range(key)
    factor = Uncertain.triangular(lo, 1.0, hi, label="params:gpt-4o")
    for got, base in ((unit.energy_wh, static.energy_wh), (unit.carbon_g, static.carbon_g),
                      (unit.water_l, static.water_l)):
        assert isinstance(got, Product) and "_draws" not in got.__dict__  # no vector kept by the unit
        want = base * factor  # what the unit held before
        assert got._quantiles == want._quantiles
        assert got._quantiles == tuple(float(v) for v in np.percentile(want.samples(), PERCENTILES))
        assert np.array_equal(got.samples(), want.samples()) and got.spec == want.spec
        assert got.samples() is got.samples()  # multiplied once, then kept
    # the request's own range is the unit's, scaled: its draws too
    k = res.values["energy_wh"].best / unit.energy_wh.best
    assert np.allclose(res.values["energy_wh"].samples(), unit.energy_wh.samples() * k, rtol=1e-12, atol=0.0)


def test_an_open_model_unit_is_the_static_monte_carlo() -> None:
    est = RequestEstimator("llama-3.1-8b")
    est.result(700, 120)
    cache = cache_of(est)
    assert cache._static is not None and cache.unit().energy_wh is cache._static.energy_wh


class CountingVariants(RequestEstimator):
    """The real estimator, counting the look-ups of its low / high parameter-count variants."""

    def __init__(self, model: str) -> None:
        super().__init__(model)
        self.variant_lookups = 0

    def _variant(self, arch: Any) -> RequestEstimator:
        self.variant_lookups += 1
        return super()._variant(arch)


def test_a_closed_model_looks_its_variants_up_once() -> None:
    """Each new request size of a closed model takes two point estimates at its low and high parameter counts; their
    estimators are looked up once per result cache (a look-up hashes the whole architecture dataclass: ~2.5 µs, was
    paid twice per new size)."""
    est = CountingVariants("gpt-4o")
    for i in range(10):
        est.result(100 + 37 * i, 20 + i)
    assert est.variant_lookups == 2


def test_an_estimator_lowered_to_fit_the_kv_cache_shares_the_draws() -> None:
    """A request whose KV cache the batch cannot hold is estimated at a lower batch (``at_batch``): the same model,
    accelerator, site and boundary, so the same draws; that estimator takes its parent's Monte Carlo (static draws,
    and a factor pair's products the parent already has) instead of drawing them again, with the same numbers as an
    estimator built at that batch from scratch."""
    est = RequestEstimator("gpt-4o")
    parent = cache_of(est)
    est.result(700, 120)
    res = est.result(30_000, 2_000)
    batch = res.inputs["batch"]
    assert batch < est.config.batch
    child = cache_of(est.at_batch(batch))
    assert child._parent is parent
    assert child.static().energy_wh is parent.static().energy_wh
    assert child.static().embodied_g is parent.static().embodied_g
    for key in parent.units:
        assert child.unit(key).energy_wh is parent.units[key].energy_wh
    fresh = RequestEstimator("gpt-4o", RequestConfig(batch=batch)).result(30_000, 2_000)
    for q in ("energy_wh", "carbon_g", "water_l", "embodied_carbon_g"):
        assert res.values[q].to_dict() == fresh.values[q].to_dict()
    assert res.values["breakdown_wh"] == fresh.values["breakdown_wh"]
