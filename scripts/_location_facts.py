"""Cited constants of ``build_location_data.py``: code tables, region lists, quoted figures and operator data.

Each constant carries its citation (publication, standard or ``<shared>/reference/facts.md`` section and status
letter) in the comment above it; the source keys are cited in ``data/sources/location.csv``.
"""

from __future__ import annotations

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
