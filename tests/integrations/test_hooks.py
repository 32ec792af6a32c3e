"""LLM client hooks against a local fake OpenAI-compatible / Anthropic HTTP server (no network)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from aifootprint.estimate import RequestEstimator
from aifootprint.integrations.core import CallImpacts, CallRecord, HookConfig, ImpactCalculator, Usage, usage_from
from aifootprint.integrations.ledger import Ledger, project_totals

from .fake_llm import fake_llm_server

openai = pytest.importorskip("openai")


class Collect:
    """A sink that keeps every record."""

    def __init__(self) -> None:
        self.calls: list[CallRecord] = []

    def record(self, call: CallRecord) -> None:
        self.calls.append(call)


class Broken:
    def record(self, call: CallRecord) -> None:
        raise RuntimeError("sink down")


@pytest.fixture(scope="module")
def calc() -> ImpactCalculator:
    return ImpactCalculator()


def _client(url: str, calc: ImpactCalculator, cls: Any = None) -> Any:
    from aifootprint.integrations.openai import instrument

    c = (cls or openai.OpenAI)(api_key="test", base_url=url + "/v1", max_retries=0)
    return instrument(c, calculator=calc)


def test_sync_call_matches_estimator(calc: ImpactCalculator) -> None:
    """The hook's best energy is the estimator's point estimate minus the cached tokens' prefill share."""
    with fake_llm_server() as (url, _):
        r = _client(url, calc).chat.completions.create(model="gpt-4o-mini", messages=[])
    imp = r.impacts
    assert isinstance(imp, CallImpacts)
    assert imp.usage == Usage(1200, 300, 100, 200)
    assert imp.model == "gpt-4o-mini" and imp.provider == "openai" and imp.zone == "US"
    p = RequestEstimator("gpt-4o-mini").estimate(1200, 300)
    active = p.prefill_wh + p.decode_wh + p.host_wh
    expect = p.energy_wh - p.prefill_wh * (200 / 1200) * p.energy_wh / active
    assert imp.energy_wh.best == pytest.approx(expect, rel=1e-12)
    assert imp.energy_wh.low < imp.energy_wh.best < imp.energy_wh.high
    assert {w.code for w in imp.warnings} >= {"cached-prefill-excluded", "provider-site-assumed"}
    assert r.choices[0].message.content == "hello"  # response untouched


def test_cached_tokens_lower_energy(calc: ImpactCalculator) -> None:
    a = calc.impacts("gpt-4o-mini", Usage(1200, 300))
    b = calc.impacts("gpt-4o-mini", Usage(1200, 300, cached_tokens=1200))
    assert isinstance(a, CallImpacts) and isinstance(b, CallImpacts)
    assert b.energy_wh.best < a.energy_wh.best
    assert b.carbon_g.best / a.carbon_g.best == pytest.approx(b.energy_wh.best / a.energy_wh.best, rel=1e-9)


def test_stream_with_usage_and_without(calc: ImpactCalculator) -> None:
    with fake_llm_server() as (url, _):
        c = _client(url, calc)
        s = c.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True,
                                      stream_options={"include_usage": True})
        chunks = list(s)
        assert [ch.choices[0].delta.content for ch in chunks[:4]] == ["", "a", "b", "c"]
        assert s.impacts.usage == Usage(1200, 300, 100, 200)
        assert chunks[-1].impacts is s.impacts
        s2 = c.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True)
        with s2:
            n = sum(1 for _ in s2)
        assert n == 5  # the role chunk, three tokens, the finish chunk: only the tokens are counted
        assert s2.impacts.usage == Usage(0, 3, estimated=True)
        assert "usage-estimated" in {w.code for w in s2.impacts.warnings}


def test_async_and_async_stream(calc: ImpactCalculator) -> None:
    async def go(url: str) -> tuple[Any, Any]:
        c = _client(url, calc, openai.AsyncOpenAI)
        r = await c.chat.completions.create(model="gpt-4o-mini", messages=[])
        s = await c.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True,
                                            stream_options={"include_usage": True})
        async for _ in s:
            pass
        await c.close()
        return r, s

    with fake_llm_server() as (url, _):
        r, s = asyncio.run(go(url))
    assert r.impacts.energy_wh == s.impacts.energy_wh


def test_responses_api_reasoning_tokens(calc: ImpactCalculator) -> None:
    with fake_llm_server() as (url, _):
        c = _client(url, calc)
        r = c.responses.create(model="o4-mini", input="hi")
        s = c.responses.create(model="o4-mini", input="hi", stream=True)
        kinds = [e.type for e in s]
    assert r.impacts.usage.reasoning_tokens == 100 and r.impacts.model == "o4-mini"
    assert kinds[-1] == "response.completed" and s.impacts.usage == r.impacts.usage


def test_compatible_endpoint_unknown_model_never_breaks(calc: ImpactCalculator) -> None:
    with fake_llm_server() as (url, _):
        r = _client(url, calc).chat.completions.create(model="my-finetune", messages=[])
    assert r.impacts.code == "unknown-model" and r.choices[0].message.content == "hello"


