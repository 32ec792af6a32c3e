"""Streamed calls: reading usage from chunks as they pass (OpenAI chat chunks, Responses events, Anthropic events),
tapping an SDK stream in place, the SDKs' ``.stream(...)`` helpers, and a wrapper for streams that cannot be tapped.

Rules as in :mod:`._wrap`: the caller's stream iterates the same chunks, an error here is logged and never reaches
the caller's loop, a stream is finished (impacts, sinks) once.
"""

from __future__ import annotations

import functools
import inspect
import logging
import time
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any

from aifootprint.notice import Notice

from .core import CallImpacts, Usage, attach, fields_of, usage_from

if TYPE_CHECKING:
    from ._wrap import Hook, _Slot

_LOG = logging.getLogger("aifootprint.integrations")

#: Fields of a streamed chat delta that carry generated tokens (OpenAI; ``reasoning_content`` / ``reasoning``: the
#: thinking text of vLLM, DeepSeek and OpenRouter, as pydantic extras). ``role`` and an empty delta do not.
_OUTPUT_FIELDS = ("content", "tool_calls", "refusal", "function_call", "reasoning_content", "reasoning")
#: Streamed events that carry a call's final usage (OpenAI Responses, Anthropic Messages).
_FINAL_TYPES = ("response.completed", "message_delta")


def generated(choices: Any) -> int:
    """How many of a chunk's choices carry generated tokens (a text piece, a tool call's argument piece, a refusal,
    reasoning text): the unit a stream without usage counts. The first chunk (the role) and the last (the finish
    reason) carry none."""
    n = 0
    for c in choices:
        delta = getattr(c, "delta", None)
        if delta is None:  # legacy completions: the text piece is on the choice
            n += bool(getattr(c, "text", None))
            continue
        d = getattr(delta, "__dict__", None)
        if type(d) is not dict:
            continue
        extra = getattr(delta, "__pydantic_extra__", None)
        if any(d.get(f) or (extra and extra.get(f)) for f in _OUTPUT_FIELDS):
            n += 1
    return n


class StreamState:
    """Collects usage and model name from streamed events (OpenAI chunks / Responses events, Anthropic events)."""

    def __init__(self) -> None:
        self.usage: Usage | None = None
        self.model = ""
        self.request_id = ""
        self.chunks = 0
        self._anthropic_start: dict[str, Any] = {}

    def feed(self, item: Any) -> None:
        d = getattr(item, "__dict__", None)
        # an OpenAI chat chunk without usage (all but the last): the fast path
        if type(d) is dict and "type" not in d and "choices" in d and d.get("usage") is None:
            if d["choices"]:
                self.chunks += generated(d["choices"])
            if not self.model:
                self.model, self.request_id = str(d.get("model") or ""), str(d.get("id") or "")
            return
        kind = getattr(item, "type", None)
        if kind == "message_start":  # Anthropic: prompt usage first, the final counts in message_delta
            msg = getattr(item, "message", None)
            self.model = str(getattr(msg, "model", "") or self.model)
            self.request_id = str(getattr(msg, "id", "") or self.request_id)
            self._anthropic_start = dict(fields_of(getattr(msg, "usage", None)))
            return
        if kind == "content_block_delta":  # Anthropic: one piece of generated text, thinking or tool input
            self.chunks += 1
            return
        if kind == "message_delta":  # cumulative counts; the fields it leaves out (null) are message_start's
            delta = {k: v for k, v in fields_of(getattr(item, "usage", None)).items() if v is not None}
            self.usage = usage_from({**self._anthropic_start, **delta}) or Usage(0, 0)
            return
        holder = getattr(item, "response", None) if kind is not None and hasattr(item, "response") else item
        self.model = str(getattr(holder, "model", "") or self.model)
        self.request_id = str(getattr(holder, "id", "") or self.request_id)
        u = usage_from(getattr(holder, "usage", None))
        if u is not None:  # the final usage, or a running one (vLLM continuous_usage_stats): the latest counts
            self.usage = u
        choices = getattr(item, "choices", None)
        if choices:
            self.chunks += generated(choices)

    def final(self, item: Any) -> bool:
        """Whether ``item`` carries the call's final usage: a Responses ``response.completed`` event, Anthropic's
        ``message_delta``, or an OpenAI chat chunk with usage and no choices (the usage-only last chunk; a chunk
        with choices and usage carries a running count, e.g. vLLM's ``continuous_usage_stats``)."""
        if self.usage is None:
            return False
        kind = getattr(item, "type", None)
        if kind is None:
            return not getattr(item, "choices", None)
        return kind in _FINAL_TYPES

    def final_usage(self) -> Usage | None:
        """The reported usage; else (no usage asked for, or a stream closed before it came) the output tokens counted
        from chunks with the prompt as far as known (Anthropic's ``message_start``; else 0), flagged estimated."""
        if self.usage is not None:
            return self.usage
        if self.chunks:
            start = usage_from(self._anthropic_start) if self._anthropic_start else None
            if start is not None:
                return Usage(start.input_tokens, self.chunks, 0, start.cached_tokens, estimated=True)
            return Usage(0, self.chunks, estimated=True)
        return None


