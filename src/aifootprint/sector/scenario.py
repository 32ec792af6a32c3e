"""Scenario files: TOML a user can copy and edit, parsed into frozen dataclasses with clear errors.

A scenario names a *model* (``supply``, ``demand`` or ``trajectory``, see :mod:`aifootprint.sector.models`),
the years it covers, and its inputs. Every input is a distribution written like
:meth:`aifootprint.uncertainty.Uncertain.from_spec` (a number, ``point``, ``range``, ``triangular`` or
``lognormal``), with a ``unit`` and a ``source`` (a key from ``reference/data/sources``, a key defined in the
file's own ``[sources]`` table, or the word ``assumption`` for a labelled user assumption). An input may change
over the years with a ``by_year`` table of anchors. Malformed files raise :class:`InputError` naming the file,
the line and the field. See ``docs/scenarios.md`` for the format.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import InputError, unknown_choice
from .distributions import META_KEYS, Dist, beyond_float, parse_spec
from .models import OUTPUT_UNITS

MODELS = ("supply", "demand", "trajectory")
ASSUMPTION = "assumption"
_SCENARIO_KEYS = frozenset({"name", "title", "model", "years", "description", "location", "operator", "sources",
                            "notes", "base_year"})
_PUBLISHED_KEYS = frozenset({"output", "year", "value", "low", "high", "unit", "source", "note"})
_MAX_YEARS = 200


@dataclass(frozen=True)
class Input:
    """One scenario input: a distribution (or year anchors), its unit and where it comes from."""

    name: str
    unit: str
    source: str
    dist: Dist | None = None
    by_year: tuple[tuple[int, Dist], ...] = ()
    note: str = ""

    @property
    def is_assumption(self) -> bool:
        """True when the value is a user assumption rather than a published figure."""
        return self.source.lower() == ASSUMPTION

    @property
    def is_uncertain(self) -> bool:
        if self.dist is not None:
            return not self.dist.is_point
        return any(not d.is_point for _, d in self.by_year)

    def at(self, year: int) -> Dist:
        """The distribution in ``year`` (for ``by_year`` inputs: the nearest anchor; models interpolate)."""
        if self.dist is not None:
            return self.dist
        return min(self.by_year, key=lambda a: abs(a[0] - year))[1]

    def describe(self) -> str:
        if self.dist is not None:
            return self.dist.describe()
        return "; ".join(f"{y}: {d.describe()}" for y, d in self.by_year)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "unit": self.unit, "source": self.source}
        if self.dist is not None:
            out["distribution"] = self.dist.to_dict()
        else:
            out["by_year"] = {str(y): d.to_dict() for y, d in self.by_year}
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class Published:
    """A figure the scenario's source published, to compare the run against (and to pin in tests)."""

    output: str
    year: int
    unit: str
    source: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"output": self.output, "year": self.year, "unit": self.unit, "source": self.source,
                "value": self.value, "low": self.low, "high": self.high, "note": self.note}


@dataclass(frozen=True)
class Scenario:
    """A parsed scenario file."""

    name: str
    title: str
    model: str
    years: tuple[int, ...]
    inputs: Mapping[str, Input]
    description: str = ""
    location: str | None = None
    operator: str | None = None
    sources: tuple[str, ...] = ()
    published: tuple[Published, ...] = ()
    notes: tuple[str, ...] = ()
    custom_sources: Mapping[str, str] = field(default_factory=dict)
    path: str = ""
    text: str = field(default="", repr=False, compare=False)  # the TOML text, to point errors at their line

    def error_at(self, path: tuple[str | int, ...], message: str) -> InputError:
        """An :class:`InputError` about the field ``path`` (``("scenario", "location")``), prefixed with the
        file and the field's line, for checks made after parsing (site factors, source keys)."""
        return _Ctx(self.path or "<scenario>", self.text).fail(path, message)

    def source_keys(self) -> list[str]:
        """Every source key used by the scenario and its inputs (assumptions excluded), sorted."""
        keys = set(self.sources)
        for inp in self.inputs.values():
            keys.update(k.strip() for k in inp.source.split(";") if k.strip() and k.strip().lower() != ASSUMPTION)
        for pub in self.published:
            keys.update(k.strip() for k in pub.source.split(";") if k.strip())
        return sorted(keys)

    def assumptions(self) -> list[Input]:
        return [i for i in self.inputs.values() if i.is_assumption]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "title": self.title, "model": self.model, "years": list(self.years),
            "description": self.description, "location": self.location, "operator": self.operator,
            "sources": list(self.sources), "inputs": {k: v.to_dict() for k, v in self.inputs.items()},
            "published": [p.to_dict() for p in self.published], "notes": list(self.notes), "path": self.path,
        }


