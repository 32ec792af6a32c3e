"""Per-request energy attribution for serving processes (batched requests share the measured energy).

A serving process marks each request's start (with its prompt/prefill token count), optionally its first output
token (end of prefill), and its end (with its decode token count). Each sampling interval's measured energy is
split as follows:

1. **Idle remainder**: the part of the interval during which no request was active, ``E x uncovered/duration``,
   is assigned to nobody (it is the server's idle energy).
2. **Busy part**: the rest is split among the requests active in the interval, in proportion to the work each did
   in it. A request's work is ``prefill_weight x prefill tokens + decode_weight x decode tokens``, spread uniformly
   over its prefill phase ``[start, first token]`` and decode phase ``[first token, end]`` (over ``[start, end]``
   when no first-token mark was given). If the active requests did no weighted work at all, the busy part is split
   by active time.

**Weights** (:class:`AttributionWeights`): by default one unit per token in both phases. A transformer's forward
pass costs about 2 x N FLOPs per token whether the token is a prompt token processed in parallel (prefill) or a
generated token (decode) (Kaplan et al. 2020, *Scaling Laws for Neural Language Models*, arXiv:2001.08361,
section 2.1, C_forward ~ 2N + 2 n_layer n_ctx d_attn). Prefill runs those FLOPs at high utilisation in a short
time and decode runs them memory-bound over a long time; placing each phase's work in its own time span (the
first-token mark) is what separates the two, and the weights only set how a request's tokens compare with a
concurrent request's tokens inside one interval. Servers that measured a different ratio (e.g. J per prefill token
vs J per decode token on their hardware) can pass it.

**Exactness**: energies are kept as integers of nanojoules. Each interval's nJ are split with the largest-remainder
method, so for every finalised interval ``sum(requests) + idle == measured total`` holds exactly (``total_nj``,
``idle_nj``, ``RequestEnergy.energy_nj``). Rounding each interval to the nearest nJ is the only approximation.

**Devices read after start()**: a device whose first reading comes after ``Tracker.start()`` (GPUs opened on a
thread of their own while NVML initialises, a first read that failed) is counted back to ``start()`` at its first
reading's power (the run's "bridge"). The tracker gives the attributor that energy at the first reading, cut into
intervals of at most one sampling tick over ``[start, first reading]`` (:func:`.sampling.bridge_intervals`), so a
request served before the first reading gets its share of the device's energy, split as any interval's, and the
intervals add up to the run's energy. It holds every interval until each device has its first reading (at most
``gpu_open_timeout_s``, 30 s by default, after ``start()``), so that no request is finalised before its share of
a bridge has come, however long the GPUs take to open; past that bound the feed goes on without them, and a later
bridge goes to the requests not yet finalised and the idle remainder.

An interval is finalised once no active request started before its end (so every request overlapping it has
ended and its token counts are known); memory is bounded by the longest request, and that by ``max_open_s``
(``TrackerConfig.request_max_open_s``, 3600 s by default): a request still open once the intervals reach
``start + max_open_s`` (a server that forgot its ``end()``) is closed there, with the tokens it was given, and
flagged: ``finished=False`` and the notice ``request-open-too-long`` (:attr:`RequestAttributor.notices`, also in
the tracker's result). Without it one such request held every later interval and request until ``stop()``.
Thread-safe: marks may come from server threads while the tracker's sampler thread adds intervals. An interval's
cost does not grow with the number of requests waiting to settle: with marks in time order the ended requests are
sorted by end, so those that ended before the interval are skipped by bisection and the final ones are the first
ones (finality is monotonic in the end); marks out of order fall back to a full pass, with the same results.
"""

from __future__ import annotations

import bisect
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

NJ_PER_J = 1_000_000_000


