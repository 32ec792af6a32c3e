"""Per-call impacts of LLM API calls: token usage in, energy / carbon / water (low, best, high) out.

One :class:`ImpactCalculator` per instrumented client caches a :class:`~aifootprint.estimate.RequestEstimator` per
model name (built once: ~0.3 s for the first model, the registry load) together with its site factors, so that a call
costs one fast-path estimate plus a few multiplications (see ``benchmarks/hook_overhead.py``). The relative ranges at
:data:`REFERENCE_TOKENS` that only ``estimate log``'s totals read are computed when first read (a full result: for a
closed model, a Monte Carlo unit of its own), never by a call.

Tokens
------
- ``input_tokens`` is the whole prompt, cached part included; ``output_tokens`` every generated token, reasoning
  (hidden "thinking") tokens included — as OpenAI's ``completion_tokens`` and Anthropic's ``output_tokens`` count them.
- ``cached_tokens`` (OpenAI ``prompt_tokens_details.cached_tokens``, Anthropic ``cache_read_input_tokens``) are
  prompt tokens whose KV cache was reused: their share of the prefill energy is removed (the cached context is still
  read during decode, which the estimate keeps). Flagged with the notice ``cached-prefill-excluded``.
- ``reasoning_tokens`` are reported with the usage; they cost decode energy like any output token.

Models
------
The name the response reports (else the requested one) is looked up through ``HookConfig.models``, then the registry
(dated API names such as ``gpt-4o-2024-08-06`` resolve to their model). An OpenAI fine-tune,
``ft:<base>:<org>:<suffix>:<id>``, is estimated as its base model (same architecture and serving; ``impacts.model``
names the base). A request the default batch cannot hold is estimated at the batch that fits, flagged
``batch-limited`` as in ``aifootprint estimate request``.

Ranges
------
The best values are the estimator's point estimates (energy; carbon and water of that energy at the site factors'
best values, :func:`~aifootprint.estimate.request_result.point_impacts`). Low and high are those values times the
relative 5th / 95th percentiles of the estimator's full result for the request (model error × parameter range × site
factors): the Monte Carlo unit the full result itself scales
(:meth:`~aifootprint.estimate.request_result.ResultCache.unit_for`; for a closed model, one per rounded
parameter-range factor pair, a few dozen per model). A request the batch cannot hold takes the full result's spread.
So a call gives ``aifootprint estimate request``'s numbers, in a few microseconds (plus ~1 ms the first time a closed
model meets a new factor pair).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from aifootprint.errors import InputError
from aifootprint.notice import Notice

if TYPE_CHECKING:
    from aifootprint.estimate.inference import RequestConfig, RequestEstimator

#: (input, output) tokens of the reference request at which relative ranges are computed once per model, for totals
#: over many requests (``estimate log``; a call takes its own request's): a chat turn of the size Epoch AI 2025
#: assumes for a typical GPT-4o query (500 output tokens) with a 1,000-token prompt (status E).
REFERENCE_TOKENS = (1000, 500)
#: Notices a call takes from the estimator's full result (the same codes and words as ``estimate request``): the
#: request-independent ones (site factors, calibration, the precision served).
SHARED_CODES = frozenset({"estimated-calibration", "estimated-fallback", "fp8-weight-only", "precision-from-name"})
_LOG = logging.getLogger("aifootprint.integrations")


class Span(NamedTuple):
    """low / best / high (5th, 50th, 95th percentile) of one quantity."""

    low: float
    best: float
    high: float

    def to_dict(self) -> dict[str, float]:
        return {"low": self.low, "best": self.best, "high": self.high}


class Usage(NamedTuple):
    """Token usage of one call. ``input_tokens`` includes ``cached_tokens``; ``output_tokens`` includes
    ``reasoning_tokens``. ``estimated``: counts were not reported by the API (e.g. a stream without usage).
    A named tuple (immutable) rather than a frozen dataclass: built on every call, and several times cheaper."""

    input_tokens: int
    output_tokens: int
    reasoning_tokens: int = 0
    cached_tokens: int = 0
    estimated: bool = False

    def to_dict(self) -> dict[str, Any]:
        return self._asdict()


class CallImpacts(NamedTuple):
    """Footprint of one API call (attached to the response as ``response.impacts``); an immutable named tuple
    for the same reason as :class:`Usage`."""

    energy_wh: Span
    carbon_g: Span
    water_l: Span
    boundary: str
    model: str
    provider: str
    zone: str
    usage: Usage
    warnings: tuple[Notice, ...] = ()
    method_version: str = ""
    data_version: str = ""
    #: energy at the IT equipment (best): ``energy_wh`` without the facility overhead (PUE)
    it_energy_wh: float = 0.0
    #: site factors used (best): intensity [g/kWh], PUE (1 unless boundary datacenter), on-site WUE and off-site
    #: EWIF [L/kWh]
    factors: tuple[float, float, float, float] = (0.0, 1.0, 0.0, 0.0)

    def to_dict(self) -> dict[str, Any]:
        return {"method_version": self.method_version, "data_version": self.data_version, "model": self.model,
                "provider": self.provider, "zone": self.zone, "boundary": self.boundary,
                "usage": self.usage.to_dict(), "energy_wh": self.energy_wh.to_dict(),
                "carbon_g": self.carbon_g.to_dict(), "water_l": self.water_l.to_dict(),
                "percentiles": [5, 50, 95], "warnings": [w.to_dict() for w in self.warnings]}


@dataclass(frozen=True, slots=True)
class CallRecord:
    """What sinks (ledger, OpenTelemetry) receive after a successful call."""

    system: str
    request_model: str
    response_model: str
    start_s: float
    end_s: float
    request_id: str
    impacts: CallImpacts
    #: ``gen_ai.operation.name`` of the OpenTelemetry GenAI conventions: ``chat`` (chat completions, Responses,
    #: Anthropic Messages) or ``text_completion`` (OpenAI's legacy completions)
    operation: str = "chat"


@dataclass(frozen=True, slots=True)
class UnestimatedCall:
    """A successful call whose footprint could not be estimated: ``notice`` says why (``unknown-model``,
    ``no-usage``, ``usage-out-of-range``); ``usage`` is None when the response reported none. Given to the sinks
    that define ``record_unestimated``, so that totals can say how many calls they leave out."""

    system: str
    request_model: str
    response_model: str
    start_s: float
    end_s: float
    request_id: str
    notice: Notice
    usage: Usage | None
    operation: str = "chat"


#: The notice of a successful response that reported no token usage (nothing to estimate from).
NO_USAGE = Notice("no-usage", "the response carried no token usage", "usage")


def record_of(system: str, request_model: str, response_model: str, start_s: float, end_s: float, request_id: str,
              out: CallImpacts | Notice, usage: Usage | None, operation: str) -> CallRecord | UnestimatedCall:
    """What the sinks get for one successful call: a :class:`CallRecord` with its impacts, else an
    :class:`UnestimatedCall` with the notice that says why there are none."""
    if isinstance(out, CallImpacts):
        return CallRecord(system, request_model, response_model, start_s, end_s, request_id, out, operation)
    return UnestimatedCall(system, request_model, response_model, start_s, end_s, request_id, out, usage, operation)


class CallSink(Protocol):
    """Receives every successful call (ledger, OpenTelemetry, a user callback). A sink may also define
    ``record_unestimated(call: UnestimatedCall)`` for the calls without an estimate (optional: it is looked up)."""

    def record(self, call: CallRecord) -> None: ...


@dataclass(frozen=True)
class HookConfig:
    """How instrumented clients estimate calls.

    ``hardware``/``batch``/``boundary``/``location``/``operator`` as in
    :class:`~aifootprint.estimate.RequestConfig` (``batch=None``: its default; ``location=None``: the API provider's
    data-centre zone from ``api_providers.csv``, else the world average, flagged). ``models`` maps names an endpoint
    reports (e.g. a vLLM served-model name) to registry keys. ``sinks`` receive each call (:class:`Ledger`,
    :class:`~aifootprint.integrations.otel.OTelSink`, …); a sink that raises is logged and ignored.
    ``hardware="h100"`` is :class:`~aifootprint.estimate.RequestConfig`'s default (cited there).
    """

    hardware: str = "h100"
    batch: int | None = None
    boundary: str = "datacenter"
    location: str | None = None
    operator: str | None = None
    models: Mapping[str, str] = field(default_factory=dict)
    sinks: Sequence[CallSink] = ()


#: energy, carbon, water: low / best, high / best of the estimator's full result
Spans = tuple[float, float, float, float, float, float]


class _Model:
    """One model name's estimator context, built once per calculator (:meth:`ImpactCalculator.model`)."""

    __slots__ = ("_rel", "boundary", "est", "key", "notices", "provider", "results", "zone")

    def __init__(self, est: RequestEstimator, key: str, provider: str, zone: str, boundary: str,
                 notices: tuple[Notice, ...], results: Any) -> None:
        self.est = est
        self.key = key
        self.provider = provider
        self.zone = zone
        self.boundary = boundary
        self.notices = notices
        # the estimator's ResultCache (estimate.request_result): per-request ranges, impacts, and the site's best
        # factors (``results.factors``: intensity g/kWh, PUE, on-site and off-site water L/kWh)
        self.results = results
        self._rel: Spans | None = None

    @property
    def rel(self) -> Spans:
        """Relative ranges of the full result at :data:`REFERENCE_TOKENS` (``estimate log``'s totals), computed on
        first read and kept: a hooked call never needs them (two threads meeting here compute the same spans)."""
        rel = self._rel
        if rel is None:
            rel = self._rel = _result_spans(self.est.result(*REFERENCE_TOKENS))
        return rel


