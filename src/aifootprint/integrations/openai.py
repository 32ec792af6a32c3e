"""OpenAI Python SDK (and any OpenAI-compatible endpoint via ``base_url``): per-call impacts on every response.

Usage::

    from openai import OpenAI
    from aifootprint.integrations.openai import instrument

    client = instrument(OpenAI())                       # or OpenAI(base_url="http://localhost:8000/v1")
    resp = client.chat.completions.create(model="gpt-4o-mini", messages=[...])
    resp.impacts.energy_wh.best, resp.impacts.carbon_g, resp.impacts.water_l

Wrapped: ``create`` of ``chat.completions``, ``completions`` and ``responses``, their ``parse`` (structured
outputs) and ``stream`` helpers (the helper and its ``get_final_completion()`` / ``get_final_response()`` carry the
impacts), on ``OpenAI`` and ``AsyncOpenAI`` clients, streamed or not, through ``with_raw_response`` /
``with_streaming_response`` too (the impacts are on what ``parse()`` returns), and on the clients that
``with_options(...)`` / ``copy(...)`` derive. A stream gets ``impacts`` when it ends (on the stream object and on the
chunk that carried the usage); ask for ``stream_options={"include_usage": True}`` to get exact token counts —
without it output tokens are counted from chunks and flagged (``usage-estimated``); a running usage in every chunk
(vLLM's ``continuous_usage_stats``) is read to the last. This module does not import ``openai``: it patches the
given client instance only (other clients are untouched). ``instrument`` again replaces the configuration;
:func:`uninstrument` removes the hooks.
"""

from __future__ import annotations

from typing import Any, TypeVar

from ._wrap import Hook, unwrap_client, wrap_client
from .core import HookConfig, ImpactCalculator

C = TypeVar("C")
#: Resources whose ``create`` is wrapped.
PATHS = ("chat.completions", "completions", "responses")


def instrument(client: C, config: HookConfig | None = None, *, calculator: ImpactCalculator | None = None,
               system: str = "openai") -> C:
    """Wrap ``client`` in place and return it; on an instrumented client the new configuration replaces the old
    one (never two wrappers). ``system`` names the provider in sinks (``gen_ai.system``), e.g. ``"vllm"`` for a local
    OpenAI-compatible server."""
    wrap_client(client, Hook(calculator or ImpactCalculator(config), system), PATHS)
    return client


def uninstrument(client: C) -> C:
    """Remove the hooks from ``client`` (responses get no ``impacts``, sinks see nothing); returns the client."""
    unwrap_client(client, PATHS)
    return client


def impacts_of(response: Any) -> Any:
    """``response.impacts`` (a :class:`~.core.CallImpacts`, a :class:`~aifootprint.notice.Notice` or None)."""
    return getattr(response, "impacts", None)
