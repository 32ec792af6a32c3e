"""Vectorised Monte Carlo of a scenario, its published-corner bounds and a sensitivity ranking.

* **Draws**: one uniform vector per uncertain input, mapped through the input's quantile function for every
  year (so year-by-year anchors stay rank-coupled); the model runs once on ``(years, draws)`` arrays.
* **Per-year summary**: ``low`` / ``best`` / ``high`` = 5th / 50th / 95th percentiles (:data:`PERCENTILES`).
* **Nominal**: every input at the value its source states (point, range midpoint, triangular mode, lognormal
  median): the number an author's own arithmetic gives.
* **Bounds**: every combination of input bounds (range/triangular ends, lognormal p5/p95), min and max: the
  "corner" arithmetic published ranges use (e.g. DV23's 85.4–134.0 TWh).
* **Sensitivity**: Spearman rank correlation of each input with the headline output (on a subsample), and the
  one-at-a-time swing of the output when that input moves from its 5th to its 95th percentile with the others
  at their nominal values (the tornado chart).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import InputError
from ..limits import MAX_SEED
from ..notice import Notice
from ..uncertainty import PERCENTILES
from .distributions import Dist
from .models import HEADLINE, OUTPUT_UNITS, InputSpec, compute, specs
from .scenario import Input, Scenario, check_sources

FloatArray = npt.NDArray[np.float64]
Pick = Callable[[str, Dist], FloatArray]

#: Default number of draws and seed (results are reproducible for a given seed).
DEFAULT_DRAWS = 100_000
DEFAULT_SEED = 20231010
#: Draws used for the rank correlations (a subsample keeps 1 M-draw runs fast; Spearman's sampling error at
#: 20,000 draws is about 0.007).
SENSITIVITY_DRAWS = 20_000
#: Largest number of uncertain inputs whose bound combinations are enumerated (2**12 = 4,096 evaluations).
MAX_CORNER_INPUTS = 12
#: Notice code of a site factor or input that is a default (industry average, world average) instead of a value for
#: the place or the scenario.
FALLBACK = "estimated-fallback"
_CHUNK = 262_144


@dataclass(frozen=True)
class Prepared:
    """A scenario with defaults and site factors filled in: every input the model will use."""

    scenario: Scenario
    inputs: Mapping[str, Input]
    warnings: tuple[Notice, ...] = ()

    @property
    def uncertain(self) -> list[str]:
        return [k for k, v in self.inputs.items() if v.is_uncertain and not k.startswith("_")]


def _site_inputs(scenario: Scenario, registry: Any, have: set[str]) -> tuple[dict[str, Input], list[Notice]]:
    """Site factors from the impacts core for the scenario's location (those the file does not set)."""
    if not scenario.location:
        return {}, []
    try:
        from ..impacts import resolve_site
    except ImportError as exc:  # pragma: no cover - the core ships with the package
        return {}, [Notice("not-computed", f"impacts core unavailable ({exc}); carbon and water not computed",
                           "carbon_t")]
    try:
        site = resolve_site(scenario.location, scenario.operator, registry=registry)
    except InputError as exc:
        first = str(exc).split(";")[0]
        where = "operator" if scenario.operator and "operator" in first else "location"
        raise scenario.error_at(("scenario", where), str(exc)) from None
    out: dict[str, Input] = {}
    mapping = (("pue", site.pue), ("intensity_g_per_kwh", site.intensity), ("wue_onsite_l_per_kwh", site.wue),
               ("ewif_l_per_kwh", site.ewif))
    for name, factor in mapping:
        if name in have:
            continue
        note = f"from the impacts core for {site.location} (zone {site.zone})"
        if factor.estimated:
            note += "; estimated fallback"
        out[name] = _factor_input(name, specs(scenario.model)[name].unit, factor, note)
    used = {"pue": "pue", "intensity_g_per_kwh": "grid_intensity", "wue_onsite_l_per_kwh": "wue_onsite",
            "ewif_l_per_kwh": "ewif_offsite"}
    factors = {used[n] for n in out}
    warnings = [Notice(FALLBACK, f"{f.name}: {f.note or 'estimated fallback (' + f.source + ')'}", f.name, f.source)
                for f in site.factors() if f.estimated and f.name in factors]
    year = site.intensity.year
    if "intensity_g_per_kwh" in out and year is not None and (year < scenario.years[0] or year > scenario.years[-1]):
        span = f"{scenario.years[0]}" if len(scenario.years) == 1 else f"{scenario.years[0]}–{scenario.years[-1]}"
        warnings.append(Notice(
            "intensity-year-mismatch", f"grid_intensity: the {year} intensity of {site.location} "
            f"({_best(site.intensity.value):g} gCO2e/kWh, {site.intensity.source}) is applied to {span}; no "
            "year-matched intensity is in the registry, so carbon ignores any change of the grid since then",
            "grid_intensity", site.intensity.source))
    return out, warnings