def fields_of(obj: Any) -> Mapping[str, Any]:
    """The fields of a usage object as a mapping: dicts as they are, pydantic models (the SDKs' types) and plain
    objects through their ``__dict__`` plus pydantic extras — much cheaper than ``getattr`` on missing names."""
    if obj is None:
        return {}
    if type(obj) is dict or isinstance(obj, Mapping):
        return obj
    d = getattr(obj, "__dict__", None)
    if d is None:
        return {n: getattr(obj, n) for n in dir(obj) if not n.startswith("_")}
    extra = getattr(obj, "__pydantic_extra__", None)
    return {**d, **extra} if extra else d


def _num(d: Mapping[str, Any], *names: str) -> int:
    """First value of ``d`` among ``names`` that is a finite number (0 when none)."""
    for n in names:
        v = d.get(n)
        if type(v) is int:  # the common case, checked first (this runs on every call)
            return v
        if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v):
            return int(v)
    return 0


def usage_from(usage: Any) -> Usage | None:
    """Normalise a ``usage`` object or dict of OpenAI chat/completions, OpenAI Responses or Anthropic Messages."""
    if usage is None:
        return None
    u = fields_of(usage)
    out_tok = _num(u, "completion_tokens", "output_tokens")
    anthropic_read = _num(u, "cache_read_input_tokens")
    anthropic_write = _num(u, "cache_creation_input_tokens")
    in_tok = _num(u, "prompt_tokens", "input_tokens") + anthropic_read + anthropic_write
    details = fields_of(u.get("prompt_tokens_details") or u.get("input_tokens_details"))
    cached = _num(details, "cached_tokens") + anthropic_read
    odetails = fields_of(u.get("completion_tokens_details") or u.get("output_tokens_details"))
    reasoning = _num(odetails, "reasoning_tokens", "thinking_tokens")
    if in_tok == 0 and out_tok == 0:
        return None
    return Usage(in_tok, out_tok, min(reasoning, out_tok), min(cached, in_tok))


