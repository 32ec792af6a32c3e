"""Where the energy is used: grid carbon intensity, PUE, on-site WUE and off-site water intensity, with sources.

A *site* is resolved from a location (ISO country ``FR``/``FRA``, sub-national ``US-WA``, cloud region
``aws:us-east-1``, ``WORLD``), an optional data-centre operator (``google``, ``microsoft``, ``aws``, ``meta``…)
and optional explicit factors, which always win. Every factor keeps its source and whether it is a fallback
(``estimated``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..errors import InputError, unknown_choice
from ..notice import Notice
from ..reference.registry import Registry, Row, default_registry, row_float, row_str, source_keys
from ..result import Assumption
from ..uncertainty import Uncertain

Quantity = float | Uncertain

#: Cloud provider -> data-centre operator whose published PUE/WUE apply to its regions.
CLOUD_OPERATORS = {"aws": "aws", "gcp": "google", "azure": "microsoft"}
#: Operator row used when no operator is given (industry average; see ``datacenter_operators.csv``).
DEFAULT_OPERATOR = "unknown"
WORLD = "WORLD"


@dataclass(frozen=True)
class Factor:
    """One conversion factor with its provenance."""

    name: str
    value: Quantity
    unit: str
    source: str
    year: int | None = None
    estimated: bool = False
    note: str = ""

    def assumption(self) -> Assumption:
        v = self.value
        shown: float | str = v if isinstance(v, float | int) else f"{v.best:.4g} ({v.low:.4g}–{v.high:.4g})"
        src = self.source + (f" ({self.year})" if self.year else "")
        if self.estimated:
            src += " [estimated fallback]"
        return Assumption(self.name, shown, self.unit, src)


#: Accepted range of each explicit site factor: (low, high, unit). The same bounds as the sector models' site inputs
#: (``aifootprint.sector.models.IMPACT_INPUTS``): PUE >= 1 by definition and the Uptime Institute survey's worst
#: sites are ~2.5 (UPTIME); the most carbon-intensive grids are ~1,000-1,100 gCO2e/kWh (lignite; IPCC AR5 WG3
#: Annex III); on-site WUE ~0.2-2 L/kWh and off-site EWIF ~1-10 L/kWh at most grids (Li et al. 2023, LI23). Wide on
#: purpose: they refuse typos and overflows (1e308), not unusual sites.
OVERRIDE_RANGES: dict[str, tuple[float, float, str]] = {
    "intensity_g_per_kwh": (0.0, 2000.0, "gCO2e/kWh"),
    "market_intensity_g_per_kwh": (0.0, 2000.0, "gCO2e/kWh"),
    "pue": (1.0, 5.0, ""),
    "wue_l_per_kwh": (0.0, 50.0, "L/kWh"),
    "ewif_l_per_kwh": (0.0, 200.0, "L/kWh"),
}


@dataclass(frozen=True)
class SiteOverrides:
    """Explicit factors given by the user (each optional); they replace the registry values."""

    intensity_g_per_kwh: float | None = None
    market_intensity_g_per_kwh: float | None = None
    pue: float | None = None
    wue_l_per_kwh: float | None = None
    ewif_l_per_kwh: float | None = None

    def __post_init__(self) -> None:
        for name, (low, high, unit) in OVERRIDE_RANGES.items():
            value = getattr(self, name)
            if value is not None and not low <= value <= high:  # also refuses NaN and infinity
                raise InputError(f"{name} must be a number from {low:g} to {high:g}{' ' + unit if unit else ''}, "
                                 f"got {value!r}")


@dataclass(frozen=True)
class Site:
    """Resolved factors for one place of use."""

    location: str
    zone: str
    intensity: Factor
    pue: Factor
    wue: Factor
    ewif: Factor
    market_intensity: Factor | None = None
    operator: str = ""

    @property
    def intensity_g_per_kwh(self) -> Quantity:
        return self.intensity.value

    @property
    def pue_value(self) -> Quantity:
        return self.pue.value

    @property
    def wue_l_per_kwh(self) -> Quantity:
        return self.wue.value

    @property
    def ewif_l_per_kwh(self) -> Quantity:
        return self.ewif.value

    def factors(self) -> list[Factor]:
        out = [self.intensity, self.pue, self.wue, self.ewif]
        if self.market_intensity is not None:
            out.append(self.market_intensity)
        return out

    def assumptions(self) -> list[Assumption]:
        return [f.assumption() for f in self.factors()]

    def warnings(self) -> list[Notice]:
        """One structured notice per estimated (fallback or assumed) factor; never silent: code
        ``estimated-fallback``, the factor as subject, its source (it had code ``note`` and no source)."""
        return [Notice("estimated-fallback", f"{f.name}: {f.note or 'estimated fallback (' + f.source + ')'}", f.name,
                       f.source) for f in self.factors() if f.estimated]

    def with_overrides(self, overrides: SiteOverrides) -> Site:
        """A copy with the user's explicit factors applied."""
        site = self
        user = "user input"
        if overrides.intensity_g_per_kwh is not None:
            site = replace(site, intensity=Factor("grid_intensity", overrides.intensity_g_per_kwh, "gCO2e/kWh", user))
        if overrides.market_intensity_g_per_kwh is not None:
            site = replace(site, market_intensity=Factor(
                "market_intensity", overrides.market_intensity_g_per_kwh, "gCO2e/kWh", user))
        if overrides.pue is not None:
            site = replace(site, pue=Factor("pue", overrides.pue, "-", user))
        if overrides.wue_l_per_kwh is not None:
            site = replace(site, wue=Factor("wue_onsite", overrides.wue_l_per_kwh, "L/kWh", user))
        if overrides.ewif_l_per_kwh is not None:
            site = replace(site, ewif=Factor("ewif_offsite", overrides.ewif_l_per_kwh, "L/kWh", user))
        return site


