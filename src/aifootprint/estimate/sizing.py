"""How many accelerators a request needs: the weights plus the KV cache the batch really holds, against the memory a
serving engine uses."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from aifootprint.errors import InputError

from .arch import kv_bytes_per_seq
from .bounds import MAX_ACCELERATORS as MAX_ACCELERATORS  # defined with the other accepted ranges; re-exported

if TYPE_CHECKING:
    from .arch import TokenCosts
    from .calibration import Calibration

#: Fraction of accelerator memory usable for weights + KV cache: vLLM's ``gpu_memory_utilization`` default 0.9
#: (docs.vllm.ai, engine arguments).
MEMORY_UTILIZATION = 0.9


def memory_needed_bytes(costs: TokenCosts, batch: int, context_tokens: float) -> float:
    """Weights plus the KV cache of ``batch`` sequences of ``context_tokens``."""
    return costs.resident_weight_bytes + batch * kv_bytes_per_seq(costs, context_tokens)


def accelerators_needed(costs: TokenCosts, cal: Calibration, batch: int, context_tokens: float) -> int:
    """Smallest power of two (≤ :data:`MAX_ACCELERATORS`) whose usable memory holds weights + KV cache."""
    need = memory_needed_bytes(costs, batch, context_tokens)
    usable = cal.memory_bytes * MEMORY_UTILIZATION
    n = 1
    while n * usable < need:
        n *= 2
        if n > MAX_ACCELERATORS:
            raise InputError(
                f"model does not fit: needs {need / 1e9:,.0f} GB (weights + KV cache for batch {batch} × "
                f"{context_tokens:,.0f} tokens), more than {MAX_ACCELERATORS} × {cal.name} "
                f"({MAX_ACCELERATORS * usable / 1e9:,.0f} GB usable); lower --batch or use --precision int4"
            )
    return n


#: How many accelerator counts (the smallest power of two that holds the weights, then the next ones) get
#: precomputed context limits in :func:`context_limits`. A cache size, not a physical figure: a request needing a
#: larger count gets the same answer from :func:`accelerators_needed` (a few memory evaluations more), while each
#: listed count costs a bisection when an estimator is built. 2 answers 95.7 % of chat-scale requests (contexts
#: up to 8,192 tokens) and 76.6 % of all contexts up to each model's window without that fallback; 3 would answer
#: 99.3 % / 87.2 % (every registry model on H100, B200, A100-80GB and L4 at the default batch, contexts doubling
#: from 256 tokens: ``benchmarks/limited_counts.py``).
LIMITED_COUNTS = 2


def context_limits(costs: TokenCosts, cal: Calibration, batch: int, fixed: int | None = None
                   ) -> tuple[tuple[float, float, int], ...]:
    """``(fits, too_big, n)`` for the first :data:`LIMITED_COUNTS` powers of two ``n`` whose usable memory holds the
    weights: the largest whole context [tokens] whose weights + KV cache fit on ``n`` accelerators and the next whole
    context (bisection on :func:`memory_needed_bytes`, which never decreases with the context).

    So a context (≥ 0) at most ``fits`` needs ``n`` accelerators when it is at least ``too_big`` for every smaller
    count listed, without evaluating the memory; one between the two bounds is left to :func:`accelerators_needed`
    (:meth:`.inference.RequestEstimator.accelerators_for`). With a ``fixed`` count (``--accelerators``) the one entry
    is for ``fixed`` against its physical memory (what a forced count must fit), none when not even the weights fit."""
    if fixed is not None:
        bounds = _context_bounds(costs, batch, fixed * cal.memory_bytes)
        return () if bounds is None else ((*bounds, fixed),)
    usable = cal.memory_bytes * MEMORY_UTILIZATION
    out: list[tuple[float, float, int]] = []
    n = 1
    while n <= MAX_ACCELERATORS and len(out) < LIMITED_COUNTS:
        bounds = _context_bounds(costs, batch, n * usable)
        if bounds is not None:
            out.append((*bounds, n))
        n *= 2
    return tuple(out)


def _context_bounds(costs: TokenCosts, batch: int, cap: float) -> tuple[float, float] | None:
    """The largest whole context whose weights + KV cache fit in ``cap`` bytes and the next whole context (both
    +inf without a KV cache); None when not even the weights fit."""
    if memory_needed_bytes(costs, batch, 0.0) > cap:
        return None
    lo, hi = 0.0, 1.0  # invariant: lo fits
    while memory_needed_bytes(costs, batch, hi) <= cap and hi < 2.0**60:
        lo, hi = hi, 2.0 * hi
    if hi >= 2.0**60:  # no KV cache: every context fits
        lo = hi = math.inf
    while hi - lo > 1.0:  # lo fits, hi does not
        mid = float(math.floor((lo + hi) / 2.0))
        if memory_needed_bytes(costs, batch, mid) <= cap:
            lo = mid
        else:
            hi = mid
    return lo, hi
