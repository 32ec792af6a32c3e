"""How many accelerators a request needs: the weights plus the KV cache the batch really holds, against the memory a
serving engine uses."""

from __future__ import annotations

import math
from functools import partial
from typing import TYPE_CHECKING, Any

from aifootprint.errors import InputError

from .arch import kv_bytes_per_seq
from .bounds import MAX_ACCELERATORS as MAX_ACCELERATORS  # defined with the other accepted ranges; re-exported
from .physics import kv_copies, request_constants, request_mixed

if TYPE_CHECKING:
    from collections.abc import Callable

    from aifootprint.notice import Notice

    from .arch import TokenCosts
    from .calibration import Calibration
    from .physics import Device, Engine, Num, RequestConstants

#: Fraction of accelerator memory usable for weights + KV cache: vLLM's ``gpu_memory_utilization`` default 0.9
#: (docs.vllm.ai, engine arguments).
MEMORY_UTILIZATION = 0.9


def memory_needed_bytes(costs: TokenCosts, batch: int, context_tokens: float, n: float = 1.0) -> float:
    """Weights plus the KV cache (with its copies on ``n`` accelerators once tensor parallelism is wider than the KV
    heads, :func:`.physics.kv_copies`: the copies the steps read) and recurrent state of ``batch`` sequences of
    ``context_tokens``, summed over the ``n`` accelerators."""
    state = costs.state_bytes_per_seq
    kv = kv_bytes_per_seq(costs, context_tokens) - state
    copies = float(kv_copies(float(n), costs.kv_shards))  # floats in: a float out (the scalar branch)
    return costs.resident_weight_bytes + batch * (kv * copies + state)


def fits(costs: TokenCosts, batch: int, context_tokens: float, n: int, bytes_each: float) -> bool:
    """Whether ``n`` accelerators of ``bytes_each`` hold the weights and the batch's KV cache (with its copies)."""
    return memory_needed_bytes(costs, batch, context_tokens, float(n)) <= n * bytes_each


def least_accelerators(costs: TokenCosts, batch: int, context_tokens: float, bytes_each: float) -> int | None:
    """The smallest count (any integer ≤ :data:`MAX_ACCELERATORS`) that holds the request in ``bytes_each`` per
    accelerator, or None when no count does (the KV cache per accelerator stops shrinking once tensor parallelism
    is wider than the KV heads)."""
    for n in range(1, MAX_ACCELERATORS + 1):
        if fits(costs, batch, context_tokens, n, bytes_each):
            return n
    return None


#: A context [tokens] beyond which :class:`FitBounds` stops doubling in its search for where a batch stops fitting
#: (larger contexts are evaluated; float integers are exact up to 2**53). A search bound, not a physical figure.
_BOUND_CAP = 2.0**52


#: Context ranges a :class:`FitBounds` keeps per question (a search's answers are piecewise constant in the context,
#: a few pieces each; a cache size, not a physical figure).
KEPT_RANGES = 64


