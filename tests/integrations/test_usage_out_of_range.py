"""``ImpactCalculator.impacts`` promises "never an exception for API data": a faulty reply's usage of 1e30 prompt
tokens raised the estimator's InputError (model does not fit), so the hook logged a warning and attached nothing.
It is now a Notice on the response, like an unknown model."""

from __future__ import annotations

from aifootprint.integrations.core import CallImpacts, ImpactCalculator, Usage
from aifootprint.notice import Notice


def test_absurd_usage_is_a_notice_not_an_exception() -> None:
    calc = ImpactCalculator()
    out = calc.impacts("gpt-4o-mini", Usage(10**30, 10))
    assert isinstance(out, Notice) and out.code == "usage-out-of-range" and out.subject == "usage"
    assert "cannot be estimated" in out.message and "does not fit" in out.message
    assert isinstance(calc.impacts("gpt-4o-mini", Usage(100, 10)), CallImpacts)  # the model's cache is intact
