"""The full per-request result (energy range, carbon, water, embodied carbon, assumptions, warnings) in microseconds.

Everything uncertain in a request result except the point energy is fixed for one estimator: the model-error band
(:func:`.request_assumptions.band_factor`, from the calibration's out-of-sample quantiles), the site's PUE, grid
intensity and water factors, the hardware lifetime — and, for a closed model, the parameter-range factor (energy at
the low / high parameter counts ÷ best), which depends on the request only through two point estimates. And every
impact is linear in the point energy (carbon = energy × intensity; water = IT energy × (WUE + PUE × EWIF); embodied ∝
accelerator-seconds). So the Monte Carlo runs **once per estimator and parameter-range factor pair**, on one Wh of
active energy and one accelerator-second (:class:`Unit`), and each request scales those draws by its own point values
— the same distribution the per-call Monte Carlo gave, at the cost of a few vector scalings. ``best`` is the point
estimate of each quantity: the physics energy, and carbon and water of that energy at the site factors' best values
(:func:`point_impacts`, the one implementation the client hooks and the batch API use too); the range is the Monte
Carlo's 5 % and 95 % quantiles relative to its median, times that best.

A closed model's parameter-range factors are computed for each request (two point estimates, at its low and high
parameter counts) and rounded to :data:`FACTOR_STEP` before its :class:`Unit` is looked up: over varied request sizes
that is a few dozen Monte Carlo units per model (27 for gpt-4o-mini over 5,000 random sizes) instead of one per
3-digit factor (766), and the result of a request does not depend on which requests came before it.

What does not depend on the request is kept by the estimator in one :class:`ResultCache`, built on its first result:
the :class:`Unit` per rounded factor pair, the published figures with their fixed text
(:class:`.published_requests.FigureSet`), the site factors' best values. A call then costs the point estimate (three
for a closed model), a few scalings and a few small dictionaries. The cache may be shared by threads (a server, a
client hook): lookups take no lock; building and evicting a unit take the cache's lock.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from aifootprint.impacts.core import li2023_water_l
from aifootprint.notice import ESTIMATED, Notice
from aifootprint.result import Result
from aifootprint.uncertainty import PERCENTILES, Uncertain, best, percentiles

from .published_requests import FigureSet

if TYPE_CHECKING:
    from aifootprint.impacts.site import Site
    from aifootprint.result import Assumption

    from .inference import RequestEstimator

#: energy, carbon, water: 5 % ÷ median and 95 % ÷ median of a :class:`Unit`'s draws
Spans = tuple[float, float, float, float, float, float]
#: best values of the site factors: grid intensity [gCO2e/kWh], PUE (1 unless boundary datacenter), on-site WUE and
#: off-site EWIF [L/kWh]
Factors = tuple[float, float, float, float]

#: Relative step (5 %) to which a closed model's parameter-range factors are rounded (in log space) before their
#: Monte Carlo unit is looked up. Each distinct factor pair costs one Monte Carlo (~1 ms); at 3 digits a mix of
#: request sizes gives hundreds (766 over 5,000 random gpt-4o-mini sizes), at 5 % a few dozen (27). Finer steps do
#: not bring the ranges closer to the unrounded ones: their differences (≤ 2.5 % over random sizes) are the Monte
#: Carlo's own noise between neighbouring factors (1 % steps: 233 pairs, ≤ 2.0 %). Measured for the client hooks
#: (commit 03a95cb), whose mechanism this is.
FACTOR_STEP = 0.05
_LOG_STEP = math.log1p(FACTOR_STEP)
#: Units kept per estimator (one per rounded parameter-range factor pair) before the oldest go: above the few dozen
#: pairs a closed model meets over varied sizes; each holds its quantiles, and its three products' 20,000 draws
#: (480 kB) only once something asks for them (:class:`Product`).
UNIT_CACHE_SIZE = 64
#: Request sizes whose rounded factor pair a closed model keeps (two point estimates saved per repeated size); the
#: whole dictionary is dropped when full (one atomic ``clear``: no eviction for threads to collide in).
FACTOR_KEY_CACHE_SIZE = 4096


@dataclass(frozen=True)
class Unit:
    """Monte Carlo draws for 1 Wh of active energy and 1 accelerator-second, with the static parts of the result."""

    energy_wh: Any
    carbon_g: Any
    water_l: Any
    embodied_g: Any
    assumptions: tuple[Assumption, ...]
    warnings: tuple[str | Notice, ...]
    #: the request-independent part of ``inputs``
    inputs: dict[str, Any]
    #: medians of energy, carbon and water
    medians: tuple[float, float, float]
    #: 5 % and 95 % quantiles ÷ median of energy, carbon and water (what a result's range is relative to its best)
    spans: Spans


def scaled(unit: Any, k: float) -> Any:
    """``unit × k`` for k > 0: an :class:`~aifootprint.uncertainty.Uncertain` whose 5/50/95 % quantiles are the unit's
    times ``k`` (exact for k > 0) and whose draws are multiplied only if something combines it further."""
    if unit is None:
        return None
    if not isinstance(unit, Uncertain) or unit.is_point or not k > 0:
        return unit * k
    return Scaled(unit, k)


class _LazyDraws(Uncertain):
    """An :class:`~aifootprint.uncertainty.Uncertain` whose quantiles are known and whose draws are computed by
    :meth:`_draw` on first use (arithmetic, ``samples()``), then kept read-only."""

    def _draw(self) -> Any:
        raise NotImplementedError

    @property
    def _samples(self) -> Any:
        d = self.__dict__
        if "_draws" not in d:
            arr = self._draw()
            arr.setflags(write=False)
            d["_draws"] = arr
        return d["_draws"]

    @property
    def is_point(self) -> bool:
        return False


class Scaled(_LazyDraws):
    """``unit × k``: quantiles known, draws multiplied on first use (arithmetic, ``samples()``)."""

    def __init__(self, unit: Uncertain, k: float) -> None:
        lo, mid, hi = unit._quantiles
        # frozen dataclass: fill the instance dict directly
        self.__dict__.update(_point=None, spec=unit.spec, _unit=unit, _k=k, _quantiles=(lo * k, mid * k, hi * k))

    def _draw(self) -> Any:
        return self.__dict__["_unit"].samples() * self.__dict__["_k"]


def product(base: Any, factor: Uncertain, remake: Callable[[], Uncertain]) -> Any:
    """``base × factor``, as ``Uncertain`` arithmetic gives it (same draws, same quantiles, a point when every draw is
    equal), for two sampled quantities with as many draws; the product's draws are not kept (:class:`Product`).
    ``remake`` draws ``factor`` again (its draws are seeded by its parameters: the same ones)."""
    if not (isinstance(base, Uncertain) and not base.is_point and not factor.is_point
            and base.samples().shape == factor.samples().shape):
        return base * factor
    import numpy as np

    with np.errstate(divide="ignore", invalid="ignore"):  # as Uncertain arithmetic
        draws = base.samples() * factor.samples()
    lo, mid, hi = percentiles(draws, PERCENTILES)
    if lo == hi and bool(np.all(draws == draws[0])):  # as Uncertain.from_samples: a constant is a point
        return Uncertain.point(float(draws[0]))
    return Product(base, remake, (lo, mid, hi), f"({base.spec} * {factor.spec})")


class Product(_LazyDraws):
    """``base × factor`` whose quantiles are known and whose draws are multiplied again on first use (arithmetic,
    ``samples()``). A closed model's :class:`Unit` holds three: keeping their draws (and the factor's) put 4 × 160 kB
    of fresh memory in each unit, whose first touch (page faults) cost 0.4-0.7 ms more per unit than the Monte Carlo
    that does not keep them (120 unit builds in a row, 2-CPU VM)."""

    def __init__(self, base: Uncertain, remake: Callable[[], Uncertain], quantiles: tuple[float, float, float],
                 spec: str) -> None:
        # frozen dataclass: fill the instance dict directly
        self.__dict__.update(_point=None, spec=spec, _base=base, _remake=remake, _quantiles=quantiles)

    def _draw(self) -> Any:
        import numpy as np

        d = self.__dict__
        with np.errstate(divide="ignore", invalid="ignore"):
            return d["_base"].samples() * d["_remake"]().samples()


def point_factors(est: RequestEstimator) -> Factors:
    """Best values of the estimator's site factors (:data:`Factors`): PUE is 1 below the datacenter boundary, as in
    the full result's Monte Carlo."""
    return site_point_factors(est.site(), est.config.boundary)


