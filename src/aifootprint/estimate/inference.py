"""Energy of one LLM request: prefill and decode on a calibrated roofline, then the boundary and the impacts core.

Use :class:`RequestEstimator`: construct it once for a model, accelerator and configuration, then call
:meth:`~RequestEstimator.estimate` (point values, no allocation beyond one small dataclass; the fast path) or
:meth:`~RequestEstimator.result` (uncertainty, carbon, water, embodied; the JSON output contract) per request.

Equations: :mod:`.physics` (step time and energy, the one implementation), :mod:`.engines` (serving-engine
profiles), :mod:`.boundary` (host, idle, overhead). Accelerator count and lower-batch serving: the base class in
:mod:`.request_sizing` (``context_error`` still imports from here). One-shot calls and the estimators they keep:
:mod:`.estimators` (``estimate_request`` and ``estimator_for`` still import from here). Method and validation:
``docs/methodology/inference.md`` and ``docs/validation.md``.
"""

from __future__ import annotations

from collections import namedtuple

from aifootprint.errors import InputError

from .._lazy import lazy_getattr
from .request_sizing import COUNT_CACHE_SIZE as COUNT_CACHE_SIZE
from .request_sizing import TOO_LARGE_CACHE_SIZE as TOO_LARGE_CACHE_SIZE
from .request_sizing import RequestSizing
from .request_sizing import context_error as context_error

TYPE_CHECKING = False  # typing is not imported at run time (import time, issue 12)
if TYPE_CHECKING:
    from typing import Any, NamedTuple

    from aifootprint.impacts import Site
    from aifootprint.notice import Notice
    from aifootprint.reference.registry import Registry
    from aifootprint.result import Result

    from .arch import Architecture
    from .calibration import Calibration
    from .config import RequestConfig as RequestConfig
    from .estimators import ESTIMATOR_CACHE_SIZE as ESTIMATOR_CACHE_SIZE
    from .estimators import estimate_request as estimate_request
    from .estimators import estimator_for as estimator_for
    from .models import ResolvedModel
    from .physics import RequestConstants
    from .request_result import ResultCache
    from .sizing import MAX_ACCELERATORS as MAX_ACCELERATORS
    from .sizing import MEMORY_UTILIZATION as MEMORY_UTILIZATION
    from .sizing import accelerators_needed as accelerators_needed
    from .sizing import memory_needed_bytes as memory_needed_bytes

#: Default concurrent sequences per server: EcoLogits' serving assumption (ECO, P). ML.ENERGY's reference point
#: (Llama-3.1-8B, 1×H100, 0.12 J/token) is also at batch 64 (MLE). Real deployments may run smaller batches
#: (mlco2/ecologits#237 reports 4–16), which raises energy per token: pass ``batch``.
DEFAULT_BATCH = 64
_WH_PER_J = 1.0 / 3600.0
#: the types of a request size that :meth:`RequestEstimator.result` keeps when served at a lower batch
_NUMBERS = frozenset((int, float))
#: the upper bound of a token count: any finite number (infinity would size the request on NaN accelerators)
_INF = float("inf")

#: Names defined in other modules and still importable from here (loaded on first use, PEP 562): this module imports
#: only ``aifootprint.errors`` (no dataclasses, no numpy), the physics loads with the first estimator.
_ELSEWHERE = {"RequestConfig": "config", "MEMORY_UTILIZATION": "sizing", "MAX_ACCELERATORS": "sizing",
              "memory_needed_bytes": "sizing", "accelerators_needed": "sizing", "estimate_request": "estimators",
              "estimator_for": "estimators", "ESTIMATOR_CACHE_SIZE": "estimators"}


__getattr__ = lazy_getattr(__name__, _ELSEWHERE, base=__package__)


#: Fields of :class:`RequestEstimate`, in order.
ESTIMATE_FIELDS = ("energy_wh", "prefill_wh", "decode_wh", "host_wh", "idle_wh", "overhead_wh", "latency_s",
                   "accelerators", "accelerator_time_s")

