"""Step time and step energy of an accelerator group: the ONE implementation every estimator uses.

Every function here is written once on plain arithmetic and works on Python floats (the µs per-request path) and on
numpy arrays (the vectorised batch API, the calibration fit and the validation) alike: arguments broadcast.

Public signature (other estimators — image, video, embedding — call these)::

    from aifootprint.estimate.physics import Device, Engine, step_time_energy

    dev = cal.device("bf16")                 # Device of one accelerator type (calibration.Calibration.device)
    eng = engine_profile("vllm", cal)        # Engine: host/scheduler time per step, sequence and layer
    t_s, e_j = step_time_energy(flops, bytes_moved, n, dev, host_s=eng.host_s(seqs, layers), comm_s=0.0)

``step_time_energy(flops, bytes_moved, n, dev, host_s=0.0, comm_s=0.0) -> (time_s, energy_j)``: one step that does
``flops`` FLOPs and moves ``bytes_moved`` bytes of HBM traffic in total over ``n`` accelerators (float or array each):

    time_s   = max( F / (n · C),  (B − B_c) / (n · BW) + B_c / (n · BW_c) ) + host_s + comm_s
    D        = e_flop · F + e_byte · B + host_j                  (dynamic energy of the linear model)
    energy_j = n · P_base · time_s + n · H · time_s · (1 − exp(−D / (n · H · time_s)))      H = P_limit − P_base

* ``C`` and ``BW`` are the *achievable* compute (FLOP/s, for the step's dtype) and memory bandwidth (bytes/s) of one
  accelerator: datasheet peak × fitted fraction (roofline: Williams, Waterman, Patterson 2009, CACM 52(4)). ``C``
  is measured *at the power limit* (a bf16 8192² GEMM reaches 68–70 % of datasheet peak at 700 W, aifootprint GPU
  micro-benchmarks 2026-11-26): the power cap's effect on the time of a compute-bound step (a prefill) is in it.
  ``B_c`` (part of ``B``) is the per-sequence cache traffic (KV cache, recurrent state), read at ``BW_c``: the
  bandwidth an HBM copy reaches (90.3 % of datasheet on H100, 89.1 % on H200; same micro-benchmarks). Decode
  attention streams each sequence's cache in contiguous pages across many thread blocks (FlashAttention-2 / paged
  attention with split-KV: Dao 2023, arXiv:2307.08691; Kwon et al. 2023, arXiv:2309.06180), a copy-like access,
  while ``BW`` (fitted) is what a serving step's weight reads reach with everything between its kernels
  (docs/methodology/inference.md §3 (w)).
* Power model (energy roofline: Choi, Bedard, Fowler, Vuduc 2013, IPDPS): a base power ``P_base`` per accelerator
  while serving plus a dynamic energy per FLOP and per byte, whose power ``d = D / (n·t)`` **saturates softly** below
  the board limit (a soft power cap): ``P = P_base + H (1 − exp(−d / H))`` — ``P_base + d`` for small ``d``, never
  above ``P_limit``. A board does not draw ``min(P_base + d, P_limit)``: as its power nears the limit, dynamic
  voltage and frequency scaling lowers clocks *and supply voltage*, and switching energy per operation scales with
  the voltage squared (``E = C·V²``; Weste & Harris, CMOS VLSI Design, 4th ed., 2011, §5.1), so the power drawn
  for a given achieved work rate bends below the straight line before the limit. Fitted to ML.ENERGY's measured
  power, the soft cap lowers the power model's out-of-sample error (docs/methodology/inference.md §3).
  A device with ``linear_power`` draws the straight line instead, ``P = min(P_base + d, P_limit)`` (issue 8's
  ``E_step = P_base·n·t + e_byte·bytes + e_flop·FLOPs`` capped at ``n·P_limit·t``): a GPU-bound engine on a user's
  ``calibrate`` profile, from its idle power with its own energies (:func:`~.engines.engine_calibration`; the test
  fixed before its data, docs/validation_h200.md §5). :func:`dynamic_energy` makes the choice (the scalar fast
  path of :func:`group_step` inlines its two expressions; tests/estimate/test_power_line_paths.py holds the point
  and array paths equal).
* ``host_s`` (serving-engine host/scheduler time, see :class:`Engine`) and ``comm_s`` (tensor-parallel all-reduce
  latency) are spent with the accelerators waiting: charged at base power only, not at compute power; ``host_j`` is
  the engine's own accelerator energy per step that the roofline does not count (vLLM: fitted per running sequence;
  0 for a CUDA-graph engine). :func:`llm_step` adds the engine's routed-expert GEMM time (:meth:`Engine.expert_s`:
  vLLM's fused-MoE kernels run expert GEMMs slower than dense ones) to ``host_s``: the same base-power charge.

Above it, :func:`llm_step_work` counts FLOPs and bytes of one continuous-batching LLM step (KV-cache reads and
attention FLOPs over the context each sequence really has; MoE weight reads over the distinct experts the step's
tokens touch) and :func:`llm_request` turns a steady batch into one request's energy — both float/array generic.

Evaluation (same equations, split by what they depend on): :func:`group_step` is the only code that evaluates the
roofline and power model above, on :func:`group_constants` (``n · C``, ``n · BW``, … of one group, computed once);
:func:`step_time_energy`, :func:`llm_step` and :func:`llm_request` all call it. :func:`request_constants` gathers
everything of a request's steps that depends only on (model, accelerator, engine, ``n``, batch) and
:func:`request_energy` does the request-dependent arithmetic on it: :func:`llm_request` (the batch API, on arrays) is
the two in one call; :class:`~.inference.RequestEstimator` keeps the constants per accelerator count and calls
:func:`request_energy` on Python floats (``scalar``: comparisons inline instead of numpy's) — ≈ 5 µs per request.
Terms that are exactly 0 for a model or group (sliding windows, routed experts, all-reduce and expert waits) are
skipped by a flag set with the constants, which leaves every result bit for bit the same (``x + 0.0 == x``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

#: A Python float or a numpy float array (broadcastable). The equations below use only arithmetic and the helpers
#: :func:`maximum` / :func:`minimum`, so the same code serves both.
Num = Any


def maximum(a: Num, b: Num) -> Num:
    """Element-wise max that stays a Python float for floats (no numpy on the scalar path)."""
    if type(a) is float and type(b) is float:
        return a if a > b else b
    import numpy as np

    return np.maximum(a, b)


def minimum(a: Num, b: Num) -> Num:
    """Element-wise min (float in, float out)."""
    if type(a) is float and type(b) is float:
        return a if a < b else b
    import numpy as np

    return np.minimum(a, b)


def _inf_if_zero(x: Num) -> Num:
    """``x`` with 0 (= 'none') replaced by +inf (sliding windows, KV shards)."""
    if type(x) is float or type(x) is int:
        return x if x > 0 else math.inf
    import numpy as np

    return np.where(x > 0, x, np.inf)


def kv_copies(n: Num, shards: Num) -> Num:
    """Copies of each KV head on ``n`` accelerators: ``max(n / shards, 1)``, ``shards`` = 0 meaning never replicated
    (one call on the scalar path). The traffic of a step reads every copy; sizing holds every copy
    (:func:`.sizing.memory_needed_bytes`)."""
    if type(n) is float and type(shards) is float:
        return n / shards if shards > 0.0 and n > shards else 1.0
    return maximum(n / _inf_if_zero(shards), 1.0)


@dataclass(frozen=True, slots=True)
class Device:
    """One accelerator type as the physics sees it (SI units, per accelerator; fields may be arrays)."""

    #: achievable FLOP/s for the step's dtype (datasheet dense peak × achievable fraction)
    compute_flops_per_s: Num
    #: achievable HBM bandwidth [bytes/s] (datasheet × achievable fraction)
    bandwidth_bytes_per_s: Num
    #: power drawn while serving, independent of work [W]
    base_power_w: Num
    #: board power limit [W] (datasheet TDP / default power limit)
    power_limit_w: Num
    #: dynamic energy per FLOP and per byte of HBM traffic [J]
    energy_per_flop_j: Num
    energy_per_byte_j: Num
    #: latency of one tensor-parallel all-reduce [s] and its effective bandwidth [bytes/s]
    comm_latency_s: Num = 0.0
    allreduce_bytes_per_s: Num = math.inf
    #: achievable bandwidth [bytes/s] of the per-sequence cache traffic (KV cache, recurrent state): streamed by the
    #: attention / state kernels at the rate of an HBM copy; 0 = the same as ``bandwidth_bytes_per_s``
    cache_bandwidth_bytes_per_s: Num = 0.0
    #: the straight-line power model ``min(P_base + d, P_limit)`` instead of the soft cap (:func:`dynamic_energy`);
    #: a bool, or an array of 0/1 (the batch API's stacked devices)
    linear_power: Num = False


@dataclass(frozen=True, slots=True)
class Engine:
    """A serving engine's host/scheduler time per step: ``step_overhead_s + seq_overhead_s × running sequences +
    layer_overhead_s × model layers`` (the last: kernel launches and their scheduling, per layer of the model).

    The accelerators wait during this time (charged at base power). See :mod:`.engines` for the shipped profiles.
    """

    name: str
    step_overhead_s: Num
    seq_overhead_s: Num
    #: accelerator energy per running sequence per step that the roofline does not count (sampling, logits
    #: processing, attention-kernel inefficiency) [J]; 0 for a GPU-bound engine
    seq_energy_j: Num = 0.0
    source: str = ""
    #: host time per model layer per step (kernel launches not hidden by CUDA graphs) [s]; 0 for a GPU-bound engine
    layer_overhead_s: Num = 0.0
    #: routed-expert GEMMs (grouped per expert, tokens gathered and scattered) take this many times their roofline
    #: compute time *on top of* the step's roofline, not overlapped with the weight reads [-]; 0 = as fast as dense
    expert_compute_overhead: Num = 0.0

    def host_s(self, seqs: Num, layers: Num = 0.0) -> Num:
        """Host time of one step with ``seqs`` running sequences through a model of ``layers`` layers."""
        return self.step_overhead_s + self.seq_overhead_s * seqs + self.layer_overhead_s * layers

    def expert_s(self, expert_flops: Num, n: Num, dev: Device) -> Num:
        """Time the engine's routed-expert GEMMs add to a step doing ``expert_flops`` expert FLOPs on ``n``
        accelerators: ``expert_compute_overhead · F_exp / (n · C)`` (spent with the accelerators at base power; their
        dynamic energy per FLOP is counted with every other FLOP)."""
        return self.expert_compute_overhead * expert_flops / (n * dev.compute_flops_per_s)

    def host_j(self, seqs: Num) -> Num:
        """Accelerator energy of the engine's per-sequence work in one step (above base power)."""
        return self.seq_energy_j * seqs


