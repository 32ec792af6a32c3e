#!/usr/bin/env python3
"""Build ``accelerators.csv`` and ``servers.csv`` (+ TOML sidecars) and the shared source list
``sources/hardware_models.csv``.

Inputs (read-only):

* ``<shared>/data/gpu-specs/gpu_specs.csv``: facts extracted from winston-zhang-orz/gpu-specs (Apache-2.0, commit
  4b0c72d) and astroC86/gpu-datasheet (commit 42c5eff, facts only) -- source keys GPU-SPECS-A / GPU-DATASHEET-B.
* ``<shared>/data/green-algorithms/TDP_gpu.csv``: Green Algorithms data v3.0 (CC-BY-4.0) -- key GA.
* figures transcribed from ``<shared>/reference/facts.md`` section F (hardware), cited per value below.

Every value either comes from one of those files (looked up by the builder, so a changed input changes the output)
or is a constant in ``_hardware_facts.py`` with its citation in a comment. Run from anywhere::

    python scripts/build_hardware_data.py [--shared ../shared] [--out src/aifootprint/reference/data]

The output is deterministic (fixed row order, fixed float formatting). The cited constant tables (SOURCES,
ACCELERATORS, SERVERS) live in ``_hardware_facts.py``; the CSV/TOML writing and source merging shared with
``build_model_data.py`` and ``build_published_data.py`` live in ``_buildlib.py``.
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
    read_csv,
    run_builder,
    write_csv,
    write_sidecar,
    write_sources,
)
from _hardware_facts import ACCELERATORS, SERVERS, Spec

# this builder's source list, re-exported (merged with the other builders' into sources/hardware_models.csv)
from _hardware_facts import SOURCES as SOURCES

# --------------------------------------------------------------------------------------------------------------
# Accelerators
# --------------------------------------------------------------------------------------------------------------

ACCELERATOR_COLUMNS = (
    "key", "name", "vendor", "kind", "aliases", "max_power_w", "idle_power_w", "bf16_dense_tflops",
    "fp8_dense_tflops", "memory_gb", "bandwidth_gb_per_s", "interconnect_gb_per_s", "embodied_carbon_kg",
    "release_year", "source", "year", "licence", "status", "notes",
)  # fmt: skip


# accelerators.csv key -> Green Algorithms TDP_gpu.csv model with the same nameplate power (build-time check)
GA_CROSS_CHECK = {"t4": "NVIDIA Tesla T4", "v100": "NVIDIA Tesla V100"}


def _number(text: str) -> float | None:
    return float(text) if text else None


def resolve_accelerators(shared: Path) -> list[dict[str, Any]]:
    """Fill Spec(...) cells from gpu_specs.csv and '{GA:<model>}' placeholders from Green Algorithms' TDP table,
    and cross-check nameplate power against Green Algorithms where both list the device."""
    specs: dict[str, list[dict[str, str]]] = {}
    for r in read_csv(shared / "data" / "gpu-specs" / "gpu_specs.csv"):
        specs.setdefault(r["name"], []).append(r)
    ga = {r["model"]: r for r in read_csv(shared / "data" / "green-algorithms" / "TDP_gpu.csv", skip_rows=1)}
    out = []
    for entry in ACCELERATORS:
        row: dict[str, Any] = {}
        for col, value in entry.items():
            if isinstance(value, Spec):
                found = [r for r in specs.get(value.name, []) if not value.repo or r["source_repo"] == value.repo]
                if len(found) != 1:
                    raise ValueError(f"gpu_specs.csv: {len(found)} rows for {value.name!r} {value.repo}")
                number = _number(found[0][value.column])
                value = None if number is None else round(number / value.per, 3)
            elif isinstance(value, str) and "{GA:" in value:  # Green Algorithms TDP quoted in a note
                model = value.split("{GA:", 1)[1].split("}", 1)[0]
                value = value.replace("{GA:" + model + "}", ga[model]["TDP"])
            row[col] = value
        # cross-check against Green Algorithms' TDP table (CC-BY-4.0) where it lists the same device
        ga_name = GA_CROSS_CHECK.get(row["key"])
        if ga_name is not None and float(ga[ga_name]["TDP"]) != row["max_power_w"]:
            raise ValueError(f"{row['key']}: {row['max_power_w']} W disagrees with Green Algorithms {ga_name}")
        out.append(row)
    return out


# --------------------------------------------------------------------------------------------------------------
# Servers
# --------------------------------------------------------------------------------------------------------------

SERVER_COLUMNS = (
    "key", "name", "accelerator", "accelerators_per_server", "max_power_w", "host_power_w",
    "embodied_carbon_kg_excl_accelerators", "source", "year", "licence", "status", "notes",
)  # fmt: skip

ACCELERATOR_TOML = {
    "title": "AI accelerators: power, dense throughput, memory, embodied carbon",
    "description": (
        "One row per accelerator (GPU/TPU). Throughput is DENSE tensor throughput (no 2:4 structured sparsity): "
        "NVIDIA datasheets headline sparse figures, which are 2x dense. Power is the nameplate maximum (TDP/TGP), "
        "not measured draw. Empty cell = not published."
    ),
    "key": "key",
    "builder": "scripts/build_hardware_data.py",
    "credit": (
        "GPU specifications from winston-zhang-orz/gpu-specs (Apache-2.0, commit 4b0c72d) and astroC86/gpu-datasheet "
        "(commit 42c5eff), which compile NVIDIA datasheets; TPU v4 power from the Green Algorithms calculator data "
        "(v3.0, CC BY 4.0; Lannelongue et al. 2021); H100 embodied carbon: NVIDIA HGX H100 product carbon footprint "
        "as used by EcoLogits (MPL-2.0); other values cited per row."
    ),
    "columns": {
        "key": "lower-case identifier",
        "name": "product name",
        "vendor": "manufacturer",
        "kind": "gpu or tpu",
        "aliases": "other accepted names, '|'-separated",
        "max_power_w": "maximum board power (TDP/TGP) [W]",
        "idle_power_w": "idle power where a study published one [W]",
        "bf16_dense_tflops": "dense BF16/FP16 tensor throughput, no sparsity [TFLOP/s]",
        "fp8_dense_tflops": "dense FP8 tensor throughput, no sparsity [TFLOP/s]",
        "memory_gb": "device memory [GB]",
        "bandwidth_gb_per_s": "memory bandwidth [GB/s]",
        "interconnect_gb_per_s": "GPU-to-GPU bandwidth per GPU and direction inside one server, the tensor-parallel "
        "all-reduce bus bandwidth [GB/s]: NVLink where the module has it, else its PCIe x16 link; empty: not in the "
        "registry (the calibrated accelerator's is used, flagged)",
        "embodied_carbon_kg": "embodied (manufacturing) carbon of one device [kgCO2e]; scope in notes",
        "release_year": "year of release",
        "source": "source keys, ';'-separated (data/sources/hardware_models.csv)",
        "year": "year the values refer to",
        "licence": "licence of the data the values come from",
        "status": "P primary, Q quoted, S secondary, D derived, E estimate/assumption",
        "notes": "caveats",
    },
}

SERVER_TOML = {
    "title": "AI servers and racks: power and embodied carbon",
    "description": (
        "One row per server (or rack) configuration: accelerator type and count, nameplate maximum power, host "
        "(non-accelerator) power share, embodied carbon excluding accelerators. Empty cell = not published."
    ),
    "key": "key",
    "builder": "scripts/build_hardware_data.py",
    "credit": (
        "Server power from de Vries 2023 (Joule) and Epoch AI 2025; p5.48xlarge values from EcoLogits (GenAI Impact, "
        "MPL-2.0) via BoaviztAPI; BLOOM assumptions from Luccioni et al. 2022 as coded in Boavizta e-footprint."
    ),
    "columns": {
        "key": "lower-case identifier",
        "name": "system name",
        "accelerator": "key into accelerators.csv",
        "accelerators_per_server": "number of accelerators",
        "max_power_w": "nameplate maximum system power [W]",
        "host_power_w": "power of the server without its accelerators [W]",
        "embodied_carbon_kg_excl_accelerators": "embodied carbon of the server without accelerators [kgCO2e]",
        "source": "source keys, ';'-separated",
        "year": "year the values refer to",
        "licence": "licence of the data the values come from",
        "status": "P primary, Q quoted, S secondary, D derived, E estimate/assumption",
        "notes": "caveats",
    },
}


def build(shared: Path, out: Path) -> dict[str, int]:
    """Write accelerators/servers CSV + TOML and the merged sources file; return row counts."""
    known = all_sources()
    accelerators = resolve_accelerators(shared)
    check_sources(accelerators, known, "accelerators")
    check_sources(SERVERS, known, "servers")
    accel_keys = {r["key"] for r in accelerators}
    for server in SERVERS:
        if server["accelerator"] not in accel_keys:
            raise ValueError(f"server {server['key']} names unknown accelerator {server['accelerator']}")
    counts = {
        "accelerators": write_csv(out / "accelerators.csv", ACCELERATOR_COLUMNS, accelerators),
        "servers": write_csv(out / "servers.csv", SERVER_COLUMNS, SERVERS),
    }
    write_sidecar(out / "accelerators.toml", **ACCELERATOR_TOML)  # type: ignore[arg-type]
    write_sidecar(out / "servers.toml", **SERVER_TOML)  # type: ignore[arg-type]
    counts["sources"] = write_sources(out)
    return counts


def main() -> None:
    run_builder(build, __doc__)


if __name__ == "__main__":
    main()
