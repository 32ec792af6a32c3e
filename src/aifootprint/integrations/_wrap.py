"""Wrapping an SDK method: sync, async and streaming calls, with impacts attached and sinks fed.

Rules: the wrapped call behaves exactly like the original (same return type, same exceptions, streams still
iterate the same chunks); impacts are computed only after a successful response; a failed call records nothing;
an error inside aifootprint is logged and never reaches the caller.
"""

from __future__ import annotations

import functools
import inspect
import logging
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from aifootprint.notice import Notice

from .core import CallImpacts, CallRecord, ImpactCalculator, Usage, attach, deliver, usage_from

_LOG = logging.getLogger("aifootprint.integrations")
MARK = "__aifootprint_wrapped__"


class StreamState:
    """Collects usage and model name from streamed events (OpenAI chunks / Responses events, Anthropic events)."""

    def __init__(self) -> None:
        self.usage: Usage | None = None
        self.model = ""
        self.request_id = ""
        self.chunks = 0
        self._anthropic_in: Usage | None = None
        self._anthropic_out = 0

    def feed(self, item: Any) -> None:
        d = getattr(item, "__dict__", None)
        # an OpenAI chat chunk without usage (all but the last): the fast path
        if type(d) is dict and "type" not in d and "choices" in d and d.get("usage") is None:
            if d["choices"]:
                self.chunks += 1
            if not self.model:
                self.model, self.request_id = str(d.get("model") or ""), str(d.get("id") or "")
            return
        kind = getattr(item, "type", None)
        if kind == "message_start":  # Anthropic: prompt usage first, output tokens in message_delta
            msg = getattr(item, "message", None)
            self.model = str(getattr(msg, "model", "") or self.model)
            self.request_id = str(getattr(msg, "id", "") or self.request_id)
            self._anthropic_in = usage_from(getattr(msg, "usage", None))
            return
        if kind == "message_delta":
            u = getattr(item, "usage", None)
            self._anthropic_out = int(getattr(u, "output_tokens", 0) or 0)
            base = self._anthropic_in or Usage(0, 0)
            self.usage = Usage(base.input_tokens, self._anthropic_out, base.reasoning_tokens, base.cached_tokens)
            return
        holder = getattr(item, "response", None) if kind is not None and hasattr(item, "response") else item
        self.model = str(getattr(holder, "model", "") or self.model)
        self.request_id = str(getattr(holder, "id", "") or self.request_id)
        u = usage_from(getattr(holder, "usage", None))
        if u is not None:
            self.usage = u
        elif getattr(item, "choices", None):
            self.chunks += 1

    def final_usage(self) -> Usage | None:
        if self.usage is not None:
            return self.usage
        if self.chunks:
            return Usage(0, self.chunks, estimated=True)
        return None


class Hook:
    """Everything a wrapped method needs: the calculator, the system name (``openai``, ``anthropic``)."""

    def __init__(self, calculator: ImpactCalculator, system: str) -> None:
        self.calc = calculator
        self.system = system

    def finish(self, target: Any, request_model: str, model: str, request_id: str, usage: Usage | None,
               start_s: float) -> CallImpacts | Notice | None:
        """Compute impacts, attach them to ``target`` and feed the sinks; never raises."""
        try:
            end_s = time.time()
            if usage is None:
                out: CallImpacts | Notice = Notice("no-usage", "the response carried no token usage", "usage")
            else:
                out = self.calc.impacts(model or request_model, usage)
            attach(target, "impacts", out)
            if isinstance(out, CallImpacts) and self.calc.config.sinks:
                deliver(self.calc.config.sinks, CallRecord(self.system, request_model, model or request_model,
                                                           start_s, end_s, request_id, out))
            return out
        except Exception as exc:  # never break the caller
            _LOG.warning("aifootprint: impacts not computed: %s: %s", type(exc).__name__, exc)
            return None

    def done(self, response: Any, request_model: str, start_s: float) -> Any:
        """A complete (non-streamed) response."""
        usage = usage_from(getattr(response, "usage", None))
        self.finish(response, request_model, str(getattr(response, "model", "") or ""),
                    str(getattr(response, "id", "") or ""), usage, start_s)
        return response