def site_point_factors(site: Site, boundary: str) -> Factors:
    """Best values of a site's factors at a boundary (:func:`point_factors`; task results use it directly)."""
    pue = float(best(site.pue_value)) if boundary == "datacenter" else 1.0
    return (float(best(site.intensity_g_per_kwh)), pue, float(best(site.wue_l_per_kwh)),
            float(best(site.ewif_l_per_kwh)))


def point_impacts(factors: Factors, energy_wh: Any, overhead_wh: Any) -> tuple[Any, Any]:
    """Best carbon [g] and water [L] of a point energy at the boundary (facility energy at ``datacenter``) whose PUE
    overhead is ``overhead_wh``: the equations of :func:`aifootprint.impacts.assess` on the site factors' best values
    (carbon = energy × intensity; water on the IT energy, Li et al. 2023). Floats or numpy arrays: the one
    implementation of request results, the batch API and the client hooks."""
    intensity, pue, wue, ewif = factors
    it_kwh = (energy_wh - overhead_wh) / 1000.0
    return energy_wh / 1000.0 * intensity, li2023_water_l(it_kwh, pue, wue, ewif)


@dataclass(frozen=True)
class _Static:
    """What every :class:`Unit` of one estimator shares (built once: the embodied source lookup alone is ~5 ms), and
    the impacts of 1 Wh of active energy without a parameter range (model error and site factors: the open models'
    unit; a closed model's units multiply its draws by the parameter-range factor's, as every impact is linear in the
    active energy)."""

    energy_wh: Any
    carbon_g: Any
    water_l: Any
    site_assumptions: tuple[Assumption, ...]
    site_warnings: tuple[str | Notice, ...]
    embodied_g: Any
    embodied_assumptions: tuple[Assumption, ...]
    embodied_warnings: tuple[str | Notice, ...]
    request_assumptions: tuple[Assumption, ...]
    warnings: tuple[str | Notice, ...]
    inputs: dict[str, Any]


