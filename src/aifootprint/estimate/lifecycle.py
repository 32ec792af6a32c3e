"""Life cycle of a model: training once, then inference every day of a deployment; the break-even day.

    requests(d)            = R₀ × (1 + g)^(d / 365)                    d = 0 … days − 1, g = annual growth
    inference_kwh(t)       = Σ_{d < t} requests(d) × energy per request  (t = days elapsed; 0 at t = 0)
    break-even             = the t (days elapsed, interpolated within the day) at which inference_kwh(t) reaches
                             the training energy; with constant traffic: training ÷ inference per day

Both sides are at the data-centre boundary (facility energy, PUE included) so they add up. The training side is the
model's published run at this project's data-centre boundary (with the publisher's PUE where one is known; see
:mod:`.published`). Carbon and water go through the impacts core for the same site.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from aifootprint.errors import InputError

from .inference import RequestConfig, RequestEstimator
from .training import TrainingSpec, estimate_training

if TYPE_CHECKING:
    from aifootprint.reference.registry import Registry
    from aifootprint.result import Result

#: TrainingSpec fields that give the run itself (a published run already does).
_RUN_WAYS = ("accelerator_hours", "accelerators", "duration_days", "params_b", "tokens_b", "flops")
#: Points kept in the JSON time series (the full daily series is available from :func:`cumulative_kwh`).
SERIES_POINTS = 120


@dataclass(frozen=True, slots=True)
class Deployment:
    """Traffic of a deployment: requests per day on day 0, tokens per request, length and annual growth."""

    requests_per_day: float
    input_tokens: float
    output_tokens: float
    days: int = 365
    growth_per_year: float = 0.0

    def __post_init__(self) -> None:
        if not self.requests_per_day >= 0:
            raise InputError(f"requests per day must be ≥ 0, got {self.requests_per_day!r}")
        if not (self.input_tokens >= 0 and self.output_tokens >= 1):
            raise InputError(f"tokens must be input ≥ 0 and output ≥ 1, got {self.input_tokens}, {self.output_tokens}")
        if not 1 <= self.days <= 36_500:
            raise InputError(f"days must be between 1 and 36,500, got {self.days}")
        if not self.growth_per_year > -1:
            raise InputError(f"growth per year must be > -1 (−100 %), got {self.growth_per_year}")

    def requests(self) -> NDArray[np.float64]:
        """Requests on each day."""
        d = np.arange(self.days, dtype=np.float64)
        return self.requests_per_day * np.power(1.0 + self.growth_per_year, d / 365.0)


def cumulative_kwh(deployment: Deployment, request_wh: float) -> NDArray[np.float64]:
    """Cumulative inference energy [kWh] at the end of each day (index d = end of day d = d + 1 days elapsed)."""
    return np.cumsum(deployment.requests()) * request_wh / 1000.0


def break_even_day(training_kwh: float, cumulative: NDArray[np.float64]) -> float | None:
    """Days elapsed until cumulative inference energy reaches the training energy, interpolated within the day
    (traffic is spread evenly over each day); None if never. Constant traffic: training ÷ inference per day."""
    hit = np.flatnonzero(cumulative >= training_kwh)
    if not hit.size:
        return None
    d = int(hit[0])
    before = float(cumulative[d - 1]) if d > 0 else 0.0
    today = float(cumulative[d]) - before
    return d + (training_kwh - before) / today if today > 0 else float(d)


def training_spec_for(model: str, registry: Registry | None = None, **overrides: Any) -> TrainingSpec:
    """A :class:`TrainingSpec` from the registry's published run of ``model`` (``training_runs.csv``), with the
    publisher's method (``boundary="published"``: the row's power, PUE and grid intensity; see :mod:`.published`).

    ``overrides`` (None = not given) may change where and how it ran (hardware, power, location, operator, PUE,
    boundary); giving the run a second way (accelerator-hours, accelerators × days, parameters × tokens, FLOPs) raises
    InputError."""
    from aifootprint.reference.registry import default_registry

    from .published import published_run

    table = (registry or default_registry()).table("training_runs")
    rows = [r for r in table.rows if str(r.get("model", "")).lower() == model.lower() and r.get("hardware")]
    given = {k: v for k, v in overrides.items() if v is not None}
    for r in rows:
        hours, count, days = r.get("accelerator_hours"), r.get("accelerator_count"), r.get("duration_days")
        power = r.get("power_w_per_accelerator")
        kw: dict[str, Any] = {"hardware": str(r["hardware"]), "model": str(r.get("model") or model),
                              "boundary": "published"}
        run_src = f"training_runs: {kw['model']} ({r.get('source')})"
        if isinstance(hours, int | float):
            kw["accelerator_hours"] = float(hours)
        elif isinstance(count, int) and isinstance(days, int | float):
            kw["accelerators"], kw["duration_days"] = count, float(days)
            hours = count * float(days) * 24.0
        else:
            continue
        if isinstance(power, int | float):
            kw["power_w_per_accelerator"], kw["power_source"] = float(power), run_src
        conflict = sorted(k for k in _RUN_WAYS if k in given)
        if conflict:
            raise InputError(f"the published run of {kw['model']} already gives the accelerator-hours; drop "
                             + ", ".join(conflict) + " or leave out the model's run")
        if "power_w_per_accelerator" in given:
            kw["power_source"] = "user input"
        it_kwh = float(hours) * float(power) / 1000.0 if isinstance(power, int | float) else None
        kw["published"] = published_run(r, it_kwh, registry)
        kw.update(given)
        return TrainingSpec(**kw)
    raise InputError(
        f"no published training run with accelerator-hours for {model!r} in the registry; give the training run "
        "(--training-gpu-hours and --training-hardware, or --training-params and --training-tokens)"
    )


def estimate_lifecycle(model: str, deployment: Deployment, training: TrainingSpec | None = None,
                       config: RequestConfig | None = None, registry: Registry | None = None) -> Result:
    """Training + deployment footprint over time, with the break-even day (output contract).

    Carbon and water add the training run's (at its own site) to the deployment's (at the inference site); the
    training side's assumptions and warnings are kept, prefixed ``training:``."""
    from aifootprint.result import Assumption, Result
    from aifootprint.uncertainty import Uncertain

    cfg = config or RequestConfig(boundary="datacenter")
    est = RequestEstimator(model, cfg, registry)
    spec = training or training_spec_for(est.model.key, registry, location=cfg.location, operator=cfg.operator,
                                         boundary="datacenter")
    tr_res = estimate_training(spec, registry)
    tr = tr_res.values
    train_kwh = Uncertain.from_any(tr["energy_kwh"])
    req = est.result(deployment.input_tokens, deployment.output_tokens)
    req_wh = Uncertain.from_any(req.values["energy_wh"])
    cum = cumulative_kwh(deployment, req_wh.best)
    total_requests = float(np.sum(deployment.requests()))
    infer_kwh = req_wh * (total_requests / 1000.0)
    carbon_kg = Uncertain.from_any(tr["carbon_kg"]) + Uncertain.from_any(req.values["carbon_g"]) * (
        total_requests / 1000.0)
    water_l = Uncertain.from_any(tr["water_l"]) + Uncertain.from_any(req.values["water_l"]) * total_requests
    # series by days elapsed: day 0 is training only (inference starts after it), day t has t days of inference
    step = max(1, deployment.days // SERIES_POINTS)
    day_index = list(range(0, deployment.days + 1, step))
    if day_index[-1] != deployment.days:
        day_index.append(deployment.days)
    cum_at = [float(cum[t - 1]) if t > 0 else 0.0 for t in day_index]
    be = break_even_day(train_kwh.best, cum)
    values: dict[str, Any] = {
        "training_energy_kwh": train_kwh,
        "inference_energy_kwh": infer_kwh,
        "total_energy_kwh": train_kwh + infer_kwh,
        "request_energy_wh": req_wh,
        "carbon_kg": carbon_kg,
        "water_l": water_l,
        "break_even_day": be,
        "requests_total": total_requests,
        "series": {"day_index": day_index, "cumulative_inference_kwh": cum_at,
                   "cumulative_total_kwh": [train_kwh.best + c for c in cum_at]},
    }
    ti = tr_res.inputs
    inputs = {
        "model": est.model.key, "hardware": cfg.hardware, "requests_per_day": deployment.requests_per_day,
        "input_tokens": deployment.input_tokens, "output_tokens": deployment.output_tokens,
        "duration_days": deployment.days, "growth_per_year": deployment.growth_per_year,
        "location": req.inputs.get("location"), "training_model": spec.model, "training_hardware": spec.hardware,
        "training_accelerator_hours": ti.get("accelerator_hours"), "training_params_b": spec.params_b,
        "training_tokens_b": spec.tokens_b, "training_location": ti.get("location"),
    }
    warnings = list(req.warnings) + [f"training: {w}" for w in tr_res.warnings]
    if be is None:
        warnings.append(f"inference does not reach the training energy within {deployment.days} days")
    assumptions = list(req.assumptions) + [Assumption(f"training: {a.name}", a.value, a.unit, a.source)
                                           for a in tr_res.assumptions]
    return Result("estimate-lifecycle", inputs, values, assumptions, warnings)
