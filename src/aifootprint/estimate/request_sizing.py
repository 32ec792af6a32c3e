"""How a :class:`.inference.RequestEstimator` sizes a request: the accelerator count (the precomputed context limits,
else a kept search), a forced count checked against the memory, and the lower batch a context raises when the batch
does not hold it, or holds it only on a wider, costlier group (:class:`.sizing.BatchTooLarge`,
:class:`.sizing.CheaperBatch`; the estimator serves it at that batch: ``RequestEstimator.at_batch``).

:class:`RequestSizing` is the estimator's base class (its methods, the estimator's state); this module imports only
``aifootprint.errors``, as :mod:`.inference` (import time, issue 12). Equations: :mod:`.sizing`.
"""

from __future__ import annotations

from aifootprint.errors import InputError

TYPE_CHECKING = False  # typing is not imported at run time (import time, issue 12)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from aifootprint.notice import Notice

    from .arch import TokenCosts
    from .calibration import Calibration
    from .config import RequestConfig
    from .models import ResolvedModel
    from .physics import Device, Engine, RequestConstants
    from .sizing import FitBounds

#: Contexts remembered per estimator as too long for its batch (each answered without the sizing search again).
TOO_LARGE_CACHE_SIZE = 1024
#: Contexts whose searched accelerator count an estimator keeps (dropped whole when full; a search: a few fits).
COUNT_CACHE_SIZE = 4096


def context_error(model: str, limit: float, input_tokens: float, output_tokens: float) -> InputError:
    """A request longer than the model's context window: the model cannot take it, whatever the accelerators."""
    from aifootprint.numfmt import exact

    return InputError(f"{model} takes at most {limit:,.0f} tokens of input + output (context_length, models.csv); "
                      f"got {exact(input_tokens)} + {exact(output_tokens)}; accepted: input + output ≤ {limit:,.0f}")


