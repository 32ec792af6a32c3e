"""Cited constant tables of ``build_published_data.py``: sources, training runs, per-request and sector figures.

Transcribed from ``<shared>/reference/facts.md`` (sections A-E, I); the section and status letter are given per
row (``source`` = the publication's key, ``status`` = facts.md letter). The Patterson et al. 2021 rows are read
from LLMCarbon's ``database.csv`` by the builder (``PA21_ROWS`` names them).
"""

from __future__ import annotations

from typing import Any

# key -> (citation, url, licence, status)
SOURCES: dict[str, tuple[str, str, str, str]] = {
    "PA21": (
        "D. Patterson, J. Gonzalez, Q. Le, C. Liang, L.-M. Munguia, D. Rothchild, D. So, M. Texier, J. Dean, 'Carbon "
        "Emissions and Large Neural Network Training', arXiv:2104.10350, 2021 (values as reproduced in LLMCarbon "
        "data/database.csv)", "https://arxiv.org/abs/2104.10350", "facts", "P"),
    "BL22": (
        "A. S. Luccioni, S. Viguier, A.-L. Ligozat, 'Estimating the Carbon Footprint of BLOOM, a 176B Parameter "
        "Language Model', arXiv:2211.02001, 2022 (JMLR 2023)", "https://arxiv.org/abs/2211.02001", "facts", "S"),
    "DV23": (
        "A. de Vries, 'The growing energy footprint of artificial intelligence', Joule 7(10):2191-2194, 2023, "
        "doi:10.1016/j.joule.2023.09.004", "https://doi.org/10.1016/j.joule.2023.09.004", "facts", "Q"),
    "DV25a": (
        "A. de Vries-Gao, commentary on AI power demand (Joule, 2025), as reported by digitalcryptohub.com, "
        "iafrica.com, ioplus.nl",
        "https://www.ioplus.nl/en/posts/ai-could-soon-emit-as-much-co-as-new-york", "facts", "S",
    ),
    "DV25b": (
        "A. de Vries-Gao, carbon and water footprint of AI systems (Patterns, 2025), as reported in the VU Amsterdam "
        "press text", "https://vuink.com", "facts", "S"),
    "LI23": (
        "P. Li, J. Yang, M. A. Islam, S. Ren, 'Making AI Less \"Thirsty\": Uncovering and Addressing the Secret Water "
        "Footprint of AI Models', arXiv:2304.03271, 2023 (v5 2025)", "https://arxiv.org/abs/2304.03271", "facts", "Q"),
    "GO25": (
        "C. Elsworth, K. Huang, D. Patterson et al., 'Measuring the environmental impact of delivering AI at Google "
        "scale', arXiv:2508.15734, 2025", "https://arxiv.org/abs/2508.15734", "facts", "Q"),
    "SA25": (
        "S. Altman, 'The Gentle Singularity' (blog), June 2025",
        "https://blog.samaltman.com/the-gentle-singularity", "facts", "Q",
    ),
    "MI25": (
        "Mistral AI, life-cycle analysis of Mistral Large 2 (with Carbone 4 and ADEME; reviewed by Resilio and Hubblo),"
        " July 2025, as reported by multilingual.com, devsustainability.com, sipoch.com",
        "https://multilingual.com/?p=227003", "facts", "S",
    ),
    "PHP24": (
        "A. S. Luccioni, Y. Jernite, E. Strubell, 'Power Hungry Processing: Watts Driving the Cost of AI Deployment?', "
        "FAccT 2024, arXiv:2311.16863 (Table 2)", "https://arxiv.org/abs/2311.16863", "facts", "Q"),
    "GOOGLE09": (
        "U. Hölzle, 'Powering a Google search', Google blog, 11 Jan 2009 (0.0003 kWh per search), as quoted in de Vries"
        " 2023", "https://googleblog.blogspot.com/2009/01/powering-google-search.html", "facts", "Q"),
    "SAMSI23": (
        "S. Samsi et al., 'From Words to Watts: Benchmarking the Energy Costs of Large Language Model Inference', 2023 "
        "(arXiv:2310.03003), as quoted in Elsworth et al. 2025", "https://arxiv.org/abs/2310.03003", "facts", "Q"),
    "IEA25": (
        "IEA, 'Energy and AI', April 2025 (figures from secondary reproductions of the executive summary and annex)",
        "https://www.iea.org/reports/energy-and-ai", "facts", "S",
    ),
    "IEA24": (
        "IEA, 'Electricity 2024 - Analysis and forecast to 2026', January 2024 (p. 31)",
        "https://www.iea.org/reports/electricity-2024", "facts", "Q",
    ),
    "IEA-GER25": (
        "IEA, Global Energy Review 2025, as quoted by Carbon Brief (Sept 2025)",
        "https://www.carbonbrief.org", "facts", "Q",
    ),
    "LBNL24": (
        "A. Shehabi, S. Smith, A. Hubbard et al., '2024 United States Data Center Energy Usage Report', Lawrence "
        "Berkeley National Laboratory, Dec 2024 (figures via secondary reports, e.g. American Public Power "
        "Association)",
        "https://www.publicpower.org/periodical/article/"
        "report-sees-data-center-load-growth-doubling-or-tripling-2028",
        "facts", "S",
    ),
    "DIGI-BECI": (
        "Digiconomist, Bitcoin Energy Consumption Index (undated page copy, after Nov 2023)",
        "https://digiconomist.net/bitcoin-energy-consumption", "facts", "P",
    ),
    "CBECI": (
        "Cambridge Centre for Alternative Finance, Cambridge Bitcoin Electricity Consumption Index (data licence CC "
        "BY-NC-SA 4.0; figures quoted)", "https://ccaf.io/cbnsi/cbeci", "facts", "S"),
    "META-ENV24": (
        "Meta, 2024 Sustainability Report data (2023 data-centre electricity, PUE, water), as reported by "
        "africa.hyperscalers.news", "https://africa.hyperscalers.news", "facts", "S"),
    "GOOGLE-AI-SHARE": (
        "Google electricity and AI share 2019-2021 (Patterson et al. 2022, 'The Carbon Footprint of Machine Learning "
        "Training Will Plateau, Then Shrink'), as quoted in secondary notes",
        "https://arxiv.org/abs/2204.05149", "facts", "S",
    ),
}

