"""Right-sizing: one task profile, many models, ranked per-request energy, carbon and water.

Answers "do I need the very large model?": every model is estimated for the same input/output tokens and batch on
the same hardware (each with the accelerator count it needs), **at one data-centre site** (the given location /
operator, else the world average with the industry-average PUE, never a closed model's provider defaults, so the
ranking compares models, not grids), and reported with its multiple of the smallest. Each row carries its own
assumptions; the site's warnings are reported once, each model's warnings prefixed with its key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aifootprint.errors import InputError

from .inference import RequestConfig, RequestEstimator

if TYPE_CHECKING:
    from aifootprint.reference.registry import Registry
    from aifootprint.result import Result

#: Default ladder: open-weight models from ~1 B to ~400 B parameters (registry keys), then closed models with
#: published parameter estimates (ranges; flagged as estimated).
DEFAULT_LADDER = (
    "llama-3.2-1b", "llama-3.2-3b", "llama-3.1-8b", "qwen3-14b", "qwen3-30b-a3b", "qwen3-32b", "llama-3.1-70b",
    "gpt-oss-120b", "qwen3-235b-a22b", "llama-3.1-405b", "gpt-4o-mini", "gpt-4o", "claude-3-haiku",
)


def compare_models(models: list[str] | tuple[str, ...] | None, input_tokens: float, output_tokens: float,
                   config: RequestConfig | None = None, registry: Registry | None = None) -> Result:
    """Estimate each model for the same request at one site; rank by best energy; add each one's multiple of the
    smallest. Repeated names (same registry key) are compared once, with a warning; a model that cannot serve the
    request (longer than its context window, or too big for the accelerators) is left out with a warning (the error
    itself when no model can)."""
    from aifootprint.impacts import resolve_site
    from aifootprint.result import Result
    from aifootprint.uncertainty import Uncertain

    cfg = config or RequestConfig()
    names = list(DEFAULT_LADDER if models is None else models)
    if not names:
        raise InputError("give at least one model to compare")
    from .boundary import site_at

    site = site_at(resolve_site(cfg.location, cfg.operator, None, registry), cfg.boundary)
    site_warnings = site.warnings()
    rows: list[dict[str, Any]] = []
    warnings: list[str] = []
    seen: set[str] = set()
    left_out: list[InputError] = []
    for name in names:
        est = RequestEstimator(name, cfg, registry, site=site)
        if est.model.key in seen:
            warnings.append(f"{name}: same model as {est.model.key}, compared once")
            continue
        seen.add(est.model.key)
        try:
            res = est.result(input_tokens, output_tokens)
        except InputError as exc:  # this model cannot serve the request (context window, memory): left out, said
            left_out.append(exc)
            warnings.append(f"{est.model.key}: left out: {exc}")
            continue
        v = res.values
        energy = Uncertain.from_any(v["energy_wh"])
        rows.append({
            "model": est.model.key,
            "total_params_b": est.model.best.total_params_b,
            "active_params_b": est.model.best.active_params_b or est.model.best.total_params_b,
            "accelerators": v["accelerators"],
            "precision": est.precision,
            "energy_wh": energy,
            "carbon_g": v["carbon_g"],
            "water_l": v["water_l"],
            "embodied_carbon_g": v["embodied_carbon_g"],
            "latency_s": v["latency_s"],
            "estimated": (not est.model.open_weights) or est.model.best.estimated,
            "provider": est.model.provider,
            "assumptions": [a.to_dict() for a in res.assumptions],
        })
        warnings.extend(f"{est.model.key}: {w}" for w in res.warnings if str(w) not in map(str, site_warnings))
    if not rows:
        raise left_out[0]
    rows.sort(key=lambda r: r["energy_wh"].best)
    smallest = rows[0]["energy_wh"].best
    for rank, r in enumerate(rows, 1):
        r["rank"] = rank
        r["multiple_of_smallest"] = r["energy_wh"].best / smallest if smallest > 0 else None
    inputs = {
        "models": [r["model"] for r in rows], "hardware": cfg.hardware, "batch": cfg.batch,
        "input_tokens": input_tokens, "output_tokens": output_tokens, "precision": cfg.precision or "native",
        "engine": cfg.engine,
        "boundary": cfg.boundary, "location": site.location, "zone": site.zone, "operator": site.operator,
    }
    return Result("compare-models", inputs, {"models": rows}, site.assumptions(),
                  site_warnings + list(dict.fromkeys(warnings)))
