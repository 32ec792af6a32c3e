#!/usr/bin/env python3
"""Build the published-footprint tables ``training_runs.csv``, ``request_figures.csv`` and ``sector_figures.csv``
(+ TOML sidecars).

Inputs (read-only):

* ``<shared>/data/llmcarbon/database.csv`` (LLMCarbon, SotaroKaneda/MLCarbon commit dbd96b7, Apache-2.0): the
  training footprints of T5, GShard, Switch Transformer and GPT-3 as published by Patterson et al. 2021 (PA21).
* Everything else is transcribed from ``<shared>/reference/facts.md`` (sections A-E, I) as cited constants in
  ``_published_facts.py``; the section and status letter are given per row (``source`` = the publication's key,
  ``status`` = facts.md letter).

Run: ``python scripts/build_published_data.py [--shared ../shared] [--out src/aifootprint/reference/data]``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if str(Path(__file__).resolve().parent) not in sys.path:  # importable by path (tests) as well as run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from _buildlib import (
    all_sources,
    check_sources,
    check_unique_keys,
    read_csv,
    run_builder,
    write_csv,
    write_sidecar,
    write_sources,
)
from _published_facts import (
    META_NOTES,
    META_RUNS,
    OTHER_RUNS,
    PA21_ROWS,
    PHP24_NOTE,
    PHP24_TASKS,
    REQUESTS,
    SECTOR,
)

# this builder's source list, re-exported (merged with the other builders' into sources/hardware_models.csv)
from _published_facts import SOURCES as SOURCES

# --------------------------------------------------------------------------------------------------------------
# Training runs
# --------------------------------------------------------------------------------------------------------------

TRAINING_COLUMNS = (
    "key", "model", "hardware", "accelerator_count", "accelerator_hours", "duration_days", "power_w_per_accelerator",
    "energy_mwh", "pue", "intensity_g_per_kwh", "carbon_t", "carbon_t_market", "params_b", "tokens_b", "method",
    "source", "year", "licence", "status", "notes",
)  # fmt: skip

PA21_METHOD = (
    "Patterson et al. 2021: measured average system power per accelerator x accelerators x training time x data-centre "
    "PUE; x average location-based grid intensity of the data centre"
)

META_METHOD = "Meta model card: GPU-hours x peak GPU power (TDP) adjusted for PUE; location-based grid emissions"
META_MARKET = "; market-based emissions 0 t (electricity matched by renewable energy)"


def training_rows(shared: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    db = {r["name"]: r for r in read_csv(shared / "data" / "llmcarbon" / "database.csv")}
    for name, (key, model, hardware, notes) in PA21_ROWS.items():
        r = db[name]
        rows.append({
            "key": key, "model": model, "hardware": hardware, "accelerator_count": int(r["device #"]),
            "duration_days": float(r["training days"]), "power_w_per_accelerator": float(r["avg. system power (W)"]),
            "energy_mwh": float(r["energy MWh"]), "pue": float(r["PUE"]),
            "intensity_g_per_kwh": round(float(r["CO2eq/KWh"]) * 1000, 3),
            "carbon_t": float(r["actual tCO2eq"]), "params_b": float(r["parameter # (B)"]),
            "tokens_b": float(r["token # (B)"]), "method": PA21_METHOD, "source": "PA21;LLMC", "year": 2021,
            "licence": "Apache-2.0", "status": "P", "notes": notes,
        })  # fmt: skip
    for key, model, hours, hardware, tdp, loc, market, params, card, year in META_RUNS:
        rows.append({
            "key": key, "model": model, "hardware": hardware, "accelerator_hours": hours,
            "power_w_per_accelerator": tdp, "carbon_t": loc, "carbon_t_market": market, "params_b": params,
            "method": META_METHOD + (META_MARKET if market is not None else ""), "source": card, "year": year,
            "licence": "facts", "status": "P",
            "notes": META_NOTES.get(key, ""),
        })  # fmt: skip
    rows += OTHER_RUNS
    return rows


# --------------------------------------------------------------------------------------------------------------
# Per-request figures
# --------------------------------------------------------------------------------------------------------------

REQUEST_COLUMNS = (
    "key", "description", "energy_wh", "energy_wh_low", "energy_wh_high", "carbon_g", "water_ml", "boundary", "model",
    "hardware", "source", "year", "licence", "status", "notes",
)  # fmt: skip

BOUNDARIES = ("accelerator", "server", "datacenter", "unknown")


def request_rows() -> list[dict[str, Any]]:
    rows = [{"licence": "facts", **r} for r in REQUESTS]
    for key, task, wh, extra in PHP24_TASKS:
        rows.append({
            "key": key, "description": f"one inference, {task} (Luccioni et al. 2024, mean over models)",
            "energy_wh": wh, "boundary": "server", "hardware": "a100-80gb", "source": "PHP24", "year": 2024,
            "licence": "facts", "status": "Q", "notes": "; ".join(x for x in (extra, PHP24_NOTE) if x),
        })  # fmt: skip
    rows.append({
        "key": "php24-sdxl", "description": "one image from stable-diffusion-xl-base-1.0 (Luccioni et al. 2024)",
        "carbon_g": 1.594, "boundary": "server", "model": "stable-diffusion-xl-base-1.0", "hardware": "a100-80gb",
        "source": "PHP24", "year": 2024, "licence": "facts", "status": "Q",
        "notes": "1,594 gCO2e per 1,000 images; " + PHP24_NOTE,
    })  # fmt: skip
    for r in rows:
        if r["boundary"] not in BOUNDARIES:
            raise ValueError(f"{r['key']}: bad boundary {r['boundary']!r}")
    return rows


# --------------------------------------------------------------------------------------------------------------
# Sector figures
# --------------------------------------------------------------------------------------------------------------

SECTOR_COLUMNS = (
    "key", "description", "value", "value_low", "value_high", "unit", "region", "figure_year", "source", "year",
    "licence", "status", "notes",
)  # fmt: skip


def sector_rows() -> list[dict[str, Any]]:
    rows = []
    for key, desc, value, low, high, unit, region, fyear, source, year, status, notes in SECTOR:
        rows.append({
            "key": key, "description": desc, "value": value, "value_low": low, "value_high": high, "unit": unit,
            "region": region, "figure_year": fyear, "source": source, "year": year, "licence": "facts",
            "status": status, "notes": notes,
        })  # fmt: skip
    return rows


# --------------------------------------------------------------------------------------------------------------
# Sidecars
# --------------------------------------------------------------------------------------------------------------

_COMMON = {
    "source": "source keys, ';'-separated (data/sources/hardware_models.csv)",
    "year": "year the figure was published / refers to",
    "licence": "licence of the data the values come from ('facts' = figure quoted from a publication)",
    "status": "P primary, Q quoted, S secondary, D derived, E estimate/assumption",
    "notes": "caveats",
}

TRAINING_TOML = {
    "title": "Published training footprints of AI models",
    "description": (
        "Training energy and emissions as published by the developers or by footprint studies. Each row keeps the "
        "publisher's own method (see 'method'); rows are not directly comparable. Empty cell = not published."
    ),
    "key": "key",
    "builder": "scripts/build_published_data.py",
    "credit": (
        "Patterson et al. 2021 values as reproduced in LLMCarbon data (SotaroKaneda/MLCarbon, commit dbd96b7), "
        "Apache-2.0, Faiz et al. ICLR 2024; Meta Llama model cards; Luccioni et al. 2022; Mistral AI 2025."
    ),
    "columns": {
        "key": "identifier", "model": "model key (models.csv where present)",
        "hardware": "accelerator key (accelerators.csv where present)", "accelerator_count": "accelerators used",
        "accelerator_hours": "accelerator-hours [h]", "duration_days": "wall-clock training time [days]",
        "power_w_per_accelerator": "power per accelerator used by the publisher [W]",
        "energy_mwh": "published training electricity [MWh]", "pue": "data-centre PUE used",
        "intensity_g_per_kwh": "grid carbon intensity used [gCO2e/kWh]",
        "carbon_t": "published emissions, location-based [tCO2e]",
        "carbon_t_market": "published market-based emissions [tCO2e]", "params_b": "parameters [billions]",
        "tokens_b": "training tokens [billions]", "method": "how the publisher computed the figures", **_COMMON,
    },
}  # fmt: skip

REQUEST_TOML = {
    "title": "Published per-request energy, carbon and water figures",
    "description": (
        "Per-request (per query, prompt, inference or image) figures from the literature. 'boundary' says what the "
        "energy covers: accelerator only, whole server, whole data centre (incl. PUE), or unknown. Figures span ~40x "
        "(0.1-4 Wh per text query) mostly because of boundary, hardware, model size and output length."
    ),
    "key": "key",
    "builder": "scripts/build_published_data.py",
    "credit": "Figures quoted from the cited publications (see sources/hardware_models.csv).",
    "columns": {
        "key": "identifier", "description": "what one request is",
        "energy_wh": "energy per request [Wh]", "energy_wh_low": "low end of a published range [Wh]",
        "energy_wh_high": "high end of a published range [Wh]", "carbon_g": "emissions per request [gCO2e]",
        "water_ml": "water per request [mL]", "boundary": "accelerator | server | datacenter | unknown",
        "model": "model (models.csv key where present)", "hardware": "accelerator or server key where known",
        **_COMMON,
    },
}  # fmt: skip

SECTOR_TOML = {
    "title": "Sector-level figures: data-centre and AI electricity, water, comparisons",
    "description": (
        "Aggregate figures (global/regional data-centre and AI electricity, projections, water, Bitcoin) with their "
        "unit in the 'unit' column. Several IEA and LBNL numbers come from faithful-looking secondary copies "
        "(status S)."
    ),
    "key": "key",
    "builder": "scripts/build_published_data.py",
    "credit": "Figures quoted from the cited publications (see sources/hardware_models.csv).",
    "columns": {
        "key": "identifier", "description": "what the figure measures", "value": "central value [unit]",
        "value_low": "low end of a published range [unit]", "value_high": "high end of a published range [unit]",
        "unit": "unit of value/value_low/value_high (e.g. TWh/yr, GW, MWh/day, billion m3/yr, %)",
        "region": "World, ISO country code or region name", "figure_year": "year the figure refers to", **_COMMON,
    },
}  # fmt: skip


def build(shared: Path, out: Path) -> dict[str, int]:
    known = all_sources()
    tables = {
        "training_runs": (TRAINING_COLUMNS, training_rows(shared), TRAINING_TOML),
        "request_figures": (REQUEST_COLUMNS, request_rows(), REQUEST_TOML),
        "sector_figures": (SECTOR_COLUMNS, sector_rows(), SECTOR_TOML),
    }
    counts = {}
    for name, (columns, rows, sidecar) in tables.items():
        check_unique_keys(rows, name)
        check_sources(rows, known, name)
        counts[name] = write_csv(out / f"{name}.csv", columns, rows)
        write_sidecar(out / f"{name}.toml", **sidecar)  # type: ignore[arg-type]
    counts["sources"] = write_sources(out)
    return counts


def main() -> None:
    run_builder(build, __doc__)


if __name__ == "__main__":
    main()