def _best(value: Any) -> float:
    """A site factor's point value (the median of an uncertain one)."""
    return float(value) if isinstance(value, int | float) else float(value.best)


def _operator_pue(scenario: Scenario, registry: Any) -> Input:
    """The PUE of the scenario's ``operator`` when it names no location (``datacenter_operators.csv`` through the
    impacts core); an unknown operator is an error at its line."""
    from ..impacts import resolve_site

    try:
        factor = resolve_site(None, scenario.operator, registry=registry).pue
    except InputError as exc:
        raise scenario.error_at(("scenario", "operator"), str(exc)) from None
    return _factor_input("pue", "-", factor, f"PUE of operator {scenario.operator}")


def _factor_input(name: str, unit: str, factor: Any, note: str) -> Input:
    """An input from a site factor of the impacts core: its samples (an uncertain factor) or its value, with its
    source and year."""
    v = factor.value
    dist = Dist.point(float(v)) if isinstance(v, int | float) else Dist.empirical(v.samples())
    return Input(name, unit, factor.source + (f" ({factor.year})" if factor.year else ""), dist, (), note)


def _default_pue(registry: Any) -> tuple[Input, Notice]:
    """PUE when neither the file nor a location gives one: the impacts core's industry-average operator row
    (``datacenter_operators.csv``, ``unknown``: Uptime Institute survey, UPTIME), flagged, as every other path."""
    from ..impacts import resolve_site

    factor = resolve_site(None, None, registry=registry).pue
    value = _best(factor.value)
    src = factor.source + (f" ({factor.year})" if factor.year else "")
    note = "no pue and no location given: industry-average PUE; estimated fallback"
    warning = Notice(FALLBACK, f"pue: no pue and no location given: industry-average PUE {value:g} used ({src}); "
                     "facility energy = IT energy × PUE; IT figures (it_*) do not depend on it", "pue", factor.source)
    return Input("pue", "-", src, Dist.point(value), (), note), warning


def _held_constant(scenario: Scenario) -> list[Notice]:
    """A notice per ``by_year`` input whose anchors stop before the last scenario year (or start after the
    first): those years take the nearest anchor's value unchanged (:func:`_values_for`), an assumption the file
    does not state. (Trajectory anchors must cover the years; shipments must start by the first year.)"""
    out = []
    first, last = scenario.years[0], scenario.years[-1]
    for inp in scenario.inputs.values():
        if not inp.by_year:
            continue
        (y0, d0), (y1, d1) = inp.by_year[0], inp.by_year[-1]
        spans = []
        if last > y1:
            spans.append((y1, d1, f"{y1 + 1}–{last}" if last > y1 + 1 else f"{last}", "after"))
        if first < y0:
            spans.append((y0, d0, f"{first}–{y0 - 1}" if y0 - 1 > first else f"{first}", "before"))
        for year, dist, span, side in spans:
            out.append(Notice("assumption", f"{inp.name}: held at its {year} value ({dist.describe()} {inp.unit}) "
                              f"in {span}: no anchor {side} {year}; add one to change it", inp.name, inp.source))
    return out


