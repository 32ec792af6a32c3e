"""Conflicting, ineffective or physically absurd inputs are refused: each test failed before its fix.

1. ``estimate training`` silently ignored conflicting or ineffective inputs: ``--flops`` with ``--params/--tokens``,
   ``--model`` with another ``--hardware``, ``--pue`` at the accelerator boundary, ``--mfu`` with ``--gpu-hours``.
2. Physically absurd task sizes were accepted (exit 0); ``estimate request`` took a partial shape while warning
   "default shape used", a shape inconsistent with the parameter count, ``--params 0.000001``, and
   ``--active-experts`` without ``--experts`` ("at most experts (None)").
3. Transcription sized its accelerators on the weights alone while decoding every window of every file at once
   (1,920 caches on one H100 for one hour of audio), so the energy per 30 s window fell 7.5x with the file's length.
"""

from __future__ import annotations

import math

import pytest

from aifootprint.cli.main import main
from aifootprint.errors import InputError
from aifootprint.estimate.sizing import MEMORY_UTILIZATION
from aifootprint.estimate.tasks import flops
from aifootprint.estimate.tasks.estimator import TaskConfig, TaskEstimator, TaskSpec
from aifootprint.estimate.training import TrainingSpec
from aifootprint.estimate.training_runs import training_spec_for
from aifootprint.limits import LIMITS


def _one_line_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err


# 1. training: conflicting and ineffective inputs ------------------------------------------------------------------

