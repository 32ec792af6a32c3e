"""Architecture accounting: pinned counts from published configs, and invariants (physics: test_estimate_physics)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.errors import InputError
from aifootprint.estimate.arch import Architecture, kv_bytes_per_seq, token_costs

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
