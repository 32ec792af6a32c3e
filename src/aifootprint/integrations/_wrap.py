"""Wrapping an SDK method: sync, async and streaming calls, with impacts attached and sinks fed.

Streams are read in :mod:`._streams`. Rules: the wrapped call behaves exactly like the original (same exceptions,
streams still iterate the same chunks); impacts are computed only after a successful response; a failed call records
nothing; an error inside aifootprint is logged and never reaches the caller.

Each wrapper reads its :class:`Hook` from a one-slot holder on every call, so instrumenting a client again replaces
the configuration (no second wrapper, no stale sinks) and :func:`unwrap_client` turns off even the wrappers the SDK
captured earlier (``with_raw_response`` keeps a reference to ``create``). Raw responses (``with_raw_response``,
``with_streaming_response``) carry no usage until parsed: their ``parse()`` is wrapped and its result gets the
impacts, once however often it is called. Clients derived with ``with_options(...)`` / ``copy(...)`` are
instrumented with the same hook.
"""

from __future__ import annotations

import functools
import inspect
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

from aifootprint.notice import Notice

from ._streams import HelperManager, StreamTap, WrappedAsyncStream, WrappedStream, tap_in_place
from .core import NO_USAGE, CallImpacts, ImpactCalculator, Usage, attach, deliver, record_of, usage_from

_LOG = logging.getLogger("aifootprint.integrations")
MARK = "__aifootprint_wrapped__"
#: The header the OpenAI and Anthropic SDKs (Stainless) set for ``with_raw_response`` ("true") and
#: ``with_streaming_response`` ("stream"): the call then returns an unparsed HTTP response object.
RAW_HEADER = "X-Stainless-Raw-Response"


class Hook:
    """Everything a wrapped method needs: the calculator, the system name (``openai``, ``anthropic``) and the
    operation (``gen_ai.operation.name``: ``chat``, ``text_completion``)."""

    def __init__(self, calculator: ImpactCalculator, system: str, operation: str = "chat") -> None:
        self.calc = calculator
        self.system = system
        self.operation = operation

    def for_operation(self, operation: str) -> Hook:
        """This hook for another operation (same calculator, so the same cached estimators)."""
        return self if operation == self.operation else Hook(self.calc, self.system, operation)

    def finish(self, target: Any, request_model: str, model: str, request_id: str, usage: Usage | None,
               start_s: float) -> CallImpacts | Notice | None:
        """Compute impacts, attach them to ``target`` and feed the sinks; never raises."""
        try:
            end_s = time.time()
            out = NO_USAGE if usage is None else self.calc.impacts(model or request_model, usage)
            attach(target, "impacts", out)
            sinks = self.calc.config.sinks
            if sinks:
                deliver(sinks, record_of(self.system, request_model, model or request_model, start_s, end_s,
                                         request_id, out, usage, self.operation))
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


def _wrap_result(hook: Hook, result: Any, model: str, stream: bool, start: float) -> Any:
    if stream:
        if tap_in_place(result, StreamTap(hook, model, start)):
            return result
        if hasattr(result, "__aiter__"):
            return WrappedAsyncStream(result, hook, model, start)
        return WrappedStream(result, hook, model, start)
    return hook.done(result, model, start)


class _Slot:
    """The hook a wrapper uses (None: switched off, the call passes straight through)."""

    __slots__ = ("hook",)

    def __init__(self, hook: Hook | None) -> None:
        self.hook = hook


def _wrap_raw(slot: _Slot, raw: Any, model: str, stream: bool, start: float) -> Any:
    """A raw HTTP response (``with_raw_response`` / ``with_streaming_response``): its ``parse()`` gives the
    response object, which gets the impacts (once per parsed object: the SDK caches it, so a second ``parse()``
    records nothing twice). The raw object itself is returned unchanged."""
    parse = getattr(raw, "parse", None)
    if not callable(parse):
        return raw
    seen: dict[int, Any] = {}

    def finish(parsed: Any) -> Any:
        hook = slot.hook
        if hook is None:
            return parsed
        hit = seen.get(id(parsed))  # held in ``seen``: no other object can take its id
        if hit is None:
            hit = seen[id(parsed)] = (parsed, _wrap_result(hook, parsed, model, stream, start))
        return hit[1]

    async def finish_async(awaitable: Any) -> Any:
        return finish(await awaitable)

    @functools.wraps(parse)
    def parse_wrapper(*args: Any, **kwargs: Any) -> Any:
        parsed = parse(*args, **kwargs)
        if inspect.isawaitable(parsed):
            return finish_async(parsed)
        return finish(parsed)

    try:
        raw.parse = parse_wrapper
    except Exception:
        _LOG.debug("aifootprint: cannot wrap parse() of %s", type(raw).__name__)
    return raw


def _raw_mode(kwargs: dict[str, Any]) -> bool:
    headers = kwargs.get("extra_headers")
    return type(headers) is dict and RAW_HEADER in headers


def _claim(owner: Any, name: str, hook: Hook) -> tuple[Any, _Slot | None]:
    """``owner.<name>`` and a new slot holding ``hook`` for its wrapper; slot None when there is nothing to wrap
    (no such method, or a wrapper already, whose hook is then replaced)."""
    original = getattr(owner, name, None)
    if original is None:
        return None, None
    slot = getattr(original, MARK, None)
    if isinstance(slot, _Slot):
        slot.hook = hook
        return original, None
    return original, _Slot(hook)