class FitBounds:
    """:func:`fits` at a model's usable memory (:data:`MEMORY_UTILIZATION`) with, per (batch, count), the largest
    whole context known to fit and the smallest known not to (a bisection the first time the pair is asked): the
    memory never decreases with the context (:func:`memory_needed_bytes`), so a context at most the first fits and
    one at least the second does not, without evaluating the memory; one between them (not a whole number), negative,
    or not finite is evaluated. The same answers as :func:`fits`, so the searches that take it
    (:func:`accelerators_needed`, :func:`narrower_options`) give the same answers, at a dictionary look-up per
    step instead of the memory equation (an estimator keeps one, shared with its lowered-batch copies)."""

    __slots__ = ("_bounds", "_kept", "cal", "costs", "usable")

    def __init__(self, costs: TokenCosts, cal: Calibration) -> None:
        self.costs = costs
        self.cal = cal
        self.usable = cal.memory_bytes * MEMORY_UTILIZATION
        self._bounds: dict[tuple[int, int], tuple[float, float]] = {}
        #: per question (:meth:`kept`), the answers found with the context range over which they hold
        self._kept: dict[Any, list[tuple[float, float, Any]]] = {}

    def fits(self, batch: int, context_tokens: float, n: int, span: list[float] | None = None) -> bool:
        """:func:`fits` of ``batch`` sequences of ``context_tokens`` on ``n`` accelerators' usable memory. ``span``
        (``[start, end]``, a search's own: :meth:`kept`) is narrowed to the contexts over which this answer holds
        (emptied, start > end, when the memory was evaluated: it holds for this context alone)."""
        if 0.0 <= context_tokens < math.inf:
            got = self._bounds.get((batch, n))
            if got is None:
                got = self._bounds[(batch, n)] = self._search(batch, n)
            lo = got[0]
            if context_tokens <= lo:
                if span is not None and lo < span[1]:
                    span[1] = lo
                return True
            hi = got[1]
            if context_tokens >= hi:
                if span is not None and hi > span[0]:
                    span[0] = hi
                return False
        if span is not None:
            span[0], span[1] = math.inf, -math.inf
        return fits(self.costs, batch, context_tokens, n, self.usable)

    def kept(self, question: Any, context_tokens: float, answer: Callable[[list[float]], Any]) -> Any:
        """``answer(span)``, a search whose only use of ``context_tokens`` is :meth:`fits` with that ``span`` (so the
        same answer wherever every :meth:`fits` it asked answers the same): kept with the range of contexts over which
        they all do, and given for any context in a kept range without the search. ``question`` names the search
        and its other arguments. At most :data:`KEPT_RANGES` ranges per question (then emptied). A context that is
        negative or not finite is searched (as :meth:`fits` evaluates it)."""
        if not 0.0 <= context_tokens < math.inf:
            return answer([math.inf, -math.inf])
        ranges = self._kept.get(question)
        if ranges is None:
            ranges = self._kept[question] = []
        for start, end, got in ranges:
            if start <= context_tokens <= end:
                return got
        span = [-math.inf, math.inf]
        got = answer(span)
        if span[0] <= context_tokens <= span[1]:
            if len(ranges) >= KEPT_RANGES:
                ranges.clear()
            ranges.append((span[0], span[1], got))
        return got

    def _search(self, batch: int, n: int) -> tuple[float, float]:
        """(largest whole context that fits, smallest whole context that does not; +inf when none was found below
        :data:`_BOUND_CAP`); (-1, 0) when not even the weights fit (:func:`_fit_limit`)."""
        got = _fit_limit(self.costs, batch, n, self.usable, _BOUND_CAP)
        return (-1.0, 0.0) if got is None else got

    def share(self, other: FitBounds) -> None:
        """Keep the bounds in ``other``'s (which must be of equal ``costs`` and ``cal``: the same memory)."""
        self._bounds = other._bounds

    def accelerators_needed(self, costs: TokenCosts, cal: Calibration, batch: int, context_tokens: float) -> int:
        """:func:`accelerators_needed` (the same signature; ``costs`` and ``cal`` other than this one's: evaluated),
        kept per context range (:meth:`kept`)."""
        if costs is not self.costs or cal is not self.cal:
            return accelerators_needed(costs, cal, batch, context_tokens)
        return self.kept(("count", batch), context_tokens,  # type: ignore[no-any-return]
                         partial(accelerators_needed, costs, cal, batch, context_tokens, self))

    def narrower_options(self, batch: int, context_tokens: float, n: int) -> tuple[tuple[int, int], ...]:
        """:func:`narrower_options` of this one's ``costs`` and ``cal``, kept per context range (:meth:`kept`)."""
        return self.kept(("options", batch, n), context_tokens,  # type: ignore[no-any-return]
                         partial(narrower_options, self.costs, self.cal, batch, context_tokens, n, self))


