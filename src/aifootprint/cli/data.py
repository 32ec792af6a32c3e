"""``aifootprint data``: list, show and cite the shipped reference data."""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated, Any

import typer

from ..errors import InputError
from ..reference.registry import DATA_VERSION, Registry, default_registry, parse_cell

data_app = typer.Typer(help="Browse the cited reference data (every row: source, year, unit, licence).",
                       no_args_is_help=True)


def _registry() -> Registry:
    return default_registry()


@data_app.command("list")
def list_datasets(json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List the datasets with their size and description."""
    reg = _registry()
    items = []
    for name in reg.datasets():
        meta, table = reg.meta(name), reg.table(name)
        items.append({"dataset": name, "rows": len(table.rows), "title": meta.title, "key": table.key})
    if json_out:
        typer.echo(json.dumps({"data_version": DATA_VERSION, "datasets": items}, indent=2))
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    t = Table(title=f"reference data {DATA_VERSION}", header_style="bold")
    for col in ("dataset", "rows", "key", "title"):
        t.add_column(col)
    for it in items:
        t.add_row(*(escape(str(it[k])) for k in ("dataset", "rows", "key", "title")))
    Console(highlight=False).print(t)


@data_app.command("show")
def show(
    dataset: Annotated[str, typer.Argument(help="Dataset name (see `aifootprint data list`).")],
    where: Annotated[list[str] | None, typer.Option("--where", metavar="COL=VALUE",
                                                                help="Filter: rows whose column COL is VALUE "
                                                                     "(repeatable; all must hold). No match: exit 2 "
                                                                     "(with --json/--csv: no rows, exit 0).")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    csv_out: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
) -> None:
    """Show a dataset's rows, optionally filtered."""
    if json_out and csv_out:
        raise InputError("choose one of --json and --csv")
    reg = _registry()
    table = reg.table(dataset)
    filters: list[tuple[str, str | int | float | bool | None]] = []
    for clause in where or []:
        if "=" not in clause:
            raise InputError(f"--where expects COL=VALUE, got {clause!r}")
        col, _, text = clause.partition("=")
        filters.append((col.strip(), parse_cell(text)))
    rows = list(table.rows)
    for col, want in filters:  # every clause must hold (the same column twice: both values, so no row)
        kept = {id(r) for r in table.where(**{col: want})}
        rows = [r for r in rows if id(r) in kept]
    meta = reg.meta(dataset)
    if json_out:
        typer.echo(json.dumps({"dataset": dataset, "data_version": DATA_VERSION, "credit": meta.credit,
                               "rows": [dict(r) for r in rows]}, indent=2, ensure_ascii=False))
        return
    if csv_out:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(table.columns)
        for r in rows:
            writer.writerow(["" if r[c] is None else r[c] for c in table.columns])
        typer.echo(buf.getvalue(), nl=False)
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(highlight=False)
    if not rows:
        raise InputError(no_match_message(dataset, table, filters))
    shown = [c for c in table.columns if any(r.get(c) is not None for r in rows)]
    if len(rows) <= 3 or len(shown) > 6:
        # record view: one block per row, "column  value", empty cells left out (readable at any width)
        console.print(f"[bold]{escape(dataset)}[/]: {escape(meta.title)} ({len(rows)} rows)")
        width = max(len(c) for c in shown)
        for r in rows:
            console.print("")
            for c in shown:
                if r.get(c) is not None:
                    console.print(escape(f"  {c.ljust(width)}  {r[c]}"), soft_wrap=False, overflow="fold")
    else:
        t = Table(title=f"{dataset}: {meta.title} ({len(rows)} rows)", header_style="bold")
        for c in shown:
            t.add_column(c, overflow="fold")
        for r in rows:
            t.add_row(*["" if r[c] is None else escape(str(r[c])) for c in shown])
        console.print(t)
    if meta.credit:
        console.print(f"[dim]credit: {escape(meta.credit)}[/]")


def no_match_message(dataset: str, table: Any, filters: list[tuple[str, Any]]) -> str:
    """One line for a ``--where`` that matches nothing: the filters as typed, and some values of the first column."""
    shown = " and ".join(f"{c}={'' if v is None else v}" for c, v in filters)
    col = filters[0][0] if filters else table.key
    seen = sorted({str(r[col]) for r in table.rows if r.get(col) is not None})
    some = ", ".join(seen[:10]) + (" …" if len(seen) > 10 else "")
    return f"no rows of {dataset} where {shown}; some values of {col}: {some or '(none)'}"


@data_app.command("cite")
def cite(key: Annotated[str, typer.Argument(help="Source key, e.g. DV23, LI23, PA21.")]) -> None:
    """Print the full citation of a source key."""
    typer.echo(_registry().cite(key).format())


def register(app: typer.Typer) -> None:
    app.add_typer(data_app, name="data")