# --------------------------------------------------------------------------------------------- locating lines
_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\".]+)\s*=")


def _split_key(text: str) -> list[str]:
    return [p.strip().strip('"').strip("'") for p in text.split(".") if p.strip()]


def locate(text: str, path: tuple[str, ...]) -> int:
    """Line number (1-based) in TOML ``text`` that best matches the dotted field ``path`` (0 if none).

    Tracks ``[table]`` / ``[[array]]`` headers and ``key =`` lines; returns the line whose full key path shares
    the longest prefix with ``path`` (so an error inside an inline table points at that table's line).
    """
    best_line, best_len = 0, 0
    current: list[str] = []
    counters: dict[tuple[str, ...], int] = {}
    target = [str(p) for p in path]
    for lineno, line in enumerate(text.splitlines(), start=1):
        m = _HEADER.match(line)
        if m and not line.lstrip().startswith("#"):
            current = _split_key(m.group(1))
            if line.lstrip().startswith("[["):
                idx = counters.get(tuple(current), 0)
                counters[tuple(current)] = idx + 1
                current = [*current, str(idx)]
            full = current
        else:
            k = _KEY.match(line)
            if not k:
                continue
            full = current + _split_key(k.group(1))
        n = 0
        for a, b in zip(full, target, strict=False):
            if a != b:
                break
            n += 1
        if n > best_len or (n == best_len == len(full) and best_line == 0):
            best_line, best_len = lineno, n
    return best_line


class _Ctx:
    """Error builder bound to one file: ``ctx.fail(("inputs", "x", "range"), "message")``."""

    def __init__(self, label: str, text: str) -> None:
        self.label = label
        self.text = text

    def fail(self, path: tuple[str | int, ...], message: str) -> InputError:
        keys = tuple(str(p) for p in path)
        line = locate(self.text, keys) if keys else 0
        where = f"{self.label}:{line}" if line else self.label
        fieldname = ".".join(keys)
        return InputError(f"{where}: field {fieldname!r}: {message}" if fieldname else f"{where}: {message}")


# --------------------------------------------------------------------------------------------- parsing
def _str(ctx: _Ctx, raw: Mapping[str, Any], key: str, path: tuple[str, ...], required: bool = False) -> str:
    value = raw.get(key)
    if value is None:
        if required:
            raise ctx.fail(path[:-1], f"missing required key {key!r}")
        return ""
    if not isinstance(value, str):
        raise ctx.fail(path, f"expected a string, got {value!r}")
    return value


def _years(ctx: _Ctx, raw: Any) -> tuple[int, ...]:
    path = ("scenario", "years")
    if isinstance(raw, Mapping):
        if set(raw) - {"start", "end"}:  # e.g. a "step" that would be silently ignored
            raise ctx.fail(path, f"unknown key {sorted(set(raw) - {'start', 'end'})[0]!r}; accepted: "
                                 "{start = YEAR, end = YEAR} (every year between) or a list of years [2024, 2030]")
        start, end = raw.get("start"), raw.get("end")
        if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or end < start:
            raise ctx.fail(path, f"expected {{start = YEAR, end = YEAR}} with start <= end, got {raw!r}")
        years = list(range(start, end + 1))
    elif isinstance(raw, list) and raw and all(isinstance(y, int) and not isinstance(y, bool) for y in raw):
        years = sorted(set(raw))
    else:
        raise ctx.fail(path, f"expected a list of years like [2024, 2030] or {{start = 2024, end = 2030}}, "
                             f"got {raw!r}")
    if len(years) > _MAX_YEARS or years[0] < 1900 or years[-1] > 2200:
        raise ctx.fail(path, f"years must lie in 1900..2200 and number at most {_MAX_YEARS}")
    return tuple(years)


