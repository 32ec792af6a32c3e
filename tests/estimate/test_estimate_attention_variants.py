"""Registry attention variants reach the estimator: sliding-window / chunked layers, multi-head latent attention and
Mamba-2 state (models.csv columns from each model's config.json; docs/methodology/inference.md)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aifootprint.estimate.arch import KV_BYTES, SSM_STATE_BYTES, kv_bytes_per_seq, token_costs
from aifootprint.estimate.models import resolve
from aifootprint.reference.models import get_model


def test_gpt_oss_half_the_layers_use_a_128_token_window() -> None:
    """gpt-oss-120b config.json: 36 layers alternating sliding_attention (window 128) and full_attention, 8 KV heads
    of 64 dims (OpenAI 2025 model card)."""
    arch = resolve("gpt-oss-120b").best
    assert (arch.global_attn_layers, arch.local_attn_layers, arch.local_window) == (18, 18, 128)
    c = token_costs(arch)
    per_layer = 2 * 8 * 64 * KV_BYTES
    assert c.kv_bytes_per_ctx == pytest.approx(18 * per_layer)
    assert kv_bytes_per_seq(c, 10_000) == pytest.approx(18 * per_layer * 10_000 + 18 * per_layer * 128)


def test_deepseek_v3_caches_the_mla_latent() -> None:
    """DeepSeek-V2 (arXiv:2405.04434, Table 1): MLA caches (d_c + d_h^R) = 512 + 64 values per layer per token;
    DeepSeek-V3 has 61 layers. The 128-head MHA cache would be 2 × 128 × 128 = 32,768 values (57× more)."""
    m = get_model("deepseek-v3")
    assert (m.kv_lora_rank, m.qk_rope_head_dim) == (512, 64)
    c = token_costs(resolve("deepseek-v3").best, "fp8")
    assert c.kv_bytes_per_ctx == pytest.approx(576 * 61 * KV_BYTES)
    # absorbed attention: 2 × heads × (576 + 512) FLOPs per layer per context token
    assert c.attn_flops_per_ctx == pytest.approx(2 * 128 * (576 + 512) * 61)


def test_nemotron_nano_9b_state_and_four_attention_layers() -> None:
    """NVIDIA-Nemotron-Nano-9B-v2 config.json: 56 layers, 4 attention ('*'), 27 Mamba-2 ('M') with 128 heads × 80
    dims × d_state 128; SSM state kept in float32 (model card / ML.ENERGY serving config)."""
    arch = resolve("nemotron-nano-9b-v2").best
    c = token_costs(arch)
    assert arch.global_attn_layers == 4
    assert c.kv_bytes_per_ctx == pytest.approx(4 * 2 * 8 * 128 * KV_BYTES)
    assert c.state_bytes_per_seq == pytest.approx(27 * 128 * 80 * 128 * SSM_STATE_BYTES)
    assert kv_bytes_per_seq(c, 0) == pytest.approx(c.state_bytes_per_seq)


def test_models_without_variants_keep_full_attention() -> None:
    """Llama 3.1 8B has none of the optional columns: every layer global, no window, no state."""
    m = get_model("llama-3.1-8b")
    assert (m.sliding_window, m.kv_lora_rank, m.mamba_layers) == (None, None, None)
    arch = resolve(m.key).best
    assert (arch.global_attn_layers, arch.local_attn_layers, arch.state_bytes_per_seq) == (None, 0, 0.0)
    assert token_costs(arch).kv_bytes_per_ctx == pytest.approx(32 * 2 * 8 * 128 * KV_BYTES)


@given(ctx=st.floats(0, 200_000))
def test_windowed_cache_never_exceeds_full_attention(ctx: float) -> None:
    """A model's KV cache with its sliding-window layers is at most the full-attention cache of the same shape, and
    equal up to the window (Gemma 3 27B: 52 of 62 layers with a 1,024-token window)."""
    arch = resolve("gemma-3-27b").best
    full = token_costs(replace(arch, global_attn_layers=None, local_attn_layers=0, local_window=0))
    windowed = token_costs(arch)
    assert kv_bytes_per_seq(windowed, ctx) <= kv_bytes_per_seq(full, ctx) * (1 + 1e-12)
    if ctx <= 1024:
        assert kv_bytes_per_seq(windowed, ctx) == pytest.approx(kv_bytes_per_seq(full, ctx))


def test_kv_heads_are_replicated_when_fewer_than_accelerators() -> None:
    """Tensor parallelism splits KV heads; with fewer heads than accelerators each is replicated (vLLM
    QKVParallelLinear), and MLA's single latent is held by every accelerator. One decode step of 64 sequences at
    context 2,000: the bytes moved on 8 accelerators exceed those on 1 by exactly 7 copies of the KV reads for
    DeepSeek-V3 (1 latent) and 1 copy for Qwen3-235B-A22B (4 KV heads), and not at all for Llama 3.1 70B (8)."""
    from aifootprint.estimate.physics import llm_step_work

    for key, copies in (("deepseek-v3", 7.0), ("qwen3-235b-a22b", 1.0), ("llama-3.1-70b", 0.0)):
        c = token_costs(resolve(key).best, "fp8")
        kv = 64 * c.kv_bytes_per_ctx * 2000 + 64 * c.kv_bytes_per_ctx
        one, eight = llm_step_work(c, 1.0, 64.0, 0.0, 2000.0, 0.0), llm_step_work(c, 8.0, 64.0, 0.0, 2000.0, 0.0)
        assert eight[1] - one[1] == pytest.approx(copies * kv, rel=1e-9, abs=1.0), key


def test_replicated_kv_same_in_scalar_and_array_paths() -> None:
    """physics.llm_step on floats and on arrays agree when KV heads are replicated (DeepSeek-V3 on 8 × B200)."""
    import numpy as np

    from aifootprint.estimate.calibration import load_calibration
    from aifootprint.estimate.engines import engine_profile
    from aifootprint.estimate.physics import llm_step

    cal = load_calibration("b200")
    c = token_costs(resolve("deepseek-v3").best, "fp8")
    dev, eng = cal.device("fp8"), engine_profile("vllm", cal)
    t, e, _, _ = llm_step(c, dev, eng, 8.0, 128.0, 300.0, 1500.0, 200.0)
    ta, ea, _, _ = llm_step(c, dev, eng, np.array([8.0]), np.array([128.0]), np.array([300.0]), np.array([1500.0]),
                            np.array([200.0]))
    assert (float(ta[0]), float(ea[0])) == pytest.approx((t, e), rel=1e-12)

