#!/usr/bin/env python3
"""Build the location reference data: grid intensity, off-site water, cloud regions, operators, API providers,
national electricity generation.

Reads the upstream copies in ``<shared>/data/{codecarbon,ecologits,green-algorithms}/`` (each with a SOURCE.md
giving origin, commit and licence) and figures quoted from ``<shared>/reference/facts.md``, transcribed as cited
constants in ``_location_facts.py``. Writes ``src/aifootprint/reference/data/<dataset>.csv``. The ``.toml``
sidecars and ``data/sources/location.csv`` (citations of the source keys used here) are hand-written next to the CSVs.
Output is deterministic: rerunning on the same inputs gives identical bytes.

Usage: ``python scripts/build_location_data.py [--shared ../shared] [--out DIR] [--check]``
(``--check`` writes nothing and exits 1 if a shipped file differs from what the build would write).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

if str(Path(__file__).resolve().parent) not in sys.path:  # importable by path (tests) as well as run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from _location_facts import (
    AWS_REGIONS,
    AZURE_ID_FIXES,
    CA_PROVINCES,
    GA_ZONE_FIXES,
    GCP_ZONES,
    ISO3_TO_ISO2,
    LB_PER_MWH_TO_G_PER_KWH,
    LI23_EWIF,
    OPERATORS,
    PROVIDER_NAMES,
)

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO.parent / "shared"
DEFAULT_OUT = REPO / "src" / "aifootprint" / "reference" / "data"

Cell = str | int | float | None
Rows = list[dict[str, Cell]]

COLUMNS: dict[str, tuple[str, ...]] = {
    "grid_intensity": ("zone", "iso3", "name", "kind", "parent", "intensity_g_per_kwh", "source", "year", "licence",
                       "status", "notes"),
    "water_offsite": ("zone", "ewif_l_per_kwh", "source", "year", "licence", "status", "notes"),
    "cloud_regions": ("region", "provider", "region_id", "name", "zone", "provider_intensity_g_per_kwh", "source",
                      "year", "licence", "status", "notes"),
    "datacenter_operators": ("operator_year", "operator", "year", "pue", "wue_l_per_kwh", "scope", "source",
                             "licence", "status", "notes"),
    "api_providers": ("provider", "cloud", "zone", "pue", "pue_low", "pue_high", "wue_l_per_kwh",
                      "wue_l_per_kwh_low", "wue_l_per_kwh_high", "source", "year", "licence", "status", "notes"),
    "country_electricity": ("zone", "name", "generation_twh", "source", "year", "licence", "status", "notes"),
}


# ----------------------------------------------------------------------------------------------- reading inputs
def _json(path: Path) -> dict[str, object]:
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    if not isinstance(data, dict):
        raise SystemExit(f"{path}: expected a JSON object")
    return data


def _csv(path: Path, skip: int = 0) -> list[dict[str, str]]:
    """Rows of a CSV as dicts; ``skip`` annotation rows before the header (Green Algorithms has one)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    header = [h.strip() for h in lines[skip]]
    return [dict(zip(header, (c.strip() for c in r), strict=False)) for r in lines[skip + 1:] if any(r)]


def _num(x: object) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float | str):
        raise SystemExit(f"not a number: {x!r}")
    return float(x)


def _r(x: float, nd: int = 3) -> float:
    """Round for output; -0.0 and float noise removed."""
    return round(x, nd) + 0.0


# ----------------------------------------------------------------------------------------------- grid intensity
def country_rows(shared: Path) -> Rows:
    """One row per country/territory of CodeCarbon's ``global_energy_mix.json`` (OWID/Ember, lifecycle)."""
    mix = _json(shared / "data/codecarbon/private_infra/global_energy_mix.json")
    rows: Rows = []
    for iso3 in sorted(mix):
        e = mix[iso3]
        assert isinstance(e, dict)
        if iso3 not in ISO3_TO_ISO2:
            raise SystemExit(f"no ISO 3166 alpha-2 code for {iso3}; extend ISO3_TO_ISO2")
        note = "lifecycle gCO2e/kWh of generation (OWID carbon_intensity_elec)"
        if int(e["year"]) < 2022:
            note += f"; old vintage ({e['year']}) in the source"
        rows.append({"zone": ISO3_TO_ISO2[iso3], "iso3": iso3, "name": str(e["country_name"]), "kind": "country",
                     "parent": None, "intensity_g_per_kwh": _r(_num(e["carbon_intensity"])), "source": "CC-OWID",
                     "year": int(e["year"]), "licence": "CC-BY-4.0", "status": "P", "notes": note})
    return rows


