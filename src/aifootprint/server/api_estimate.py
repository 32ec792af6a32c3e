"""``/api/v1/estimate/request``, ``/estimate/training``, ``/impacts``, ``/scenario/run``: the library's results, in
the same JSON contract as the CLI's ``--json`` (:meth:`aifootprint.result.Result.to_dict`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ..errors import InputError
from . import schemas as s


def _request(body: s.EstimateRequestIn) -> dict[str, Any]:
    from ..estimate.arch import Architecture
    from ..estimate.engines import DEFAULT_ENGINE
    from ..estimate.inference import DEFAULT_BATCH, RequestConfig, RequestEstimator

    if (body.model is None) == (body.params_b is None):
        raise InputError("give either model (a registry name) or params_b (billions), not both and not neither")
    arch: Any = body.model
    if body.params_b is not None:
        arch = Architecture(name=f"custom-{body.params_b:g}b", total_params_b=body.params_b,
                            active_params_b=body.active_params_b, estimated=True)
    cfg = RequestConfig(hardware=body.hardware, accelerators=body.accelerators, batch=body.batch or DEFAULT_BATCH,
                        precision=body.precision, boundary=body.boundary, location=body.location,
                        operator=body.operator, engine=body.engine or DEFAULT_ENGINE)
    return RequestEstimator(arch, cfg).result(body.input_tokens, body.output_tokens).to_dict()


def _training(body: s.EstimateTrainingIn) -> dict[str, Any]:
    from ..estimate.training import TrainingSpec, estimate_training
    from ..estimate.training_runs import training_result_for

    fields = ("model", "hardware", "precision", "boundary", "location", "operator")
    empty = [k for k in fields if getattr(body, k) == ""]
    if empty:  # an empty string silently became the default (h100, bf16, datacenter)
        raise InputError(f"{', '.join(empty)}: empty value; accepted: a non-empty value, or leave the field out for "
                         "its default")
    if body.model is not None:
        given = [k for k in ("gpu_hours", "accelerators", "days", "params_b", "tokens_b", "flops", "mfu", "precision")
                 if getattr(body, k) is not None]
        if given:
            raise InputError(f"model uses the published training run; it cannot be combined with {', '.join(given)}")
        overrides = {"location": body.location, "operator": body.operator, "boundary": body.boundary,
                     "pue": body.pue, "hardware": body.hardware, "power_w_per_accelerator": body.power_w}
        return training_result_for(body.model, None, **overrides).to_dict()
    spec = TrainingSpec(hardware=body.hardware or "h100", accelerator_hours=body.gpu_hours,
                        accelerators=body.accelerators, duration_days=body.days, power_w_per_accelerator=body.power_w,
                        params_b=body.params_b, tokens_b=body.tokens_b, flops=body.flops, mfu=body.mfu,
                        precision=body.precision or "bf16", boundary=body.boundary or "datacenter",
                        location=body.location, operator=body.operator, pue=body.pue)
    return estimate_training(spec).to_dict()


def _impacts(body: s.ImpactsIn) -> dict[str, Any]:
    from ..impacts import SiteOverrides, assess, resolve_site

    overrides = SiteOverrides(intensity_g_per_kwh=body.intensity_g_per_kwh,
                              market_intensity_g_per_kwh=body.market_intensity_g_per_kwh, pue=body.pue,
                              wue_l_per_kwh=body.wue_l_per_kwh, ewif_l_per_kwh=body.ewif_l_per_kwh)
    site = resolve_site(body.location, body.operator, overrides)
    return assess(body.energy_kwh, site).to_result({"it_energy_kwh": body.energy_kwh}).to_dict()


def _scenario(body: s.ScenarioRunIn) -> dict[str, Any]:
    from ..sector.montecarlo import run
    from ..sector.outputs import to_result
    from ..sector.scenario import load_builtin

    return to_result(run(load_builtin(body.name), draws=body.draws, seed=body.seed)).to_dict()


def router() -> APIRouter:
    api = APIRouter(tags=["estimates"])
    api.post("/estimate/request")(_wrap(_request, s.EstimateRequestIn, "Energy, carbon and water of one LLM request."))
    api.post("/estimate/training")(_wrap(_training, s.EstimateTrainingIn, "Footprint of a training run."))
    api.post("/impacts")(_wrap(_impacts, s.ImpactsIn, "IT energy → facility energy, carbon and water at a site."))
    api.post("/scenario/run")(_wrap(_scenario, s.ScenarioRunIn,
                                    f"Run a built-in sector scenario (at most {s.MAX_DRAWS:,} draws)."))
    return api


def _wrap(func: Any, model: type, doc: str) -> Any:
    """An endpoint taking ``model`` as its JSON body (FastAPI reads the annotation)."""

    def endpoint(body: Any) -> dict[str, Any]:
        try:
            return func(body)  # type: ignore[no-any-return]
        except InputError as exc:  # the library words its errors for the CLI: name the JSON fields instead
            raise InputError(as_fields(str(exc))) from None

    endpoint.__annotations__ = {"body": model, "return": dict[str, Any]}
    endpoint.__doc__ = doc
    endpoint.__name__ = func.__name__.strip("_")
    return endpoint


#: CLI flags whose JSON field is not the flag's name with ``_`` for ``-``.
FIELD_OF_FLAG = {"params": "params_b", "tokens": "tokens_b", "active-params": "active_params_b",
                 "training-params": "params_b", "training-tokens": "tokens_b"}


def as_fields(message: str) -> str:
    """``message`` with each ``--flag`` named as the API's JSON field (``--gpu-hours`` -> ``gpu_hours``,
    ``--params`` -> ``params_b``)."""
    import re

    return re.sub(r"--([a-z][a-z0-9-]*)", lambda m: FIELD_OF_FLAG.get(m[1], m[1].replace("-", "_")), message)