# --------------------------------------------------------------------------------------------------------------
# Training runs
# --------------------------------------------------------------------------------------------------------------

# LLMCarbon database.csv name -> (our key, model key, hardware, notes)
PA21_ROWS = {
    "T5": ("t5-11b", "t5-11b", "tpu-v3", ""),
    "Gshard": ("gshard-600b", "gshard-600b", "tpu-v3",
               "MoE, 2.3B active; LLMCarbon lists 1,000 TPUv3 and 619B, Patterson et al. 1,024 TPUv3 and 600B"),
    "Switch": ("switch-transformer", "switch-transformer-1.5t", "tpu-v3",
               "MoE, 7.41B active; device count as listed by LLMCarbon"),
    "GPT3": ("gpt-3", "gpt-3", "v100",
             "Luccioni et al. 2022 (Table 4) give 502 tCO2e for the same 1,287 MWh"),
}  # fmt: skip

# Meta model cards (facts.md D, status P): (key, model, gpu-hours, hardware, TDP W, location t, market t, params_b)
META_RUNS: list[tuple[str, str, float, str, float, float, float | None, float, str, int]] = [
    ("llama-2-7b", "llama-2-7b", 184320, "a100-80gb", 400, 31.22, None, 7, "LLAMA2-CARD", 2023),
    ("llama-2-13b", "llama-2-13b", 368640, "a100-80gb", 400, 62.44, None, 13, "LLAMA2-CARD", 2023),
    ("llama-2-70b", "llama-2-70b", 1720320, "a100-80gb", 400, 291.42, None, 70, "LLAMA2-CARD", 2023),
    ("llama-3-8b", "llama-3-8b", 1.3e6, "h100", 700, 390, None, 8, "LLAMA3-CARD", 2024),
    ("llama-3-70b", "llama-3-70b", 6.4e6, "h100", 700, 1900, None, 70, "LLAMA3-CARD", 2024),
    ("llama-3.1-8b", "llama-3.1-8b", 1.46e6, "h100", 700, 420, 0, 8, "LLAMA31-CARD", 2024),
    ("llama-3.1-70b", "llama-3.1-70b", 7.0e6, "h100", 700, 2040, 0, 70, "LLAMA31-CARD", 2024),
    ("llama-3.1-405b", "llama-3.1-405b", 30.84e6, "h100", 700, 8930, 0, 405, "LLAMA31-CARD", 2024),
    ("llama-3.2-1b", "llama-3.2-1b", 370e3, "h100", 700, 107, 0, 1.23, "LLAMA32-CARD", 2024),
    ("llama-3.2-3b", "llama-3.2-3b", 460e3, "h100", 700, 133, 0, 3.21, "LLAMA32-CARD", 2024),
    ("llama-4-scout", "llama-4-scout", 5.0e6, "h100", 700, 1354, 0, 109, "LLAMA4-CARD", 2025),
    ("llama-4-maverick", "llama-4-maverick", 2.38e6, "h100", 700, 645, 0, 400, "LLAMA4-CARD", 2025),
]