def _factor(name: str, row: Row, column: str, unit: str, estimated: bool = False, note: str = "") -> Factor:
    value = row_float(row, column)
    if value is None:
        raise InputError(f"no {column} published for {row_str(row, 'zone') or row_str(row, 'operator')}")
    year = row.get("year")
    return Factor(name, value, unit, ";".join(source_keys(row)), year if isinstance(year, int) else None,
                  estimated, note)


def _zone_row(reg: Registry, code: str) -> Row | None:
    row = reg.find_row("grid_intensity", code)  # a zone code: one row read, not the whole table
    if row is not None:
        return row
    grid = reg.table("grid_intensity")
    if len(code) == 3:
        hits = grid.where(iso3=code.upper())
        row = hits[0] if hits else None
    if row is None and code.lower() in ("world", "global", "wor"):
        row = grid.find(WORLD)
    if row is None:
        hits = grid.where(name=code.strip())
        row = hits[0] if hits else None
    return row


def _accepted_locations(reg: Registry) -> list[str]:
    grid = reg.table("grid_intensity")
    names = [row_str(r, "name") for r in grid.rows if row_str(r, "name")]
    return grid.keys() + names + reg.table("cloud_regions").keys()


def resolve_zone(location: str, registry: Registry | None = None) -> tuple[str, Row | None]:
    """Map a location string to a grid zone; returns (zone, cloud-region row or None)."""
    reg = registry or default_registry()
    loc = location.strip()
    if not loc:
        raise InputError("empty location; give an ISO country code (FR, FRA), a sub-national code (US-WA), "
                         "a cloud region (aws:us-east-1) or WORLD")
    if ":" in loc:
        region = reg.find_row("cloud_regions", loc)
        if region is None:
            raise unknown_choice("cloud region", loc, reg.table("cloud_regions").keys())
        return row_str(region, "zone"), region
    row = _zone_row(reg, loc)
    if row is None:
        err = unknown_choice("location", loc, _accepted_locations(reg))
        raise InputError(f"{err} Locations are countries (FR, FRA, France), sub-national zones (US-WA, CA-QC), "
                         "cloud regions (aws:us-east-1) or WORLD — not cities.") from None
    return row_str(row, "zone"), None


def _year(row: Row) -> int:
    y = row.get("year")
    return y if isinstance(y, int) else 0


def _operator_row(reg: Registry, operator: str) -> Row:
    exact = reg.find_row("datacenter_operators", operator)  # e.g. "google-2024"
    if exact is not None:
        return exact
    table = reg.table("datacenter_operators")
    rows = [r for r in table.where(operator=operator) if row_float(r, "pue") is not None]
    if not rows:
        names = {row_str(r, "operator") for r in table.rows} | set(table.keys())
        raise unknown_choice("data-centre operator", operator, names)
    return max(rows, key=_year)


def _operator_wue_row(reg: Registry, operator: str, pue_row: Row) -> Row | None:
    if row_float(pue_row, "wue_l_per_kwh") is not None:
        return pue_row
    rows = [r for r in reg.table("datacenter_operators").where(operator=row_str(pue_row, "operator"))
            if row_float(r, "wue_l_per_kwh") is not None]
    return max(rows, key=_year) if rows else None


