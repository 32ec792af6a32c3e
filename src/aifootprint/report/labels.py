"""What the report shows readers instead of identifiers and raw numbers: one label table for input/output/site-factor
ids (the JSON and result field names themselves are unchanged), a fallback that turns unknown ids into words, and
one number format for the whole page (:func:`num`: 3 significant figures with trailing zeros, thousands separators,
"million"/"billion"/"trillion" for large numbers, never scientific notation; axis ticks trimmed).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ..notice import Notice, to_notice
from ..numfmt import significant

#: Readable names of the ids that reach the report (sector inputs and outputs, estimator assumptions, site factors).
LABELS: Mapping[str, str] = MappingProxyType({
    "facility_energy_twh": "Data-centre electricity (facility)", "it_energy_twh": "IT (server) electricity",
    "it_power_gw": "IT power", "it_energy_mwh_per_day": "IT electricity per day", "carbon_t": "Carbon",
    "water_consumption_l": "Water consumed", "pue": "PUE (power usage effectiveness)",
    "grid_intensity": "Grid carbon intensity", "intensity_g_per_kwh": "Grid carbon intensity",
    "wue_onsite": "On-site water use (WUE)", "wue_onsite_l_per_kwh": "On-site water use (WUE)",
    "ewif_offsite": "Off-site water of electricity (EWIF)", "ewif_l_per_kwh": "Off-site water of electricity (EWIF)",
    "requests_per_day": "Requests per day", "energy_per_request_wh": "Energy per request",
    "demand_growth_fraction": "Demand growth", "efficiency_gain_fraction": "Efficiency gain",
    "rebound_elasticity": "Rebound elasticity", "servers": "Servers", "server_power_kw": "Server power",
    "active_params_b": "Active parameters", "total_params_b": "Total parameters", "batch": "Batch size",
    "compute_fraction": "Compute utilisation (share of peak)",
    "bandwidth_fraction": "Memory-bandwidth utilisation (share of peak)",
    "base_power_w": "Accelerator base power", "power_limit_w": "Accelerator power limit",
    "energy_per_flop_pj": "Energy per operation (FLOP)", "energy_per_byte_pj": "Energy per byte of memory traffic",
    "engine": "Serving engine", "engine_step_overhead_s": "Engine overhead per step",
    "engine_seq_overhead_s": "Engine overhead per sequence", "engine_layer_overhead_s": "Engine overhead per layer",
    "precision": "Precision", "band_5_95_factors": "Model error (5th–95th percentile factors)",
    "host_power_w_per_accelerator": "Host server power per accelerator",
    "idle_fraction": "Idle machines (share of energy)", "hardware_lifetime_years": "Hardware lifetime",
    "embodied_carbon_kg_per_accelerator": "Embodied carbon per accelerator",
    "host_embodied_carbon_kg_per_accelerator": "Host embodied carbon per accelerator",
    "power_w_per_accelerator": "Power per accelerator", "method": "Method", "training": "Training",
})

#: Unit suffixes dropped from an unknown id's words (the unit is shown next to the value instead).
_SUFFIXES = ("_g_per_kwh", "_l_per_kwh", "_mwh_per_day", "_twh", "_gw", "_kw", "_wh", "_w", "_fraction", "_years",
             "_kg", "_pj", "_s", "_b", "_l", "_t")
_ACRONYMS = {"pue": "PUE", "wue": "WUE", "ewif": "EWIF", "it": "IT", "ai": "AI", "gpu": "GPU", "cpu": "CPU"}
#: Units written as words after a value ("0.1–0.5 per year").
UNIT_WORDS: Mapping[str, str] = MappingProxyType({"1/yr": "per year", "yr": "years", "x": "×"})
#: Units that mean "dimensionless": not written after a value or a name.
DIMENSIONLESS = ("", "-", "1")


def label(name: str) -> str:
    """The reader's name of an id: from :data:`LABELS`, else the id in words (``foo_bar_kw`` -> "Foo bar")."""
    if name in LABELS:
        return LABELS[name]
    if ": " in name:  # "training: pue" -> "Training: PUE (power usage effectiveness)"
        return ": ".join(label(part) for part in name.split(": "))
    stem = name
    for suffix in _SUFFIXES:
        if stem.endswith(suffix) and stem != suffix:
            stem = stem[: -len(suffix)]
            break
    text = " ".join(_ACRONYMS.get(w, w) for w in stem.split("_") if w)
    return text[:1].upper() + text[1:]


def unit_text(unit: str) -> str:
    """A unit as written after a value: "" for dimensionless, words for ``1/yr``."""
    u = unit.strip()
    return "" if u in DIMENSIONLESS else UNIT_WORDS.get(u, u)


def num(x: float, trim: bool = False) -> str:
    """The page's one number format, :func:`aifootprint.numfmt.significant`: 3 significant figures, trailing zeros
    kept so that numbers side by side have the same precision ("1.90", "0.0240", "10.0", "3.91"; ``trim=True``, for
    axis ticks only: "1.9", "10"), thousands separators, words for millions and more ("9.00 billion"), plain
    decimals for small numbers ("0.0000582"), never scientific notation. Text output writes the same format with
    scientific notation at the extremes (:func:`aifootprint.sector.equivalences.fmt`); the page does not, for its
    readers, which is why two names exist (:func:`equivalence_text` rewrites the difference)."""
    return significant(x, trim)


