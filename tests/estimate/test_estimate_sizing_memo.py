"""A context outside an estimator's precomputed limits (``sizing.context_limits``) is sized by a search over
accelerator counts (a few memory evaluations); the estimator keeps the count per context, and a closed model's low /
high parameter-count variants (the same memory) use the same counts: one search per context, not one per point
estimate (three per new request size of a closed model, two more per repeated one)."""

from __future__ import annotations

from typing import Any

from aifootprint.estimate.inference import RequestEstimator


class CountingSizing(RequestEstimator):
    """The real estimator; ``searches`` lists the contexts its sizing search ran for (its own sizing function,
    wrapped where the estimator binds it)."""

    def __init__(self, model: str) -> None:
        super().__init__(model)
        self.searches: list[float] = []
        search = self._accelerators_needed

        def counted(costs: Any, cal: Any, batch: int, context_tokens: float) -> int:
            self.searches.append(context_tokens)
            return search(costs, cal, batch, context_tokens)

        self._accelerators_needed = counted


def test_a_context_outside_the_limits_is_searched_once() -> None:
    est = CountingSizing("gpt-4o")
    beyond = est._sizes[-1][1] + 100.0  # past the last precomputed count's limit
    i, o = int(beyond) - 100, 100
    first = est.result(i, o)
    for _ in range(3):
        assert est.result(i, o).to_dict() == first.to_dict()
        est.estimate(i, o)
    assert est.searches == [i + o]
    # the same answer as a fresh estimator: here 16 H100 would hold batch 64 but are wider than gpt-4o's KV heads,
    # and batch 32 on 8 costs less (sizing.cheaper_batch): served at it, noticed
    fresh = RequestEstimator("gpt-4o").result(i, o)
    assert first.to_dict() == fresh.to_dict()
    assert first.values["accelerators"] == 8 and first.warnings[0].code == "batch-limited"