def _input(ctx: _Ctx, name: str, raw: Any, custom: Mapping[str, str]) -> Input:
    path: tuple[str, ...] = ("inputs", name)
    if not isinstance(raw, Mapping):
        raise ctx.fail(path, "expected a table with a distribution, a unit and a source, e.g. "
                             "{ point = 6.5, unit = \"kW\", source = \"DV23\" }")
    unit = _str(ctx, raw, "unit", (*path, "unit"), required=True)
    source = _str(ctx, raw, "source", (*path, "source"), required=True).strip()
    if not source:
        raise ctx.fail((*path, "source"), f"empty source; give a source key or {ASSUMPTION!r}")
    note = _str(ctx, raw, "note", (*path, "note"))
    unknown = set(raw) - META_KEYS - {"point", "range", "triangular", "lognormal"}
    if unknown:
        raise ctx.fail((*path, sorted(unknown)[0]), "unknown key; accepted: point, range, triangular, lognormal, "
                                                    "by_year, unit, source, note")
    by_year_raw = raw.get("by_year")
    if by_year_raw is not None:
        if set(raw) & {"point", "range", "triangular", "lognormal"}:
            raise ctx.fail(path, "give either a distribution or a by_year table, not both")
        if not isinstance(by_year_raw, Mapping) or not by_year_raw:
            raise ctx.fail((*path, "by_year"), "expected a table of YEAR = distribution anchors")
        anchors = []
        for key, spec in by_year_raw.items():
            if not re.fullmatch(r"\d{4}", str(key)):
                raise ctx.fail((*path, "by_year", key), "anchor keys must be four-digit years")
            try:
                anchors.append((int(key), parse_spec(spec, f"{name}.by_year.{key}")))
            except InputError as exc:
                raise ctx.fail((*path, "by_year", key), str(exc)) from None
        return Input(name, unit, source, None, tuple(sorted(anchors)), note)
    try:
        dist = parse_spec({k: v for k, v in raw.items() if k not in META_KEYS}, name)
    except InputError as exc:
        raise ctx.fail(path, str(exc)) from None
    return Input(name, unit, source, dist, (), note)


def _check_anchors(ctx: _Ctx, inp: Input, years: tuple[int, ...]) -> None:
    """Refuse a ``by_year`` anchor that no scenario year uses: the values of the years come from the anchors within
    them and from the nearest anchor on each side (interpolation, :func:`.montecarlo._values_for`), so an anchor
    beyond those would be silently ignored. ``shipments_servers`` anchors before the first year all count (they
    feed the installed base of later years)."""
    if not inp.by_year:
        return
    first, last = years[0], years[-1]
    anchors = [y for y, _ in inp.by_year]
    before = [y for y in anchors if y < first]
    after = [y for y in anchors if y > last]
    used_before = set(before) if inp.name == "shipments_servers" else (
        set() if first in anchors or not before else {max(before)})
    used_after = set() if last in anchors or not after else {min(after)}
    for y in anchors:
        if (y < first and y not in used_before) or (y > last and y not in used_after):
            near = sorted(used_before | used_after | {a for a in anchors if first <= a <= last})
            raise ctx.fail(("inputs", inp.name, "by_year", str(y)),
                           f"anchor {y} is outside the scenario years {first}..{last} and has no effect (those "
                           f"years use the anchors {', '.join(map(str, near))}); remove it, or extend years")


def _unit_key(text: str) -> str:
    """A unit as compared: case and spaces ignored (``TWh/yr`` = ``twh / yr``)."""
    return text.strip().lower().replace(" ", "")


