"""Request logs on disk: chunked readers and writers (CSV, JSON Lines, Parquet) and the local streaming driver.

Memory stays flat as the file grows: one chunk (``LogSpec.chunk_rows`` rows, or a CSV block) is in memory at a
time. The format follows the file suffix (``.csv``, ``.jsonl``/``.ndjson``/``.json``, ``.parquet``/``.pq``).
Inputs are never modified; an existing output is refused unless ``force``; the output may not be the input.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aifootprint.errors import InputError

from .log import LogEstimator, LogSpec, LogStats, check_policy

if TYPE_CHECKING:
    import pyarrow as pa

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".parquet": "parquet",
           ".pq": "parquet"}
CSV_BLOCK_BYTES = 16 << 20


def log_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: unknown log format {path.suffix!r}; accepted: .csv, .jsonl (.ndjson, .json), "
                         ".parquet (.pq)")
    return fmt


def check_paths(src: Path, dst: Path, force: bool) -> None:
    """Refuse a missing input, an output that is the input, or an existing output without ``force``."""
    if not src.is_file():
        raise InputError(f"input log {src} does not exist (or is not a file)")
    log_format(src)
    log_format(dst)
    if dst.exists() and dst.resolve() == src.resolve():
        raise InputError(f"output {dst} is the input file; choose another --out (the input is never overwritten)")
    if dst.exists() and not force:
        raise InputError(f"output {dst} exists; give --force to replace it, or another --out")
    if not dst.parent.is_dir():
        raise InputError(f"output directory {dst.parent} does not exist; create it or choose another --out")


def read_chunks(path: Path, spec: LogSpec) -> Iterator[pa.Table]:
    """Tables of at most about ``spec.chunk_rows`` rows (CSV: one block), in file order."""
    fmt = log_format(path)
    if fmt == "parquet":
        yield from _parquet(path, spec)
    elif fmt == "csv":
        yield from _csv(path, spec)
    else:
        yield from _jsonl(path, spec)


def _parquet(path: Path, spec: LogSpec) -> Iterator[pa.Table]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        f = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{path} is not a readable Parquet file ({exc})") from None
    with f:
        for batch in f.iter_batches(batch_size=spec.chunk_rows):
            yield pa.Table.from_batches([batch])


UTF8_HINT = "accepted: a log saved as UTF-8 (e.g. `iconv -f latin1 -t utf-8 log.csv > log-utf8.csv`)"


def _is_binary(t: pa.DataType) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t))


def utf8_only(table: pa.Table, where: str) -> pa.Table:
    """``table``, or :class:`InputError` naming its first binary column: pyarrow reads a CSV column holding bytes
    that are not UTF-8 as binary, which no text output (CSV, JSON Lines) can carry."""
    binary = [f.name for f in table.schema if _is_binary(f.type)]
    if binary:
        raise InputError(f"{where}: column {binary[0]!r} is not UTF-8 text; {UTF8_HINT}")
    return table


def _csv(path: Path, spec: LogSpec) -> Iterator[pa.Table]:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    strings = {c: pa.string() for c in spec.text_columns()}
    try:
        reader = pcsv.open_csv(path, read_options=pcsv.ReadOptions(block_size=CSV_BLOCK_BYTES),
                               convert_options=pcsv.ConvertOptions(column_types=strings))
    except pa.ArrowInvalid as exc:
        if "Empty CSV file" in str(exc):
            raise InputError(f"{path} is empty (no header, no rows)") from None
        raise InputError(f"{path} is not a readable CSV file ({exc})") from None
    with reader:
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                return
            except pa.ArrowInvalid as exc:
                raise InputError(f"{path}: malformed CSV ({exc})") from None
            yield utf8_only(pa.Table.from_batches([batch]), str(path))


def jsonl_table(lines: list[str], first_line: int, where: str, text_cols: tuple[str, ...] = ()) -> pa.Table:
    """A table from JSON Lines text; a line that is not a JSON object is an InputError naming it (blank lines are
    skipped). ``text_cols`` (the mapped model / token / time columns) and columns of mixed types are read as text,
    so that every chunk has the same schema (token counts are parsed later, row by row)."""
    import pyarrow as pa

    rows: list[dict[str, Any]] = []
    for k, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}:{first_line + k}: not JSON ({exc.msg}); each line must be one JSON object") \
                from None
        if not isinstance(obj, dict):
            raise InputError(f"{where}:{first_line + k}: expected a JSON object per line, got {type(obj).__name__}")
        rows.append(obj)
    keys: dict[str, None] = {}
    for r in rows:
        keys.update(dict.fromkeys(r))
    cols = {}
    for key in keys:
        vals = [r.get(key) for r in rows]
        try:
            if key in text_cols:
                raise pa.ArrowTypeError(key)
            arr = pa.array(vals)
            # a column empty in this chunk is text, so that a later chunk's values can be cast to it
            cols[key] = arr.cast(pa.string()) if pa.types.is_null(arr.type) else arr
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            cols[key] = pa.array([None if v is None else json.dumps(v) if isinstance(v, dict | list) else str(v)
                                  for v in vals], type=pa.string())
    return pa.table(cols) if cols else pa.table({})


def _jsonl(path: Path, spec: LogSpec) -> Iterator[pa.Table]:
    with open(path, encoding="utf-8-sig") as fh:
        lines: list[str] = []
        start, n = 1, 0  # n: the last line read whole (the text is decoded in blocks: the fault is after it)
        try:
            for n, line in enumerate(fh, start=1):
                lines.append(line)
                if len(lines) >= spec.chunk_rows:
                    yield jsonl_table(lines, start, str(path), spec.text_columns())
                    lines, start = [], n + 1
        except UnicodeDecodeError as exc:  # JSON Lines are UTF-8 (RFC 8259 §8.1): say where the file is not
            raise InputError(f"{path}: not UTF-8 text ({exc.reason}, after line {n}); "
                             f"{UTF8_HINT}") from None
        if lines:
            yield jsonl_table(lines, start, str(path), spec.text_columns())


class Writer:
    """Streaming writer to ``path`` by suffix; the schema of the first chunk holds for the file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fmt = log_format(path)
        self._tmp = path.with_name(f".{path.name}.part")
        self._w: Any = None
        self._fh: Any = None
        self._schema: Any = None
        self._rows = 0

    def write(self, table: pa.Table) -> None:
        import pyarrow as pa

        if self.fmt == "csv":
            table = self._csv_cells(table)
        if self._schema is None:
            self._schema = table.schema
            self._open(table)
        elif table.schema != self._schema and self.fmt != "jsonl":
            try:
                for f in self._schema:  # a column absent from this part (JSON Lines): empty cells
                    if f.name not in table.column_names:
                        table = table.append_column(f.name, pa.nulls(table.num_rows, f.type))
                extra = [n for n in table.column_names if n not in self._schema.names]
                if extra:
                    raise InputError(f"key(s) {', '.join(extra)} first appear after the first {self._rows:,} rows; a "
                                     f"{self.fmt} output takes its columns from the first chunk: write JSON Lines "
                                     "(--out FILE.jsonl) or raise --chunk-rows")
                table = table.select(self._schema.names).cast(self._schema)
            except (pa.ArrowInvalid, KeyError, ValueError, pa.ArrowNotImplementedError) as exc:
                raise InputError(f"columns change type or name between parts of the log ({exc}); make each column "
                                 "one type") from None
        self._rows += table.num_rows
        if self.fmt == "jsonl":
            for row in table.to_pylist():
                self._fh.write(json.dumps(row, default=str) + "\n")
        else:
            self._w.write_table(table)

    def _csv_cells(self, table: pa.Table) -> pa.Table:
        """``table`` as CSV can hold it: nested columns (lists, structs, maps of a Parquet or JSON Lines log) as JSON
        text, as JSON Lines input reads them; a binary column cannot be text: InputError (write Parquet instead)."""
        import pyarrow as pa

        for i, f in enumerate(table.schema):
            if _is_binary(f.type):
                raise InputError(f"column {f.name!r} holds binary data, which a CSV output cannot carry; accepted: "
                                 "--out FILE.parquet")
            if pa.types.is_nested(f.type):
                cells = [None if v is None else json.dumps(v, default=str) for v in table.column(i).to_pylist()]
                table = table.set_column(i, f.name, pa.array(cells, type=pa.string()))
        return table

    def _open(self, table: pa.Table) -> None:
        if self.fmt == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            text = [f.name for f in table.schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
                    or pa.types.is_dictionary(f.type)]
            # dictionary encoding only where it pays (text columns): trying it on float columns doubles write time
            self._w = pq.ParquetWriter(self._tmp, table.schema, use_dictionary=text)
        elif self.fmt == "csv":
            import pyarrow.csv as pcsv

            self._w = pcsv.CSVWriter(self._tmp, table.schema)
        else:
            self._fh = open(self._tmp, "w", encoding="utf-8")  # noqa: SIM115 - closed in close()

    def close(self, ok: bool) -> None:
        """Finish: on success the file replaces ``path`` atomically; on failure the partial file is removed."""
        for h in (self._w, self._fh):
            if h is not None:
                h.close()
        if self._schema is None:
            return
        if ok:
            self._tmp.replace(self.path)
        else:
            self._tmp.unlink(missing_ok=True)


