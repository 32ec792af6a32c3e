"""CLI (exit codes, JSON contract), compare-models ranking, calibration data file and its fit."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from aifootprint.cli.main import main
from aifootprint.estimate.compare import compare_models
from aifootprint.estimate.inference import RequestConfig

DATA = Path(__file__).resolve().parents[2] / "src" / "aifootprint" / "reference" / "data"
MLE = Path(__file__).resolve().parents[3] / "shared" / "data" / "mlenergy-leaderboard" / "configurations.csv"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_request_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "estimate", "request", "--model", "llama-3.1-70b", "--input-tokens", "500",
                       "--output-tokens", "300", "--hardware", "H100", "--json")
    assert code == 0
    d = json.loads(out)
    assert set(d["breakdown_wh"]) == {"prefill", "decode", "host", "idle", "overhead"}
    assert d["energy_wh"]["low"] <= d["energy_wh"]["best"] <= d["energy_wh"]["high"]
    assert d["inputs"]["hardware"] == "h100" and d["accelerators"] == 4
    assert sum(d["breakdown_wh"].values()) == pytest.approx(d["energy_wh"]["best"], rel=0.15)


def test_explicit_architecture(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "estimate", "request", "--params", "8", "--layers", "32", "--d-model", "4096",
                       "--heads", "32", "--kv-heads", "8", "--head-dim", "128", "--vocab", "128256",
                       "--input-tokens", "100", "--output-tokens", "100", "--boundary", "accelerator", "--json")
    assert code == 0 and json.loads(out)["breakdown_wh"]["host"] == 0.0


@pytest.mark.parametrize(("args", "message"), [
    (["--model", "llama-3.1-8b", "--input-tokens", "-5", "--output-tokens", "10"], "output ≥ 1"),
    (["--model", "lama-3.1-8b", "--input-tokens", "5", "--output-tokens", "10"], "did you mean: llama-3.1-8b"),
    (["--model", "llama-3.1-8b", "--input-tokens", "5", "--output-tokens", "10", "--hardware", "h10"], "did you mean"),
    (["--model", "llama-3.1-405b", "--input-tokens", "5", "--output-tokens", "10", "--accelerators", "2"],
     "--accelerators 11 or more"),
    (["--model", "llama-3.1-8b", "--input-tokens", "5", "--output-tokens", "10", "--precision", "fp4"], "precision"),
    (["--input-tokens", "5", "--output-tokens", "10"], "--model NAME"),
])
def test_impossible_requests_exit_2_with_one_line(capsys: pytest.CaptureFixture[str], args: list[str],
                                                  message: str) -> None:
    code, _, err = run(capsys, "estimate", "request", *args)
    assert code == 2
    assert message in err and "Traceback" not in err


def test_training_lifecycle_compare_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "estimate", "training", "--model", "bloom-176b", "--boundary", "accelerator", "--json")
    assert code == 0 and json.loads(out)["energy_mwh"]["best"] == pytest.approx(433.196, rel=0.005)
    code, out, _ = run(capsys, "estimate", "lifecycle", "--model", "llama-3.1-8b", "--requests-per-day", "1e9",
                       "--input-tokens", "500", "--output-tokens", "300", "--json")
    assert code == 0 and isinstance(json.loads(out)["break_even_day"], float)
    code, out, _ = run(capsys, "compare-models", "--input-tokens", "500", "--output-tokens", "300", "--models",
                       "llama-3.1-8b,llama-3.2-1b", "--json")
    assert code == 0 and [m["model"] for m in json.loads(out)["models"]] == ["llama-3.2-1b", "llama-3.1-8b"]


def test_compare_ranks_and_multiples() -> None:
    """Same family, same task: 1B < 8B < 70B; multiples relative to the smallest, which is 1."""
    res = compare_models(["llama-3.1-70b", "llama-3.2-1b", "llama-3.1-8b"], 500, 300, RequestConfig())
    rows = res.values["models"]
    assert [r["model"] for r in rows] == ["llama-3.2-1b", "llama-3.1-8b", "llama-3.1-70b"]
    assert rows[0]["multiple_of_smallest"] == 1.0
    assert rows[2]["multiple_of_smallest"] > rows[1]["multiple_of_smallest"] > 1.0


def test_calibration_csv_follows_the_data_conventions() -> None:
    """Required columns, status letters, source keys present in data/sources/calibration.csv, no empty fitted value."""
    with (DATA / "accelerator_calibration.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with (DATA / "sources" / "calibration.csv").open(encoding="utf-8") as f:
        keys = {r["key"] for r in csv.DictReader(f)}
    assert {r["accelerator"] for r in rows} >= {"h100", "b200", "a100-80gb", "h200"}
    for r in rows:
        assert r["status"] in {"D", "E"} and r["licence"] and r["year"].isdigit()
        assert all(k in keys for k in r["source"].split(";"))
        for col in ("compute_fraction", "bandwidth_fraction", "base_power_w", "energy_per_flop_pj",
                    "energy_per_byte_pj"):
            assert float(r[col]) >= 0
        assert 0 < float(r["compute_fraction"]) <= 1 and 0 < float(r["bandwidth_fraction"]) <= 1
        assert (r["status"] == "D") == (r["method"] in {"fit-mlenergy-v3", "microbench"})
        assert float(r["band_low_factor"]) <= 1.0 <= float(r["band_high_factor"])


def test_refit_reproduces_the_shipped_calibration() -> None:
    """Re-running the fit on ML.ENERGY v3.0 (if the table is present) gives the shipped H100 row and an in-sample
    median |error| of energy per token ≤ 16 % and of average power ≤ 10 % (docs/validation.md)."""
    if not MLE.exists():
        pytest.skip("ML.ENERGY table not available")
    import sys

    sys.path.insert(0, str(DATA.parents[3] / "scripts"))
    import _calibration_fit as cf
    import numpy as np

    from aifootprint.estimate.calibration import load_calibration

    sub = [c for c in cf.load_mle(MLE) if c.gpu == "H100"]
    shipped = load_calibration("h100")
    cal = cf.fit(sub, cf.get_spec("h100"), shipped.compute_fraction, cache_fraction=shipped.cache_bandwidth_fraction)
    assert cal.base_power_w == pytest.approx(shipped.base_power_w, rel=1e-3)
    assert cal.bandwidth_fraction == pytest.approx(shipped.bandwidth_fraction, rel=1e-3)
    w = cf.work(sub)
    assert float(np.median(np.abs(cf.rel_errors(w, shipped)))) <= 0.16
    assert float(np.median(np.abs(cf.power_errors(w, shipped)))) <= 0.10