def _published(ctx: _Ctx, i: int, raw: Any, years: tuple[int, ...]) -> Published:
    path: tuple[str | int, ...] = ("published", i)
    if not isinstance(raw, Mapping):
        raise ctx.fail(path, "expected a table")
    unknown = set(raw) - _PUBLISHED_KEYS
    if unknown:
        raise ctx.fail((*path, sorted(unknown)[0]), f"unknown key; accepted: {', '.join(sorted(_PUBLISHED_KEYS))}")
    nums: dict[str, float | None] = {}
    for key in ("value", "low", "high"):
        v = raw.get(key)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int | float)):
            raise ctx.fail((*path, key), f"expected a number, got {v!r}")
        try:
            nums[key] = None if v is None else float(v)
        except OverflowError:  # an integer beyond any float
            raise ctx.fail((*path, key), beyond_float(v)) from None
    if all(v is None for v in nums.values()):
        raise ctx.fail(path, "give value, or low and high")
    for key, v in nums.items():
        if v is not None and (v < 0 or v != v or v == float("inf")):
            raise ctx.fail((*path, key), f"a published energy, power, carbon or water figure is a finite number "
                                         f">= 0, got {v:g}")
    if nums["low"] is not None and nums["high"] is not None and nums["low"] > nums["high"]:
        raise ctx.fail((*path, "low"), f"low ({nums['low']:g}) is above high ({nums['high']:g})")
    year = raw.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise ctx.fail((*path, "year"), f"expected a year, got {year!r}")
    for key in ("output", "unit", "source"):
        if not isinstance(raw.get(key), str):
            raise ctx.fail((*path, key), "missing or not a string")
    if raw["output"] not in OUTPUT_UNITS:  # else silently never compared with anything
        raise ctx.fail((*path, "output"), str(unknown_choice("output", raw["output"], OUTPUT_UNITS)))
    want = OUTPUT_UNITS[raw["output"]]
    if _unit_key(raw["unit"]) != _unit_key(want):  # compared as it is: 1 GWh against TWh read as "9900 % off"
        raise ctx.fail((*path, "unit"), f"{raw['output']} is in {want}, got {raw['unit']!r}; accepted: {want} "
                                        "(convert the published figure)")
    if year not in years:  # else silently never compared with anything
        raise ctx.fail((*path, "year"), f"{year} is not a scenario year ({years[0]}..{years[-1]}); accepted: a "
                                        "year the scenario covers (or extend its years)")
    return Published(str(raw["output"]), year, str(raw["unit"]), str(raw["source"]), nums["value"], nums["low"],
                     nums["high"], str(raw.get("note", "")))


def parse_scenario(text: str, label: str = "<scenario>") -> Scenario:
    """Parse scenario TOML ``text``; ``label`` (usually the path) prefixes every error message."""
    ctx = _Ctx(label, text)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        where = f"{label}:{m.group(1)}" if m else label
        raise InputError(f"{where}: TOML syntax error: {exc}") from None
    for key in raw:
        if key not in ("scenario", "inputs", "published", "sources"):
            raise ctx.fail((key,), "unknown section; accepted: [scenario], [inputs.NAME], [[published]], [sources]")
    head = raw.get("scenario")
    if not isinstance(head, Mapping):
        raise InputError(f"{label}: missing [scenario] table (name, title, model, years)")
    for key in head:
        if key not in _SCENARIO_KEYS:
            raise ctx.fail(("scenario", key), f"unknown key; accepted: {', '.join(sorted(_SCENARIO_KEYS))}")
    name = _str(ctx, head, "name", ("scenario", "name"), required=True).strip()
    if not name:
        raise ctx.fail(("scenario", "name"), "empty name; give the scenario a short name, e.g. name = \"my-fleet\"")
    model = _str(ctx, head, "model", ("scenario", "model"), required=True)
    if model not in MODELS:
        raise ctx.fail(("scenario", "model"), str(unknown_choice("model", model, MODELS)))
    if "years" not in head:
        raise ctx.fail(("scenario",), "missing required key 'years'")
    years = _years(ctx, head["years"])
    sources_raw = head.get("sources", [])
    if not isinstance(sources_raw, list) or not all(isinstance(s, str) for s in sources_raw):
        raise ctx.fail(("scenario", "sources"), "expected a list of source keys")
    notes_raw = head.get("notes", [])
    if isinstance(notes_raw, str):
        notes_raw = [notes_raw]
    if not isinstance(notes_raw, list) or not all(isinstance(s, str) for s in notes_raw):
        raise ctx.fail(("scenario", "notes"), "expected a string or a list of strings")
    custom_raw = raw.get("sources", {})
    custom: dict[str, str] = {}
    if not isinstance(custom_raw, Mapping):
        raise ctx.fail(("sources",), "expected a table KEY = \"citation\"")
    for key, cite in custom_raw.items():
        if not isinstance(cite, str):
            raise ctx.fail(("sources", key), "expected a citation string")
        custom[key] = cite
    inputs_raw = raw.get("inputs")
    if not isinstance(inputs_raw, Mapping) or not inputs_raw:
        raise InputError(f"{label}: missing [inputs.NAME] tables")
    inputs = {k: _input(ctx, k, v, custom) for k, v in inputs_raw.items()}
    for inp in inputs.values():
        _check_anchors(ctx, inp, years)
    pubs_raw = raw.get("published", [])
    if not isinstance(pubs_raw, list):
        raise ctx.fail(("published",), "expected [[published]] tables")
    scenario = Scenario(
        name=name, title=_str(ctx, head, "title", ("scenario", "title")) or name, model=model, years=years,
        inputs=inputs, description=_str(ctx, head, "description", ("scenario", "description")).strip(),
        location=_str(ctx, head, "location", ("scenario", "location")) or None,
        operator=_str(ctx, head, "operator", ("scenario", "operator")) or None,
        sources=tuple(sources_raw), published=tuple(_published(ctx, i, p, years) for i, p in enumerate(pubs_raw)),
        notes=tuple(notes_raw), custom_sources=custom, path=label, text=text,
    )
    # the model checks its own inputs (names, units, ranges) and reports the offending field's line
    from .models import validate

    try:
        validate(scenario)
    except _FieldError as exc:
        raise ctx.fail(exc.path, exc.message) from None
    return scenario


