"""Step time and energy of a serving step from a roofline with achievable (calibrated) peaks.

One *step* of a continuous-batching server (vLLM, Kwon et al. 2023, arXiv:2309.06180; chunked prefill, Agrawal et al.
2024, arXiv:2403.02310) advances every running sequence by one output token and folds in prefill work for newly
admitted requests. In steady state with ``B`` running sequences of ``I`` input and ``O`` output tokens, ``B × I / O``
prefill tokens enter per step on average. For one step on ``n`` accelerators:

    FLOPs  = (B + B·I/O) · f_lin + B · a(I + O/2) + B·I/O · a(I/2)              a(x): attention FLOPs at context x
    bytes  = W_dense + W_exp · (1 − (1 − k/E)^(B + B·I/O)) + ρ · (B · kv(I + O/2) + (B + B·I/O) · kv_tok) + 2 B · state
    t      = max(FLOPs / (n · F_peak · φ_c), bytes / (n · BW · φ_m)) + t_step + B · t_seq
             + [n > 1] · 2 L · (t_comm + (B + B·I/O) · h · 2 (n − 1) / n / BW_ar)
    energy = min(n · P_static · t + e_flop · FLOPs + e_byte · bytes,  n · P_max · t)

(Williams, Waterman, Patterson 2009, "Roofline", CACM 52(4); energy roofline: Choi, Bedard, Fowler, Vuduc 2013,
IPDPS, "A roofline model of energy"). Per-accelerator calibration constants (see :mod:`.calibration`): ``φ_c, φ_m``
(achievable fractions of peak), ``t_step`` (fixed per-step overhead: scheduling, kernel launches), ``t_seq``
(per-sequence host work: sampling, detokenisation), ``t_comm`` and ``BW_ar`` (latency and effective bandwidth of the
two tensor-parallel all-reduces per layer; the ring algorithm moves 2 (n − 1)/n of the ``h``-byte hidden state of
every token; Shoeybi et al. 2019, Megatron-LM, arXiv:1909.08053), ``P_static``, ``e_flop`` and ``e_byte``.
``ρ = max(1, n / kv_shards)`` counts the copies of each KV head when there are fewer KV heads (1 for a latent MLA
cache) than accelerators (see :attr:`.arch.TokenCosts.kv_shards`).

Two implementations share these equations: :func:`step` on Python floats (the ≤ 30 µs per-request path) and
:func:`step_arrays` on numpy arrays (the vectorised batch path). Tests check that they agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .arch import TokenCosts, kv_replication

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from .calibration import Calibration


@dataclass(frozen=True, slots=True)
class StepCost:
    """Time and accelerator energy of one serving step (all accelerators together)."""

    time_s: float
    energy_j: float
    flops: float
    bytes_moved: float
    compute_bound: bool


def peak_flops(cal: Calibration, dtype: str) -> float:
    """Dense peak FLOP/s of one accelerator for ``dtype`` (fp8 falls back to bf16 where fp8 is not supported)."""
    if dtype == "fp8" and cal.peak_fp8_flops:
        return cal.peak_fp8_flops
    return cal.peak_bf16_flops


def step(
    c: TokenCosts,
    cal: Calibration,
    n: int,
    decode_seqs: float,
    prefill_tokens: float,
    decode_ctx: float,
    prefill_ctx: float,
) -> StepCost:
    """Cost of one step with ``decode_seqs`` sequences decoding at mean context ``decode_ctx`` and ``prefill_tokens``
    prompt tokens at mean context ``prefill_ctx`` (scalar fast path)."""
    tokens = decode_seqs + prefill_tokens
    w = c.local_window
    loc_d = decode_ctx if (w == 0.0 or decode_ctx < w) else w
    loc_p = prefill_ctx if (w == 0.0 or prefill_ctx < w) else w
    flops = (
        tokens * c.linear_flops
        + decode_seqs * (c.attn_flops_per_ctx * decode_ctx + c.local_attn_flops_per_ctx * loc_d)
        + prefill_tokens * (c.attn_flops_per_ctx * prefill_ctx + c.local_attn_flops_per_ctx * loc_p)
    )
    weights = c.dense_weight_bytes
    if c.route_fraction > 0.0:
        weights += c.expert_weight_bytes * (1.0 - (1.0 - c.route_fraction) ** tokens) if tokens > 0 else 0.0
    kv_tok = c.kv_bytes_per_ctx + c.local_kv_bytes_per_ctx
    rep = kv_replication(c, n)
    moved = (
        weights
        + decode_seqs * (rep * (c.kv_bytes_per_ctx * decode_ctx + c.local_kv_bytes_per_ctx * loc_d)
                         + 2.0 * c.state_bytes_per_seq)
        + tokens * kv_tok * rep
    )
    f = peak_flops(cal, c.compute_dtype)
    t_c = flops / (n * f * cal.compute_fraction)
    t_m = moved / (n * cal.bandwidth_bytes_per_s * cal.bandwidth_fraction)
    t = (t_c if t_c > t_m else t_m) + cal.step_overhead_s + cal.seq_overhead_s * decode_seqs
    if n > 1:
        ring = tokens * c.hidden_bytes * 2.0 * (n - 1) / n
        t += 2.0 * c.layers * (cal.comm_latency_s + ring / cal.allreduce_bytes_per_s)
    e = n * cal.static_power_w * t + cal.energy_per_flop_j * flops + cal.energy_per_byte_j * moved
    cap = n * cal.max_power_w * t
    return StepCost(t, e if e < cap else cap, flops, moved, t_c > t_m)


def request_point(
    c: TokenCosts, cal: Calibration, n: int, batch: float, input_tokens: float, output_tokens: float
) -> tuple[float, float, float, float]:
    """Fused fast path for one request in a steady batch: ``(energy_j, decode_energy_j, step_time_s, ttft_s)``.

    ``energy_j`` is the request's share (``O / B``) of the mixed steps (decode + amortised prefill),
    ``decode_energy_j`` the same for decode-only steps (the prefill term is the difference), ``step_time_s`` the
    mixed step time and ``ttft_s`` the time of a prefill-only step over the prompt. Same equations as :func:`step`
    (tests check they agree), with the shared terms computed once.
    """
    i, o, b = input_tokens, output_tokens, batch
    w = c.local_window
    dctx = i + 0.5 * o
    pctx = 0.5 * i
    loc_d = dctx if (w == 0.0 or dctx < w) else w
    loc_p = pctx if (w == 0.0 or pctx < w) else w
    pre = b * i / o
    attn_d = c.attn_flops_per_ctx * dctx + c.local_attn_flops_per_ctx * loc_d
    attn_p = c.attn_flops_per_ctx * pctx + c.local_attn_flops_per_ctx * loc_p
    rep = kv_replication(c, n)
    kv_tok = (c.kv_bytes_per_ctx + c.local_kv_bytes_per_ctx) * rep
    kv_seq = (c.kv_bytes_per_ctx * dctx + c.local_kv_bytes_per_ctx * loc_d) * rep + 2.0 * c.state_bytes_per_seq
    r = c.route_fraction
    f_dec = b * (c.linear_flops + attn_d)
    f_pre = pre * (c.linear_flops + attn_p)
    m_dec = c.dense_weight_bytes + b * (kv_seq + kv_tok)
    m_pre = pre * kv_tok
    ew = c.expert_weight_bytes
    if r > 0.0:
        m_mix = m_dec + m_pre + ew * (1.0 - (1.0 - r) ** (b + pre))
        m_dec += ew * (1.0 - (1.0 - r) ** b)
    else:
        m_mix = m_dec + m_pre
    f_mix = f_dec + f_pre
    peak = n * (cal.peak_fp8_flops if (c.compute_dtype == "fp8" and cal.peak_fp8_flops) else cal.peak_bf16_flops)
    fc = peak * cal.compute_fraction
    fm = n * cal.bandwidth_bytes_per_s * cal.bandwidth_fraction
    extra = cal.step_overhead_s + cal.seq_overhead_s * b
    comm = per_tok = 0.0
    if n > 1:
        comm = 2.0 * c.layers * cal.comm_latency_s
        per_tok = 2.0 * c.layers * c.hidden_bytes * 2.0 * (n - 1) / n / cal.allreduce_bytes_per_s
    t_c, t_m = f_mix / fc, m_mix / fm
    t_mix = (t_c if t_c > t_m else t_m) + extra + comm + per_tok * (b + pre)
    t_c, t_m = f_dec / fc, m_dec / fm
    t_dec = (t_c if t_c > t_m else t_m) + extra + comm + per_tok * b
    p_static = n * cal.static_power_w
    cap = n * cal.max_power_w
    e_mix = p_static * t_mix + cal.energy_per_flop_j * f_mix + cal.energy_per_byte_j * m_mix
    e_dec = p_static * t_dec + cal.energy_per_flop_j * f_dec + cal.energy_per_byte_j * m_dec
    if e_mix > cap * t_mix:
        e_mix = cap * t_mix
    if e_dec > cap * t_dec:
        e_dec = cap * t_dec
    share = o / b
    ttft = 0.0
    if i > 0.0:
        f_ttft = i * (c.linear_flops + attn_p)
        m_ttft = c.dense_weight_bytes + i * kv_tok + (ew * (1.0 - (1.0 - r) ** i) if r > 0.0 else 0.0)
        t_c, t_m = f_ttft / fc, m_ttft / fm
        ttft = (t_c if t_c > t_m else t_m) + cal.step_overhead_s + comm + per_tok * i
    return e_mix * share, e_dec * share, t_mix, ttft


def step_arrays(
    c: ArrayCosts,
    cal: ArrayCalibration,
    n: NDArray[np.float64],
    decode_seqs: NDArray[np.float64],
    prefill_tokens: NDArray[np.float64],
    decode_ctx: NDArray[np.float64],
    prefill_ctx: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Vectorised :func:`step`: every argument may be an array (broadcast); returns ``(time_s, energy_j)``."""
    import numpy as np

    tokens = decode_seqs + prefill_tokens
    w = c.local_window
    no_window = w <= 0.0
    loc_d = np.where(no_window, decode_ctx, np.minimum(decode_ctx, w))
    loc_p = np.where(no_window, prefill_ctx, np.minimum(prefill_ctx, w))
    flops = (
        tokens * c.linear_flops
        + decode_seqs * (c.attn_flops_per_ctx * decode_ctx + c.local_attn_flops_per_ctx * loc_d)
        + prefill_tokens * (c.attn_flops_per_ctx * prefill_ctx + c.local_attn_flops_per_ctx * loc_p)
    )
    touched = 1.0 - np.power(1.0 - c.route_fraction, tokens)
    rep = np.where((c.kv_shards > 0) & (n > c.kv_shards), n / np.where(c.kv_shards > 0, c.kv_shards, 1.0), 1.0)
    moved = (
        c.dense_weight_bytes
        + c.expert_weight_bytes * touched
        + decode_seqs * (rep * (c.kv_bytes_per_ctx * decode_ctx + c.local_kv_bytes_per_ctx * loc_d)
                         + 2.0 * c.state_bytes_per_seq)
        + tokens * (c.kv_bytes_per_ctx + c.local_kv_bytes_per_ctx) * rep
    )
    t_c = flops / (n * c.peak_flops * cal.compute_fraction)
    t_m = moved / (n * cal.bandwidth_bytes_per_s * cal.bandwidth_fraction)
    t = (
        np.maximum(t_c, t_m)
        + cal.step_overhead_s
        + cal.seq_overhead_s * decode_seqs
        + np.where(
            n > 1,
            2.0 * c.layers * (cal.comm_latency_s + tokens * c.hidden_bytes * 2.0 * (n - 1) / n
                              / cal.allreduce_bytes_per_s),
            0.0,
        )
    )
    e = n * cal.static_power_w * t + cal.energy_per_flop_j * flops + cal.energy_per_byte_j * moved
    return t, np.minimum(e, n * cal.max_power_w * t)


