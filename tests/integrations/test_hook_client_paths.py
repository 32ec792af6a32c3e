"""The ways a developer reaches a response besides ``create``: raw responses, derived clients, ``parse``, a second
``instrument`` and ``uninstrument``, vLLM's running stream usage, fine-tuned and long requests; against the local
fake OpenAI / Anthropic server (no network, no SDK mocks)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from aifootprint.integrations.core import CallImpacts, CallRecord, HookConfig, ImpactCalculator, Usage

from .fake_llm import fake_llm_server

openai = pytest.importorskip("openai")
FULL = Usage(1200, 300, 100, 200)  # the fake server's usage (tests/integrations/fake_llm.py)


class Collect:
    def __init__(self) -> None:
        self.calls: list[CallRecord] = []

    def record(self, call: CallRecord) -> None:
        self.calls.append(call)


@pytest.fixture(scope="module")
def calc() -> ImpactCalculator:
    return ImpactCalculator()


def _client(url: str, calc: ImpactCalculator, cls: Any = None) -> Any:
    from aifootprint.integrations.openai import instrument

    return instrument((cls or openai.OpenAI)(api_key="t", base_url=url + "/v1", max_retries=0), calculator=calc)


def test_vllm_running_usage_is_read_to_the_last_chunk(calc: ImpactCalculator) -> None:
    """vLLM's ``continuous_usage_stats`` puts a running usage in every chunk: the hook stopped at the first one
    (1 output token) and kept it, though the final chunk says 300."""
    with fake_llm_server() as (url, _):
        c = _client(url, calc)
        s = c.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True,
                                      stream_options={"include_usage": True, "continuous_usage_stats": True})
        chunks = list(s)
        s2 = c.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True,
                                       stream_options={"continuous_usage_stats": True})
        list(s2)
    assert s.impacts.usage == FULL and chunks[-1].impacts is s.impacts
    assert s2.impacts.usage == Usage(1200, 3)  # the last running count, reported (not estimated)
    assert "usage-estimated" not in {w.code for w in s2.impacts.warnings}


def test_raw_responses_get_impacts_when_parsed(calc: ImpactCalculator) -> None:
    """``with_raw_response`` / ``with_streaming_response`` return the HTTP response: the hook flagged it
    ``no-usage`` and the parsed response had no impacts."""
    sink = Collect()
    calc = ImpactCalculator(HookConfig(sinks=(sink,)))
    with fake_llm_server() as (url, _):
        c = _client(url, calc)
        raw = c.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=[])
        assert getattr(raw, "impacts", None) is None  # no false "no-usage" notice on the raw object
        first = raw.parse()
        assert raw.parse() is first  # the SDK's cache: one object, recorded once
        with c.chat.completions.with_streaming_response.create(model="gpt-4o-mini", messages=[]) as r:
            streamed = r.parse()
        raw_stream = c.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=[], stream=True,
                                                                 stream_options={"include_usage": True})
        s = raw_stream.parse()
        list(s)
    assert first.impacts.usage == FULL and streamed.impacts.usage == FULL and s.impacts.usage == FULL
    assert len(sink.calls) == 3


def test_async_raw_response(calc: ImpactCalculator) -> None:
    async def go(url: str) -> Any:
        c = _client(url, calc, openai.AsyncOpenAI)
        raw = await c.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=[])
        async with c.chat.completions.with_streaming_response.create(model="gpt-4o-mini", messages=[]) as r:
            parsed = await r.parse()
        await c.close()
        return raw.parse(), parsed

    with fake_llm_server() as (url, _):
        a, b = asyncio.run(go(url))
    assert a.impacts.usage == FULL and b.impacts.usage == FULL


def test_derived_clients_are_instrumented(calc: ImpactCalculator) -> None:
    """``client.with_options(timeout=…)`` and ``client.copy()`` made new, uninstrumented clients: no impacts."""
    with fake_llm_server() as (url, _):
        c = _client(url, calc)
        r1 = c.with_options(timeout=5).chat.completions.create(model="gpt-4o-mini", messages=[])
        r2 = c.copy(max_retries=1).with_options(timeout=5).chat.completions.create(model="gpt-4o-mini", messages=[])
    assert r1.impacts.usage == FULL and r2.impacts.usage == FULL


def test_parse_methods_are_instrumented(calc: ImpactCalculator) -> None:
    """``chat.completions.parse`` and ``responses.parse`` (structured outputs) post directly, not via ``create``."""
    sink = Collect()
    calc = ImpactCalculator(HookConfig(sinks=(sink,)))
    with fake_llm_server() as (url, _):
        c = _client(url, calc)
        a = c.chat.completions.parse(model="gpt-4o-mini", messages=[])
        b = c.responses.parse(model="o4-mini", input="hi")
    assert a.impacts.usage == FULL and b.impacts.usage == FULL and len(sink.calls) == 2


def test_instrument_again_replaces_the_config_and_uninstrument_removes_it() -> None:
    """A second ``instrument(client, HookConfig(sinks=…))`` was silently ignored (the sinks never saw a call); there
    was no way to remove the hooks."""
    from aifootprint.integrations.openai import instrument, uninstrument

    first, second = Collect(), Collect()
    with fake_llm_server() as (url, _):
        c = openai.OpenAI(api_key="t", base_url=url + "/v1", max_retries=0)
        instrument(c, HookConfig(sinks=(first,)))
        raw_create = c.chat.completions.with_raw_response  # holds the wrapper from now on
        instrument(c, HookConfig(sinks=(second,)))
        c.chat.completions.create(model="gpt-4o-mini", messages=[])
        assert (len(first.calls), len(second.calls)) == (0, 1)
        uninstrument(c)
        r = c.chat.completions.create(model="gpt-4o-mini", messages=[])
        p = raw_create.create(model="gpt-4o-mini", messages=[]).parse()
        d = c.with_options(timeout=5).chat.completions.create(model="gpt-4o-mini", messages=[])
    assert not hasattr(r, "impacts") and not hasattr(p, "impacts") and not hasattr(d, "impacts")
    assert len(second.calls) == 1


def test_legacy_completions_are_text_completion_in_sinks(calc: ImpactCalculator) -> None:
    sink = Collect()
    calc = ImpactCalculator(HookConfig(sinks=(sink,)))
    with fake_llm_server() as (url, _):
        c = _client(url, calc)
        c.completions.create(model="gpt-4o-mini", prompt="hi")
        c.chat.completions.create(model="gpt-4o-mini", messages=[])
    assert [x.operation for x in sink.calls] == ["text_completion", "chat"]


def test_finetuned_model_is_estimated_as_its_base(calc: ImpactCalculator) -> None:
    """An OpenAI fine-tune (``ft:<base>:<org>:<suffix>:<id>``) was an ``unknown-model`` notice on every call."""
    name = "ft:gpt-4o-mini-2024-07-18:my-org:support:A1b2C3"
    with fake_llm_server() as (url, _):
        r = _client(url, calc).chat.completions.create(model=name, messages=[])
    base = calc.impacts("gpt-4o-mini", FULL)
    assert isinstance(r.impacts, CallImpacts) and isinstance(base, CallImpacts)
    assert r.impacts.model == "gpt-4o-mini" and r.impacts.energy_wh == base.energy_wh


def test_a_request_the_batch_cannot_hold_is_flagged_as_estimate_request_does(calc: ImpactCalculator) -> None:
    """The hook estimated a 100k-token request at a lowered batch (same energy as ``estimate request``) without
    its ``batch-limited`` notice."""
    from aifootprint.estimate import RequestEstimator

    imp = calc.impacts("llama-3.1-8b", Usage(100_000, 300))
    assert isinstance(imp, CallImpacts)
    res = RequestEstimator("llama-3.1-8b").result(100_000, 300)
    expected = [w for w in res.warnings if getattr(w, "code", "") == "batch-limited"]
    assert len(expected) == 1 and [w for w in imp.warnings if w.code == "batch-limited"] == expected
    assert imp.energy_wh.best == pytest.approx(res.to_dict()["energy_wh"]["best"], rel=1e-12)
    small = calc.impacts("llama-3.1-8b", Usage(1000, 300))
    assert isinstance(small, CallImpacts) and "batch-limited" not in {w.code for w in small.warnings}


def test_anthropic_parse_beta_and_raw(calc: ImpactCalculator) -> None:
    anthropic = pytest.importorskip("anthropic")
    from aifootprint.integrations.anthropic import instrument

    msg = [{"role": "user", "content": "hi"}]
    with fake_llm_server() as (url, _):
        c = instrument(anthropic.Anthropic(api_key="t", base_url=url, max_retries=0), calculator=calc)
        out = [c.beta.messages.create(model="claude-sonnet-4", max_tokens=10, messages=msg),
               c.messages.with_raw_response.create(model="claude-sonnet-4", max_tokens=10, messages=msg).parse(),
               c.with_options(timeout=5).messages.create(model="claude-sonnet-4", max_tokens=10, messages=msg)]
    assert [m.impacts.usage for m in out] == [Usage(1200, 300, 0, 200)] * 3


def test_streams_keep_the_sdk_type(calc: ImpactCalculator) -> None:
    """A streamed call returned an aifootprint wrapper, so ``isinstance(s, openai.Stream)`` was False (libraries
    dispatch on it); the SDK's own stream object is now returned, its iterator tapped."""
    anthropic = pytest.importorskip("anthropic")
    from aifootprint.integrations.anthropic import instrument as instrument_anthropic

    async def go(url: str) -> Any:
        c = _client(url, calc, openai.AsyncOpenAI)
        s = await c.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True,
                                            stream_options={"include_usage": True})
        assert isinstance(s, openai.AsyncStream)
        async with s:
            async for _ in s:
                pass
        await c.close()
        return s

    with fake_llm_server() as (url, _):
        s = _client(url, calc).chat.completions.create(model="gpt-4o-mini", messages=[], stream=True,
                                                       stream_options={"include_usage": True})
        assert isinstance(s, openai.Stream) and s.response.status_code == 200
        first = next(s)
        rest = list(s)
        a = instrument_anthropic(anthropic.Anthropic(api_key="t", base_url=url, max_retries=0), calculator=calc)
        m = a.messages.create(model="claude-sonnet-4", max_tokens=10, stream=True,
                              messages=[{"role": "user", "content": "hi"}])
        assert isinstance(m, anthropic.Stream)
        with m:
            list(m)
        s_async = asyncio.run(go(url))
    assert first.choices[0].delta.role == "assistant" and len(rest) == 5  # a, b, c, the finish, the usage
    assert s.impacts.usage == FULL and rest[-1].impacts is s.impacts and s_async.impacts.usage == FULL
    assert m.impacts.usage == Usage(1200, 300, 0, 200)