META_NOTES = {
    "llama-2-7b": "Llama 2 card totals 3,311,616 GPU-hours and 539.00 tCO2e ('100% offset' by Meta) include the "
    "unreleased 34B model (difference: 1,038,336 GPU-hours, 153.92 tCO2e, derived); 350-400 W TDP range, 400 W used",
    "llama-3-8b": "Llama 3 family total 7.7M GPU-hours, 2,290 tCO2e",
    "llama-3.1-405b": "Llama 3.1 family total 39.3M GPU-hours, 11,390 tCO2e location-based; GPU energy ~21.6 GWh "
    "(30.84M h x 0.7 kW, derived)",
    "llama-3.2-1b": "Llama 3.2 text total 916k GPU-hours and 240 tCO2e incl. 86k hours of logit generation",
    "llama-4-scout": "MoE, 17B active of 109B (model card); Llama 4 total 7.38M GPU-hours, 1,999 tCO2e",
    "llama-4-maverick": "MoE, 17B active of 400B (model card); Llama 4 total 7.38M GPU-hours, 1,999 tCO2e",
}

OTHER_RUNS: list[dict[str, Any]] = [
    {
        # facts.md D (BLOOM): 1,082,990 GPU-h x 0.4 kW = 433,196 kWh (S); 57 g/kWh (S); 24.7 t dynamic (P abstract)
        "key": "bloom-176b", "model": "bloom-176b", "hardware": "a100-80gb", "accelerator_hours": 1082990,
        "power_w_per_accelerator": 400, "energy_mwh": 433.196, "intensity_g_per_kwh": 57, "carbon_t": 24.7,
        "params_b": 176,
        "method": "Luccioni et al. 2022: dynamic energy = GPU-hours x 400 W TDP (no PUE) x French grid intensity; "
        "idle, infrastructure and embodied emissions reported separately",
        "source": "BL22;BS22", "year": 2022, "licence": "facts", "status": "S",
        "notes": "dynamic (final training) only; idle 256,646 kWh -> 14.6 tCO2e; embodied 11.2 tCO2e (150 kg per "
        "GPU, 2,500 kg per server); total 50.5 tCO2e for final training (P); ~81 tCO2e for the whole project incl. "
        "experiments (S)",
    },
    {
        # facts.md D: OPT-175B 324 MWh; 75 t (OPT paper) vs 70 t (BL22 Table 4), S
        "key": "opt-175b", "model": "opt-175b", "hardware": "a100-80gb", "energy_mwh": 324, "carbon_t": 75,
        "params_b": 175, "method": "as published by Meta (OPT paper); energy re-tabulated by Luccioni et al. 2022",
        "source": "OPT-PAPER;BL22", "year": 2022, "licence": "facts", "status": "S",
        "notes": "Luccioni et al. 2022 (Table 4) give 70 tCO2e; ~992 MWh including experiments (S)",
    },
    {
        # facts.md D: Gopher 1,066 MWh; 352 t (BL22 Table 4) vs ~380 t elsewhere; 4,096 TPUv3 x 920 h; 283 W average
        "key": "gopher-280b", "model": "gopher-280b", "hardware": "tpu-v3", "accelerator_count": 4096,
        "accelerator_hours": 3768320, "power_w_per_accelerator": 283, "energy_mwh": 1066, "carbon_t": 352,
        "params_b": 280,
        "method": "Luccioni et al. 2022 Table 4: chip-hours x 283 W average chip power",
        "source": "BL22", "year": 2021, "licence": "facts", "status": "S",
        "notes": "accelerator_hours = 4,096 chips x 920 h (derived); ~380 tCO2e quoted elsewhere",
    },
    {
        # facts.md D: Meena 232 MWh, 96 tCO2e (S); other parameters not verified
        "key": "meena", "model": "meena", "energy_mwh": 232, "carbon_t": 96,
        "method": "Patterson et al. 2021 (only energy and emissions verified)",
        "source": "PA21", "year": 2021, "licence": "facts", "status": "S",
        "notes": "hardware (TPU v3), PUE, grid intensity, duration and parameter count not verified (left empty)",
    },
    {
        # facts.md C: Mistral Large 2, 20.4 ktCO2e, 281,000 m3 water, 660 kg Sb eq (training + 18 months of use), S
        "key": "mistral-large-2-lca", "model": "mistral-large-2", "carbon_t": 20400,
        "method": "life-cycle analysis (Carbone 4 / ADEME methodology, peer-reviewed by Resilio and Hubblo): training "
        "plus 18 months of use to January 2025, incl. hardware manufacturing",
        "source": "MI25", "year": 2025, "licence": "facts", "status": "S",
        "notes": "not training alone: includes 18 months of inference; also 281,000 m3 water and 660 kg Sb eq",
    },
]  # fmt: skip