def _split_sources(text: str) -> list[str]:
    return [k.strip() for k in text.split(";") if k.strip()]


def check_sources(scenario: Scenario, known: Collection[str]) -> None:
    """Every source key of ``scenario`` (its ``sources`` list, each input's ``source`` except the label
    ``assumption``, each published figure's ``source``) is in ``known`` (the registry's source keys) or in the
    file's own ``[sources]`` table; else an :class:`InputError` with the file, the line and close matches."""
    accepted = set(known) | set(scenario.custom_sources)
    fields: list[tuple[tuple[str | int, ...], str]] = [(("scenario", "sources"), k) for k in scenario.sources]
    for name, inp in scenario.inputs.items():
        fields += [(("inputs", name, "source"), k) for k in _split_sources(inp.source) if k.lower() != ASSUMPTION]
    for i, pub in enumerate(scenario.published):
        fields += [(("published", i, "source"), k) for k in _split_sources(pub.source)]
    for path, key in fields:
        if key.strip() not in accepted:
            err = unknown_choice("source key", key.strip(), accepted)
            raise scenario.error_at(path, f"{err} Use a key of the registry's sources (`aifootprint data cite KEY`), "
                                          f"define it in the file's [sources] table, or write {ASSUMPTION!r} for "
                                          "an input that is your own assumption.")


class _FieldError(Exception):
    """Raised by model validation; turned into an :class:`InputError` with file and line."""

    def __init__(self, path: tuple[str, ...], message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def field_error(path: tuple[str, ...], message: str) -> Exception:
    """An error about one field of a scenario (used by :mod:`aifootprint.sector.models`)."""
    return _FieldError(path, message)


# --------------------------------------------------------------------------------------------- loading
def builtin_names() -> list[str]:
    """Names of the built-in scenarios (package data ``sector/builtin/*.toml``)."""
    folder = resources.files("aifootprint.sector") / "builtin"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_builtin(name: str) -> Scenario:
    """A built-in scenario by name (case-insensitive); unknown names get close matches."""
    names = builtin_names()
    wanted = {n.lower(): n for n in names}.get(name.strip().lower())
    if wanted is None:
        raise unknown_choice("scenario", name, names)
    res = resources.files("aifootprint.sector") / "builtin" / f"{wanted}.toml"
    return parse_scenario(res.read_text(encoding="utf-8"), f"builtin:{wanted}")


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A built-in scenario name, or the path of a scenario TOML file."""
    text = str(name_or_path)
    path = Path(text)
    try:
        is_file = text.endswith(".toml") or path.exists()
    except OSError:  # a name longer than the system allows (ENAMETOOLONG): not a file, so a built-in name
        is_file = False
    if is_file:
        from ..fileio import read_input

        try:
            content = read_input(path, "scenario file").decode("utf-8")
        except FileNotFoundError:
            raise InputError(f"scenario file not found: {text}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read scenario file {text}: {exc}") from None
        return parse_scenario(content, str(path))
    return load_builtin(text)