def _deployment(c: HookConfig, registry: Any | None) -> RequestConfig:
    """The request configuration of ``c``, checked once: an unknown ``hardware``, ``boundary``, ``location`` or
    ``operator`` (or a bad ``batch``) is the caller's InputError with the accepted values when the calculator is
    made (``instrument(…)``, ``estimate log``), not an ``unknown-model`` notice on every call."""
    from aifootprint.estimate.inference import RequestConfig
    from aifootprint.impacts import resolve_site
    from aifootprint.reference.hardware import get_accelerator

    get_accelerator(c.hardware, registry)
    kw: dict[str, Any] = {"hardware": c.hardware, "boundary": c.boundary, "location": c.location,
                          "operator": c.operator}
    if c.batch is not None:
        kw["batch"] = c.batch
    config = RequestConfig(**kw)
    if c.location is not None or c.operator is not None:
        resolve_site(c.location, c.operator, None, registry)
    return config


class ImpactCalculator:
    """Per-call impacts with cached estimators (one per model name). Thread-safe for reads: a race builds an
    estimator twice, which is harmless."""

    def __init__(self, config: HookConfig | None = None, registry: Any | None = None, *,
                 estimator: Callable[[str, RequestConfig, Any], RequestEstimator] | None = None) -> None:
        from aifootprint._version import METHOD_VERSION
        from aifootprint.reference.registry import DATA_VERSION

        self.config = config or HookConfig()
        self.registry = registry
        #: builds a model's estimator from (registry key, request config, registry); RequestEstimator unless given
        self._estimator = estimator
        self._request_config = _deployment(self.config, registry)
        self._models: dict[str, _Model | Notice] = {}
        self._versions = (METHOD_VERSION, DATA_VERSION)

    def model(self, name: str) -> _Model | Notice:
        """The cached estimator context for ``name``, or a Notice saying why there is none."""
        hit = self._models.get(name)
        if hit is None:
            hit = self._models[name] = self._build(name)
        return hit

    def _build(self, name: str) -> _Model | Notice:
        from aifootprint.errors import AifootprintError
        from aifootprint.estimate.inference import RequestEstimator
        from aifootprint.estimate.request_result import cache_of
        from aifootprint.reference.models import finetune_base

        c = self.config
        key = c.models.get(name) or finetune_base(name)  # the registry's rule (get_model applies it too)
        try:
            est = (self._estimator or RequestEstimator)(key, self._request_config, self.registry)
            site = est.site()
            # a request of the reference size must be estimable (as before, when its full result was built here):
            # the point estimate raises what the full result would (context window, no batch that fits)
            est.estimate(*REFERENCE_TOKENS)
        except AifootprintError as exc:
            return Notice("unknown-model", f"no estimate for model {name!r}: {exc}", subject=name)
        results = cache_of(est)
        m = est.model
        notices: list[Notice] = []
        if not m.open_weights:
            notices.append(Notice("estimated-parameters", f"{m.key}: parameter count not published; estimated "
                                  "range used", m.key, ";".join(m.sources)))
        if m.provider and c.location is None and c.operator is None:
            notices.append(Notice("provider-site-assumed", f"{m.provider}'s data-centre defaults assumed (zone "
                                  f"{site.zone}, PUE, on-site WUE)", m.provider, "api_providers"))
        # an accelerator scaled by datasheet, estimated site factors and host power: the full result's own notices
        notices += (w for w in results.unit().warnings if isinstance(w, Notice) and w.code in SHARED_CODES)
        return _Model(est, m.key, m.provider or "", site.zone, c.boundary, tuple(notices), results)

    def impacts(self, model_name: str, usage: Usage) -> CallImpacts | Notice:
        """Impacts of one call, or a Notice (unknown model, no tokens) — never an exception for API data."""
        m = self._models.get(model_name) or self.model(model_name)
        if type(m) is Notice:
            return m
        assert isinstance(m, _Model)
        if usage.input_tokens < 0 or usage.output_tokens < 0 or usage.cached_tokens < 0:  # a faulty reply
            return Notice("usage-out-of-range", f"{model_name}: token usage {usage.input_tokens!r} in, "
                          f"{usage.output_tokens!r} out, {usage.cached_tokens!r} cached cannot be estimated: "
                          "negative counts", "usage")
        i = float(usage.input_tokens)
        o = float(max(usage.output_tokens, 1))
        try:
            r = m.est.estimate(i, o)
        except InputError as exc:  # a usage no deployment serves (1e30 tokens from a faulty reply): say so
            return Notice("usage-out-of-range", f"{model_name}: token usage {usage.input_tokens!r} in, "
                          f"{usage.output_tokens!r} out cannot be estimated: {exc}", "usage")
        energy, overhead = r.energy_wh, r.overhead_wh
        notes = m.notices
        limited: Spans | None = None
        try:
            m.est.accelerators_for(i, o)  # sub-µs; raises only when the estimate was made at a lowered batch
        except InputError:  # rare (a context the batch cannot hold): the full result gives the notice and range
            res = m.est.result(i, o)
            notes = (*notes, *(w for w in res.warnings if isinstance(w, Notice) and w.code == "batch-limited"))
            limited = _result_spans(res)
        if usage.cached_tokens > 0 and i > 0:
            active = r.prefill_wh + r.decode_wh + r.host_wh
            scale = energy / active if active > 0 else 1.0
            new = energy - r.prefill_wh * (usage.cached_tokens / i) * scale
            overhead *= new / energy if energy > 0 else 1.0
            energy = new
            notes = (*notes, Notice("cached-prefill-excluded", f"{usage.cached_tokens} cached prompt tokens: their "
                                    "prefill compute excluded", "cached_tokens"))
        if usage.estimated:
            notes = (*notes, Notice("usage-estimated", "the API reported no final token usage (a stream without "
                                    "usage asked for, or closed before it came): output tokens counted from streamed "
                                    "chunks, prompt tokens as reported at the start, else unknown (0)", "usage"))
        rc = m.results
        carbon, water = rc.point_impacts(energy, overhead)
        q = limited or rc.unit_for(i, o, r.energy_wh).spans
        return CallImpacts(Span(energy * q[0], energy, energy * q[1]), Span(carbon * q[2], carbon, carbon * q[3]),
                           Span(water * q[4], water, water * q[5]), m.boundary, m.key, m.provider, m.zone, usage,
                           notes, *self._versions, energy - overhead, rc.factors)


