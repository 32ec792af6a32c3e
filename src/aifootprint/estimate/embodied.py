"""Embodied (manufacturing) carbon of the hardware a request or a training run occupies, as an uncertain value.

    embodied_g = (accelerator_kg + host_share_kg) × 1000 × duration_s ÷ lifetime_s

``lifetime_s`` is :func:`aifootprint.impacts.lifetime_s_uncertain` (triangular 3 / 5 / 6 years: 5 years is LLMCarbon's
default, Faiz et al. 2024, source key LLMC; 3 is EcoLogits' and 6 server LCA practice). The accelerator's embodied
kg comes from the registry's hardware row (its sources), the host share from the reference server row
(:func:`.boundary.server_share`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import boundary as bd

if TYPE_CHECKING:
    from aifootprint.notice import Notice
    from aifootprint.reference.registry import Registry
    from aifootprint.result import Assumption


def embodied_carbon(accelerator_kg: float | None, accelerator_name: str, accelerator_source: str, duration_s: float,
                    include_host: bool, registry: Registry | None = None
                    ) -> tuple[Any, list[Assumption], list[str | Notice]]:
    """``(embodied_g or None, assumptions, warnings)`` for ``duration_s`` accelerator-seconds."""
    from aifootprint.impacts import DEFAULT_LIFETIME_YEARS, embodied_carbon_g, lifetime_s_uncertain
    from aifootprint.impacts.embodied import LIFETIME_YEARS_RANGE
    from aifootprint.result import Assumption

    if accelerator_kg is None:
        from aifootprint.notice import Notice

        return None, [], [Notice("embodied-not-published", f"embodied carbon of {accelerator_name} not published: "
                                 "embodied carbon omitted", "embodied_carbon", accelerator_source)]
    lo, hi = LIFETIME_YEARS_RANGE
    assumptions = [
        Assumption("hardware_lifetime_years", f"{DEFAULT_LIFETIME_YEARS:g} ({lo:g}–{hi:g})", "years",
                   "LLMC (5 y default); 3 y EcoLogits (ECO-METHOD), 6 y server LCA practice"),
        Assumption("embodied_carbon_kg_per_accelerator", accelerator_kg, "kgCO2e", accelerator_source),
    ]
    total_kg: float = accelerator_kg
    if include_host:
        share = bd.server_share(registry)
        if share.embodied_carbon_kg is not None:
            total_kg += share.embodied_carbon_kg
            assumptions.append(Assumption("host_embodied_carbon_kg_per_accelerator",
                                          round(share.embodied_carbon_kg, 3), "kgCO2e", share.source))
    return embodied_carbon_g(total_kg, duration_s, lifetime_s_uncertain()), assumptions, []
