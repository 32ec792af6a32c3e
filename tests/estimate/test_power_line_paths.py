"""Every path that evaluates the power model draws the same structure (``physics.Device.linear_power``): the soft cap,
or the straight line from idle of a GPU-bound engine on a user's ``calibrate`` profile (docs/validation_h200.md §5).

* the request estimator's point path and the batch API (``estimate_arrays``) agree to 1e-12 on random configurations
  of both structures;
* the task estimators (scalar and table paths) say which structure they draw (``power_model``) and carry the notice
  ``profile-engine-bias`` as requests do (before: neither); their denoising steps keep the soft cap above the serving
  floor that their energy per FLOP was fitted in (before: that fitted energy drawn on the line from idle, +7 % on an
  image, +8 % on a video on the H200 profile, a structure no data was fitted or tested in);
* ``compare-models --task`` estimates its general LLMs on the same profile as its task models (before: the profile
  was dropped for the LLM rows);
* a multimodal request's vision encoder runs with the request's engine (before: always PyTorch eager's framework time);
* the CLI's ``estimate request --calibration FILE --engine cuda-graph`` names the line.
"""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aifootprint.cli.main import main
from aifootprint.errors import InputError
from aifootprint.estimate.batch import estimate_arrays
from aifootprint.estimate.inference import RequestConfig, RequestEstimator
from aifootprint.estimate.tasks.batch import estimate_task_table
from aifootprint.estimate.tasks.compare import compare_task
from aifootprint.estimate.tasks.engine import workload_cost
from aifootprint.estimate.tasks.estimator import TaskConfig, TaskEstimator, TaskSpec
from aifootprint.estimate.tasks.flops import vision_workload
from aifootprint.estimate.tasks.models import vision_encoder_for
from aifootprint.estimate.tasks.multimodal import estimate_multimodal

PROFILE = str(Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "gpu" /
              "calibration_h200_20261204T1128Z.toml")
MODELS = ("llama-3.2-1b", "llama-3.1-8b", "mixtral-8x7b", "qwen3-30b-a3b", "llama-3.1-70b", "gpt-4o-mini")


@functools.cache
def _request(model: str, engine: str, profile: bool, batch: int, boundary: str,
             accelerators: int | None) -> RequestEstimator:
    return RequestEstimator(model, RequestConfig(hardware="h200", engine=engine, batch=batch, boundary=boundary,
                                                 accelerators=accelerators, calibration=PROFILE if profile else None))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model=st.sampled_from(MODELS), engine=st.sampled_from(("vllm", "cuda-graph")), profile=st.booleans(),
       batch=st.sampled_from((1, 4, 32, 256)), boundary=st.sampled_from(("accelerator", "server", "datacenter")),
       accelerators=st.sampled_from((None, 8)),
       tokens=st.lists(st.tuples(st.integers(0, 30_000), st.integers(1, 8_000)), min_size=1, max_size=4))
def test_point_and_array_paths_agree_on_both_structures(model: str, engine: str, profile: bool, batch: int,
                                                        boundary: str, accelerators: int | None,
                                                        tokens: list[tuple[int, int]]) -> None:
    est = _request(model, engine, profile, batch, boundary, accelerators)
    assert est.device.linear_power is (engine == "cuda-graph" and profile)
    i = np.array([float(a) for a, _ in tokens])
    o = np.array([float(b) for _, b in tokens])
    try:
        ones = [est.estimate(i[k], o[k]) for k in range(len(tokens))]
    except InputError:  # a row that fits no accelerator count: the array path refuses the table as well
        with pytest.raises(InputError):
            estimate_arrays(est, i, o)
        return
    arr = estimate_arrays(est, i, o)
    for k, one in enumerate(ones):
        for col in ("energy_wh", "prefill_wh", "decode_wh", "host_wh", "latency_s", "accelerators"):
            assert math.isclose(float(arr[col][k]), float(getattr(one, col)), rel_tol=1e-12, abs_tol=1e-300), col


def _task(task: str, model: str, engine: str, profile: bool) -> TaskEstimator:
    return TaskEstimator(TaskSpec(task, model), TaskConfig(hardware="h200", engine=engine, boundary="accelerator",
                                                           calibration=PROFILE if profile else None))