def _result_spans(res: Any) -> Spans:
    """low / best and high / best of energy, carbon and water in an estimator's full result."""
    ref = res.to_dict()
    out: list[float] = []
    for qty in ("energy_wh", "carbon_g", "water_l"):
        v = ref[qty]
        mid = v["best"]
        out += [v["low"] / mid, v["high"] / mid] if mid > 0 else [1.0, 1.0]
    return (out[0], out[1], out[2], out[3], out[4], out[5])


def deliver(sinks: Sequence[CallSink], record: CallRecord | UnestimatedCall) -> None:
    """Give ``record`` to every sink (an :class:`UnestimatedCall` only to the sinks with ``record_unestimated``); a
    failing sink is logged, never raised to the caller."""
    for sink in sinks:
        try:
            if type(record) is CallRecord:
                sink.record(record)
            else:
                fn = getattr(sink, "record_unestimated", None)
                if fn is not None:
                    fn(record)
        except Exception as exc:  # a ledger or exporter must never break the caller's API call
            _LOG.warning("aifootprint: sink %s failed: %s: %s", type(sink).__name__, type(exc).__name__, exc)


def attach(obj: Any, name: str, value: Any) -> None:
    """Set ``obj.<name>`` on SDK objects (pydantic models with extra='allow', plain objects); ignore failures."""
    extra = getattr(obj, "__pydantic_extra__", None)
    if type(extra) is dict:  # pydantic model allowing extras (the OpenAI and Anthropic types): the cheap way
        extra[name] = value
        return
    try:
        setattr(obj, name, value)
    except Exception:
        try:
            object.__setattr__(obj, name, value)
        except Exception:
            _LOG.debug("aifootprint: cannot attach %s to %s", name, type(obj).__name__)

