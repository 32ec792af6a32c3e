"""The full per-request result (energy range, carbon, water, embodied carbon, assumptions, warnings) in microseconds.

Everything uncertain in a request result except the point energy is fixed for one estimator: the model-error band
(:func:`.inference.band_factor`, from the calibration's out-of-sample quantiles), the parameter-range factor of a closed
model (its low/high ratio, rounded to 3 digits), the site's PUE, grid intensity and water factors, the hardware
lifetime. And every impact is linear in the point energy (carbon = energy × intensity; water = IT energy × (WUE + PUE ×
EWIF); embodied ∝ accelerator-seconds). So the Monte Carlo runs **once per estimator and parameter range**, on one
Wh of active energy and one accelerator-second (:class:`Unit`), and each request scales those draws by its own point
values — the same distribution the per-call Monte Carlo gave, at the cost of four vector scalings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aifootprint.notice import Notice

if TYPE_CHECKING:
    from aifootprint.result import Assumption, Result

    from .inference import RequestEstimator


#: Subject of the ``estimated-*`` notices: the same subject a legacy "estimated: …" message parses to
#: (:func:`aifootprint.notice.to_notice`), so report code that routes on it treats both alike.
ESTIMATED = "estimated"


@dataclass(frozen=True)
class Unit:
    """Monte Carlo draws for 1 Wh of active energy and 1 accelerator-second, with the static parts of the result."""

    energy_wh: Any
    carbon_g: Any
    water_l: Any
    embodied_g: Any
    assumptions: tuple[Assumption, ...]
    warnings: tuple[str | Notice, ...]
    #: published per-request figures shown beside this estimator's results
    figure_rows: list[Any]
    #: the request-independent part of ``inputs``
    inputs: dict[str, Any]


def scaled(unit: Any, k: float) -> Any:
    """``unit × k`` for k > 0: an :class:`~aifootprint.uncertainty.Uncertain` whose 5/50/95 % quantiles are the unit's
    times ``k`` (exact for k > 0) and whose draws are multiplied only if something combines it further."""
    from aifootprint.uncertainty import Uncertain

    if unit is None:
        return None
    if not isinstance(unit, Uncertain) or unit.is_point or not k > 0:
        return unit * k
    return _scaled_class()(unit, k)


def _scaled_class() -> Any:
    """The lazily scaled Uncertain subclass (defined on first use: no numpy import at module import)."""
    global _SCALED
    if _SCALED is None:
        from aifootprint.uncertainty import Uncertain

        class Scaled(Uncertain):
            """``unit × k``: quantiles known, draws multiplied on first use (arithmetic, ``samples()``)."""

            def __init__(self, unit: Any, k: float) -> None:
                d = self.__dict__  # frozen dataclass: fill the instance dict directly
                lo, mid, hi = unit._quantiles
                d["_point"], d["spec"] = None, unit.spec
                d["_unit"], d["_k"], d["_quantiles"] = unit, k, (lo * k, mid * k, hi * k)

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

        _SCALED = Scaled
    return _SCALED


_SCALED: Any = None


def build_unit(est: RequestEstimator, prange: tuple[float, float] | None) -> Unit:
    """The per-estimator Monte Carlo (see the module docstring)."""
    from aifootprint.impacts import SiteOverrides, assess
    from aifootprint.uncertainty import Uncertain

    from . import boundary as bd
    from .inference import _param_assumptions, band_factor
    from .published_requests import figures_for

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
    warnings.extend(emb_warnings)
    if est._provider_note:
        warnings.append(est._provider_note)
    share = bd.server_share(est.registry)
    if est.config.boundary != "accelerator" and share.estimated:
        warnings.append(f"host_power_w_per_accelerator: estimated fallback {est._host_w:g} W ({share.source})")
    assumptions = (*_param_assumptions(m, prange), *est._assumptions(), *emb_assumptions, *impacts.assumptions())
    inputs = {
        "model": m.key, "hardware": est.cal.accelerator, "accelerators": None, "batch": est.config.batch,
        "input_tokens": None, "output_tokens": None, "precision": est.precision, "engine": est.engine.name,
        "boundary": est.config.boundary, "location": site.location, "zone": site.zone, "operator": site.operator,
        "provider": m.provider,
    }
    return Unit(impacts.facility_energy_kwh * 1000.0, impacts.carbon_g, impacts.water_l, emb, assumptions,
                (*warnings, *impacts.warnings()), figures_for(est), inputs)


def unit_for(est: RequestEstimator, prange: tuple[float, float] | None = None) -> Unit:
    """The estimator's :class:`Unit` for a parameter-range factor (built on first use, then kept)."""
    unit = est._units.get(prange)
    if unit is None:
        unit = est._units[prange] = build_unit(est, prange)
    return unit


