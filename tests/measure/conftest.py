"""Shared fixtures: a manual clock, a private run store, fake sysfs/procfs trees."""

from __future__ import annotations

from pathlib import Path

import pytest


class ManualClock:
    """A clock that only moves when told to."""

    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, dt: float) -> float:
        self.t += dt
        return self.t


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own run store and lease directory; no test touches the user's data directory."""
    home = tmp_path / "afp-home"
    monkeypatch.setenv("AIFOOTPRINT_HOME", str(home))
    for name in ("AIFOOTPRINT_JOB_ID", "TORCHELASTIC_RUN_ID", "SLURM_JOB_ID", "PMIX_NAMESPACE",
                 "OMPI_MCA_orte_ess_jobid", "AIFOOTPRINT_SENSORS"):
        monkeypatch.delenv(name, raising=False)
    return home
