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
``message_start`` and ``message_delta``). ``messages.parse`` and ``beta.messages.create`` / ``.parse`` are wrapped
too, as are ``with_raw_response`` (impacts on what ``parse()`` returns) and the clients ``with_options(...)`` /
``copy(...)`` derive. The ``messages.stream(...)`` helper is wrapped as well: the helper stream and what its
``get_final_message()`` returns carry the impacts once the stream has ended.
``instrument`` again replaces the configuration; :func:`uninstrument` removes the hooks.
"""

from __future__ import annotations

from typing import TypeVar

from ._wrap import Hook, unwrap_client, wrap_client
from .core import HookConfig, ImpactCalculator

C = TypeVar("C")
PATHS = ("messages", "beta.messages")


def instrument(client: C, config: HookConfig | None = None, *, calculator: ImpactCalculator | None = None) -> C:
    """Wrap ``client.messages.create`` (and the methods listed above) in place and return the client; on an
    instrumented client the new configuration replaces the old one."""
    wrap_client(client, Hook(calculator or ImpactCalculator(config), "anthropic"), PATHS)
    return client


def uninstrument(client: C) -> C:
    """Remove the hooks from ``client``; returns the client."""
    unwrap_client(client, PATHS)
    return client
