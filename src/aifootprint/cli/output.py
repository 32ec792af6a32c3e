"""Shared rendering of results: ``--json`` (the output contract) or a human view with sources."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import typer

from ..result import Result


def _fmt(v: float) -> str:
    a = abs(v)
    if a == 0:
        return "0"
    if a >= 1e6 or a < 1e-3:
        return f"{v:.3e}"
    if a >= 100:
        return f"{v:,.1f}"
    return f"{v:.4g}"


def format_value(value: Any) -> str:
    """Human form of a result value (numbers, {low,best,high} dicts, nested dicts)."""
    if isinstance(value, Mapping) and {"low", "best", "high"} <= set(value):
        lo, best, hi = value["low"], value["best"], value["high"]
        if lo == hi:
            return _fmt(best)
        return f"{_fmt(best)}  ({_fmt(lo)} – {_fmt(hi)})"
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return format_value(int(value))
        return _fmt(value)
    if isinstance(value, Mapping):  # None = not available: left out; fractions as signed percentages
        return ", ".join(f"{k}={_percent(v) if str(k).endswith('_fraction') else format_value(v)}"
                         for k, v in value.items() if v is not None)
    if isinstance(value, list):
        return ", ".join(format_value(v) for v in value[:8]) + (" …" if len(value) > 8 else "")
    return str(value)


def _percent(v: Any) -> str:
    if not isinstance(v, int | float) or isinstance(v, bool):
        return format_value(v)
    pct = round(100 * v, 1)
    return "0.0 %" if pct == 0 else f"{pct:+.1f} %"


#: One quantity in several units (``energy_kwh`` beside ``energy_mwh``): the human view shows one of them.
_UNIT_LADDERS = (("_wh", "_kwh", "_mwh", "_gwh", "_twh"), ("_g", "_kg", "_t"), ("_ml", "_l"))


def _best(value: Any) -> float | None:
    if isinstance(value, Mapping) and "best" in value:
        value = value["best"]
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def redundant_units(data: Mapping[str, Any]) -> set[str]:
    """Keys that repeat another key's quantity in a smaller or larger unit. Of ``energy_kwh`` = 1.1e6 and
    ``energy_mwh`` = 1,104 the larger unit is kept (the largest whose best value is at least 1)."""
    drop: set[str] = set()
    for ladder in _UNIT_LADDERS:
        stems: dict[str, list[str]] = {}
        for key in data:
            suffix = next((u for u in ladder if key.endswith(u)), None)
            if suffix is not None and _best(data[key]) is not None:
                stems.setdefault(key[: -len(suffix)], []).append(key)
        for keys in stems.values():
            if len(keys) < 2:
                continue
            ordered = sorted(keys, key=lambda k: next(i for i, u in enumerate(ladder) if k.endswith(u)))
            big = [k for k in ordered if abs(_best(data[k]) or 0.0) >= 1.0]
            keep = big[-1] if big else ordered[0]
            drop.update(k for k in ordered if k != keep)
    return drop


_META = {"kind", "method_version", "data_version", "inputs", "percentiles", "assumptions", "warnings", "sources"}


def emit(result: Result, as_json: bool, title: str | None = None) -> None:
    """Print ``result`` as JSON, or as tables: values, assumptions with sources, warnings, versions."""
    if as_json:
        typer.echo(result.to_json())
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(highlight=False)
    data = result.to_dict()
    table = Table(title=title or result.kind, show_header=True, header_style="bold")
    table.add_column("quantity")
    table.add_column("value (best, 5th–95th percentile)", justify="right")
    hidden = redundant_units(data)
    for key, value in data.items():
        if key in _META or key in hidden or value is None or format_value(value) == "":
            continue
        table.add_row(escape(key), escape(format_value(value)))
    console.print(table)
    inputs = data.get("inputs") or {}
    if inputs:  # the user's own words (measure's command line): their control characters escaped, not sent
        from ..measure.terminal import printable

        shown = (f"{k}={format_value(v)}" for k, v in inputs.items() if v not in (None, ""))
        console.print(escape(printable("inputs: " + ", ".join(shown))))
    if result.assumptions:
        at = Table(title="assumptions and sources", show_header=True, header_style="bold")
        for col in ("name", "value", "unit", "source"):
            at.add_column(col)
        for a in result.assumptions:
            at.add_row(escape(a.name), escape(format_value(a.value)), escape(a.unit), escape(a.source))
        console.print(at)
    for w in result.warnings:
        console.print(f"[yellow]warning:[/] {escape(str(w))}")
    console.print(f"[dim]method {result.method_version}, data {result.data_version}; "
                  "see `aifootprint data cite KEY` for full citations[/]")