class RequestSizing:
    """The sizing methods of :class:`.inference.RequestEstimator` (its base class; the state is the estimator's,
    set in its ``__init__``)."""

    __slots__ = ()

    if TYPE_CHECKING:  # the estimator's attributes these methods use (RequestEstimator.__init__)
        config: RequestConfig
        model: ResolvedModel
        precision: str
        costs: TokenCosts
        cal: Calibration
        device: Device
        engine: Engine
        _accelerators_needed: Callable[[TokenCosts, Calibration, int, float], int]
        _batch: int
        _context_max: float
        _contested: dict[Any, Any]
        _counts: dict[float, int]
        _fit: FitBounds
        _fixed_n: int | None
        _host_w: float
        _kv_group: int
        _memory_needed_bytes: Callable[[TokenCosts, int, float, float], float]
        _sizes: tuple[tuple[float, float, int, RequestConstants, bool], ...]
        _sizing: Any
        _too_large: dict[float, InputError]

        def _plan(self, n: int) -> RequestConstants: ...

    def accelerators_for(self, input_tokens: float, output_tokens: float) -> int:
        """Accelerators used for a request of this size (fixed by the config, or the smallest that fits).

        A forced count that fits the physical memory but not vLLM's usable share (:data:`MEMORY_UTILIZATION`) is
        honoured (see :meth:`fit_notice`); one that exceeds the physical memory is refused."""
        return self._sized(input_tokens, output_tokens)[0]

    def _sized(self, input_tokens: float, output_tokens: float) -> tuple[int, RequestConstants]:
        """The accelerator count of a request and the physics constants of that count: the precomputed context
        limits first (:func:`.sizing.context_limits`, no memory evaluation), else :meth:`_count`."""
        ctx = input_tokens + output_tokens
        if ctx > self._context_max:
            raise context_error(self.model.key, self._context_max, input_tokens, output_tokens)
        for fits, too_big, n, plan, contested in self._sizes:
            if ctx <= fits:
                if contested:
                    self._contest(input_tokens, output_tokens, n)
                return n, plan
            if ctx < too_big:
                break
        n = self._count(input_tokens, output_tokens)
        return n, self._plan(n)

    def _count(self, input_tokens: float, output_tokens: float) -> int:
        """:meth:`accelerators_for` by evaluating the memory (a context outside the precomputed limits). A count
        wider than the KV heads that a lower batch beats on energy per request raises that batch's
        :class:`.sizing.CheaperBatch` (served at it, as a context too long for the batch)."""
        n = self._fixed_n
        if n is None:
            n = self._searched(input_tokens + output_tokens)
            if n > self._kv_group:  # wider than the KV heads: served so only if no lower batch costs less
                self._contest(input_tokens, output_tokens, n)
            return n
        return self._forced(input_tokens + output_tokens, n)

    def _contest(self, input_tokens: float, output_tokens: float, n: int) -> None:
        """Raise :class:`.sizing.CheaperBatch` when a lower batch on a narrower group costs less per request than
        this batch on ``n`` accelerators, wider than the KV heads (:func:`.sizing.cheaper_batch`, kept per size)."""
        lower = self._sizing.cheaper_batch(self.costs, self.cal, self.device, self.engine, self._batch, n,
                                           float(input_tokens), float(output_tokens), self._host_w, self._contested,
                                           self._fit)
        if lower is not None:
            raise lower.with_traceback(None)

    def _searched(self, ctx: float) -> int:
        """The smallest power of two that holds the batch at ``ctx`` (:func:`.sizing.accelerators_needed`), kept."""
        sized = self._counts
        n = sized.get(ctx)
        if n is not None:
            return n
        known = self._too_large.get(ctx)
        if known is not None:  # a context already found too long for the batch: its answer, not the search again
            raise known.with_traceback(None)
        try:
            n = self._accelerators_needed(self.costs, self.cal, self._batch, ctx)
        except InputError as exc:
            if len(self._too_large) < TOO_LARGE_CACHE_SIZE:
                self._too_large[ctx] = exc
            raise
        if len(sized) >= COUNT_CACHE_SIZE:
            sized.clear()
        sized[ctx] = n
        return n

    def _forced(self, ctx: float, n: int) -> int:
        """A forced count ``n``: honoured when the request fits its physical memory, else an InputError."""
        need = self._memory_needed_bytes(self.costs, self._batch, ctx, float(n))
        if n * self.cal.memory_bytes < need:
            from .sizing import least_accelerators

            least = least_accelerators(self.costs, self._batch, ctx, self.cal.memory_bytes)  # physical memory
            try:
                auto = self._accelerators_needed(self.costs, self.cal, self._batch, ctx)
                default = f" (without --accelerators: {auto}, sized for a serving engine's memory share)"
            except InputError:
                default = ""
            counts = "a lower --batch" if least is None else f"--accelerators {least} or more, or a lower --batch"
            raise InputError(
                f"model does not fit: {self.model.key} at {self.precision} with batch {self.config.batch} × "
                f"{ctx:,.0f} tokens needs {need / 1e9:,.0f} GB on {n} × {self.cal.name}, more than their "
                f"{n * self.cal.memory_bytes / 1e9:,.0f} GB; accepted: {counts} / --precision{default}"
            )
        return n

    def fit_notice(self, input_tokens: float, output_tokens: float) -> Notice | None:
        """A notice when a forced accelerator count is tighter than a serving engine would accept (weights + KV cache
        above :data:`MEMORY_UTILIZATION` of the memory) or larger than needed; None otherwise."""
        n = self._fixed_n
        if n is None:
            return None
        from .sizing import MEMORY_UTILIZATION

        need = self._memory_needed_bytes(self.costs, self._batch, input_tokens + output_tokens, float(n))
        usable = n * self.cal.memory_bytes * MEMORY_UTILIZATION
        if need > usable:
            from aifootprint.notice import Notice

            return Notice("accelerators-tight", f"--accelerators {n}: weights + KV cache ({need / 1e9:,.0f} GB) exceed "
                          f"the {usable / 1e9:,.0f} GB a serving engine uses at {MEMORY_UTILIZATION:.0%} memory "
                          "utilisation; honoured as asked, but a real deployment would need more accelerators or a "
                          "smaller batch", subject="accelerators", source="vLLM gpu_memory_utilization default")
        return None
