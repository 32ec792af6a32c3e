"""The three sector models and their inputs: supply-chain, demand-side and published trajectory.

Every model maps per-year input arrays (shape ``(years, draws)``, broadcastable) to per-year outputs with units
in their names. All models share the impact step (carbon and water from the energy, Li et al. 2023).

Supply (de Vries 2023, DV23; de Vries-Gao 2025, DV25a)::

    servers(y)            = given, or sum of shipments over the servers' lifetime (fractional last year)
    it_power_gw           = servers × server_power_kw × utilisation_fraction / 1e6      (or installed_power_gw)
    it_energy_twh         = it_power_gw × 8,760 h / 1,000

Demand (requests × energy per request, with the rebound factor of :mod:`aifootprint.sector.rebound`)::

    requests_per_day(t)     = requests_per_day × (1 + demand_growth_fraction)^t × rebound(t)
    energy_per_request_wh(t) = energy_per_request_wh × (1 − efficiency_gain_fraction)^t
    (rates given ``by_year`` compound year by year: the product of each year's factor, :func:`compounded`)
    it_energy_twh           = requests_per_day(t) × 365 × energy_per_request_wh(t) / 1e12

Trajectory (published totals such as IEA 2025): ``facility_energy_twh`` anchors by year, interpolated
geometrically (constant growth rate) between anchors.

Common: ``facility_energy_twh = it_energy_twh × pue``; ``carbon_t = facility kWh × intensity_g_per_kwh / 1e6``;
``water_consumption_l = IT kWh × (wue_onsite_l_per_kwh + pue × ewif_l_per_kwh)`` (Li et al. 2023,
arXiv:2304.03271, the same equation as :func:`aifootprint.impacts.assess`); withdrawal likewise with the
withdrawal factors when given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ..impacts.core import li2023_water_l
from .calendar import DAYS_PER_YEAR as _DAYS_PER_YEAR
from .calendar import HOURS_PER_YEAR as _HOURS_PER_YEAR

if TYPE_CHECKING:
    from .scenario import Scenario

FloatArray = npt.NDArray[np.float64]

#: Hours and days in the year of annual electricity (8,760 h, 365 d: DV23). Re-exported from
#: :mod:`aifootprint.sector.calendar`, which says why this is not the 365.25-day year of hardware lifetimes.
HOURS_PER_YEAR = _HOURS_PER_YEAR
DAYS_PER_YEAR = _DAYS_PER_YEAR


@dataclass(frozen=True)
class InputSpec:
    """What a model accepts for one input: unit, bounds, default (None = required), help text."""

    name: str
    unit: str
    minimum: float
    maximum: float
    default: float | None
    help: str
    interpolation: str = "linear"


def _spec(name: str, unit: str, lo: float, hi: float, default: float | None, text: str,
          interp: str = "linear") -> InputSpec:
    return InputSpec(name, unit, lo, hi, default, text, interp)


_INF = float("inf")

#: Site factors every model accepts (from the scenario, else from the impacts core when a location is given).
IMPACT_INPUTS = (
    _spec("pue", "-", 1.0, 5.0, None, "facility energy / IT energy (power usage effectiveness)"),
    _spec("intensity_g_per_kwh", "gCO2e/kWh", 0.0, 2000.0, None, "grid carbon intensity (lifecycle)"),
    _spec("wue_onsite_l_per_kwh", "L/kWh", 0.0, 50.0, None, "on-site water consumed per kWh of IT energy"),
    _spec("ewif_l_per_kwh", "L/kWh", 0.0, 200.0, None, "off-site water consumed per kWh of electricity"),
    _spec("wue_onsite_withdrawal_l_per_kwh", "L/kWh", 0.0, 50.0, None, "on-site water withdrawn per IT kWh"),
    _spec("ewif_withdrawal_l_per_kwh", "L/kWh", 0.0, 500.0, None, "off-site water withdrawn per kWh"),
)

MODEL_INPUTS: Mapping[str, tuple[InputSpec, ...]] = MappingProxyType({
    "supply": (
        _spec("servers", "servers", 0.0, 1e9, None, "installed AI servers (or give shipments_servers)"),
        _spec("shipments_servers", "servers/yr", 0.0, 1e9, None, "AI servers shipped per year (by_year)"),
        _spec("lifetime_years", "yr", 0.5, 30.0, None, "service life of a shipped server"),
        _spec("installed_power_gw", "GW", 0.0, 1e4, None, "installed AI IT power (instead of servers × power)"),
        _spec("server_power_kw", "kW", 0.0, 1000.0, None, "power drawn by one server at full load"),
        _spec("utilisation_fraction", "-", 0.0, 1.0, 1.0, "average power / full-load power (default 1: DV23)"),
        _spec("requests_per_day", "requests/day", 0.0, 1e15, None, "requests served (gives energy per request)"),
    ),
    "demand": (
        _spec("requests_per_day", "requests/day", 0.0, 1e15, None, "requests served per day in the first year"),
        _spec("energy_per_request_wh", "Wh/request", 0.0, 1e6, None, "IT energy per request, first year"),
        _spec("demand_growth_fraction", "1/yr", -0.99, 100.0, 0.0, "growth of requests per year (before rebound)"),
        _spec("efficiency_gain_fraction", "1/yr", 0.0, 0.99, 0.0, "yearly fall of energy per request"),
        _spec("rebound_elasticity", "-", 0.0, 10.0, 0.0,
              "demand elasticity to efficiency (no published value for AI: an assumption)"),
    ),
    "trajectory": (
        _spec("facility_energy_twh", "TWh/yr", 0.0, 1e6, None, "published total electricity per year",
              "geometric"),
    ),
})

#: Units of the outputs (name -> unit), in display order.
OUTPUT_UNITS: Mapping[str, str] = MappingProxyType({
    "facility_energy_twh": "TWh/yr",
    "it_energy_twh": "TWh/yr",
    "it_power_gw": "GW",
    "it_energy_mwh_per_day": "MWh/day",
    "requests_per_day": "requests/day",
    "energy_per_request_wh": "Wh/request",
    "carbon_t": "tCO2e/yr",
    "water_consumption_l": "L/yr",
    "water_withdrawal_l": "L/yr",
    "installed_servers": "servers",
})

#: The headline output of every model.
HEADLINE = "facility_energy_twh"


def specs(model: str) -> dict[str, InputSpec]:
    """Accepted inputs of ``model`` (its own plus the site factors)."""
    return {s.name: s for s in (*MODEL_INPUTS[model], *IMPACT_INPUTS)}


def validate(scenario: Scenario) -> None:
    """Check input names, units, bounds and the combinations each model needs."""
    from .scenario import field_error

    accepted = specs(scenario.model)
    for name, inp in scenario.inputs.items():
        if name not in accepted:
            from ..errors import close_matches

            near = close_matches(name, accepted)
            hint = f"; did you mean: {', '.join(near)}?" if near else ""
            raise field_error(("inputs", name), f"unknown input for model {scenario.model!r}{hint} "
                                                f"Accepted: {', '.join(accepted)}")
        spec = accepted[name]
        if inp.unit.strip().lower().replace(" ", "") != spec.unit.lower().replace(" ", ""):
            raise field_error(("inputs", name, "unit"), f"unit must be {spec.unit!r} ({spec.help}), got {inp.unit!r}")
        dists = [inp.dist] if inp.dist is not None else [d for _, d in inp.by_year]
        for d in dists:
            if d is None:
                continue
            lo, hi = d.bounds
            if lo < spec.minimum or hi > spec.maximum:
                hint = (f" ({name} is a fraction, not a percentage: {hi:g} % is {hi / 100:g})"
                        if name.endswith("_fraction") and hi > spec.maximum and 1 < hi <= 100 else "")
                raise field_error(("inputs", name), f"values must lie in [{spec.minimum:g}, {spec.maximum:g}] "
                                                    f"{spec.unit}; got {d.describe()}{hint}")
    have = set(scenario.inputs)
    years = scenario.years
    if scenario.model == "supply":
        ways = [have >= {"servers", "server_power_kw"}, have >= {"shipments_servers", "lifetime_years",
                                                                  "server_power_kw"}, "installed_power_gw" in have]
        if sum(ways) != 1:
            raise field_error(("inputs",), "a supply scenario needs exactly one of: servers + server_power_kw; "
                                           "shipments_servers (by_year) + lifetime_years + server_power_kw; "
                                           "installed_power_gw")
        ship = scenario.inputs.get("shipments_servers")
        if ship is not None and ship.by_year and ship.by_year[0][0] > years[0]:
            raise field_error(("inputs", "shipments_servers", "by_year"),
                              f"first shipment anchor {ship.by_year[0][0]} is after the first scenario year "
                              f"{years[0]}; shipments before the first anchor count as zero, so start earlier")
    elif scenario.model == "demand":
        for need in ("requests_per_day", "energy_per_request_wh"):
            if need not in have:
                raise field_error(("inputs",), f"a demand scenario needs input {need!r}")
        for name in ("requests_per_day", "energy_per_request_wh"):
            if scenario.inputs[name].by_year:
                raise field_error(("inputs", name, "by_year"), "give the first-year value; growth and efficiency "
                                                               "inputs move it over the years")
    else:
        traj = scenario.inputs.get("facility_energy_twh")
        if traj is None:
            raise field_error(("inputs",), "a trajectory scenario needs input 'facility_energy_twh'")
        if traj.by_year and (traj.by_year[0][0] > years[0] or traj.by_year[-1][0] < years[-1]):
            raise field_error(("inputs", "facility_energy_twh", "by_year"),
                              f"anchors {traj.by_year[0][0]}..{traj.by_year[-1][0]} must cover the scenario years "
                              f"{years[0]}..{years[-1]}")


# --------------------------------------------------------------------------------------------- computation
def _get(values: Mapping[str, FloatArray], name: str, default: float) -> FloatArray | float:
    return values.get(name, default)


def _rows(x: FloatArray | float, t: FloatArray) -> FloatArray:
    """``x`` with one row per year (a view when it already has them; no copy of (years, draws) arrays)."""
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 2 and arr.shape[0] == t.shape[0]:
        return arr
    return np.asarray(arr * np.ones_like(t))


def installed_base(shipments: FloatArray, ship_years: FloatArray, years: tuple[int, ...],
                   lifetime: FloatArray) -> FloatArray:
    """Servers in service in each year: shipments of the last ``lifetime`` years (the oldest cohort counted
    for the fractional part of the lifetime). ``shipments`` has shape (len(ship_years), k); ``lifetime`` is one
    row (k,) or (1, k), or one row per year (len(years), k) when the service life changes over the years (the
    servers in service in year y are those shipped within that year's lifetime)."""
    life = np.asarray(lifetime, dtype=np.float64)
    per_year = life.ndim == 2 and life.shape[0] == len(years)
    rows = life if per_year else np.broadcast_to(life, (len(years), *life.shape[-1:]))
    out = []
    for y, row in zip(years, rows, strict=True):
        age = y - ship_years[:, None]  # 0 = shipped this year
        weight = np.clip(row - age, 0.0, 1.0) * (age >= 0)
        out.append(np.sum(shipments * weight, axis=0))
    return np.asarray(np.stack(out), dtype=np.float64)


def compounded(step: FloatArray | float, t: FloatArray) -> FloatArray:
    """Log of the factor from the first year to each year, given the yearly log change ``step``.

    A constant step (one row) gives ``t × step`` (any years). A step given per year (one row per year, from a
    ``by_year`` rate) must come with consecutive years: the step of year ``y`` takes ``y − 1`` to ``y``, and the
    factor is the product of the steps so far (a growth of 50 %, 40 %, … 0 % per year never shrinks the demand;
    ``(1 + g(y))^t`` with the last year's rate would)."""
    s = np.asarray(step, dtype=np.float64)
    if s.ndim < 2 or s.shape[0] == 1:
        return np.asarray(t * s, dtype=np.float64)
    if s.shape[0] != t.shape[0] or not np.array_equal(t[:, 0], np.arange(t.shape[0], dtype=np.float64)):
        raise ValueError("a rate given per year needs one row per consecutive year")
    steps = s.copy()
    steps[0] = 0.0
    return np.asarray(np.cumsum(steps, axis=0), dtype=np.float64)


def compute(model: str, years: tuple[int, ...], values: Mapping[str, FloatArray]) -> dict[str, FloatArray]:
    """Evaluate ``model``; every value is an array of shape (len(years), k) or broadcastable to it.

    ``values`` must already hold the model's inputs (defaults filled in by the caller); the special key
    ``_shipments`` (with ``_ship_years``) carries the shipment anchors of a supply scenario.
    """
    out: dict[str, FloatArray] = {}
    t = (np.asarray(years, dtype=np.float64) - years[0])[:, None]
    pue = _get(values, "pue", 1.0)
    if model == "supply":
        if "installed_power_gw" in values:
            power_gw = values["installed_power_gw"] * _get(values, "utilisation_fraction", 1.0)
        else:
            if "servers" in values:
                servers = values["servers"]
            else:
                servers = installed_base(values["_shipments"], values["_ship_years"][:, 0], years,
                                         values["lifetime_years"])
            out["installed_servers"] = _rows(servers, t)
            power_gw = servers * values["server_power_kw"] * _get(values, "utilisation_fraction", 1.0) / 1e6
        out["it_power_gw"] = _rows(power_gw, t)
        it_twh = out["it_power_gw"] * HOURS_PER_YEAR / 1000.0
        if "requests_per_day" in values:
            out["requests_per_day"] = _rows(values["requests_per_day"], t)
    elif model == "demand":
        growth = _get(values, "demand_growth_fraction", 0.0)
        gain = _get(values, "efficiency_gain_fraction", 0.0)
        eps = _get(values, "rebound_elasticity", 0.0)
        # exp/log form of (1 + g)^t × (1 − x)^(−ε·t) and (1 − x)^t: two exponentials on (years, draws); rates that
        # change over the years compound year by year (the product of each year's factor)
        log_keep = np.log1p(-np.asarray(gain))
        requests = values["requests_per_day"] * np.exp(compounded(np.log1p(growth) - eps * log_keep, t))
        per_request = values["energy_per_request_wh"] * np.exp(compounded(log_keep, t))
        out["requests_per_day"] = np.asarray(requests)
        out["energy_per_request_wh"] = _rows(per_request, t)
        it_twh = requests * DAYS_PER_YEAR * per_request / 1e12
    else:
        facility = values["facility_energy_twh"]
        out["facility_energy_twh"] = _rows(facility, t)
        it_twh = facility / pue
    it_twh = _rows(it_twh, t)
    out["it_energy_twh"] = it_twh
    out.setdefault("facility_energy_twh", np.asarray(it_twh * pue))
    out["it_energy_mwh_per_day"] = it_twh * 1e6 / DAYS_PER_YEAR
    if model == "supply" and "requests_per_day" in out:
        out["energy_per_request_wh"] = out["it_energy_mwh_per_day"] * 1e6 / out["requests_per_day"]
    it_kwh = it_twh * 1e9
    if "intensity_g_per_kwh" in values:
        out["carbon_t"] = out["facility_energy_twh"] * 1e9 * values["intensity_g_per_kwh"] / 1e6
    if "wue_onsite_l_per_kwh" in values and "ewif_l_per_kwh" in values:
        out["water_consumption_l"] = li2023_water_l(it_kwh, pue, values["wue_onsite_l_per_kwh"],
                                                    values["ewif_l_per_kwh"])
    if "wue_onsite_withdrawal_l_per_kwh" in values and "ewif_withdrawal_l_per_kwh" in values:
        out["water_withdrawal_l"] = li2023_water_l(it_kwh, pue, values["wue_onsite_withdrawal_l_per_kwh"],
                                                   values["ewif_withdrawal_l_per_kwh"])
    return {k: np.asarray(v, dtype=np.float64) for k, v in out.items()}