def world_row(shared: Path, countries: Rows) -> dict[str, Cell]:
    """WORLD = CodeCarbon's fallback 475 g (IEA 2019); EcoLogits' 473 and a generation-weighted mean in notes."""
    per_source = _json(shared / "data/codecarbon/private_infra/carbon_intensity_per_source.json")
    eco = {r["name"]: r for r in _csv(shared / "data/ecologits/electricity_mixes.csv")}
    mix = _json(shared / "data/codecarbon/private_infra/global_energy_mix.json")
    twh = {k: _num(v["total_TWh"]) for k, v in mix.items() if isinstance(v, dict)}
    by_iso3 = {str(r["iso3"]): _num(r["intensity_g_per_kwh"]) for r in countries}
    weighted = sum(by_iso3[k] * twh[k] for k in by_iso3) / sum(twh[k] for k in by_iso3)
    notes = (f"IEA Global Energy & CO2 Status Report 2019 world average as used by CodeCarbon and Green Algorithms; "
             f"EcoLogits WOR (OWID, vintage not stated) {_r(_num(eco['WOR']['gwp']) * 1000, 2)} g; "
             f"generation-weighted mean of the country rows here {_r(weighted, 1)} g (derived)")
    return {"zone": "WORLD", "iso3": None, "name": "World", "kind": "world", "parent": None,
            "intensity_g_per_kwh": _num(per_source["world_average"]), "source": "CC-IEA19", "year": 2019,
            "licence": "MIT", "status": "Q", "notes": notes}


def us_state_rows(shared: Path) -> Rows:
    """US states + DC: Green Algorithms (2020 data) shipped; CodeCarbon eGRID 2016 (CO2 only) in notes."""
    ga = {r["location"]: r for r in _csv(shared / "data/green-algorithms/CI_aggregated.csv", skip=1)}
    egrid = _json(shared / "data/codecarbon/private_infra/2016/usa_emissions.json")
    rows: Rows = []
    for name, e in sorted(egrid.items()):
        if not isinstance(e, dict) or name == "usa" or name.startswith("_"):
            continue
        zone = f"US-{e['regionCode']}"
        lbs = _num(e["emissions"])
        g = ga[zone]
        pretty = "District of Columbia" if name == "district of columbia" else name.title()
        rows.append({"zone": zone, "iso3": None, "name": pretty, "kind": "subnational", "parent": "US",
                     "intensity_g_per_kwh": _num(g["carbonIntensity"]), "source": "GA-CI", "year": 2020,
                     "licence": "CC-BY-4.0", "status": "S",
                     "notes": ("carbonfootprint.com (March 2022) factor, 2020 data; boundary not stated "
                               "(likely direct generation emissions, not lifecycle); "
                               f"eGRID 2016 via CodeCarbon (CO2 only): {lbs} lbs/MWh x 0.45359237 = "
                               f"{_r(lbs * LB_PER_MWH_TO_G_PER_KWH, 1)} g/kWh")})
    return rows


def canada_rows(shared: Path) -> Rows:
    """Canadian provinces: CodeCarbon 2023 generation shares x CodeCarbon per-source lifecycle factors (derived)."""
    mix = _json(shared / "data/codecarbon/private_infra/2023/canada_energy_mix.json")
    factors = _json(shared / "data/codecarbon/private_infra/carbon_intensity_per_source.json")
    key_map = {"hydro": "hydroelectricity", "nuclear": "nuclear", "naturalGas": "natural_gas", "coal": "coal",
               "petroleum": "petroleum", "wind": "wind", "solar": "solar"}
    ga = {r["location"]: r for r in _csv(shared / "data/green-algorithms/CI_aggregated.csv", skip=1)}
    ga_code = {v: k for k, v in GA_ZONE_FIXES.items()}
    rows: Rows = []
    for name in sorted(mix):
        shares = mix[name]
        assert isinstance(shares, dict)
        terms, covered, uncovered = [], 0.0, []
        total = 0.0
        for src in sorted(shares):
            pct = _num(shares[src])
            if src == "total" or pct == 0:
                continue
            if src in key_map:
                f = _num(factors[key_map[src]])
                terms.append(f"{pct}%x{int(f)}")
                covered += pct
                total += pct * f
            else:
                uncovered.append(f"{src} {pct}%")
        value = _r(total / covered, 1)
        zone = CA_PROVINCES[name]
        gav = ga.get(ga_code.get(zone, zone), {}).get("carbonIntensity")
        note = f"derived: ({' + '.join(terms)}) / {_r(covered, 2)}% = {value}"
        if uncovered:
            note += f"; no factor for {', '.join(uncovered)} (share left out, rest renormalised)"
        note += f"; Green Algorithms 2019 (boundary not stated): {gav} g"
        rows.append({"zone": zone, "iso3": None, "name": name.title().replace(" And ", " and "),
                     "kind": "subnational", "parent": "CA", "intensity_g_per_kwh": value,
                     "source": "CC-CANADA23;CC-PERSOURCE", "year": 2023, "licence": "MIT", "status": "D",
                     "notes": note})
    return rows


