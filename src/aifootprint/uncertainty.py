"""One uncertainty type for the whole project: :class:`Uncertain`.

Inputs are a point, a uniform range, a triangular or a lognormal distribution. Propagation is Monte Carlo on
numpy sample vectors (vectorised, elementwise, independent draws); a point carries no samples, so plain
arithmetic on points stays exact and cheap and never imports numpy (numpy is imported only where samples are
drawn, wrapped or summarised, which keeps ``aifootprint measure`` and ``import aifootprint`` free of it).
Results are reported as ``low`` / ``best`` / ``high`` = the 5th, 50th and 95th percentiles
of the propagated samples (:data:`PERCENTILES`).

Draws are deterministic: each distribution is seeded from its own parameters and ``label``, so the same
command gives the same numbers every time. Two inputs with the *same* distribution and label share their draws
(they are treated as the same quantity); give independent quantities distinct labels, or pass an ``rng``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from .errors import InputError

TYPE_CHECKING = False  # typing is not imported at run time (`aifootprint measure` never needs it)
if TYPE_CHECKING:
    from typing import Any, TypeAlias

    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]

#: Percentiles reported as (low, best, high).
PERCENTILES: tuple[float, float, float] = (5.0, 50.0, 95.0)
#: Default number of Monte Carlo draws per uncertain input; 20,000 draws put the sampling error of the 5th and
#: 95th percentiles below about 1 % for the distributions used here.
DEFAULT_DRAWS = 20_000
#: Standard-normal quantile of 0.95 (turns a 5th–95th percentile span into standard deviations).
Z95 = 1.6448536269514722

Number = int | float
if TYPE_CHECKING:
    Operand: TypeAlias = "Uncertain | int | float"


def _seed(kind: str, params: tuple[float, ...], label: str) -> int:
    import hashlib

    text = f"{kind}|{'|'.join(repr(float(p)) for p in params)}|{label}"
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def _check_finite(name: str, *values: float) -> None:
    for v in values:
        if not math.isfinite(v):
            raise InputError(f"{name}: values must be finite numbers, got {v!r}")


def draw(kind: str, params: tuple[float, ...], n: int, rng: np.random.Generator) -> FloatArray:
    """Draw ``n`` samples of a distribution.

    kind: ``range`` (low, high) uniform; ``triangular`` (low, mode, high); ``lognormal`` (median, gsd).
    """
    import numpy as np

    if kind == "range":
        lo, hi = params
        return rng.uniform(lo, hi, n)
    if kind == "triangular":
        lo, mode, hi = params
        if lo == hi:
            return np.full(n, lo)
        return rng.triangular(lo, mode, hi, n)
    if kind == "lognormal":
        median, gsd = params
        return np.asarray(median * np.exp(math.log(gsd) * rng.standard_normal(n)), dtype=np.float64)
    raise InputError(f"unknown distribution {kind!r}; accepted: range, triangular, lognormal")


@dataclass(frozen=True, eq=False)
class Uncertain:
    """An uncertain quantity (immutable). Build with the class methods, combine with ``+ - * / **``."""

    _point: float | None
    _samples: FloatArray | None = field(default=None, repr=False)
    spec: str = ""

    # ----------------------------------------------------------------- constructors
    @classmethod
    def point(cls, x: Number) -> Uncertain:
        """An exactly known value."""
        _check_finite("point", float(x))
        return cls(float(x), None, f"point({x:g})")

    @classmethod
    def range(cls, low: Number, high: Number, *, label: str = "", rng: np.random.Generator | None = None,
              n: int = DEFAULT_DRAWS) -> Uncertain:
        """Uniform between ``low`` and ``high`` (use when only bounds are known)."""
        lo, hi = float(low), float(high)
        _check_finite("range", lo, hi)
        if lo > hi:
            raise InputError(f"range: low {lo:g} is above high {hi:g}; write range(low, high)")
        if lo == hi:
            return cls.point(lo)
        return cls._sampled("range", (lo, hi), label, rng, n)

    @classmethod
    def triangular(cls, low: Number, mode: Number, high: Number, *, label: str = "",
                   rng: np.random.Generator | None = None, n: int = DEFAULT_DRAWS) -> Uncertain:
        """Triangular with the most likely value ``mode``."""
        lo, mo, hi = float(low), float(mode), float(high)
        _check_finite("triangular", lo, mo, hi)
        if not lo <= mo <= hi:
            raise InputError(f"triangular: need low <= mode <= high, got {lo:g}, {mo:g}, {hi:g}")
        if lo == hi:
            return cls.point(lo)
        return cls._sampled("triangular", (lo, mo, hi), label, rng, n)

    @classmethod
    def lognormal(cls, median: Number, gsd: Number, *, label: str = "", rng: np.random.Generator | None = None,
                  n: int = DEFAULT_DRAWS) -> Uncertain:
        """Lognormal with the given median and geometric standard deviation (``gsd`` >= 1)."""
        med, g = float(median), float(gsd)
        _check_finite("lognormal", med, g)
        if med <= 0 or g < 1:
            raise InputError(f"lognormal: need median > 0 and gsd >= 1, got median={med:g}, gsd={g:g}")
        if g == 1:
            return cls.point(med)
        return cls._sampled("lognormal", (med, g), label, rng, n)

    @classmethod
    def lognormal_from_bounds(cls, low: Number, high: Number, *, label: str = "",
                              rng: np.random.Generator | None = None, n: int = DEFAULT_DRAWS) -> Uncertain:
        """Lognormal whose 5th and 95th percentiles are ``low`` and ``high``."""
        lo, hi = float(low), float(high)
        _check_finite("lognormal", lo, hi)
        if not 0 < lo <= hi:
            raise InputError(f"lognormal bounds: need 0 < low <= high, got {lo:g}, {hi:g}")
        median = math.sqrt(lo * hi)
        gsd = math.exp((math.log(hi) - math.log(lo)) / (2 * Z95))
        return cls.lognormal(median, gsd, label=label, rng=rng, n=n)

    @classmethod
    def from_any(cls, x: Operand) -> Uncertain:
        """Wrap a number as a point; return an :class:`Uncertain` unchanged."""
        return x if isinstance(x, Uncertain) else cls.point(x)

    @classmethod
    def from_spec(cls, spec: object, *, label: str = "", where: str = "value") -> Uncertain:
        """Build from a plain spec (as found in TOML or JSON).

        Accepted: a number; ``{"point": x}``; ``{"range": [low, high]}``; ``{"triangular": [low, mode, high]}``;
        ``{"lognormal": {"median": m, "gsd": g}}``; ``{"lognormal": [low, high]}`` (5th/95th percentiles);
        ``{"low": a, "best": b, "high": c}`` (triangular).
        """
        accepted = ("a number, {point = x}, {range = [low, high]}, {triangular = [low, mode, high]}, "
                    "{lognormal = {median = m, gsd = g}}, {lognormal = [p5, p95]} or {low = a, best = b, high = c}")
        if isinstance(spec, bool):
            raise InputError(f"{where}: expected {accepted}; got {spec!r}")
        if isinstance(spec, int | float):
            return cls.point(spec)
        if isinstance(spec, Uncertain):
            return spec
        if not isinstance(spec, Mapping):
            raise InputError(f"{where}: expected {accepted}; got {spec!r}")
        keys = {k for k in spec if k not in ("source", "unit", "note", "label")}
        try:
            if keys == {"point"}:
                return cls.point(_num(spec["point"]))
            if keys == {"range"}:
                lo, hi = _nums(spec["range"], 2)
                return cls.range(lo, hi, label=label)
            if keys == {"triangular"}:
                lo, mo, hi = _nums(spec["triangular"], 3)
                return cls.triangular(lo, mo, hi, label=label)
            if keys == {"lognormal"}:
                p = spec["lognormal"]
                if isinstance(p, Mapping):
                    return cls.lognormal(_num(p["median"]), _num(p["gsd"]), label=label)
                lo, hi = _nums(p, 2)
                return cls.lognormal_from_bounds(lo, hi, label=label)
            if keys == {"low", "best", "high"}:
                return cls.triangular(_num(spec["low"]), _num(spec["best"]), _num(spec["high"]), label=label)
        except InputError as exc:
            raise InputError(f"{where}: {exc}") from None
        except (KeyError, TypeError, ValueError):
            pass
        raise InputError(f"{where}: expected {accepted}; got {dict(spec)!r}")

    @classmethod
    def _sampled(cls, kind: str, params: tuple[float, ...], label: str, rng: np.random.Generator | None,
                 n: int) -> Uncertain:
        import numpy as np

        gen = rng if rng is not None else np.random.default_rng(_seed(kind, params, label))
        samples = draw(kind, params, n, gen)
        samples.setflags(write=False)
        text = f"{kind}({', '.join(f'{p:g}' for p in params)})"
        return cls(None, samples, text)

    @classmethod
    def from_samples(cls, samples: npt.ArrayLike, spec: str = "samples") -> Uncertain:
        """Wrap an existing sample vector (e.g. the output of a vectorised model)."""
        import numpy as np

        arr = np.array(samples, dtype=np.float64)
        if arr.ndim != 1 or arr.size == 0:
            raise InputError("samples must be a non-empty 1-D array")
        if np.all(arr == arr[0]):
            return cls.point(float(arr[0]))
        arr.setflags(write=False)
        return cls(None, arr, spec)

    # ----------------------------------------------------------------- views
    @property
    def is_point(self) -> bool:
        return self._samples is None

    def samples(self, n: int = DEFAULT_DRAWS) -> FloatArray:
        """The sample vector (a constant vector of length ``n`` for a point)."""
        if self._samples is None:
            assert self._point is not None
            import numpy as np

            return np.full(n, self._point)
        return self._samples

    @cached_property
    def _quantiles(self) -> tuple[float, float, float]:
        if self._samples is None:
            assert self._point is not None
            return (self._point, self._point, self._point)
        lo, mid, hi = percentiles(self._samples, PERCENTILES)
        return (lo, mid, hi)

    @property
    def low(self) -> float:
        """5th percentile."""
        return self._quantiles[0]

    @property
    def best(self) -> float:
        """Median (50th percentile); the value itself for a point."""
        return self._quantiles[1]

    @property
    def high(self) -> float:
        """95th percentile."""
        return self._quantiles[2]

    @property
    def mean(self) -> float:
        if self._samples is None:
            assert self._point is not None
            return self._point
        return float(self._samples.mean())

    def to_dict(self) -> dict[str, float]:
        """``{"low", "best", "high"}`` (see :data:`PERCENTILES`)."""
        lo, mid, hi = self._quantiles
        return {"low": lo, "best": mid, "high": hi}

    def __float__(self) -> float:
        return self.best

    def __repr__(self) -> str:
        if self.is_point:
            return f"Uncertain({self.best:g})"
        return f"Uncertain({self.spec}: low={self.low:.4g}, best={self.best:.4g}, high={self.high:.4g})"

    # ----------------------------------------------------------------- arithmetic
    def apply(self, func: Callable[[Any], Any], spec: str = "f(x)") -> Uncertain:
        """Apply a vectorised numpy function to the samples (or to the point value)."""
        if self._samples is None:
            return Uncertain.point(float(func(self._point)))
        return Uncertain.from_samples(func(self._samples), spec)

    def _combine(self, other: Operand, op: Callable[[Any, Any], Any], sym: str, reverse: bool = False) -> Uncertain:
        o = Uncertain.from_any(other) if isinstance(other, Uncertain | int | float) else None
        if o is None:
            return NotImplemented
        a, b = (o, self) if reverse else (self, o)
        if a._samples is None and b._samples is None:
            return Uncertain.point(float(op(a._point, b._point)))
        av: Any = a._samples if a._samples is not None else a._point
        bv: Any = b._samples if b._samples is not None else b._point
        if a._samples is not None and b._samples is not None and a._samples.shape != b._samples.shape:
            raise InputError(f"cannot combine uncertain values with {a._samples.size} and {b._samples.size} draws")
        import numpy as np

        with np.errstate(divide="ignore", invalid="ignore"):
            out = op(av, bv)
        return Uncertain.from_samples(out, f"({a.spec} {sym} {b.spec})")

    def __add__(self, o: Operand) -> Uncertain:
        return self._combine(o, lambda x, y: x + y, "+")

    def __radd__(self, o: Operand) -> Uncertain:
        return self._combine(o, lambda x, y: x + y, "+", reverse=True)

    def __sub__(self, o: Operand) -> Uncertain:
        return self._combine(o, lambda x, y: x - y, "-")

    def __rsub__(self, o: Operand) -> Uncertain:
        return self._combine(o, lambda x, y: x - y, "-", reverse=True)

    def __mul__(self, o: Operand) -> Uncertain:
        return self._combine(o, lambda x, y: x * y, "*")

    def __rmul__(self, o: Operand) -> Uncertain:
        return self._combine(o, lambda x, y: x * y, "*", reverse=True)

    def __truediv__(self, o: Operand) -> Uncertain:
        self._check_divisor(o)
        return self._combine(o, lambda x, y: x / y, "/")

    def __rtruediv__(self, o: Operand) -> Uncertain:
        self._check_divisor(self)
        return self._combine(o, lambda x, y: x / y, "/", reverse=True)

    def __pow__(self, exponent: Number) -> Uncertain:
        return self._combine(exponent, lambda x, y: x**y, "**")

    def __neg__(self) -> Uncertain:
        return self * -1.0

    @staticmethod
    def _check_divisor(d: Operand) -> None:
        u = Uncertain.from_any(d)
        if u._samples is None:
            zero = u._point == 0
        else:
            vals = u._samples
            zero = bool((vals == 0).any()) or float(vals.min()) < 0 < float(vals.max())
        if zero:
            raise InputError(f"division by a quantity that can be zero: {u.spec or u}")


def percentiles(samples: FloatArray, pcts: tuple[float, ...]) -> tuple[float, ...]:
    """``np.percentile(samples, pcts)`` of a 1-D sample vector (numpy's default ``linear`` method, Hyndman & Fan
    type 7), the same floats to the bit, without ``np.percentile``'s call of ``np.unique``, which imports ``numpy.ma``
    (25–30 ms on a cold first estimate, issue 12). The steps are numpy's: virtual index ``(n − 1)·q``,
    the two order statistics around it (``np.partition``), and numpy's two-sided lerp (``b − (b − a)(1 − t)`` for
    ``t ≥ 0.5``). Any NaN sample: ``np.percentile`` itself."""
    import numpy as np

    arr = np.asarray(samples, dtype=np.float64).ravel()
    n = arr.size
    if n == 0 or bool(np.isnan(arr).any()):
        return tuple(float(v) for v in np.percentile(arr, pcts))
    points = []  # (virtual index, numpy's "previous" index, element below, element above)
    for p in pcts:
        q = p / 100.0
        virtual = (n - 1) * q
        if virtual >= n - 1:
            points.append((virtual, -1, n - 1, n - 1))
        else:  # 0 <= q <= 100 (the quantiles asked for): virtual >= 0
            below = math.floor(virtual)
            points.append((virtual, below, below, below + 1))
    stats = order_statistics(arr, sorted({k for _, _, lo, hi in points for k in (lo, hi)}))
    out = []
    for virtual, prev, lo, hi in points:
        a, b, t = stats[lo], stats[hi], virtual - prev
        diff = b - a
        out.append(b - diff * (1.0 - t) if t >= 0.5 else a + diff * t)
    return tuple(out)


#: Sample vectors at least this long have their order statistics bracketed (:func:`order_statistics`); below it one
#: ``np.partition`` is as fast.
BRACKET_MIN_SIZE = 4096
#: Every how many samples :func:`order_statistics` takes one for its subsample (20,000 draws: 1,250).
_SUBSAMPLE_STEP = 16
#: Half-width of a bracket in subsample ranks: this many sampling deviations (``sqrt(m q (1 − q))`` for a
#: subsample of ``m`` at quantile ``q``) plus a few ranks. Narrow brackets leave few samples to partition; one that
#: misses only costs the whole partition (none of the 3,240 brackets of 360 gpt-4o units missed).
_MARGIN_SIGMA, _MARGIN_RANKS = 3.0, 4


def order_statistics(arr: FloatArray, ks: list[int]) -> dict[int, float]:
    """The ``k``-th smallest element (0-based) of a 1-D vector without NaN for each ``k`` of the sorted ``ks``: the
    values ``np.partition(arr, ks)`` puts at those indices, exactly (an order statistic is one value, whichever
    algorithm finds it).

    A long vector (:data:`BRACKET_MIN_SIZE`) is not partitioned whole (~70-250 µs for 20,000 draws): a subsample
    (every :data:`_SUBSAMPLE_STEP`-th sample, partitioned) gives each group of neighbouring ``k`` a bracket
    ``[lo, hi]`` a few sampling deviations wide; then ``count(arr < lo) ≤ k < count(arr < lo) + count(lo ≤ arr ≤ hi)``
    proves that the ``k``-th element lies in the bracket, where it is the ``(k − count(arr < lo))``-th (of a few
    hundred samples, partitioned instead). A bracket that misses (a rank outside the subsample, or an unlucky
    subsample) falls back to ``np.partition`` of the whole vector: never an approximation."""
    import numpy as np

    n = arr.size
    if n < BRACKET_MIN_SIZE:
        part = np.partition(arr, ks)
        return {k: float(part[k]) for k in ks}
    sub = arr[::_SUBSAMPLE_STEP]
    m = sub.size
    groups: list[list[int]] = []  # neighbouring ranks share one bracket (the 2 order statistics of a percentile)
    for k in ks:
        if groups and k - groups[-1][-1] <= _SUBSAMPLE_STEP:
            groups[-1].append(k)
        else:
            groups.append([k])
    brackets: list[tuple[list[int], int, int]] = []  # (ranks, subsample ranks of the bracket's ends; -1: none)
    for group in groups:
        q = group[0] / n
        margin = _MARGIN_RANKS + math.ceil(_MARGIN_SIGMA * math.sqrt(m * q * (1.0 - q)))
        j_lo, j_hi = group[0] // _SUBSAMPLE_STEP - margin, group[-1] // _SUBSAMPLE_STEP + margin
        brackets.append((group, j_lo, j_hi) if j_lo >= 0 and j_hi < m else (group, -1, -1))
    ends = sorted({j for _, j_lo, j_hi in brackets if j_lo >= 0 for j in (j_lo, j_hi)})
    sub = np.partition(sub, ends) if ends else sub
    out: dict[int, float] = {}
    for group, j_lo, j_hi in brackets:
        if j_lo >= 0:
            lo, hi = sub[j_lo], sub[j_hi]
            below = int(np.count_nonzero(arr < lo))
            inside = arr.compress((arr >= lo) & (arr <= hi))
            if below <= group[0] and group[-1] < below + inside.size:
                part = np.partition(inside, [k - below for k in group])
                out.update((k, float(part[k - below])) for k in group)
                continue
        part = np.partition(arr, group)  # no bracket, or it missed: the whole vector
        out.update((k, float(part[k])) for k in group)
    return out


def _num(x: object) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float):
        raise InputError(f"expected a number, got {x!r}")
    return float(x)


def _nums(x: object, count: int) -> tuple[float, ...]:
    if not isinstance(x, list | tuple) or len(x) != count:
        raise InputError(f"expected a list of {count} numbers, got {x!r}")
    return tuple(_num(v) for v in x)


def as_dict(x: Operand) -> dict[str, float]:
    """``{"low","best","high"}`` for a number or an :class:`Uncertain`."""
    return Uncertain.from_any(x).to_dict()


def best(x: Operand) -> float:
    """Best value of a number or an :class:`Uncertain`."""
    return x.best if isinstance(x, Uncertain) else float(x)