def progress_bar(total: float | None, enabled: bool) -> tuple[Callable[[float], None], Callable[[], None]]:
    """``(advance, stop)`` of a rich progress bar on stderr counting rows (no-ops when disabled or stderr is not a
    TTY); ``total`` None: the row count is unknown (CSV, JSON Lines)."""
    import sys

    if not enabled or not sys.stderr.isatty():
        return (lambda _n: None), (lambda: None)
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn("estimating"), BarColumn(), TextColumn("{task.completed:,.0f} rows"),
                   TimeRemainingColumn(), console=Console(stderr=True), transient=True)
    task = bar.add_task("log", total=total)
    bar.start()
    return (lambda n: bar.advance(task, n)), bar.stop


def _rows(path: Path, fmt: str) -> float | None:
    """Row count when the file says it (Parquet metadata), else None."""
    if fmt != "parquet":
        return None
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return float(pq.ParquetFile(path).metadata.num_rows)
    except (pa.ArrowInvalid, OSError):
        return None


def run_local(src: Path, dst: Path, estimator: LogEstimator, progress: bool = True) -> LogStats:
    """Stream ``src`` through :meth:`LogEstimator.chunk` into ``dst``; returns the merged stats."""
    advance, stop = progress_bar(_rows(src, log_format(src)), progress)
    stats = LogStats()
    writer = Writer(dst)
    ok = False
    seen_columns = False
    first = True
    try:
        for table in read_chunks(src, estimator.spec):
            seen_columns = seen_columns or bool(table.column_names)
            if table.num_rows == 0:
                continue
            out, st = estimator.chunk(table if first else with_mapped_columns(table, estimator.spec))
            first = False
            stats.merge(st, stats.rows)
            check_policy(stats, estimator.spec)
            writer.write(out)
            advance(table.num_rows)
        ok = True
    except OSError as exc:  # unreadable input, full disk, no permission: one line, the partial output removed
        raise InputError(f"cannot process {src} into {dst}: {exc.strerror or exc}") from None
    finally:
        writer.close(ok and stats.rows > 0)
        stop()
    if stats.rows == 0:
        raise InputError(f"{src} has no data rows" + ("" if seen_columns else " (empty file)"))
    return stats


def with_mapped_columns(table: pa.Table, spec: LogSpec) -> pa.Table:
    """A later part of a JSON Lines log may lack a mapped key altogether: empty cells, not a file error (the first
    part decides whether the file has the column)."""
    import pyarrow as pa

    for col in spec.text_columns():
        if col not in table.column_names:
            table = table.append_column(col, pa.nulls(table.num_rows, pa.string()))
    return table
