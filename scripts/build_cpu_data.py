#!/usr/bin/env python3
"""Build ``cpus.csv`` (+ ``cpus.toml``) and ``sources/cpus.csv``: CPU thermal design power per chip, used by the CPU
estimate of ``aifootprint measure`` when no RAPL counter can be read.

Inputs (read-only):

* ``<shared>/data/codecarbon/hardware/cpu_power.csv``: CodeCarbon (mlco2/codecarbon, commit b05965e, MIT), 4,903
  rows ``Name,TDP`` [W], scraped from Intel ARK and AMD product pages (file last changed 2026-04-13) -- key CC-CPU.
  Dropped, as ``../shared/data/codecarbon/SOURCE.md`` warns: the 4 malformed TDP strings (``27.29.5`` twice,
  ``29.32.9``, ``33.34.8``: old Intel Celerons) and the TDP 0 row (Intel Quark Microcontroller D1000).
* ``<shared>/data/green-algorithms/TDP_cpu.csv``: Green Algorithms data v3.0 (commit 30df2fe, CC-BY-4.0), two
  header rows, ``model,TDP`` [W per chip], ``n_cores`` -- key GA-CPU. The ``Any`` row (12 W/core default) is not a
  CPU: it is the cited constant ``DEFAULT_TDP_PER_CORE_W`` of ``aifootprint.measure.sensors.cpu_fallback``.

Keys are :func:`aifootprint.measure.sensors.cpu_fallback.cpu_key` of the name (the lookup normalises cpuinfo model
names with the same function). Spellings that normalise to the same key (``AMD 860K`` / ``860K``) become one row:
``tdp_w`` is the CodeCarbon value of the first spelling in file order, ``tdp_w_low``/``tdp_w_high`` the range when
the listed values disagree (notes name them); Green Algorithms adds ``cores`` and its TDP when it differs. Run::

    python scripts/build_cpu_data.py [--shared ../shared] [--out src/aifootprint/reference/data]

The output is deterministic (rows sorted by key, fixed number formatting).
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

if str(Path(__file__).resolve().parent) not in sys.path:  # importable by path (tests) as well as run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from _buildlib import SOURCE_COLUMNS, fmt, main_args, read_csv, toml_str

from aifootprint.measure.sensors.cpu_fallback import cpu_key

CC_FILE = ("data", "codecarbon", "hardware", "cpu_power.csv")
GA_FILE = ("data", "green-algorithms", "TDP_cpu.csv")
CC_YEAR = 2026  # cpu_power.csv last changed 2026-04-13 (commit 811df7ff); snapshot commit b05965e, 2026-08-08
GA_YEAR = 2025  # Green Algorithms data/latest (v3.0) last changed 2025-02-05, commit 30df2fe

COLUMNS = ("key", "name", "vendor", "tdp_w", "tdp_w_low", "tdp_w_high", "cores", "source", "year", "licence",
           "status", "notes")  # fmt: skip

SOURCES: dict[str, tuple[str, str, str, str]] = {
    "CC-CPU": (
        "CodeCarbon (mlco2/codecarbon, commit b05965e), MIT: CPU thermal design power table hardware/cpu_power.csv "
        "(last changed 2026-04-13, commit 811df7ff), scraped from Intel ARK and AMD product pages plus manual "
        "additions",
        "https://github.com/mlco2/codecarbon/blob/b05965e43b690cdc53787c7577adbe6e2caf4ed9/codecarbon/data/hardware/"
        "cpu_power.csv",
        "MIT", "S"),
    "GA-CPU": (
        "Green Algorithms calculator data v3.0 (GreenAlgorithms/green-algorithms-tool, commit 30df2fe), TDP_cpu.csv "
        "(TDP per chip and core count, per-row sources TechPowerUp, Intel ARK, AMD); Lannelongue, Grealey, Inouye, "
        "Adv. Sci. 2021, 2100707, doi:10.1002/advs.202100707",
        "https://github.com/GreenAlgorithms/green-algorithms-tool/blob/30df2feead1c7f5db87a3d86ca1239470a0cd415/data/"
        "latest/TDP_cpu.csv",
        "CC-BY-4.0", "S"),
}  # fmt: skip

TITLE = "CPUs: thermal design power per chip"
DESCRIPTION = (
    "Manufacturer TDP of 4,700+ Intel and AMD CPUs (a nameplate limit, not measured power), keyed by the normalised "
    "model name that aifootprint measure matches against /proc/cpuinfo when no RAPL counter can be read. From "
    "CodeCarbon's cpu_power.csv (5 malformed or zero rows dropped, duplicate spellings merged) and Green Algorithms' "
    "TDP_cpu.csv (core counts; 'Any' default row not copied, TDP_per_core not copied).")
CREDIT = (
    "CodeCarbon (mlco2/codecarbon, commit b05965e), MIT: Copyright (c) 2019 Mila, BCG Gamma, CometML, Haverford "
    "College; Copyright (c) 2023 Code Carbon NGO. Green Algorithms calculator data (GreenAlgorithms/"
    "green-algorithms-tool, data v3.0, commit 30df2fe), CC BY 4.0; Lannelongue, Grealey, Inouye, Green Algorithms: "
    "Quantifying the Carbon Footprint of Computation, Adv. Sci. 2021, 2100707, doi:10.1002/advs.202100707. Changes: "
    "names normalised to keys, spellings merged, malformed/zero TDP rows dropped, TDP_per_core not copied.")
COLUMN_MEANINGS = {
    "key": "normalised model name (cpu_fallback.cpu_key of name): lower case, no vendor word, (R)/(TM), CPU, Processor",
    "name": "model name as published (first spelling in file order when several normalise to the same key)",
    "vendor": "Intel or AMD, from a vendor or product-family word of the name; empty when the name shows neither",
    "tdp_w": "thermal design power of one chip [W] (CodeCarbon where listed, else Green Algorithms)",
    "tdp_w_low": "lowest TDP the sources list for this key [W], only where they disagree",
    "tdp_w_high": "highest TDP the sources list for this key [W], only where they disagree",
    "cores": "physical cores per chip (Green Algorithms n_cores; empty where not published)",
    "source": "source keys (data/sources/cpus.csv)",
    "year": "vintage of the source file (CodeCarbon 2026, Green Algorithms 2025)",
    "licence": "licence of the tdp_w value (MIT CodeCarbon, CC-BY-4.0 Green Algorithms)",
    "status": "S: secondary (both sources compile manufacturer pages)",
    "notes": "other spellings and disagreeing values",
}

_INTEL = re.compile(r"\b(intel|xeon|core|celeron|pentium|atom|itanium|quark)\b")
_AMD = re.compile(r"\b(amd|epyc|ryzen|athlon|opteron|phenom|sempron|turion|fx|duron)\b|^a\d+\b")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def vendor(name: str) -> str:
    """Intel or AMD when the name says so (vendor or family word), else ''."""
    low = " ".join(name.lower().split())
    if _INTEL.search(low):
        return "Intel"
    return "AMD" if _AMD.search(low) else ""


def _w(value: float) -> str:
    return f"{fmt(value)} W"


def read_codecarbon(shared: Path) -> tuple[list[tuple[str, float]], list[tuple[str, str]]]:
    """(name, TDP) rows of CodeCarbon's table in file order, and the dropped (name, TDP string) rows."""
    with shared.joinpath(*CC_FILE).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    kept, dropped = [], []
    for r in rows:
        text = r["TDP"].strip()
        if _NUMBER.fullmatch(text) and float(text) > 0:
            kept.append((r["Name"], float(text)))
        else:
            dropped.append((r["Name"], text))
    return kept, dropped