# --------------------------------------------------------------------------------------------------------------
# Per-request figures
# --------------------------------------------------------------------------------------------------------------

# PHP24 Table 2 (facts.md C, Q): kWh per 1,000 inferences = Wh per inference. (key, task, Wh, notes)
PHP24_TASKS: list[tuple[str, str, float, str]] = [
    ("php24-text-classification", "text classification", 0.002, "sd 0.001"),
    ("php24-extractive-qa", "extractive question answering", 0.003, ""),
    ("php24-masked-lm", "masked language modelling", 0.003, ""),
    ("php24-token-classification", "token classification", 0.004, ""),
    ("php24-image-classification", "image classification", 0.007, ""),
    ("php24-object-detection", "object detection", 0.038, ""),
    ("php24-text-generation", "text generation (10 new tokens)", 0.047, "sd 0.03"),
    ("php24-summarization", "summarization", 0.049, ""),
    ("php24-image-captioning", "image captioning", 0.063, ""),
    ("php24-image-generation", "image generation (mean of models)", 2.907, "sd 3.31, median 1.35"),
    ("php24-image-generation-worst", "image generation (most energy-intensive model)", 11.49, ""),
]

PHP24_NOTE = (
    "per inference (kWh per 1,000 inferences); 8x A100-SXM4-80GB node on AWS us-west-2, CodeCarbon, batch 1, idle draw "
    "of the 7 unused GPUs included, 297.6 gCO2e/kWh"
)

