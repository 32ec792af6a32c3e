"""The profile `aifootprint calibrate` wrote on a real H200 (2026-12-04, benchmarks/results/gpu/) and the raw
readings it saved next to it (`--save-readings`): re-deriving from the readings (`--from-csv`) gives the same
profile, so a user can re-fit, audit or share a calibration from the readings alone. Runs in CI (the files are in
the repository), unlike the tests on ../shared's micro-benchmarks."""

from __future__ import annotations

from pathlib import Path

import pytest

from aifootprint.calibrate.profile import read_profile
from aifootprint.cli.main import main

RUN = Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "gpu"
PROFILE = RUN / "calibration_h200_20261204T1128Z.toml"
READINGS = RUN / "calibration_h200_20261204T1128Z_readings.csv"
MEASURED = ("idle_power_w", "power_limit_w", "achieved_tflops_bf16", "achieved_flops_fraction",
            "achieved_bandwidth_gb_per_s", "achieved_bandwidth_fraction", "energy_pj_per_flop", "energy_pj_per_byte",
            "gemv_bandwidth_fraction")


def test_the_saved_readings_re_derive_the_gpu_written_profile(capsys: pytest.CaptureFixture[str],
                                                              tmp_path: Path) -> None:
    out = tmp_path / "h200.toml"
    assert main(["calibrate", "--from-csv", str(READINGS), "--out", str(out)]) == 0
    capsys.readouterr()
    again, written = read_profile(out), read_profile(PROFILE)
    for name in MEASURED:
        assert getattr(again, name) == pytest.approx(getattr(written, name), rel=1e-9), name
    assert (again.accelerator, again.driver) == ("h200", "580.159.04")


def test_the_h200_run_measured_what_its_summary_says() -> None:
    """The figures quoted in docs/calibrate.md and docs/validation_h200.md (idle 121 W, GEMM 665 TFLOP/s, copy
    4.30 TB/s, e_byte 119.5 pJ/B above idle)."""
    p = read_profile(PROFILE)
    assert p.idle_power_w == pytest.approx(121.0, abs=0.1)
    assert p.achieved_tflops_bf16 == pytest.approx(665.1, abs=0.1)
    assert p.achieved_bandwidth_gb_per_s == pytest.approx(4303.5, abs=0.1)
    assert p.energy_pj_per_byte == pytest.approx(119.5, abs=0.1)