def build_rows(shared: Path) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """The ``cpus`` rows (sorted by key) and the CodeCarbon rows dropped."""
    kept, dropped = read_codecarbon(shared)
    groups: dict[str, list[tuple[str, float]]] = {}
    for name, tdp in kept:
        groups.setdefault(cpu_key(name), []).append((name, tdp))
    rows: dict[str, dict[str, Any]] = {}
    for key, entries in groups.items():
        name, tdp = entries[0]
        values = [t for _, t in entries]
        notes = []
        if len(entries) > 1:
            listed = "; ".join(f"{n!a} {_w(t)}" for n, t in entries)  # ascii(): shows odd spaces
            notes.append(f"CodeCarbon lists {len(entries)} spellings: {listed}")
        rows[key] = {"key": key, "name": " ".join(name.split()), "vendor": vendor(name), "tdp_w": tdp,
                     "values": values, "cores": None, "source": "CC-CPU", "year": CC_YEAR, "licence": "MIT",
                     "status": "S", "notes": notes}
    for r in read_csv(shared.joinpath(*GA_FILE), skip_rows=1):
        if r["model"] == "Any":
            continue
        key, tdp, cores = cpu_key(r["model"]), float(r["TDP"]), int(r["n_cores"])
        row = rows.get(key)
        if row is None:
            rows[key] = {"key": key, "name": " ".join(r["model"].split()), "vendor": vendor(r["model"]),
                         "tdp_w": tdp, "values": [tdp], "cores": cores, "source": "GA-CPU", "year": GA_YEAR,
                         "licence": "CC-BY-4.0", "status": "S", "notes": []}
            continue
        row["cores"] = cores
        row["source"] = "CC-CPU;GA-CPU"
        row["notes"].append("cores from Green Algorithms (CC-BY-4.0)")
        if tdp != row["tdp_w"]:
            row["values"].append(tdp)
            row["notes"].append(f"Green Algorithms lists {_w(tdp)}")
    out = []
    for key in sorted(rows):
        row = rows[key]
        values = row.pop("values")
        if min(values) != max(values):
            row["tdp_w_low"], row["tdp_w_high"] = min(values), max(values)
        row["notes"] = "; ".join(row["notes"]) or None
        out.append(row)
    return out, dropped