def _nonzero(x: Num) -> bool:
    """False only for a Python number equal to 0 (an array counts as non-zero: its terms are kept)."""
    return type(x) not in _PYTHON_NUMBERS or x != 0


def _python_numbers(*xs: Num) -> bool:
    """True when every argument is a Python float, int or bool (no numpy array: inline comparisons work)."""
    return all(type(x) in _PYTHON_NUMBERS for x in xs)


_PYTHON_NUMBERS = (float, int, bool)

#: Constants of one step on a group of ``n`` accelerators (:func:`group_constants`): ``(n·C, n·BW,
#: n·(P_limit − P_base), e_flop, e_byte, n·P_base, comm_s, comm_s_per_token, expert_s_per_token, comm_waits,
#: expert_waits, cache_saving_s_per_byte)``, floats or arrays; a ``*_waits`` flag is False when its terms are 0 (then
#: skipped); then ``1/(n·BW) − 1/(n·BW_cache)``, the time a byte of cache traffic takes less than a weight byte; last
#: :attr:`Device.linear_power`.
Group = tuple[Num, Num, Num, Num, Num, Num, Num, Num, Num, bool, bool, Num, Num]


def _cache_saving(dev: Device, n: Num) -> Num:
    """``1/(n·BW) − 1/(n·BW_cache)`` [s per byte]: 0 where the cache bandwidth is unset (0) or equal."""
    bw, bw_c = dev.bandwidth_bytes_per_s, dev.cache_bandwidth_bytes_per_s
    if type(bw_c) is float or type(bw_c) is int:
        return 1.0 / (n * bw) - 1.0 / (n * bw_c) if bw_c > 0 else 0.0
    import numpy as np

    with np.errstate(divide="ignore"):
        return np.where(bw_c > 0, 1.0 / (n * bw) - 1.0 / (n * np.where(bw_c > 0, bw_c, 1.0)), 0.0)