@pytest.mark.parametrize(("args", "needles"), [
    (["--flops", "1e23", "--params", "8", "--tokens", "1000"], ["--flops", "--params and --tokens", "not both"]),
    (["--model", "llama-3.1-8b", "--hardware", "a100"], ["--hardware a100", "llama-3.1-8b", "drop --hardware"]),
    (["--gpu-hours", "10", "--boundary", "accelerator", "--pue", "1.5"], ["--pue", "accelerator boundary",
                                                                           "--boundary datacenter"]),
    (["--gpu-hours", "10", "--boundary", "server", "--pue", "1.5"], ["--pue", "server boundary"]),
    (["--gpu-hours", "10", "--mfu", "0.5"], ["--mfu", "FLOPs path"]),
    (["--accelerators", "8", "--days", "1", "--mfu", "0.5"], ["--mfu"]),
    (["--params", "8"], ["--params needs --tokens"]),
    (["--accelerators", "8"], ["--accelerators needs --days"]),
])
def test_training_refuses_conflicting_inputs(args: list[str], needles: list[str],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    err = _one_line_error(["estimate", "training", *args], capsys)
    for needle in needles:
        assert needle in err, err


@pytest.mark.parametrize("kwargs", [
    {"flops": 1e23, "params_b": 8.0, "tokens_b": 1000.0},
    {"accelerator_hours": 10.0, "boundary": "accelerator", "pue": 1.5},
    {"accelerator_hours": 10.0, "mfu": 0.5},
])
def test_training_spec_refuses_the_same_in_the_library(kwargs: dict[str, object]) -> None:
    with pytest.raises(InputError):
        TrainingSpec(**kwargs)  # type: ignore[arg-type]


def test_published_run_refuses_other_hardware_but_accepts_its_own() -> None:
    with pytest.raises(InputError, match="conflicts with the published run"):
        training_spec_for("llama-3.1-8b", hardware="a100")
    assert training_spec_for("llama-3.1-8b", hardware="H100").hardware == "h100"


def test_training_valid_combinations_still_run(capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["--flops", "1e23"], ["--params", "8", "--tokens", "1000", "--mfu", "0.5"],
                 ["--gpu-hours", "10", "--pue", "1.5"], ["--gpu-hours", "10", "--boundary", "accelerator"]):
        assert main(["estimate", "training", *args, "--json"]) == 0, args
    capsys.readouterr()


# 2. absurd sizes, shapes ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "needle"), [
    (["image", "--model", "sdxl", "--height", "100000", "--width", "100000"], "--height 100,000 is out of range"),
    (["image", "--model", "sdxl", "--height", "5000"], "4 × its trained 1,024 px"),
    (["image", "--model", "sdxl", "--steps", "100000"], "--steps 100,000 is out of range; accepted: 1 to 1,000"),
    (["video", "--model", "wan2.1-t2v-1.3b", "--frames", "100000"], "--frames 100,000 is out of range"),
    (["video", "--model", "wan2.1-t2v-1.3b", "--frames", "400"], "4 × its trained 81 frames"),
    (["embedding", "--model", "bge-m3", "--batch", "100000000"], "accepted: 1 to 100,000"),
    (["classification", "--model", "bert-base-uncased", "--batch", "100001"], "accepted: 1 to 100,000"),
    (["transcription", "--model", "whisper-tiny", "--batch", "100001"], "accepted: 1 to 100,000"),
])
def test_task_sizes_have_a_range(args: list[str], needle: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert needle in _one_line_error(["estimate", *args], capsys)


def test_task_size_bounds_in_the_library() -> None:
    with pytest.raises(InputError, match="--steps"):
        TaskEstimator(TaskSpec("image", "sdxl", steps=100_000))
    with pytest.raises(InputError, match="--batch"):
        TaskEstimator(TaskSpec("embedding", "bge-m3", batch=100_000_000))
    TaskEstimator(TaskSpec("image", "sdxl", height=4096, width=4096, steps=1000))  # the bounds themselves pass


def test_cli_limits_match_the_library_bounds() -> None:
    assert LIMITS["--steps"].high == flops.MAX_STEPS
    assert LIMITS["--batch (task)"].high == flops.MAX_TASK_BATCH == LIMITS["--batch"].high
    # the static bounds are at least the per-model ones of the registry's largest trained sizes
    assert LIMITS["--height"].high >= flops.MAX_SIDE_FACTOR * 1360
    assert LIMITS["--frames"].high >= flops.MAX_FRAMES_FACTOR * 129


REQ = ["estimate", "request", "--input-tokens", "100", "--output-tokens", "100"]


@pytest.mark.parametrize(("args", "needle"), [
    (["--params", "8", "--d-model", "1"], "--d-model needs --layers"),
    (["--params", "8", "--heads", "32"], "--heads needs --layers and --d-model"),
    (["--params", "8", "--layers", "32", "--d-model", "1"], "inconsistent with 8 B parameters"),
    (["--params", "8", "--layers", "2", "--d-model", "100000"], "inconsistent with 8 B parameters"),
    (["--params", "0.000001"], "--params 1e-06 is out of range; accepted: ≥ 0.01 billion"),
    (["--params", "8", "--active-experts", "2"], "--active-experts 2 needs --experts"),
])
def test_request_shape_must_be_whole_and_consistent(args: list[str], needle: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    err = _one_line_error([*REQ, *args], capsys)
    assert needle in err and "(None)" not in err, err


def test_request_with_a_full_shape_is_not_flagged_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*REQ, "--params", "8", "--layers", "32", "--d-model", "4096"]) == 0
    assert "default shape used" not in capsys.readouterr().out
    # a MoE's total parameters may exceed its dense shape many times (DeepSeek-V3: 17.8 x)
    assert main([*REQ, "--params", "671", "--layers", "61", "--d-model", "7168", "--experts", "256",
                 "--active-experts", "8", "--active-params", "37"]) == 0
    capsys.readouterr()


# 3. transcription memory ---------------------------------------------------------------------------------------

#: Stated factor: the energy per 30 s window of a one-hour file may differ from that of a single 30 s file by at most
#: this much (the windows of a file decode one after the other, so only rounding of waves may change it).
PER_WINDOW_FACTOR = 1.25


