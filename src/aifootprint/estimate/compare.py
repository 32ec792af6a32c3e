"""Right-sizing: one task profile, many models, ranked per-request energy, carbon and water.

Answers "do I need the very large model?": every model is estimated for the same input/output tokens and batch on
the same hardware (each with the accelerator count it needs), and reported with its multiple of the smallest.
"""

from __future__ import annotations

from dataclasses import replace
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
    """Estimate each model for the same request; rank by best energy; add each one's multiple of the smallest."""
    from aifootprint.result import Result
    from aifootprint.uncertainty import Uncertain

    cfg = config or RequestConfig()
    names = list(models or DEFAULT_LADDER)
    if not names:
        raise InputError("give at least one model to compare")
    rows: list[dict[str, Any]] = []
    warnings: list[str] = []
    assumptions = None
    for name in names:
        est = RequestEstimator(name, replace(cfg, accelerators=None) if cfg.accelerators is None else cfg, registry)
        res = est.result(input_tokens, output_tokens)
        v = res.values
        energy = Uncertain.from_any(v["energy_wh"])
        rows.append({
            "model": est.model.key,
            "total_params_b": est.model.best.total_params_b,
            "active_params_b": est.model.best.active_params_b or est.model.best.total_params_b,
            "accelerators": v["accelerators"],
            "energy_wh": energy,
            "carbon_g": v["carbon_g"],
            "water_l": v["water_l"],
            "latency_s": v["latency_s"],
            "estimated": (not est.model.open_weights) or est.model.best.estimated,
        })
        warnings.extend(f"{est.model.key}: {w}" for w in res.warnings if w.startswith("estimated"))
        assumptions = assumptions or list(res.assumptions)
    rows.sort(key=lambda r: r["energy_wh"].best)
    smallest = rows[0]["energy_wh"].best
    for rank, r in enumerate(rows, 1):
        r["rank"] = rank
        r["multiple_of_smallest"] = r["energy_wh"].best / smallest if smallest > 0 else None
    inputs = {
        "models": [r["model"] for r in rows], "hardware": cfg.hardware, "batch": cfg.batch,
        "input_tokens": input_tokens, "output_tokens": output_tokens, "precision": cfg.precision,
        "boundary": cfg.boundary, "location": cfg.location,
    }
    return Result("compare-models", inputs, {"models": rows}, assumptions or [], sorted(set(warnings)))
