"""Context windows and latency of a request (defects found by a sanity sweep of 295,776 request cases; each test
failed before its fix).

- the context window of the model (registry ``context_length``) was never checked: llama-2-7b (4,096 tokens) took a
  100k-token prompt on 64 GPUs without a word;
- latency counted the request's own prompt twice (time to first token + O mixed steps that already hold the
  prompt's chunks): exactly 2 × TTFT for one output token at batch 1.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from aifootprint.errors import InputError
from aifootprint.estimate.batch import estimate_arrays
from aifootprint.estimate.compare import compare_models
from aifootprint.estimate.inference import RequestConfig, RequestEstimator
from aifootprint.estimate.physics import isolated_prefill


def test_a_request_longer_than_the_context_window_is_refused_everywhere() -> None:
    est = RequestEstimator("llama-2-7b", RequestConfig(hardware="h100"))
    assert est.model.context_length == 4096  # models.csv (Llama 2 model card)
    est.estimate(3000, 1096)  # exactly the window: fine
    with pytest.raises(InputError, match=r"llama-2-7b takes at most 4,096 tokens .* got 100,000 \+ 4,096"):
        est.estimate(100_000, 4096)
    with pytest.raises(InputError, match="at most 4,096 tokens"):
        est.result(4000, 100)
    with pytest.raises(InputError, match="at most 4,096 tokens"):
        estimate_arrays(est, [100, 5000], [10, 10])
    # a model without a published window (closed models) is not limited by it
    gpt = RequestEstimator("gpt-4o")
    assert gpt.estimate(100_000, 100).energy_wh == pytest.approx(
        float(estimate_arrays(gpt, [100_000], [100])["energy_wh"][0]), rel=1e-9)


def test_compare_models_leaves_out_a_model_the_request_does_not_fit() -> None:
    res = compare_models(["llama-2-7b", "llama-3.1-8b"], 6000, 300)
    assert [r["model"] for r in res.values["models"]] == ["llama-3.1-8b"]
    assert any("llama-2-7b: left out" in str(w) for w in res.warnings)
    with pytest.raises(InputError, match="at most 4,096"):
        compare_models(["llama-2-7b"], 6000, 300)


def test_cli_context_window_is_one_line_exit_2() -> None:
    done = subprocess.run([sys.executable, "-m", "aifootprint.cli.main", "estimate", "request", "--model",
                           "llama-2-7b", "--input-tokens", "100000", "--output-tokens", "4096", "--json"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "input + output ≤ 4,096" in done.stderr
    ok = subprocess.run([sys.executable, "-m", "aifootprint.cli.main", "estimate", "request", "--model",
                         "llama-2-7b", "--input-tokens", "1000", "--output-tokens", "100", "--json"],
                        capture_output=True, text=True, check=False)
    assert ok.returncode == 0
    assert json.loads(ok.stdout)["energy_wh"]["best"] == pytest.approx(
        RequestEstimator("llama-2-7b").estimate(1000, 100).energy_wh, rel=1e-9)


@pytest.mark.parametrize("model", ["llama-3.1-8b", "llama-3.1-70b", "qwen3-30b-a3b"])
def test_latency_at_batch_one_counts_the_prompt_once(model: str) -> None:
    """At batch 1 a request is its prefill then O decode steps: TTFT + O · t_decode. With one output token that is
    the isolated prefill plus one decode step, not twice the prefill."""
    est = RequestEstimator(model, RequestConfig(hardware="h100", batch=1, boundary="accelerator"))
    n = est.accelerators_for(8000, 1)
    ttft, _ = isolated_prefill(est.costs, est.device, est.engine, float(n), 8000.0)
    one = est.estimate(8000, 1).latency_s
    assert ttft < one < 1.25 * ttft  # was 2.000 × ttft
    # more output tokens add decode steps, not prompt work: 100 steps over the 8k context cost about what they cost
    # over an empty one (attention over the longer cache adds up to ~10 %), not another prefill
    many = est.estimate(8000, 101).latency_s
    decode_only = est.estimate(0, 101).latency_s - est.estimate(0, 1).latency_s
    assert decode_only <= many - one < 1.15 * decode_only
    # the batch API gives the same latency
    assert float(estimate_arrays(est, [8000], [101])["latency_s"][0]) == pytest.approx(many, rel=1e-9)


def test_sizing_holds_the_kv_copies_the_physics_charges() -> None:
    """Tensor parallelism wider than the KV heads replicates the cache (vLLM), and the steps read every copy; sizing
    counted one copy, so llama-3.1-8b at batch 256 with 104k-token contexts ran on 64 H100s holding 28 TB of cache
    in 5.1 TB (energy 3.7× what one copy costs). Now the count holds the copies, and a batch whose cache no group can
    hold is served at the largest power of two that fits, said in a notice."""
    from aifootprint.estimate.sizing import memory_needed_bytes

    est = RequestEstimator("llama-3.1-8b", RequestConfig(hardware="h100", batch=256, boundary="accelerator"))
    res = est.result(100_000, 4096)
    (notice,) = [w for w in res.warnings if getattr(w, "code", "") == "batch-limited"]
    lowered = res.inputs["batch"]
    assert lowered < 256 and lowered & (lowered - 1) == 0 and "estimated at batch" in notice.message
    n = res.values["accelerators"]
    assert memory_needed_bytes(est.costs, lowered, 104_096, float(n)) <= n * est.cal.memory_bytes
    assert n <= 8  # never wider than the 8 KV heads once the cache is what limits
    point = est.estimate(100_000, 4096)
    assert res.values["energy_wh"].best == pytest.approx(point.energy_wh, rel=1e-12)
    arrays = estimate_arrays(est, [500, 100_000], [300, 4096])
    assert float(arrays["energy_wh"][1]) == pytest.approx(point.energy_wh, rel=1e-9)
    assert float(arrays["energy_wh"][0]) == pytest.approx(est.estimate(500, 300).energy_wh, rel=1e-9)
    # a forced count is not changed behind the user's back: one line naming what is accepted
    forced = RequestEstimator("llama-3.1-8b", RequestConfig(hardware="h100", batch=256, accelerators=8))
    with pytest.raises(InputError, match="accepted: a lower --batch"):
        forced.estimate(100_000, 4096)


@pytest.mark.parametrize("model", ["llama-3.1-8b", "llama-3.1-70b", "gpt-4o", "deepseek-v3", "qwen3-30b-a3b"])
@pytest.mark.parametrize("ctx", [1_000, 30_000, 120_000])
def test_every_chosen_count_holds_its_kv_copies(model: str, ctx: int) -> None:
    from aifootprint.estimate.sizing import memory_needed_bytes

    est = RequestEstimator(model, RequestConfig(hardware="h100", batch=64))
    if ctx > (est.model.context_length or ctx):
        return
    res = est.result(ctx - 100, 100)
    n, b = res.values["accelerators"], res.inputs["batch"]
    assert memory_needed_bytes(est.costs, b, ctx, float(n)) <= 0.9 * n * est.cal.memory_bytes


def test_a_forced_count_must_split_the_attention_heads() -> None:
    """Re-audit: --accelerators 3 on a 32-head model ran; vLLM requires the heads to divide by the TP size."""
    with pytest.raises(InputError, match=r"--accelerators 3: .* 32 attention heads evenly; accepted: 1, 2, 4, 8, 16"):
        RequestEstimator("llama-3.1-8b", RequestConfig(accelerators=3))
    assert RequestEstimator("llama-3.1-8b", RequestConfig(accelerators=4)).estimate(100, 10).accelerators == 4
