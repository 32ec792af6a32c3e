"""Vectorised per-request estimates: numpy arrays in, arrays out — or a pandas / pyarrow table of requests.

The equations are :func:`aifootprint.estimate.physics.llm_request` — the same code as the per-request path, here on
numpy arrays. Rows are grouped by (model, hardware, precision, batch, boundary, accelerators); each group is
one set of array operations, so millions of requests cost a few dozen numpy passes.

pandas and pyarrow are optional and imported only when a table of that kind is passed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from aifootprint.errors import InputError

from . import boundary as bd
from .arch import TokenCosts
from .calibration import Calibration
from .config import RequestConfig
from .inference import RequestEstimator
from .physics import kv_copies, llm_request, request_constants
from .sizing import MAX_ACCELERATORS, MEMORY_UTILIZATION, power_of_two_below

if TYPE_CHECKING:
    from aifootprint.reference.registry import Registry

F64 = NDArray[np.float64]
#: Output columns, in order.
COLUMNS = ("energy_wh", "prefill_wh", "decode_wh", "host_wh", "idle_wh", "overhead_wh", "latency_s", "accelerators",
           "energy_wh_low", "energy_wh_high")
#: Impact columns added by :func:`estimate_table` (best values of the site's factors, through the impacts core's
#: equations: carbon = energy × grid intensity; water = Li et al. 2023 on the IT energy).
IMPACT_COLUMNS = ("carbon_g", "water_l")
#: Optional per-row configuration columns of a request table (else the ``config`` argument applies).
CONFIG_COLUMNS = ("model", "hardware", "precision", "batch", "boundary", "accelerators", "engine")


def _kv_bytes_per_seq(c: TokenCosts, ctx: F64) -> F64:
    """KV-cache bytes of one sequence per row (:func:`.arch.kv_bytes_per_seq` without the recurrent state, on
    arrays)."""
    local = np.minimum(ctx, c.local_window) if c.local_window else ctx
    return c.kv_bytes_per_ctx * ctx + c.local_kv_bytes_per_ctx * local


def _accelerators(c: TokenCosts, cal: Calibration, batch: float, ctx: F64, fixed: int | None) -> NDArray[np.int64]:
    """Smallest power of two holding weights + KV cache (with its copies once tensor parallelism is wider than the
    KV heads, :func:`.sizing.memory_needed_bytes`) per row, or ``fixed``; InputError when it does not fit."""
    with np.errstate(over="ignore", invalid="ignore"):  # an absurd context overflows to inf: refused just below
        kv = batch * _kv_bytes_per_seq(c, ctx)
        rest = c.resident_weight_bytes + batch * c.state_bytes_per_seq
    if not np.all(np.isfinite(kv)):
        raise InputError(f"model does not fit on any number of {cal.name} for some requests (a context of "
                         f"{float(np.max(ctx)):g} tokens)")
    if fixed is not None:  # honoured when it fits the physical memory (as RequestEstimator.accelerators_for)
        need = rest + kv * kv_copies(float(fixed), c.kv_shards)
        if np.any(need > fixed * cal.memory_bytes):
            from .sizing import least_accelerators

            worst = int(np.argmax(need))
            least = least_accelerators(c, int(batch), float(ctx.flat[worst]), cal.memory_bytes)
            counts = "a lower batch" if least is None else f"--accelerators {least} or more, or a lower batch"
            raise InputError(
                f"model does not fit on {fixed} × {cal.name} for some requests (needs up to "
                f"{float(need.flat[worst]) / 1e9:,.0f} GB, {fixed * cal.memory_bytes / 1e9:,.0f} GB of memory); "
                f"accepted: {counts}")
        return np.full(ctx.shape, fixed, dtype=np.int64)
    usable = cal.memory_bytes * MEMORY_UTILIZATION
    n = np.zeros(ctx.shape, dtype=np.int64)
    k = 1
    while k <= MAX_ACCELERATORS:  # powers of two, as sizing.accelerators_needed
        n[(n == 0) & (rest + kv * kv_copies(float(k), c.kv_shards) <= k * usable)] = k
        k *= 2
    return n  # 0: no count holds the row at this batch (estimate_arrays lowers it, as the scalar path)


def estimate_arrays(est: RequestEstimator, input_tokens: ArrayLike, output_tokens: ArrayLike) -> dict[str, F64]:
    """Per-request point estimates for arrays of token counts with one estimator's model and configuration.

    Returns a dict of arrays named as :data:`COLUMNS` (Wh at the estimator's boundary, seconds, counts), with the
    5–95 % range of the energy (``energy_wh_low`` / ``energy_wh_high``: the estimator's precomputed band ratios).
    """
    i = np.asarray(input_tokens, dtype=np.float64)
    o = np.asarray(output_tokens, dtype=np.float64)
    i, o = np.broadcast_arrays(i, o)
    if i.size and not (np.all((i >= 0) & (i < np.inf)) and np.all((o >= 1) & (o < np.inf))):  # also rejects NaN
        raise InputError("tokens must be finite, input ≥ 0 and output ≥ 1 for every request")
    cfg = est.config
    ctx = i + o
    n = None
    if cfg.accelerators is None and i.size:
        n = _accelerators(est.costs, est.cal, float(cfg.batch), ctx, None)
        if not np.all(n > 0):
            return _lowered_rows(est, i, o, n)
    limit = est.model.context_length
    if limit and i.size and float(np.max(ctx)) > limit:
        from .inference import context_error

        worst = int(np.argmax(ctx))
        raise context_error(est.model.key, limit, float(i.flat[worst]), float(o.flat[worst]))
    if n is None:
        n = _accelerators(est.costs, est.cal, cfg.batch, ctx, cfg.accelerators)
    nf = n.astype(np.float64)
    acc_j, dec_j, t_step, latency = llm_request(est.costs, est.device, est.engine, nf, float(cfg.batch), i, o)
    dec_j = np.minimum(dec_j, acc_j)
    t_share = t_step * o / cfg.batch
    k = 1.0 / 3600.0
    pre, dec = (acc_j - dec_j) * k, dec_j * k
    host_w = bd.server_share(est.registry).host_power_w if cfg.boundary != "accelerator" else 0.0
    host = host_w * nf * t_share * k
    if cfg.boundary == "datacenter":
        pue = est.site().pue.value
        idle = bd.IDLE_FRACTION * (pre + dec + host)
        overhead = (float(getattr(pue, "best", pue)) - 1.0) * (pre + dec + host + idle)
    else:
        idle = overhead = np.zeros_like(pre)
    from .request_result import band_ratios

    energy = pre + dec + host + idle + overhead
    r_lo, r_hi = band_ratios(est)  # precomputed once per estimator: no Monte Carlo per row
    out = {
        "energy_wh": energy, "prefill_wh": pre, "decode_wh": dec, "host_wh": host,
        "idle_wh": idle, "overhead_wh": overhead, "latency_s": latency, "accelerators": nf,
        "energy_wh_low": energy * r_lo, "energy_wh_high": energy * r_hi,
    }
    if cfg.accelerators is None and i.size:
        cheaper = _cheaper_rows(est, i, o, n, acc_j, t_share, host_w)
        if cheaper is not None:  # those rows as the scalar path serves them: at the lower batch
            flat: dict[str, F64] = {}
            seen: set[int] = set()
            for key, v in out.items():  # this call's own arrays, written in place (one array under two names: copied)
                flat[key] = (v.copy() if id(v) in seen else v).reshape(-1)
                seen.add(id(v))
            for b in np.unique(cheaper[cheaper > 0]):
                rows = np.flatnonzero(cheaper == b)
                for key, v in estimate_arrays(est.at_batch(int(b)), i.reshape(-1)[rows], o.reshape(-1)[rows]).items():
                    flat[key][rows] = v
            out = {key: v.reshape(i.shape) for key, v in flat.items()}
    return out


def _cheaper_rows(est: RequestEstimator, i: F64, o: F64, n: NDArray[np.int64], acc_j: F64, t_share: F64,
                  host_w: float) -> NDArray[np.int64] | None:
    """Per row (flat), the lower batch the scalar path serves it at because its count is wider than the KV heads
    and than one sequence needs, and a lower batch on a narrower group costs less per request than the row's energy
    at its count (``acc_j + host_w · n · t_share``, evaluated on those rows only): :func:`.sizing.cheaper_batch`'s
    decision over the same :func:`.sizing.narrower_options`, here for all rows at once; 0 elsewhere; None when no
    row is (one comparison for the usual rows)."""
    from .sizing import kv_group, request_joules

    c, cal, batch = est.costs, est.cal, est.config.batch
    wide = np.flatnonzero(n.ravel() > kv_group(c))
    if not wide.size:
        return None
    ii, oo, nn = i.ravel()[wide], o.ravel()[wide], n.ravel()[wide]
    ctx = ii + oo
    per_seq = _kv_bytes_per_seq(c, ctx)
    usable = cal.memory_bytes * MEMORY_UTILIZATION

    def holds(seqs: Any, k: int) -> NDArray[np.bool_]:  # sizing.fits, per row
        need = c.resident_weight_bytes + seqs * (c.state_bytes_per_seq + per_seq * kv_copies(float(k), c.kv_shards))
        return need <= k * usable  # type: ignore[no-any-return]

    one = np.zeros(ctx.shape, dtype=np.int64)
    k = 1
    while k <= MAX_ACCELERATORS:
        one[(one == 0) & holds(1.0, k)] = k
        if one.all():  # every row sized: the larger counts would set none
            break
        k *= 2
    widest = np.minimum(np.maximum(kv_group(c), np.where(one == 0, MAX_ACCELERATORS, one)), MAX_ACCELERATORS)
    keep = np.flatnonzero(nn > widest)  # the rows wider than they need be: the others are served as sized
    if not keep.size:
        return None
    wide, nn, widest = wide[keep], nn[keep], widest[keep]
    ii, oo, ctx, per_seq = ii[keep], oo[keep], ctx[keep], per_seq[keep]
    best = acc_j.reshape(-1)[wide] + host_w * nn.astype(np.float64) * t_share.reshape(-1)[wide]
    cheaper = np.zeros(ctx.shape, dtype=np.int64)
    m = int(widest.min())
    while m < int(nn.max()):  # each narrower group m: its largest lower batch, on the fewest that hold it
        act = (widest <= m) & (m < nn)
        held = np.zeros(ctx.shape, dtype=np.int64)
        b = power_of_two_below(batch)
        while b >= 1 and np.any(act & (held == 0)):
            held[act & (held == 0) & holds(float(b), m)] = b
            b //= 2
        count = np.zeros(ctx.shape, dtype=np.int64)
        k = 1
        while k <= m:
            count[(held > 0) & (count == 0) & holds(held, k)] = k
            k *= 2
        code = (held << 8) | count  # one integer per (batch, count): a few distinct values
        for combo in np.unique(code[held > 0]):
            b_low, n_low = int(combo >> 8), int(combo & 0xFF)
            rows = np.flatnonzero(code == combo)
            there = request_joules(request_constants(c, est.device, est.engine, float(n_low), float(b_low)), n_low,
                                   b_low, ii[rows], oo[rows], host_w)
            less = there < best[rows]
            best[rows[less]], cheaper[rows[less]] = there[less], b_low
        m *= 2
    if not np.any(cheaper):
        return None
    full = np.zeros(n.size, dtype=np.int64)
    full[wide] = cheaper
    return full.reshape(n.shape)


def _lowered_rows(est: RequestEstimator, i: F64, o: F64, counts: NDArray[np.int64]) -> dict[str, F64]:
    """Some rows fit no count at the configured batch (``counts`` 0, :func:`_accelerators`): the rows that fit
    evaluated as usual and the others at the batch the scalar path uses for them
    (:meth:`.inference.RequestEstimator.result`: the largest power of two that fits, ``sizing.limited_batch``, here
    for all rows at once), each group through the same equations."""
    shape = i.shape
    i, o, n = i.ravel(), o.ravel(), counts.ravel()
    ctx = i + o
    batch = est.config.batch
    low = np.flatnonzero(n == 0)
    lowered = np.zeros(low.shape, dtype=np.int64)
    b = power_of_two_below(batch)
    while b >= 1 and np.any(lowered == 0):  # as sizing.limited_batch: powers of two below the batch, largest first
        todo = lowered == 0
        ok = _accelerators(est.costs, est.cal, float(b), ctx[low[todo]], None) > 0
        lowered[np.flatnonzero(todo)[ok]] = b
        b //= 2
    if np.any(lowered == 0):  # not even one sequence fits: the scalar path's error
        row = int(low[np.argmax(lowered == 0)])
        est.estimate(float(i[row]), float(o[row]))
    out = {k: np.full(i.shape, np.nan) for k in (*COLUMNS, "energy_wh_low", "energy_wh_high")}
    fit = np.flatnonzero(n > 0)
    parts = [(est, fit)] if fit.size else []
    parts += [(est.at_batch(int(b)), low[lowered == b]) for b in np.unique(lowered)]
    for e, rows in parts:
        got = estimate_arrays(e, i[rows], o[rows])
        for k, v in got.items():
            out[k][rows] = v
    return {k: v.reshape(shape) for k, v in out.items()}


def estimate_many(model: str, input_tokens: ArrayLike, output_tokens: ArrayLike, config: RequestConfig | None = None,
                  registry: Registry | None = None) -> dict[str, F64]:
    """:func:`estimate_arrays` for a model name (builds the estimator once)."""
    return estimate_arrays(RequestEstimator(model, config, registry), input_tokens, output_tokens)


def _columns(table: Any) -> tuple[dict[str, np.ndarray[Any, Any]], str]:
    """Extract columns from a mapping, a pandas DataFrame or a pyarrow Table; return them and the input kind."""
    mod = type(table).__module__.split(".")[0]
    if mod == "pandas":
        return {str(c): table[c].to_numpy() for c in table.columns}, "pandas"
    if mod == "pyarrow":
        return {str(c): table.column(c).to_numpy(zero_copy_only=False) for c in table.column_names}, "pyarrow"
    if isinstance(table, Mapping):
        return {str(k): np.asarray(v) for k, v in table.items()}, "dict"
    raise InputError(f"requests must be a dict of arrays, a pandas DataFrame or a pyarrow Table, got {type(table)!r}")


def _impacts(est: RequestEstimator, energy_wh: F64, overhead_wh: F64) -> tuple[F64, F64]:
    """Carbon [g] and water [L] per row at the estimator's site (best values of its factors).

    :func:`.request_result.point_impacts` (the equations of :func:`aifootprint.impacts.assess`, as a full result's
    best carbon and water).
    """
    from .request_result import point_factors, point_impacts

    carbon, water = point_impacts(point_factors(est), energy_wh, overhead_wh)
    return np.asarray(carbon, dtype=np.float64), np.asarray(water, dtype=np.float64)


def estimate_table(requests: Any, config: RequestConfig | None = None, model: str | None = None,
                   registry: Registry | None = None) -> Any:
    """Estimate every request of a table with columns ``input_tokens``, ``output_tokens`` and optionally
    ``model`` and any of :data:`CONFIG_COLUMNS` (else taken from ``model`` / ``config``).

    Returns the same kind of table (dict of arrays, pandas DataFrame, pyarrow Table) with the input columns plus
    :data:`COLUMNS` and :data:`IMPACT_COLUMNS` (point values; use :meth:`RequestEstimator.result` for ranges).
    """
    cols, kind = _columns(requests)
    for need in ("input_tokens", "output_tokens"):
        if need not in cols:
            raise InputError(f"request table needs a column {need!r}; has: {', '.join(cols) or 'none'}")
    base = config or RequestConfig()
    size = len(cols["input_tokens"])
    if "model" not in cols and model is None:
        raise InputError("give a 'model' column or the model argument")
    keys = [c for c in CONFIG_COLUMNS if c in cols]
    out = {c: np.full(size, np.nan) for c in (*COLUMNS, *IMPACT_COLUMNS)}
    # one integer code per distinct combination of the configuration columns
    code = np.zeros(size, dtype=np.int64)
    uniques: dict[str, np.ndarray[Any, Any]] = {}
    for k in keys:
        uniques[k], inv = np.unique(cols[k].astype(str), return_inverse=True)
        code = code * len(uniques[k]) + inv.reshape(-1)
    _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    for g, row in enumerate(first):
        idx = np.flatnonzero(inverse.reshape(-1) == g)
        kw: dict[str, Any] = {}
        group = {k: str(cols[k][row]) for k in keys}
        for k in keys:
            v = group[k]
            if k in ("batch", "accelerators"):
                kw[k] = int(float(v))
            elif k != "model":
                kw[k] = v
        name = str(group["model"]) if "model" in keys else str(model)
        est = RequestEstimator(name, replace(base, **kw), registry)
        res = estimate_arrays(est, cols["input_tokens"][idx], cols["output_tokens"][idx])
        for c in COLUMNS:
            out[c][idx] = res[c]
        out["carbon_g"][idx], out["water_l"][idx] = _impacts(est, res["energy_wh"], res["overhead_wh"])
    merged: dict[str, Any] = {**cols, **out}
    if kind == "pandas":
        import pandas as pd

        return pd.DataFrame(merged)
    if kind == "pyarrow":
        import pyarrow as pa

        return pa.table(merged)
    return merged