def group_constants(dev: Device, n: Num, comm_s: Num = 0.0, comm_s_per_token: Num = 0.0,
                    expert_s_per_token: Num = 0.0) -> Group:
    """What :func:`group_step` needs of ``n`` accelerators of type ``dev``, computed once per group (the per-request
    path keeps it per accelerator count), with the waits of an LLM step (:func:`step_waits`; 0 elsewhere)."""
    return (n * dev.compute_flops_per_s, n * dev.bandwidth_bytes_per_s, n * (dev.power_limit_w - dev.base_power_w),
            dev.energy_per_flop_j, dev.energy_per_byte_j, n * dev.base_power_w, comm_s, comm_s_per_token,
            expert_s_per_token, _nonzero(comm_s) or _nonzero(comm_s_per_token), _nonzero(expert_s_per_token),
            _cache_saving(dev, n), dev.linear_power)


def group_step(flops: Num, bytes_moved: Num, tokens: Num, g: Group, host_s: Num, host_j: Num, scalar: bool = False,
               time_only: bool = False, cache_bytes: Num = 0.0) -> tuple[Num, Num]:
    """``(time_s, energy_j)`` of one step over ``tokens`` tokens on the group ``g`` (:func:`group_constants`): THE
    roofline and power model (module docstring), the only code that evaluates them. The step waits ``host_s`` plus
    the engine's expert GEMMs ``expert_s_per_token · tokens`` (together the docstring's ``host_s``) and its
    all-reduces ``comm_s + comm_s_per_token · tokens``, at base power; ``host_j`` is engine energy above base power.

    ``scalar=True`` promises Python numbers only (no arrays; the µs per-request path): the bounds are compared inline
    and the soft cap is evaluated inline instead of through :func:`maximum` / :func:`soft_cap`, which give the same
    values on any input. ``time_only=True``: the energy is not evaluated (``None``; a step whose time alone is used).
    ``cache_bytes`` (part of ``bytes_moved``) is the KV-cache and recurrent-state traffic, read at the cache bandwidth
    (:attr:`Device.cache_bandwidth_bytes_per_s`) instead of the weights' bandwidth; its energy per byte is the same."""
    n_c, n_bw, n_dyn_w, e_flop, e_byte, n_base_w, comm_s, comm_tok, expert_tok, comm_w, expert_w, cache_saving, \
        linear = g
    busy, mem_s = flops / n_c, bytes_moved / n_bw - cache_bytes * cache_saving  # compute, memory bound
    busy = (busy if busy > mem_s else mem_s) if scalar else maximum(busy, mem_s)
    # t = busy + (host_s + expert_tok · tokens) + (comm_s + comm_tok · tokens), without the terms that are 0 here
    # (x + 0.0 == x: the same value to the bit)
    t = busy + (host_s + expert_tok * tokens) if expert_w else busy + host_s
    if comm_w:
        t = t + (comm_s + comm_tok * tokens)
    if time_only:
        return t, None
    dyn, head = e_flop * flops + e_byte * bytes_moved + host_j, n_dyn_w * t  # capped (:func:`dynamic_energy`)
    if scalar and 0.0 < head < math.inf:
        if linear:
            return t, n_base_w * t + (dyn if dyn < head else head)
        return t, n_base_w * t - head * math.expm1(-dyn / head)
    return t, n_base_w * t + dynamic_energy(dyn, head, linear)