def test_retried_call_is_recorded_once_and_a_timeout_never() -> None:
    """The SDK's own retries happen inside the wrapped call: a 503 then a success is one record; a timeout raises
    the SDK's error unchanged and records nothing."""
    from aifootprint.integrations.openai import instrument

    sink = Collect()
    with fake_llm_server() as (url, seen):
        c = instrument(openai.OpenAI(api_key="t", base_url=url + "/v1", max_retries=2), HookConfig(sinks=(sink,)))
        r = c.chat.completions.create(model="flaky-gpt-4o-mini", messages=[])
        assert len(seen) == 2 and r.impacts.usage == FULL
        with pytest.raises(openai.APITimeoutError):
            c.with_options(timeout=0.2, max_retries=0).chat.completions.create(model="slow-gpt-4o-mini", messages=[])
    assert len(sink.calls) == 1 and sink.calls[0].response_model == "gpt-4o-mini"


def test_stream_without_usage_counts_only_chunks_with_output(calc: ImpactCalculator) -> None:
    """Without usage, output tokens are counted from chunks: the role chunk and the finish chunk (no text) were
    counted too; a tool call's name and argument pieces are output (4 chunks here: 6 were counted)."""
    tools = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {}}}}]
    with fake_llm_server() as (url, _):
        c = _client(url, calc)
        s = c.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True, tools=tools)
        kinds = [ch.choices[0].finish_reason for ch in s]
    assert kinds[-1] == "tool_calls" and len(kinds) == 6
    assert s.impacts.usage == Usage(0, 4, estimated=True)
    assert "usage-estimated" in {w.code for w in s.impacts.warnings}