def _static(est: RequestEstimator, shared: _Static | None = None) -> _Static:
    """The estimator's :class:`_Static`. ``shared``: that of the estimator ``est`` was lowered from to fit the KV
    cache (:meth:`.inference.RequestEstimator.at_batch`: the same model, accelerator, site and boundary, so the same
    draws), whose Monte Carlo and embodied carbon are taken instead of drawn again (~3 ms); the assumptions, warnings
    and inputs of ``est``'s own batch are built."""
    from dataclasses import replace

    from aifootprint.impacts import assess

    from . import boundary as bd
    from .request_assumptions import band_factor, request_assumptions

    m = est.model
    site = est.site()
    if shared is None:
        emb, assumed, warned = _embodied_unit(est)
        emb_assumptions, emb_warnings = tuple(assumed), tuple(warned)
    else:
        emb, emb_assumptions, emb_warnings = shared.embodied_g, shared.embodied_assumptions, shared.embodied_warnings
    warnings: list[str | Notice] = list(est._notices)
    if not m.open_weights:
        warnings.append(Notice("estimated-parameters", "estimated: parameter count not published", ESTIMATED,
                               ";".join(m.sources)))
    elif m.best.estimated:
        warnings.append(Notice("estimated-shape", "estimated: architecture shape not published; default shape used",
                               ESTIMATED, ";".join(m.sources)))
    if est.cal.estimated:
        warnings.append(Notice(
            "estimated-calibration", f"estimated: {est.cal.name} has no serving measurements; scaled by datasheet from "
            f"the {est.cal.scaled_from.upper()} calibration, band widened to the measured cross-GPU error",
            ESTIMATED, est.cal.source))
    if est.engine.name != "vllm":
        warnings.append(Notice(
            "engine-unvalidated", f"engine {est.engine.name}: host terms are an assumption ({est.engine.source}); the "
            "band is the vLLM one, measured out of sample", est.engine.name, est.engine.source))
    if est.cal.method == "profile" and est.engine.name != "vllm":
        warnings.append(Notice(
            "profile-engine-bias", f"calibration profile with engine {est.engine.name}: power is the profile's "
            "straight line from idle, which under-predicted GPU-bound prefill and decode power on one H200 by "
            "2-16 % (median 9 %; docs/validation_h200.md, sections 1 and 5: two workloads, one model family)",
            est.engine.name, est.cal.source))
    warnings.extend(emb_warnings)
    if est._provider_note:
        warnings.append(Notice("provider-site-assumed", est._provider_note, "location", m.provider or ""))
    share = bd.server_share(est.registry)
    if est.config.boundary != "accelerator" and share.estimated:
        warnings.append(Notice("estimated-fallback", f"host_power_w_per_accelerator: estimated fallback "
                               f"{est._host_w:g} W ({share.source})", "host_power_w_per_accelerator", share.source))
    inputs = {
        "model": m.key, "hardware": est.cal.accelerator, "accelerators": None, "batch": est.config.batch,
        "input_tokens": None, "output_tokens": None, "precision": est.precision, "engine": est.engine.name,
        "boundary": est.config.boundary, "location": site.location, "zone": site.zone, "operator": site.operator,
        "provider": m.provider,
    }
    if shared is not None:
        return replace(shared, request_assumptions=tuple(request_assumptions(est)), warnings=tuple(warnings),
                       inputs=inputs)
    active = band_factor(est.cal)  # 1 Wh of active energy, uncertain (model error)
    if est.config.boundary == "datacenter":
        impacts = assess(active * (1.0 + bd.IDLE_FRACTION) / 1000.0, site)
    else:  # PUE 1 below the data-centre boundary
        impacts = assess(active / 1000.0, bd.site_at(site, est.config.boundary))
    return _Static(impacts.facility_energy_kwh * 1000.0, impacts.carbon_g, impacts.water_l,
                   tuple(impacts.assumptions()), tuple(impacts.warnings()), emb, emb_assumptions, emb_warnings,
                   tuple(request_assumptions(est)), tuple(warnings), inputs)


