"""Multimodal chat: images enter an LLM request as extra prompt tokens, after a vision-encoder pass.

    prompt tokens = text tokens + images × tokens per image        (per model's vision encoder, ``task_models.csv``)
    energy        = LLM request (:class:`~aifootprint.estimate.inference.RequestEstimator`) + vision encoder

The vision encoder runs on the same accelerators (:mod:`.engine`, the same roofline); its accelerator energy takes
the request's boundary multiplier (host, idle, PUE: energy at the boundary ÷ accelerator energy; host, idle and
overhead in ``breakdown_wh`` grow by the same factor), and carbon, water and embodied carbon scale with the total
(they are linear in energy at one site).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from aifootprint.errors import InputError

from .engine import workload_cost
from .flops import vision_workload
from .models import task_models, vision_encoder_for

if TYPE_CHECKING:
    from aifootprint.reference.registry import Registry
    from aifootprint.result import Result

    from ..inference import RequestConfig


def estimate_multimodal(model: str, images: int, input_tokens: float, output_tokens: float,
                        config: RequestConfig | None = None, registry: Registry | None = None) -> Result:
    """One chat request with ``images`` images attached (the JSON output contract)."""
    from aifootprint.result import Assumption

    from ..inference import RequestEstimator

    if images < 0:
        raise InputError(f"--images must be 0 or more, got {images}")
    est = RequestEstimator(model, config, registry)
    vis = vision_encoder_for(est.model.key, registry)
    if vis is None:
        served = sorted(k for m in task_models("vision", registry) for k in m.llm_models)
        raise InputError(f"{est.model.key} has no vision encoder in the registry; multimodal models: "
                         f"{', '.join(served)}")
    per_image = float(vis.tokens_per_image or 0)
    prompt = input_tokens + images * per_image
    base = est.result(prompt, output_tokens)
    point = est.estimate(prompt, output_tokens)
    vision_acc_wh = 0.0
    if images:
        costs = workload_cost(vision_workload(vis, images), est.cal, point.accelerators, engine=est.engine.name)
        vision_acc_wh = sum(c.energy_j for c in costs) / 3600.0
    acc = point.prefill_wh + point.decode_wh
    vision_wh = vision_acc_wh * (point.energy_wh / acc if acc > 0 else 1.0)
    k = 1.0 + vision_wh / point.energy_wh
    v: dict[str, Any] = dict(base.values)
    for key in ("energy_wh", "carbon_g", "water_l", "embodied_carbon_g"):
        if v.get(key) is not None:
            v[key] = v[key] * k
    grow = (acc + vision_acc_wh) / acc if acc > 0 else 1.0
    v["breakdown_wh"] = {"vision_encoder": vision_acc_wh, "prefill": point.prefill_wh, "decode": point.decode_wh,
                         **{t: point.breakdown_wh()[t] * grow for t in ("host", "idle", "overhead")}}
    v["image_tokens"] = images * per_image
    inputs = {**base.inputs, "images": images, "text_input_tokens": input_tokens, "input_tokens": prompt,
              "vision_encoder": vis.key}
    extra = [Assumption("tokens_per_image", per_image, "tokens", ";".join(vis.sources)),
             Assumption("vision_encoder_params_b", vis.params_b, "billion", ";".join(vis.sources))]
    return replace(base, kind="estimate-multimodal", inputs=inputs, values=v,
                   assumptions=[*extra, *base.assumptions])