def nordic_rows(shared: Path) -> Rows:
    """Swedish and Norwegian bidding zones (CodeCarbon static factors; FI stays the OWID country row)."""
    data = _json(shared / "data/codecarbon/private_infra/nordic_emissions.json")["data"]
    assert isinstance(data, dict)
    rows: Rows = []
    for code in sorted(data):
        if code == "FI":
            continue
        e = data[code]
        country = code[:2]
        rows.append({"zone": f"{country}-{code}", "iso3": None,
                     "name": f"{'Sweden' if country == 'SE' else 'Norway'} bidding zone {code}",
                     "kind": "subnational", "parent": country, "intensity_g_per_kwh": _num(e["emission_factor"]),
                     "source": "CC-NORDIC", "year": int(e["year"]), "licence": "MIT", "status": "S",
                     "notes": (f"flat static value for all SE/NO zones, 'based on historical averages from ENTSO-E "
                               f"data' (boundary not stated); CodeCarbon label: {e['description']}")})
    return rows


def ga_region_rows(shared: Path, prefix: str, parent: str, skip: Iterable[str] = ()) -> Rows:
    """Sub-national rows taken from Green Algorithms for one country (Australian states)."""
    rows: Rows = []
    alternatives = {"AU-WA": "AU-WA1", "AU-NT": "AU-NT2"}
    ga = {r["location"]: r for r in _csv(shared / "data/green-algorithms/CI_aggregated.csv", skip=1)}
    for code in sorted(ga):
        if not code.startswith(prefix) or code in skip:
            continue
        g = ga[code]
        zone = GA_ZONE_FIXES.get(code, code)
        note = ("Australian government factor via carbonfootprint.com (2019 data published 2021); boundary not "
                "stated (likely direct, not lifecycle)")
        if zone != code:
            note += f"; Green Algorithms code {code} ({g['regionName']})"
        alt = alternatives.get(zone)
        if alt:
            note += f"; alternative grid {alt} ({ga[alt]['regionName']}): {ga[alt]['carbonIntensity']} g"
        name = g["regionName"].split(" (")[0]
        rows.append({"zone": zone, "iso3": None, "name": name, "kind": "subnational", "parent": parent,
                     "intensity_g_per_kwh": _num(g["carbonIntensity"]), "source": "GA-CI", "year": 2019,
                     "licence": "CC-BY-4.0", "status": "S", "notes": note})
    return rows


def grid_rows(shared: Path) -> Rows:
    countries = country_rows(shared)
    ga = {r["location"]: r for r in _csv(shared / "data/green-algorithms/CI_aggregated.csv", skip=1)}
    nordic = _json(shared / "data/codecarbon/private_infra/nordic_emissions.json")["data"]
    assert isinstance(nordic, dict)
    for r in countries:
        g = ga.get(str(r["zone"]))
        if g is not None:
            r["notes"] = f"{r['notes']}; Green Algorithms (older, {g['comments'] or 'definition not stated'}): " \
                         f"{g['carbonIntensity']} g"
        if r["zone"] == "HK":
            r["notes"] = f"{r['notes']}; Green Algorithms per utility: CN-HK {ga['CN-HK']['carbonIntensity']} g, " \
                         f"CN-HK2 {ga['CN-HK2']['carbonIntensity']} g"
        if r["zone"] == "FI":
            r["notes"] = f"{r['notes']}; CodeCarbon Nordic static factor {nordic['FI']['emission_factor']} g " \
                         f"({nordic['FI']['year']})"
    subs = (us_state_rows(shared) + canada_rows(shared) + nordic_rows(shared)
            + ga_region_rows(shared, "AU-", "AU", skip=("AU-WA1", "AU-NT2")))
    rows = [world_row(shared, countries), *sorted(countries + subs, key=lambda r: str(r["zone"]))]
    zones = [r["zone"] for r in rows]
    if len(zones) != len(set(zones)):
        raise SystemExit("duplicate zone in grid_intensity")
    return rows


