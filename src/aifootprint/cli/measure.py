"""``aifootprint runs list|show|export``, and the typer entry of ``aifootprint measure -- COMMAND`` (defined in
:mod:`.measure_run`)."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import InputError
from .measure_run import HELP, SITE_HELP, STORE_HELP, human, site_settings

if TYPE_CHECKING:
    from ..measure.store import RunStore, StoredRun

OperatorOpt = Annotated[str | None, typer.Option(help=SITE_HELP["--operator"])]
PueOpt = Annotated[float | None, typer.Option(help=SITE_HELP["--pue"])]
WueOpt = Annotated[float | None, typer.Option("--wue-l-per-kwh", help=SITE_HELP["--wue-l-per-kwh"])]
EwifOpt = Annotated[float | None, typer.Option("--ewif-l-per-kwh", help=SITE_HELP["--ewif-l-per-kwh"])]
IntensityOpt = Annotated[float | None, typer.Option("--intensity-g-per-kwh",
                                                    help=SITE_HELP["--intensity-g-per-kwh"])]


def measure(ctx: typer.Context) -> None:
    """The typer face of ``measure``: every word after it goes to :func:`.measure_run.run`, the one definition of
    the command (``cli.main`` calls that directly, without typer)."""
    from .measure_run import run

    raise typer.Exit(run(list(ctx.args)))


# -- runs -------------------------------------------------------------------------------------------------------
runs_app = typer.Typer(help="Stored runs: list, show (with an impact statement), export.", no_args_is_help=True)
StoreOpt = Annotated[Path | None, typer.Option(help=STORE_HELP)]


def _open(store: Path | None) -> RunStore:
    """The run store, read-only: a missing or unsuitable file is an InputError, and nothing is created."""
    from ..measure.store import RunStore

    return RunStore(store, read_only=True)


@contextlib.contextmanager
def _reading(store: Path | None) -> Iterator[None]:
    """Turn a store that breaks while being read (corrupt pages) into one InputError line."""
    try:
        yield
    except sqlite3.Error as exc:
        from ..measure.store import default_store_path

        raise InputError(f"run store {store or default_store_path()} cannot be read: {exc}") from exc


def _get(db: RunStore, run_id: str) -> StoredRun:
    run = db.get(run_id)
    if run is None:
        from ..errors import unknown_choice

        raise unknown_choice("run", run_id, db.run_ids(), prefixes=True)
    return run


@runs_app.command("list")
def runs_list(
    limit: Annotated[int, typer.Option(help="How many runs, newest first (0: all).")] = 20,
    store: StoreOpt = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List stored runs, newest first."""
    if limit < 0:
        raise InputError(f"--limit must be >= 1 (or 0 for all runs), got {limit}")
    from ..measure.runs import list_row
    from ..measure.terminal import printable

    if store is None:
        from ..measure.store import default_store_path

        path = default_store_path()
        if not path.exists():  # a new user's first look: nothing measured yet, not an error
            typer.echo("[]" if json_out else f"no runs yet (store: {path}); measure one with "
                       "`aifootprint measure -- COMMAND`")
            return
    with _reading(store):
        opened = _open(store)
        rows = [list_row(run, opened) for run in opened.runs(limit)]
    if json_out:
        typer.echo(json.dumps(rows, indent=2))
        return
    import shutil

    lines: list[list[str]] = [["run_id", "started", "s", "IT kWh", "where", "status", "name"]]
    for r in rows:
        kwh, dur = r["it_energy_kwh"], r["duration_s"]
        energy = "" if kwh is None else ("~" if r["estimated"] else "") + f"{kwh:.3g}"
        lines.append([str(r["run_id"]), str(r["started"])[5:16], "" if dur is None else f"{dur:.3g}", energy,
                      printable(str(r["location"] or "WORLD")), str(r["status"]), printable(str(r["name"]))])
    widths = [max(len(line[i]) for line in lines) for i in range(6)]
    room = max(8, shutil.get_terminal_size((100, 24)).columns - sum(widths) - 2 * len(widths))
    for n, line in enumerate(lines):
        cells = [c.rjust(w) if i in (2, 3) else c.ljust(w) for i, (c, w) in enumerate(zip(line, widths, strict=False))]
        name = line[6] if len(line[6]) <= room else line[6][: room - 1] + "…"
        typer.echo("  ".join([*cells, name]))
        if n == 0:
            typer.echo("-" * min(sum(widths) + 2 * len(widths) + len(name), sum(widths) + 2 * len(widths) + room))
    typer.echo("IT kWh: measured, before data-centre overhead (runs show RUN_ID: facility energy, carbon, water); "
               "~ = includes estimated (or simulated: fake sensors) readings, or rebuilt from a killed run's samples")


