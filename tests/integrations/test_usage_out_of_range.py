"""``ImpactCalculator.impacts`` promises "never an exception for API data": a faulty reply's usage of 1e30 prompt
tokens raised the estimator's InputError (model does not fit), so the hook logged a warning and attached nothing.
It is now a Notice on the response, like an unknown model."""

from __future__ import annotations

import pytest

from aifootprint.errors import InputError
from aifootprint.integrations.core import CallImpacts, HookConfig, ImpactCalculator, Usage
from aifootprint.notice import Notice


def test_absurd_usage_is_a_notice_not_an_exception() -> None:
    calc = ImpactCalculator()
    out = calc.impacts("gpt-4o-mini", Usage(10**30, 10))
    assert isinstance(out, Notice) and out.code == "usage-out-of-range" and out.subject == "usage"
    assert "cannot be estimated" in out.message and "does not fit" in out.message
    assert isinstance(calc.impacts("gpt-4o-mini", Usage(100, 10)), CallImpacts)  # the model's cache is intact


@pytest.mark.parametrize(("field", "value", "needle"), [
    ("hardware", "no-such-gpu", "unknown accelerator 'no-such-gpu'"),
    ("boundary", "nope", "unknown boundary 'nope'"),
    ("location", "ZZ-Nowhere", "unknown location 'ZZ-Nowhere'"),
    ("operator", "nope", "unknown data-centre operator 'nope'"),
    ("batch", 0, "batch must be at least 1"),
])
def test_a_bad_deployment_is_refused_when_the_calculator_is_made(field: str, value: object, needle: str) -> None:
    """A typo in the deployment made every call an ``unknown-model`` notice (the API hooks) or every log row a skip
    (``estimate log``); it is now the caller's InputError once, where the calculator is made (``instrument(…)``)."""
    with pytest.raises(InputError, match=needle):
        ImpactCalculator(HookConfig(**{field: value}))  # type: ignore[arg-type]
