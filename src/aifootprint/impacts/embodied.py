"""Embodied (manufacturing) carbon allocated to a use by time.

allocated_g = embodied_kg × 1000 × use_duration_s / lifetime_s

Default lifetime: 5 years, the hardware lifespan LLMCarbon uses for embodied allocation (Faiz et al., "LLMCarbon",
ICLR 2024; source key LLMC); EcoLogits uses 3 years and server LCA practice 5–6 years (facts.md section F), so
:data:`LIFETIME_YEARS_RANGE` spans 3–6 years for uncertainty.
"""

from __future__ import annotations

from ..errors import InputError
from ..uncertainty import Uncertain
from .site import Quantity

SECONDS_PER_YEAR = 365.25 * 24 * 3600
#: Default hardware lifetime [years] (LLMCarbon, Faiz et al. 2024).
DEFAULT_LIFETIME_YEARS = 5.0
#: Range of lifetimes found in practice [years]: 3 (EcoLogits) to 6 (server LCA practice).
LIFETIME_YEARS_RANGE = (3.0, 6.0)


def embodied_carbon_g(embodied_kg: Quantity, use_duration_s: Quantity,
                      lifetime_s: Quantity = DEFAULT_LIFETIME_YEARS * SECONDS_PER_YEAR) -> Quantity:
    """Share of a device's manufacturing carbon [g] allocated to ``use_duration_s`` of its ``lifetime_s``."""
    for name, v in (("embodied_kg", embodied_kg), ("use_duration_s", use_duration_s)):
        lo = v.low if isinstance(v, Uncertain) else float(v)
        if not lo >= 0:
            raise InputError(f"{name} must be >= 0, got {v!r}")
    lt = lifetime_s.low if isinstance(lifetime_s, Uncertain) else float(lifetime_s)
    if not lt > 0:
        raise InputError(f"lifetime_s must be > 0, got {lifetime_s!r}")
    return embodied_kg * 1000.0 * use_duration_s / lifetime_s


def lifetime_s_uncertain() -> Uncertain:
    """Hardware lifetime as an uncertain value: triangular 3 / 5 / 6 years, in seconds."""
    lo, hi = LIFETIME_YEARS_RANGE
    return Uncertain.triangular(lo * SECONDS_PER_YEAR, DEFAULT_LIFETIME_YEARS * SECONDS_PER_YEAR,
                                hi * SECONDS_PER_YEAR, label="hardware_lifetime")
