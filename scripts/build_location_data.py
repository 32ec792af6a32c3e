#!/usr/bin/env python3
"""Build the location reference data: grid intensity, off-site water, cloud regions, operators, API providers,
national electricity generation.

Reads the upstream copies in ``<shared>/data/{codecarbon,ecologits,green-algorithms}/`` (each with a SOURCE.md
giving origin, commit and licence) and figures quoted from ``<shared>/reference/facts.md``, transcribed below as
cited constants. Writes ``src/aifootprint/reference/data/<dataset>.csv``. The ``.toml`` sidecars and
``data/sources/location.csv`` (citations of the source keys used here) are hand-written next to the CSVs.
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

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO.parent / "shared"
DEFAULT_OUT = REPO / "src" / "aifootprint" / "reference" / "data"

#: 1 lb/MWh = 0.45359237 g/kWh (international avoirdupois pound, exact).
LB_PER_MWH_TO_G_PER_KWH = 0.45359237

# ----------------------------------------------------------------------------------------------- cited constants
#: ISO 3166-1 alpha-3 -> alpha-2 (ISO 3166-1:2020, "Codes for the representation of names of countries", public
#: standard; https://www.iso.org/iso-3166-country-codes.html). Covers every code in CodeCarbon/EcoLogits.
ISO3_TO_ISO2: dict[str, str] = dict(p.split(":") for p in """
ABW:AW AFG:AF AGO:AO ALB:AL ARE:AE ARG:AR ARM:AM ASM:AS ATG:AG AUS:AU AUT:AT AZE:AZ BDI:BI BEL:BE BEN:BJ BFA:BF
BGD:BD BGR:BG BHR:BH BHS:BS BIH:BA BLR:BY BLZ:BZ BMU:BM BOL:BO BRA:BR BRB:BB BRN:BN BTN:BT BWA:BW CAF:CF CAN:CA
CHE:CH CHL:CL CHN:CN CIV:CI CMR:CM COD:CD COG:CG COK:CK COL:CO COM:KM CPV:CV CRI:CR CUB:CU CYM:KY CYP:CY CZE:CZ
DEU:DE DJI:DJ DMA:DM DNK:DK DOM:DO DZA:DZ ECU:EC EGY:EG ERI:ER ESH:EH ESP:ES EST:EE ETH:ET FIN:FI FJI:FJ FLK:FK
FRA:FR FRO:FO GAB:GA GBR:GB GEO:GE GHA:GH GIB:GI GIN:GN GLP:GP GMB:GM GNB:GW GNQ:GQ GRC:GR GRD:GD GRL:GL GTM:GT
GUF:GF GUM:GU GUY:GY HKG:HK HND:HN HRV:HR HTI:HT HUN:HU IDN:ID IND:IN IRL:IE IRN:IR IRQ:IQ ISL:IS ISR:IL ITA:IT
JAM:JM JOR:JO JPN:JP KAZ:KZ KEN:KE KGZ:KG KHM:KH KIR:KI KNA:KN KOR:KR KWT:KW LAO:LA LBN:LB LBR:LR LBY:LY LCA:LC
LKA:LK LSO:LS LTU:LT LUX:LU LVA:LV MAC:MO MAR:MA MDA:MD MDG:MG MDV:MV MEX:MX MKD:MK MLI:ML MLT:MT MMR:MM MNE:ME
MNG:MN MOZ:MZ MRT:MR MSR:MS MTQ:MQ MUS:MU MWI:MW MYS:MY NAM:NA NCL:NC NER:NE NGA:NG NIC:NI NLD:NL NOR:NO NPL:NP
NRU:NR NZL:NZ OMN:OM PAK:PK PAN:PA PER:PE PHL:PH PNG:PG POL:PL PRI:PR PRK:KP PRT:PT PRY:PY PSE:PS PYF:PF QAT:QA
REU:RE ROU:RO RUS:RU RWA:RW SAU:SA SDN:SD SEN:SN SGP:SG SHN:SH SLB:SB SLE:SL SLV:SV SOM:SO SPM:PM SRB:RS SSD:SS
STP:ST SUR:SR SVK:SK SVN:SI SWE:SE SWZ:SZ SYC:SC SYR:SY TCA:TC TCD:TD TGO:TG THA:TH TJK:TJ TKM:TM TLS:TL TON:TO
TTO:TT TUN:TN TUR:TR TWN:TW TZA:TZ UGA:UG UKR:UA URY:UY USA:US UZB:UZ VCT:VC VEN:VE VGB:VG VIR:VI VNM:VN VUT:VU
WSM:WS YEM:YE ZAF:ZA ZMB:ZM ZWE:ZW
""".split())  # noqa: SIM905

#: CodeCarbon 2023 Canada file keys -> ISO 3166-2:CA subdivision codes (ISO 3166-2, public standard).
CA_PROVINCES = {"alberta": "CA-AB", "british columbia": "CA-BC", "manitoba": "CA-MB", "new brunswick": "CA-NB",
                "newfoundland and labrador": "CA-NL", "northwest territories": "CA-NT", "nova scotia": "CA-NS",
                "nunavut": "CA-NU", "ontario": "CA-ON", "prince edward island": "CA-PE", "quebec": "CA-QC",
                "saskatchewan": "CA-SK", "yukon": "CA-YT"}

#: Green Algorithms location codes that are not ISO 3166(-2): Manitoba is CA-MB; Hong Kong has its own alpha-2 (HK);
#: AU-WA2 (South West Interconnected System, Perth) is shipped as AU-WA and AU-NT (whole territory) kept as AU-NT.
GA_ZONE_FIXES = {"CA-MT": "CA-MB", "CN-HK": "HK", "AU-WA2": "AU-WA"}

#: Azure region ids where Green Algorithms' display names do not give the id directly (typo, legacy names).
AZURE_ID_FIXES = {"Germany Northeastt (Sovereign)": "germanynortheast"}

#: GCP regions placed in a sub-national or different zone than CodeCarbon's country (city/state in impact.csv).
GCP_ZONES = {"asia-east2": "HK", "australia-southeast1": "AU-NSW", "australia-southeast2": "AU-VIC",
             "northamerica-northeast1": "CA-QC", "northamerica-northeast2": "CA-ON", "us-central1": "US-IA",
             "us-east1": "US-SC", "us-east4": "US-VA", "us-east5": "US-OH", "us-south1": "US-TX",
             "us-west1": "US-OR", "us-west2": "US-CA", "us-west3": "US-UT", "us-west4": "US-NV"}

#: AWS regions: (id, name, grid zone, status). Source AWS-REGIONS: AWS "Regions and Availability Zones",
#: https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html (names read in AWS docs, P;
#: the three marked S were read in third-party docs listing AWS regions). Zone = the named city's country/state.
AWS_REGIONS: tuple[tuple[str, str, str, str], ...] = (
    ("af-south-1", "Africa (Cape Town)", "ZA", "P"), ("ap-east-1", "Asia Pacific (Hong Kong)", "HK", "P"),
    ("ap-northeast-1", "Asia Pacific (Tokyo)", "JP", "P"), ("ap-northeast-2", "Asia Pacific (Seoul)", "KR", "P"),
    ("ap-northeast-3", "Asia Pacific (Osaka)", "JP", "P"), ("ap-south-1", "Asia Pacific (Mumbai)", "IN", "P"),
    ("ap-south-2", "Asia Pacific (Hyderabad)", "IN", "P"), ("ap-southeast-1", "Asia Pacific (Singapore)", "SG", "P"),
    ("ap-southeast-2", "Asia Pacific (Sydney)", "AU-NSW", "P"), ("ap-southeast-3", "Asia Pacific (Jakarta)", "ID", "P"),
    ("ap-southeast-4", "Asia Pacific (Melbourne)", "AU-VIC", "P"),
    ("ap-southeast-5", "Asia Pacific (Malaysia)", "MY", "S"), ("ap-southeast-7", "Asia Pacific (Thailand)", "TH", "S"),
    ("ca-central-1", "Canada (Central), Montreal", "CA-QC", "P"), ("ca-west-1", "Canada West (Calgary)", "CA-AB", "S"),
    ("cn-north-1", "China (Beijing)", "CN", "P"), ("cn-northwest-1", "China (Ningxia)", "CN", "P"),
    ("eu-central-1", "Europe (Frankfurt)", "DE", "P"), ("eu-central-2", "Europe (Zurich)", "CH", "P"),
    ("eu-north-1", "Europe (Stockholm)", "SE", "P"), ("eu-south-1", "Europe (Milan)", "IT", "P"),
    ("eu-south-2", "Europe (Spain)", "ES", "P"), ("eu-west-1", "Europe (Ireland)", "IE", "P"),
    ("eu-west-2", "Europe (London)", "GB", "P"), ("eu-west-3", "Europe (Paris)", "FR", "P"),
    ("il-central-1", "Israel (Tel Aviv)", "IL", "S"), ("me-central-1", "Middle East (UAE)", "AE", "P"),
    ("me-south-1", "Middle East (Bahrain)", "BH", "P"), ("mx-central-1", "Mexico (Central)", "MX", "S"),
    ("sa-east-1", "South America (Sao Paulo)", "BR", "P"), ("us-east-1", "US East (N. Virginia)", "US-VA", "P"),
    ("us-east-2", "US East (Ohio)", "US-OH", "P"), ("us-west-1", "US West (N. California)", "US-CA", "P"),
    ("us-west-2", "US West (Oregon)", "US-OR", "P"),
)

#: Off-site EWIF quoted from Li, Yang, Islam, Ren, "Making AI Less 'Thirsty'", arXiv:2304.03271 (LI23; facts.md
#: section B, status Q). US is shipped from EcoLogits (same WRI method, 49 other countries); LI23 kept in notes.
LI23_EWIF: dict[str, tuple[float, str]] = {
    "US": (3.142, "U.S. average (Li et al. 2023)"),
    "US-WA": (9.501, "Washington state, Li et al. 2023 (PUE 1.150, WUE 0.950; 47.506 mL per request)"),
    "US-TX": (1.287, "Texas, Li et al. 2023 (PUE 1.280, WUE 0.250; 7.590 mL per request)"),
}

#: EcoLogits provider keys renamed to the names users type.
PROVIDER_NAMES = {"google_genai": "google", "huggingface_hub": "huggingface"}

#: Data-centre operators: (operator, year, PUE, on-site WUE [L/kWh IT], scope, source keys, licence, status, notes).
#: Transcribed from facts.md sections B and G (status letters as given there; the weakest letter of a row is kept).
OPERATORS: tuple[tuple[str, int, float | None, float | None, str, str, str, str, str], ...] = (
    ("aws", 2021, None, 0.25, "global fleet", "AWS-WUE21", "facts", "S", "WUE from GreenBiz text"),
    ("aws", 2023, 1.15, None, "global fleet", "AWS-SUST", "facts", "P", "best site 1.04"),
    ("aws", 2024, 1.15, 0.15, "global fleet", "AWS-SUST;AWS-WUE24", "facts", "S",
     "PUE P (AWS page); WUE S (third-party code citing AWS; AMER 0.14)"),
    ("aws", 2025, 1.14, 0.12, "global fleet", "AWS-SUST;AWS-WUE25", "facts", "S",
     "PUE P (AWS page); WUE S (Amazon News via humanprogress.org; Amazon claims an industry average of 0.84)"),
    ("google", 2016, 1.12, None, "global fleet, trailing 12 months", "GOOGLE-ENV17", "facts", "P",
     "industry 1.7 quoted in the same report"),
    ("google", 2023, None, 1.15, "global fleet, consumptive ('Category 2') water", "GO25", "facts", "Q", ""),
    ("google", 2024, 1.10, 1.15, "global fleet", "GOOGLE-ENV25;GO25", "facts", "S",
     "PUE S (summary of the 2025 report, industry 1.58); WUE Q (GO25)"),
    ("google", 2025, 1.09, None, "global fleet, trailing 12 months", "GOOGLE-ENV26;ECO-PROV", "facts", "S",
     "PUE S (summary of the 2026 report); EcoLogits also uses 1.09 (P). WUE for 2025 not found: use 2024"),
    ("meta", 2021, 1.09, 0.26, "data centres completed in 2021", "META-SUST", "facts", "P", "new builds only"),
    ("meta", 2023, 1.08, None, "global fleet", "META-DCD23", "facts", "S",
     "14,975,435 MWh electricity, water withdrawal 3,881 ML (2023)"),
    ("microsoft", 2021, None, 0.49, "global fleet", "MS-WUE24", "facts", "S", "baseline quoted for the 39% cut"),
    ("microsoft", 2024, 1.18, 0.30, "global fleet (FY2024)", "MS-DCD;MS-WUE24", "facts", "S",
     "newest designs PUE 1.12"),
    ("microsoft", 2025, None, 0.27, "global fleet", "MS-WUE25", "facts", "S", "PUE for 2025 not found: use 2024"),
    ("microsoft-us", 2023, 1.17, 0.55, "Microsoft U.S. data centres as used by Li et al.", "LI23", "facts", "Q",
     "U.S. average; EWIF 3.142 L/kWh off-site in the same paper"),
    ("industry-average", 2021, 1.57, None, "Uptime Institute survey average", "UPTIME", "facts", "P", ""),
    ("industry-average", 2022, 1.55, None, "Uptime Institute survey average", "UPTIME", "facts", "P", ""),
    ("industry-average", 2023, 1.58, None, "Uptime Institute survey average", "UPTIME", "facts", "P", ""),
    ("industry-average", 2024, 1.56, None, "Uptime Institute survey average", "UPTIME;GA-PUE", "facts", "S",
     "range 1.55-1.59 since about 2020; Green Algorithms' default for unknown providers"),
    ("idc-public-cloud", 2025, 1.25, None, "IDC estimate, public cloud", "AWS-SUST", "facts", "Q",
     "IDC figure quoted on the AWS sustainability page"),
    ("idc-on-premises", 2025, 1.63, None, "IDC estimate, on-premises enterprise", "AWS-SUST", "facts", "Q",
     "IDC figure quoted on the AWS sustainability page"),
    ("oracle", 2023, 1.2, None, "provider default", "GA-PUE", "CC-BY-4.0", "S", "Nutanix blog via Green Algorithms"),
    ("ovhcloud", 2023, 1.09, None, "provider default", "GA-PUE", "CC-BY-4.0", "S", "Nutanix blog via Green Algorithms"),
    ("unknown", 2024, 1.56, 1.8, "default when the operator is unknown", "UPTIME;GREENBIZ-WUE", "facts", "E",
     "assumption: Uptime 2024 survey PUE (range 1.55-1.59); 'industry average' WUE about 1.8 (S; Amazon quotes "
     "0.84 for 2025, hyperscalers report 0.12-1.15)"),
)

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
    files = build(args.shared)
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
