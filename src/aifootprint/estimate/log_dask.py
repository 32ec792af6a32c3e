"""``estimate log --dask``: the same per-chunk function (:meth:`~.log.LogEstimator.chunk`) on a Dask cluster.

Partitions: Parquet row groups; CSV and JSON Lines byte ranges cut at line ends (a CSV with line breaks inside
quoted cells must use the local path). Workers read their partition from ``src`` themselves (so with a remote
scheduler the file must be on a filesystem the workers see); the client gathers the results in file order and
writes the output, so row order, totals and skipped-row counts equal the local path's. Default: a
``LocalCluster`` of ``workers`` single-threaded processes; or an existing scheduler ``address``.
"""

from __future__ import annotations

import io
import logging
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aifootprint.errors import InputError

from .log import LogEstimator, LogSpec, LogStats, check_policy
from .logio import (
    CSV_BLOCK_BYTES,
    UTF8_HINT,
    Writer,
    jsonl_table,
    log_format,
    progress_bar,
    utf8_only,
    with_mapped_columns,
)

if TYPE_CHECKING:
    import pyarrow as pa

    from aifootprint.impacts.intensity.base import ProfileProvider


def byte_ranges(path: Path, block_bytes: int) -> tuple[bytes, list[tuple[int, int]]]:
    """The first line (kept apart) and ``[start, end)`` ranges of the rest, each ending at a line end."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        header = fh.readline()
        start = fh.tell()
        ranges = []
        while start < size:
            fh.seek(min(start + block_bytes, size))
            if fh.tell() < size:
                fh.readline()
            end = fh.tell()
            ranges.append((start, end))
            start = end
    return header, ranges


def _read_range(path: str, start: int, end: int) -> bytes:
    with open(path, "rb") as fh:
        fh.seek(start)
        return fh.read(end - start)


def load_part(path: str, fmt: str, part: Any, spec: LogSpec, header: bytes) -> pa.Table:
    """Read one partition (a row group index, or a byte range) as a table."""
    import pyarrow as pa

    if fmt == "parquet":
        import pyarrow.parquet as pq

        with pq.ParquetFile(path) as f:
            return f.read_row_group(int(part))
    start, end, first_line = part
    data = _read_range(path, start, end)
    if fmt == "jsonl":
        text = (header if start == 0 else b"") + data
        try:
            lines = text.decode("utf-8-sig").splitlines()
        except UnicodeDecodeError as exc:
            raise InputError(f"{path} (bytes {start}–{end}): not UTF-8 text ({exc.reason}); {UTF8_HINT}") from None
        return jsonl_table(lines, first_line, f"{path} (bytes {start}–{end}), line", spec.text_columns())
    import pyarrow.csv as pcsv

    strings = {c: pa.string() for c in spec.text_columns()}
    try:
        return utf8_only(pcsv.read_csv(io.BytesIO(header + data),
                                       convert_options=pcsv.ConvertOptions(column_types=strings)), path)
    except pa.ArrowInvalid as exc:
        raise InputError(f"{path}: malformed CSV ({exc})") from None


def _estimator(spec: LogSpec, profile: ProfileProvider | None) -> LogEstimator:
    """The worker's :class:`LogEstimator` for this spec (kept on the Dask worker object, so that estimators are
    built once per worker process, not once per partition); a fresh one outside a worker."""
    try:
        from distributed import get_worker

        worker = get_worker()
    except (ImportError, ValueError):
        return LogEstimator(spec, profile)
    cache = worker.__dict__.setdefault("_aifootprint_log_estimators", {})
    key = (spec, None if profile is None else (profile.profile, profile.zone, profile.basis, profile.signal))
    est = cache.get(key)
    if est is None:
        est = cache[key] = LogEstimator(spec, profile)
    return est  # type: ignore[no-any-return]


def run_part(path: str, fmt: str, part: Any, spec: LogSpec, header: bytes,
             profile: ProfileProvider | None, first: bool = True) -> tuple[pa.Table, LogStats]:
    """The per-partition task: read, then :meth:`LogEstimator.chunk` (the local path's function)."""
    table = load_part(path, fmt, part, spec, header)
    if table.num_rows == 0:
        return table, LogStats()
    return _estimator(spec, profile).chunk(table if first else with_mapped_columns(table, spec))


def partitions(src: Path, fmt: str, block_bytes: int) -> tuple[bytes, list[Any]]:
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            with pq.ParquetFile(src) as f:
                return b"", list(range(f.num_row_groups))
        except (pa.ArrowInvalid, OSError) as exc:
            raise InputError(f"{src} is not a readable Parquet file ({exc})") from None
    header, ranges = byte_ranges(src, block_bytes)
    if fmt == "jsonl":  # JSON Lines has no header line: the first line is data
        ranges = [(0, len(header)), *ranges] if header else ranges
        header = b""
    elif not header.strip():
        raise InputError(f"{src} is empty (no header, no rows)")
    return header, [(a, b, 1) for a, b in ranges]


def run_dask(src: Path, dst: Path, spec: LogSpec, profile: ProfileProvider | None = None,
             address: str | None = None, workers: int = 2, processes: bool = True, progress: bool = True,
             block_bytes: int = CSV_BLOCK_BYTES) -> LogStats:
    """Estimate ``src`` into ``dst`` on Dask; same output and totals as :func:`~.logio.run_local`."""
    import importlib

    from dask.delayed import delayed

    dist: Any = importlib.import_module("distributed")  # untyped: used through Any

    fmt = log_format(src)
    header, parts = partitions(src, fmt, block_bytes)
    if not parts:
        raise InputError(f"{src} has no data rows")
    cluster: Any = None
    client: Any = None
    try:
        if address is None:
            # silence_logs: a bad row or file is raised here as one InputError line; the workers' own log of the
            # same failure (a multi-line "Compute Failed" traceback on stderr) would bury it
            cluster = dist.LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes,
                                        dashboard_address=None, silence_logs=logging.CRITICAL)
            client = dist.Client(cluster)
        else:
            client = dist.Client(address, timeout=10)
    except (OSError, ValueError) as exc:  # ValueError: an address Dask cannot parse ("host" without a port)
        if cluster is not None:
            cluster.close()
        raise InputError(f"cannot reach the Dask scheduler {address!r}: {exc}; accepted: an address such as "
                         "tcp://host:8786") from None
    worker_spec = replace(spec, on_error="skip")  # the error policy is applied here, with file-wide row numbers
    stats = LogStats()
    writer = Writer(dst)
    advance, stop = progress_bar(float(len(parts)), progress)
    ok = False
    try:
        tasks = [delayed(run_part)(str(src), fmt, p, worker_spec, header, profile, k == 0)
                 for k, p in enumerate(parts)]
        futures = client.compute(tasks)
        for fut in futures:
            out, st = fut.result()
            fut.release()
            advance(1)
            if st.rows == 0:
                continue
            stats.merge(st, stats.rows)
            check_policy(stats, spec)
            writer.write(out)
        ok = True
    except OSError as exc:
        raise InputError(f"cannot process {src} into {dst}: {exc.strerror or exc}") from None
    finally:
        writer.close(ok and stats.rows > 0)
        stop()
        client.close()
        if cluster is not None:
            cluster.close()
    if stats.rows == 0:
        raise InputError(f"{src} has no data rows")
    return stats
