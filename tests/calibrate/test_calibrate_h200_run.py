"""The profile `aifootprint calibrate` wrote on a real H200 (2026-12-04, benchmarks/results/gpu/) and the raw
readings it saved next to it (`--save-readings`): re-deriving from the readings (`--from-csv`) gives the same
profile, so a user can re-fit, audit or share a calibration from the readings alone. Runs in CI (the files are in
the repository), unlike the tests on ../shared's micro-benchmarks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


def _validation_h200() -> object:
    import importlib.util
    import sys

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "validation_h200.py"
    spec = importlib.util.spec_from_file_location("validation_h200", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["validation_h200"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("scale", "verdict"), [(1.0, "**passes**"), (1.3, "**fails**")])
def test_the_compiled_decode_rule_is_applied_as_fixed(tmp_path: Path, scale: float, verdict: str) -> None:
    """docs/validation_h200.md §5: the rule for dropping the serving floor of GPU-bound engines under a profile was
    fixed before any compiled-decode run. Rows whose power is exactly the line from idle pass it; rows 30 % above
    it (line error 23 %, above the 10 % bound) fail it."""
    import json
    import shutil

    v: Any = _validation_h200()
    graph = [r for r in v.rows() if r["phase"] == "decode-graph" and r["shape"] == "llama-3.1-8b"]
    profile = read_profile(PROFILE)
    rows = []
    for r in graph:
        est = v.RequestEstimator(r["shape"], v.RequestConfig(hardware="h200", engine="cuda-graph",
                                                             batch=int(r["batch_size"]), accelerators=1,
                                                             boundary="accelerator"))
        flops, moved = v.step_work(est, r)
        line = v.idle_line_w(profile, flops, moved, float(r["step_s"]))
        rows.append({**r, "phase": "decode-compiled", "mean_power_w": scale * line})
    (tmp_path / "transformer_h200_llama-3.1-8b_compiled_20991231T0000Z.json").write_text(
        json.dumps({"rows": rows}), encoding="utf-8")
    shutil.copy(PROFILE, tmp_path / "calibration_h200_20991231T0000Z.toml")
    text = "\n".join(v.compiled_section(tmp_path))
    assert verdict in text and "calibration_h200_20991231T0000Z.toml" in text