def band_ratios(est: RequestEstimator) -> tuple[float, float]:
    """(5 %, 95 %) ÷ median of the energy at this estimator's boundary: multiply a point energy to get its range
    (model error, site factors; the parameter range of closed models is not included)."""
    lo, mid, hi = unit_for(est).energy_wh._quantiles
    return lo / mid, hi / mid


#: Parameter-range factors kept per estimator (keyed by token counts to 2 significant digits) before the oldest go.
PRANGE_CACHE_SIZE = 1024


def prange_key(input_tokens: float, output_tokens: float) -> tuple[float, float]:
    """The size bucket of a request for the parameter-range factor: token counts to 2 significant digits."""
    return float(f"{input_tokens:.2g}"), float(f"{output_tokens:.2g}")


def param_range(est: RequestEstimator, input_tokens: float, output_tokens: float, best_wh: float
                ) -> tuple[float, float] | None:
    """Closed models: (energy at the low, at the high parameter counts) ÷ best, rounded to 3 digits, or None when the
    range is empty. The ratio varies slowly with the request, so it is kept per estimator for token counts rounded
    to 2 significant digits (the first request of each size computes it at its exact tokens)."""
    key = ("prange", *prange_key(input_tokens, output_tokens))
    cache = est._units
    if key in cache:
        return cache[key]  # type: ignore[no-any-return]
    m = est.model
    lo = est._estimate(est._costs_at(m.low), input_tokens, output_tokens).energy_wh
    hi = est._estimate(est._costs_at(m.high), input_tokens, output_tokens).energy_wh
    lo, hi = min(lo, best_wh), max(hi, best_wh)
    out = (float(f"{lo / best_wh:.3g}"), float(f"{hi / best_wh:.3g}")) if hi > lo else None
    if len(cache) > PRANGE_CACHE_SIZE:
        cache.pop(next(k for k in cache if isinstance(k, tuple) and k[0] == "prange"))
    cache[key] = out
    return out


def request_result(est: RequestEstimator, input_tokens: float, output_tokens: float) -> Result:
    """:meth:`.inference.RequestEstimator.result`."""
    from aifootprint.result import Result

    from .published_requests import compare_published

    best = est.estimate(input_tokens, output_tokens)
    m = est.model
    prange = param_range(est, input_tokens, output_tokens, best.energy_wh) if m.is_range else None
    unit = unit_for(est, prange)
    active = best.prefill_wh + best.decode_wh + best.host_wh
    energy = scaled(unit.energy_wh, active)
    values: dict[str, Any] = {
        "energy_wh": energy,
        "breakdown_wh": best.breakdown_wh(),
        "latency_s": best.latency_s,
        "accelerators": best.accelerators,
        "carbon_g": scaled(unit.carbon_g, active),
        "water_l": scaled(unit.water_l, active),
        "embodied_carbon_g": scaled(unit.embodied_g, best.accelerator_time_s),
    }
    warnings: tuple[str | Notice, ...] = unit.warnings
    tight = est.fit_notice(input_tokens, output_tokens) if est.config.accelerators is not None else None
    if tight is not None:
        warnings = (tight, *warnings)
    if unit.figure_rows:
        figures, fig_warnings = compare_published(est, input_tokens, output_tokens, energy.low, energy.high,
                                                  unit.figure_rows)
        values["published_figures"] = figures
        warnings = (*warnings, *fig_warnings)
    inputs = unit.inputs.copy()
    inputs["accelerators"], inputs["input_tokens"], inputs["output_tokens"] = (best.accelerators, input_tokens,
                                                                             output_tokens)
    return Result("estimate-request", inputs, values, unit.assumptions, warnings)