def prepare(scenario: Scenario, registry: Any = None) -> Prepared:
    """Check the source keys, then fill defaults (flagged in the warnings) and the site factors of the scenario's
    location."""
    from ..reference.registry import default_registry

    check_sources(scenario, (registry or default_registry()).sources())
    inputs = dict(scenario.inputs)
    site, warnings = _site_inputs(scenario, registry, set(inputs))
    inputs.update(site)
    defaulted = []
    for name, spec in specs(scenario.model).items():
        if name not in inputs and spec.default is not None:
            inputs[name] = Input(name, spec.unit, "default", Dist.point(spec.default), (), spec.help)
            defaulted.append(f"{name} = {spec.default:g}")
    if defaulted:
        warnings.append(Notice("default-inputs", "inputs not given, defaults used: " + ", ".join(defaulted),
                               "inputs"))
    if "pue" not in inputs and scenario.operator:  # an operator without a location: its PUE (it was ignored)
        inputs["pue"] = _operator_pue(scenario, registry)
    if "pue" not in inputs:
        inputs["pue"], note = _default_pue(registry)
        warnings.append(note)
    warnings.extend(_held_constant(scenario))
    if scenario.model == "demand" and "rebound_elasticity" in scenario.inputs:
        from .rebound import NO_PUBLISHED_ELASTICITY

        warnings.append(Notice("assumption", NO_PUBLISHED_ELASTICITY, "rebound_elasticity", "LU25"))
    if not any(k in inputs for k in ("intensity_g_per_kwh",)):
        warnings.append(Notice("not-computed", "no location or grid intensity given: carbon not computed",
                               "carbon_t"))
    return Prepared(scenario, inputs, tuple(warnings))


# --------------------------------------------------------------------------------------------- evaluation
def _values_for(inp: Input, years: tuple[int, ...], pick: Pick, geometric: bool) -> FloatArray:
    """Input values as an array of shape (1 or len(years), k)."""
    if inp.dist is not None:
        return np.atleast_1d(pick(inp.name, inp.dist))[None, :]
    anchors = [(y, np.atleast_1d(pick(inp.name, d))) for y, d in inp.by_year]
    k = max(a.size for _, a in anchors)
    rows = []
    for y in years:
        if y <= anchors[0][0]:
            rows.append(np.broadcast_to(anchors[0][1], (k,)))
            continue
        if y >= anchors[-1][0]:
            rows.append(np.broadcast_to(anchors[-1][1], (k,)))
            continue
        j = next(i for i in range(1, len(anchors)) if anchors[i][0] >= y)
        (y0, a0), (y1, a1) = anchors[j - 1], anchors[j]
        w = (y - y0) / (y1 - y0)
        if geometric and np.all(a0 > 0) and np.all(a1 > 0):
            rows.append(np.broadcast_to(a0 ** (1 - w) * a1**w, (k,)))
        else:
            rows.append(np.broadcast_to((1 - w) * a0 + w * a1, (k,)))
    return np.asarray(np.stack(rows), dtype=np.float64)


def evaluate(prepared: Prepared, pick: Pick) -> dict[str, FloatArray]:
    """Run the model with every input's values chosen by ``pick(name, dist) -> array``.

    A demand scenario runs on every year from the first to the last (its rates compound year by year, so a rate
    given ``by_year`` needs the years between those listed) and keeps the listed years' rows."""
    sc = prepared.scenario
    if sc.model == "demand":
        span = tuple(range(sc.years[0], sc.years[-1] + 1))
        if span != sc.years:
            rows = [y - sc.years[0] for y in sc.years]
            full = _evaluate(prepared, pick, span)
            return {k: v[rows] if v.shape[0] == len(span) else v for k, v in full.items()}
    return _evaluate(prepared, pick, sc.years)


def _geometric(model_specs: Mapping[str, InputSpec], name: str) -> bool:
    """True when input ``name`` is interpolated geometrically between anchors (a trajectory's totals), by the
    model's ``specs``."""
    return name in model_specs and model_specs[name].interpolation == "geometric"