class StreamTap:
    """Reads the chunks of one streamed call as they pass and finishes the call (impacts, sinks) when the chunk with
    the final usage arrives or the stream ends. ``target`` is where ``impacts`` goes when no chunk can carry it."""

    def __init__(self, hook: Hook, request_model: str, start_s: float) -> None:
        self._hook = hook
        self._model = request_model
        self._start = start_s
        self._state = StreamState()
        self._finished = False
        self.impacts: CallImpacts | Notice | None = None
        #: more objects to carry ``impacts`` (weakly held): a ``.stream(...)`` helper over this stream
        self.targets: list[weakref.ReferenceType[Any]] = []

    def end(self, last: Any, target: Any) -> None:
        if self._finished:
            return
        self._finished = True
        s = self._state
        self.impacts = self._hook.finish(last if last is not None else target, self._model, s.model, s.request_id,
                                         s.final_usage(), self._start)
        if target is not None and last is not None:
            attach(target, "impacts", self.impacts)
        for ref in self.targets:
            obj = ref()
            if obj is not None:
                attach(obj, "impacts", self.impacts)

    def closed(self, target: Any) -> None:
        """The caller closed the stream: if it ended before its usage arrived (a "stop" button), the call is
        recorded with what was seen, flagged ``usage-estimated``; nothing when nothing was generated."""
        try:
            if not self._finished and self._state.final_usage() is not None:
                self.end(None, target)
        except Exception as exc:  # never break the caller
            _LOG.warning("aifootprint: closed stream not recorded: %s: %s", type(exc).__name__, exc)

    def step(self, item: Any, target: Any) -> Any:
        """Feed one chunk; finish as soon as the chunk that carries the final usage arrives. Never raises: an
        unexpected chunk is logged and the stream goes on unchanged."""
        try:
            self._state.feed(item)
            if self._state.final(item):
                self.end(item, target)
        except Exception as exc:  # never break the caller's stream
            _LOG.warning("aifootprint: stream chunk not read: %s: %s", type(exc).__name__, exc)
        return item

    def tap(self, inner: Iterator[Any], ref: Callable[[], Any]) -> Iterator[Any]:
        """``inner``'s items, unchanged; ``ref`` gives the stream object (a weak reference: no cycle through the
        stream's own iterator, so a dropped stream is still closed at once)."""
        last = None
        for item in inner:
            last = self.step(item, ref())
            yield item
        self.end(last, ref())

    async def atap(self, inner: AsyncIterator[Any], ref: Callable[[], Any]) -> AsyncIterator[Any]:
        last = None
        async for item in inner:
            last = self.step(item, ref())
            yield item
        self.end(last, ref())


def tap_in_place(stream: Any, tap: StreamTap) -> bool:
    """Route an SDK stream's own iterator through ``tap``, so the caller keeps the SDK's stream object (its type,
    ``response``, ``close()``, context manager). The OpenAI and Anthropic SDKs (Stainless) iterate ``_iterator``
    in ``__iter__`` / ``__next__`` (``__aiter__`` / ``__anext__``). False when ``stream`` is not such an object."""
    try:
        inner = stream._iterator
        ref = weakref.ref(stream)
        if hasattr(inner, "__anext__"):
            stream._iterator = tap.atap(inner, ref)
        elif hasattr(inner, "__next__"):
            stream._iterator = tap.tap(inner, ref)
        else:
            return False
        attach(stream, "impacts", None)
        stream._aifootprint_tap = tap  # found by a .stream(...) helper over this stream (no second tap)
        close = getattr(type(stream), "close", None)
        if callable(close):
            stream.close = _close_with_tap(close, ref, tap)
        return True
    except Exception:  # not a Stainless stream (no _iterator, no weak references, read-only attributes)
        return False