def resolve_site(location: str | None = None, operator: str | None = None, overrides: SiteOverrides | None = None,
                 registry: Registry | None = None) -> Site:
    """Resolve grid intensity, PUE, WUE and off-site water intensity for a place of use.

    Parameters
    ----------
    location : ISO country (``FR``/``FRA``), sub-national (``US-WA``), cloud region (``aws:us-east-1``) or
        ``WORLD``. None -> world average, flagged as an estimated fallback.
    operator : data-centre operator (``google``, ``microsoft``, ``aws``, ``meta``, or ``operator-year``); for a
        cloud region the provider's operator is used when none is given; otherwise the industry average row
        (``unknown``: Uptime Institute survey PUE) is used and flagged.
    overrides : explicit factors, which replace the registry values.

    Notes
    -----
    Water follows Li et al. 2023 (arXiv:2304.03271): on-site WUE per kWh of IT energy and off-site EWIF per kWh
    of electricity generated, the latter multiplied by PUE (see :func:`aifootprint.impacts.assess`).
    """
    reg = registry or default_registry()
    ov = overrides or SiteOverrides()
    if location is not None and not location.strip():
        raise InputError("empty location; give an ISO country code (FR, FRA), a sub-national code (US-WA), "
                         "a cloud region (aws:us-east-1) or WORLD — or leave it out for the world average")
    fallback_location = location is None
    loc = WORLD if fallback_location else str(location).strip()
    zone, region = resolve_zone(loc, reg)
    zone_row = _zone_row(reg, zone)
    if zone_row is None:
        raise InputError(f"location {loc!r} maps to grid zone {zone!r}, which has no intensity in the registry")

    # carbon intensity: a provider-published regional figure first, else the zone's grid average
    if region is not None and row_float(region, "provider_intensity_g_per_kwh") is not None:
        intensity = _factor("grid_intensity", region, "provider_intensity_g_per_kwh", "gCO2e/kWh")
    else:
        note = "no location given: world-average grid intensity used" if fallback_location else ""
        intensity = _factor("grid_intensity", zone_row, "intensity_g_per_kwh", "gCO2e/kWh",
                            estimated=fallback_location, note=note)

    # operator: explicit, else the cloud provider's, else the industry-average row
    op = operator
    if op is None and region is not None:
        op = CLOUD_OPERATORS.get(row_str(region, "provider").lower())
    op_fallback = op is None
    op_row = _operator_row(reg, op or DEFAULT_OPERATOR)
    pue = _factor("pue", op_row, "pue", "-", estimated=op_fallback and ov.pue is None,
                  note="no operator given: industry-average PUE used")
    wue_row = _operator_wue_row(reg, op or DEFAULT_OPERATOR, op_row)
    if wue_row is None:
        wue_row = _operator_wue_row(reg, DEFAULT_OPERATOR, _operator_row(reg, DEFAULT_OPERATOR))
    if wue_row is None:
        raise InputError(f"no on-site WUE known for operator {op!r}; pass --wue-l-per-kwh")
    wue_fallback = op_fallback or row_str(wue_row, "operator").lower() != row_str(op_row, "operator").lower()
    wue = _factor("wue_onsite", wue_row, "wue_l_per_kwh", "L/kWh", estimated=wue_fallback and ov.wue_l_per_kwh is None,
                  note=("no operator given: default on-site WUE used" if op_fallback
                        else f"{op}: on-site WUE not published, default used"))

    ewif = _ewif(reg, zone, zone_row, ov)
    site = Site(location=loc, zone=zone, intensity=intensity, pue=pue, wue=wue, ewif=ewif,
                operator=row_str(op_row, "operator"))
    return site.with_overrides(ov)


def _ewif(reg: Registry, zone: str, zone_row: Row, ov: SiteOverrides) -> Factor:
    candidates = [zone, row_str(zone_row, "parent"), WORLD]
    for i, z in enumerate(c for c in candidates if c):
        row = reg.find_row("water_offsite", z)
        if row is not None and row_float(row, "ewif_l_per_kwh") is not None:
            fallback = i > 0 and ov.ewif_l_per_kwh is None
            note = f"no off-site water factor for {zone}: {z} value used" if fallback else ""
            return _factor("ewif_offsite", row, "ewif_l_per_kwh", "L/kWh", estimated=fallback, note=note)
    raise InputError(f"no off-site water intensity for {zone}; pass --ewif-l-per-kwh")
