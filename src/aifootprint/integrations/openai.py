"""OpenAI Python SDK (and any OpenAI-compatible endpoint via ``base_url``): per-call impacts on every response.

Usage::

    from openai import OpenAI
    from aifootprint.integrations.openai import instrument

    client = instrument(OpenAI())                       # or OpenAI(base_url="http://localhost:8000/v1")
    resp = client.chat.completions.create(model="gpt-4o-mini", messages=[...])
    resp.impacts.energy_wh.best, resp.impacts.carbon_g, resp.impacts.water_l

Wrapped: ``chat.completions.create``, ``completions.create`` and ``responses.create``, on ``OpenAI`` and
``AsyncOpenAI`` clients, streamed or not. A stream gets ``impacts`` when it ends (on the stream object and on the
chunk that carried the usage); ask for ``stream_options={"include_usage": True}`` to get exact token counts —
without it output tokens are counted from chunks and flagged (``usage-estimated``). This module does not import
``openai``: it patches the given client instance only (other clients are untouched).
"""

from __future__ import annotations

from typing import Any, TypeVar

from ._wrap import Hook, resources, wrap_method
from .core import HookConfig, ImpactCalculator

C = TypeVar("C")
#: Resources whose ``create`` is wrapped.
PATHS = ("chat.completions", "completions", "responses")


def instrument(client: C, config: HookConfig | None = None, *, calculator: ImpactCalculator | None = None,
               system: str = "openai") -> C:
    """Wrap ``client`` in place (idempotent) and return it. ``system`` names the provider in sinks
    (``gen_ai.system``), e.g. ``"vllm"`` for a local OpenAI-compatible server."""
    hook = Hook(calculator or ImpactCalculator(config), system)
    for owner, name in resources(client, PATHS):
        wrap_method(owner, name, hook)
    return client


def impacts_of(response: Any) -> Any:
    """``response.impacts`` (a :class:`~.core.CallImpacts`, a :class:`~aifootprint.notice.Notice` or None)."""
    return getattr(response, "impacts", None)
