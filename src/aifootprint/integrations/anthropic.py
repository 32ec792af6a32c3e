"""Anthropic Python SDK: per-call impacts on every ``messages.create`` response (sync, async, ``stream=True``).

Usage::

    from anthropic import Anthropic
    from aifootprint.integrations.anthropic import instrument

    client = instrument(Anthropic())
    msg = client.messages.create(model="claude-sonnet-4", max_tokens=500, messages=[...])
    msg.impacts.energy_wh

Token usage: ``input_tokens + cache_creation_input_tokens + cache_read_input_tokens`` is the prompt;
``cache_read_input_tokens`` are cached (their prefill excluded); ``output_tokens`` includes thinking tokens. With
``stream=True`` the impacts are set on the stream and on the ``message_delta`` event (usage arrives in
``message_start`` and ``message_delta``). The ``messages.stream(...)`` helper is not wrapped.
"""

from __future__ import annotations

from typing import TypeVar

from ._wrap import Hook, resources, wrap_method
from .core import HookConfig, ImpactCalculator

C = TypeVar("C")
PATHS = ("messages",)


def instrument(client: C, config: HookConfig | None = None, *, calculator: ImpactCalculator | None = None) -> C:
    """Wrap ``client.messages.create`` in place (idempotent) and return the client."""
    hook = Hook(calculator or ImpactCalculator(config), "anthropic")
    for owner, name in resources(client, PATHS):
        wrap_method(owner, name, hook)
    return client
