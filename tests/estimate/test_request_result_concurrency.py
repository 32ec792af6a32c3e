"""One estimator's full results from many threads, and over varied request sizes.

A server and the client hooks call :meth:`RequestEstimator.result` from many threads. Its cache evicted entries
first-in first-out with ``dict.pop(next(iter(...)))`` and no lock: two threads evicting at once raised KeyError (39 in
24,000 calls from a thread pool), and a closed model's range was the one of the first request of its size bucket,
so a result depended on which request another thread had made first. And each new size bucket of a closed model ran
a Monte Carlo: 3.7 ms per call over random sizes. Now a request's parameter-range factors are computed for it, rounded
to 5 % (a few dozen Monte Carlo units per model), and units are built and evicted under the cache's lock."""

from __future__ import annotations

import random
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from aifootprint.errors import InputError
from aifootprint.estimate.inference import RequestConfig, RequestEstimator
from aifootprint.estimate.request_result import cache_of


def _sizes(n: int, seed: int) -> list[tuple[int, int]]:
    rng = random.Random(seed)
    return [(int(10 ** rng.uniform(0, 5)), int(10 ** rng.uniform(0, 3.5))) for _ in range(n)]


def test_results_from_a_thread_pool_equal_a_fresh_estimators() -> None:
    sizes = _sizes(60, 3)
    want = {s: RequestEstimator("gpt-4o-mini", RequestConfig()).result(*s).to_dict() for s in sizes}
    est = RequestEstimator("gpt-4o-mini", RequestConfig())
    cache_of(est).max_units = 3  # evict on almost every new factor pair: builds and evictions meet all the time
    failures: list[str] = []

    def work(seed: int) -> None:
        order = sizes * 2
        random.Random(seed).shuffle(order)
        for s in order:
            try:
                got: dict[str, Any] = est.result(*s).to_dict()
            except Exception as exc:  # what a server thread would turn into a 500
                failures.append(f"{s}: {exc!r}")
                continue
            if got != want[s]:
                failures.append(f"{s}: differs from a fresh estimator's result")

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible (restored below)
    try:
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(work, range(4)))
    finally:
        sys.setswitchinterval(interval)
    assert failures == []
    assert 0 < len(cache_of(est).units) <= 3


def test_varied_sizes_need_a_few_dozen_monte_carlo_units() -> None:
    """2,000 random sizes of a closed model: one Monte Carlo unit per distinct rounded factor pair, a few dozen, all
    kept (a 3-digit key gave hundreds, so that most calls paid one); the result's best stays the point estimate."""
    est = RequestEstimator("gpt-4o-mini", RequestConfig())
    cache = cache_of(est)
    keys = set()
    for i, o in _sizes(2000, 1):
        res = est.result(i, o)
        point = est.estimate(i, o).energy_wh
        assert res.values["energy_wh"].best == pytest.approx(point, rel=1e-12)
        try:
            est.accelerators_for(i, o)
        except InputError:  # batch-limited: the result is the lowered batch's estimator's (its own cache)
            continue
        keys.add(cache.factor_key(i, o, point))
    assert set(cache.units) == keys
    assert 0 < len(keys) <= 40 < cache.max_units
