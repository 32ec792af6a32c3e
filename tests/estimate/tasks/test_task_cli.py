"""CLI: ``estimate image|video|embedding|classification|transcription|multimodal`` and ``compare-models --task``."""

from __future__ import annotations

import json

import numpy as np
import pytest

from aifootprint.cli.main import main
from aifootprint.estimate.tasks.batch import estimate_task_table
from aifootprint.estimate.tasks.estimator import TaskConfig, TaskEstimator, TaskSpec


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(("cmd", "model"), [("image", "flux.1-dev"), ("video", "wan2.1-t2v-1.3b"),
                                            ("embedding", "bge-m3"), ("classification", "distilbert-sst2"),
                                            ("transcription", "whisper-large-v3-turbo")])
def test_task_commands_json(capsys: pytest.CaptureFixture[str], cmd: str, model: str) -> None:
    code, out, _ = run(capsys, "estimate", cmd, "--model", model, "--hardware", "b200", "--json")
    assert code == 0
    d = json.loads(out)
    assert d["kind"] == f"estimate-{cmd}"
    assert d["inputs"]["hardware"] == "b200"
    assert 0 < d["energy_wh"]["low"] < d["energy_wh"]["best"] < d["energy_wh"]["high"]
    assert d["carbon_g"]["best"] > 0 and d["water_l"]["best"] > 0
    assert {w["code"] for w in d["warnings"] if isinstance(w, dict)}


def test_human_view_and_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "estimate", "image", "--model", "sd-1.5", "--steps", "20", "--height", "768",
                       "--width", "768")
    assert code == 0 and "energy_wh" in out and "denoise" in out
    code, out, _ = run(capsys, "estimate", "video", "--list")
    assert code == 0 and "hunyuanvideo" in out


@pytest.mark.parametrize("args", [
    ("estimate", "image", "--model", "fluxx"),
    ("estimate", "image", "--model", "whisper-tiny"),
    ("estimate", "image"),
    ("estimate", "image", "--model", "flux.1-dev", "--steps", "0"),
    ("estimate", "classification", "--model", "bert-base-uncased", "--tokens", "9999"),
    ("estimate", "multimodal", "--model", "llama-3.1-8b", "--input-tokens", "10", "--output-tokens", "10"),
    ("compare-models", "--task", "painting"),
    ("compare-models",),
    ("compare-models", "--task", "image", "--models", "llama-3.1-8b"),
])
def test_bad_input_one_line_exit_2(capsys: pytest.CaptureFixture[str], args: tuple[str, ...]) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert "Traceback" not in err + out
    assert len(err.strip().splitlines()) <= 3


def test_compare_classification_specialised_vs_general(capsys: pytest.CaptureFixture[str]) -> None:
    """The structure of Luccioni et al. 2024's finding (PHP24): a task-specific classifier costs a small fraction of
    a general LLM prompted to do the same job; the 70B LLM is > 100× the cheapest encoder."""
    code, out, _ = run(capsys, "compare-models", "--task", "classification", "--json")
    assert code == 0
    rows = json.loads(out)["models"]
    assert rows[0]["kind"] == "specialised" and rows[0]["multiple_of_cheapest"] == 1.0
    general = {r["model"]: r for r in rows if r["kind"] != "specialised"}
    assert min(r["multiple_of_cheapest"] for r in general.values()) > max(
        r["multiple_of_cheapest"] for r in rows if r["kind"] == "specialised")
    assert general["llama-3.1-70b"]["multiple_of_cheapest"] > 100
    code, out, _ = run(capsys, "compare-models", "--task", "classification")
    assert code == 0 and "distilbert-sst2" in out and "LLM" in out


def test_multimodal_adds_image_tokens(capsys: pytest.CaptureFixture[str]) -> None:
    """Gemma 3: 256 tokens per image (Gemma 3 technical report, arXiv:2503.19786)."""
    code, out, _ = run(capsys, "estimate", "multimodal", "--model", "gemma-3-12b", "--images", "2",
                       "--input-tokens", "100", "--output-tokens", "200", "--json")
    assert code == 0
    d = json.loads(out)
    assert d["inputs"]["input_tokens"] == 100 + 2 * 256
    assert d["breakdown_wh"]["vision_encoder"] > 0
    assert sum(d["breakdown_wh"].values()) == pytest.approx(d["energy_wh"]["best"], rel=0.05)
    code, out0, _ = run(capsys, "estimate", "multimodal", "--model", "gemma-3-12b", "--images", "0",
                        "--input-tokens", "100", "--output-tokens", "200", "--json")
    assert json.loads(out0)["energy_wh"]["best"] < d["energy_wh"]["best"]


def test_batch_table_matches_scalar() -> None:
    n = 40
    tasks = np.array(["image", "classification", "video", "transcription"] * (n // 4))
    models = np.array(["sd-3.5-medium", "roberta-base", "cogvideox-2b", "whisper-base"] * (n // 4))
    steps = np.where(tasks == "image", np.tile([10, 20, 28, 40, 50], n // 5), np.nan)
    cfg = TaskConfig(boundary="server")
    out = estimate_task_table({"task": tasks, "model": models, "steps": steps}, cfg)
    for i in range(8):
        spec = TaskSpec(str(tasks[i]), str(models[i]), steps=None if np.isnan(steps[i]) else int(steps[i]))
        e = TaskEstimator(spec, cfg).estimate()
        assert out["energy_wh"][i] == pytest.approx(e.accelerator_wh + e.host_wh, rel=1e-9)
        assert out["carbon_g"][i] > 0


def test_engine_and_video_frames(capsys: pytest.CaptureFixture[str]) -> None:
    """A CUDA-graph engine has no host time per step, so a small encoder costs less than under vLLM's profile;
    video frames enter a Llama 4 prompt as 144-token tiles (Llama 4 model card)."""
    e = {}
    for engine in ("vllm", "cuda-graph"):
        code, out, _ = run(capsys, "estimate", "classification", "--model", "roberta-base", "--engine", engine,
                           "--json")
        assert code == 0
        e[engine] = json.loads(out)["energy_wh"]["best"]
    assert e["cuda-graph"] < e["vllm"]
    code, out, _ = run(capsys, "estimate", "multimodal", "--model", "llama-4-scout", "--images", "0",
                       "--video-frames", "8", "--input-tokens", "50", "--output-tokens", "100", "--json")
    assert code == 0
    assert json.loads(out)["inputs"]["input_tokens"] == 50 + 8 * 144


def test_calibration_profile_applies(capsys: pytest.CaptureFixture[str]) -> None:
    """A measured H100 profile (benchmarks/results/calibration/h100.toml) drives the task estimate as it drives
    `estimate request`; a profile of another accelerator is refused with exit 2."""
    from pathlib import Path

    prof = str(Path(__file__).resolve().parents[3] / "benchmarks" / "results" / "calibration" / "h100.toml")
    code, out, _ = run(capsys, "estimate", "classification", "--model", "bert-base-uncased", "--json")
    base = json.loads(out)["energy_wh"]["best"]
    code, out, _ = run(capsys, "estimate", "classification", "--model", "bert-base-uncased", "--calibration", prof,
                       "--json")
    assert code == 0 and json.loads(out)["energy_wh"]["best"] != pytest.approx(base, rel=1e-6)
    code, _, err = run(capsys, "estimate", "image", "--model", "sd-1.5", "--hardware", "b200", "--calibration", prof)
    assert code == 2 and "not on 'b200'" in err
