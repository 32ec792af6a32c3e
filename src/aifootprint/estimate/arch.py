"""Transformer architecture -> FLOPs and bytes moved per token (dense and mixture-of-experts).

The counts follow the standard decoder-only accounting (Kaplan et al. 2020, "Scaling Laws for Neural Language Models",
arXiv:2001.08361, Table 1; Pope et al. 2022, "Efficiently Scaling Transformer Inference", arXiv:2211.05102, §2):

* a forward pass costs ``2 × N_active`` FLOPs per token for the weight matrices (one multiply-add per weight), where the
  input-embedding lookup is excluded (it is a gather, not a matmul);
* attention adds ``4 × heads × head_dim`` FLOPs per layer per token of context (QKᵀ and AV);
* the KV cache holds ``2 × kv_heads × head_dim`` values per layer per token (grouped-query attention; Ainslie et al.
  2023, arXiv:2305.13245), or the compressed latent of multi-head latent attention (DeepSeek-V2, arXiv:2405.04434);
* in a decode step the *weights* are read once for the whole batch, the input-embedding table is not read whole (only
  one row per token), and each sequence reads its own KV cache.

For a mixture-of-experts layer with ``E`` experts of which ``k`` are routed per token, a step that routes ``T`` tokens
touches on average ``E × (1 − (1 − k/E)^T)`` distinct experts (uniform routing), so the expert bytes read per step grow
from ``k/E`` of the expert weights (one token) to all of them (large batches).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType

from aifootprint.errors import InputError

#: Accepted weight precisions and their bytes per parameter for (dense/attention linear layers, routed experts), plus
#: the dtype the matrix multiplications run in. ``int4``: 4-bit weights with one 16-bit scale per group of 128
#: (GPTQ/AWQ, Frantar et al. 2022 arXiv:2210.17323) = 4.125 bits; ``mxfp4``: OCP Microscaling FP4, 4 bits + one
#: 8-bit scale per 32 values = 4.25 bits (OCP MX spec v1.0, 2023), applied to the experts only as in gpt-oss (OpenAI
#: 2025 model card).
PRECISIONS: MappingProxyType[str, tuple[float, float, str]] = MappingProxyType({
    "bf16": (2.0, 2.0, "bf16"),
    "fp16": (2.0, 2.0, "bf16"),
    "fp8": (1.0, 1.0, "fp8"),
    "int4": (4.125 / 8, 4.125 / 8, "bf16"),
    "mxfp4": (2.0, 4.25 / 8, "bf16"),
})

#: Bytes per KV-cache value: the KV cache is kept in the model dtype (bf16) unless asked otherwise (vLLM
#: ``--kv-cache-dtype auto``, docs.vllm.ai).
KV_BYTES = 2.0

#: Bytes per Mamba-2 SSM-state value: float32, as NVIDIA's Nemotron Nano 2 model cards ask of vLLM
#: (``--mamba-ssm-cache-dtype float32``, huggingface.co/nvidia/NVIDIA-Nemotron-Nano-9B-v2) and as the ML.ENERGY
#: benchmark serves them (github.com/ml-energy/benchmark, ``configs/vllm/<task>/nvidia/NVIDIA-Nemotron-Nano-*/
#: <GPU>/monolithic.config.yaml``).
SSM_STATE_BYTES = 4.0


def mamba_state_bytes(mamba_layers: int, heads: int, head_dim: int, state_size: int) -> float:
    """Recurrent SSM state of one sequence: ``layers × heads × head_dim × d_state`` values of
    :data:`SSM_STATE_BYTES` (Mamba-2: Dao & Gu 2024, arXiv:2405.21060, §7). The convolution state
    (``(d_conv − 1) × (heads × head_dim + 2 × groups × d_state)`` values, ~1 % of it for Nemotron Nano 2) is
    neglected."""
    return float(mamba_layers * heads * head_dim * state_size) * SSM_STATE_BYTES


def mla_shape(kv_lora_rank: int, qk_rope_head_dim: int) -> tuple[int, int]:
    """Multi-head latent attention (DeepSeek-V2, arXiv:2405.04434) as served with the absorbed projections:
    ``(kv_values_per_layer, head_dim)``. The cache holds the latent plus the RoPE key (``r + d_rope`` values per
    layer per token); per head and context token QKᵀ runs over ``r + d_rope`` and AV over ``r`` dimensions, i.e.
    ``2 (2r + d_rope)`` FLOPs = ``4 × head_dim`` with ``head_dim = r + d_rope / 2``."""
    return kv_lora_rank + qk_rope_head_dim, kv_lora_rank + qk_rope_head_dim // 2


@dataclass(frozen=True, slots=True)
class Architecture:
    """What the estimator needs to know about a decoder-only transformer.

    Only ``total_params_b`` is required; unknown shape fields fall back to the documented defaults of
    :func:`default_shape` and the result is then flagged as estimated by the caller.
    """

    name: str
    total_params_b: float
    active_params_b: float | None = None
    layers: int | None = None
    d_model: int | None = None
    heads: int | None = None
    kv_heads: int | None = None
    head_dim: int | None = None
    vocab: int | None = None
    tied_embeddings: bool = False
    experts: int | None = None
    active_experts: int | None = None
    #: layers with full (global) attention; default: all ``layers``
    global_attn_layers: int | None = None
    #: layers with sliding-window / chunked attention and their window (tokens)
    local_attn_layers: int = 0
    local_window: int = 0
    #: KV values stored per attention layer per token; default ``2 × kv_heads × head_dim`` (MLA: latent + rope dims)
    kv_values_per_layer: int | None = None
    #: recurrent state read and written per sequence per step (Mamba / state-space layers), bytes
    state_bytes_per_seq: float = 0.0
    #: True when the shape came from defaults or the parameter count is not published
    estimated: bool = False

    def __post_init__(self) -> None:
        if not math.isfinite(self.total_params_b) or self.total_params_b <= 0:
            raise InputError(f"parameter count must be a positive number of billions, got {self.total_params_b}")
        if self.active_params_b is not None and not 0 < self.active_params_b <= self.total_params_b * 1.0001:
            raise InputError(
                f"active parameters ({self.active_params_b} B) must be positive and at most the total "
                f"({self.total_params_b} B)"
            )
        for field in ("layers", "d_model", "heads", "kv_heads", "head_dim", "vocab", "experts", "active_experts"):
            v = getattr(self, field)
            if v is not None and v <= 0:
                raise InputError(f"{field} must be a positive integer, got {v}")
        if self.heads is not None and self.kv_heads is not None and (
                self.kv_heads > self.heads or self.heads % self.kv_heads):
            raise InputError(f"kv_heads ({self.kv_heads}) must divide heads ({self.heads}): each KV head serves a "
                             "whole group of query heads (grouped-query attention)")
        if self.active_experts is not None and (self.experts is None or self.active_experts > self.experts):
            raise InputError(f"active_experts ({self.active_experts}) needs experts and must be at most experts "
                             f"({self.experts})")
        if (self.experts and self.active_experts and self.active_experts < self.experts
                and (self.active_params_b or self.total_params_b) >= self.total_params_b):
            raise InputError(f"{self.active_experts} of {self.experts} experts per token needs active_params_b below "
                             f"total_params_b ({self.total_params_b:g} B); without it the model would be estimated "
                             "as dense")


def default_shape(total_params_b: float) -> tuple[int, int, int, int, int]:
    """Return ``(layers, d_model, heads, kv_heads, head_dim)`` for a dense model of ``total_params_b`` when unknown.

    Uses ``N ≈ 12 × layers × d_model²`` (Kaplan et al. 2020, arXiv:2001.08361, eq. 2.1 with d_ff = 4 d_model) and the
    aspect ratio d_model / layers ≈ 128 of the Llama 3 family (Llama 3.1 8B: 4096/32; 70B: 8192/80 ≈ 102; 405B:
    16384/126 ≈ 130; Meta, "The Llama 3 Herd of Models", arXiv:2407.21783, Table 3), head_dim 128 and 8 KV heads
    (grouped-query attention as in all three).
    """
    n = max(total_params_b, 0.05) * 1e9
    layers = max(4, round((n / (12 * 128**2)) ** (1 / 3)))
    d_model = max(256, layers * 128)
    heads = max(1, d_model // 128)
    return layers, d_model, heads, min(8, heads), 128


@dataclass(frozen=True, slots=True)
class TokenCosts:
    """Per-token costs of one model at one precision (all per whole model, before dividing over accelerators)."""

    #: matmul FLOPs per token (2 × active non-embedding parameters)
    linear_flops: float
    #: attention FLOPs per token per token of context, full-attention layers
    attn_flops_per_ctx: float
    #: same for sliding-window layers, and their window
    local_attn_flops_per_ctx: float
    local_window: float
    #: bytes of weights read per step outside routed experts (incl. the LM head, excl. the input embedding table)
    dense_weight_bytes: float
    #: bytes of all routed-expert weights, and the fraction ``k/E`` a single token routes to (0 for dense models)
    expert_weight_bytes: float
    route_fraction: float
    #: KV-cache bytes per token of context, full-attention layers, and sliding-window layers
    kv_bytes_per_ctx: float
    local_kv_bytes_per_ctx: float
    #: recurrent state per sequence (read + written each step)
    state_bytes_per_seq: float
    #: bytes of weights held in memory (all of them) and layers (for per-layer communication)
    resident_weight_bytes: float
    layers: int
    compute_dtype: str
    #: bytes of one token's hidden state (d_model × 2, bf16): what a tensor-parallel all-reduce moves per token
    hidden_bytes: float = 0.0
    #: KV heads that tensor parallelism can split over accelerators (``kv_heads``; 1 for a latent (MLA) cache; 0 =
    #: never replicated). On ``n`` > this many accelerators each KV head is replicated ``n / kv_shards`` times (vLLM
    #: ``QKVParallelLinear``: "Number of KV heads is less than TP size, so we replicate the KV heads across multiple
    #: tensor parallel GPUs", docs.vllm.ai; MLA's single latent "can't be sharded along the head dimension", Ray
    #: Serve docs, "Data parallel attention"), so every replica reads its copy of the cache.
    kv_shards: float = 0.0
    #: matmul FLOPs per token in routed experts (part of ``linear_flops``): ``2 · (k/E) · P_exp``
    expert_flops: float = 0.0


def precision_bytes(precision: str) -> tuple[float, float, str]:
    """Look up a precision name (case-insensitive); raise InputError with suggestions when unknown."""
    try:
        return PRECISIONS[precision.lower()]
    except KeyError:
        from aifootprint.errors import unknown_choice

        raise unknown_choice("precision", precision, PRECISIONS) from None


def token_costs(arch: Architecture, precision: str = "bf16") -> TokenCosts:
    """Derive per-token FLOPs and bytes for ``arch`` at ``precision`` (see the module docstring for the equations)."""
    dense_b, expert_b, dtype = precision_bytes(precision)
    d_layers, d_model_def, _, d_kv, d_hd = default_shape(arch.total_params_b)
    layers = arch.layers or d_layers
    d_model = arch.d_model or d_model_def
    head_dim = arch.head_dim or (d_model // arch.heads if arch.heads else d_hd)
    heads = arch.heads or max(1, d_model // head_dim)
    kv_heads = arch.kv_heads or min(heads, d_kv)
    vocab = arch.vocab or 128_256  # Llama 3 tokenizer size (arXiv:2407.21783) when unknown
    total = arch.total_params_b * 1e9
    active = (arch.active_params_b or arch.total_params_b) * 1e9
    embed = float(vocab * d_model)
    embed = min(embed, 0.5 * active)  # guard: toy shapes on tiny models

    # embedding tables: one when tied, input embedding + LM head otherwise
    tables = 1.0 if arch.tied_embeddings else 2.0
    # routed-expert parameters: total − active = P_exp × (1 − k/E)  =>  P_exp = (total − active) / (1 − k/E)
    if total > active * 1.0001:
        if arch.experts and arch.active_experts and arch.experts > arch.active_experts:
            r = arch.active_experts / arch.experts
            expert_params = min((total - active) / (1.0 - r), total - tables * embed)
        else:  # routing unknown: every non-embedding parameter is an expert weight, k/E chosen to match `active`
            expert_params = total - tables * embed
            r = min(max((active - tables * embed) / expert_params, 0.0), 1.0)
    else:
        r, expert_params = 0.0, 0.0

    # non-expert weights read per step: the input-embedding table is skipped when untied (the LM head is read);
    # when tied the single table is read as the LM head. The LM head stays in 16 bits.
    nonexpert = total - expert_params
    body = max(nonexpert - tables * embed, 0.0)
    dense_weight_bytes = body * dense_b + embed * 2.0
    resident = body * dense_b + tables * embed * 2.0 + expert_params * expert_b

    linear_flops = 2.0 * max(active - (0.0 if arch.tied_embeddings else embed), 0.5 * active)
    n_global = arch.global_attn_layers if arch.global_attn_layers is not None else layers - arch.local_attn_layers
    kv_vals = arch.kv_values_per_layer or 2 * kv_heads * head_dim
    attn_per_layer = 4.0 * heads * head_dim
    return TokenCosts(
        linear_flops=linear_flops,
        attn_flops_per_ctx=attn_per_layer * n_global,
        local_attn_flops_per_ctx=attn_per_layer * arch.local_attn_layers,
        local_window=float(arch.local_window),
        dense_weight_bytes=dense_weight_bytes,
        expert_weight_bytes=expert_params * expert_b,
        route_fraction=r,
        kv_bytes_per_ctx=kv_vals * n_global * KV_BYTES,
        local_kv_bytes_per_ctx=kv_vals * arch.local_attn_layers * KV_BYTES,
        state_bytes_per_seq=arch.state_bytes_per_seq,
        resident_weight_bytes=resident,
        layers=layers,
        compute_dtype=dtype,
        hidden_bytes=2.0 * d_model,
        kv_shards=1.0 if arch.kv_values_per_layer else float(kv_heads),
        expert_flops=2.0 * r * expert_params,
    )


def kv_bytes_per_seq(costs: TokenCosts, context_tokens: float) -> float:
    """KV-cache (+ recurrent state) bytes held by one sequence of ``context_tokens``."""
    local = min(context_tokens, costs.local_window) if costs.local_window else context_tokens
    return costs.kv_bytes_per_ctx * context_tokens + costs.local_kv_bytes_per_ctx * local + costs.state_bytes_per_seq