def accelerators_needed(costs: TokenCosts, cal: Calibration, batch: int, context_tokens: float,
                        bounds: FitBounds | None = None, span: list[float] | None = None) -> int:
    """Smallest power of two (≤ :data:`MAX_ACCELERATORS`) whose usable memory holds weights + KV cache, with the
    cache's copies on groups wider than the KV heads (:func:`memory_needed_bytes`): a wider group still spreads the
    weights, but each accelerator then holds a whole KV head's cache; when no count holds the batch,
    :class:`BatchTooLarge` names the largest batch that fits (:func:`limited_batch`). ``bounds``: the same
    :func:`fits`, kept per (batch, count) (:class:`FitBounds` of these ``costs`` and ``cal``; ``span``:
    :meth:`FitBounds.kept`'s)."""
    usable = cal.memory_bytes * MEMORY_UTILIZATION
    n = 1
    while not (fits(costs, batch, context_tokens, n, usable) if bounds is None
               else bounds.fits(batch, context_tokens, n, span)):
        n *= 2
        if n > MAX_ACCELERATORS:
            raise does_not_fit(costs, cal, batch, context_tokens)
    return n


def kv_group(costs: TokenCosts) -> int:
    """The smallest power of two at least the KV heads (``costs.kv_shards``; :data:`MAX_ACCELERATORS` when the
    cache is never replicated): up to it a wider tensor-parallel group splits the KV cache further; beyond it each
    accelerator holds a whole KV head's cache (:func:`.physics.kv_copies`), so its share stops shrinking."""
    shards = costs.kv_shards
    if shards <= 0.0:
        return MAX_ACCELERATORS
    return min(1 << max(math.ceil(shards) - 1, 0).bit_length(), MAX_ACCELERATORS)


def widest_group(costs: TokenCosts, cal: Calibration, context_tokens: float, bounds: FitBounds | None = None,
                 span: list[float] | None = None) -> int:
    """The widest power-of-two group that needs no justification for a context: :func:`kv_group`, or the smallest
    count whose usable memory holds the weights and one sequence at the context when that is wider (at most
    :data:`MAX_ACCELERATORS`). A batch that needs a wider group is served there only when that costs less per
    request than a lower batch within this group (:meth:`.inference.RequestEstimator.accelerators_for`).
    ``bounds``: the same :func:`fits`, kept (:class:`FitBounds` of these ``costs`` and ``cal``; ``span``:
    :meth:`FitBounds.kept`'s)."""
    usable = cal.memory_bytes * MEMORY_UTILIZATION
    n = 1
    while n < MAX_ACCELERATORS and not (fits(costs, 1, context_tokens, n, usable) if bounds is None
                                        else bounds.fits(1, context_tokens, n, span)):
        n *= 2
    return min(max(kv_group(costs), n), MAX_ACCELERATORS)


def narrower_options(costs: TokenCosts, cal: Calibration, batch: int, context_tokens: float, n: int,
                     bounds: FitBounds | None = None, span: list[float] | None = None
                     ) -> tuple[tuple[int, int], ...]:
    """The groups a serving engine could use instead when ``batch`` needs ``n`` accelerators, more than
    :func:`widest_group`: for each power of two ``m`` from the widest group up to ``n / 2``, the largest power-of-two
    batch below ``batch`` that ``m`` holds, with the smallest count that holds it — ``((b, count), …)``; empty when
    ``n`` is not wider than the widest group. ``bounds``: the same :func:`fits`, kept (:class:`FitBounds` of these
    ``costs`` and ``cal``; ``span``: :meth:`FitBounds.kept`'s)."""
    usable = cal.memory_bytes * MEMORY_UTILIZATION

    def holds(seqs: int, count: int) -> bool:
        return (fits(costs, seqs, context_tokens, count, usable) if bounds is None
                else bounds.fits(seqs, context_tokens, count, span))

    widest = widest_group(costs, cal, context_tokens, bounds, span)
    out: list[tuple[int, int]] = []
    m = widest
    while m < n:
        b = power_of_two_below(batch)
        while b >= 1 and not holds(b, m):
            b //= 2
        if b >= 1:
            count = 1
            while not holds(b, count):
                count *= 2
            if (b, count) not in out:
                out.append((b, count))
        m *= 2
    return tuple(out)


class BatchTooLarge(InputError):
    """No count up to :data:`MAX_ACCELERATORS` holds the batch's KV cache at this context; ``batch`` is the largest
    power-of-two batch that does (:func:`limited_batch`), None when not even one sequence fits."""

    def __init__(self, message: str, batch: int | None) -> None:
        super().__init__(message)
        self.batch = batch