def _per_window_wh(audio_s: float, **cfg: object) -> float:
    est = TaskEstimator(TaskSpec("transcription", "whisper-large-v3", audio_s=audio_s), TaskConfig(**cfg))  # type: ignore[arg-type]
    return est.estimate().accelerator_wh / math.ceil(audio_s / flops.WHISPER_WINDOW_S)


@pytest.mark.parametrize("engine", ["vllm", "cuda-graph"])
def test_energy_per_window_does_not_fall_with_file_length(engine: str) -> None:
    short, hour = _per_window_wh(30.0, engine=engine), _per_window_wh(3600.0, engine=engine)
    assert 1 / PER_WINDOW_FACTOR <= hour / short <= PER_WINDOW_FACTOR, (short, hour)


@pytest.mark.parametrize(("audio_s", "batch", "accelerators"), [
    (30.0, 16, None), (3600.0, 16, None), (3600.0, 1000, None), (3600.0, 1000, 1), (36000.0, 64, 1)])
def test_memory_held_fits_the_accelerators(audio_s: float, batch: int, accelerators: int | None) -> None:
    est = TaskEstimator(TaskSpec("transcription", "whisper-large-v3", audio_s=audio_s, batch=batch),
                        TaskConfig(accelerators=accelerators))
    w = est.workload
    assert w.cache_bytes_per_seq > 0
    assert w.held_bytes <= est.accelerators * est.cal.memory_bytes * MEMORY_UTILIZATION
    # the traffic charged per decode step is the weights plus the caches of the sequences held, no more
    dec = w.phases[1]
    assert dec.bytes_moved <= w.held_bytes


def test_one_hour_on_one_h100_decodes_in_waves_not_1920_at_once() -> None:
    est = TaskEstimator(TaskSpec("transcription", "whisper-large-v3", audio_s=3600.0))
    assert est.accelerators == 1 and est.workload.concurrent == 16
    assert est.workload.phases[1].bytes_moved < 10e9  # was ~490 GB per step


# 6. compare-models --task states the tokens per item -------------------------------------------------------------

def test_compare_task_states_tokens_per_item(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare-models", "--task", "classification", "--input-tokens", "128"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "128 tokens per text (as `estimate classification --tokens 128`, batch 32" in out, out
    assert main(["compare-models", "--task", "classification", "--input-tokens", "128", "--json"]) == 0
    import json

    d = json.loads(capsys.readouterr().out)
    assert d["inputs"]["tokens"] == 128 and d["inputs"]["batch"] == 32
    # the figure of the specialised model is that of `estimate classification --tokens 128`
    row = next(r for r in d["models"] if r["model"] == "distilbert-sst2")
    assert main(["estimate", "classification", "--model", "distilbert-sst2", "--tokens", "128", "--json"]) == 0
    single = json.loads(capsys.readouterr().out)
    assert row["energy_wh"]["best"] == pytest.approx(single["energy_wh"]["best"], rel=1e-12)


# 8. help texts ----------------------------------------------------------------------------------------------------

def _help(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main([*args, "--help"]) == 0
    return " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize("command", [["estimate", "request"], ["estimate", "lifecycle"], ["estimate", "log"],
                                     ["estimate", "multimodal"], ["estimate", "embedding"],
                                     ["estimate", "classification"], ["compare-models"]])
def test_token_counts_are_integers(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    out = _help(command, capsys)
    for flag in ("--input-tokens", "--output-tokens", "--tokens"):
        if f"{flag} " in out:
            assert f"{flag} INTEGER" in out, (flag, out)


def test_training_help_is_descriptive(capsys: pytest.CaptureFixture[str]) -> None:
    out = _help(["estimate", "training"], capsys)
    assert "(count)" not in out and "--gpu-hours NUMBER Accelerator-hours of the run: accelerators × hours" in out
    out = _help(["estimate", "lifecycle"], capsys)
    assert "(count)" not in out
    assert "--training-params NUMBER (Active) parameters of the trained model [billions]" in out
    assert "--training-tokens NUMBER Training tokens [billions]" in out
