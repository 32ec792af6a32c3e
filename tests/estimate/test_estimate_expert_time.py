"""vLLM's routed-expert GEMM time (issue 8, est3): expert FLOPs per token, the engine term, and the fitted values.

Fitted on the ML.ENERGY Leaderboard v3.0 step times (Chung et al., arXiv:2505.06371; scripts/build_calibration.py,
stage 2: the MoE configurations' step time that the other terms leave unexplained): the expert GEMMs of vLLM 0.11.1's
fused MoE kernels take 1–2× their compute-roofline time on top of the step's roofline (docs/methodology/inference.md
§3); dense models are untouched."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.estimate.arch import Architecture, token_costs
from aifootprint.estimate.calibration import load_calibration
from aifootprint.estimate.engines import engine_profile
from aifootprint.estimate.physics import llm_request, llm_step, soft_cap

LLAMA_8B = Architecture("llama-3.1-8b", 8.03, layers=32, d_model=4096, heads=32, kv_heads=8, head_dim=128,
                        vocab=128256)
QWEN_30B_A3B = Architecture("qwen3-30b-a3b", 30.5, 3.3, layers=48, d_model=2048, heads=32, kv_heads=4, head_dim=128,
                            vocab=151936, experts=128, active_experts=8)


def test_expert_flops_per_token() -> None:
    """``2 · (k/E) · P_exp`` with ``P_exp = (N_total − N_active) / (1 − k/E)``: Qwen3-30B-A3B (30.5 B total, 3.3 B
    active, 8 of 128 experts; Qwen3 technical report, arXiv:2505.09388) routes 2 × 29.0 B / 16 = 3.63 GFLOP per
    token through experts; a dense model none."""
    assert token_costs(QWEN_30B_A3B).expert_flops == pytest.approx(2 * (30.5e9 - 3.3e9) / (1 - 8 / 128) / 16,
                                                                    rel=1e-9)
    assert token_costs(QWEN_30B_A3B).expert_flops < token_costs(QWEN_30B_A3B).linear_flops
    assert token_costs(LLAMA_8B).expert_flops == 0.0


def test_expert_time_is_charged_at_base_power_and_only_under_vllm() -> None:
    """The term adds ``overhead · tokens · F_exp / (n · C)`` to the step, at base power (the step's dynamic energy is
    unchanged but, spread over a longer step, saturates less under the soft power cap); the CUDA-graph profile
    (native MoE kernels, assumption) and dense models have none of it."""
    cal = replace(load_calibration("h100"), expert_compute_overhead=3.0)
    dev = cal.device()
    c = token_costs(QWEN_30B_A3B)
    vllm = engine_profile("vllm", cal)
    t1, e1, fl, by = llm_step(c, dev, vllm, 1.0, 64.0, 32.0, 1000.0, 250.0)
    t0, e0, _, _ = llm_step(c, dev, replace(vllm, expert_compute_overhead=0.0), 1.0, 64.0, 32.0, 1000.0, 250.0)
    extra = 3.0 * 96.0 * c.expert_flops / dev.compute_flops_per_s
    assert t1 - t0 == pytest.approx(extra, rel=1e-9)
    dyn = dev.energy_per_flop_j * fl + dev.energy_per_byte_j * by + vllm.host_j(64.0)
    head = dev.power_limit_w - dev.base_power_w
    assert e1 - e0 == pytest.approx(cal.base_power_w * extra + soft_cap(dyn, head * t1) - soft_cap(dyn, head * t0),
                                    rel=1e-9)
    assert e1 - e0 >= cal.base_power_w * extra
    assert engine_profile("cuda-graph", cal).expert_compute_overhead == 0.0
    d = token_costs(LLAMA_8B)
    assert llm_step(d, dev, vllm, 1.0, 64.0, 0.0, 1000.0, 0.0) == llm_step(
        d, dev, replace(vllm, expert_compute_overhead=0.0), 1.0, 64.0, 0.0, 1000.0, 0.0)


@settings(max_examples=40, deadline=None)
@given(b=st.integers(1, 1024), i=st.floats(0, 8000), o=st.floats(1, 4000), n=st.sampled_from([1.0, 2.0, 8.0]),
       hw=st.sampled_from(["h100", "b200", "a100-80gb"]))
def test_slower_expert_gemms_never_lower_the_energy(b: int, i: float, o: float, n: float, hw: str) -> None:
    """More expert time never lowers a request's energy, and energy stays under ``n · P_limit · t`` per step."""
    cal = load_calibration(hw)
    c = token_costs(QWEN_30B_A3B)
    eng = engine_profile("vllm", cal)
    e_more, _, t_step, _ = llm_request(c, cal.device(), replace(eng, expert_compute_overhead=6.0), n, float(b), i, o)
    e_none, _, _, _ = llm_request(c, cal.device(), replace(eng, expert_compute_overhead=0.0), n, float(b), i, o)
    assert e_more >= e_none * (1 - 1e-12)
    assert e_more <= n * cal.max_power_w * t_step * o / b * (1 + 1e-9)


def test_shipped_fit_expert_gemms_reach_a_quarter_to_a_third_of_peak() -> None:
    """Pinned fit (2026-12-03): H100 overhead 1.07, B200 2.00 (±25 %), i.e. an effective expert-GEMM fraction of dense
    peak ``φ_c / (1 + overhead)`` of 0.34 (H100) and 0.23 (B200); datasheet-scaled rows carry the H100's."""
    h100, b200 = load_calibration("h100"), load_calibration("b200")
    assert h100.expert_compute_overhead == pytest.approx(1.07, rel=0.25)
    assert b200.expert_compute_overhead == pytest.approx(2.00, rel=0.25)
    for cal in (h100, b200):
        assert 0.2 <= cal.compute_fraction / (1.0 + cal.expert_compute_overhead) <= 0.4
    assert load_calibration("a100-80gb").expert_compute_overhead == h100.expert_compute_overhead
