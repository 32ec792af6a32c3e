"""Helpers shared by the reference-data builders ``build_hardware_data.py``, ``build_model_data.py`` and
``build_published_data.py``: deterministic CSV / TOML-sidecar writing, CSV reading, the common command line and the
merged source list ``sources/hardware_models.csv``.

Scripts import it after putting ``scripts/`` on ``sys.path`` (automatic when run as ``python scripts/build_x.py``).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import _hardware_facts
import _model_facts
import _published_facts

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared"
DEFAULT_OUT = REPO / "src" / "aifootprint" / "reference" / "data"
SOURCES_FILE = "sources/hardware_models.csv"
SOURCE_COLUMNS = ("key", "citation", "url", "licence", "status")


def builder_sources() -> dict[str, dict[str, tuple[str, str, str, str]]]:
    """SOURCES defined by each of the three builders (builder file -> key -> (citation, url, licence, status))."""
    return {
        "build_hardware_data.py": _hardware_facts.SOURCES,
        "build_model_data.py": _model_facts.SOURCES,
        "build_published_data.py": _published_facts.SOURCES,
    }


def fmt(value: Any) -> str:
    """Format one cell deterministically: None -> '', bool -> true/false, floats without trailing zeros."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        text = f"{value:.6g}" if abs(value) < 1e-3 else repr(round(value, 6))
        return text
    return str(value)


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> int:
    """Write rows (dicts) with exactly ``columns``; unknown keys are an error. Returns the number of rows."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    n = 0
    for row in rows:
        extra = set(row) - set(columns)
        if extra:
            raise ValueError(f"{path.name}: unknown columns {sorted(extra)} in row {row.get(columns[0])!r}")
        writer.writerow([fmt(row.get(c)) for c in columns])
        n += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return n


def toml_str(text: str) -> str:
    """A TOML basic string (JSON string escapes are valid TOML escapes)."""
    return json.dumps(text, ensure_ascii=False)


def write_sidecar(
    path: Path, *, title: str, description: str, key: str, builder: str, credit: str, columns: Mapping[str, str]
) -> None:
    """Write a dataset sidecar ``<dataset>.toml`` (title, description, key, builder, credit, [columns])."""
    lines = [
        f"title = {toml_str(title)}",
        f"description = {toml_str(description)}",
        f"key = {toml_str(key)}",
        f"builder = {toml_str(builder)}",
        f"credit = {toml_str(credit)}",
        "",
        "[columns]",
    ]
    lines += [f"{name} = {toml_str(meaning)}" for name, meaning in columns.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_csv(path: Path, skip_rows: int = 0) -> list[dict[str, str]]:
    """Read a CSV as a list of dicts (after skipping ``skip_rows`` annotation rows)."""
    with path.open(encoding="utf-8", newline="") as fh:
        for _ in range(skip_rows):
            fh.readline()
        return [{k.strip(): (v or "").strip() for k, v in r.items()} for r in csv.DictReader(fh)]


def external_source_keys(out: Path) -> set[str]:
    """Source keys already defined by other groups' files in ``sources/`` (the registry forbids duplicates)."""
    keys: set[str] = set()
    for path in sorted((out / "sources").glob("*.csv")):
        if path.name != Path(SOURCES_FILE).name:
            keys.update(r["key"] for r in read_csv(path) if r.get("key"))
    return keys


def write_sources(out: Path) -> int:
    """Write ``sources/hardware_models.csv`` from the SOURCES of all three builders (sorted by key).

    Keys that another group's ``sources/*.csv`` already defines (e.g. DV23, LI23, IEA25) are not written again:
    the registry rejects a key defined twice, and the rows here cite the shared definition.
    """
    merged: dict[str, tuple[str, str, str, str]] = {}
    for name, sources in builder_sources().items():
        for key, entry in sources.items():
            if key in merged and merged[key] != entry:
                raise ValueError(f"source {key} defined differently in {name}")
            merged[key] = entry
    external = external_source_keys(out)
    skipped = sorted(k for k in merged if k in external)
    if skipped:
        print(f"sources defined elsewhere, not repeated: {', '.join(skipped)}")
    rows = [dict(zip(SOURCE_COLUMNS, (k, *merged[k]), strict=True)) for k in sorted(merged) if k not in external]
    return write_csv(out / SOURCES_FILE, SOURCE_COLUMNS, rows)


def check_sources(rows: Iterable[Mapping[str, Any]], known: Mapping[str, Any], dataset: str) -> None:
    """Fail the build when a row cites a source key that no builder defines."""
    for row in rows:
        for key in str(row["source"]).split(";"):
            if key.strip() not in known:
                raise ValueError(f"{dataset}: row {next(iter(row.values()))!r} cites unknown source {key!r}")


def all_sources() -> dict[str, tuple[str, str, str, str]]:
    """SOURCES of all three builders merged."""
    merged: dict[str, tuple[str, str, str, str]] = {}
    for sources in builder_sources().values():
        merged.update(sources)
    return merged


def check_unique_keys(rows: Iterable[Mapping[str, Any]], dataset: str) -> None:
    """Fail the build when two rows share a key."""
    keys = [r["key"] for r in rows]
    if len(keys) != len(set(keys)):
        raise ValueError(f"{dataset}: duplicate keys")


def run_builder(build: Callable[[Path, Path], Mapping[str, int]], doc: str | None) -> None:
    """Command-line entry point shared by the builders: parse ``--shared``/``--out``, build, print row counts."""
    args = main_args(doc.splitlines()[0] if doc else "")
    for name, n in build(args.shared, args.out).items():
        print(f"{name}: {n} rows")


def main_args(description: str) -> argparse.Namespace:
    """Common command line: ``--shared`` (input folder) and ``--out`` (data folder)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="shared folder (default: ../shared)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="reference data folder to write")
    return parser.parse_args()
