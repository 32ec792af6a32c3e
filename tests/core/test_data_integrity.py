"""Every shipped dataset: provenance on every row, resolvable sources, unique keys, sidecar metadata."""

from __future__ import annotations

import pytest

from aifootprint.reference.registry import REQUIRED_COLUMNS, STATUS_LETTERS, Registry, source_keys

REG = Registry()
DATASETS = REG.datasets()


def test_minimum_datasets_present() -> None:
    expected = {"grid_intensity", "water_offsite", "cloud_regions", "datacenter_operators", "accelerators",
                "models", "training_runs", "request_figures", "sector_figures", "country_electricity"}
    assert expected <= set(DATASETS)


@pytest.mark.parametrize("name", DATASETS)
def test_every_row_has_provenance(name: str) -> None:
    table = REG.table(name)
    for col in REQUIRED_COLUMNS:
        assert col in table.columns, f"{name}: missing column {col}"
    sources = REG.sources()
    for i, row in enumerate(table.rows, start=2):
        keys = source_keys(row)
        assert keys, f"{name}.csv:{i}: empty source"
        for k in keys:
            assert k in sources, f"{name}.csv:{i}: source key {k!r} not in data/sources/*.csv"
        assert isinstance(row["year"], int) and 1990 <= row["year"] <= 2035, f"{name}.csv:{i}: year {row['year']!r}"
        assert row["licence"], f"{name}.csv:{i}: empty licence"
        assert row["status"] in STATUS_LETTERS, f"{name}.csv:{i}: status {row['status']!r}"


@pytest.mark.parametrize("name", DATASETS)
def test_keys_unique_and_metadata(name: str) -> None:
    table = REG.table(name)
    keys = [k.lower() for k in table.keys()]
    dupes = {k for k in keys if keys.count(k) > 1}
    assert not dupes, f"{name}: duplicate keys {sorted(dupes)[:5]}"
    meta = REG.meta(name)
    assert meta.title and meta.title != name, f"{name}.toml: missing title"
    assert meta.credit, f"{name}.toml: missing credit line"


def test_sources_have_citations() -> None:
    for key, src in REG.sources().items():
        assert src.citation, f"source {key}: empty citation"
        assert src.licence or src.url, f"source {key}: neither licence nor url"


def test_duplicate_source_keys_agree() -> None:
    """A key defined in two sources files must point to the same document (same URL)."""
    import csv

    reg = Registry()
    first = reg.sources()
    for key, fname in reg.duplicate_sources():
        with (reg.data_dir / "sources" / fname).open(encoding="utf-8", newline="") as fh:
            again = next(r for r in csv.DictReader(fh) if r["key"].strip() == key)
        a, b = first[key].url.rstrip("/"), again["url"].strip().rstrip("/")
        assert not a or not b or a == b, f"source {key} cites {a} and {b} ({fname})"