@runs_app.command("show")
def runs_show(
    run_id: Annotated[str, typer.Argument(help="Run id (or a unique prefix).")],
    statement: Annotated[bool, typer.Option("--statement", help="Print an impact statement (paragraph + table) "
                                                                "for a paper or model card.")] = False,
    location: Annotated[str | None, typer.Option(help="Recompute at another location.")] = None,
    operator: OperatorOpt = None,
    pue: PueOpt = None,
    wue_l_per_kwh: WueOpt = None,
    ewif_l_per_kwh: EwifOpt = None,
    intensity_g_per_kwh: IntensityOpt = None,
    store: StoreOpt = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the JSON result.")] = False,
) -> None:
    """Show a run's footprint (recomputed from its stored energy with the current reference data).

    The site settings given to `measure` (--operator, --pue, …) are reused; the ones given here replace them.
    With --location, the grid intensity and off-site water intensity given to `measure` are not reused.
    """
    from ..measure import runs
    from ..measure.footprint import footprint

    with _reading(store):
        db = _open(store)
        run = _get(db, run_id)
        measured = runs.measurement(db, run)
    where = location or run.header.location or None
    summary = run.summary or {}
    site_op, overrides, site = site_settings({"operator": operator, "pue": pue, "wue_l_per_kwh": wue_l_per_kwh,
                                      "ewif_l_per_kwh": ewif_l_per_kwh, "intensity_g_per_kwh": intensity_g_per_kwh},
                                     runs.stored_site(run, location is not None))
    out = footprint(measured, where, sensor_assumptions=summary.get("assumptions", []), operator=site_op,
                    overrides=overrides,
                    extra_inputs={"command": run.header.command, "run_id": run.run_id, "exit_code": run.exit_code,
                                  "hz": run.header.hz, "status": runs.status(run),
                                  **{k: v for k, v in site.items() if k != "operator"}})
    if statement:
        from ..measure.statement import impact_statement

        typer.echo(impact_statement(run, out.to_dict()))
    elif json_out:
        typer.echo(out.to_json())
    else:
        human(out, f"run {run.run_id}")


@runs_app.command("export")
def runs_export(
    run_id: Annotated[str, typer.Argument(help="Run id (or a unique prefix).")],
    fmt: Annotated[str, typer.Option("--format", help="csv (the samples) or json (everything).")] = "json",
    output: Annotated[str | None, typer.Option("--out", "--output", "-o", help="File to write (regular files "
                                               "only; a symlink is written through; - or none: stdout). An "
                                               "existing file is replaced only with --force; the run store never.")
                      ] = None,
    store: StoreOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file at --out.")] = False,
) -> None:
    """Export a run: its samples as CSV, or the whole record (run, devices, events, windows, samples) as JSON.

    JSON times: ``run.started_at_unix_s`` and ``ended_at_unix_s`` are Unix times [s]; ``t_s`` are seconds since
    the run's start.
    """
    if fmt not in ("csv", "json"):
        from ..errors import unknown_choice

        raise unknown_choice("format", fmt, ("csv", "json"))
    from ..fileio import output_target, write_output

    if output is not None:  # a directory, FIFO, device, missing folder or any store (fileio.database_of) fails first
        output_target(output, "--out/-o", force=force, example=f"{run_id}.{fmt}")
    with _reading(store):
        text = _export_text(_open(store), run_id, fmt)
    if output is None:
        typer.echo(text, nl=False)
        return
    write_output(output, text, "--out/-o", force=force)


def _export_text(db: RunStore, run_id: str, fmt: str) -> str:
    from ..measure.runs import export_csv, export_record

    run = _get(db, run_id)
    return export_csv(db, run) if fmt == "csv" else json.dumps(export_record(db, run), indent=2) + "\n"


def register(app: typer.Typer) -> None:
    """Add ``measure`` and the ``runs`` group to the CLI."""
    app.command("measure", help=HELP, add_help_option=False,
                context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(measure)
    app.add_typer(runs_app, name="runs")