# ----------------------------------------------------------------------------------------------- water
def water_rows(shared: Path) -> Rows:
    rows: Rows = []
    for r in _csv(shared / "data/ecologits/electricity_mixes.csv"):
        zone = "WORLD" if r["name"] == "WOR" else ISO3_TO_ISO2[r["name"]]
        note = "WRI method (consumption per kWh generated); vintage not stated in the file"
        if zone == "US":
            note += f"; Li et al. 2023 US average {LI23_EWIF['US'][0]} L/kWh agrees"
        rows.append({"zone": zone, "ewif_l_per_kwh": _num(r["wue"]), "source": "ECO-MIX", "year": 2025,
                     "licence": "MPL-2.0", "status": "P", "notes": note})
    for zone, (value, note) in sorted(LI23_EWIF.items()):
        if zone == "US":
            continue
        rows.append({"zone": zone, "ewif_l_per_kwh": value, "source": "LI23", "year": 2023, "licence": "facts",
                     "status": "Q", "notes": note})
    return sorted(rows, key=lambda r: ("" if r["zone"] == "WORLD" else str(r["zone"])))


# ----------------------------------------------------------------------------------------------- cloud regions
def cloud_rows(shared: Path) -> Rows:
    rows: Rows = []
    for r in _csv(shared / "data/codecarbon/cloud/impact.csv"):
        rid = "me-central1" if r["region"] == "me-cenrtal1" else r["region"]
        note = "Google-published grid intensity of the region (location-based); vintage not stated in the file"
        if rid != r["region"]:
            note += f"; region id fixed from CodeCarbon's typo '{r['region']}'"
        where = ", ".join(x for x in (r["city"], r["state"], r["country_name"]) if x)
        rows.append({"region": f"gcp:{rid}", "provider": "gcp", "region_id": rid, "name": where,
                     "zone": GCP_ZONES.get(rid, ISO3_TO_ISO2[r["countryIsoCode"]]),
                     "provider_intensity_g_per_kwh": _num(r["impact"]), "source": "CC-GCP;GCP-REGION", "year": 2024,
                     "licence": "MIT", "status": "P", "notes": note})
    for r in _csv(shared / "data/green-algorithms/cloudProviders_datacenters.csv", skip=1):
        if r["provider"] != "azure":
            continue
        display = r["Name"]
        rid = AZURE_ID_FIXES.get(display, display.split(" (")[0].replace(" ", "").lower())
        zone = GA_ZONE_FIXES.get(r["location"], r["location"])
        note = "region id = display name lower-cased without spaces"
        if display in AZURE_ID_FIXES:
            note = f"region id corrected from Green Algorithms name '{display}'"
        if not r["location"]:
            zone = "QA"
            note += "; zone QA (Doha) filled in, location empty in the source"
        elif zone != r["location"]:
            note += f"; Green Algorithms location {r['location']} mapped to {zone}"
        where = ", ".join(dict.fromkeys(x for x in (r["Extra_details"], r["location_freeForm"]) if x))
        label = display.split(" (")[0].replace("Northeastt", "Northeast")
        rows.append({"region": f"azure:{rid}", "provider": "azure", "region_id": rid,
                     "name": f"{label} ({where})" if where else label, "zone": zone,
                     "provider_intensity_g_per_kwh": None, "source": "GA-CLOUD;AZURE-REGIONS", "year": 2025,
                     "licence": "CC-BY-4.0", "status": "S", "notes": note})
    for rid, name, zone, status in AWS_REGIONS:
        rows.append({"region": f"aws:{rid}", "provider": "aws", "region_id": rid, "name": name, "zone": zone,
                     "provider_intensity_g_per_kwh": None, "source": "AWS-REGIONS", "year": 2025,
                     "licence": "facts", "status": status,
                     "notes": "zone = country/state of the region's location as named by AWS"})
    rows.sort(key=lambda r: str(r["region"]))
    if len({r["region"] for r in rows}) != len(rows):
        raise SystemExit("duplicate cloud region")
    return rows


# ----------------------------------------------------------------------------------------------- operators, APIs
def operator_rows() -> Rows:
    rows: Rows = []
    for op, year, pue, wue, scope, source, licence, status, notes in OPERATORS:
        rows.append({"operator_year": f"{op}-{year}", "operator": op, "year": year, "pue": pue,
                     "wue_l_per_kwh": wue, "scope": scope, "source": source, "licence": licence, "status": status,
                     "notes": notes})
    return rows


