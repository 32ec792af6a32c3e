"""Rebound effect: efficiency gains per request versus the demand they create (Jevons' paradox).

Model. Energy per request falls by a fraction ``x`` per year. If the cost of a request follows its energy,
a demand elasticity ``ε`` to that efficiency adds a factor ``(1 − x)^(−ε·t)`` to the number of requests on top
of the exogenous growth ``(1 + g)^t``. Total energy then moves as::

    E(t) / E(0) = (1 + g)^t × (1 − x)^((1 − ε)·t)

* ``ε = 0``: no rebound, efficiency is fully saved;  ``0 < ε < 1``: partial rebound;
* ``ε = 1``: efficiency gains are fully taken back by extra use;  ``ε > 1``: backfire (Jevons' paradox): total
  use rises *because* of efficiency.

Total use rises despite efficiency whenever ``(1 + g)(1 − x)^(1 − ε) > 1``, i.e. for ``ε`` above
:func:`breakeven_elasticity`.

**No published elasticity for AI exists.** de Vries (DV23) invokes Jevons' paradox qualitatively; Luccioni,
Strubell & Crawford 2025 (LU25, arXiv:2501.16548) argue that rebound undermines efficiency-only narratives but
give no figure; the ICT rebound reviews (Gossart 2015; Coroamă & Mattern 2019, ICT4S) are qualitative. The
elasticity is therefore always an explicit, labelled *assumption*; :data:`ASSUMED_ELASTICITY_RANGE` spans no
rebound to backfire and is not an estimate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

#: Assumed range of the demand elasticity to efficiency: 0 (no rebound) to 1.5 (backfire). An assumption, not
#: a published estimate: no quantified AI or ICT rebound elasticity was found (facts.md section J; LU25).
ASSUMED_ELASTICITY_RANGE = (0.0, 1.5)

#: Text attached to every rebound result.
NO_PUBLISHED_ELASTICITY = ("no published demand elasticity for AI exists (LU25; Gossart 2015; Coroamă & Mattern "
                           "2019): the rebound elasticity is an explicit user assumption")


def rebound_multiplier(gain: FloatArray | float, elasticity: FloatArray | float,
                       t: FloatArray | float) -> FloatArray:
    """Extra demand caused by efficiency after ``t`` years: ``(1 − gain)^(−elasticity·t)`` (1 when no gain)."""
    g = np.asarray(gain, dtype=np.float64)
    return np.asarray(np.power(1.0 - g, -np.asarray(elasticity) * np.asarray(t)), dtype=np.float64)


def energy_index(growth: float, gain: float, elasticity: float, t: FloatArray | float) -> FloatArray:
    """Total energy relative to year 0: ``(1 + growth)^t × (1 − gain)^((1 − elasticity)·t)``."""
    tt = np.asarray(t, dtype=np.float64)
    return np.asarray((1.0 + growth) ** tt * (1.0 - gain) ** ((1.0 - elasticity) * tt), dtype=np.float64)


def breakeven_elasticity(growth: float, gain: float) -> float:
    """Elasticity above which total energy rises despite the efficiency gain: ``1 + ln(1+g)/ln(1−x)``.

    With no exogenous growth this is 1 (classic backfire). Infinite when there is no efficiency gain.
    """
    if gain <= 0:
        return math.inf
    return 1.0 + math.log1p(growth) / math.log1p(-gain)


@dataclass(frozen=True)
class ReboundPath:
    """Energy per year for one elasticity, relative or absolute, with when it first exceeds year 0."""

    elasticity: float
    years: tuple[int, ...]
    energy: tuple[float, ...]
    rises_despite_efficiency: bool
    first_year_above_start: int | None


def rebound_paths(base_energy: float, growth: float, gain: float, elasticities: tuple[float, ...],
                  years: tuple[int, ...]) -> list[ReboundPath]:
    """Energy paths for several elasticities (for the report's rebound chart).

    ``rises_despite_efficiency`` is True when the gain is positive and total energy still grows year on year.
    """
    t = np.asarray(years, dtype=np.float64) - years[0]
    out = []
    for eps in elasticities:
        path = base_energy * energy_index(growth, gain, eps, t)
        above = [y for y, e in zip(years, path, strict=True) if e > base_energy * (1 + 1e-12)]
        rising = gain > 0 and (1.0 + growth) * (1.0 - gain) ** (1.0 - eps) > 1.0
        out.append(ReboundPath(eps, years, tuple(float(e) for e in path), rising, above[0] if above else None))
    return out