if TYPE_CHECKING:
    class _EstimateTuple(NamedTuple):  # what mypy sees; at run time the same named tuple, built without typing
        energy_wh: float
        prefill_wh: float
        decode_wh: float
        host_wh: float
        idle_wh: float
        overhead_wh: float
        latency_s: float
        accelerators: int
        accelerator_time_s: float
else:
    _EstimateTuple = namedtuple("_EstimateTuple", ESTIMATE_FIELDS)


_new_tuple = tuple.__new__


class RequestEstimate(_EstimateTuple):
    """Point estimate for one request (best values). Energies in Wh, at the configured boundary; ``latency_s`` the
    time to first token plus the decode time; ``accelerators`` the accelerators serving it; ``accelerator_time_s``
    the accelerator-seconds of the whole group attributed to this request (for embodied allocation).

    A named tuple rather than a frozen dataclass: it is built once per call on the fast path, and a tuple is several
    times cheaper to construct.
    """

    __slots__ = ()

    def breakdown_wh(self) -> dict[str, float]:
        """``breakdown_wh`` of the output contract."""
        return {"prefill": self.prefill_wh, "decode": self.decode_wh, "host": self.host_wh, "idle": self.idle_wh,
                "overhead": self.overhead_wh}


class RequestEstimator(RequestSizing):
    """Per-request energy estimator for one model served on one accelerator type.

    Example::

        est = RequestEstimator("llama-3.1-70b", RequestConfig(hardware="h100", batch=32))
        est.estimate(input_tokens=500, output_tokens=300).energy_wh
    """

    __slots__ = (
        "_accelerators_needed",
        "_batch",
        "_batch_f",
        "_batch_source",
        "_contested",
        "_context_max",
        "_counts",
        "_datacenter",
        "_fit",
        "_fixed_n",
        "_host_w",
        "_idle_fraction",
        "_kv_group",
        "_limited",
        "_lowered_from",
        "_memory_needed_bytes",
        "_notices",
        "_physics_costs",
        "_plans",
        "_profile",
        "_provider_note",
        "_pue_excess",
        "_request_constants",
        "_request_energy",
        "_results",
        "_root",
        "_site",
        "_sizes",
        "_sizing",
        "_too_large",
        "_variants",
        "cal",
        "config",
        "costs",
        "device",
        "engine",
        "model",
        "precision",
        "registry",
    )

    def __init__(self, model: str | Architecture | ResolvedModel, config: RequestConfig | None = None,
                 registry: Registry | None = None, site: Site | None = None) -> None:
        """``site`` fixes the data-centre site (e.g. one site shared by a comparison); by default it is resolved from
        the config (see :meth:`site`)."""
        # the physics loads with the first estimator, not with this module (import time, issue 12)
        from . import boundary as bd
        from . import sizing
        from .arch import token_costs
        from .config import RequestConfig
        from .engines import engine_calibration, engine_costs, engine_profile
        from .models import ResolvedModel, native_precision, resolve
        from .physics import request_constants, request_energy
        from .sizing import FitBounds, context_limits, kv_group, memory_needed_bytes

        self.config = config if config is not None else RequestConfig()
        self.registry = registry
        self.model = model if isinstance(model, ResolvedModel) else resolve(model, registry)
        self._notices: list[Notice] = []
        self._profile: Any = None
        self._results: ResultCache | None = None
        self._variants: dict[Architecture | tuple[str, int], RequestEstimator] = {}
        self.cal = engine_calibration(self.config.engine, self._calibration(), registry)
        self.precision = self.config.precision or self._name_precision() or native_precision(self.model, registry)
        self.costs = engine_costs(token_costs(self.model.best, self.precision), self.config.engine)
        self.device = self.cal.device(self.costs.compute_dtype)
        if self.costs.compute_dtype == "fp8" and not self.cal.peak_fp8_flops:
            from aifootprint.notice import ESTIMATED, Notice

            self._notices.append(Notice(
                "fp8-weight-only", f"fp8 on {self.cal.name}: no FP8 tensor cores; modelled as weight-only FP8 (weights "
                "read in 8 bits, matmuls at the bf16 rate), as vLLM's FP8 Marlin kernels run on such GPUs", ESTIMATED,
                "docs.vllm.ai, FP8 W8A8: Turing/Ampere run FP8 models as weight-only W8A16 (FP8 Marlin)"))
        self.engine = engine_profile(self.config.engine, self.cal)
        self._fixed_n = self.config.accelerators
        heads = self.model.best.heads
        if self._fixed_n is not None and heads and heads % self._fixed_n:  # vLLM: heads divisible by the TP size
            from .bounds import MAX_ACCELERATORS

            fits = [n for n in range(1, min(heads, MAX_ACCELERATORS) + 1) if heads % n == 0]
            raise InputError(f"--accelerators {self._fixed_n}: tensor parallelism splits {self.model.key}'s {heads} "
                             f"attention heads evenly; accepted: {', '.join(map(str, fits))}")
        self._batch = self.config.batch
        self._batch_f = float(self.config.batch)
        self._batch_source = ""  # set on an estimator whose batch sizing lowered (at_batch)
        self._lowered_from: RequestEstimator | None = None  # and the estimator it was lowered from
        #: (input, output) → the lower-batch estimator that served it and its notice batch-limited (result)
        self._limited: dict[tuple[float, float], tuple[RequestEstimator, Notice]] = {}
        self._root: RequestEstimator | None = None  # a _variant copy's estimator (its lowered batches are that one's)
        self._too_large: dict[float, InputError] = {}  # contexts no count holds at this batch (sizing.BatchTooLarge)
        self._counts: dict[float, int] = {}  # context → count outside the limits (shared with the _variant copies)
        #: sizing.cheaper_batch's memo, for requests whose count is wider than the KV heads (decided on the best
        #: token costs; shared with the _variant copies)
        self._contested: dict[Any, Any] = {}
        self._host_w = bd.server_share(registry).host_power_w if self.config.boundary != "accelerator" else 0.0
        self._site: Site | None = site
        self._provider_note = ""
        self._pue_excess = 0.0  # PUE − 1 of the site at the datacenter boundary
        self._idle_fraction = bd.IDLE_FRACTION
        # functions of the per-request path, bound here so that this module need not import their modules
        self._request_constants = request_constants
        self._request_energy = request_energy
        #: sizing.fits per (batch, count) kept as context bounds: the searches past the precomputed limits take it
        #: (shared with the _variant and lowered-batch copies: the same memory)
        self._fit = FitBounds(self.costs, self.cal)
        self._accelerators_needed = self._fit.accelerators_needed  # sizing.accelerators_needed, on those bounds
        self._memory_needed_bytes = memory_needed_bytes
        self._sizing = sizing  # cheaper_batch and limited_notice, on the per-request path without an import there
        self._kv_group = kv_group(self.costs)
        # the token costs the physics runs on (a closed model's low/high variant: _variant), and everything of the
        # physics that depends only on them and the accelerator count, per count (physics.request_constants)
        self._physics_costs = self.costs
        self._plans: dict[int, RequestConstants] = {}
        #: (fits, too_big, n, constants, contested): the contexts that need n accelerators without evaluating the
        #: memory (sizing.context_limits; a forced count: those that fit its physical memory), with the physics of
        #: n, and whether a lower batch may cost less there (sizing.cheaper_batch: _contest)
        self._sizes = tuple((fits, too_big, n, self._plan(n), contested) for fits, too_big, n, contested
                            in context_limits(self.costs, self.cal, self._batch, self._fixed_n))
        self._context_max = float(self.model.context_length or _INF)
        self._datacenter = self.config.boundary == "datacenter"
        if self._datacenter:
            pue = self.site().pue.value
            self._pue_excess = float(getattr(pue, "best", pue)) - 1.0

    # -- configuration -------------------------------------------------------------------------------------------
    def _name_precision(self) -> str | None:
        """The precision a quantised build's name states (``ResolvedModel.name_precision``), with the notice
        ``precision-from-name``; None when the name states none or ``--precision`` was given (it wins)."""
        stated = self.model.name_precision
        if stated is None or self.config.precision is not None:
            return None
        from aifootprint.notice import Notice

        precision, tag = stated
        self._notices.append(Notice(
            "precision-from-name", f"{self.model.key} served in {precision}: the model name's tag {tag!r} states a "
            f"quantised build (weights of the same size in bytes; the quantisation's own kernels and accuracy are not "
            f"modelled)", "precision", "docs/data/hardware_models.md, model names as providers spell them"))
        return precision

    def _calibration(self) -> Calibration:
        """The shipped calibration of the configured accelerator, with the user's measured profile applied when
        ``config.calibration`` names one (``aifootprint calibrate``; refused when measured on another accelerator)."""
        from .calibration import apply_profile, load_calibration

        cal = load_calibration(self.config.hardware, self.registry)
        if self.config.calibration is None:
            return cal
        from aifootprint.calibrate.config import select_profile

        self._profile = select_profile(cal.accelerator, self.config.calibration, registry=self.registry)
        return cal if self._profile is None else apply_profile(cal, self._profile)

    def site(self) -> Site:
        """Data-centre site (grid, PUE, WUE): the user's location/operator, else the API provider's defaults for
        closed models (``api_providers.csv``: zone, PUE with its range, on-site WUE), else the world average with the
        industry-average PUE (flagged by the impacts core)."""
        if self._site is None:
            self._site = self._resolve_site()
        return self._site

    def _resolve_site(self) -> Site:
        from .deployments import provider_site

        site, self._provider_note = provider_site(self.model.provider, self.config.location, self.config.operator,
                                                  self.registry)
        return site

    # -- fast path -----------------------------------------------------------------------------------------------
    def estimate(self, input_tokens: float, output_tokens: float) -> RequestEstimate:
        """Point estimate for one request (best parameter count, no uncertainty). A few µs."""
        if not (0 <= input_tokens < _INF and 1 <= output_tokens < _INF):  # also rejects NaN
            raise InputError(f"tokens must be finite, input ≥ 0 and output ≥ 1, got input {input_tokens!r}, "
                             f"output {output_tokens!r}")
        try:
            n, plan = self._sized(input_tokens, output_tokens)
        except InputError as exc:  # sizing.BatchTooLarge: the context holds fewer sequences; as a serving engine, at
            lower = self._at_batch(exc)  # the batch that fits (kept per context)
            exc.__traceback__ = None  # kept by the sizing memos: not with this call's frames (and all they hold)
            return lower.estimate(input_tokens, output_tokens)
        o = float(output_tokens)
        acc_j, dec_j, t_step, latency = self._request_energy(plan, float(input_tokens), o)  # physics.request_energy
        if dec_j > acc_j:
            dec_j = acc_j
        t_share = t_step * o / self._batch_f
        k = _WH_PER_J
        pre, dec, host = (acc_j - dec_j) * k, dec_j * k, self._host_w * n * t_share * k
        energy = pre + dec + host
        if self._datacenter:  # inlined boundary.split (same equations, same order; tests check they agree)
            idle = self._idle_fraction * energy
            energy = energy + idle
            overhead = self._pue_excess * energy
            energy = energy + overhead
        else:
            idle = overhead = 0.0
        # tuple.__new__ directly: the named tuple's own __new__ is a Python function (one more call per request)
        return _new_tuple(RequestEstimate, (energy, pre, dec, host, idle, overhead, latency, n, n * t_share))

    def _plan(self, n: int) -> RequestConstants:
        """:func:`.physics.request_constants` of the physics' token costs on ``n`` accelerators (kept per count)."""
        plan = self._plans.get(n)
        if plan is None:
            plan = self._plans[n] = self._request_constants(self._physics_costs, self.device, self.engine, float(n),
                                                            self._batch_f)
        return plan

    def _variant(self, arch: Architecture) -> RequestEstimator:
        """This estimator with the token costs of a variant architecture (a closed model's low/high parameter
        counts) in the physics, and everything else — accelerator sizing, engine, boundary, site — the same; kept."""
        v = self._variants.get(arch)
        if v is None:
            from copy import copy

            from .arch import token_costs
            from .engines import engine_costs

            v = copy(self)
            v._physics_costs = engine_costs(token_costs(arch, self.precision), self.config.engine)
            v._plans, v._variants, v._results, v._too_large, v._limited = {}, {}, None, {}, {}
            v._root = self
            v._sizes = tuple((fits, too_big, n, v._plan(n), contested) for fits, too_big, n, _, contested
                             in self._sizes)
            self._variants[arch] = v
        return v

    # -- full result ---------------------------------------------------------------------------------------------
    def result(self, input_tokens: float, output_tokens: float) -> Result:
        """The JSON output contract for one request: energy (low/best/high), breakdown, latency, carbon, water,
        embodied carbon, assumptions with sources and warnings (:mod:`.request_result`: everything that does not
        depend on the request — the Monte Carlo, assumptions, warnings, published figures — is built once per
        estimator, on the first call, and each call scales it)."""
        cache = self._results
        if cache is None:
            from .request_result import ResultCache

            cache = self._results = ResultCache(self)
        kept = self._limited  # sizes served at a lower batch before (of ints or floats)
        limited = (kept.get((input_tokens, output_tokens)) if kept and type(input_tokens) in _NUMBERS
                   and type(output_tokens) in _NUMBERS else None)
        if limited is None:
            try:
                self._sized(input_tokens, output_tokens)  # precomputed limits: µs
            except InputError as exc:
                lower = self._at_batch(exc)
                exc.__traceback__ = None  # kept by the sizing memos: not with this call's frames (and all they hold)
                limited = (lower, self._sizing.limited_notice(exc, self.config.batch, input_tokens + output_tokens,
                                                              self.cal.name, lower.config.batch))
                if type(input_tokens) in _NUMBERS and type(output_tokens) in _NUMBERS:
                    if len(kept) >= LIMITED_CACHE_SIZE:
                        kept.clear()
                    kept[(input_tokens, output_tokens)] = limited
            else:
                return cache.result(input_tokens, output_tokens)
        res = limited[0].result(input_tokens, output_tokens)
        out = object.__new__(type(res))  # dataclasses.replace without its field-by-field __init__ (per request)
        out.__dict__.update(res.__dict__, warnings=(limited[1], *res.warnings))
        return out

    def _at_batch(self, exc: InputError) -> RequestEstimator:
        """The estimator at the lower batch that ``exc`` (a :class:`.sizing.BatchTooLarge`) names; raises ``exc`` when
        it is another error, names no batch, or the accelerator count is forced (the user's count is not changed
        behind their back)."""
        batch = getattr(exc, "batch", None)
        if batch is None or self._fixed_n is not None:
            raise exc
        return self.at_batch(int(batch))

    def at_batch(self, batch: int) -> RequestEstimator:
        """The same estimator at a batch lowered to fit the KV cache (kept; its ``batch`` assumption says so). A
        :meth:`_variant` copy, which gives point estimates only, takes that of the estimator that the one it copies
        was first lowered from (the same model, configuration but the batch, and site: the same point estimates)."""
        top = self._root
        if top is not None:
            while top._lowered_from is not None:
                top = top._lowered_from
            return top.at_batch(batch)
        key = ("batch", batch)
        v = self._variants.get(key)
        if v is None:
            from dataclasses import replace

            v = RequestEstimator(self.model, replace(self.config, batch=batch), self.registry, site=self.site())
            v._provider_note = self._provider_note  # the site is the parent's, and so is its notice
            v._batch_source = (f"lowered from {self.config.batch}: the KV cache did not fit, or only on a wider, "
                               "costlier group (notice batch-limited; vLLM scheduler, KV-cache blocks)")
            v._lowered_from = self  # its Monte Carlo is this one's (request_result.ResultCache)
            if v.costs == self.costs and v.cal == self.cal:  # the same memory: the same fits bounds, kept once
                v._fit.share(self._fit)
            self._variants[key] = v
        return v


#: Request sizes an estimator remembers as served at a lower batch, with their notice (:meth:`RequestEstimator.result`:
#: the sizing and the notice's text not done again; emptied when full). A cache size, not a physical figure.
LIMITED_CACHE_SIZE = 4096


def with_config(est: RequestEstimator, **changes: Any) -> RequestEstimator:
    """A new estimator for the same model with some configuration fields changed."""
    from dataclasses import replace

    return RequestEstimator(est.model, replace(est.config, **changes), est.registry)
