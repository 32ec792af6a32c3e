"""LiteLLM callback (extra ``[litellm]``): per-call impacts for every model LiteLLM routes, SDK or proxy.

Usage::

    import litellm
    from aifootprint.integrations.core import HookConfig
    from aifootprint.integrations.ledger import Ledger
    from aifootprint.integrations.litellm import impacts_logger

    litellm.callbacks = [impacts_logger(HookConfig(sinks=(Ledger("my-app"),)))]

The logger is a ``litellm.integrations.custom_logger.CustomLogger``: LiteLLM calls ``log_success_event`` /
``async_log_success_event(kwargs, response_obj, start_time, end_time)`` after each successful call (streams: once,
with the assembled response). Usage comes from ``response_obj.usage`` (OpenAI shape, with
``prompt_tokens_details.cached_tokens`` and ``completion_tokens_details.reasoning_tokens``), else from
``kwargs["standard_logging_object"]``; the provider from ``kwargs["custom_llm_provider"]`` /
``kwargs["litellm_params"]``. Impacts are set as ``response_obj.impacts`` (LiteLLM may log after returning the
response: read them from a sink for certainty) and given to the configured sinks; a call without an estimate
(unknown model, no usage) goes to the sinks' ``record_unestimated``. Only text-generation calls are read
(:data:`GENERATION_CALLS`: not embeddings, images or speech). Failures record nothing
(``log_failure_event`` is not overridden). litellm is imported only by :func:`impacts_logger`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .core import NO_USAGE, HookConfig, ImpactCalculator, Usage, attach, deliver, record_of, usage_from

_LOG = logging.getLogger("aifootprint.integrations")


def _ts(t: Any) -> float:
    if isinstance(t, datetime):
        return t.timestamp()
    return float(t) if isinstance(t, int | float) else 0.0


#: LiteLLM ``call_type`` values of text generation (``litellm.types.utils.CallTypes``): the calls the request
#: estimator describes. Other calls (embeddings, images, speech, transcription, rerank…) are left alone: charging an
#: embedding's prompt as a one-token generation would be wrong. A payload without ``call_type`` is read.
GENERATION_CALLS = frozenset({"completion", "acompletion", "text_completion", "atext_completion", "responses",
                              "aresponses", "anthropic_messages", "aanthropic_messages", "generate_content",
                              "agenerate_content", "generate_content_stream", "agenerate_content_stream"})


class ImpactsCallback:
    """The callback logic, independent of litellm's base class (see :func:`impacts_logger`)."""

    def __init__(self, calculator: ImpactCalculator) -> None:
        self.calc = calculator

    def handle(self, kwargs: Mapping[str, Any], response_obj: Any, start_time: Any, end_time: Any) -> Any:
        """Compute, attach and deliver the impacts of one successful call; never raises."""
        try:
            call_type = str(kwargs.get("call_type") or "").rpartition(".")[2]  # a value, or an enum's str()
            if call_type and call_type not in GENERATION_CALLS:  # embeddings, images, speech…: not an LLM request
                return None
            slo = kwargs.get("standard_logging_object") or {}
            usage: Usage | None = usage_from(getattr(response_obj, "usage", None))
            if usage is None and isinstance(slo, Mapping):
                usage = usage_from({"prompt_tokens": slo.get("prompt_tokens"),
                                    "completion_tokens": slo.get("completion_tokens")})
            params = kwargs.get("litellm_params") or {}
            system = str(kwargs.get("custom_llm_provider") or params.get("custom_llm_provider")
                         or (slo.get("custom_llm_provider") if isinstance(slo, Mapping) else None) or "litellm")
            req_model = str(kwargs.get("model") or "")
            model = str(getattr(response_obj, "model", "") or req_model)
            out = NO_USAGE if usage is None else self.calc.impacts(_bare(model), usage)
            attach(response_obj, "impacts", out)
            if self.calc.config.sinks:
                rid = str(getattr(response_obj, "id", "") or kwargs.get("litellm_call_id") or "")
                op = "text_completion" if "text_completion" in call_type else "chat"
                deliver(self.calc.config.sinks, record_of(system, req_model, model, _ts(start_time), _ts(end_time), rid,
                                                          out, usage, op))
            return out
        except Exception as exc:  # a logging callback must never disturb LiteLLM
            _LOG.warning("aifootprint: LiteLLM impacts not computed: %s: %s", type(exc).__name__, exc)
            return None

    def log_success_event(self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any) -> None:
        self.handle(kwargs, response_obj, start_time, end_time)

    async def async_log_success_event(self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any) -> None:
        self.handle(kwargs, response_obj, start_time, end_time)


def _bare(model: str) -> str:
    """``openai/gpt-4o-mini`` -> ``gpt-4o-mini`` (LiteLLM's provider prefix); other names unchanged."""
    head, sep, tail = model.partition("/")
    return tail if sep and head.lower() in _PREFIXES else model


_PREFIXES = {"openai", "anthropic", "azure", "bedrock", "vertex_ai", "gemini", "mistral", "groq", "together_ai",
             "fireworks_ai", "deepinfra", "hosted_vllm", "vllm", "ollama", "ollama_chat", "openrouter", "cohere"}


def impacts_logger(config: HookConfig | None = None, *, calculator: ImpactCalculator | None = None) -> Any:
    """A ``litellm`` ``CustomLogger`` computing impacts for every successful call (imports litellm)."""
    from litellm.integrations.custom_logger import CustomLogger

    calc = calculator or ImpactCalculator(config)

    class AifootprintLogger(ImpactsCallback, CustomLogger):  # type: ignore[misc,unused-ignore]
        def __init__(self) -> None:
            CustomLogger.__init__(self)
            ImpactsCallback.__init__(self, calc)

    return AifootprintLogger()
