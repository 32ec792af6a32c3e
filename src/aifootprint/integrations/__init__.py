"""Integrations: LLM client hooks (OpenAI, Anthropic, LiteLLM), a ledger of calls, OpenTelemetry metrics.

Nothing is imported until used: ``from aifootprint.integrations.openai import instrument``.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "CallImpacts": "core",
    "CallRecord": "core",
    "HookConfig": "core",
    "ImpactCalculator": "core",
    "Usage": "core",
    "usage_from": "core",
    "Ledger": "ledger",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
