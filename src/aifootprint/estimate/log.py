"""Request-log estimation: energy, carbon and water for every row of a log of LLM requests, chunk by chunk.

:func:`estimate_chunk` is the one per-chunk (per-partition) function: a pyarrow table in, the same table plus
``energy_wh``, ``carbon_g``, ``water_l`` and ``skip_reason`` out, with :class:`LogStats` (counts, skipped rows by
reason, totals). The local path (:func:`estimate_log`) streams chunks from a file through it; the Dask path
(:mod:`.log_dask`) maps it over partitions. Readers and writers are in :mod:`.logio`.

Per row: the model's :class:`~aifootprint.estimate.RequestEstimator` (cached per model name, built once) on
numpy arrays (:func:`~aifootprint.estimate.batch.estimate_arrays`); carbon = energy × grid intensity (the site's,
or the hour's from an intensity profile when a time column is given); water per Li et al. 2023 on the IT energy.

Ranges of the totals: each model's total times the relative 5th / 95th percentiles of its estimator's full result
(see :mod:`aifootprint.integrations.core`); the model error is treated as fully correlated across the requests of a
model and across models (a systematic error does not average out over many requests), so the range is not
narrowed by the number of rows.

Rows that cannot be estimated get a ``skip_reason`` code (:data:`REASONS`) and empty impacts; with
``on_error="fail"`` the first one stops the run with its row number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from aifootprint.errors import InputError

if TYPE_CHECKING:
    import pyarrow as pa

    from aifootprint.impacts.intensity.base import ProfileProvider
    from aifootprint.integrations.core import ImpactCalculator

F64 = np.ndarray[Any, np.dtype[np.float64]]
#: Most tokens on either side of one request [tokens]: a design limit, about 100 × the longest context window in the
#: registry (Llama 4 Scout, 10 M tokens); a row above it is skipped as ``does-not-fit`` before any arithmetic.
MAX_REQUEST_TOKENS = 1e9

#: Why a row was skipped (the ``skip_reason`` column) and what is accepted instead.
REASONS = {
    "missing-model": "no model name (give a model column value or --model)",
    "unknown-model": "model not in the registry (see `aifootprint data show models`)",
    "missing-tokens": "token count empty (give a value or --input-tokens / --output-tokens)",
    "non-numeric-tokens": "token count is not a number",
    "negative-tokens": "token count below 0",
    "no-output-tokens": "output tokens below 1 (a request generates at least one token)",
    "does-not-fit": "the request does not fit on the accelerators (context too long for the model's memory)",
    "bad-timestamp": "timestamp not ISO 8601 or Unix seconds",
    "context-window": "input + output longer than the model's context window (models.csv context_length)",
}
#: Columns added to every chunk (and ``intensity_g_per_kwh``, the hour's value, with an intensity profile).
OUT_COLUMNS = ("energy_wh", "carbon_g", "water_l", "skip_reason", "intensity_g_per_kwh")


@dataclass(frozen=True)
class LogSpec:
    """How to read a log: column names, defaults for missing columns / empty cells, error policy, serving
    configuration (``hardware``, ``batch`` None = estimator default, ``boundary``, ``location``, ``operator``).
    ``time_col`` (with an intensity profile) gives each row the grid intensity of its hour."""

    model_col: str = "model"
    input_col: str = "input_tokens"
    output_col: str = "output_tokens"
    time_col: str | None = None
    model: str | None = None
    input_tokens: float | None = None
    output_tokens: float | None = None
    on_error: str = "skip"
    hardware: str = "h100"
    batch: int | None = None
    boundary: str = "datacenter"
    location: str | None = None
    operator: str | None = None
    chunk_rows: int = 262_144

    def __post_init__(self) -> None:
        if self.on_error not in ("skip", "fail"):
            raise InputError(f"--on-error must be skip or fail, got {self.on_error!r}")
        if self.chunk_rows < 1:
            raise InputError(f"chunk size must be at least 1 row, got {self.chunk_rows}")
        for flag, value in (("--input-tokens", self.input_tokens), ("--output-tokens", self.output_tokens)):
            if value is not None and not 0 <= value < float("inf"):  # NaN fails both comparisons
                raise InputError(f"{flag} (the default for rows without it) must be a finite number of tokens, "
                                 f"0 or more; got {value!r}")

    def text_columns(self) -> tuple[str, ...]:
        """Mapped columns read as text from CSV / JSON Lines (parsed here, so bad cells are per-row errors)."""
        return tuple(c for c in (self.model_col, self.input_col, self.output_col, self.time_col) if c)

    def check_columns(self, names: list[str]) -> None:
        """Per-file check: no column named twice, and every mapped column exists or has a default (InputError naming
        what is there)."""
        twice = sorted({c for c in names if names.count(c) > 1})
        if twice:
            shown = ", ".join(repr(c[:80]) for c in twice[:10])
            raise InputError(f"the log's header names column(s) {shown} more than once; accepted: a header that "
                             "names each column once")
        for col, default, flag in ((self.model_col, self.model, "--model"),
                                   (self.input_col, self.input_tokens, "--input-tokens"),
                                   (self.output_col, self.output_tokens, "--output-tokens")):
            if col not in names and default is None:
                raise InputError(f"no column {col!r} in the log (columns: {', '.join(names) or 'none'}); map it "
                                 f"with --{_flag(col, self)} NAME or give a default with {flag}")
        if self.time_col is not None and self.time_col not in names:
            raise InputError(f"no time column {self.time_col!r} in the log (columns: {', '.join(names)})")


def _flag(col: str, spec: LogSpec) -> str:
    return {spec.model_col: "model-col", spec.input_col: "input-col", spec.output_col: "output-col"}[col]


@dataclass
class LogStats:
    """Counts and totals of the rows seen so far (mergeable across chunks and partitions)."""

    rows: int = 0
    estimated: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    examples: dict[str, str] = field(default_factory=dict)  # reason -> first example ("row N: detail")
    # per model: [requests, energy_wh best, carbon_g best, water_l best]
    by_model: dict[str, list[float]] = field(default_factory=dict)
    input_tokens: float = 0.0
    output_tokens: float = 0.0

    def merge(self, other: LogStats, row_offset: int = 0) -> None:
        """Add ``other`` (whose example row numbers are relative to its own start) to this."""
        self.rows += other.rows
        self.estimated += other.estimated
        for k, v in other.skipped.items():
            self.skipped[k] = self.skipped.get(k, 0) + v
        for k, ex in other.examples.items():
            if k not in self.examples:
                n, _, rest = ex.partition(":")
                self.examples[k] = f"row {int(n.split()[1]) + row_offset}:{rest}"
        for m, vals in other.by_model.items():
            mine = self.by_model.setdefault(m, [0.0, 0.0, 0.0, 0.0])
            for j, x in enumerate(vals):
                mine[j] += x
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens


class LogEstimator:
    """Per-chunk estimation with cached estimators; one per process (each Dask partition builds its own)."""

    def __init__(self, spec: LogSpec, profile: ProfileProvider | None = None, registry: Any | None = None) -> None:
        from aifootprint.integrations.core import HookConfig, ImpactCalculator

        self.spec = spec
        self.profile = profile
        self.calc: ImpactCalculator = ImpactCalculator(HookConfig(
            hardware=spec.hardware, batch=spec.batch, boundary=spec.boundary, location=spec.location,
            operator=spec.operator), registry)

    def chunk(self, table: pa.Table) -> tuple[pa.Table, LogStats]:
        """Estimate every row of ``table``; returns it with :data:`OUT_COLUMNS` added, and the chunk's stats (bad
        rows are marked, never raised: the driver applies the error policy with file-wide row numbers)."""
        import pyarrow as pa

        s = self.spec
        s.check_columns(table.column_names)
        n = table.num_rows
        reason = np.zeros(n, dtype=np.int8)  # 0 ok, else index+1 in REASON_CODES
        codes, names = _models(table, s, reason)
        i_tok = _tokens(table, s.input_col, s.input_tokens, reason)
        o_tok = _tokens(table, s.output_col, s.output_tokens, reason)
        _mark(reason, (o_tok < 1) & (reason == 0) & np.isfinite(o_tok), "no-output-tokens")
        # a count no context window holds: does not fit, whatever the accelerators (and 1e308 would overflow)
        _mark(reason, ((i_tok > MAX_REQUEST_TOKENS) | (o_tok > MAX_REQUEST_TOKENS)) & (reason == 0), "does-not-fit")
        hours = None
        if self.profile is not None and s.time_col is not None:
            t = _times(table[s.time_col])
            _mark(reason, ~np.isfinite(t) & (reason == 0), "bad-timestamp")
            hours = self.profile.lookup(t)
        energy, carbon, water = (np.full(n, np.nan) for _ in range(3))
        stats = LogStats(rows=n)
        for k, name in enumerate(names):
            rows = np.flatnonzero((codes == k) & (reason == 0))
            if rows.size == 0:
                continue
            self._group(name, rows, i_tok, o_tok, hours, reason, (energy, carbon, water), stats)
        ok = reason == 0
        stats.estimated = int(ok.sum())
        stats.input_tokens = float(i_tok[ok].sum())
        stats.output_tokens = float(o_tok[ok].sum())
        for r in np.unique(reason[reason > 0]):
            code = REASON_CODES[r - 1]
            where = np.flatnonzero(reason == r)
            stats.skipped[code] = int(where.size)
            stats.examples[code] = f"row {int(where[0]) + 1}: {_show(table, s, int(where[0]), code)}"
        out = table
        for col in OUT_COLUMNS:
            if col in out.column_names:
                out = out.drop_columns([col])
        out = out.append_column("energy_wh", pa.array(energy, mask=~ok))
        out = out.append_column("carbon_g", pa.array(carbon, mask=~ok))
        out = out.append_column("water_l", pa.array(water, mask=~ok))
        why = pa.DictionaryArray.from_arrays(pa.array(reason.astype(np.int32) - 1, mask=ok), pa.array(REASON_CODES))
        out = out.append_column("skip_reason", why.cast(pa.string()))
        if hours is not None:  # the hour's intensity each row was charged at (profile)
            out = out.append_column("intensity_g_per_kwh", pa.array(hours, mask=~ok))
        return out, stats

    def _group(self, name: str, rows: np.ndarray[Any, Any], i_tok: F64, o_tok: F64, hours: F64 | None,
               reason: np.ndarray[Any, Any], out: tuple[F64, F64, F64], stats: LogStats) -> None:
        from aifootprint.impacts import li2023_water_l
        from aifootprint.notice import Notice

        from .batch import estimate_arrays

        m = self.calc.model(name)
        if isinstance(m, Notice):
            reason[rows] = REASON_CODES.index("unknown-model") + 1
            return
        i, o = i_tok[rows], o_tok[rows]
        limit = m.est.model.context_length
        if limit:  # the model cannot take them, whatever the accelerators
            long = i + o > limit
            if np.any(long):
                reason[rows[long]] = REASON_CODES.index("context-window") + 1
                rows, i, o = rows[~long], i[~long], o[~long]
                if rows.size == 0:
                    return
        try:
            res = estimate_arrays(m.est, i, o)
        except InputError:  # some rows do not fit: find them one by one (rare path), estimate the rest
            fits = np.array([_fits(m.est, a, b) for a, b in zip(i, o, strict=True)], dtype=bool)
            reason[rows[~fits]] = REASON_CODES.index("does-not-fit") + 1
            rows, i, o = rows[fits], i[fits], o[fits]
            if rows.size == 0:
                return
            res = estimate_arrays(m.est, i, o)
        e = res["energy_wh"]
        it_kwh = (e - res["overhead_wh"]) / 1000.0
        intensity_g_per_kwh, pue, wue_l_per_kwh, ewif_l_per_kwh = m.results.factors  # the site's best values
        intensity = intensity_g_per_kwh if hours is None else hours[rows]
        c = e / 1000.0 * intensity
        w = li2023_water_l(it_kwh, pue, wue_l_per_kwh, ewif_l_per_kwh)
        out[0][rows], out[1][rows], out[2][rows] = e, c, w
        acc = stats.by_model.setdefault(m.key, [0.0, 0.0, 0.0, 0.0])
        acc[0] += rows.size
        acc[1] += float(e.sum())
        acc[2] += float(c.sum())
        acc[3] += float(w.sum())


REASON_CODES = tuple(REASONS)


def check_policy(stats: LogStats, spec: LogSpec) -> None:
    """With ``on_error="fail"``: InputError naming the first bad row (numbers are 1-based data rows of the file)."""
    if spec.on_error == "fail" and stats.skipped:
        first = min(stats.examples.values(), key=lambda e: int(e.split(":")[0].split()[1]))
        raise InputError(f"{first} (use --on-error skip to skip such rows and count them)")


def _mark(reason: np.ndarray[Any, Any], mask: np.ndarray[Any, Any], code: str) -> None:
    reason[mask & (reason == 0)] = REASON_CODES.index(code) + 1


def _fits(est: Any, i: float, o: float) -> bool:
    try:
        est.accelerators_for(float(i), float(o))
    except InputError:
        return False
    return True


def _models(table: pa.Table, s: LogSpec, reason: np.ndarray[Any, Any]) -> tuple[np.ndarray[Any, Any], list[str]]:
    """Integer code per row and the distinct names (hash-based dictionary encoding, no sort; blank names and
    nulls take ``s.model`` or are marked missing)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = table.num_rows
    if s.model_col not in table.column_names:
        return np.zeros(n, dtype=np.int64), [str(s.model)]
    col = table[s.model_col]
    if not pa.types.is_dictionary(col.type):
        if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
            col = pc.cast(col, pa.string())
        col = pc.dictionary_encode(col)
    enc = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    names = [None if v is None else str(v).strip() for v in enc.dictionary.to_pylist()]
    idx = np.asarray(enc.indices.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
    blank = np.array([not v for v in names] + [True], dtype=bool)  # last entry: index -1 (null)
    missing = blank[idx]
    if s.model is not None:
        names.append(s.model)
        idx = np.where(missing, len(names) - 1, idx)
    else:
        idx = np.where(missing, -1, idx)
        _mark(reason, missing, "missing-model")
    return idx, [v or "" for v in names]


def _tokens(table: pa.Table, col: str, default: float | None, reason: np.ndarray[Any, Any]) -> F64:
    """Token counts as float64; empty cells take ``default`` or are marked; bad values are marked."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = table.num_rows
    if col not in table.column_names:
        return np.full(n, float(default if default is not None else np.nan))
    arr = table[col]
    null = arr.is_null().to_numpy(zero_copy_only=False) if arr.null_count else np.zeros(n, dtype=bool)
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        blank = pc.equal(pc.utf8_trim_whitespace(arr), "").to_numpy(zero_copy_only=False)
        null = null | np.asarray(blank, dtype=bool)
        try:
            vals = pc.cast(pc.if_else(pc.equal(pc.utf8_trim_whitespace(arr), ""), pa.scalar(None, pa.string()), arr),
                           pa.float64()).to_numpy(zero_copy_only=False)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            vals = np.array([_float(v) for v in arr.to_pylist()], dtype=np.float64)
    elif pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type) or pa.types.is_boolean(arr.type):
        vals = pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False)
        if pa.types.is_boolean(arr.type):
            vals = np.full(n, np.nan)
    else:
        vals = np.full(n, np.nan)
    vals = np.array(vals, dtype=np.float64)  # writable copy
    if default is not None:
        vals[null] = float(default)
    else:
        _mark(reason, null, "missing-tokens")
    _mark(reason, ~null & ~np.isfinite(vals), "non-numeric-tokens")
    _mark(reason, np.isfinite(vals) & (vals < 0), "negative-tokens")
    return vals


def _float(v: Any) -> float:
    try:
        return float(v) if v is not None and str(v).strip() else np.nan
    except ValueError:
        return np.nan


def _times(col: Any) -> F64:
    """Unix seconds per row from timestamps, ISO 8601 strings (naive = UTC) or numbers; NaN when unreadable."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = col.type
    if pa.types.is_timestamp(t):
        us = pc.cast(pc.cast(col, pa.timestamp("us", tz=t.tz)), pa.int64())
        return np.asarray(pc.cast(us, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64) / 1e6
    if pa.types.is_integer(t) or pa.types.is_floating(t):
        return np.asarray(pc.cast(col, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
    from aifootprint.impacts.profile import _parse_time

    out = []
    for v in col.to_pylist():
        try:
            out.append(_parse_time(str(v), "") if v is not None else np.nan)
        except InputError:
            out.append(np.nan)
    return np.array(out, dtype=np.float64)


def _show(table: pa.Table, s: LogSpec, row: int, code: str) -> str:
    """A short description of a bad row for the report."""
    if code in ("missing-model", "unknown-model") and s.model_col in table.column_names:
        return f"{REASONS[code]}: {table[s.model_col][row].as_py()!r}"
    if code == "bad-timestamp" and s.time_col is not None:
        return f"{REASONS[code]}: {table[s.time_col][row].as_py()!r}"
    vals = [f"{c}={table[c][row].as_py()!r}" for c in (s.input_col, s.output_col) if c in table.column_names]
    return f"{REASONS[code]} ({', '.join(vals)})"


def summary(stats: LogStats, estimator: LogEstimator, inputs: dict[str, Any]) -> Any:
    """The output contract for a whole log: totals with ranges, skipped rows by reason, per-model totals."""
    from aifootprint.notice import Notice
    from aifootprint.result import Assumption, Result

    totals = {"energy_kwh": [0.0, 0.0, 0.0], "carbon_kg": [0.0, 0.0, 0.0], "water_l": [0.0, 0.0, 0.0]}
    notices: dict[tuple[str, str], Notice] = {}
    per_model: dict[str, Any] = {}
    for key, (count, e_wh, c_g, w_l) in sorted(stats.by_model.items()):
        m = estimator.calc.model(key)
        if isinstance(m, Notice):
            continue
        q = m.rel
        for name, best, lo, hi in (("energy_kwh", e_wh / 1000, q[0], q[1]), ("carbon_kg", c_g / 1000, q[2], q[3]),
                                   ("water_l", w_l, q[4], q[5])):
            t = totals[name]
            t[0] += best * lo
            t[1] += best
            t[2] += best * hi
        per_model[key] = {"requests": int(count), "energy_kwh": e_wh / 1000, "carbon_kg": c_g / 1000, "water_l": w_l}
        for n in m.notices:
            notices[(n.code, n.subject)] = n
    warnings: list[str | Notice] = list(notices.values())
    for code, count in sorted(stats.skipped.items()):
        warnings.append(Notice("rows-skipped", f"{count:,} rows skipped: {code} (first: {stats.examples[code]}); "
                               "not in the totals", code))
    if estimator.profile is not None:
        p = estimator.profile
        warnings.append(Notice("intensity-profile", f"carbon per row from the hourly profile {p.profile.source} "
                               f"({p.basis}-based, {p.signal})", "intensity", p.profile.source))
    if estimator.profile is not None:
        p = estimator.profile
        inputs = {**inputs, "intensity_provider": "profile", "intensity_source": p.profile.source,
                  "intensity_basis": p.basis, "intensity_signal": p.signal,
                  "intensity_time_col": estimator.spec.time_col}
    values = {
        "rows": stats.rows, "requests_estimated": stats.estimated, "rows_skipped": sum(stats.skipped.values()),
        "skipped_by_reason": dict(sorted(stats.skipped.items())),
        "input_tokens": stats.input_tokens, "output_tokens": stats.output_tokens,
        **{k: {"low": v[0], "best": v[1], "high": v[2]} for k, v in totals.items()},
        "by_model": per_model,
    }
    s = estimator.spec
    assumptions = [
        Assumption("hardware", s.hardware, "-", "user input" if s.hardware != "h100" else "default"),
        Assumption("boundary", s.boundary, "-", "user input" if s.boundary != "datacenter" else "default"),
        Assumption("range", "model error and site factors fully correlated across rows", "-",
                   "aifootprint.estimate.log (relative p5/p95 of each model's full result)"),
    ]
    return Result("estimate-log", inputs, values, assumptions, warnings)