def api_rows(shared: Path) -> Rows:
    rows: Rows = []
    for r in _csv(shared / "data/ecologits/provider_datacenters.csv"):
        pl, ph = _num(r["pue_min"]), _num(r["pue_max"])
        wl, wh = _num(r["wue_onsite_min_l_per_kwh"]), _num(r["wue_onsite_max_l_per_kwh"])
        ranged = pl != ph or wl != wh
        clouds = ";".join(sorted({"aws": "aws", "google": "gcp", "microsoft": "azure"}[c.strip().lower()]
                                 for c in r["cloud_provider"].split(",")))
        name = PROVIDER_NAMES.get(r["provider"], r["provider"])
        notes = [f"EcoLogits provider key '{r['provider']}'"] if name != r["provider"] else []
        if ranged:
            notes.append("best = midpoint of the EcoLogits range (EcoLogits gives only min/max)")
        if r["notes"]:
            notes.append(f"EcoLogits note: {r['notes']}")
        notes.append("fleet-level assumption, not per region or year; WUE = on-site L per kWh of IT energy")
        rows.append({"provider": name, "cloud": clouds, "zone": ISO3_TO_ISO2[r["datacenter_location_iso3"]],
                     "pue": _r((pl + ph) / 2, 4), "pue_low": pl, "pue_high": ph, "wue_l_per_kwh": _r((wl + wh) / 2, 4),
                     "wue_l_per_kwh_low": wl, "wue_l_per_kwh_high": wh, "source": "ECO-PROV", "year": 2025,
                     "licence": "MPL-2.0", "status": "D" if ranged else "P", "notes": "; ".join(notes)})
    return sorted(rows, key=lambda r: str(r["provider"]))


def electricity_rows(shared: Path) -> Rows:
    mix = _json(shared / "data/codecarbon/private_infra/global_energy_mix.json")
    rows: Rows = []
    for iso3 in sorted(mix):
        e = mix[iso3]
        assert isinstance(e, dict)
        rows.append({"zone": ISO3_TO_ISO2[iso3], "name": str(e["country_name"]),
                     "generation_twh": _r(_num(e["total_TWh"])), "source": "CC-OWID", "year": int(e["year"]),
                     "licence": "CC-BY-4.0", "status": "P", "notes": "generation (sum of sources), not demand"})
    total = _r(sum(_num(r["generation_twh"]) for r in rows), 2)
    years = sorted({int(str(r["year"])) for r in rows})
    world: dict[str, Cell] = {
        "zone": "WORLD", "name": "World", "generation_twh": total, "source": "CC-OWID", "year": years[-1],
        "licence": "CC-BY-4.0", "status": "D",
        "notes": f"sum of the {len(rows)} rows below (years {years[0]}-{years[-1]} mixed); generation, not demand"}
    return [world, *sorted(rows, key=lambda r: str(r["zone"]))]


# ----------------------------------------------------------------------------------------------- writing
def _fmt(v: Cell) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.10g}" if "e" not in f"{v:.10g}" else repr(v)
    return str(v)


def render_csv(columns: Sequence[str], rows: Iterable[Mapping[str, Cell]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        if set(r) != set(columns):
            raise SystemExit(f"row columns {sorted(r)} != {sorted(columns)}")
        w.writerow([_fmt(r[c]) for c in columns])
    return buf.getvalue()


def build(shared: Path) -> dict[str, str]:
    """All output files, relative path -> text."""
    tables = {"grid_intensity": grid_rows(shared), "water_offsite": water_rows(shared),
              "cloud_regions": cloud_rows(shared), "datacenter_operators": operator_rows(),
              "api_providers": api_rows(shared), "country_electricity": electricity_rows(shared)}
    out: dict[str, str] = {}
    for name, rows in tables.items():
        out[f"{name}.csv"] = render_csv(COLUMNS[name], rows)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="shared/ folder (default: ../shared)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output data folder")
    ap.add_argument("--check", action="store_true", help="compare with the files on disk, write nothing")
    args = ap.parse_args(argv)
    try:
        files = build(args.shared)
    except FileNotFoundError as exc:  # no shared/ checkout here, or not at the default place
        missing = Path(exc.filename) if exc.filename else args.shared
        where = "does not exist" if not args.shared.is_dir() else f"lacks {missing.relative_to(args.shared)}" \
            if missing.is_relative_to(args.shared) else f"lacks {missing}"
        print(f"error: --shared {args.shared}: the shared data folder {where}; pass --shared PATH (the folder "
              "holding data/codecarbon, data/ecologits and data/green-algorithms)", file=sys.stderr)
        return 2
    stale = []
    for rel, text in sorted(files.items()):
        path = args.out / rel
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(rel)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
    verb = "out of date" if args.check else "written"
    print(f"{len(files)} files, {len(stale)} {verb}: {', '.join(stale) or '-'}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