class CheaperBatch(BatchTooLarge):
    """The batch fits only on a group wider than :func:`widest_group` (``wide`` accelerators), and ``batch`` on
    ``narrow`` accelerators costs less per request: a serving engine keeps the narrower group and admits fewer
    sequences (vLLM's scheduler: KV-cache blocks)."""

    def __init__(self, message: str, batch: int, wide: int, narrow: int) -> None:
        super().__init__(message, batch)
        self.wide = wide
        self.narrow = narrow


def limited_notice(exc: InputError, batch: int, context_tokens: float, name: str, lower_batch: int) -> Notice:
    """The notice ``batch-limited`` of a request served at ``lower_batch`` instead of ``batch`` because of ``exc`` (a
    :class:`CheaperBatch`, or a :class:`BatchTooLarge`) on accelerators called ``name``."""
    from aifootprint.notice import Notice

    where = (f"fits only on {exc.wide} × {name}, wider than the model's KV heads (each accelerator "
             f"then holds copies of the cache); estimated at batch {lower_batch} on {exc.narrow}, "
             "which costs less per request" if isinstance(exc, CheaperBatch) else
             f"does not fit on up to {MAX_ACCELERATORS} × {name} (tensor parallelism wider than "
             f"the model's KV heads holds copies of the cache); estimated at batch {lower_batch}, "
             "the largest power of two that fits")
    return Notice(
        "batch-limited", f"batch {batch} × {context_tokens:,.0f} tokens: the KV "
        f"cache {where} (a serving engine admits only the sequences whose KV-cache blocks fit)",
        subject="batch", source="vLLM scheduler (KV-cache blocks)")


#: Entries a :func:`cheaper_batch` memo holds before it is emptied (contexts, step constants and decisions; a
#: cache size, not a physical figure).
CHEAPER_MEMO_SIZE = 8192


def cheaper_batch(costs: TokenCosts, cal: Calibration, device: Device, engine: Engine, batch: int, n: int,
                  input_tokens: float, output_tokens: float, host_w: float,
                  memo: dict[Any, Any] | None = None, bounds: FitBounds | None = None) -> CheaperBatch | None:
    """When ``batch`` needs ``n`` accelerators, more than :func:`widest_group`: a :class:`CheaperBatch` naming the
    lower batch on a narrower group (:func:`narrower_options`) that costs least per request, if one costs less than
    ``batch`` on ``n`` (:func:`request_joules`: accelerator energy plus
    ``host_w`` per accelerator over the request's share of the time; the boundary's idle and PUE terms scale both
    alike), else None. Without it a context just too long for the batch on 64 accelerators dropped from 64 to 8 and
    its energy 4× (Claude 3 Haiku on H200 at batch 64: 32,300 tokens 9.4 Wh, 32,600 tokens 2.4 Wh): the energy of a
    request is now the least of the groups a serving engine could use, and never falls as the request grows.

    ``memo`` (an estimator's) keeps the memory search per context, the step constants per (count, batch) and the
    decision per request size, so a new request size costs one :func:`.physics.request_mixed` call per option;
    ``bounds`` (:class:`FitBounds` of these ``costs`` and ``cal``) the memory per (batch, count)."""
    memo = {} if memo is None else memo
    if len(memo) >= CHEAPER_MEMO_SIZE:
        memo.clear()
    key = (input_tokens, output_tokens, n)
    if key in memo:
        return memo[key]  # type: ignore[no-any-return]
    ctx = input_tokens + output_tokens
    options: tuple[tuple[int, int], ...]
    if bounds is not None:  # kept per context range
        options = bounds.narrower_options(batch, ctx, n)
    else:
        kept = memo.get(("options", ctx, n))
        options = memo[("options", ctx, n)] = narrower_options(costs, cal, batch, ctx, n) if kept is None else kept
    got = None
    if options:
        out = max(output_tokens, 1.0)  # a request generates at least one token (a sizing query may give none)
        best = request_joules(_constants(memo, costs, device, engine, n, batch), n, batch, input_tokens, out, host_w)
        cheapest = None
        for option in options:
            b, narrow = option
            there = request_joules(_constants(memo, costs, device, engine, narrow, b), narrow, b, input_tokens, out,
                                   host_w)
            if there < best:
                best, cheapest = there, option
        if cheapest is not None:
            b, narrow = cheapest
            got = CheaperBatch(
                f"batch {batch} × {ctx:,.0f} tokens needs {n} × {cal.name} (tensor parallelism wider than the "
                f"model's KV heads, each holding copies of the KV cache); batch {b} on {narrow} costs less per "
                f"request; accepted: --batch {b}, or --accelerators {n}", b, n, narrow)
    memo[key] = got
    return got


