"""A hook's per-call result and ``aifootprint estimate request`` for the same model and tokens give the same numbers.

The hook took a closed model's range from a reference chat turn (1,000 in, 500 out) for every call, but the full
result's parameter range depends on the request: at 5,000 tokens in and 10 out, gpt-4o-mini's low was 14 % above
the CLI's. The hook now takes the estimator's own range for the request (its Monte Carlo unit per parameter-range factor
pair, rounded to 5 %) and its point carbon and water: the same numbers."""

from __future__ import annotations

import json

import pytest

from aifootprint.cli.main import main
from aifootprint.integrations.core import CallImpacts, ImpactCalculator, Usage
from aifootprint.notice import Notice


@pytest.mark.parametrize(("model", "tokens_in", "tokens_out"), [
    ("gpt-4o-mini", 5000, 10),        # closed, prefill-heavy (a RAG call)
    ("gpt-4o-mini", 1200, 300),
    ("claude-sonnet-4", 30000, 300),  # closed, long prompt
    ("llama-3.1-8b", 100_000, 300),   # open, batch-limited
])
def test_same_numbers_as_estimate_request(model: str, tokens_in: int, tokens_out: int,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["estimate", "request", "--model", model, "--input-tokens", str(tokens_in), "--output-tokens",
                 str(tokens_out), "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    imp = ImpactCalculator().impacts(model, Usage(tokens_in, tokens_out))
    assert isinstance(imp, CallImpacts)
    for qty in ("energy_wh", "carbon_g", "water_l"):
        # one path: the estimator's point values and the Monte Carlo unit of the request's parameter-range factors
        # (water's best differed by up to 0.3 % where the site's WUE is a range, Anthropic's: the CLI's was the
        # median of its draws moved by the energy's factor)
        span = getattr(imp, qty)
        assert span.best == pytest.approx(cli[qty]["best"], rel=1e-12), qty
        assert (span.low, span.high) == pytest.approx((cli[qty]["low"], cli[qty]["high"]), rel=1e-12), qty
    assert imp.method_version == cli["method_version"] and imp.data_version == cli["data_version"]
    cli_codes = {w["code"] for w in cli["warnings"]}
    assert ("batch-limited" in cli_codes) == ("batch-limited" in {w.code for w in imp.warnings})


def test_varied_request_sizes_stay_cheap() -> None:
    """Each distinct parameter-range factor pair costs a Monte Carlo; keyed to 3 digits, varied request sizes meant
    a Monte Carlo on most calls (3.7 ms per call over random sizes). The estimator keeps a few dozen (5 % steps)."""
    import random

    rng = random.Random(1)
    calc = ImpactCalculator()
    for _ in range(2000):
        out = calc.impacts("gpt-4o-mini", Usage(int(10 ** rng.uniform(0, 5)), int(10 ** rng.uniform(0, 3.5))))
        assert isinstance(out, CallImpacts)
    kept = calc.model("gpt-4o-mini")
    assert not isinstance(kept, Notice) and 0 < len(kept.results.units) <= 40