def step_time_energy(flops: Num, bytes_moved: Num, n: Num, dev: Device, host_s: Num = 0.0, comm_s: Num = 0.0,
                     host_j: Num = 0.0, cache_bytes: Num = 0.0) -> tuple[Num, Num]:
    """``(time_s, energy_j)`` of one step on ``n`` accelerators (module docstring for the equations; evaluated by
    :func:`group_step`); ``host_j`` is engine energy above base power spent during ``host_s`` (soft-capped, with
    everything else, below ``n · P_limit · t``); ``cache_bytes`` of ``bytes_moved`` are KV-cache / state traffic at
    the cache bandwidth."""
    return group_step(flops, bytes_moved, 0.0, group_constants(dev, n, comm_s), host_s, host_j,
                      cache_bytes=cache_bytes)


def dynamic_energy(dyn: Num, headroom: Num, linear: Num = False) -> Num:
    """The energy above base power [J] of dynamic energy ``dyn`` [J] under the power limit's ``headroom`` [J]
    (``n · (P_limit − P_base) · t``; per second: powers [W]): the soft cap (:func:`soft_cap`), or with ``linear``
    the straight line cut at the limit, ``min(dyn, headroom)`` (:attr:`Device.linear_power`; per element for an
    array of flags). :func:`group_step` (whose scalar fast path inlines the same two expressions) and the
    validation scripts call it."""
    if type(linear) is bool:
        return minimum(dyn, headroom) if linear else soft_cap(dyn, headroom)
    import numpy as np

    return np.where(np.asarray(linear, dtype=bool), minimum(dyn, headroom), soft_cap(dyn, headroom))


