"""``compare-models --task TASK --calibration FILE`` estimates on the user's profile, as ``estimate request`` and
``compare-models`` without ``--task`` do. Was: the profile was dropped silently (the same output with and without
it). ``estimate multimodal`` takes ``--engine`` and ``--calibration`` too. And a request longer than the model's
context window is one line even when its token count has 400 digits (was: an OverflowError traceback while writing
the message)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aifootprint.cli.main import main

PROFILE = (Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "gpu"
           / "calibration_h200_20261204T1128Z.toml")


def _run(capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, object]:
    assert main(["compare-models", "--task", "embedding", "--hardware", "h200", "--engine", "cuda-graph",
                 "--boundary", "accelerator", "--json", *extra]) == 0
    out: dict[str, object] = json.loads(capsys.readouterr().out)
    return out


def test_compare_models_task_uses_the_calibration_profile(capsys: pytest.CaptureFixture[str]) -> None:
    shipped = _run(capsys)
    profiled = _run(capsys, "--calibration", str(PROFILE))
    assert profiled["models"] != shipped["models"]
    assert "straight line from idle" in json.dumps(profiled)


def test_a_huge_token_count_over_the_context_window_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["estimate", "request", "--model", "llama-3.1-8b", "--input-tokens", "9" * 400,
                 "--output-tokens", "10"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "accepted: input + output" in err and "Traceback" not in err


def test_estimate_multimodal_takes_engine_and_calibration(capsys: pytest.CaptureFixture[str]) -> None:
    """``estimate multimodal`` had neither ``--engine`` nor ``--calibration`` (the vision encoder's engine was
    reachable from Python only): the request and its encoder now run on the chosen engine and profile."""
    base = ["estimate", "multimodal", "--model", "gemma-3-27b", "--input-tokens", "200", "--output-tokens", "100",
            "--images", "2", "--hardware", "h200", "--json"]

    def run(*extra: str) -> dict[str, object]:
        assert main([*base, *extra]) == 0
        out: dict[str, object] = json.loads(capsys.readouterr().out)
        return out

    vllm, graph = run(), run("--engine", "cuda-graph")
    profiled = run("--engine", "cuda-graph", "--calibration", str(PROFILE))
    assert vllm["energy_wh"] != graph["energy_wh"] != profiled["energy_wh"]
    models = {a["name"]: a["value"] for a in profiled["assumptions"]}  # type: ignore[attr-defined]
    assert models["power_model"] == "straight line from idle, cut at the power limit"
