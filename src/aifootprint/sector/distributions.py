"""Quantile functions of the input distributions used by scenarios.

Scenarios use the same four shapes as :class:`aifootprint.uncertainty.Uncertain` (point, uniform ``range``,
``triangular``, ``lognormal``) with the same parameters, written in TOML with the same syntax as
:meth:`Uncertain.from_spec`. Here each shape is expressed by its *quantile function* (inverse CDF), because
the sector Monte Carlo needs three things that plain sampling does not give:

* one uniform draw per input and simulation, mapped through the quantile function of *each year's* anchor, so
  that an input given year by year keeps its rank across years (a "high" path stays high);
* the 5th/95th percentile of every input for the one-at-a-time swing of the tornado chart;
* the published "corner" arithmetic (every input at its low or high bound).

``low``/``best``/``high`` of results are the 5th, 50th and 95th percentiles
(:data:`aifootprint.uncertainty.PERCENTILES`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..errors import InputError
from ..uncertainty import Z95 as _Z95

FloatArray = npt.NDArray[np.float64]

#: Standard-normal quantile of 0.95, shared with :mod:`aifootprint.uncertainty` (p5/p95 of a lognormal are
#: median / gsd**Z95 and median * gsd**Z95).
Z95 = _Z95

#: Widest lognormal accepted (geometric standard deviation): its 95th percentile is already 1,000**1.645 ≈ 86,000 ×
#: its median (and 7.4e9 × its 5th percentile). A design bound, not a measured figure: it refuses a spread no source
#: states before it overflows a float (gsd**Z95 of the percentiles, gsd**8 of the extreme draws).
MAX_GSD = 1000.0

KINDS = ("point", "range", "triangular", "lognormal", "empirical")

# Coefficients of P. J. Acklam's rational approximation of the standard-normal quantile (relative error
# < 1.2e-9), "An algorithm for computing the inverse normal cumulative distribution function", 2003.
_A = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02, 1.383577518672690e02,
      -3.066479806614716e01, 2.506628277459239e00)
_B = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02, 6.680131188771972e01,
      -1.328068155288572e01)
_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00, -2.549732539343734e00,
      4.374664141464968e00, 2.938163982698783e00)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)
_P_LOW = 0.02425


def normal_ppf(u: FloatArray) -> FloatArray:
    """Standard-normal quantile of ``u`` in (0, 1), vectorised (Acklam 2003, relative error < 1.2e-9)."""
    u = np.clip(np.asarray(u, dtype=np.float64), 1e-300, 1 - 1e-16)
    out = np.empty_like(u)
    lo = u < _P_LOW
    hi = u > 1 - _P_LOW
    mid = ~(lo | hi)
    q = u[mid] - 0.5
    r = q * q
    num = ((((_A[0] * r + _A[1]) * r + _A[2]) * r + _A[3]) * r + _A[4]) * r + _A[5]
    den = ((((_B[0] * r + _B[1]) * r + _B[2]) * r + _B[3]) * r + _B[4]) * r + 1.0
    out[mid] = q * num / den
    for mask, sign in ((lo, 1.0), (hi, -1.0)):
        if np.any(mask):
            p = u[mask] if sign > 0 else 1.0 - u[mask]
            t = np.sqrt(-2.0 * np.log(p))
            num = ((((_C[0] * t + _C[1]) * t + _C[2]) * t + _C[3]) * t + _C[4]) * t + _C[5]
            den = (((_D[0] * t + _D[1]) * t + _D[2]) * t + _D[3]) * t + 1.0
            out[mask] = sign * num / den
    return out


@dataclass(frozen=True)
class Dist:
    """One input distribution.

    kind: ``point`` (x), ``range`` (low, high; uniform), ``triangular`` (low, mode, high), ``lognormal``
    (median, gsd) or ``empirical`` (sorted samples, e.g. a site factor given as an ``Uncertain``).
    """

    kind: str
    params: tuple[float, ...]

    def __post_init__(self) -> None:
        p = self.params
        if self.kind not in KINDS:
            raise InputError(f"unknown distribution {self.kind!r}; accepted: {', '.join(KINDS[:4])}")
        if any(not math.isfinite(x) for x in p):
            raise InputError(f"{self.kind}: values must be finite numbers, got {list(p)}")
        need = {"point": 1, "range": 2, "triangular": 3, "lognormal": 2}.get(self.kind)
        if need is not None and len(p) != need:
            raise InputError(f"{self.kind}: expected {need} numbers, got {len(p)}")
        if self.kind == "range" and p[0] > p[1]:
            raise InputError(f"range: low {p[0]:g} is above high {p[1]:g}; write range = [low, high]")
        if self.kind == "triangular" and not p[0] <= p[1] <= p[2]:
            raise InputError(f"triangular: need low <= mode <= high, got {p[0]:g}, {p[1]:g}, {p[2]:g}")
        if self.kind == "lognormal" and (p[0] <= 0 or not 1 <= p[1] <= MAX_GSD):
            from ..numfmt import exact

            raise InputError(f"lognormal: need median > 0 and gsd from 1 to {exact(MAX_GSD)}, got median={p[0]:g}, "
                             f"gsd={p[1]:g}")
        if self.kind == "empirical" and not p:
            raise InputError("empirical: needs at least one sample")

    # ----------------------------------------------------------------- constructors
    @classmethod
    def point(cls, x: float) -> Dist:
        return cls("point", (float(x),))

    @classmethod
    def lognormal_from_bounds(cls, low: float, high: float) -> Dist:
        """Lognormal whose 5th and 95th percentiles are ``low`` and ``high`` (as ``Uncertain``'s)."""
        if not 0 < low <= high:
            raise InputError(f"lognormal bounds: need 0 < low <= high, got {low:g}, {high:g}")
        spread = (math.log(high) - math.log(low)) / (2 * Z95)
        if spread > math.log(MAX_GSD):
            from ..numfmt import exact

            raise InputError(f"lognormal bounds: high / low = {exact(high / low)} is wider than the widest lognormal "
                             f"accepted (gsd {exact(MAX_GSD)}: high / low ≤ {exact(MAX_GSD ** (2 * Z95))}); got "
                             f"[{low:g}, {high:g}]")
        gsd = math.exp(spread)
        return cls("lognormal", (math.sqrt(low * high), gsd))

    @classmethod
    def empirical(cls, samples: npt.ArrayLike) -> Dist:
        arr = np.sort(np.asarray(samples, dtype=np.float64).ravel())
        if arr.size and arr[0] == arr[-1]:
            return cls.point(float(arr[0]))
        return cls("empirical", tuple(float(x) for x in arr))

    # ----------------------------------------------------------------- views
    @property
    def is_point(self) -> bool:
        return self.kind == "point"

    @property
    def nominal(self) -> float:
        """The value the source states: point, range midpoint, triangular mode, lognormal median."""
        p = self.params
        if self.kind == "point":
            return p[0]
        if self.kind == "range":
            return (p[0] + p[1]) / 2
        if self.kind == "triangular":
            return p[1]
        if self.kind == "lognormal":
            return p[0]
        return float(np.median(np.asarray(p)))

    @property
    def bounds(self) -> tuple[float, float]:
        """Published bounds: range/triangular ends; lognormal 5th/95th percentiles; empirical min/max."""
        p = self.params
        if self.kind == "point":
            return (p[0], p[0])
        if self.kind in ("range", "triangular"):
            return (p[0], p[-1])
        if self.kind == "lognormal":
            return (p[0] / p[1] ** Z95, p[0] * p[1] ** Z95)
        return (p[0], p[-1])

    def quantile(self, u: npt.ArrayLike) -> FloatArray:
        """Inverse CDF at ``u`` (values in [0, 1]), vectorised."""
        q = np.asarray(u, dtype=np.float64)
        p = self.params
        if self.kind == "point":
            return np.full_like(q, p[0])
        if self.kind == "range":
            return p[0] + q * (p[1] - p[0])
        if self.kind == "triangular":
            a, c, b = p
            if a == b:
                return np.full_like(q, a)
            f = (c - a) / (b - a)
            left = a + np.sqrt(q * (b - a) * (c - a))
            right = b - np.sqrt((1.0 - q) * (b - a) * (b - c))
            return np.where(q < f, left, right)
        if self.kind == "lognormal":
            return np.asarray(p[0] * np.exp(math.log(p[1]) * normal_ppf(q)), dtype=np.float64)
        arr = np.asarray(p)
        grid = np.linspace(0.0, 1.0, arr.size)
        return np.asarray(np.interp(q, grid, arr), dtype=np.float64)

    def describe(self) -> str:
        """Short text, e.g. ``range(6.5, 10.2)``."""
        if self.kind == "empirical":
            lo, hi = self.bounds
            return f"empirical({len(self.params)} draws, {lo:.4g}..{hi:.4g})"
        if self.kind == "point":
            return f"{self.params[0]:.6g}"
        return f"{self.kind}({', '.join(f'{x:.6g}' for x in self.params)})"

    def to_dict(self) -> dict[str, object]:
        """Plain form (for ``scenario show --json``)."""
        if self.kind == "empirical":
            lo, hi = self.bounds
            return {"kind": "empirical", "draws": len(self.params), "min": lo, "max": hi}
        return {"kind": self.kind, "params": list(self.params)}


ACCEPTED_SPEC = ("a number, {point = x}, {range = [low, high]}, {triangular = [low, mode, high]}, "
                 "{lognormal = {median = m, gsd = g}} or {lognormal = [p5, p95]}")

#: Keys allowed next to the distribution keys in an input table.
META_KEYS = frozenset({"source", "unit", "note", "label", "by_year"})
_DIST_KEYS = frozenset({"point", "range", "triangular", "lognormal"})


def _num(x: object, where: str) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float):
        raise InputError(f"{where}: expected a number, got {x!r}")
    try:
        return float(x)
    except OverflowError:  # a TOML integer beyond any float (400 digits)
        raise InputError(f"{where}: {beyond_float(x)}") from None


