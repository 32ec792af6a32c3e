"""Express an energy, carbon or water amount in familiar terms, each with its source.

* energy: per-use references for small amounts (Google searches, Hölzle 2009 via DV23; minutes of a 9 W LED
  bulb, ENERGY STAR), shown from 1/1,000 to a million times; the nearest countries' annual electricity
  generation (``country_electricity.csv``, OWID/Ember via CodeCarbon), the share of world generation, the Bitcoin
  network (``sector_figures.csv``: Digiconomist BECI, Cambridge CBECI, with year), households' annual electricity
  (U.S. EIA, EU Odyssee-Mure), each annual reference shown only when the amount is at least a millionth of it;
* carbon: km by car, flights, tree-years (Green Algorithms reference values, CC BY 4.0);
* water: 500 mL bottles (the unit of Li et al. 2023) and an average U.S. shower (Residential End Uses of Water
  2016);
* power (GW) is annualised at 8,760 h and compared as energy.

All reference amounts live in ``reference/data/equivalences.csv`` (and ``country_electricity.csv``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ..errors import InputError
from ..numfmt import significant
from ..reference.registry import Registry, Row, default_registry, row_float, row_str
from .calendar import HOURS_PER_YEAR as _HOURS_PER_YEAR

#: Units accepted by :func:`parse_quantity` -> (kind, factor to the base unit: kWh, gCO2e, L, kW).
UNITS: Mapping[str, tuple[str, float]] = MappingProxyType({
    "j": ("energy", 1 / 3.6e6), "kj": ("energy", 1 / 3600.0), "mj": ("energy", 1 / 3.6), "gj": ("energy", 1e3 / 3.6),
    "wh": ("energy", 1e-3), "kwh": ("energy", 1.0), "mwh": ("energy", 1e3), "gwh": ("energy", 1e6),
    "twh": ("energy", 1e9), "pwh": ("energy", 1e12),
    "g": ("carbon", 1.0), "kg": ("carbon", 1e3), "t": ("carbon", 1e6), "kt": ("carbon", 1e9),
    "mt": ("carbon", 1e12), "gt": ("carbon", 1e15),
    "ml": ("water", 1e-3), "l": ("water", 1.0), "m3": ("water", 1e3), "m³": ("water", 1e3),
    "megalitre": ("water", 1e6), "gigalitre": ("water", 1e9),
    "w": ("power", 1e-3), "kw": ("power", 1.0), "mw": ("power", 1e3), "gw": ("power", 1e6), "tw": ("power", 1e9),
})
_SUFFIXES = ("co2e", "co2eq", "co2", "/yr", "/year", "peryear")
#: Hours per year used to annualise a power (8,760 h, as DV23; see :mod:`aifootprint.sector.calendar`).
HOURS_PER_YEAR = _HOURS_PER_YEAR
_MULTIPLIERS: Mapping[str, float] = MappingProxyType({"thousand": 1e3, "million": 1e6, "billion": 1e9,
                                                      "trillion": 1e12})


@dataclass(frozen=True)
class Quantity:
    """A parsed amount in its base unit: energy [kWh], carbon [gCO2e], water [L] or power [kW]."""

    kind: str
    value: float
    text: str

    @property
    def unit(self) -> str:
        return {"energy": "kWh", "carbon": "gCO2e", "water": "L", "power": "kW"}[self.kind]

    @property
    def unit_suffix(self) -> str:
        """The base unit as a name suffix (``value_kwh``, ``value_g``, ``value_l``, ``value_kw``)."""
        return {"energy": "kwh", "carbon": "g", "water": "l", "power": "kw"}[self.kind]


#: A number: digits (``_`` groups allowed) or commas as thousands groups only (``1,287``; ``1,5`` is refused, never
#: read as 15), an optional decimal part with a point, an optional exponent (``2e3``).
_NUMBER = r"[-+]?(?:(?:\d{1,3}(?:,\d{3})+|\d+(?:_\d+)*)(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
#: Number, then whitespace or directly a letter, an optional multiplier word, then a unit starting with a letter.
_AMOUNT = re.compile(rf"({_NUMBER})(?:\s+|(?=[^\W\d_]))(?:([^\W\d_]+)\s+)?([^\W\d_]\S*)")
#: Largest amount accepted, in the base unit (kWh, g, L, kW): world electricity is ~3e13 kWh a year (IEA 2024), world
#: emissions ~5e16 g (UNEP Emissions Gap 2023); 1e20 leaves room for any what-if while keeping ratios finite.
MAX_AMOUNT = 1e20
#: A greenhouse-gas word after a carbon unit and a space (``552 t CO2e``); written without the space it is a suffix.
_GAS = re.compile(r"\s+(CO2(?:e|eq|-eq)?)$", re.IGNORECASE)
ACCEPTED_UNITS = ("energy J kJ MJ GJ Wh kWh MWh GWh TWh PWh; carbon g kg t kt Mt Gt (CO2e); water ml L m3 ML GL; "
                  "power W kW MW GW TW")


def parse_quantity(text: str) -> Quantity:
    """Parse ``"85 TWh"``, ``"500 ml"``, ``"552 t"``, ``"4.2 billion m3"``, ``"23 GW"``, ``"2e3 kWh"``.

    Case matters only for ``ML``/``GL`` (megalitres, gigalitres) versus ``ml`` (millilitres). Commas are read
    only as thousands groups (``1,287``); a decimal comma (``1,5``) is refused rather than read as 15. A number
    without a unit is refused with the list of accepted units.
    """
    raw = " ".join(text.split())
    gas = _GAS.search(raw)  # "552 t CO2e", "32.6 Mt CO2": the gas after a space names a carbon unit
    m = _AMOUNT.fullmatch(raw[:gas.start()] if gas else raw)
    if not m:
        if re.fullmatch(_NUMBER, raw):
            raise InputError(f"{text!r} has no unit; write e.g. '{raw} TWh'. Accepted units: {ACCEPTED_UNITS}")
        lead = re.match(r"[-+]?[0-9][0-9_,.]*", raw)
        if lead and "," in lead.group(0) and not re.fullmatch(_NUMBER, lead.group(0).rstrip(".")):
            raise InputError(f"cannot read {lead.group(0)!r} in {text!r}: commas are accepted only as thousands "
                             "separators (1,287); for a decimal use a point (1.5)")
        raise InputError(f"cannot read {text!r} as an amount; write e.g. '85 TWh', '500 ml', '552 t'. "
                         f"Accepted units: {ACCEPTED_UNITS}")
    number = float(m.group(1).replace(",", "").replace("_", ""))
    mult_word = (m.group(2) or "").strip().lower()
    if mult_word and mult_word not in _MULTIPLIERS:
        raise InputError(f"unknown multiplier {mult_word!r} in {text!r}; accepted: {', '.join(_MULTIPLIERS)}")
    number *= _MULTIPLIERS.get(mult_word, 1.0)
    unit = m.group(3)
    if re.fullmatch(r"mWh?", unit):  # milli, not mega: refused rather than read as MWh (a factor of 10^9)
        raise InputError(f"{unit!r} in {text!r} would be milliwatt{'-hours' if unit.endswith('h') else 's'}, "
                         f"which is not accepted; for mega write M{unit[1:]} ('{m.group(1)} M{unit[1:]}')")
    if unit in ("ML", "Ml"):
        key = "megalitre"
    elif unit in ("GL", "Gl"):
        key = "gigalitre"
    else:
        key = unit.lower()
        for suffix in _SUFFIXES:
            if key.endswith(suffix) and key != suffix:
                key = key[: -len(suffix)]
        key = key.rstrip("e") if key in ("te", "kte", "mte") else key
    if key not in UNITS:
        from ..errors import unknown_choice

        raise unknown_choice("unit", unit, [u for u in UNITS if u not in ("megalitre", "gigalitre")] + ["ML", "GL"])
    if not math.isfinite(number) or number < 0:
        raise InputError(f"amount must be a non-negative finite number, got {m.group(1)!r}")
    kind, factor = UNITS[key]
    if gas and kind != "carbon":
        raise InputError(f"{gas.group(1)!r} in {text!r} goes with a carbon unit (g, kg, t, kt, Mt, Gt), not {unit!r}")
    value = number * factor
    if not value <= MAX_AMOUNT:  # also catches an overflow to inf (1e308 TWh)
        base = {"energy": "kWh", "carbon": "g", "water": "L", "power": "kW"}[kind]
        raise InputError(f"amount {raw!r} is out of range; accepted: 0 to {MAX_AMOUNT:g} {base} (world annual "
                         "totals are below 1e17 in each unit)")
    return Quantity(kind, value, raw)


@dataclass(frozen=True)
class Equivalence:
    """``amount`` is ``ratio`` × the reference (``reference_value`` ``reference_unit``)."""

    label: str
    ratio: float
    reference_value: float
    reference_unit: str
    source: str
    year: int | None
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "ratio": self.ratio, "reference_value": self.reference_value,
                "reference_unit": self.reference_unit, "source": self.source, "year": self.year, "text": self.text}


@dataclass(frozen=True)
class CountryElectricity:
    """A country's (or the world's) annual electricity generation."""

    zone: str
    name: str
    generation_twh: float
    year: int | None
    source: str


def fmt(x: float) -> str:
    """A number in text (the CLI, these sentences, the index page): :func:`aifootprint.numfmt.significant` with
    ``scientific=True`` ("1.90", "3.91 billion", "3.39e-12"). Two names for one format exist because the HTML
    report (:func:`aifootprint.report.labels.num`) never writes scientific notation, for readers of the page, while
    text keeps magnitudes below 0.001 or from 1e15 on short (1 kWh is "3.39e-12 %" of world generation in 2023, not
    a run of zeros)."""
    return significant(x, scientific=True)


def _year(row: Row) -> int | None:
    y = row.get("year")
    return y if isinstance(y, int) and not isinstance(y, bool) else None


def countries(registry: Registry | None = None) -> list[CountryElectricity]:
    """Every row of ``country_electricity.csv`` (WORLD included)."""
    reg = registry or default_registry()
    out = []
    for r in reg.table("country_electricity").rows:
        twh = row_float(r, "generation_twh")
        if twh is not None and twh > 0:
            out.append(CountryElectricity(row_str(r, "zone"), row_str(r, "name"), twh, _year(r), row_str(r, "source")))
    return out


def nearest_countries(energy_twh: float, table: Sequence[CountryElectricity], n: int = 3) -> list[Equivalence]:
    """The ``n`` countries whose annual generation is closest to ``energy_twh`` (on a log scale)."""
    if energy_twh <= 0:
        return []
    rows = [c for c in table if c.zone.upper() != "WORLD"]
    rows.sort(key=lambda c: abs(math.log(energy_twh / c.generation_twh)))
    out = []
    for c in sorted(rows[:n], key=lambda c: c.generation_twh):
        ratio = energy_twh / c.generation_twh
        yr = f", {c.year}" if c.year else ""
        out.append(Equivalence(
            f"electricity of {c.name}", ratio, c.generation_twh, "TWh/yr", c.source, c.year,
            f"{fmt(ratio)} × the annual electricity generation of {c.name} ({fmt(c.generation_twh)} TWh{yr})"))
    return out


def world_share(energy_twh: float, table: Sequence[CountryElectricity]) -> Equivalence | None:
    """Share of world electricity generation (WORLD row)."""
    world = next((c for c in table if c.zone.upper() == "WORLD"), None)
    if world is None:
        return None
    share = energy_twh / world.generation_twh
    return Equivalence("share of world electricity", share, world.generation_twh, "TWh/yr", world.source, world.year,
                       f"{fmt(100 * share)} % of world electricity generation ({fmt(world.generation_twh)} TWh)")


def reference_rows(registry: Registry | None = None, kind: str | None = None) -> list[Row]:
    """Rows of ``equivalences.csv`` (optionally of one kind)."""
    reg = registry or default_registry()
    rows = list(reg.table("equivalences").rows)
    return [r for r in rows if kind is None or row_str(r, "kind") == kind]


def bitcoin_rows(registry: Registry | None = None) -> list[Row]:
    """Bitcoin network electricity from ``sector_figures.csv`` (rows mentioning Bitcoin, in TWh/yr): the
    latest figure of each source (Digiconomist BECI, Cambridge CBECI, the value DV25a compares with)."""
    reg = registry or default_registry()
    if "sector_figures" not in reg.datasets():
        return []
    table = reg.table("sector_figures")
    latest: dict[str, Row] = {}
    for r in table.rows:
        text = (row_str(r, table.key) + " " + row_str(r, "description")).lower()
        if "bitcoin" not in text or not row_str(r, "unit").lower().startswith("twh"):
            continue
        if row_float(r, "value") is None:
            continue
        src = row_str(r, "source")
        if src not in latest or (_figure_year(r) or 0) > (_figure_year(latest[src]) or 0):
            latest[src] = r
    return sorted(latest.values(), key=lambda r: row_float(r, "value") or 0.0)


def _figure_year(row: Row) -> int | None:
    y = row.get("figure_year")
    if isinstance(y, int) and not isinstance(y, bool):
        return y
    return _year(row)


#: Smallest multiple shown for an annual reference (a country, the world, Bitcoin, a household): below one
#: millionth the comparison says nothing (one prompt vs Montserrat's year was 3.4e-11).
MIN_ANNUAL_RATIO = 1e-6
#: Multiples shown for a per-use reference (a Google search, a minute of an LED bulb): from a thousandth to a
#: million; outside that, an annual reference is the readable one.
PER_USE_RATIOS = (1e-3, 1e6)


def _per_use(kwh: float, reg: Registry) -> list[Equivalence]:
    """Per-use energy references (unit ``kWh``, not ``kWh/yr``) at a readable multiple."""
    out = []
    for r in reference_rows(reg, "energy"):
        value = row_float(r, "value") or 0.0
        if value <= 0 or row_str(r, "unit").endswith("/yr"):
            continue
        ratio = kwh / value
        if not PER_USE_RATIOS[0] <= ratio <= PER_USE_RATIOS[1]:
            continue
        name = row_str(r, "name")
        out.append(Equivalence(name, ratio, value, row_str(r, "unit"), row_str(r, "source"), _year(r),
                               f"{fmt(ratio)} {name} ({value * 1000:g} Wh each)"))
    return out


def _energy_equivalences(kwh: float, reg: Registry) -> list[Equivalence]:
    """Per-use references at a readable multiple, then annual ones (countries, world, Bitcoin, households) when
    the amount is at least :data:`MIN_ANNUAL_RATIO` of them."""
    annual = [e for e in _annual_equivalences(kwh, reg) if e.ratio >= MIN_ANNUAL_RATIO]
    return [*_per_use(kwh, reg), *annual]


def _annual_equivalences(kwh: float, reg: Registry) -> list[Equivalence]:
    twh = kwh / 1e9
    out: list[Equivalence] = []
    if "country_electricity" in reg.datasets():
        table = countries(reg)
        out.extend(nearest_countries(twh, table))
        share = world_share(twh, table)
        if share is not None:
            out.append(share)
    for r in bitcoin_rows(reg):
        value = row_float(r, "value") or 0.0
        if value <= 0:
            continue
        name = row_str(r, "description") or "Bitcoin network"
        ratio = twh / value
        yr = _figure_year(r)
        # the year the figure is for; an undated figure (BECI's page copy) says so rather than take the source's year
        when = f", {r['figure_year']}" if isinstance(r.get("figure_year"), int) else \
            f", undated, published {yr}" if yr else ""
        lead = f"{fmt(ratio)} ×" if ratio >= 1 else f"{fmt(100 * ratio)} % of"
        out.append(Equivalence(name, ratio, value, "TWh/yr", row_str(r, "source"), yr,
                               f"{lead} the {name} ({fmt(value)} TWh/yr{when})"))
    for r in reference_rows(reg, "energy"):
        if not row_str(r, "unit").endswith("/yr"):
            continue
        value = row_float(r, "value") or 0.0
        ratio = kwh / value
        lead = f"{fmt(ratio)} ×" if ratio >= 0.01 else f"{fmt(100 * ratio)} % of"
        out.append(Equivalence(row_str(r, "name"), ratio, value, row_str(r, "unit"), row_str(r, "source"), _year(r),
                               f"{lead} {row_str(r, 'name')} ({fmt(value)} kWh)"))
    return out


def _simple(amount: float, rows: list[Row], verb: str) -> list[Equivalence]:
    out = []
    for r in rows:
        value = row_float(r, "value") or 0.0
        if value <= 0:
            continue
        ratio = amount / value
        name = row_str(r, "name")
        out.append(Equivalence(name, ratio, value, row_str(r, "unit"), row_str(r, "source"), _year(r),
                               f"{verb} {fmt(ratio)} × {name} ({fmt(value)} {row_str(r, 'unit')})"))
    return out


def compare(quantity: Quantity, registry: Registry | None = None) -> list[Equivalence]:
    """Equivalences of a parsed amount (see the module docstring)."""
    reg = registry or default_registry()
    if quantity.kind == "power":
        return _energy_equivalences(quantity.value * HOURS_PER_YEAR, reg)
    if quantity.kind == "energy":
        return _energy_equivalences(quantity.value, reg)
    if quantity.kind == "carbon":
        return _simple(quantity.value, reference_rows(reg, "carbon"), "as much CO2 as")
    return _simple(quantity.value, reference_rows(reg, "water"), "as much water as")


def compare_text(text: str, registry: Registry | None = None) -> tuple[Quantity, list[Equivalence]]:
    """Parse ``text`` and return the quantity with its equivalences."""
    q = parse_quantity(text)
    return q, compare(q, registry)