def _evaluate(prepared: Prepared, pick: Pick, years: tuple[int, ...]) -> dict[str, FloatArray]:
    sc = prepared.scenario
    model_specs = specs(sc.model)
    values: dict[str, FloatArray] = {}
    for name, inp in prepared.inputs.items():
        geometric = _geometric(model_specs, name)
        if name == "shipments_servers":
            first = inp.by_year[0][0] if inp.by_year else years[0]
            ship_years = tuple(range(first, years[-1] + 1))
            values["_shipments"] = _values_for(inp, ship_years, pick, geometric)
            values["_ship_years"] = np.asarray(ship_years, dtype=np.float64)[:, None]
            continue
        values[name] = _values_for(inp, years, pick, geometric)
    return compute(sc.model, years, values)


def _nominal(_: str, d: Dist) -> FloatArray:
    return np.array([d.nominal])


@dataclass(frozen=True)
class Sensitivity:
    """How much one input moves the headline output in the last year."""

    name: str
    unit: str
    source: str
    spearman: float
    output_at_p5: float
    output_at_p95: float
    input_p5: float
    input_p95: float

    @property
    def swing(self) -> float:
        return abs(self.output_at_p95 - self.output_at_p5)

    def to_dict(self) -> dict[str, Any]:
        """JSON row; the input values are in ``input_unit``, the outputs named with the headline and its unit
        (``facility_energy_twh_at_input_p5``, ``output_unit`` TWh/yr)."""
        out = HEADLINE
        return {"input": self.name, "input_unit": self.unit, "source": self.source, "spearman": self.spearman,
                "input_p5": self.input_p5, "input_p95": self.input_p95, "output": out,
                "output_unit": OUTPUT_UNITS[out], f"{out}_at_input_p5": self.output_at_p5,
                f"{out}_at_input_p95": self.output_at_p95, f"{out}_swing": self.swing}


@dataclass(frozen=True)
class RunResult:
    """Per-year percentiles, nominal values, corner bounds and the sensitivity ranking of one run."""

    prepared: Prepared
    draws: int
    seed: int
    quantiles: Mapping[str, FloatArray]  # output -> (years, 3): p5, p50, p95
    nominal: Mapping[str, FloatArray]  # output -> (years,)
    bounds: Mapping[str, FloatArray]  # output -> (years, 2): min, max over bound combinations
    sensitivity: tuple[Sensitivity, ...] = ()
    warnings: tuple[Notice, ...] = field(default=())

    @property
    def scenario(self) -> Scenario:
        return self.prepared.scenario

    @property
    def years(self) -> tuple[int, ...]:
        return self.prepared.scenario.years

    def at(self, output: str, year: int) -> dict[str, float]:
        """low/best/high, nominal and bounds of ``output`` in ``year``."""
        if output not in self.quantiles:
            raise InputError(f"output {output!r} not computed; available: {', '.join(self.quantiles)}")
        if year not in self.years:
            raise InputError(f"year {year} not in the scenario years {self.years[0]}..{self.years[-1]}")
        i = self.years.index(year)
        q, b = self.quantiles[output][i], self.bounds[output][i]
        return {"low": float(q[0]), "best": float(q[1]), "high": float(q[2]), "nominal": float(self.nominal[output][i]),
                "bound_low": float(b[0]), "bound_high": float(b[1])}


def _corner_picks(names: list[str]) -> Pick:
    m = len(names)
    combos = np.arange(2**m)
    bits = {n: ((combos >> i) & 1).astype(bool) for i, n in enumerate(names)}

    def pick(name: str, d: Dist) -> FloatArray:
        if name not in bits:
            return np.array([d.nominal])
        lo, hi = d.bounds
        return np.where(bits[name], hi, lo)

    return pick


def input_in_year(prepared: Prepared, name: str, year_index: int,
                  pick: Callable[[Dist], FloatArray]) -> FloatArray:
    """``pick(dist)`` of input ``name`` in scenario year ``year_index``, interpolated between ``by_year`` anchors
    as the model uses it (geometric for a trajectory's totals, else linear; held beyond the anchors)."""
    geometric = _geometric(specs(prepared.scenario.model), name)
    values = _values_for(prepared.inputs[name], prepared.scenario.years, lambda _, d: pick(d), geometric)
    return np.asarray(values[min(year_index, values.shape[0] - 1)], dtype=np.float64)