REQUESTS: list[dict[str, Any]] = [
    {"key": "google-search-2009", "description": "one Google web search (2009)", "energy_wh": 0.3,
     "boundary": "unknown", "source": "GOOGLE09;DV23", "year": 2009, "status": "Q",
     "notes": "0.0003 kWh ('1 kJ') per search, Google blog 2009, as used by de Vries 2023"},
    {"key": "chatgpt-dv23", "description": "one ChatGPT request, early 2023 (de Vries)", "energy_wh": 2.9,
     "boundary": "server", "model": "ChatGPT (GPT-3.5, early 2023)", "hardware": "hgx-a100",
     "source": "DV23", "year": 2023, "status": "Q",
     "notes": "'at most 2.9 Wh': 564 MWh/day (3,617 HGX A100 servers at 6.5 kW, full power 24 h) / 195 M requests "
     "per day = 2.89 Wh; nameplate power, no PUE"},
    {"key": "llm-interaction-dv23", "description": "one LLM interaction, '10x a search' (de Vries)",
     "energy_wh": 3.0, "boundary": "unknown", "source": "DV23", "year": 2023, "status": "Q",
     "notes": "10 x 0.3 Wh, after Alphabet chairman J. Hennessy (Reuters, Feb 2023)"},
    {"key": "ai-search-dv23", "description": "one AI-powered Google search (SemiAnalysis / New Street Research "
     "scenarios, de Vries)", "energy_wh_low": 6.9, "energy_wh_high": 8.9, "boundary": "server",
     "hardware": "hgx-a100", "source": "DV23", "year": 2023, "status": "Q",
     "notes": "range only (no central value published); nameplate server power, up to 9 billion searches per day"},
    {"key": "gpt-4o-epoch25", "description": "typical GPT-4o query (Epoch AI)", "energy_wh": 0.3,
     "boundary": "datacenter", "model": "gpt-4o", "hardware": "h100", "source": "EP25", "year": 2025,
     "status": "P",
     "notes": "~1 s of one H100 at 1,500 W all-in x 70% of peak = 1,050 J; 100B active params, 500 output tokens, "
     "2 FLOP/param/token, 989 TFLOP/s, 10% utilisation"},
    {"key": "gpt-4o-epoch25-10k-input", "description": "GPT-4o query with a 10k-token input (Epoch AI)",
     "energy_wh": 2.5, "boundary": "datacenter", "model": "gpt-4o", "hardware": "h100", "source": "EP25",
     "year": 2025, "status": "S", "notes": "secondary summary of Epoch's estimate (eurekascoop.com)"},
    {"key": "gpt-4o-epoch25-100k-input", "description": "GPT-4o query with a 100k-token input (Epoch AI)",
     "energy_wh": 40.0, "boundary": "datacenter", "model": "gpt-4o", "hardware": "h100", "source": "EP25",
     "year": 2025, "status": "S", "notes": "secondary summary of Epoch's estimate (eurekascoop.com)"},
    {"key": "chatgpt-openai-2025", "description": "average ChatGPT query (OpenAI, June 2025)", "energy_wh": 0.34,
     "water_ml": 0.32, "boundary": "unknown", "model": "ChatGPT (mid-2025)", "source": "SA25", "year": 2025,
     "status": "Q", "notes": "no method disclosed; water 0.000085 gallon (= 0.32 mL)"},
    {"key": "gemini-apps-median-2025", "description": "median Gemini Apps text prompt, comprehensive boundary",
     "energy_wh": 0.24, "carbon_g": 0.03, "water_ml": 0.26, "boundary": "datacenter", "model": "Gemini (May 2025)",
     "source": "GO25", "year": 2025, "status": "Q",
     "notes": "active accelerators + host CPU/DRAM + idle machines + data-centre overhead; carbon market-based; "
     "water on-site only; 33x less energy than May 2024"},
    {"key": "gemini-apps-median-2025-accelerator", "description": "median Gemini Apps text prompt, narrow "
     "'existing approach' (active accelerators only)", "energy_wh": 0.10, "carbon_g": 0.02, "water_ml": 0.12,
     "boundary": "accelerator", "model": "Gemini (May 2025)", "source": "GO25", "year": 2025, "status": "Q",
     "notes": "Google's comprehensive figure is 2.4x this one"},
    {"key": "gemini-2025-part-accelerator", "description": "median Gemini prompt, component: active AI "
     "accelerators", "energy_wh": 0.14, "boundary": "accelerator", "model": "Gemini (May 2025)", "source": "GO25",
     "year": 2025, "status": "Q", "notes": "component of the 0.24 Wh total (58%)"},
    {"key": "gemini-2025-part-host", "description": "median Gemini prompt, component: host CPU and DRAM",
     "energy_wh": 0.06, "boundary": "server", "model": "Gemini (May 2025)", "source": "GO25", "year": 2025,
     "status": "Q", "notes": "component of the 0.24 Wh total (24-25%)"},
    {"key": "gemini-2025-part-idle", "description": "median Gemini prompt, component: idle (provisioned) machines",
     "energy_wh": 0.02, "boundary": "server", "model": "Gemini (May 2025)", "source": "GO25", "year": 2025,
     "status": "Q", "notes": "component of the 0.24 Wh total (10%)"},
    {"key": "gemini-2025-part-overhead", "description": "median Gemini prompt, component: data-centre overhead",
     "energy_wh": 0.02, "boundary": "datacenter", "model": "Gemini (May 2025)", "source": "GO25", "year": 2025,
     "status": "Q", "notes": "component of the 0.24 Wh total (8%); accelerator-to-full-serving multiplier 1.72"},
    {"key": "bloom-api-2022", "description": "one BLOOM API request (18-day deployment)", "energy_wh": 3.96,
     "carbon_g": 1.5, "boundary": "server", "model": "bloom-176b", "hardware": "a100-40gb",
     "source": "BL22;DV23", "year": 2022, "status": "Q",
     "notes": "914 kWh / 230,768 requests on GCP (16 A100 40GB), ~19-20 kgCO2e/day; batch-1 demo deployment"},
    {"key": "li23-request-assumption", "description": "one 'medium-sized' request assumed by Li et al. "
     "(GPT-3-class)", "energy_wh": 4.0, "water_ml": 16.904, "boundary": "server", "source": "LI23",
     "year": 2023, "status": "Q",
     "notes": "0.004 kWh server energy per request; water for the U.S. average (PUE 1.170, on-site WUE 0.550, "
     "EWIF 3.142 L/kWh); 7.1 (Ireland) to 47.5 mL (Washington) across 18 locations"},
    {"key": "li23-llama-3-70b", "description": "one request to Llama-3-70B (Li et al. v5 caveat)",
     "energy_wh": 10.0, "boundary": "server", "model": "llama-3-70b", "source": "LI23", "year": 2025,
     "status": "Q", "notes": "0.010 kWh per request"},
    {"key": "li23-falcon-180b", "description": "one request to Falcon-180B (Li et al. v5 caveat)",
     "energy_wh": 16.0, "boundary": "server", "model": "Falcon-180B", "source": "LI23", "year": 2025,
     "status": "Q", "notes": "0.016 kWh per request"},
    {"key": "mistral-le-chat-400tok", "description": "one 400-token Le Chat response (Mistral Large 2, life cycle)",
     "carbon_g": 1.14, "water_ml": 45, "boundary": "unknown", "model": "mistral-large-2", "source": "MI25",
     "year": 2025, "status": "S",
     "notes": "life-cycle figures incl. hardware manufacturing; 0.16 mg Sb eq; no energy (Wh) published"},
    {"key": "samsi23-llama-65b", "description": "one LLaMA-65B response (Samsi et al.)", "energy_wh": 0.3,
     "boundary": "accelerator", "model": "LLaMA-65B", "source": "SAMSI23;GO25", "year": 2023, "status": "Q",
     "notes": "as quoted by Elsworth et al. 2025; boundary as described there (GPU energy)"},
    {"key": "ecologits-50tok-google25", "description": "EcoLogits estimate for a 50-output-token prompt, as "
     "reported by Google", "energy_wh_low": 1.83, "energy_wh_high": 6.95, "boundary": "datacenter",
     "source": "GO25", "year": 2025, "status": "Q",
     "notes": "range as cited in Elsworth et al. 2025 (an older EcoLogits version)"},
]  # fmt: skip

