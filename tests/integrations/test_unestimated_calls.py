"""Successful calls without an estimate (unknown model, no usage) were given to no sink, so a ledger's totals and
``project_totals`` left them out without saying so. They are now ``api_calls`` rows with NULL energy, counted as
``unestimated_calls``; OpenTelemetry still counts their tokens. LiteLLM's non-generation calls (embeddings…) are
not charged as one-token generations."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from aifootprint.integrations.core import CallImpacts, CallRecord, HookConfig, ImpactCalculator, UnestimatedCall
from aifootprint.integrations.ledger import Ledger, project_totals
from aifootprint.integrations.litellm import ImpactsCallback
from aifootprint.notice import Notice

from .fake_llm import fake_llm_server

openai = pytest.importorskip("openai")


def _client(url: str, config: HookConfig) -> Any:
    from aifootprint.integrations.openai import instrument

    return instrument(openai.OpenAI(api_key="t", base_url=url + "/v1", max_retries=0), config)


def test_ledger_counts_unestimated_calls(tmp_path: Path) -> None:
    from aifootprint.measure.store import RunStore

    store = tmp_path / "runs.sqlite"
    with Ledger("bot", store) as ledger, fake_llm_server() as (url, _):
        c = _client(url, HookConfig(sinks=(ledger,)))
        unknown = c.chat.completions.create(model="my-finetune", messages=[])  # before any estimated call
        known = c.chat.completions.create(model="gpt-4o-mini", messages=[])
        c.chat.completions.create(model="my-finetune", messages=[])
    assert unknown.impacts.code == "unknown-model" and isinstance(known.impacts, CallImpacts)
    tot = project_totals(store, "bot")
    assert tot["calls"] == 1 and tot["unestimated_calls"] == 2
    assert tot["energy_wh"]["best"] == pytest.approx(known.impacts.energy_wh.best, rel=1e-12)
    db = RunStore(store, read_only=True)
    run = db.runs()[0]
    rows = db.query("SELECT model, input_tokens, energy_wh, warnings_json FROM api_calls WHERE energy_wh IS NULL")
    db.close()
    assert run.header.location == "US"  # the run's site is the estimated call's, not a placeholder
    assert [(r[0], r[1], r[2]) for r in rows] == [("my-finetune", 1200, None)] * 2 and "unknown-model" in rows[0][3]
    assert run.summary is not None and run.summary["api_calls"]["unestimated_calls"] == 2
    assert any("2 further API calls not estimated" in n for n in run.summary["measurement"]["notes"])


def test_ledger_with_only_unestimated_calls(tmp_path: Path) -> None:
    store = tmp_path / "runs.sqlite"
    with Ledger("bot", store) as ledger:
        ledger.record_unestimated(UnestimatedCall("openai", "x", "x", 0.0, 1.0, "r1",
                                                  Notice("no-usage", "no usage", "usage"), None))
    tot = project_totals(store, "bot")
    assert tot["calls"] == 0 and tot["unestimated_calls"] == 1 and tot["energy_wh"]["best"] == 0.0


def test_otel_counts_tokens_of_unestimated_calls() -> None:
    pytest.importorskip("opentelemetry.sdk")
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader

    from aifootprint.integrations.otel import OTelSink

    reader = InMemoryMetricReader()
    provider = MeterProvider(metric_readers=[reader])
    with fake_llm_server() as (url, _):
        _client(url, HookConfig(sinks=(OTelSink(provider),))).chat.completions.create(model="my-finetune",
                                                                                      messages=[])
    data = reader.get_metrics_data()
    assert data is not None
    points = {m.name: list(m.data.data_points) for rm in data.resource_metrics for sm in rm.scope_metrics
              for m in sm.metrics}
    tokens = {p.attributes["gen_ai.token.type"]: p.sum for p in points["gen_ai.client.token.usage"]}
    assert tokens["input"] == 1200 and "aifootprint.gen_ai.energy" not in points
    provider.shutdown()


class Collect:
    def __init__(self) -> None:
        self.calls: list[CallRecord] = []
        self.unestimated: list[UnestimatedCall] = []

    def record(self, call: CallRecord) -> None:
        self.calls.append(call)

    def record_unestimated(self, call: UnestimatedCall) -> None:
        self.unestimated.append(call)


def test_litellm_embedding_is_not_a_generation() -> None:
    """An embedding of a registry model (prompt tokens, no completion) was charged as a one-token generation."""
    sink = Collect()
    cb = ImpactsCallback(ImpactCalculator(HookConfig(sinks=(sink,))))
    usage = SimpleNamespace(prompt_tokens=500, completion_tokens=0, total_tokens=500)
    kwargs = {"model": "hosted_vllm/llama-3.1-8b", "call_type": "aembedding", "litellm_call_id": "e1"}
    assert cb.handle(kwargs, SimpleNamespace(model="llama-3.1-8b", usage=usage), None, None) is None
    chat = SimpleNamespace(model="llama-3.1-8b", usage=SimpleNamespace(prompt_tokens=500, completion_tokens=20))
    assert isinstance(cb.handle({**kwargs, "call_type": "acompletion"}, chat, None, None), CallImpacts)
    cb.handle({**kwargs, "call_type": "completion"}, SimpleNamespace(model="nope-model", usage=usage), None, None)
    assert len(sink.calls) == 1 and [u.notice.code for u in sink.unestimated] == ["unknown-model"]
