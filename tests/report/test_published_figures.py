"""The report's published fallbacks come from the registry (never from numbers typed into the code)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from aifootprint.errors import DataError
from aifootprint.reference.registry import Registry, default_registry
from aifootprint.report import build


def _registry_with_gpt3_energy(tmp_path: Path, energy: str) -> Registry:
    """A copy of the shipped data with GPT-3's training energy set to ``energy`` ('' = not published)."""
    data = tmp_path / "data"
    shutil.copytree(default_registry().data_dir, data)
    path = data / "training_runs.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    fields = list(rows[0])
    for r in rows:
        if r["key"] == "gpt-3":
            r["energy_mwh"] = energy
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return Registry(data)


def test_gpt3_training_energy_from_the_registry() -> None:
    """Patterson et al. 2021 (PA21): GPT-3 training used 1,287 MWh on 10,000 V100 over 14.8 days at PUE 1.1."""
    mwh, source, what = build.published_training_run(default_registry())
    assert mwh == pytest.approx(1287.0)
    assert source.split(";")[0] == "PA21"
    assert "10,000 V100" in what and "14.8 days" in what and "PUE 1.1" in what


def test_registry_value_is_used_not_a_constant(tmp_path: Path) -> None:
    reg = _registry_with_gpt3_energy(tmp_path, "1000")
    lc = build._published_lifecycle(reg, [])
    assert lc.training_mwh == pytest.approx(1000.0)
    assert any("training energy 1,000 MWh" in a and "PA21" in a for a in lc.notes.assumptions)


def test_missing_training_energy_fails_loudly(tmp_path: Path) -> None:
    """With GPT-3's energy missing the fallback raises DataError instead of printing a hard-coded 1,287 MWh."""
    reg = _registry_with_gpt3_energy(tmp_path, "")
    with pytest.raises(DataError, match="energy_mwh for 'gpt-3'"):
        build._published_lifecycle(reg, [])


def test_rebound_elasticities_follow_the_assumed_range(monkeypatch: pytest.MonkeyPatch) -> None:
    """The chart's elasticities span ASSUMED_ELASTICITY_RANGE (0 to 1.5: an assumption, no published value)."""
    from aifootprint.sector import rebound

    assert build.rebound_elasticities() == (0.0, 0.5, 1.0, 1.5)
    monkeypatch.setattr(rebound, "ASSUMED_ELASTICITY_RANGE", (0.0, 3.0))
    assert build.rebound_elasticities() == (0.0, 1.0, 2.0, 3.0)
