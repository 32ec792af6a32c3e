"""Life cycle of a model: training once, then inference every day of a deployment; the break-even day.

A **dedicated** deployment (``Deployment.dedicated``, ``--dedicated``) holds its accelerators 24 h a day: each
request is estimated at the batch its traffic fills (Little's law, :func:`dedicated_batch`) and the provisioned
accelerators' idle time is charged at their idle power (:func:`idle_kwh_per_day`); a shared one (the default) charges
each request its share only, and says what a dedicated one would add when the group is busy under 10 % of the day.

    requests(d)            = R₀ × (1 + g)^(d / 365)                    d = 0 … days − 1, g = annual growth
    inference_kwh(t)       = Σ_{d < t} requests(d) × energy per request  (t = days elapsed; 0 at t = 0)
    break-even             = the t (days elapsed, interpolated within the day) at which inference_kwh(t) reaches
                             the training energy; with constant traffic: training ÷ inference per day

Both sides are facility energy (PUE included). The training side is exactly ``estimate training --model X``: the
model's published run with the publisher's own method and site (power, PUE and grid intensity; see :mod:`.published`
and :func:`.training_runs.training_spec_for`), so that its assumptions reproduce its number (user test 2026-11-26 #2,
finding 3); for Meta's cards that is GPU-hours × TDP × PUE, without the host share the inference side includes (said in
a warning). The inference side is at the data-centre boundary of the inference site.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from aifootprint.errors import InputError

from .bounds import GROWTH_PER_YEAR_RANGE, MAX_DAYS, MAX_REQUESTS_PER_DAY
from .inference import RequestConfig, RequestEstimator, with_config
from .training import TrainingSpec, estimate_training
from .training_runs import training_spec_for

__all__ = ["Deployment", "break_even_day", "cumulative_kwh", "estimate_lifecycle", "training_spec_for"]

if TYPE_CHECKING:
    from aifootprint.reference.registry import Registry
    from aifootprint.result import Result

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
    #: the accelerators are provisioned for this deployment alone, 24 h a day: their idle time is charged and the
    #: batch is what the traffic fills (:func:`dedicated_batch`); False: shared serving, each request's share only
    dedicated: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.requests_per_day <= MAX_REQUESTS_PER_DAY:  # also refuses NaN and infinity
            raise InputError(f"requests_per_day must be from 0 to {MAX_REQUESTS_PER_DAY:g}, "
                             f"got {self.requests_per_day!r}")
        if not (0 <= self.input_tokens < float("inf") and 1 <= self.output_tokens < float("inf")):  # and NaN
            raise InputError(f"tokens must be finite, input ≥ 0 and output ≥ 1, got {self.input_tokens}, "
                             f"{self.output_tokens}")
        if not 1 <= self.days <= MAX_DAYS:
            raise InputError(f"days must be between 1 and {MAX_DAYS:,}, got {self.days}")
        low, high = GROWTH_PER_YEAR_RANGE
        if not low <= self.growth_per_year <= high:  # also refuses NaN and infinity
            raise InputError(f"growth_per_year must be from {low:g} (-99 %) to {high:g} (x11 a year), "
                             f"got {self.growth_per_year!r}")

    def requests(self) -> NDArray[np.float64]:
        """Requests on each day."""
        d = np.arange(self.days, dtype=np.float64)
        return self.requests_per_day * np.power(1.0 + self.growth_per_year, d / 365.0)


#: Seconds in a day.
DAY_S = 86_400.0
#: Below this share of the day busy, a shared (non-dedicated) lifecycle says what a dedicated deployment would add:
#: when to show a notice, not a physical figure (the result does not depend on it).
LOW_UTILISATION = 0.1


def dedicated_batch(est: RequestEstimator, deployment: Deployment) -> int:
    """The batch a dedicated deployment's traffic fills, by Little's law: concurrent requests = arrival rate ×
    latency, at the deployment's mean daily rate (peaks are not known), rounded up to a power of two, at least 1 and
    at most the configured batch (Little 1961, Operations Research 9(3))."""
    return traffic_estimator(est, deployment).config.batch


def traffic_estimator(est: RequestEstimator, deployment: Deployment) -> RequestEstimator:
    """``est`` at the batch its deployment's traffic fills (:func:`dedicated_batch`): ``est`` itself when that is
    the configured batch."""
    rate_per_s = float(np.mean(deployment.requests())) / DAY_S
    batch = est.config.batch
    at = est
    for _ in range(4):  # the latency depends on the batch it sets: a few rounds settle it (powers of two)
        concurrent = rate_per_s * at.estimate(deployment.input_tokens, deployment.output_tokens).latency_s
        new = 1
        while new < concurrent and new < batch:
            new *= 2
        new = min(new, batch)
        if new == at.config.batch:
            break
        at = est if new == batch else with_config(est, batch=new)
    return at


def idle_kwh_per_day(est: RequestEstimator, deployment: Deployment) -> tuple[NDArray[np.float64], float]:
    """Idle energy of a dedicated deployment on each day [kWh] (facility energy at the data-centre boundary) and the
    mean share of the provisioned accelerator time that is busy. Busy accelerator-seconds per request are the
    request's share of its group's time (``accelerator_time_s``); a day busier than one group adds replicas; every
    provisioned accelerator draws its idle power (calibration ``idle_power_w``: NVML, CUDA context open) when not
    busy."""
    point = est.estimate(deployment.input_tokens, deployment.output_tokens)
    n = float(point.accelerators)
    busy = deployment.requests() * point.accelerator_time_s  # accelerator-seconds per day
    replicas = np.maximum(np.ceil(busy / (n * DAY_S)), 1.0)
    provisioned = replicas * n * DAY_S
    idle_s = provisioned - busy
    from .request_result import point_factors

    # PUE only (1 below the data-centre boundary): this idle is the fleet idle capacity the boundary's idle fraction
    # stands for, here modelled (the hosts' idle draw is not)
    pue = point_factors(est)[1]
    kwh = idle_s * est.cal.idle_power_w * pue / 3.6e6
    return kwh, float(np.sum(busy) / np.sum(provisioned))


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


def estimate_lifecycle(model: str, deployment: Deployment, training: TrainingSpec | None = None,
                       config: RequestConfig | None = None, registry: Registry | None = None) -> Result:
    """Training + deployment footprint over time, with the break-even day (output contract).

    Carbon and water add the training run's (at its own site) to the deployment's (at the inference site); the
    training side's assumptions and warnings are kept, prefixed ``training:``."""
    from aifootprint.notice import Notice
    from aifootprint.result import Assumption, Result
    from aifootprint.uncertainty import Uncertain

    cfg = config or RequestConfig(boundary="datacenter")
    est = RequestEstimator(model, cfg, registry)
    notes: list[str | Notice] = []
    if deployment.dedicated:
        est = traffic_estimator(est, deployment)
        b = est.config.batch
        if b < cfg.batch:
            notes.append(Notice("batch-from-traffic", f"dedicated deployment: {deployment.requests_per_day:,.4g} "
                                f"requests a day fill a batch of {b} (Little's law at the mean rate), not "
                                f"{cfg.batch}; each request is estimated at batch {b}", "batch", "Little 1961"))
    spec = training or training_spec_for(est.model.key, registry)
    tr_res = estimate_training(spec, registry)
    tr = tr_res.values
    train_kwh = Uncertain.from_any(tr["energy_kwh"])
    req = est.result(deployment.input_tokens, deployment.output_tokens)
    req_wh = Uncertain.from_any(req.values["energy_wh"])
    idle_day, busy_share = idle_kwh_per_day(est, deployment)
    if not deployment.dedicated:
        idle_day = np.zeros_like(idle_day)
    cum = cumulative_kwh(deployment, req_wh.best) + np.cumsum(idle_day)
    total_requests = float(np.sum(deployment.requests()))
    idle_kwh = float(np.sum(idle_day))
    infer_kwh = req_wh * (total_requests / 1000.0) + idle_kwh
    # idle energy has the request's carbon and water per kWh (same site)
    per_kwh = 1000.0 / req_wh.best if req_wh.best > 0 else 0.0
    carbon_kg = Uncertain.from_any(tr["carbon_kg"]) + Uncertain.from_any(req.values["carbon_g"]) * (
        (total_requests + idle_kwh * per_kwh) / 1000.0)
    water_l = Uncertain.from_any(tr["water_l"]) + Uncertain.from_any(req.values["water_l"]) * (
        total_requests + idle_kwh * per_kwh)
    if not deployment.dedicated and busy_share < LOW_UTILISATION:
        extra = float(np.sum(idle_kwh_per_day(traffic_estimator(est, deployment), deployment)[0]))
        notes.append(Notice(
            "low-utilisation", f"at this traffic the {req.values['accelerators']} accelerators serving it are busy "
            f"{100 * busy_share:.2g} % of the day: requests are charged their share only (shared serving); if the "
            f"accelerators are provisioned for this deployment alone, idle adds about {extra:,.3g} kWh over "
            f"{deployment.days} days (--dedicated)", "utilisation", "calibration idle_power_w"))
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
        "idle_energy_kwh": idle_kwh,
        "utilisation": busy_share,
        "series": {"day_index": day_index, "cumulative_inference_kwh": cum_at,
                   "cumulative_total_kwh": [train_kwh.best + c for c in cum_at]},
    }
    ti = tr_res.inputs
    inputs = {
        "model": est.model.key, "hardware": cfg.hardware, "requests_per_day": deployment.requests_per_day,
        "input_tokens": deployment.input_tokens, "output_tokens": deployment.output_tokens,
        "duration_days": deployment.days, "growth_per_year": deployment.growth_per_year,
        "dedicated": deployment.dedicated, "batch": req.inputs.get("batch", est.config.batch),
        "location": req.inputs.get("location"), "training_model": spec.model, "training_hardware": spec.hardware,
        "training_accelerator_hours": ti.get("accelerator_hours"), "training_params_b": spec.params_b,
        "training_tokens_b": spec.tokens_b, "training_location": ti.get("location"),
    }
    warnings = [*notes, *req.warnings, *(f"training: {w}" for w in tr_res.warnings)]
    if training is None:
        warnings.append(f"training: the published run of {spec.model} with its publisher's method and site, as "
                        f"`estimate training --model {spec.model}` ({spec.published.source if spec.published else ''}"
                        "): the publisher's boundary, no host share added, while the inference side is at the "
                        "data-centre boundary")
    if be is None:
        warnings.append(f"inference does not reach the training energy within {deployment.days} days")
    assumptions = list(req.assumptions) + [Assumption(f"training: {a.name}", a.value, a.unit, a.source)
                                           for a in tr_res.assumptions]
    return Result("estimate-lifecycle", inputs, values, assumptions, warnings)
