"""Architecture accounting and the roofline: pinned counts from published configs, and invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.errors import InputError
from aifootprint.estimate.arch import Architecture, kv_bytes_per_seq, token_costs
from aifootprint.estimate.batch import request_arrays
from aifootprint.estimate.calibration import load_calibration
from aifootprint.estimate.roofline import request_point, step

LLAMA_8B = Architecture("llama-3.1-8b", 8.03, layers=32, d_model=4096, heads=32, kv_heads=8, head_dim=128,
                        vocab=128256)
QWEN_30B_A3B = Architecture("qwen3-30b-a3b", 30.5, 3.3, layers=48, d_model=2048, heads=32, kv_heads=4, head_dim=128,
                            vocab=151936, experts=128, active_experts=8)


def test_llama_8b_kv_cache_is_128_kib_per_token() -> None:
    """Llama 3.1 8B config.json (huggingface.co/meta-llama/Llama-3.1-8B): 32 layers × 8 KV heads × 128 dims × K and V
    × 2 bytes = 131,072 bytes per token (exact)."""
    c = token_costs(LLAMA_8B)
    assert c.kv_bytes_per_ctx == 131_072
    assert kv_bytes_per_seq(c, 1000) == pytest.approx(131_072_000)


def test_llama_8b_matmul_flops_exclude_the_input_embedding() -> None:
    """2 × (8.03 B − 128,256 × 4,096 input-embedding rows) FLOPs per token (Kaplan et al. 2020, arXiv:2001.08361,
    Table 1: embedding excluded). Tolerance: exact arithmetic."""
    assert token_costs(LLAMA_8B).linear_flops == pytest.approx(2 * (8.03e9 - 128_256 * 4096), rel=1e-12)


def test_qwen3_moe_expert_weights_match_the_config() -> None:
    """Qwen3-30B-A3B config.json: 48 layers × 128 experts × 3 matrices × 2048 × 768 = 28.99 B expert parameters;
    derived here only from total 30.5 B, active 3.3 B and k/E = 8/128 (tolerance 1 %)."""
    c = token_costs(QWEN_30B_A3B)
    assert c.expert_weight_bytes / 2 == pytest.approx(48 * 128 * 3 * 2048 * 768, rel=0.01)
    assert c.route_fraction == pytest.approx(8 / 128)


def test_precision_orders_resident_bytes() -> None:
    """bf16 = 2 bytes, fp8 = 1 byte, int4 = 4.125 bits per linear weight (embedding and LM head kept in 16 bits)."""
    b, f, i = (token_costs(LLAMA_8B, p).resident_weight_bytes for p in ("bf16", "fp8", "int4"))
    assert b == pytest.approx(16.06e9, rel=0.01)
    assert i < f < b
    assert f == pytest.approx(b / 2 + 2 * 128_256 * 4096, rel=0.01)  # both embedding tables stay 16-bit


def test_bad_architecture_and_precision_raise_input_errors() -> None:
    with pytest.raises(InputError, match="positive"):
        Architecture("x", -1.0)
    with pytest.raises(InputError, match="at most the total"):
        Architecture("x", 8.0, 9.0)
    with pytest.raises(InputError, match="did you mean"):
        token_costs(LLAMA_8B, "fp9")


@settings(max_examples=60, deadline=None)
@given(total=st.floats(0.1, 2000.0), ratio=st.floats(0.01, 1.0))
def test_default_shapes_give_positive_finite_costs(total: float, ratio: float) -> None:
    """Any parameter count without a shape gets a finite cost; FLOPs grow with active parameters."""
    small = token_costs(Architecture("a", total, total * ratio * 0.5))
    big = token_costs(Architecture("a", total, total * ratio))
    assert math.isfinite(big.linear_flops) and big.linear_flops >= small.linear_flops
    assert big.resident_weight_bytes == pytest.approx(2 * total * 1e9, rel=1e-6)  # bf16: 2 bytes per parameter


@settings(max_examples=80, deadline=None)
@given(i=st.floats(0, 20_000), o=st.floats(1, 8_000), b=st.integers(1, 1024), n=st.sampled_from([1, 2, 4, 8]),
       moe=st.booleans())
def test_fused_point_vectorised_and_step_agree(i: float, o: float, b: int, n: int, moe: bool) -> None:
    """request_point (fast path), request_arrays (batch path) and two step() calls are the same equations."""
    cal = load_calibration("h100")
    c = token_costs(QWEN_30B_A3B if moe else LLAMA_8B)
    e, e_dec, t, ttft = request_point(c, cal, n, b, i, o)
    mixed = step(c, cal, n, b, b * i / o, i + o / 2, i / 2)
    dec = step(c, cal, n, b, 0.0, i + o / 2, 0.0)
    assert e == pytest.approx(mixed.energy_j * o / b, rel=1e-9)
    assert e_dec == pytest.approx(dec.energy_j * o / b, rel=1e-9)
    assert t == pytest.approx(mixed.time_s, rel=1e-9)
    ea, eda, ta, tta = request_arrays(c, cal, np.array([float(n)]), b, np.array([i]), np.array([o]))
    assert (ea[0], eda[0], ta[0], tta[0]) == pytest.approx((e, e_dec, t, ttft), rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(i=st.floats(0, 10_000), o=st.floats(1, 4_000), b=st.integers(1, 512))
def test_power_never_exceeds_the_datasheet_maximum(i: float, o: float, b: int) -> None:
    """Energy of a step ≤ n × max power × step time (700 W per H100, datasheet)."""
    cal = load_calibration("h100")
    for n in (1, 4):
        s = step(token_costs(LLAMA_8B), cal, n, b, b * i / o, i + o / 2, i / 2)
        assert s.energy_j <= n * 700.0 * s.time_s * (1 + 1e-12)
        assert s.energy_j >= n * cal.static_power_w * s.time_s * (1 - 1e-12)


@settings(max_examples=60, deadline=None)
@given(i=st.floats(0, 10_000), o=st.floats(1, 4_000), extra=st.floats(1, 4_000))
def test_longer_outputs_cost_more(i: float, o: float, extra: float) -> None:
    """More output tokens: more steps, each with a longer context — never less energy per request."""
    cal = load_calibration("h100")
    c = token_costs(LLAMA_8B)
    assert request_point(c, cal, 1, 64, i, o + extra)[0] >= request_point(c, cal, 1, 64, i, o)[0] * (1 - 1e-9)
