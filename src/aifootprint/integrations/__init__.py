"""Integrations: LLM client hooks (OpenAI, Anthropic, LiteLLM), a ledger of calls, OpenTelemetry metrics.

Nothing is imported until used; import the submodule you need:
``aifootprint.integrations.openai.instrument``, ``.anthropic.instrument``, ``.litellm.impacts_logger``,
``.core`` (HookConfig, ImpactCalculator, CallImpacts), ``.ledger.Ledger``, ``.otel`` (OTelSink, TrackerMetrics).
"""
