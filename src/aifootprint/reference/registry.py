"""The reference-data registry: shipped CSV tables with provenance on every row, read lazily.

Each dataset is ``data/<name>.csv`` plus a sidecar ``data/<name>.toml`` (title, description, key column,
builder script, credit line, column meanings). Every row carries ``source`` (keys into ``data/sources/*.csv``),
``year``, ``licence`` and ``status``. Nothing is read at import time; a :class:`Registry` reads a table the
first time it is asked for and keeps it.
"""

from __future__ import annotations

import csv
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .._lazy import lazy_getattr
from ..errors import DataError, InputError, unknown_choice

TYPE_CHECKING = False  # typing is not imported at run time (`aifootprint measure` never needs it)
if TYPE_CHECKING:
    from typing import Any

    from .sources import DatasetMeta, Source

#: Version of the shipped reference data. Bump it whenever a data file changes (and add a CHANGELOG line when a
#: default result moves by more than 5 %).
DATA_VERSION = "2026.12.4"

#: Columns every dataset must have.
REQUIRED_COLUMNS = ("source", "year", "licence", "status")
#: Status letters (see docs/data/README.md): primary, quoted, secondary, derived, estimate/assumption.
STATUS_LETTERS = frozenset("PQSDE")

Value = str | int | float | bool | None
Row = Mapping[str, Value]

_DATA_DIR = Path(__file__).parent / "data"


def parse_cell(text: str) -> Value:
    """Parse a CSV cell: '' -> None, true/false -> bool, int, float, else the stripped string."""
    s = text.strip()
    if s == "":
        return None
    c = s[0]
    if not (c.isdigit() or c in "+-.iInN"):  # not a number: no int()/float() exceptions (~2 µs a cell, cold reads)
        low = s.lower()
        return (low == "true") if low in ("true", "false") else s
    try:
        return int(s)
    except ValueError:
        pass
    try:
        return float(s)
    except ValueError:
        return s