def _constants(memo: dict[Any, Any], costs: TokenCosts, device: Device, engine: Engine, count: int, seqs: int
               ) -> RequestConstants:
    key = ("constants", count, seqs)
    k = memo.get(key)
    if k is None:
        k = memo[key] = request_constants(costs, device, engine, float(count), float(seqs))
    return k


def request_joules(k: RequestConstants, count: float, seqs: float, input_tokens: Num, output_tokens: Num,
                   host_w: float) -> Num:
    """Energy of a request [J] that :func:`cheaper_batch` compares: accelerators (:func:`.physics.request_energy`'s,
    evaluated alone by :func:`.physics.request_mixed`) plus ``host_w`` per accelerator over the request's share of
    the group's time (floats or arrays)."""
    acc_j, t_step = request_mixed(k, input_tokens, output_tokens)  # request_energy's first and third, alone
    return acc_j + host_w * count * t_step * output_tokens / seqs


def power_of_two_below(batch: float) -> int:
    """The largest power of two strictly below ``batch`` (0 for a batch of 1 or less): the first batch tried when
    the configured one does not fit (:func:`limited_batch`)."""
    return 1 << max(math.ceil(batch) - 1, 0).bit_length() - 1 if batch > 1 else 0


def limited_batch(costs: TokenCosts, cal: Calibration, batch: int, context_tokens: float) -> int | None:
    """The largest power of two below ``batch`` whose KV cache at ``context_tokens`` fits some count up to
    :data:`MAX_ACCELERATORS` (a serving engine admits only the sequences whose KV blocks fit: vLLM's scheduler
    limits the running batch by free KV-cache blocks), or None when one sequence does not fit."""
    usable = cal.memory_bytes * MEMORY_UTILIZATION
    b = power_of_two_below(batch)
    while b >= 1:
        n = 1
        while n <= MAX_ACCELERATORS:
            if fits(costs, b, context_tokens, n, usable):
                return b
            n *= 2
        b //= 2
    return None


def does_not_fit(costs: TokenCosts, cal: Calibration, batch: int, context_tokens: float) -> BatchTooLarge:
    """No count up to :data:`MAX_ACCELERATORS` holds the request: say why and what is accepted; carries the batch
    that would fit (None when not even one sequence does)."""
    lower = limited_batch(costs, cal, batch, context_tokens)
    usable = cal.memory_bytes * MEMORY_UTILIZATION
    need = memory_needed_bytes(costs, batch, context_tokens, float(MAX_ACCELERATORS))
    what = (f"model does not fit: weights + KV cache (with its copies once tensor parallelism is wider than the KV "
            f"heads) for batch {batch} × {context_tokens:,.0f} tokens need {need / 1e9:,.0f} GB on "
            f"{MAX_ACCELERATORS} × {cal.name} ({MAX_ACCELERATORS * usable / 1e9:,.0f} GB usable)")
    if lower is not None:
        return BatchTooLarge(f"{what}; accepted: --batch {lower} or lower", lower)
    return BatchTooLarge(f"{what}, even for one sequence; accepted: a shorter context, or a lower --precision "
                         "(int4, fp8)", None)


#: How many accelerator counts (the smallest power of two that holds the weights, then the next ones) get
#: precomputed context limits in :func:`context_limits`. A cache size, not a physical figure: a request needing a
#: larger count gets the same answer from :func:`accelerators_needed` (a few memory evaluations more), while each
#: listed count costs a bisection when an estimator is built. 2 answers 95.7 % of chat-scale requests (contexts
#: up to 8,192 tokens) and 76.6 % of all contexts up to each model's window without that fallback; 3 would answer
#: 99.3 % / 87.2 % (every registry model on H100, B200, A100-80GB and L4 at the default batch, contexts doubling
#: from 256 tokens: ``benchmarks/limited_counts.py``).
LIMITED_COUNTS = 2


