"""The ``cpus`` dataset (CPU TDP per chip): provenance, spot values pinned to the two source files, the merge of
duplicate spellings, the rows dropped as malformed, and a byte-for-byte rebuild.

Sources: CC-CPU = CodeCarbon ``codecarbon/data/hardware/cpu_power.csv`` (mlco2/codecarbon, commit b05965e, MIT);
GA-CPU = Green Algorithms ``data/latest/TDP_cpu.csv`` (data v3.0, commit 30df2fe, CC-BY-4.0; Lannelongue et al.,
Adv. Sci. 2021). Both are copied under ``../shared/data/`` (see their SOURCE.md).
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from aifootprint.measure.sensors.cpu_fallback import cpu_key
from aifootprint.reference.registry import Registry, Row, row_float, source_keys

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
DATA = REPO / "src" / "aifootprint" / "reference" / "data"
REG = Registry()
TABLE = REG.table("cpus")
needs_shared = pytest.mark.skipif(not (SHARED / "data" / "codecarbon").is_dir(), reason="../shared is absent")


def row(key: str) -> Row:
    return TABLE.get(key)


def tdp(key: str) -> float:
    value = row_float(row(key), "tdp_w")
    assert value is not None
    return value


def load_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_cpu_data", REPO / "scripts" / "build_cpu_data.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_provenance_of_every_row() -> None:
    """Conventions: sources resolve, year = vintage of the file, licence of the TDP value, status S."""
    sources = REG.sources()
    assert {"CC-CPU", "GA-CPU"} <= set(sources)
    assert sources["CC-CPU"].licence == "MIT" and sources["GA-CPU"].licence == "CC-BY-4.0"
    meta = REG.meta("cpus")
    assert meta.key == "key" and meta.builder == "scripts/build_cpu_data.py"
    assert "CodeCarbon" in meta.credit and "Green Algorithms" in meta.credit
    assert set(TABLE.columns) <= set(meta.columns)
    for r in TABLE.rows:
        keys = source_keys(r)
        assert keys in (["CC-CPU"], ["GA-CPU"], ["CC-CPU", "GA-CPU"]), r["key"]
        expected = ("MIT", 2026) if keys[0] == "CC-CPU" else ("CC-BY-4.0", 2025)
        assert (r["licence"], r["year"]) == expected, r["key"]
        assert r["status"] == "S"


def test_keys_are_the_normalised_names_and_values_positive() -> None:
    assert len(TABLE.rows) == 4713  # 4,898 valid CodeCarbon rows -> 4,706 keys, + 7 Green Algorithms-only
    for r in TABLE.rows:
        assert str(r["key"]) == cpu_key(str(r["name"])), r["name"]
        value = row_float(r, "tdp_w")
        assert value is not None and value > 0, r["key"]  # empty = not published; never a 0 placeholder
        low, high = row_float(r, "tdp_w_low"), row_float(r, "tdp_w_high")
        assert (low is None) == (high is None)
        if low is not None and high is not None:
            assert low < high and low <= value <= high, r["key"]


@pytest.mark.parametrize(("key", "tdp_w", "cores", "source"), [
    ("xeon platinum 8375c", 300, None, "CC-CPU"),      # cpu_power.csv line 4684: Intel Xeon Platinum 8375C,300
    ("epyc 7r13", 225, None, "CC-CPU"),                # line 734: AMD EPYC 7R13,225
    ("core i7-920", 130, None, "CC-CPU"),              # line 3059: Intel Core i7-920,130
    ("epyc 7763", 280, 64, "CC-CPU;GA-CPU"),           # line 727 280.0; TDP_cpu.csv: AMD EPYC 7763,280,64
    ("xeon gold 6248", 150, 20, "CC-CPU;GA-CPU"),      # line 4432 150.0; TDP_cpu.csv: Xeon Gold 6248,150,20
    ("epyc 7v73x", 280, 64, "GA-CPU"),                 # TDP_cpu.csv only: AMD EPYC 7V73X,280,64
    ("core i9-12900k", 125, 16, "GA-CPU"),             # TDP_cpu.csv only: Core i9-12900K,125,16
])  # fmt: skip
def test_spot_values(key: str, tdp_w: float, cores: int | None, source: str) -> None:
    """Values copied unchanged from CodeCarbon cpu_power.csv (CC-CPU) and Green Algorithms TDP_cpu.csv (GA-CPU)."""
    r = row(key)
    assert tdp(key) == tdp_w
    assert r["cores"] == cores
    assert r["source"] == source


def test_disagreements_kept_as_a_range() -> None:
    """CodeCarbon: Intel Core i5-10600K 125.0 W; Green Algorithms: Core i5-10600K 95 W (6 cores). tdp_w keeps the
    CodeCarbon value, the range shows both; same for CodeCarbon's two 'Intel Atom E625CT' spellings (3 / 2.7 W)."""
    r = row("core i5-10600k")
    assert (tdp("core i5-10600k"), r["tdp_w_low"], r["tdp_w_high"], r["cores"]) == (125, 95, 125, 6)
    assert "Green Algorithms lists 95 W" in str(r["notes"])
    atom = row("atom e625ct")
    assert (tdp("atom e625ct"), atom["tdp_w_low"], atom["tdp_w_high"]) == (3, 2.7, 3)


def test_spellings_merged_and_bad_rows_dropped() -> None:
    """'7th Gen AMD Athlon X4 970', 'AMD 7th Gen AMD Athlon X4 970', 'AMD Athlon X4 970' (all 65 W) are one row;
    the malformed Celeron TDPs (27.29.5, ...) and the Quark D1000's TDP 0 (SOURCE.md caveats) are not shipped."""
    merged = row("athlon x4 970")
    assert tdp("athlon x4 970") == 65 and "3 spellings" in str(merged["notes"])
    for key in ("celeron 1000a", "celeron 1100a", "celeron 1200", "celeron 1400", "quark microcontroller d1000"):
        assert TABLE.find(key) is None
    assert TABLE.find("any") is None  # Green Algorithms' 12 W/core default row is not a CPU


@needs_shared
def test_values_equal_the_codecarbon_file() -> None:
    """Every CodeCarbon-sourced row holds the TDP of the first spelling of its key in cpu_power.csv."""
    first: dict[str, float] = {}
    with (SHARED / "data" / "codecarbon" / "hardware" / "cpu_power.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            try:
                value = float(r["TDP"])
            except ValueError:
                continue
            if value > 0:
                first.setdefault(cpu_key(r["Name"]), value)
    for r in TABLE.rows:
        if str(r["source"]).startswith("CC-CPU"):
            assert tdp(str(r["key"])) == first[str(r["key"])], r["key"]


@needs_shared
def test_rebuild_is_byte_identical() -> None:
    """scripts/build_cpu_data.py, run in memory on ../shared, reproduces the shipped files byte for byte."""
    builder = load_builder()
    files = builder.render(SHARED, DATA)
    assert set(files) == {"cpus.csv", "cpus.toml", "sources/cpus.csv"}
    for rel, text in files.items():
        assert (DATA / rel).read_bytes() == text.encode("utf-8"), rel
    assert builder.render(SHARED, DATA) == files
    _, dropped = builder.build_rows(SHARED)
    assert [t for _, t in dropped] == ["27.29.5", "27.29.5", "29.32.9", "33.34.8", "0.0"]