# --------------------------------------------------------------------------------------------------------------
# Sector figures
# --------------------------------------------------------------------------------------------------------------

# (key, description, value, low, high, unit, region, figure_year, source, year, status, notes)
SectorRow = tuple[str, str, float | None, float | None, float | None, str, str, int | None, str, int, str, str]
SECTOR: list[SectorRow] = [
    # facts.md E: IEA Energy and AI (2025), S
    ("iea25-dc-2024", "global data-centre electricity consumption", 415, None, None, "TWh/yr", "World", 2024,
     "IEA25", 2025, "S", "~1.5% of world electricity; annex gives 416"),
    ("iea25-dc-2030-base", "global data-centre electricity, base case", 945, None, None, "TWh/yr", "World", 2030,
     "IEA25", 2025, "S", "just under 3% of world electricity, slightly more than Japan today; annex gives 946"),
    ("iea25-dc-2030-scenarios", "global data-centre electricity, scenario span (Headwinds - Lift-Off)", None, 669,
     1264, "TWh/yr", "World", 2030, "IEA25", 2025, "S", "via HF dataset NMAIResearch/forecast-scorecard"),
    ("iea25-dc-2035-base", "global data-centre electricity, base case", 1200, None, None, "TWh/yr", "World", 2035,
     "IEA25", 2025, "S", ""),
    ("iea25-dc-2035-high", "global data-centre electricity, upper scenario ('could reach')", 1720, None, None,
     "TWh/yr", "World", 2035, "IEA25", 2025, "S", ""),
    ("iea25-dc-growth-2024-2030", "growth of data-centre electricity demand 2024-2030", 15, None, None, "%/yr",
     "World", 2030, "IEA25", 2025, "S", "vs ~12%/yr since 2017; accelerated servers ~30%/yr"),
    ("iea25-us-2024", "data-centre electricity, United States", 183, None, None, "TWh/yr", "US", 2024, "IEA25",
     2025, "S", "via Graphic News"),
    ("iea25-us-2030", "data-centre electricity, United States, base case", 426, None, None, "TWh/yr", "US", 2030,
     "IEA25", 2025, "S", "via Graphic News; US is nearly half of the growth to 2030"),
    ("iea25-china-2024", "data-centre electricity, China", 102, None, None, "TWh/yr", "CN", 2024, "IEA25", 2025,
     "S", "via Graphic News"),
    ("iea25-china-2030", "data-centre electricity, China, base case", 277, None, None, "TWh/yr", "CN", 2030,
     "IEA25", 2025, "S", "via Graphic News"),
    ("iea25-europe-2024", "data-centre electricity, Europe", 68, None, None, "TWh/yr", "Europe", 2024, "IEA25",
     2025, "S", "via Graphic News"),
    ("iea25-europe-2030", "data-centre electricity, Europe, base case", 113, None, None, "TWh/yr", "Europe", 2030,
     "IEA25", 2025, "S", "via Graphic News"),
    ("iea25-apac-2024", "data-centre electricity, Asia-Pacific excl. China", 48, None, None, "TWh/yr",
     "Asia-Pacific excl. China", 2024, "IEA25", 2025, "S", "via Graphic News"),
    ("iea25-apac-2030", "data-centre electricity, Asia-Pacific excl. China, base case", 101, None, None, "TWh/yr",
     "Asia-Pacific excl. China", 2030, "IEA25", 2025, "S", "via Graphic News"),
    ("iea25-row-2024", "data-centre electricity, rest of world", 15, None, None, "TWh/yr", "Rest of world", 2024,
     "IEA25", 2025, "S", "via Graphic News"),
    ("iea25-row-2030", "data-centre electricity, rest of world, base case", 29, None, None, "TWh/yr",
     "Rest of world", 2030, "IEA25", 2025, "S", "via Graphic News"),
    # facts.md E: IEA Electricity 2024 (p. 31), Q
    ("iea24-dc-crypto-ai-2022", "electricity of data centres, cryptocurrencies and AI", 460, None, None, "TWh/yr",
     "World", 2022, "IEA24", 2024, "Q", "almost 2% of world electricity demand"),
    ("iea24-dc-crypto-ai-2026", "electricity of data centres, cryptocurrencies and AI, projection", 800, 620, 1050,
     "TWh/yr", "World", 2026, "IEA24", 2024, "Q", "base case 'just over 800'"),
    ("iea24-us-dc-2022", "data-centre electricity, United States", 200, None, None, "TWh/yr", "US", 2022, "IEA24",
     2024, "Q", "~4% of US electricity"),
    ("iea24-us-dc-2026", "data-centre electricity, United States, projection", 260, None, None, "TWh/yr", "US",
     2026, "IEA24", 2024, "Q", "~6% of US electricity"),
    ("iea24-dc-share-computing", "share of data-centre electricity used by computing", 40, None, None, "%",
     "World", 2024, "IEA24", 2024, "Q", "cooling ~40%, other IT ~20%"),
    ("iea24-dc-share-cooling", "share of data-centre electricity used by cooling", 40, None, None, "%", "World",
     2024, "IEA24", 2024, "Q", ""),
    ("iea24-dc-share-other-it", "share of data-centre electricity used by other IT equipment", 20, None, None, "%",
     "World", 2024, "IEA24", 2024, "Q", ""),
    ("iea24-dc-count", "number of data centres worldwide", 8000, None, None, "data centres", "World", 2024,
     "IEA24", 2024, "Q", "more than 8,000: US ~33%, Europe 16%, China ~10%"),
    ("iea-ger25-dc-share-2024", "data-centre share of global electricity consumption", 1, None, None, "%",
     "World", 2024, "IEA-GER25", 2025, "Q", "'just over 1%'; 0.5% of energy-related CO2"),
    # facts.md E: LBNL 2024 report, S
    ("lbnl24-us-dc-2014", "data-centre electricity, United States", 58, None, None, "TWh/yr", "US", 2014,
     "LBNL24", 2024, "S", ""),
    ("lbnl24-us-dc-2018", "data-centre electricity, United States", 76, None, None, "TWh/yr", "US", 2018,
     "LBNL24", 2024, "S", "1.9% of US electricity"),
    ("lbnl24-us-dc-2023", "data-centre electricity, United States", 176, None, None, "TWh/yr", "US", 2023,
     "LBNL24", 2024, "S", "4.4% of US electricity"),
    ("lbnl24-us-dc-2028", "data-centre electricity, United States, projection range", None, 325, 580, "TWh/yr",
     "US", 2028, "LBNL24", 2024, "S", "6.7-12% of US electricity"),
    ("lbnl24-us-dc-2028-power", "data-centre power demand, United States, projection range", None, 74, 132, "GW",
     "US", 2028, "LBNL24", 2024, "S", ""),
    # facts.md A: de Vries 2023, Q
    ("dv23-ai-2027", "AI electricity consumption if 1.5 million NVIDIA AI servers run at full power", None, 85.4,
     134.0, "TWh/yr", "World", 2027, "DV23", 2023, "Q", "from 9.75-15.3 GW of server power demand"),
    ("dv23-ai-2027-power", "power demand of 1.5 million NVIDIA AI servers", None, 9.75, 15.3, "GW", "World", 2027,
     "DV23", 2023, "Q", ""),
    ("dv23-nvidia-servers-2027", "NVIDIA AI server shipments", 1.5e6, None, None, "servers", "World", 2027, "DV23",
     2023, "Q", ""),
    ("dv23-dc-baseline", "historical data-centre electricity (de Vries' baseline)", 205, None, None, "TWh/yr",
     "World", 2018, "DV23", 2023, "Q", "citing Patterson et al. 2022; year approximate (~2018)"),
    ("dv23-chatgpt-daily", "ChatGPT electricity consumption (SemiAnalysis server count)", 564, None, None,
     "MWh/day", "World", 2023, "DV23", 2023, "Q",
     "3,617 HGX A100 servers (28,936 GPUs) at full power; 195 million requests/day"),
    ("dv23-google-ai-search", "electricity if every Google search used AI (SemiAnalysis scenario)", 29.2, None,
     None, "TWh/yr", "World", 2023, "DV23", 2023, "Q",
     "512,821 HGX A100 servers x 6.5 kW -> 80 GWh/day; secondary sources say 29.3 TWh, comparable to Ireland"),
    ("dv23-google-ai-search-nsr", "daily electricity if every Google search used AI (New Street Research)", 62.4,
     None, None, "GWh/day", "World", 2023, "DV23", 2023, "Q", "~400,000 servers"),
    ("google-electricity-2021", "Google total electricity consumption", 18.3, None, None, "TWh/yr", "World", 2021,
     "GOOGLE-AI-SHARE;DV23", 2023, "S", "AI was 10-15% of it in 2019-2021, 60% of that inference (S)"),
    # facts.md A: de Vries-Gao 2025, S
    ("dv25a-ai-power-2025", "AI power demand possible by end of 2025", 23, None, None, "GW", "World", 2025,
     "DV25a", 2025, "S", "~201 TWh/yr annualised"),
    ("dv25a-ai-electricity-2025", "AI electricity in 2025 (upper estimate)", 82, None, None, "TWh/yr", "World",
     2025, "DV25a", 2025, "S", "'up to 82 TWh', about Switzerland's consumption"),
    ("dv25b-ai-co2-2025", "CO2 emissions of AI systems", None, 32.6, 79.7, "Mt CO2/yr", "World", 2025, "DV25b",
     2025, "S", ""),
    ("dv25b-ai-water-2025", "water footprint of AI systems", None, 312.5, 764.6, "billion L/yr", "World", 2025,
     "DV25b", 2025, "S", ""),
    # facts.md B: Li et al., water 2027 (from de Vries' 85-134 TWh)
    ("li23-ai-water-withdrawal-2027", "global AI water withdrawal", None, 4.2, 6.6, "billion m3/yr", "World", 2027,
     "LI23", 2023, "P", "from de Vries' 85-134 TWh; abstract (P)"),
    ("li23-ai-water-consumption-2027", "global AI water consumption", None, 0.38, 0.60, "billion m3/yr", "World",
     2027, "LI23", 2023, "Q", "consumption = withdrawal - discharge"),
    # facts.md E: Meta, S
    ("meta-dc-electricity-2023", "Meta data-centre electricity consumption", 14.975435, None, None, "TWh/yr",
     "World", 2023, "META-ENV24", 2024, "S", "14,975,435 MWh (+34%); PUE 1.08; water withdrawal 3,881 ML"),
    # facts.md I: Bitcoin
    ("beci-bitcoin-electricity", "Bitcoin annualised electricity consumption (Digiconomist BECI)", 153.70, None,
     None, "TWh/yr", "World", None, "DIGI-BECI", 2023, "P",
     "undated page copy (after Nov 2023), ~Malaysia; also 85.73 Mt CO2, 2,422 GL water, 29.53 kt e-waste per year"),
    ("beci-bitcoin-co2", "Bitcoin annualised carbon footprint (Digiconomist BECI)", 85.73, None, None,
     "Mt CO2/yr", "World", None, "DIGI-BECI", 2023, "P", "undated page copy (after Nov 2023)"),
    ("beci-bitcoin-water", "Bitcoin annualised water footprint (Digiconomist BECI)", 2422, None, None, "GL/yr",
     "World", None, "DIGI-BECI", 2023, "P", "undated page copy (after Nov 2023)"),
    ("cbeci-bitcoin-2021", "Bitcoin electricity consumption (CBECI, revised 2023 model)", 89.0, None, None,
     "TWh/yr", "World", 2021, "CBECI", 2023, "S", "old model: 104 TWh; via decrypt.co"),
    ("cbeci-bitcoin-2022", "Bitcoin electricity consumption (CBECI, revised 2023 model)", 95.5, None, None,
     "TWh/yr", "World", 2022, "CBECI", 2023, "S", "old model: 105.3 TWh; via decrypt.co"),
    ("cbeci-bitcoin-2021-05-18", "Bitcoin annualised electricity, CBECI live reading (old model)", 133.68, 41.96,
     458.35, "TWh/yr", "World", 2021, "CBECI", 2021, "P", "18 May 2021 (archive.is/4wYNe); 11.94 GW"),
    ("dv25a-bitcoin-2025", "Bitcoin electricity used for comparison by de Vries-Gao", 176, None, None, "TWh/yr",
     "World", 2025, "DV25a", 2025, "S", "coverage of DV25a; CBECI current estimate not verified"),
]  # fmt: skip