def test_stream_helpers_get_impacts_once() -> None:
    """The SDKs' ``.stream(...)`` helpers (``responses.stream``, Anthropic ``messages.stream``) post directly: no
    impacts and no record; ``chat.completions.stream`` went through ``create`` (recorded) but its helper and final
    completion had no impacts."""
    anthropic = pytest.importorskip("anthropic")
    from aifootprint.integrations.anthropic import instrument as instrument_anthropic

    sink = Collect()
    calc = ImpactCalculator(HookConfig(sinks=(sink,)))
    msg = [{"role": "user", "content": "hi"}]

    async def go(url: str) -> Any:
        a = instrument_anthropic(anthropic.AsyncAnthropic(api_key="t", base_url=url, max_retries=0), calculator=calc)
        async with a.messages.stream(model="claude-sonnet-4", max_tokens=10, messages=msg) as st:
            final = await st.get_final_message()
        await a.close()
        return final

    with fake_llm_server() as (url, _):
        c = _client(url, calc)
        with c.chat.completions.stream(model="gpt-4o-mini", messages=[],
                                       stream_options={"include_usage": True}) as chat:
            completion = chat.get_final_completion()
        with c.responses.stream(model="o4-mini", input="hi") as resp:
            response = resp.get_final_response()
        a = instrument_anthropic(anthropic.Anthropic(api_key="t", base_url=url, max_retries=0), calculator=calc)
        with a.messages.stream(model="claude-sonnet-4", max_tokens=10, messages=msg) as st:
            text = "".join(st.text_stream)
            message = st.get_final_message()
        async_message = asyncio.run(go(url))
    assert completion.impacts.usage == FULL and chat.impacts is completion.impacts
    assert response.impacts.usage == FULL and response.output_text == "hi"
    assert text == "hello" and type(st).__name__ == "MessageStream"
    assert message.impacts.usage == async_message.impacts.usage == Usage(1200, 300, 0, 200)
    assert [x.request_model for x in sink.calls] == ["gpt-4o-mini", "o4-mini", "claude-sonnet-4", "claude-sonnet-4"]