def soft_cap(dyn: Num, headroom: Num) -> Num:
    """``headroom · (1 − exp(−dyn / headroom))``: dynamic energy ``dyn`` [J] saturating below ``headroom`` [J]
    (``n · (P_limit − P_base) · t``); ``dyn`` itself where the headroom is infinite, 0 where it is 0."""
    if type(dyn) is float and type(headroom) is float:
        if headroom == math.inf or headroom <= 0.0:
            return dyn if headroom > 0.0 else 0.0
        return -headroom * math.expm1(-dyn / headroom)
    import numpy as np

    h = np.asarray(headroom, dtype=float)
    d = np.asarray(dyn, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = -h * np.expm1(-d / h)
    return np.where(np.isinf(h), d, np.where(h > 0.0, out, 0.0))


def soft_cap_inverse(power_w: Num, base_power_w: Num, power_limit_w: Num) -> Num:
    """The linear-model dynamic power [W] whose soft-capped power is ``power_w`` (inverse of :func:`soft_cap` per
    unit time): ``−H · ln(1 − (P − P_base) / H)``, ``H = P_limit − P_base``; a power at or above the limit is read as
    99 % of the headroom. Used to turn a measured power (GEMM, copy) into energy per FLOP or per byte."""
    h = power_limit_w - base_power_w
    x = minimum((power_w - base_power_w) / h, 0.99)
    if type(x) is float:
        return -h * math.log1p(-x)
    import numpy as np

    return -h * np.log1p(-x)


def allreduce_terms(n: Num, layers: Num, hidden_bytes: Num, dev: Device) -> tuple[Num, Num]:
    """``(latency_s, s_per_token)``: the two tensor-parallel all-reduces per layer of one step take
    ``latency_s + s_per_token · tokens`` (ring: 2 (n − 1)/n of each token's ``hidden_bytes`` per all-reduce; Shoeybi
    et al. 2019, Megatron-LM, arXiv:1909.08053); both 0 on one accelerator."""
    if type(n) is float and n <= 1.0:  # scalar path on one accelerator: the expressions below are 0.0 there
        return 0.0, 0.0
    per_layer = (n > 1) * 2.0 * layers
    return per_layer * dev.comm_latency_s, per_layer * hidden_bytes * 2.0 * (n - 1) / n / dev.allreduce_bytes_per_s


def allreduce_s(tokens: Num, n: Num, layers: Num, hidden_bytes: Num, dev: Device) -> Num:
    """Time of the tensor-parallel all-reduces of one step over ``tokens`` tokens (:func:`allreduce_terms`)."""
    latency_s, s_per_token = allreduce_terms(n, layers, hidden_bytes, dev)
    return latency_s + s_per_token * tokens


#: Per-token costs of a model on ``n`` accelerators as :func:`_rates` reads them (:func:`work_constants`).
RateConstants = tuple[Num, Num, Num, Num, Num, Num, Num, Num, Num, bool]
#: The step's own terms as :func:`_work` reads them: ``(W_dense, W_exp, 1 − k/E, has_experts)``.
StepConstants = tuple[Num, Num, Num, bool]


def work_constants(c: Any, n: Num) -> tuple[RateConstants, StepConstants]:
    """The fields of :class:`~.arch.TokenCosts` ``c`` that :func:`_rates` and :func:`_work` use, with the KV-head
    copies on ``n`` accelerators (``ρ``, :func:`llm_step_work`) and the per-prompt-token bytes ``ρ · kv_tok`` applied
    once, and whether the model has sliding-window layers and routed experts (else their terms are skipped): the
    per-request path keeps this per accelerator count."""
    rep = kv_copies(n, c.kv_shards)
    local = c.local_attn_flops_per_ctx
    return ((c.linear_flops, c.attn_flops_per_ctx, c.kv_bytes_per_ctx, local, _inf_if_zero(c.local_window),
             c.local_kv_bytes_per_ctx, rep, (c.kv_bytes_per_ctx + c.local_kv_bytes_per_ctx) * rep,
             2.0 * c.state_bytes_per_seq, _nonzero(local)),
            (c.dense_weight_bytes, c.expert_weight_bytes, 1.0 - c.route_fraction, _nonzero(c.route_fraction)))


def _rates(r: RateConstants, decode_ctx: Num, prefill_ctx: Num) -> tuple[Num, Num, Num, Num]:
    """:func:`llm_step_rates` from :func:`work_constants`."""
    lin, attn, kv, local, win, local_kv, rep, by_p, state2, has_local = r
    fl_d = lin + attn * decode_ctx
    fl_p = lin + attn * prefill_ctx
    kv_d = kv * decode_ctx
    if has_local:  # sliding-window / chunked layers
        loc_d = minimum(decode_ctx, win)
        fl_d = fl_d + local * loc_d
        fl_p = fl_p + local * minimum(prefill_ctx, win)
        kv_d = kv_d + local_kv * loc_d
    return fl_d, fl_p, rep * kv_d + state2 + by_p, by_p


def llm_step_rates(c: Any, n: Num, decode_ctx: Num, prefill_ctx: Num) -> tuple[Num, Num, Num, Num]:
    """``(flops_per_seq, flops_per_prompt_token, bytes_per_seq, bytes_per_prompt_token)`` of a serving step over
    ``n`` accelerators: the work each decoding sequence (one token at mean context ``decode_ctx``) and each prompt
    token (at mean context ``prefill_ctx``) adds to a step, on top of the step's weight reads
    (:func:`llm_step_work` for the equations; split out so that one request's three steps share it)."""
    return _rates(work_constants(c, n)[0], decode_ctx, prefill_ctx)


def _work(k: StepConstants, decode_seqs: Num, prefill_tokens: Num, rates: tuple[Num, Num, Num, Num]
          ) -> tuple[Num, Num, Num]:
    """``(flops, bytes_moved, cache_bytes)`` of one step from :func:`_rates` (weights and distinct experts added;
    ``cache_bytes``: the part of ``bytes_moved`` that is KV-cache and recurrent-state traffic)."""
    fl_d, fl_p, by_d, by_p = rates
    dense, experts, keep, has_experts = k
    cache = decode_seqs * by_d + prefill_tokens * by_p
    moved = dense + cache
    if has_experts:  # distinct experts touched by the step's tokens: 1 − (1 − k/E)^T of them
        moved = moved + experts * (1.0 - keep ** (decode_seqs + prefill_tokens))
    return decode_seqs * fl_d + prefill_tokens * fl_p, moved, cache


def llm_step_work(c: Any, n: Num, decode_seqs: Num, prefill_tokens: Num, decode_ctx: Num, prefill_ctx: Num
                  ) -> tuple[Num, Num]:
    """``(flops, bytes_moved)`` of one LLM serving step over ``n`` accelerators.

    ``c`` is a :class:`~.arch.TokenCosts` (or the same fields as arrays): ``decode_seqs`` sequences decode one token at
    mean context ``decode_ctx`` and ``prefill_tokens`` prompt tokens are processed at mean context ``prefill_ctx``::

        FLOPs = T · f_lin + S · a(ctx_d) + P · a(ctx_p)                  T = S + P tokens, a(x): attention at context x
        bytes = W_dense + W_exp · (1 − (1 − k/E)^T) + ρ · (S · kv(ctx_d) + T · kv_tok) + 2 S · state

    the expert term being the expected distinct experts touched by ``T`` uniformly routed tokens (:mod:`.arch`) and
    ``ρ = max(1, n / kv_shards)`` the copies of each KV head when there are fewer KV heads than accelerators.
    """
    return llm_step_traffic(c, n, decode_seqs, prefill_tokens, decode_ctx, prefill_ctx)[:2]


def llm_step_traffic(c: Any, n: Num, decode_seqs: Num, prefill_tokens: Num, decode_ctx: Num, prefill_ctx: Num
                     ) -> tuple[Num, Num, Num]:
    """``(flops, bytes_moved, cache_bytes)``: :func:`llm_step_work` with the KV-cache and recurrent-state part of
    the bytes (``ρ · (S · kv(ctx_d) + T · kv_tok) + 2 S · state``), which the time model reads at the cache
    bandwidth (:attr:`Device.cache_bandwidth_bytes_per_s`)."""
    r, k = work_constants(c, n)
    return _work(k, decode_seqs, prefill_tokens, _rates(r, decode_ctx, prefill_ctx))


def step_waits(c: Any, dev: Device, eng: Engine, n: Num) -> tuple[Num, Num, Num]:
    """``(comm_s, comm_s_per_token, expert_s_per_token)``: a step over ``T`` tokens waits ``comm_s +
    comm_s_per_token · T`` on its all-reduces (:func:`allreduce_terms`) and ``expert_s_per_token · T`` on the
    engine's routed-expert GEMMs (:meth:`Engine.expert_s`; 0 for dense models or an engine without that overhead)."""
    comm_s, comm_tok = allreduce_terms(n, c.layers, c.hidden_bytes, dev)
    xf, xo = c.expert_flops, eng.expert_compute_overhead
    if (type(xf) is not float or xf) and (type(xo) is not float or xo):  # dense models / no overhead: scalar 0.0
        return comm_s, comm_tok, eng.expert_s(xf, n, dev)
    return comm_s, comm_tok, 0.0


def llm_step(c: Any, dev: Device, eng: Engine, n: Num, decode_seqs: Num, prefill_tokens: Num, decode_ctx: Num,
             prefill_ctx: Num) -> tuple[Num, Num, Num, Num]:
    """``(time_s, energy_j, flops, bytes_moved)`` of one LLM step (work → :func:`group_step`); the engine's host time
    (:meth:`Engine.host_s`) and expert GEMM time (:meth:`Engine.expert_s`) are waits charged at base power."""
    r, k = work_constants(c, n)
    flops, moved, cache = _work(k, decode_seqs, prefill_tokens, _rates(r, decode_ctx, prefill_ctx))
    t, e = group_step(flops, moved, decode_seqs + prefill_tokens, group_constants(dev, n, *step_waits(c, dev, eng, n)),
                      eng.host_s(decode_seqs, c.layers), eng.host_j(decode_seqs), cache_bytes=cache)
    return t, e, flops, moved


#: Everything of one request's steps that does not depend on the request (:func:`request_constants`).
RequestConstants = tuple[RateConstants, StepConstants, Group, Num, Num, Num, Num, bool]


def request_constants(c: Any, dev: Device, eng: Engine, n: Num, batch: Num) -> RequestConstants:
    """What :func:`request_energy` needs of (model, accelerator, engine, ``n`` accelerators, ``batch``): per-token
    work, group constants, the host time and engine energy of a step with ``batch`` sequences, the host time of a
    step with none. The per-request path builds it once per accelerator count; :func:`llm_request` for each call.
    The last field says whether all of them are Python numbers (then floats in give floats out through
    :func:`group_step`'s inline comparisons)."""
    (r, w), g = work_constants(c, n), group_constants(dev, n, *step_waits(c, dev, eng, n))
    k = (batch, eng.host_s(batch, c.layers), eng.host_j(batch), eng.host_s(0.0, c.layers))
    return (r, w, g, *k, _python_numbers(*r, *w, *g, *k))


def request_energy(k: RequestConstants, input_tokens: Num, output_tokens: Num) -> tuple[Num, Num, Num, Num]:
    """:func:`llm_request` from :func:`request_constants` (floats: the µs per-request path; arrays: the batch API)."""
    i, o = input_tokens, output_tokens
    rates, scalar, t_mix, e_mix = _mixed_step(k, i, o)
    _, w, g, b, host_b, host_j_b, host_0, _ = k
    flops, moved, cache = _work(w, b, 0.0, rates)  # decode-only steps
    t_dec, e_dec = group_step(flops, moved, b, g, host_b, host_j_b, scalar, False, cache)
    flops, moved, cache = _work(w, 0.0, i, rates)  # the isolated prefill step: its time (the time to first token)
    t_pre = group_step(flops, moved, i, g, host_0, 0.0, scalar, True, cache)[0]
    share = o / b
    # the request's tokens come every mixed step, less its own prompt's part of them (1/B of the prompt work, which
    # the time to first token already holds): at B = 1, TTFT + O decode-only steps
    return e_mix * share, e_dec * share, t_mix, (i > 0) * t_pre + o * (t_mix - (t_mix - t_dec) / b)


def request_mixed(k: RequestConstants, input_tokens: Num, output_tokens: Num) -> tuple[Num, Num]:
    """``(energy_j, step_time_s)`` of :func:`request_energy` alone: its mixed steps, the same expressions on the same
    constants (the same values to the bit; a test compares them), without the decode-only and prefill steps.
    :func:`.sizing.request_joules` compares requests on these two (a third of the work on the batch API's rows)."""
    t_mix, e_mix = _mixed_step(k, input_tokens, output_tokens)[2:]
    return e_mix * (output_tokens / k[3]), t_mix  # k[3]: the batch B


def _mixed_step(k: RequestConstants, i: Num, o: Num) -> tuple[tuple[Num, Num, Num, Num], bool, Num, Num]:
    """``(rates, scalar, step_time_s, energy_j)`` of a request's mixed steps (B decoding sequences, B·I/O prompt
    tokens): the part :func:`request_energy` and :func:`request_mixed` share (``rates`` and ``scalar`` serve the
    former's other two steps)."""
    r, w, g, b, host_b, host_j_b, _, numbers = k
    decode_ctx = i + 0.5 * o
    scalar = numbers and type(decode_ctx) is float  # Python numbers in (a numpy input makes decode_ctx numpy)
    rates = _rates(r, decode_ctx, 0.5 * i)
    p = b * i / o
    flops, moved, cache = _work(w, b, p, rates)
    t_mix, e_mix = group_step(flops, moved, b + p, g, host_b, host_j_b, scalar, False, cache)
    return rates, scalar, t_mix, e_mix


def llm_request(c: Any, dev: Device, eng: Engine, n: Num, batch: Num, input_tokens: Num, output_tokens: Num
                ) -> tuple[Num, Num, Num, Num]:
    """One request of ``I`` input and ``O`` output tokens in a steady continuous batch of ``B`` sequences:
    ``(energy_j, decode_energy_j, step_time_s, latency_s)``.

    Steady state: every step decodes ``B`` sequences (mean context ``I + O/2``) and admits ``B·I/O`` prompt tokens
    (chunked prefill, mean context ``I/2``; Agrawal et al. 2024, arXiv:2403.02310). The request's share is ``O/B`` of
    those mixed steps (``energy_j``); ``decode_energy_j`` is the same share of decode-only steps, so the prefill
    attributed to the request is the difference (the marginal cost of folding its prompt into the steps).
    ``latency_s`` is the time to first token, one prefill-only step over the prompt (isolated, compute-bound,
    power-capped), plus ``O`` inter-token times: a mixed step less the request's own share of its prompt work (the
    other ``B − 1`` sequences' prompt chunks slow its tokens; its own prompt is in the time to first token). Until
    0.3.0 it was TTFT + ``O`` mixed steps, which counted the request's own prompt twice (2 × TTFT at ``B = O = 1``).
    The three steps are :func:`llm_step`'s (:func:`request_energy`), sharing their per-unit work and the engine's
    host terms.
    """
    return request_energy(request_constants(c, dev, eng, n, batch), input_tokens, output_tokens)


def isolated_prefill(c: Any, dev: Device, eng: Engine, n: Num, input_tokens: Num) -> tuple[Num, Num]:
    """``(time_s, energy_j)`` of a prefill-only step over ``input_tokens`` prompt tokens (a request with one output
    token served alone): compute-bound at the power-capped achievable throughput."""
    t, e, _, _ = llm_step(c, dev, eng, n, 0.0 * input_tokens, input_tokens, 0.0, 0.5 * input_tokens)
    return t, e