@pytest.mark.parametrize("task, model", [("image", "flux.1-dev"), ("video", "wan2.1-t2v-1.3b"),
                                         ("embedding", "bge-m3"), ("transcription", "whisper-large-v3")])
def test_tasks_name_their_power_model_and_carry_the_notice(task: str, model: str) -> None:
    line = _task(task, model, "cuda-graph", True)
    assert line.cal.linear_power is True
    res = line.result()
    power_model = {a.name: a for a in res.assumptions}["power_model"]
    assert str(power_model.value).startswith("straight line from idle") and "validation_h200" in power_model.source
    assert "profile-engine-bias" in [getattr(w, "code", "") for w in res.warnings]
    for engine, profile in (("vllm", True), ("cuda-graph", False)):
        res = _task(task, model, engine, profile).result()
        assert {a.name: a.value for a in res.assumptions}["power_model"] == "soft cap below the power limit"
        assert "profile-engine-bias" not in [getattr(w, "code", "") for w in res.warnings]
    table = estimate_task_table({"task": [task], "model": [model]}, line.config)
    assert math.isclose(float(table["accelerator_wh"][0]), line.estimate().accelerator_wh, rel_tol=1e-12)


@pytest.mark.parametrize("task, model", [("image", "flux.1-dev"), ("video", "wan2.1-t2v-1.3b")])
def test_denoising_steps_keep_the_structure_their_energy_was_fitted_in(task: str, model: str) -> None:
    """The denoising energy per FLOP is fitted in the soft cap above the serving floor (tasks/fit.py): on the line
    from idle it would put every denoising step at the power limit. The other phases (text encoder, VAE) draw the
    profile's line."""
    line, floor = _task(task, model, "cuda-graph", True), _task(task, model, "vllm", True)
    assert line.denoise_cal.linear_power is False
    assert line.denoise_cal.base_power_w == floor.denoise_cal.base_power_w > line.cal.base_power_w
    assert line.denoise_cal.energy_per_flop_j == floor.denoise_cal.energy_per_flop_j
    assert line.denoise_cal.bandwidth_fraction == line.cal.bandwidth_fraction  # the engine's own bandwidth


def test_compare_models_task_estimates_its_llms_on_the_profile() -> None:
    cfg = TaskConfig(hardware="h200", engine="cuda-graph", boundary="accelerator", calibration=PROFILE)
    res = compare_task("embedding", ["bge-m3", "llama-3.1-8b"], cfg, tokens=256)
    row = next(r for r in res.values["models"] if r["model"] == "llama-3.1-8b")
    llm = RequestEstimator("llama-3.1-8b", RequestConfig(hardware="h200", engine="cuda-graph", boundary="accelerator",
                                                         calibration=PROFILE))
    assert math.isclose(row["energy_wh"].best, llm.result(256, 1).values["energy_wh"].best, rel_tol=1e-9)


def test_a_multimodal_vision_encoder_runs_with_the_requests_engine() -> None:
    cfg = RequestConfig(hardware="h200", engine="cuda-graph", boundary="accelerator", calibration=PROFILE)
    res = estimate_multimodal("gemma-3-27b", 2, 200.0, 100.0, cfg)
    est = RequestEstimator("gemma-3-27b", cfg)
    vis = vision_encoder_for(est.model.key)
    assert vis is not None
    n = est.estimate(200.0 + 2 * float(vis.tokens_per_image or 0), 100.0).accelerators
    want = sum(c.energy_j for c in workload_cost(vision_workload(vis, 2), est.cal, n, engine="cuda-graph")) / 3600.0
    assert math.isclose(res.values["breakdown_wh"]["vision_encoder"], want, rel_tol=1e-12)


def test_the_cli_names_the_line(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["estimate", "request", "--model", "llama-3.1-8b", "--input-tokens", "500", "--output-tokens", "300",
            "--hardware", "h200", "--calibration", PROFILE, "--json"]
    got = {}
    for engine in ("cuda-graph", "vllm"):
        assert main([*base, "--engine", engine]) == 0
        out = json.loads(capsys.readouterr().out)
        got[engine] = {a["name"]: a["value"] for a in out["assumptions"]}
    assert got["cuda-graph"]["power_model"] == "straight line from idle, cut at the power limit"
    assert got["vllm"]["power_model"] == "soft cap below the power limit"