def context_limits(costs: TokenCosts, cal: Calibration, batch: int, fixed: int | None = None
                   ) -> tuple[tuple[float, float, int, bool], ...]:
    """``(fits, too_big, n, contested)`` for the first :data:`LIMITED_COUNTS` powers of two ``n`` whose usable memory
    holds the weights: the largest whole context [tokens] whose weights + KV cache fit on ``n`` accelerators and the
    next whole context (bisection on :func:`memory_needed_bytes`, which never decreases with the context); and
    whether a request that needs ``n`` is served so only if no lower batch costs less (:func:`cheaper_batch`): ``n``
    wider than the KV heads (:func:`kv_group`) while the weights alone fit ``n / 2`` (so that some context's one
    sequence needs a narrower group, :func:`widest_group`; when the weights alone do not, ``n`` is never contested).

    So a context (≥ 0) at most ``fits`` needs ``n`` accelerators when it is at least ``too_big`` for every smaller
    count listed, without evaluating the memory; one between the two bounds is left to :func:`accelerators_needed`
    (:meth:`.inference.RequestEstimator.accelerators_for`). With a ``fixed`` count (``--accelerators``) the one entry
    is for ``fixed`` against its physical memory (what a forced count must fit), none when not even the weights fit."""
    if fixed is not None:
        bounds = _context_bounds(costs, batch, fixed, cal.memory_bytes)
        return () if bounds is None else ((*bounds, fixed, False),)
    usable = cal.memory_bytes * MEMORY_UTILIZATION
    out: list[tuple[float, float, int, bool]] = []
    n = 1
    while n <= MAX_ACCELERATORS and len(out) < LIMITED_COUNTS:
        bounds = _context_bounds(costs, batch, n, usable)
        if bounds is not None:
            out.append((*bounds, n, n > kv_group(costs) and fits(costs, 1, 0.0, n // 2, usable)))
        n *= 2
    return tuple(out)


def _context_bounds(costs: TokenCosts, batch: int, n: int, bytes_each: float) -> tuple[float, float] | None:
    """The largest whole context whose weights + KV cache fit on ``n`` accelerators of ``bytes_each`` and the next
    whole context (both +inf without a KV cache: every power of two up to :data:`_LIMITS_CAP` fits); None when not
    even the weights fit (:func:`_fit_limit`)."""
    got = _fit_limit(costs, batch, n, bytes_each, _LIMITS_CAP)
    if got is None or got[1] < math.inf:
        return got
    return math.inf, math.inf


#: The context [tokens] up to which :func:`_context_bounds` doubles before it reads "every context fits" (no KV
#: cache): what it always did (its doubling stopped at 2**60, the last context it asked being 2**59). A search
#: bound, not a physical figure.
_LIMITS_CAP = 2.0**59


def _fit_limit(costs: TokenCosts, batch: int, n: int, bytes_each: float, cap: float) -> tuple[float, float] | None:
    """(largest whole context whose weights + KV cache fit on ``n`` accelerators of ``bytes_each``, smallest whole
    context that does not): doubling from 1, then bisection on :func:`memory_needed_bytes` (which never decreases
    with the context); ``(last power of two that fits, +inf)`` once every power of two up to ``cap`` fits; None when
    not even the weights fit; past 2**53 tokens, where floats are more than 1 apart, the two neighbouring floats
    (the bisection ended there: before, it looped for ever). The one search behind :class:`FitBounds` and
    :func:`context_limits`."""
    if not fits(costs, batch, 0.0, n, bytes_each):
        return None
    lo, hi = 0.0, 1.0  # invariant: lo fits
    while fits(costs, batch, hi, n, bytes_each):
        lo, hi = hi, 2.0 * hi
        if hi > cap:
            return lo, math.inf
    while hi - lo > 1.0:  # lo fits, hi does not
        mid = float(math.floor((lo + hi) / 2.0))
        if not lo < mid < hi:  # past 2**53 no float lies between them: lo is the largest context that fits
            break
        if fits(costs, batch, mid, n, bytes_each):
            lo = mid
        else:
            hi = mid
    return lo, hi