def _oat(prepared: Prepared, names: list[str], year_index: int) -> dict[str, tuple[float, float, float, float]]:
    """One-at-a-time: output of the headline when each input is at its p5 / p95, others nominal."""
    pos = {n: i for i, n in enumerate(names)}

    def pick(name: str, d: Dist) -> FloatArray:
        base = np.full(1 + 2 * len(names), d.nominal)
        if name in pos:
            lo, hi = d.quantile(np.array([0.05, 0.95]))
            base[1 + 2 * pos[name]] = lo
            base[2 + 2 * pos[name]] = hi
        return base

    out = evaluate(prepared, pick)[HEADLINE][year_index]
    result = {}
    for n, i in pos.items():
        # the input's own p5/p95 in that year, interpolated between anchors as the model uses it (not the nearest
        # anchor's: a 2028 between anchors 2024 and 2030 is neither)
        lo_in, hi_in = (float(x) for x in input_in_year(prepared, n, year_index,
                                                        lambda d: d.quantile(np.array([0.05, 0.95]))))
        result[n] = (float(out[1 + 2 * i]), float(out[2 + 2 * i]), lo_in, hi_in)
    return result


def _scaled_quantiles(full: FloatArray, known: Mapping[str, tuple[FloatArray, FloatArray]]) -> FloatArray:
    """Per-year p5/p50/p95 of ``full``; when ``full`` is a positive constant multiple (per year) of an output
    whose percentiles are known, scale those instead of sorting again (exact, and 3-5x faster at 1 M draws)."""
    for ref, ref_q in known.values():
        if ref.shape != full.shape or not np.all(ref[:, :1] > 0):
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = full / ref
        lo, hi = ratio.min(axis=1), ratio.max(axis=1)
        if np.all(np.isfinite(lo)) and np.all(lo > 0) and np.allclose(lo, hi, rtol=1e-12, atol=0.0):
            return np.asarray(ref_q * lo[:, None], dtype=np.float64)
    return np.asarray(np.percentile(full, PERCENTILES, axis=1).T, dtype=np.float64)


def _spearman(x: FloatArray, y: FloatArray) -> float:
    rx = np.argsort(np.argsort(x)).astype(np.float64)
    ry = np.argsort(np.argsort(y)).astype(np.float64)
    if np.std(rx) == 0 or np.std(ry) == 0:
        return 0.0
    return float(np.corrcoef(rx, ry)[0, 1])


def _streams(seed: int, inputs: int, draws: int) -> list[np.random.Generator]:
    """One generator per uncertain input: input ``i`` reads the ``draws`` numbers that start ``i × draws`` numbers
    into the seed's PCG64 stream (``advance`` jumps there). The draws are those of ``default_rng(seed).random``
    called once per input for all draws, whatever the chunking (a progress bar draws in chunks): the same seed
    gives the same numbers with and without one (PCG64 gives one 64-bit output per double)."""
    out = []
    for i in range(inputs):
        bits = np.random.PCG64(seed)
        bits.advance(i * draws)
        out.append(np.random.Generator(bits))
    return out