def stated(x: float) -> str:
    """A stated input value: a whole number as written ("64", "9 billion", not "64.0", "9.00 billion"), any other
    through :func:`num`."""
    if x.is_integer():
        return f"{x:,.0f}" if abs(x) < 1e6 else num(x, trim=True)
    return num(x)


#: Time units for small durations (a value below 1 s is written in ms or µs: "58.2 µs", not "5.82e-05 s").
_SMALL_TIME = ((1e-3, 1e3, "ms"), (1e-6, 1e6, "µs"), (0.0, 1e9, "ns"))


def quantity(value: Any, unit: str) -> str:
    """``value unit`` for readers: numbers through :func:`num`, small seconds in ms/µs, dimensionless units left
    out, ``1/yr`` as "per year"."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = str(value)
    elif unit.strip() == "s" and 0 < abs(value) < 1:
        for floor, scale, small in _SMALL_TIME:
            if abs(value) >= floor:
                return f"{num(value * scale)} {small}"
        text = num(value)
    else:
        text = stated(float(value))
    u = unit_text(unit)
    return f"{text} {u}" if u else text


def dist_text(dist: Any) -> str:
    """A sector input's distribution for readers: "0.1–0.5" (uniform range), "669–1,264, most likely 945"
    (triangular), "median 3, GSD 1.5" (lognormal), a point as its value."""
    kind, p = getattr(dist, "kind", ""), tuple(getattr(dist, "params", ()))
    if kind == "point" and p:
        return stated(float(p[0]))
    if kind == "range" and len(p) == 2:
        return f"{num(p[0])}–{num(p[1])}"
    if kind == "triangular" and len(p) == 3:
        return f"{num(p[0])}–{num(p[2])}, most likely {num(p[1])}"
    if kind == "lognormal" and len(p) == 2:
        return f"lognormal, median {num(p[0])}, GSD {num(p[1])}"
    if kind == "empirical":
        lo, hi = dist.bounds
        return f"{num(lo)}–{num(hi)} ({len(p):,} values)"
    return str(dist.describe()) if hasattr(dist, "describe") else str(dist)


def input_text(inp: Any) -> str:
    """A sector input's value(s) for readers, per year when it changes by year ("2024: 415; 2030: 669–1,264, …")."""
    if getattr(inp, "dist", None) is not None:
        return dist_text(inp.dist)
    by_year = getattr(inp, "by_year", ())
    return "; ".join(f"{y}: {dist_text(d)}" for y, d in by_year) if by_year else str(inp.describe())


_LEADING_ID = re.compile(r"^([a-z][a-z0-9]*(?:_[a-z0-9]+)*): ")


def _split_leading_ids(text: str) -> tuple[list[str], str]:
    """The ids a message starts with (known labels or words with ``_``) and the rest: ``"training: pue: …"`` ->
    ``(["training", "pue"], "…")``."""
    ids = []
    while (m := _LEADING_ID.match(text)) and (m.group(1) in LABELS or "_" in m.group(1)):
        ids.append(m.group(1))
        text = text[m.end():]
    return ids, text


def reader_text(text: str) -> str:
    """A message for readers: leading ids (``"training: grid_intensity: …"``) become labels ("Training: Grid carbon
    intensity: …"); the rest is left as written."""
    ids, rest = _split_leading_ids(text)
    return ": ".join([*map(label, ids), rest]) if ids else text


_REGISTRY_COLUMN = re.compile(r"\bregistry ([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)")
_TRAINING_RUN = re.compile(r"\btraining_runs: ")


def plain_words(text: str) -> str:
    """Registry references in an estimator's assumption source written in words: ``registry
    models.serving_precision`` -> "the registry's model table (serving precision)", ``training_runs: llama-3.1-70b``
    -> "published training run of llama-3.1-70b"."""
    def column(m: re.Match[str]) -> str:
        table = m.group(1).replace("_", " ")
        return f"the registry's {table.removesuffix('s')} table ({m.group(2).replace('_', ' ')})"

    return _TRAINING_RUN.sub("published training run of ", _REGISTRY_COLUMN.sub(column, text))


def leading_ids(text: str) -> list[str]:
    """The ids a legacy message starts with: ``"training: pue: …"`` -> ``["training", "pue"]``."""
    return _split_leading_ids(text)[0]


def reader_notice(item: Notice | str) -> str:
    """A warning as shown to readers: :func:`reader_text` of its message."""
    return reader_text(str(to_notice(item)))


#: Equivalence names that are themselves a unit counted by the ratio ("2.59 trillion km by passenger car", not
#: "2.59 trillion × km by passenger car").
_COUNTED = ("km ", "passenger-km ", "tree-years ")


def equivalence_text(e: Any) -> str:
    """An equivalence's sentence (:func:`aifootprint.sector.equivalences.compare`) in the page's number format,
    without "×" before a name that is a unit."""
    from ..sector.equivalences import fmt

    text = str(e.text)
    for v in (e.ratio, 100 * e.ratio, e.reference_value):
        old = fmt(v)
        if old != num(v):
            text = text.replace(old, num(v), 1)
    if str(e.label).startswith(_COUNTED):
        text = text.replace(f"{num(e.ratio)} × {e.label}", f"{num(e.ratio)} {e.label}", 1)
    return text