@dataclass(frozen=True)
class ArrayCosts:
    """:class:`~.arch.TokenCosts` as (broadcastable) numpy arrays, one entry per model/precision, plus the peak FLOP/s
    of the accelerator each row runs on (the compute dtype depends on the precision)."""

    linear_flops: NDArray[np.float64]
    attn_flops_per_ctx: NDArray[np.float64]
    local_attn_flops_per_ctx: NDArray[np.float64]
    local_window: NDArray[np.float64]
    dense_weight_bytes: NDArray[np.float64]
    expert_weight_bytes: NDArray[np.float64]
    route_fraction: NDArray[np.float64]
    kv_bytes_per_ctx: NDArray[np.float64]
    local_kv_bytes_per_ctx: NDArray[np.float64]
    state_bytes_per_seq: NDArray[np.float64]
    layers: NDArray[np.float64]
    hidden_bytes: NDArray[np.float64]
    peak_flops: NDArray[np.float64]
    kv_shards: NDArray[np.float64]


@dataclass(frozen=True)
class ArrayCalibration:
    """Calibration constants as (broadcastable) numpy arrays, one entry per accelerator row."""

    bandwidth_bytes_per_s: NDArray[np.float64]
    max_power_w: NDArray[np.float64]
    compute_fraction: NDArray[np.float64]
    bandwidth_fraction: NDArray[np.float64]
    step_overhead_s: NDArray[np.float64]
    seq_overhead_s: NDArray[np.float64]
    comm_latency_s: NDArray[np.float64]
    allreduce_bytes_per_s: NDArray[np.float64]
    static_power_w: NDArray[np.float64]
    energy_per_flop_j: NDArray[np.float64]
    energy_per_byte_j: NDArray[np.float64]