def wrap_method(owner: Any, name: str, hook: Hook) -> None:
    """Replace ``owner.<name>`` (an SDK ``create`` / ``parse``) on this instance by a wrapper; wrapping again only
    replaces the hook."""
    original, slot = _claim(owner, name, hook)
    if slot is None:
        return
    if name == "stream":
        _wrap_helper(owner, original, slot)
        return

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        hook = slot.hook
        if hook is None:  # uninstrumented, but still referenced (e.g. by with_raw_response)
            return original(*args, **kwargs)
        start = time.time()
        model = str(kwargs.get("model", "") or "")
        stream = bool(kwargs.get("stream", False))
        raw = _raw_mode(kwargs)
        result = original(*args, **kwargs)  # exceptions propagate unchanged; nothing is recorded
        if inspect.isawaitable(result):
            return _finish_async(slot, result, model, stream, start, raw)
        if raw:
            return _wrap_raw(slot, result, model, stream, start)
        return _wrap_result(hook, result, model, stream, start)

    setattr(wrapper, MARK, slot)
    setattr(owner, name, wrapper)


def _wrap_helper(owner: Any, original: Callable[..., Any], slot: _Slot) -> None:
    """``owner.stream`` (the SDK's stream helper) returning a :class:`HelperManager` around its manager."""

    @functools.wraps(original)
    def stream(*args: Any, **kwargs: Any) -> Any:
        manager = original(*args, **kwargs)
        if slot.hook is None or not (hasattr(manager, "__enter__") or hasattr(manager, "__aenter__")):
            return manager
        return HelperManager(manager, slot, str(kwargs.get("model", "") or ""))

    setattr(stream, MARK, slot)
    owner.stream = stream


def unwrap_method(owner: Any, name: str) -> None:
    """Undo :func:`wrap_method`: the instance's own attribute is removed (the class's method shows again) and the
    wrapper, wherever the SDK still holds it, passes calls straight through."""
    current = getattr(owner, name, None)
    slot = getattr(current, MARK, None)
    if not isinstance(slot, _Slot):
        return
    slot.hook = None
    try:
        delattr(owner, name)
    except AttributeError:
        _LOG.debug("aifootprint: %s.%s was not an instance attribute", type(owner).__name__, name)


async def _finish_async(slot: _Slot, awaitable: Any, model: str, stream: bool, start: float, raw: bool) -> Any:
    result = await awaitable
    hook = slot.hook
    if hook is None:
        return result
    if raw:
        return _wrap_raw(slot, result, model, stream, start)
    return _wrap_result(hook, result, model, stream, start)


#: Client methods that return a new client with other options (the OpenAI and Anthropic SDKs): instrumented too.
DERIVE = ("with_options", "copy")
#: Methods of a resource that make a call (``parse``: structured outputs; ``stream``: the SDKs' stream helpers).
METHODS = ("create", "parse", "stream")


#: ``gen_ai.operation.name`` of the resources that are not chat (OpenTelemetry GenAI conventions).
OPERATIONS = {"completions": "text_completion"}


def wrap_client(client: Any, hook: Hook, paths: tuple[str, ...]) -> None:
    """Wrap every ``create`` / ``parse`` / ``stream`` under ``paths`` and the client's ``with_options`` / ``copy``,
    whose new clients get the same hook (wrapping again only replaces the hook)."""
    for path in paths:
        for owner, name in resources(client, (path,)):
            wrap_method(owner, name, hook.for_operation(OPERATIONS.get(path, "chat")))
    for name in DERIVE:
        _wrap_derive(client, name, hook, paths)


def unwrap_client(client: Any, paths: tuple[str, ...]) -> None:
    """Undo :func:`wrap_client` on ``client`` (clients derived from it before keep their own wrappers)."""
    for owner, name in resources(client, paths):
        unwrap_method(owner, name)
    for name in DERIVE:
        unwrap_method(client, name)


def _wrap_derive(client: Any, name: str, hook: Hook, paths: tuple[str, ...]) -> None:
    original, slot = _claim(client, name, hook)
    if slot is None:
        return

    @functools.wraps(original)
    def derive(*args: Any, **kwargs: Any) -> Any:
        new = original(*args, **kwargs)
        hook = slot.hook
        if hook is not None and new is not client:
            try:
                wrap_client(new, hook, paths)
            except Exception as exc:  # never break the caller
                _LOG.warning("aifootprint: derived client not instrumented: %s: %s", type(exc).__name__, exc)
        return new

    setattr(derive, MARK, slot)
    setattr(client, name, derive)


def resources(client: Any, paths: tuple[str, ...]) -> Iterator[tuple[Any, str]]:
    """``(owner, method)`` for each dotted resource path the client has (``chat.completions``, ``responses``) and
    each of its :data:`METHODS`."""
    for path in paths:
        obj: Any = client
        for part in path.split("."):
            try:
                obj = getattr(obj, part)
            except Exception:
                obj = None
                break
        if obj is not None:
            for name in METHODS:
                if getattr(obj, name, None) is not None:
                    yield obj, name