def beyond_float(x: object) -> str:
    """What is wrong with an integer no float holds (a TOML integer of 400 digits), for any field of a file."""
    return f"expected a finite number, got an integer of {len(str(x).lstrip('-'))} digits"


def _nums(x: object, count: int, where: str) -> tuple[float, ...]:
    if not isinstance(x, list | tuple) or len(x) != count:
        raise InputError(f"{where}: expected a list of {count} numbers, got {x!r}")
    return tuple(_num(v, where) for v in x)


def parse_spec(spec: object, where: str) -> Dist:
    """Parse a distribution written as in :meth:`Uncertain.from_spec` (``where`` names the field in errors)."""
    if isinstance(spec, bool):
        raise InputError(f"{where}: expected {ACCEPTED_SPEC}; got {spec!r}")
    if isinstance(spec, int | float):
        return Dist.point(_num(spec, where))
    if not isinstance(spec, dict):
        raise InputError(f"{where}: expected {ACCEPTED_SPEC}; got {spec!r}")
    keys = set(spec) & _DIST_KEYS
    if len(keys) != 1:
        found = ", ".join(sorted(keys)) or "none"
        raise InputError(f"{where}: give exactly one of point, range, triangular, lognormal (found: {found})")
    (kind,) = keys
    value = spec[kind]
    if kind == "point":
        return Dist.point(_num(value, f"{where}.point"))
    if kind == "range":
        return Dist("range", _nums(value, 2, f"{where}.range"))
    if kind == "triangular":
        return Dist("triangular", _nums(value, 3, f"{where}.triangular"))
    if isinstance(value, dict):
        if set(value) != {"median", "gsd"}:
            raise InputError(f"{where}.lognormal: expected {{median = m, gsd = g}} or [p5, p95]; got {value!r}")
        return Dist("lognormal", (_num(value["median"], f"{where}.lognormal.median"),
                                  _num(value["gsd"], f"{where}.lognormal.gsd")))
    lo, hi = _nums(value, 2, f"{where}.lognormal")
    return Dist.lognormal_from_bounds(lo, hi)