def _embodied_unit(est: RequestEstimator) -> tuple[Any, list[Assumption], list[str | Notice]]:
    """Embodied carbon of one accelerator-second (scaled per request), with the accelerator's hardware sources (the
    calibration's when the hardware registry has no row for it)."""
    from aifootprint.errors import AifootprintError
    from aifootprint.reference.hardware import get_accelerator

    from .embodied import embodied_carbon

    cal = est.cal
    try:
        source = ";".join(get_accelerator(cal.accelerator, est.registry).sources) or cal.source
    except AifootprintError:  # a calibration row without a hardware row keeps the calibration's source
        source = cal.source
    return embodied_carbon(cal.embodied_carbon_kg, cal.name, source, 1.0, est.config.boundary != "accelerator",
                           est.registry)


def build_unit(est: RequestEstimator, prange: tuple[float, float] | None, static: _Static | None = None,
               same: Unit | None = None) -> Unit:
    """The Monte Carlo of one estimator and parameter-range factor pair (see the module docstring and
    :class:`_Static`). ``same``: the unit of this pair of an estimator with the same draws (``static`` shared with
    it, :func:`_static`), whose products are taken instead of drawn again."""
    from .request_assumptions import param_assumptions

    st = static or _static(est)
    m = est.model
    energy, carbon, water = st.energy_wh, st.carbon_g, st.water_l
    if same is not None:
        energy, carbon, water = same.energy_wh, same.carbon_g, same.water_l
    elif prange is not None:
        remake = partial(Uncertain.triangular, prange[0], 1.0, prange[1], label=f"params:{m.key}")
        factor = remake()
        energy, carbon, water = (product(q, factor, remake) for q in (energy, carbon, water))
    assumptions = (*param_assumptions(m, prange), *st.request_assumptions, *st.embodied_assumptions,
                   *st.site_assumptions)
    medians: list[float] = []
    spans: list[float] = []
    for q in (energy, carbon, water):
        lo, mid, hi = q._quantiles if isinstance(q, Uncertain) else (float(q),) * 3
        medians.append(mid)
        spans += [lo / mid, hi / mid] if mid > 0 else [1.0, 1.0]
    return Unit(energy, carbon, water, st.embodied_g, assumptions, (*st.warnings, *st.site_warnings), st.inputs,
                (medians[0], medians[1], medians[2]), (spans[0], spans[1], spans[2], spans[3], spans[4], spans[5]))


def factor_range(key: tuple[int, int] | None) -> tuple[float, float] | None:
    """The parameter-range factors (low, high) of a rounded key (:meth:`ResultCache.factor_key`)."""
    if key is None:
        return None
    return math.exp(key[0] * _LOG_STEP), math.exp(key[1] * _LOG_STEP)