def test_model_map_for_served_names() -> None:
    calc = ImpactCalculator(HookConfig(models={"served-llama": "llama-3.1-8b"}, location="FR"))
    imp = calc.impacts("served-llama", Usage(100, 50))
    assert isinstance(imp, CallImpacts) and imp.model == "llama-3.1-8b" and imp.zone == "FR"


def test_failed_call_records_nothing_and_raises_unchanged(tmp_path: Path) -> None:
    sink = Collect()
    calc = ImpactCalculator(HookConfig(sinks=(Broken(), sink)))
    with fake_llm_server() as (url, _):
        c = _client(url, calc)
        with pytest.raises(openai.InternalServerError):
            c.chat.completions.create(model="fail-gpt-4o", messages=[])
        with pytest.raises(openai.BadRequestError):
            c.chat.completions.create(model="bad-gpt-4o", messages=[], stream=True)
        s = c.chat.completions.create(model="midfail-gpt-4o", messages=[], stream=True,
                                      stream_options={"include_usage": True})
        with pytest.raises(openai.APIError):
            for _ in s:
                pass
        assert sink.calls == [] and s.impacts is None
        c.chat.completions.create(model="gpt-4o", messages=[])  # the broken sink does not break the call
    assert len(sink.calls) == 1 and sink.calls[0].system == "openai"


def test_ledger_totals_and_runs_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from aifootprint.cli.main import main

    store = tmp_path / "runs.sqlite"
    with Ledger("chatbot", store) as ledger:
        calc = ImpactCalculator(HookConfig(sinks=(ledger,)))
        with fake_llm_server() as (url, _):
            c = _client(url, calc)
            for _ in range(3):
                c.chat.completions.create(model="gpt-4o-mini", messages=[])
            with pytest.raises(openai.InternalServerError):
                c.chat.completions.create(model="fail-x", messages=[])
    one = calc.impacts("gpt-4o-mini", Usage(1200, 300, 100, 200))
    assert isinstance(one, CallImpacts)
    tot = project_totals(store, "chatbot")
    assert tot["calls"] == 3
    assert tot["energy_wh"]["best"] == pytest.approx(3 * one.energy_wh.best, rel=1e-12)
    from aifootprint.measure.store import RunStore

    db = RunStore(store, read_only=True)
    run = db.runs()[0]
    assert run.header.name == "chatbot" and len(db.requests(run.run_id)) == 3
    assert run.summary is not None
    assert run.summary["measurement"]["energy_j"] == pytest.approx(3 * one.it_energy_wh * 3600, rel=1e-12)
    db.close()
    assert main(["runs", "list", "--store", str(store)]) == 0
    capsys.readouterr()
    # `runs show` recomputes the same facility energy and carbon from the stored IT energy and site
    assert main(["runs", "show", run.run_id, "--store", str(store), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["energy_kwh"]["best"] == pytest.approx(3 * one.energy_wh.best / 1000, rel=1e-9)
    assert shown["carbon_g"]["best"] == pytest.approx(3 * one.carbon_g.best, rel=1e-9)
    assert shown["water_l"]["best"] == pytest.approx(3 * one.water_l.best, rel=1e-9)


def test_anthropic_sync_and_stream(calc: ImpactCalculator) -> None:
    anthropic = pytest.importorskip("anthropic")
    from aifootprint.integrations.anthropic import instrument

    with fake_llm_server() as (url, _):
        c = instrument(anthropic.Anthropic(api_key="t", base_url=url, max_retries=0), calculator=calc)
        m = c.messages.create(model="claude-sonnet-4", max_tokens=10, messages=[{"role": "user", "content": "hi"}])
        s = c.messages.create(model="claude-sonnet-4", max_tokens=10, stream=True,
                              messages=[{"role": "user", "content": "hi"}])
        events = [e.type for e in s]
    assert m.impacts.usage == Usage(1200, 300, 0, 200)
    assert events[0] == "message_start" and s.impacts.usage == m.impacts.usage
    assert s.impacts.provider == "anthropic"


@pytest.mark.parametrize(("usage", "expect"), [
    ({"prompt_tokens": 10, "completion_tokens": 5}, Usage(10, 5)),
    ({"input_tokens": 10, "output_tokens": 5, "cache_read_input_tokens": 4, "cache_creation_input_tokens": 2},
     Usage(16, 5, 0, 4)),
    ({"prompt_tokens": 10, "completion_tokens": 5, "completion_tokens_details": {"reasoning_tokens": 9}},
     Usage(10, 5, 5, 0)),
    ({}, None),
    (None, None),
])
def test_usage_shapes(usage: Any, expect: Usage | None) -> None:
    assert usage_from(usage) == expect


def test_anthropic_async(calc: ImpactCalculator) -> None:
    anthropic = pytest.importorskip("anthropic")
    from aifootprint.integrations.anthropic import instrument

    async def go(url: str) -> Any:
        c = instrument(anthropic.AsyncAnthropic(api_key="t", base_url=url, max_retries=0), calculator=calc)
        m = await c.messages.create(model="claude-haiku-4.5", max_tokens=10,
                                    messages=[{"role": "user", "content": "hi"}])
        await c.close()
        return m

    with fake_llm_server() as (url, _):
        m = asyncio.run(go(url))
    assert m.impacts.model == "claude-haiku-4.5" and m.impacts.usage.cached_tokens == 200