def _close_with_tap(close: Callable[..., Any], ref: Callable[[], Any], tap: StreamTap) -> Callable[..., Any]:
    """The stream's own ``close`` (the class's method on a weakly held stream: no reference cycle), telling ``tap``
    first; ``async`` when the SDK's is (``AsyncStream.close``)."""
    if inspect.iscoroutinefunction(close):

        @functools.wraps(close)
        async def aclose(*args: Any, **kwargs: Any) -> Any:
            tap.closed(ref())
            return await close(ref(), *args, **kwargs)

        return aclose

    @functools.wraps(close)
    def sclose(*args: Any, **kwargs: Any) -> Any:
        tap.closed(ref())
        return close(ref(), *args, **kwargs)

    return sclose


#: Methods of the SDKs' stream helpers that return the accumulated response: it gets the impacts too.
_FINALS = ("get_final_message", "get_final_completion", "get_final_response")


class HelperManager:
    """What a wrapped ``.stream(...)`` helper returns: the SDK's manager, whose ``with`` / ``async with`` gives the
    SDK's helper stream over an SDK ``Stream`` (``_raw_stream``), tapped like ``create(stream=True)``; the helper and
    what its ``get_final_*()`` returns carry ``impacts`` once the stream has ended. Other attributes are the
    manager's."""

    def __init__(self, manager: Any, slot: _Slot, model: str) -> None:
        self._manager = manager
        self._slot = slot
        self._model = model

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._manager, name)

    def __enter__(self) -> Any:
        start_s = time.time()
        return self._hooked(self._manager.__enter__(), start_s)

    def __exit__(self, *exc: Any) -> Any:
        return self._manager.__exit__(*exc)

    async def __aenter__(self) -> Any:
        start_s = time.time()
        return self._hooked(await self._manager.__aenter__(), start_s)

    async def __aexit__(self, *exc: Any) -> Any:
        return await self._manager.__aexit__(*exc)

    def _hooked(self, helper: Any, start_s: float) -> Any:
        hook = self._slot.hook
        if hook is not None:
            try:
                _tap_helper(helper, hook, self._model, start_s)
            except Exception as exc:  # never break the caller
                _LOG.warning("aifootprint: stream helper not instrumented: %s: %s", type(exc).__name__, exc)
        return helper


def _tap_helper(helper: Any, hook: Hook, model: str, start_s: float) -> None:
    raw = getattr(helper, "_raw_stream", None)
    if raw is None:
        return
    tap = getattr(raw, "_aifootprint_tap", None)  # chat.completions.stream goes through the wrapped create
    if not isinstance(tap, StreamTap):
        tap = StreamTap(hook, model, start_s)
        if not tap_in_place(raw, tap):
            return
    tap.targets.append(weakref.ref(helper))
    attach(helper, "impacts", tap.impacts)
    ref = weakref.ref(helper)
    for name in _FINALS:
        method = getattr(type(helper), name, None)
        if callable(method):
            setattr(helper, name, _final_with_impacts(method, ref, tap))


def _final_with_impacts(method: Callable[..., Any], ref: Callable[[], Any], tap: StreamTap) -> Callable[..., Any]:
    """``helper.get_final_*`` whose result carries the call's impacts (the class's method on a weakly held helper:
    no reference cycle through the instance)."""

    async def finish_async(awaitable: Any) -> Any:
        out = await awaitable
        attach(out, "impacts", tap.impacts)
        return out

    @functools.wraps(method)
    def final(*args: Any, **kwargs: Any) -> Any:
        out = method(ref(), *args, **kwargs)
        if inspect.isawaitable(out):
            return finish_async(out)
        attach(out, "impacts", tap.impacts)
        return out

    return final


class WrappedStream:
    """For a stream that cannot be tapped in place: iterates it unchanged; when it ends, ``impacts`` is set on it
    and on the chunk that carried the usage."""

    def __init__(self, stream: Any, hook: Hook, request_model: str, start_s: float) -> None:
        self._stream = stream
        self._tap = StreamTap(hook, request_model, start_s)
        self._iter: Iterator[Any] | None = None

    @property
    def impacts(self) -> CallImpacts | Notice | None:
        return self._tap.impacts

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._stream, name)

    def __iter__(self) -> Iterator[Any]:
        last = None
        for item in self._stream:
            last = self._tap.step(item, None)
            yield item
        self._tap.end(last, self)

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
            last = self._tap.step(item, None)
            yield item
        self._tap.end(last, self)

    async def __aenter__(self) -> WrappedAsyncStream:
        if hasattr(self._stream, "__aenter__"):
            await self._stream.__aenter__()
        return self

    async def __aexit__(self, *exc: Any) -> Any:
        return await self._stream.__aexit__(*exc) if hasattr(self._stream, "__aexit__") else None