def csv_text(columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> str:
    """Deterministic CSV text (one header row, ``\\n`` line ends, cells formatted by ``_buildlib.fmt``)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([fmt(row.get(c)) for c in columns])
    return buf.getvalue()


def sidecar_text() -> str:
    lines = [f"title = {toml_str(TITLE)}", f"description = {toml_str(DESCRIPTION)}", 'key = "key"',
             'builder = "scripts/build_cpu_data.py"', f"credit = {toml_str(CREDIT)}", "", "[columns]"]
    lines += [f"{name} = {toml_str(meaning)}" for name, meaning in COLUMN_MEANINGS.items()]
    return "\n".join(lines) + "\n"


def defined_elsewhere(out: Path) -> set[str]:
    """Source keys already defined by another ``sources/*.csv`` (the registry keeps the first definition)."""
    keys: set[str] = set()
    for path in sorted((out / "sources").glob("*.csv")):
        if path.name != "cpus.csv":
            keys.update(r["key"] for r in read_csv(path) if r.get("key"))
    return keys


def render(shared: Path, out: Path) -> dict[str, str]:
    """Every output file (path relative to ``out`` -> text). Fails if a row cites an unknown source key."""
    rows, _ = build_rows(shared)
    for row in rows:
        for key in str(row["source"]).split(";"):
            if key not in SOURCES:
                raise ValueError(f"cpus: row {row['key']!r} cites unknown source {key!r}")
    clash = sorted(set(SOURCES) & defined_elsewhere(out))
    if clash:
        raise ValueError(f"source keys {clash} are already defined in another data/sources file")
    sources = [dict(zip(SOURCE_COLUMNS, (k, *SOURCES[k]), strict=True)) for k in sorted(SOURCES)]
    return {"cpus.csv": csv_text(COLUMNS, rows), "cpus.toml": sidecar_text(),
            "sources/cpus.csv": csv_text(SOURCE_COLUMNS, sources)}


def main() -> None:
    args = main_args(__doc__.splitlines()[0] if __doc__ else "build cpus.csv")
    shared, out = Path(args.shared), Path(args.out)
    _, dropped = build_rows(shared)
    for name, text in dropped:
        print(f"dropped CodeCarbon row {name!r}: TDP {text!r} (malformed or zero)")
    for rel, text in render(shared, out).items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}" + (f" ({text.count(chr(10)) - 1} rows)" if rel.endswith(".csv") else ""))


if __name__ == "__main__":
    main()