def test_anthropic_stream_reads_the_final_cumulative_usage(calc: ImpactCalculator) -> None:
    """Anthropic's ``message_delta`` usage is cumulative (input tokens a server tool added, thinking tokens in
    ``output_tokens_details``); the stream kept ``message_start``'s input and no thinking tokens, so a streamed call
    differed from the same call unstreamed."""
    anthropic = pytest.importorskip("anthropic")
    from aifootprint.integrations.anthropic import instrument as instrument_anthropic

    msg = [{"role": "user", "content": "hi"}]
    with fake_llm_server() as (url, _):
        a = instrument_anthropic(anthropic.Anthropic(api_key="t", base_url=url, max_retries=0), calculator=calc)
        whole = a.messages.create(model="thinking-claude-sonnet-4", max_tokens=10, messages=msg)
        s = a.messages.create(model="thinking-claude-sonnet-4", max_tokens=10, messages=msg, stream=True)
        list(s)
    assert whole.impacts.usage == Usage(1700, 300, 100, 200)
    assert s.impacts.usage == whole.impacts.usage and s.impacts.energy_wh == whole.impacts.energy_wh


def test_a_stream_closed_early_is_recorded_as_estimated() -> None:
    """A chat UI's "stop" closes the stream before its usage arrives: the call vanished (no impacts, no record)
    though tokens were generated. It is now recorded with the output seen, flagged ``usage-estimated``."""
    anthropic = pytest.importorskip("anthropic")
    from aifootprint.integrations.anthropic import instrument as instrument_anthropic

    sink = Collect()
    calc = ImpactCalculator(HookConfig(sinks=(sink,)))
    with fake_llm_server() as (url, _):
        c = _client(url, calc)
        with c.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True,
                                       stream_options={"include_usage": True}) as s:
            for chunk in s:
                if chunk.choices[0].delta.content == "a":
                    break  # the stop button
        a = instrument_anthropic(anthropic.Anthropic(api_key="t", base_url=url, max_retries=0), calculator=calc)
        m = a.messages.create(model="claude-sonnet-4", max_tokens=10, stream=True,
                              messages=[{"role": "user", "content": "hi"}])
        for event in m:
            if event.type == "content_block_delta":
                m.close()
                break
        whole = c.chat.completions.create(model="gpt-4o-mini", messages=[], stream=True,
                                          stream_options={"include_usage": True})
        with whole:
            list(whole)
    assert s.impacts.usage == Usage(0, 1, estimated=True) and "usage-estimated" in {w.code for w in s.impacts.warnings}
    assert m.impacts.usage == Usage(1200, 1, 0, 200, estimated=True)
    assert [x.impacts.usage.estimated for x in sink.calls] == [True, True, False]  # a finished stream: once
