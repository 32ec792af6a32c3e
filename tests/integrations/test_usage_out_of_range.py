"""``ImpactCalculator.impacts`` promises "never an exception for API data": a faulty reply's usage of 1e30 prompt
tokens raised the estimator's InputError (model does not fit), so the hook logged a warning and attached nothing.
It is now a Notice on the response, like an unknown model."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from aifootprint.errors import InputError
from aifootprint.integrations.core import CallImpacts, HookConfig, ImpactCalculator, Usage
from aifootprint.notice import Notice

from .fake_llm import send_json, serve


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


class _FaultyUsage(BaseHTTPRequestHandler):
    """A chat completions endpoint answering the usage named after ``|`` in the model name (a faulty server)."""

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        send_json(self, 200, {"id": "c", "object": "chat.completion", "created": 0, "model": "gpt-4o-mini",
                              "usage": json.loads(body["model"].split("|", 1)[1]), "choices": [
                                  {"index": 0, "finish_reason": "stop", "message": {"role": "assistant"}}]})


def test_negative_or_huge_usage_from_a_server_is_flagged_and_counted(tmp_path: Path) -> None:
    """Negative counts were estimated as 0 prompt / 1 output tokens and stored negative in the ledger, unflagged;
    a usage beyond SQLite's integers lost its ledger row."""
    openai = pytest.importorskip("openai")
    from aifootprint.integrations.ledger import Ledger, project_totals
    from aifootprint.integrations.openai import instrument

    store = tmp_path / "runs.sqlite"
    faulty = ['{"prompt_tokens": -5, "completion_tokens": 10}', '{"prompt_tokens": 10, "completion_tokens": -3}',
              '{"prompt_tokens": 1e30, "completion_tokens": 5}']
    with Ledger("bot", store) as ledger, serve(_FaultyUsage) as (url, _):
        c = instrument(openai.OpenAI(api_key="t", base_url=url + "/v1", max_retries=0), HookConfig(sinks=(ledger,)))
        codes = [c.chat.completions.create(model="gpt-4o-mini|" + u, messages=[]).impacts.code for u in faulty]
    assert codes == ["usage-out-of-range"] * 3
    assert project_totals(store, "bot")["unestimated_calls"] == 3