@dataclass(frozen=True)
class AttributionWeights:
    """Work per token by phase (dimensionless; see the module docstring for the default of 1 and 1)."""

    prefill_token: float = 1.0
    decode_token: float = 1.0

    def __post_init__(self) -> None:
        if not (self.prefill_token >= 0 and self.decode_token >= 0) or not math.isfinite(
            self.prefill_token + self.decode_token
        ):
            raise ValueError("token weights must be finite and >= 0")


@dataclass(frozen=True)
class RequestEnergy:
    """Energy attributed to one request."""

    request_id: str
    start_s: float
    end_s: float
    prefill_tokens: int
    decode_tokens: int
    energy_nj: int
    finished: bool = True

    @property
    def energy_j(self) -> float:
        return self.energy_nj / NJ_PER_J

    @property
    def energy_j_per_token(self) -> float | None:
        tokens = self.prefill_tokens + self.decode_tokens
        return self.energy_j / tokens if tokens else None


class _Req:
    __slots__ = ("decode", "end", "first", "prefill", "rid", "start")

    def __init__(self, rid: str, start: float, prefill: int) -> None:
        self.rid, self.start, self.prefill = rid, start, prefill
        self.first: float | None = None
        self.end: float | None = None
        self.decode = 0

    def phases(self, w: AttributionWeights) -> list[tuple[float, float, float]]:
        """(t0, t1, work) spans of the request."""
        end = self.end if self.end is not None else self.start
        p_work, d_work = w.prefill_token * self.prefill, w.decode_token * self.decode
        if self.first is not None and self.start <= self.first <= end:
            return [(self.start, self.first, p_work), (self.first, end, d_work)]
        return [(self.start, end, p_work + d_work)]

    def work_in(self, t0: float, t1: float, w: AttributionWeights) -> float:
        total = 0.0
        for a, b, work in self.phases(w):
            if work <= 0:
                continue
            if b <= a:  # instantaneous phase: all its work where it happens
                if t0 <= a < t1 or (a == t1 and t0 == t1):
                    total += work
                continue
            overlap = min(b, t1) - max(a, t0)
            if overlap > 0:
                total += work * overlap / (b - a)
        return total


def _end_of(req: _Req) -> float:
    return req.end if req.end is not None else -math.inf


def split_exact(total: int, weights: list[float]) -> list[int]:
    """Split an integer ``total`` in proportion to ``weights`` (>= 0, sum > 0); the parts sum to ``total`` exactly."""
    w_sum = math.fsum(weights)
    raw = [total * w / w_sum for w in weights]
    parts = [math.floor(x) for x in raw]
    diff = total - sum(parts)
    order = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    i = 0
    while diff > 0:
        parts[order[i % len(order)]] += 1
        diff -= 1
        i += 1
    while diff < 0:  # float rounding pushed a floor above its share
        j = max(range(len(parts)), key=lambda k: parts[k])
        parts[j] -= 1
        diff += 1
    return parts


def _covered(spans: list[tuple[float, float]], t0: float, t1: float) -> float:
    """Length of the union of ``spans`` inside [t0, t1]."""
    clipped = sorted((max(a, t0), min(b, t1)) for a, b in spans if min(b, t1) > max(a, t0))
    length, cur_a, cur_b = 0.0, None, None
    for a, b in clipped:
        if cur_b is None or a > cur_b:
            if cur_a is not None and cur_b is not None:
                length += cur_b - cur_a
            cur_a, cur_b = a, b
        else:
            cur_b = max(cur_b, b)
    if cur_a is not None and cur_b is not None:
        length += cur_b - cur_a
    return length