class ResultCache:
    """The request-independent parts of one estimator's results (module docstring), built on first use and kept by
    the estimator; :meth:`result` is :meth:`.inference.RequestEstimator.result`. Safe to share between threads.
    The cache of an estimator lowered to fit the KV cache (:meth:`.inference.RequestEstimator.at_batch`) takes its
    parent's draws (:func:`_static`, :func:`build_unit`)."""

    __slots__ = ("_keys", "_lock", "_parent", "_static", "_variants", "est", "factors", "family", "figures",
                 "fixed", "is_range", "max_units", "units")

    def __init__(self, est: RequestEstimator) -> None:
        self.est = est
        self.is_range = est.model.is_range
        self.fixed = est.config.accelerators is not None
        self.units: dict[tuple[int, int] | None, Unit] = {}
        #: units kept before the oldest go (:data:`UNIT_CACHE_SIZE`; a test lowers it to evict all the time)
        self.max_units = UNIT_CACHE_SIZE
        self.figures = FigureSet(est)
        self.factors = point_factors(est)
        self._static: _Static | None = None
        self._keys: dict[tuple[float, float], tuple[tuple[int, int] | None]] = {}
        #: a closed model's estimators at its low and high parameter counts (looked up once: the registry's
        #: architecture, a frozen dataclass, hashes all its fields on every lookup)
        self._variants: tuple[RequestEstimator, RequestEstimator] | None = None
        #: the cache of the estimator this one was lowered from to fit the KV cache, whose draws it shares
        self._parent = None if est._lowered_from is None else cache_of(est._lowered_from)
        #: the first unit built per factor pair by this estimator or any lowered from the same one (the same draws:
        #: :func:`_static` shares them, and the parameter-range factor's are seeded by its parameters), whose
        #: products a unit of that pair takes instead of drawing them again; shared down the lowered-batch copies
        self.family: dict[tuple[int, int] | None, Unit] = {} if self._parent is None else self._parent.family
        if self._parent is not None:  # the sentences under a publisher's stated assumptions depend only on the
            self.figures.stated = self._parent.figures.stated  # model and registry (_under_stated): the parent's
        self._lock = threading.Lock()

    def static(self) -> _Static:
        """The estimator's :class:`_Static`, built on first use (sharing its parent's draws, :func:`_static`)."""
        st = self._static
        if st is None:
            shared = None if self._parent is None else self._parent.static()  # before this cache's lock: no cycle
            with self._lock:
                if self._static is None:
                    self._static = _static(self.est, shared)
                st = self._static
        return st

    def unit(self, key: tuple[int, int] | None = None) -> Unit:
        """The :class:`Unit` of a rounded parameter-range factor pair (None: no range), built on first use and kept
        (at most :attr:`max_units`, the oldest go first). Lookups take no lock; a miss builds under the lock,
        so each unit is built once and an eviction never meets another."""
        unit = self.units.get(key)
        if unit is not None:
            return unit
        static = self.static()
        family = self.family
        same = family.get(key)  # the draws of this pair, as this estimator's family first built them
        with self._lock:
            unit = self.units.get(key)
            if unit is None:
                unit = build_unit(self.est, factor_range(key), static, same)
                while self.units and len(self.units) >= self.max_units:
                    del self.units[next(iter(self.units))]
                self.units[key] = unit
                if same is None:
                    try:
                        while family and len(family) >= self.max_units:
                            del family[next(iter(family))]
                    except (KeyError, RuntimeError):  # another family member's lock evicted meanwhile: no matter
                        pass
                    family[key] = unit
        return unit

    def factor_key(self, input_tokens: float, output_tokens: float, best_wh: float) -> tuple[int, int] | None:
        """A closed model's parameter-range factors for this request — (energy at the low, at the high parameter
        counts) ÷ best — as multiples of :data:`FACTOR_STEP` in log space; None when the range is empty. Two point
        estimates, computed for every request (no state: the same request always gets the same key)."""
        variants = self._variants
        if variants is None:
            est = self.est
            variants = self._variants = (est._variant(est.model.low), est._variant(est.model.high))
        lo = variants[0].estimate(input_tokens, output_tokens).energy_wh
        hi = variants[1].estimate(input_tokens, output_tokens).energy_wh
        lo, hi = min(lo, best_wh), max(hi, best_wh)
        if not (hi > lo and best_wh > 0):
            return None
        key = (round(math.log(lo / best_wh) / _LOG_STEP), round(math.log(hi / best_wh) / _LOG_STEP))
        return None if key == (0, 0) else key

    def point_impacts(self, energy_wh: float, overhead_wh: float) -> tuple[float, float]:
        """Best carbon [g] and water [L] of a point energy at this estimator's site (:func:`point_impacts`)."""
        return point_impacts(self.factors, energy_wh, overhead_wh)

    def unit_for(self, input_tokens: float, output_tokens: float, best_wh: float) -> Unit:
        """The :class:`Unit` of a request whose point energy is ``best_wh`` (a closed model's factor pair kept per
        exact size: the same pair :meth:`factor_key` gives)."""
        if not self.is_range:
            return self.unit()
        size = (input_tokens, output_tokens)
        keys = self._keys
        hit = keys.get(size)  # (key,): a key may be None
        if hit is None:
            hit = (self.factor_key(input_tokens, output_tokens, best_wh),)
            if len(keys) >= FACTOR_KEY_CACHE_SIZE:
                keys.clear()
            keys[size] = hit
        return self.unit(hit[0])

    def result(self, input_tokens: float, output_tokens: float) -> Result:
        """The full result of one request (module docstring)."""
        est = self.est
        best = est.estimate(input_tokens, output_tokens)
        e = best.energy_wh
        unit = self.unit_for(input_tokens, output_tokens, e)
        k = unit_scale(unit, e, best.prefill_wh + best.decode_wh + best.host_wh)
        carbon, water = point_impacts(self.factors, e, best.overhead_wh)
        energy = scaled(unit.energy_wh, k)
        values: dict[str, Any] = {
            "energy_wh": energy,
            "breakdown_wh": best.breakdown_wh(),
            "latency_s": best.latency_s,
            "accelerators": best.accelerators,
            "carbon_g": scaled(unit.carbon_g, median_to_point(unit.medians[1], carbon, k)),
            "water_l": scaled(unit.water_l, median_to_point(unit.medians[2], water, k)),
            "embodied_carbon_g": scaled(unit.embodied_g, best.accelerator_time_s),
        }
        warnings: tuple[str | Notice, ...] = unit.warnings
        if self.fixed:
            tight = est.fit_notice(input_tokens, output_tokens)
            if tight is not None:
                warnings = (tight, *warnings)
        if self.figures.items:
            figures, fig_warnings = self.figures.compare(input_tokens, best.accelerators, energy.low, energy.high)
            values["published_figures"] = figures
            warnings = (*warnings, *fig_warnings)
        inputs = unit.inputs.copy()
        inputs["accelerators"], inputs["input_tokens"], inputs["output_tokens"] = (best.accelerators, input_tokens,
                                                                                 output_tokens)
        return Result.of("estimate-request", inputs, values, unit.assumptions, warnings)


