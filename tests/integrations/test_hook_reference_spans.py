"""The relative ranges at the reference request size (``REFERENCE_TOKENS``), which only ``estimate log``'s totals
read, are built when first read: a hooked call never pays for that full result (for a closed model, a Monte Carlo
unit of its own, ~1-2 ms).

The estimators are real ones, counting their full results; they reach the calculator through its ``estimator``
argument (no patching)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from aifootprint.estimate.inference import RequestConfig, RequestEstimator
from aifootprint.integrations.core import REFERENCE_TOKENS, CallImpacts, ImpactCalculator, Usage, _result_spans
from aifootprint.notice import Notice
from aifootprint.result import Result


class CountingEstimator(RequestEstimator):
    """The real estimator; ``full_results`` lists the request sizes of its :meth:`result` calls."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.full_results: list[tuple[float, float]] = []

    def result(self, input_tokens: float, output_tokens: float) -> Result:
        self.full_results.append((input_tokens, output_tokens))
        return super().result(input_tokens, output_tokens)


class Built:
    """An estimator factory that keeps what it built, by model key."""

    def __init__(self) -> None:
        self.estimators: dict[str, CountingEstimator] = {}

    def __call__(self, key: str, config: RequestConfig, registry: Any) -> CountingEstimator:
        est = self.estimators[key] = CountingEstimator(key, config, registry)
        return est


@pytest.mark.parametrize("model", ["gpt-4o", "llama-3.1-8b"])
def test_a_hooked_call_builds_no_reference_result(model: str) -> None:
    built = Built()
    calc = ImpactCalculator(estimator=built)
    for usage in (Usage(700, 120), Usage(1000, 500), Usage(30, 2)):
        assert isinstance(calc.impacts(model, usage), CallImpacts)
    assert built.estimators[model].full_results == []  # was [(1000, 500)]: built with the model


def test_the_reference_spans_are_built_once_when_first_read() -> None:
    built = Built()
    calc = ImpactCalculator(estimator=built)
    calc.impacts("gpt-4o", Usage(700, 120))
    m = calc.model("gpt-4o")
    assert not isinstance(m, Notice)
    spans = m.rel
    assert built.estimators["gpt-4o"].full_results == [REFERENCE_TOKENS]
    assert m.rel is spans and built.estimators["gpt-4o"].full_results == [REFERENCE_TOKENS]
    # the same spans as the estimator's own full result at the reference size
    assert spans == _result_spans(RequestEstimator("gpt-4o", RequestConfig()).result(*REFERENCE_TOKENS))


def test_a_model_that_cannot_serve_the_reference_request_is_still_unknown() -> None:
    """Checked with a point estimate at build (a few µs), as the full result checked it before: a deployment that
    cannot hold the reference request is an ``unknown-model`` notice, not an error when the totals read it."""
    def one_accelerator(key: str, config: RequestConfig, registry: Any) -> RequestEstimator:
        return RequestEstimator(key, replace(config, accelerators=1), registry)

    calc = ImpactCalculator(estimator=one_accelerator)
    out = calc.impacts("llama-3.1-405b", Usage(10, 5))
    assert isinstance(out, Notice) and out.code == "unknown-model" and "does not fit" in out.message
    assert isinstance(calc.impacts("llama-3.1-8b", Usage(10, 5)), CallImpacts)
