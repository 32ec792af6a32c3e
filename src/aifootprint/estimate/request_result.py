"""The full per-request result (energy range, carbon, water, embodied carbon, assumptions, warnings) in microseconds.

Everything uncertain in a request result except the point energy is fixed for one estimator: the model-error band
(:func:`.request_assumptions.band_factor`, from the calibration's out-of-sample quantiles), the parameter-range factor
of a closed model (its low/high ratio, rounded to 3 digits), the site's PUE, grid intensity and water factors, the
hardware lifetime. And every impact is linear in the point energy (carbon = energy × intensity; water = IT energy ×
(WUE + PUE × EWIF); embodied ∝ accelerator-seconds). So the Monte Carlo runs **once per estimator and parameter
range**, on one Wh of active energy and one accelerator-second (:class:`Unit`), and each request scales those draws
by its own point values — the same distribution the per-call Monte Carlo gave, at the cost of four vector scalings.
The scale puts the median of the energy at the point estimate (:func:`unit_scale`): ``best`` is the physics
estimate, and the range is the Monte Carlo's 5 % and 95 % quantiles relative to its median.

What does not depend on the request is kept by the estimator in one :class:`ResultCache`, built on its first result:
the :class:`Unit` per parameter-range factor, the parameter-range factor per request-size bucket, and the published
figures with their fixed text (:class:`.published_requests.FigureSet`). A call then costs the point estimate, four
scalings and a few small dictionaries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aifootprint.notice import ESTIMATED, Notice
from aifootprint.result import Result
from aifootprint.uncertainty import Uncertain

from .published_requests import FigureSet

if TYPE_CHECKING:
    from aifootprint.result import Assumption

    from .inference import RequestEstimator




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


def scaled(unit: Any, k: float) -> Any:
    """``unit × k`` for k > 0: an :class:`~aifootprint.uncertainty.Uncertain` whose 5/50/95 % quantiles are the unit's
    times ``k`` (exact for k > 0) and whose draws are multiplied only if something combines it further."""
    if unit is None:
        return None
    if not isinstance(unit, Uncertain) or unit.is_point or not k > 0:
        return unit * k
    return Scaled(unit, k)


class Scaled(Uncertain):
    """``unit × k``: quantiles known, draws multiplied on first use (arithmetic, ``samples()``)."""

    def __init__(self, unit: Uncertain, k: float) -> None:
        lo, mid, hi = unit._quantiles
        # frozen dataclass: fill the instance dict directly
        self.__dict__.update(_point=None, spec=unit.spec, _unit=unit, _k=k, _quantiles=(lo * k, mid * k, hi * k))

    @property
    def _samples(self) -> Any:
        d = self.__dict__
        if "_draws" not in d:
            arr = d["_unit"].samples() * d["_k"]
            arr.setflags(write=False)
            d["_draws"] = arr
        return d["_draws"]

    @property
    def is_point(self) -> bool:
        return False


def build_unit(est: RequestEstimator, prange: tuple[float, float] | None) -> Unit:
    """The per-estimator Monte Carlo (see the module docstring)."""
    from aifootprint.impacts import SiteOverrides, assess

    from . import boundary as bd
    from .request_assumptions import band_factor, param_assumptions, request_assumptions

    m = est.model
    factor: Any = 1.0
    if prange is not None:
        factor = Uncertain.triangular(prange[0], 1.0, prange[1], label=f"params:{m.key}")
    active = band_factor(est.cal) * factor  # 1 Wh of active energy, uncertain
    site = est.site()
    if est.config.boundary == "datacenter":
        impacts = assess(active * (1.0 + bd.IDLE_FRACTION) / 1000.0, site)
    else:
        impacts = assess(active / 1000.0, site.with_overrides(SiteOverrides(pue=1.0)))
    emb, emb_assumptions, emb_warnings = est._embodied_unit()
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
            "profile-engine-bias", f"calibration profile with engine {est.engine.name}: the profile's copy power is "
            "put above the vLLM serving floor, which over-predicted CUDA-graph decode power on an H200 by 19-63 % "
            "(docs/validation_h200.md, section 1); prefer the shipped terms for this engine until that is fixed",
            est.engine.name, est.cal.source))
    warnings.extend(emb_warnings)
    if est._provider_note:
        warnings.append(Notice("provider-site-assumed", est._provider_note, "location", m.provider or ""))
    share = bd.server_share(est.registry)
    if est.config.boundary != "accelerator" and share.estimated:
        warnings.append(Notice("estimated-fallback", f"host_power_w_per_accelerator: estimated fallback "
                               f"{est._host_w:g} W ({share.source})", "host_power_w_per_accelerator", share.source))
    assumptions = (*param_assumptions(m, prange), *request_assumptions(est), *emb_assumptions, *impacts.assumptions())
    inputs = {
        "model": m.key, "hardware": est.cal.accelerator, "accelerators": None, "batch": est.config.batch,
        "input_tokens": None, "output_tokens": None, "precision": est.precision, "engine": est.engine.name,
        "boundary": est.config.boundary, "location": site.location, "zone": site.zone, "operator": site.operator,
        "provider": m.provider,
    }
    return Unit(impacts.facility_energy_kwh * 1000.0, impacts.carbon_g, impacts.water_l, emb, assumptions,
                (*warnings, *impacts.warnings()), inputs)


#: Units kept per estimator (one per parameter-range factor: closed models get a few) before the oldest go.
UNIT_CACHE_SIZE = 32
#: Parameter-range factors kept per estimator (keyed by token counts to 2 significant digits) before the oldest go.
PRANGE_CACHE_SIZE = 1024


def prange_key(input_tokens: float, output_tokens: float) -> tuple[float, float]:
    """The size bucket of a request for the parameter-range factor: token counts to 2 significant digits."""
    return float(f"{input_tokens:.2g}"), float(f"{output_tokens:.2g}")


class ResultCache:
    """The request-independent parts of one estimator's results (module docstring), built on first use and kept by
    the estimator; :meth:`result` is :meth:`.inference.RequestEstimator.result`."""

    __slots__ = ("est", "figures", "fixed", "is_range", "ranges", "units")

    def __init__(self, est: RequestEstimator) -> None:
        self.est = est
        self.is_range = est.model.is_range
        self.fixed = est.config.accelerators is not None
        self.units: dict[tuple[float, float] | None, Unit] = {}
        self.ranges: dict[tuple[float, float], tuple[float, float] | None] = {}
        self.figures = FigureSet(est)

    def unit(self, prange: tuple[float, float] | None = None) -> Unit:
        """The :class:`Unit` for a parameter-range factor (built on first use, then kept)."""
        unit = self.units.get(prange)
        if unit is None:
            if len(self.units) >= UNIT_CACHE_SIZE:
                self.units.pop(next(iter(self.units)))
            unit = self.units[prange] = build_unit(self.est, prange)
        return unit

    def param_range(self, input_tokens: float, output_tokens: float, best_wh: float) -> tuple[float, float] | None:
        """Closed models: (energy at the low, at the high parameter counts) ÷ best, rounded to 3 digits, or None when
        the range is empty. The ratio varies slowly with the request, so it is kept for token counts rounded to 2
        significant digits (:func:`prange_key`; the first request of each size computes it at its exact tokens)."""
        key = prange_key(input_tokens, output_tokens)
        if key in self.ranges:
            return self.ranges[key]
        est = self.est
        m = est.model
        lo = est._variant(m.low).estimate(input_tokens, output_tokens).energy_wh
        hi = est._variant(m.high).estimate(input_tokens, output_tokens).energy_wh
        lo, hi = min(lo, best_wh), max(hi, best_wh)
        out = (float(f"{lo / best_wh:.3g}"), float(f"{hi / best_wh:.3g}")) if hi > lo else None
        if len(self.ranges) >= PRANGE_CACHE_SIZE:
            self.ranges.pop(next(iter(self.ranges)))
        self.ranges[key] = out
        return out

    def result(self, input_tokens: float, output_tokens: float) -> Result:
        """The full result of one request (module docstring)."""
        est = self.est
        best = est.estimate(input_tokens, output_tokens)
        prange = self.param_range(input_tokens, output_tokens, best.energy_wh) if self.is_range else None
        unit = self.units.get(prange)
        if unit is None:
            unit = self.unit(prange)
        k = unit_scale(unit, best.energy_wh, best.prefill_wh + best.decode_wh + best.host_wh)
        energy = scaled(unit.energy_wh, k)
        values: dict[str, Any] = {
            "energy_wh": energy,
            "breakdown_wh": best.breakdown_wh(),
            "latency_s": best.latency_s,
            "accelerators": best.accelerators,
            "carbon_g": scaled(unit.carbon_g, k),
            "water_l": scaled(unit.water_l, k),
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
    keep their ratios to the median; carbon and water are scaled by the same factor (the same draws)."""
    mid = unit.energy_wh.best if isinstance(unit.energy_wh, Uncertain) else float(unit.energy_wh)
    return median_to_point(mid, point_wh, active_wh)


def median_to_point(median: float, point: float, fallback: float = 1.0) -> float:
    """The factor that moves a set of draws' median onto the point estimate (``fallback`` when either is 0): one rule
    for request results (:func:`unit_scale`) and task results."""
    return point / median if median > 0 and point > 0 else fallback


def cache_of(est: RequestEstimator) -> ResultCache:
    """The estimator's :class:`ResultCache` (built on first use)."""
    cache = est._results
    if cache is None:
        cache = est._results = ResultCache(est)
    return cache


def band_ratios(est: RequestEstimator) -> tuple[float, float]:
    """(5 %, 95 %) ÷ median of the energy at this estimator's boundary: multiply a point energy to get its range
    (model error, site factors; the parameter range of closed models is not included)."""
    lo, mid, hi = cache_of(est).unit().energy_wh._quantiles
    return lo / mid, hi / mid