def unit_scale(unit: Unit, point_wh: float, active_wh: float) -> float:
    """The factor that turns the unit's draws (per Wh of active energy) into this request's: the one that puts the
    median of the energy at the point estimate, so that ``energy_wh.best`` is the physics estimate the scalar path,
    the batch API and the client hooks give, and ``breakdown_wh`` sums to it. (Scaling by the active energy alone put
    the median of the product of the model-error, parameter-range and site draws there instead: 0.2 % above the
    point for open models, up to 7 % for closed models, whose parameter range is asymmetric.) The 5 % and 95 % bounds
    keep their ratios to the median; carbon and water are scaled likewise onto their own point values
    (:func:`point_impacts`)."""
    return median_to_point(unit.medians[0], point_wh, active_wh)


def median_to_point(median: float, point: float, fallback: float = 1.0) -> float:
    """The factor that moves a set of draws' median onto the point estimate (``fallback`` when either is 0): one rule
    for request results (:func:`unit_scale`) and task results."""
    return point / median if median > 0 and point > 0 else fallback


def cache_of(est: RequestEstimator) -> ResultCache:
    """The estimator's :class:`ResultCache` (built on first use; two threads meeting here may each build one, and
    one is kept: both give the same results)."""
    cache = est._results
    if cache is None:
        cache = est._results = ResultCache(est)
    return cache


def band_ratios(est: RequestEstimator) -> tuple[float, float]:
    """(5 %, 95 %) ÷ median of the energy at this estimator's boundary: multiply a point energy to get its range
    (model error, site factors; the parameter range of closed models is not included)."""
    spans = cache_of(est).unit().spans
    return spans[0], spans[1]