class RequestAttributor:
    """Split measured energy among requests. See the module docstring.

    ``clock`` gives the time of marks made without ``t_s`` (use the tracker's clock: :meth:`attach` does it).
    ``on_complete`` is called with each request once its energy is final.
    """

    def __init__(
        self,
        weights: AttributionWeights | None = None,
        *,
        clock: Callable[[], float] | None = None,
        on_complete: Callable[[RequestEnergy], None] | None = None,
        keep: int | None = 100_000,
        settle_s: float = 0.0,
        max_open_s: float | None = None,
    ) -> None:
        from .config import REQUEST_MAX_OPEN_S

        self.weights = weights or AttributionWeights()
        self.settle_s = settle_s
        self.max_open_s = REQUEST_MAX_OPEN_S if max_open_s is None else float(max_open_s)
        if not 0 < self.max_open_s < math.inf:
            raise ValueError(f"max_open_s must be a finite number of seconds > 0, got {max_open_s!r}")
        self._expired: set[str] = set()  # closed at max_open_s, not yet final (finished=False)
        self._expired_ids: list[str] = []  # the first few closed so (named in the notice)
        self._closed_at_limit: set[str] = set()  # every id closed so: its late marks are ignored, not refused
        self.late_end_count = 0  # end() calls that came for a request already closed at max_open_s
        self.expired_count = 0
        self._clock = clock or time.monotonic
        self._on_complete = on_complete
        self._lock = threading.Lock()
        self._intervals: deque[tuple[float, float, int]] = deque()
        self._active: dict[str, _Req] = {}
        self._ended: list[_Req] = []  # ended, not yet final, in order of their end marks
        self._ended_sorted = True  # their ends never decrease along _ended (marks in time order): _split bisects
        self._min_end = math.inf  # the earliest end in _ended (_flush: none can be final before it is)
        self._energy: dict[str, int] = {}
        self._last_t1 = -math.inf
        self.total_nj = 0
        self.idle_nj = 0
        self._completed_nj = 0
        #: The most recent completed requests (at most ``keep``; all their energy stays in the totals).
        self.completed: deque[RequestEnergy] = deque(maxlen=keep)

    @classmethod
    def attach(cls, tracker: Any, weights: AttributionWeights | None = None,
               on_complete: Callable[[RequestEnergy], None] | None = None) -> RequestAttributor:
        """An attributor fed by ``tracker``'s sampling intervals and using its clock."""
        from .smoothing import HOLD_MAX_S

        # intervals of a coarse-counter device may arrive up to HOLD_MAX_S late: requests wait that long to settle
        attributor = cls(weights, clock=tracker.elapsed_s, on_complete=on_complete, settle_s=HOLD_MAX_S,
                         max_open_s=tracker.config.request_max_open_s)
        tracker.add_interval_listener(attributor.add_interval)
        return attributor

    # -- marks ------------------------------------------------------------------------------------------------
    def start(self, request_id: str, prefill_tokens: int = 0, t_s: float | None = None) -> None:
        """A request arrived (its prompt of ``prefill_tokens`` tokens is about to be processed)."""
        with self._lock:
            if request_id in self._active or request_id in self._energy:
                raise ValueError(f"request {request_id!r} already started")
            self._active[request_id] = _Req(request_id, self._now(t_s), _tokens(prefill_tokens, "prefill_tokens"))
            self._energy[request_id] = 0

    def first_token(self, request_id: str, t_s: float | None = None) -> None:
        """The first output token was produced (prefill is over). Ignored for a request already closed at
        ``max_open_s``."""
        with self._lock:
            if request_id in self._closed_at_limit and request_id not in self._active:
                return
            self._get(request_id).first = self._now(t_s)

    def end(self, request_id: str, decode_tokens: int = 0, t_s: float | None = None,
            prefill_tokens: int | None = None) -> None:
        """The request finished after generating ``decode_tokens`` tokens. For a request already closed at
        ``max_open_s`` the call is ignored and counted (``late_end_count``, named in the notice): a server's
        handler that streams past the limit must not get an exception; its energy stays cut at the limit."""
        with self._lock:
            if request_id in self._closed_at_limit and request_id not in self._active:
                self.late_end_count += 1
                return
            req = self._get(request_id)
            end = self._now(t_s)  # (checked before anything changes: a refused mark leaves the request active)
            decode = _tokens(decode_tokens, "decode_tokens")
            prefill = None if prefill_tokens is None else _tokens(prefill_tokens, "prefill_tokens")
            req.end = max(req.start, end)
            req.decode = decode
            if prefill is not None:
                req.prefill = prefill
            del self._active[request_id]
            self._add_ended(req)
            self._flush()

    # -- energy -----------------------------------------------------------------------------------------------
    def add_interval(self, t0_s: float, t1_s: float, energy_j: float) -> None:
        """Measured energy of the interval ``[t0_s, t1_s]`` (the tracker's listener signature)."""
        with self._lock:
            nj = max(0, round(energy_j * NJ_PER_J))
            self._intervals.append((t0_s, max(t0_s, t1_s), nj))
            self._last_t1 = max(self._last_t1, t1_s)
            self._flush()

    def finish(self) -> list[RequestEnergy]:
        """Close still-active requests at the last interval's end (flagged unfinished) and finalise everything."""
        with self._lock:
            end = self._last_t1 if math.isfinite(self._last_t1) else 0.0
            for req in list(self._active.values()):
                req.end = max(req.start, end)
                self._add_ended(req)
            unfinished = set(self._active)
            self._active.clear()
            self._flush(final=True, unfinished=unfinished)
            return list(self.completed)

    @property
    def notices(self) -> tuple[Any, ...]:
        """``request-open-too-long`` once a request was closed at ``max_open_s`` (one notice: count, first ids)."""
        if not self.expired_count:
            return ()
        from ..notice import Notice

        names = ", ".join(repr(r) for r in self._expired_ids) + (" …" if self.expired_count > 3 else "")
        return (Notice("request-open-too-long", f"{self.expired_count} request(s) still open {self.max_open_s:g} s "
                       f"after their start ({names}) were closed there and flagged unfinished (finished=False): "
                       "their end() had not come; their energy stops at that time"
                       + (f" ({self.late_end_count} end() call(s) came later and were ignored)"
                          if self.late_end_count else ""), "requests"),)

    @property
    def attributed_nj(self) -> int:
        """nJ given to requests so far (complete and in progress)."""
        with self._lock:
            return sum(self._energy.values()) + self._completed_nj

    # -- internals --------------------------------------------------------------------------------------------
    def _now(self, t_s: float | None) -> float:
        """The mark's time: ``t_s``, else the clock. A time that is not a finite number is refused (ValueError): a
        NaN start kept every later interval waiting for it, so no request was ever finalised and the queue grew by
        ``hz`` intervals a second for the process's life."""
        if t_s is None:
            return self._clock()
        t = float(t_s)
        if not math.isfinite(t):
            raise ValueError(f"t_s must be a finite time in seconds, got {t_s!r}")
        return t

    def _get(self, request_id: str) -> _Req:
        try:
            return self._active[request_id]
        except KeyError:
            raise ValueError(f"request {request_id!r} is not active (never started, already ended, or closed "
                             f"{self.max_open_s:g} s after its start: max_open_s)") from None

    def _flush(self, final: bool = False, unfinished: set[str] | None = None) -> None:
        frontier = min((r.start for r in self._active.values()), default=math.inf)
        if frontier + self.max_open_s <= self._last_t1 and not final:  # open too long: closed at the limit
            for req in sorted((r for r in self._active.values() if r.start + self.max_open_s <= self._last_t1),
                              key=lambda r: r.start):
                req.end = req.start + self.max_open_s
                del self._active[req.rid]
                self._expired.add(req.rid)
                self._closed_at_limit.add(req.rid)
                self.expired_count += 1
                if len(self._expired_ids) < 3:
                    self._expired_ids.append(req.rid)
                self._add_ended(req)
            frontier = min((r.start for r in self._active.values()), default=math.inf)
        done_t1 = -math.inf
        while self._intervals and (final or self._intervals[0][1] <= frontier):
            t0, t1, nj = self._intervals.popleft()
            self._split(t0, t1, nj)
            done_t1 = t1
        if done_t1 == -math.inf and not final:
            return
        if not final and not self._may_complete(self._min_end, done_t1):
            return  # the test is monotonic in the end: if the earliest end fails it, every one does
        if not final and self._ended_sorted:  # ...so the final ones are the first ones: no pass over the rest
            ended, k = self._ended, 0
            while k < len(ended) and self._may_complete(_end_of(ended[k]), done_t1):
                self._complete(ended[k], finished=ended[k].rid not in self._expired)
                k += 1
            del ended[:k]
            first = _end_of(ended[0]) if ended else math.inf
            self._min_end = first if first == first else math.inf  # (NaN: never final before finish())
            return
        keep: list[_Req] = []
        for req in self._ended:
            if final or (req.end is not None and self._may_complete(req.end, done_t1)):
                cut = bool(unfinished and req.rid in unfinished) or req.rid in self._expired
                self._complete(req, finished=not cut)
            else:
                keep.append(req)
        self._ended = keep
        self._min_end, self._ended_sorted, last = math.inf, True, -math.inf
        for req in keep:
            end = _end_of(req)
            if not end >= last:
                self._ended_sorted = False
            last = end
            if end < self._min_end:  # (a NaN end is never final before finish(): not the earliest)
                self._min_end = end

    def _may_complete(self, end: float, done_t1: float) -> bool:
        """A request that ended at ``end`` is final: settled (``settle_s`` of intervals after its end came), every
        interval it overlaps split (``done_t1``), none before its end still waiting."""
        return end + self.settle_s <= self._last_t1 and end <= done_t1 and not self._intervals_before(end)

    def _add_ended(self, req: _Req) -> None:
        end = _end_of(req)
        if self._ended and not end >= _end_of(self._ended[-1]):
            self._ended_sorted = False  # a mark out of time order (or NaN): _split scans them all
        self._ended.append(req)
        if end < self._min_end:
            self._min_end = end

    def _intervals_before(self, t: float) -> bool:
        return bool(self._intervals) and self._intervals[0][0] < t

    def _split(self, t0: float, t1: float, nj: int) -> None:
        self.total_nj += nj
        ended = self._ended
        if self._ended_sorted and ended:  # skip those that ended before t0 (most: they wait settle_s to be final)
            ended = ended[bisect.bisect_left(ended, t0, key=_end_of):]
        reqs = [r for r in ended if r.end is not None and r.start <= t1 and r.end >= t0]
        duration = t1 - t0
        spans = [(r.start, r.end if r.end is not None else r.start) for r in reqs]
        busy_fraction = _covered(spans, t0, t1) / duration if duration > 0 else float(bool(reqs))
        works = [r.work_in(t0, t1, self.weights) for r in reqs]
        if sum(works) <= 0:  # no weighted work: split by active time
            works = [max(0.0, min(t1, b) - max(t0, a)) for a, b in spans]
        if not reqs or sum(works) <= 0:
            self.idle_nj += nj
            return
        busy = round(nj * min(1.0, busy_fraction))
        self.idle_nj += nj - busy
        for req, part in zip(reqs, split_exact(busy, works), strict=True):
            self._energy[req.rid] += part

    def _complete(self, req: _Req, finished: bool = True) -> None:
        self._expired.discard(req.rid)
        energy = RequestEnergy(req.rid, req.start, req.end if req.end is not None else req.start, req.prefill,
                               req.decode, self._energy.pop(req.rid, 0), finished)
        self.completed.append(energy)
        self._completed_nj += energy.energy_nj
        if self._on_complete is not None:
            self._on_complete(energy)


def _tokens(value: float, name: str) -> int:
    """A token count as a non-negative int (a negative count is 0, as before); a count that is not a finite number
    is refused with a ValueError naming it (``inf`` raised OverflowError from ``int()``)."""
    count = float(value)
    if not math.isfinite(count):
        raise ValueError(f"{name} must be a finite number of tokens, got {value!r}")
    return max(0, int(count))