def run(scenario: Scenario | Prepared, draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED,
        registry: Any = None, progress: Callable[[int, int], None] | None = None,
        sensitivity: bool = True) -> RunResult:
    """Monte Carlo of ``scenario`` with ``draws`` draws (seeded); see the module docstring."""
    if isinstance(draws, bool) or not isinstance(draws, int) or not 1 <= draws <= 10_000_000:
        raise InputError(f"draws must be an integer in 1..10,000,000, got {draws!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise InputError(f"seed must be an integer in 0..2**63-1, got {seed!r}")
    prepared = scenario if isinstance(scenario, Prepared) else prepare(scenario, registry)
    from .memory import check_memory, too_big

    check_memory(draws, len(prepared.scenario.years))
    try:
        return _run(prepared, draws, seed, progress, sensitivity)
    except MemoryError:  # an estimate below what the run needed: still one line, not a traceback
        raise InputError(too_big(draws, len(prepared.scenario.years), None)) from None


def _run(prepared: Prepared, draws: int, seed: int, progress: Callable[[int, int], None] | None,
         sensitivity: bool) -> RunResult:
    names = prepared.uncertain
    streams = _streams(seed, len(names), draws)
    chunks: dict[str, list[FloatArray]] = {}
    uniforms: dict[str, list[FloatArray]] = {n: [] for n in names}
    done = 0
    chunk = _CHUNK if progress is not None else draws
    while done < draws:
        k = min(chunk, draws - done)
        u = {n: g.random(k) for n, g in zip(names, streams, strict=True)}

        def pick(name: str, d: Dist, u: dict[str, FloatArray] = u) -> FloatArray:
            return d.quantile(u[name]) if name in u and not d.is_point else np.array([d.nominal])

        for key, arr in evaluate(prepared, pick).items():
            chunks.setdefault(key, []).append(np.broadcast_to(arr, (arr.shape[0], k)) if arr.shape[1] == 1 else arr)
        if sensitivity:
            kept = max(0, min(k, SENSITIVITY_DRAWS - done))
            for n in names:
                uniforms[n].append(u[n][:kept])
        done += k
        if progress is not None:
            progress(done, draws)
    years = prepared.scenario.years
    quantiles: dict[str, FloatArray] = {}
    nominal: dict[str, FloatArray] = {}
    bounds: dict[str, FloatArray] = {}
    nom = evaluate(prepared, _nominal)
    corner_names = names[:MAX_CORNER_INPUTS]
    warnings = list(prepared.warnings)
    if len(names) > MAX_CORNER_INPUTS:
        warnings.append(Notice("bounds-partial", f"bounds enumerate the first {MAX_CORNER_INPUTS} uncertain inputs "
                               "only", "bounds"))
    corners = evaluate(prepared, _corner_picks(corner_names))
    fulls = {key: parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1) for key, parts in chunks.items()}
    order = [HEADLINE, *(k for k in fulls if k != HEADLINE)]
    for key in order:
        full = fulls[key]
        quantiles[key] = _scaled_quantiles(full, {k: (fulls[k], quantiles[k]) for k in quantiles})
    for key in fulls:
        nominal[key] = nom[key][:, 0] if nom[key].shape[0] == len(years) else np.repeat(nom[key][0, 0], len(years))
        c = np.broadcast_to(corners[key], (len(years), corners[key].shape[1]))
        bounds[key] = np.stack([c.min(axis=1), c.max(axis=1)], axis=1)
    sens: list[Sensitivity] = []
    if sensitivity and names:
        last = len(years) - 1
        full_head = fulls[HEADLINE]
        m = min(draws, SENSITIVITY_DRAWS)
        y = full_head[last, :m]
        oat = _oat(prepared, names, last)
        for n in names:
            x = np.concatenate(uniforms[n])[:m]
            lo, hi, lo_in, hi_in = oat[n]
            inp = prepared.inputs[n]
            sens.append(Sensitivity(n, inp.unit, inp.source, _spearman(x, y), lo, hi, lo_in, hi_in))
        sens.sort(key=lambda s: (-s.swing, -abs(s.spearman)))
    return RunResult(prepared, draws, seed, quantiles, nominal, bounds, tuple(sens), tuple(warnings))


def summary(result: RunResult) -> dict[str, Any]:
    """Plain per-year values for the JSON contract: ``{output: {year: {low, best, high}}}`` (only those three:
    the nominal values and corner bounds are in :func:`aifootprint.sector.outputs.published_check`)."""
    out: dict[str, Any] = {}
    for key in OUTPUT_UNITS:
        if key in result.quantiles:
            out[key] = {str(y): {k: v for k, v in result.at(key, y).items() if k in ("low", "best", "high")}
                        for y in result.years}
    return out