def stack_costs(costs: list[TokenCosts], cals: list[Calibration]) -> ArrayCosts:
    """Stack per-row :class:`TokenCosts` (with the calibration of the accelerator each row runs on) into arrays."""
    import numpy as np

    def col(name: str) -> NDArray[np.float64]:
        return np.array([float(getattr(c, name)) for c in costs], dtype=np.float64)

    return ArrayCosts(
        linear_flops=col("linear_flops"),
        attn_flops_per_ctx=col("attn_flops_per_ctx"),
        local_attn_flops_per_ctx=col("local_attn_flops_per_ctx"),
        local_window=col("local_window"),
        dense_weight_bytes=col("dense_weight_bytes"),
        expert_weight_bytes=col("expert_weight_bytes"),
        route_fraction=col("route_fraction"),
        kv_bytes_per_ctx=col("kv_bytes_per_ctx"),
        local_kv_bytes_per_ctx=col("local_kv_bytes_per_ctx"),
        state_bytes_per_seq=col("state_bytes_per_seq"),
        layers=col("layers"),
        hidden_bytes=col("hidden_bytes"),
        peak_flops=np.array([peak_flops(k, c.compute_dtype) for c, k in zip(costs, cals, strict=True)]),
        kv_shards=col("kv_shards"),
    )


def stack_calibrations(cals: list[Calibration]) -> ArrayCalibration:
    """Stack per-row calibrations into arrays."""
    import numpy as np

    def col(name: str) -> NDArray[np.float64]:
        return np.array([float(getattr(k, name)) for k in cals], dtype=np.float64)

    return ArrayCalibration(
        bandwidth_bytes_per_s=col("bandwidth_bytes_per_s"),
        max_power_w=col("max_power_w"),
        compute_fraction=col("compute_fraction"),
        bandwidth_fraction=col("bandwidth_fraction"),
        step_overhead_s=col("step_overhead_s"),
        seq_overhead_s=col("seq_overhead_s"),
        comm_latency_s=col("comm_latency_s"),
        allreduce_bytes_per_s=col("allreduce_bytes_per_s"),
        static_power_w=col("static_power_w"),
        energy_per_flop_j=col("energy_per_flop_j"),
        energy_per_byte_j=col("energy_per_byte_j"),
    )