_FINAL_TYPES = (None, "response.completed", "message_delta")


class WrappedStream:
    """Iterates the SDK stream unchanged; when it ends, ``impacts`` is set on it and on the last chunk."""

    def __init__(self, stream: Any, hook: Hook, request_model: str, start_s: float) -> None:
        self._stream = stream
        self._hook = hook
        self._model = request_model
        self._start = start_s
        self._state = StreamState()
        self._finished = False
        self._iter: Iterator[Any] | None = None
        self.impacts: CallImpacts | Notice | None = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._stream, name)

    def _end(self, last: Any) -> None:
        if self._finished:
            return
        self._finished = True
        s = self._state
        self.impacts = self._hook.finish(last if last is not None else self, self._model, s.model, s.request_id,
                                         s.final_usage(), self._start)

    def _step(self, item: Any) -> Any:
        """Feed one chunk; finish as soon as the chunk that carries the final usage arrives."""
        self._state.feed(item)
        if self._state.usage is not None and getattr(item, "type", None) in _FINAL_TYPES:
            self._end(item)
        return item

    def __iter__(self) -> Iterator[Any]:
        last = None
        for item in self._stream:
            last = self._step(item)
            yield item
        self._end(last)

    def __next__(self) -> Any:
        if self._iter is None:
            self._iter = iter(self)
        return next(self._iter)

    def __enter__(self) -> WrappedStream:
        if hasattr(self._stream, "__enter__"):
            self._stream.__enter__()
        return self

    def __exit__(self, *exc: Any) -> Any:
        return self._stream.__exit__(*exc) if hasattr(self._stream, "__exit__") else None


class WrappedAsyncStream(WrappedStream):
    """Async counterpart of :class:`WrappedStream`."""

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._agen()

    async def _agen(self) -> AsyncIterator[Any]:
        last = None
        async for item in self._stream:
            last = self._step(item)
            yield item
        self._end(last)

    async def __aenter__(self) -> WrappedAsyncStream:
        if hasattr(self._stream, "__aenter__"):
            await self._stream.__aenter__()
        return self

    async def __aexit__(self, *exc: Any) -> Any:
        return await self._stream.__aexit__(*exc) if hasattr(self._stream, "__aexit__") else None


def _wrap_result(hook: Hook, result: Any, model: str, stream: bool, start: float) -> Any:
    if stream:
        if hasattr(result, "__aiter__"):
            return WrappedAsyncStream(result, hook, model, start)
        return WrappedStream(result, hook, model, start)
    return hook.done(result, model, start)


def wrap_method(owner: Any, name: str, hook: Hook) -> None:
    """Replace ``owner.<name>`` (an SDK ``create``) on this instance by a wrapper; idempotent."""
    original = getattr(owner, name, None)
    if original is None or getattr(original, MARK, False):
        return

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.time()
        model = str(kwargs.get("model", "") or "")
        stream = bool(kwargs.get("stream", False))
        result = original(*args, **kwargs)  # exceptions propagate unchanged; nothing is recorded
        if inspect.isawaitable(result):
            return _finish_async(hook, result, model, stream, start)
        return _wrap_result(hook, result, model, stream, start)

    setattr(wrapper, MARK, True)
    setattr(owner, name, wrapper)


async def _finish_async(hook: Hook, awaitable: Any, model: str, stream: bool, start: float) -> Any:
    result = await awaitable
    return _wrap_result(hook, result, model, stream, start)


def resources(client: Any, paths: tuple[str, ...]) -> Iterator[tuple[Any, str]]:
    """``(owner, "create")`` for each dotted resource path the client has (``chat.completions``, ``responses``)."""
    for path in paths:
        obj: Any = client
        for part in path.split("."):
            try:
                obj = getattr(obj, part)
            except Exception:
                obj = None
                break
        if obj is not None:
            yield obj, "create"