@dataclass(frozen=True)
class Table:
    """A loaded dataset: typed rows plus the name of the key column."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    key: str

    def keys(self) -> list[str]:
        """Values of the key column, in file order."""
        return [str(r[self.key]) for r in self.rows]

    def find(self, key: str) -> Row | None:
        """Row whose key equals ``key`` (case-insensitive), or None."""
        wanted = key.strip().lower()
        for r in self.rows:
            if str(r[self.key]).lower() == wanted:
                return r
        return None

    def get(self, key: str) -> Row:
        """Row whose key equals ``key`` (case-insensitive); :class:`InputError` with close matches otherwise."""
        row = self.find(key)
        if row is None:
            raise unknown_choice(f"{self.name} entry", key, self.keys())
        return row

    def where(self, **equal: Value) -> list[Row]:
        """Rows whose columns equal the given values (strings compared case-insensitively)."""
        for col in equal:
            if col not in self.columns:
                raise unknown_choice(f"column of {self.name}", col, self.columns)

        def match(r: Row) -> bool:
            for col, want in equal.items():
                got = r.get(col)
                if isinstance(want, str) and isinstance(got, str):
                    if got.lower() != want.lower():
                        return False
                elif got != want and str(got).lower() != str(want).lower():
                    return False
            return True

        return [r for r in self.rows if match(r)]


class Registry:
    """Access to the shipped (or a user-supplied) reference data directory."""

    def __init__(self, data_dir: Path | str | None = None) -> None:
        self.data_dir = Path(data_dir) if data_dir is not None else _DATA_DIR
        self._tables: dict[str, Table] = {}
        self._meta: dict[str, DatasetMeta] = {}
        self._sources: dict[str, Source] | None = None
        self._duplicates: list[tuple[str, str]] = []

    @property
    def data_version(self) -> str:
        return DATA_VERSION

    def datasets(self) -> list[str]:
        """Names of the available datasets."""
        return sorted(p.stem for p in self.data_dir.glob("*.csv"))

    def meta(self, name: str) -> DatasetMeta:
        """Sidecar metadata of dataset ``name``."""
        if name in self._meta:
            return self._meta[name]
        self._require(name)
        path = self.data_dir / f"{name}.toml"
        raw: dict[str, Any] = {}
        if path.exists():
            import tomllib  # ~15 ms of imports and regex compiles: only when the metadata is asked for

            try:
                raw = tomllib.loads(path.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise DataError(f"{path}: {exc}") from None
        key = raw.get("key", "")
        if isinstance(key, list):
            key = key[0] if key else ""
        cols = raw.get("columns", {})
        from .sources import DatasetMeta

        meta = DatasetMeta(
            name=name,
            title=str(raw.get("title", name)),
            description=str(raw.get("description", "")),
            key=str(key),
            builder=str(raw.get("builder", "")),
            credit=str(raw.get("credit", "")),
            columns={str(k): str(v) for k, v in cols.items()} if isinstance(cols, dict) else {},
        )
        self._meta[name] = meta
        return meta

    def table(self, name: str) -> Table:
        """Load dataset ``name`` (cached on this registry)."""
        if name in self._tables:
            return self._tables[name]
        self._require(name)
        path = self.data_dir / f"{name}.csv"
        lines = _csv_lines(path)
        header = tuple(next(lines))
        rows = [{h: parse_cell(c) for h, c in zip(header, cells, strict=True)} for cells in lines]
        key = self._key_column(name, path, header)
        table = Table(name=name, columns=header, rows=tuple(rows), key=key)
        self._tables[name] = table
        return table

    def find_row(self, name: str, key: str) -> Row | None:
        """``table(name).find(key)`` without loading the whole table when it is not loaded yet.

        A fast path for one look-up (``aifootprint measure`` needs one grid row, not 370): the file is scanned and
        only the key cell of each row is parsed until the first match (the same row, the same values as
        :meth:`Table.find`; ``tests/core/test_registry_fast.py`` checks every row of every dataset)."""
        if name in self._tables:
            return self._tables[name].find(key)
        self._require(name)
        path = self.data_dir / f"{name}.csv"
        wanted = key.strip().lower()
        lines = _csv_lines(path)
        try:
            header = tuple(next(lines))
            at = header.index(self._key_column(name, path, header))
            for cells in lines:
                if str(parse_cell(cells[at])).lower() == wanted:
                    return {h: parse_cell(c) for h, c in zip(header, cells, strict=True)}
        finally:
            lines.close()  # the file, at once, when the row is found before the end or the key column is missing
        return None

    def _key_column(self, name: str, path: Path, header: tuple[str, ...]) -> str:
        """The key column of a dataset (its sidecar's ``key``, else the first column); DataError if absent."""
        key = self._meta[name].key if name in self._meta else _sidecar_key(self.data_dir / f"{name}.toml")
        if key is None:
            key = self.meta(name).key
        key = key or header[0]
        if key not in header:
            raise DataError(f"{path}: key column {key!r} not in header")
        return key

    def sources(self) -> dict[str, Source]:
        """All source citations, by key."""
        if self._sources is None:
            from .sources import Source

            found: dict[str, Source] = {}
            for path in sorted((self.data_dir / "sources").glob("*.csv")):
                with path.open(encoding="utf-8", newline="") as fh:
                    for row in csv.DictReader(fh):
                        k = (row.get("key") or "").strip()
                        if not k:
                            continue
                        if k in found:  # the same source cited by two builder groups: first file wins
                            self._duplicates.append((k, path.name))
                            continue
                        found[k] = Source(
                            key=k,
                            citation=(row.get("citation") or "").strip(),
                            url=(row.get("url") or "").strip(),
                            licence=(row.get("licence") or "").strip(),
                            status=(row.get("status") or "").strip(),
                        )
            self._sources = found
        return self._sources

    def duplicate_sources(self) -> list[tuple[str, str]]:
        """Source keys defined again in a later file (key, file); the data-integrity tests check they agree."""
        self.sources()
        return list(self._duplicates)

    def cite(self, key: str) -> Source:
        """The citation for a source key (case-insensitive)."""
        srcs = self.sources()
        if key in srcs:
            return srcs[key]
        by_lower = {k.lower(): v for k, v in srcs.items()}
        if key.lower() in by_lower:
            return by_lower[key.lower()]
        raise unknown_choice("source key", key, srcs)

    def _require(self, name: str) -> None:
        if not (self.data_dir / f"{name}.csv").exists():
            raise unknown_choice("dataset", name, self.datasets())


def _csv_lines(path: Path) -> Generator[Sequence[str], None, None]:
    """The stripped header of CSV file ``path``, then its non-empty rows as cells (DataError when the file is empty
    or a row's width differs from the header's)."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = tuple(h.strip() for h in next(reader))
        except StopIteration:
            raise DataError(f"{path}: empty file") from None
        yield header
        for lineno, cells in enumerate(reader, start=2):
            if not cells:
                continue
            if len(cells) != len(header):
                raise DataError(f"{path}:{lineno}: {len(cells)} cells, header has {len(header)}")
            yield cells


def _sidecar_key(path: Path) -> str | None:
    """The top-level ``key = "..."`` of a sidecar read without a TOML parser ('' when the file or the key is
    absent); None when the file is not that simple (a list, an escape, a multi-line key, another quoting): the
    caller then parses it with :mod:`tomllib` (:meth:`Registry.meta`, ~10 ms of imports). Multi-line strings of
    other keys (a ``description = \"\"\"…\"\"\"``) are skipped. The same value as ``meta(name).key``
    (``tests/core/test_registry_fast.py`` checks every shipped sidecar)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    block = ""  # the delimiter of the multi-line string being skipped
    for line in text.splitlines():
        if block:
            if block in line:
                if line.count(block) != 1 or "\\" in line:
                    return None
                block = ""
            continue
        stripped = line.strip()
        if stripped.startswith("["):  # the first table: top-level keys are over
            return ""
        name, eq, value = stripped.partition("=")
        delims = [d for d in ('"""', "'''") if d in value]
        if delims:
            if name.strip() == "key" or len(delims) > 1 or value.count(delims[0]) not in (1, 2) or "\\" in value:
                return None
            block = delims[0] if value.count(delims[0]) == 1 else ""
            continue
        if not eq or name.strip() != "key":
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"' and '"' not in value[1:-1] and "\\" not in value:
            return value[1:-1]
        return None
    return None if block else ""


def source_keys(row: Row) -> list[str]:
    """The source keys of a row (``source`` may hold several, ``;``-separated)."""
    raw = row.get("source")
    return [s.strip() for s in str(raw or "").split(";") if s.strip()]


def row_float(row: Row, column: str) -> float | None:
    """A numeric cell as float (None when empty)."""
    v = row.get(column)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise DataError(f"column {column!r} holds {v!r}, expected a number")
    return float(v)


def row_int(row: Row, column: str) -> int | None:
    """A numeric cell as int (None when empty)."""
    value = row_float(row, column)
    return None if value is None else int(value)


def row_str(row: Row, column: str) -> str:
    """A cell as a string ('' when empty)."""
    v = row.get(column)
    return "" if v is None else str(v)


def provenance(row: Row) -> dict[str, Any]:
    """The provenance fields every typed record carries: ``sources``, ``year``, ``licence``, ``status``, ``notes``."""
    year = row_int(row, "year")
    if year is None:
        raise DataError(f"row {row.get('key')!r}: column 'year' is empty")
    return {"sources": tuple(source_keys(row)), "year": year, "licence": row_str(row, "licence"),
            "status": row_str(row, "status"), "notes": row_str(row, "notes")}


#: :class:`Source` and :class:`DatasetMeta` live in :mod:`.sources` (loaded on first use)
__getattr__ = lazy_getattr(__name__, {"Source": "sources", "DatasetMeta": "sources"}, base=__package__)


@cache
def default_registry() -> Registry:
    """The registry of the shipped data (one read-only instance; tables are loaded on first use)."""
    return Registry()


__all__ = [
    "DATA_VERSION",
    "DatasetMeta",
    "InputError",
    "Registry",
    "Row",
    "Source",
    "Table",
    "Value",
    "default_registry",
    "parse_cell",
    "provenance",
    "row_float",
    "row_int",
    "row_str",
    "source_keys",
]
