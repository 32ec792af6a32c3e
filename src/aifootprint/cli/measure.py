"""``aifootprint measure -- COMMAND`` and ``aifootprint runs list|show|export``."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import InputError

if TYPE_CHECKING:
    from ..impacts import SiteOverrides
    from ..measure.store import RunStore, StoredRun

SENSORS_HELP = "Sensor backend: auto (real counters, else flagged estimates), estimate, or fake (testing)."
OperatorOpt = Annotated[str | None, typer.Option(help="Data-centre operator: google, microsoft, aws, meta, … "
                                                     "(default: industry average, flagged).")]
PueOpt = Annotated[float | None, typer.Option(help="Power usage effectiveness [-], overrides the operator's "
                                                   "(a workstation or office: 1.0).")]
WueOpt = Annotated[float | None, typer.Option("--wue-l-per-kwh", help="On-site WUE [L/kWh].")]
EwifOpt = Annotated[float | None, typer.Option("--ewif-l-per-kwh", help="Off-site water intensity [L/kWh].")]
IntensityOpt = Annotated[float | None, typer.Option("--intensity-g-per-kwh", help="Grid intensity [gCO2e/kWh].")]
#: The numeric site factors a user may give (SiteOverrides field names, also the CLI flags' names).
SITE_FACTORS = ("pue", "wue_l_per_kwh", "ewif_l_per_kwh", "intensity_g_per_kwh")
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2)


def _terminal_delivers_sigint() -> bool:
    """True when Ctrl-C from the terminal already reaches the child (we are the terminal's foreground group)."""
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            if stream.isatty():
                return os.tcgetpgrp(stream.fileno()) == os.getpgrp()
    return False


def _status_line(tracker: Any, started: float) -> str:
    power = tracker.power_w()
    parts = "  ".join(f"{c.upper()} {w:,.0f} W" for c, w in sorted(power.items()))
    return f"aifootprint: {time.monotonic() - started:,.1f} s  {parts or 'waiting for samples'}"


def _run_child(command: list[str], tracker: Any, child_pid: list[int], json_out: bool) -> int:
    """Start the command (its stdout on our stderr with --json), forward signals, show a live status line on a
    TTY; return its exit code."""
    from ..measure.process import spawn

    child = spawn(command, stdout=sys.stderr.fileno() if json_out else None)
    child_pid[0] = child.pid  # the NVML process share now follows the child's process tree
    terminal_sigint = _terminal_delivers_sigint()

    def forward(signum: int, _frame: FrameType | None) -> None:
        if signum == signal.SIGINT and terminal_sigint:
            return  # the terminal sent it to the whole foreground group, the child included
        with contextlib.suppress(ProcessLookupError):
            child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in FORWARDED}
    started = time.monotonic()
    try:
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.live import Live
            from rich.text import Text

            with Live(Text(_status_line(tracker, started)), console=Console(stderr=True), transient=True,
                      refresh_per_second=4) as live:
                while child.poll() is None:
                    time.sleep(0.25)
                    live.update(Text(_status_line(tracker, started)))
        code = child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if child.poll() is None:  # we are leaving on an error: the workload must not run on unmeasured
            child.kill()
            child.wait()
    return 128 - code if code < 0 else code  # killed by signal N: the shell's 128 + N


def _site(given: dict[str, Any], stored: dict[str, Any] | None = None) -> tuple[
        str | None, SiteOverrides, dict[str, Any]]:
    """Operator, overrides and the explicit site settings (``stored`` ones, e.g. from the run, then ``given``)."""
    from ..impacts import SiteOverrides

    chosen = {k: v for k, v in (stored or {}).items() if k in ("operator", *SITE_FACTORS) and v is not None}
    chosen.update({k: v for k, v in given.items() if v is not None})
    overrides = SiteOverrides(**{k: float(chosen[k]) for k in SITE_FACTORS if k in chosen})
    operator = chosen.get("operator")
    return (str(operator) if operator is not None else None), overrides, chosen


def measure(
    ctx: typer.Context,
    command: Annotated[list[str] | None, typer.Argument(help="The command to run, after `--`.")] = None,
    hz: Annotated[float, typer.Option(help="Sampling rate [Hz].")] = 10.0,
    location: Annotated[str | None, typer.Option(help="Where it runs: ISO country (FR), US-WA, aws:us-east-1, "
                                                      "WORLD (default: world average, flagged).")] = None,
    gpus: Annotated[str | None, typer.Option(help="GPUs to measure: NVML indices or UUIDs, comma-separated "
                                                  "(default: CUDA_VISIBLE_DEVICES, else all).")] = None,
    sensors: Annotated[str | None, typer.Option(help=SENSORS_HELP + " Default: $AIFOOTPRINT_SENSORS or auto.")] = None,
    name: Annotated[str | None, typer.Option(help="Name of the run (default: the command).")] = None,
    cpu_tdp_w: Annotated[float | None, typer.Option("--cpu-tdp-w", help="CPU TDP [W] for the estimate when RAPL "
                                                                        "is unreadable.")] = None,
    store: Annotated[Path | None, typer.Option(help="Run store file (default: $AIFOOTPRINT_HOME/runs.sqlite).")] = None,
    operator: OperatorOpt = None,
    pue: PueOpt = None,
    wue_l_per_kwh: WueOpt = None,
    ewif_l_per_kwh: EwifOpt = None,
    intensity_g_per_kwh: IntensityOpt = None,
    intensity_profile: Annotated[Path | None, typer.Option("--intensity-profile", help="Hourly grid intensity "
                                                           "CSV (timestamp,intensity_g_per_kwh): each interval is "
                                                           "charged at its hour's value.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the JSON result.")] = False,
    server: Annotated[str | None, typer.Option("--server", help="Also upload the run to this team server "
                                               "(token: $AIFOOTPRINT_TOKEN); the local store is written first.")
                      ] = None,
    project: Annotated[str | None, typer.Option("--project", help="Project of the run on --server.")] = None,
) -> None:
    """Run COMMAND, measure the machine's energy while it runs, then print and store its footprint.

    Example: aifootprint measure --location FR -- python train.py
    """
    from ..measure.footprint import footprint
    from ..measure.process import CommandError, check_command
    from ..measure.sensors.discovery import SensorConfig
    from ..measure.sensors.nvidia import parse_gpu_list
    from ..measure.tracker import Tracker, TrackerConfig
    from .validate import check_flags

    # numeric flags first: one line naming the flag and the accepted range, before anything runs
    check_flags({"--hz": hz, "--cpu-tdp-w": cpu_tdp_w, "--pue": pue, "--wue-l-per-kwh": wue_l_per_kwh,
                 "--ewif-l-per-kwh": ewif_l_per_kwh, "--intensity-g-per-kwh": intensity_g_per_kwh})
    argv = list(command or []) + list(ctx.args)
    try:
        check_command(argv)
    except CommandError as exc:
        _fail(str(exc), exc.exit_code)

    gpu_list = parse_gpu_list(gpus)
    site_op, overrides, site = _site({"operator": operator, "pue": pue, "wue_l_per_kwh": wue_l_per_kwh,
                                      "ewif_l_per_kwh": ewif_l_per_kwh, "intensity_g_per_kwh": intensity_g_per_kwh})
    if location is not None or site:
        from ..impacts import resolve_site

        resolve_site(location, site_op, overrides)  # fail on a bad location or operator before running anything
    weighting = None
    if intensity_profile is not None:  # integ: hourly intensity weighted by the measured energy (read before running)
        from ..impacts.intensity.base import EnergyWeightedIntensity, ProfileProvider

        if intensity_g_per_kwh is not None:
            raise InputError("give --intensity-g-per-kwh or --intensity-profile, not both")
        weighting = EnergyWeightedIntensity(ProfileProvider.from_file(str(intensity_profile)))
    cmdline = " ".join(argv)
    config = TrackerConfig(
        hz=hz, name=name or cmdline[:120], location=location, command=cmdline,
        store_path=str(store) if store else None, site=tuple(sorted(site.items())),
        sensors=SensorConfig(backend=sensors, gpus=gpu_list, cpu_tdp_w=cpu_tdp_w),
    )
    from ..measure.process import descendants

    child_pid = [os.getpid()]
    from ..server.sink import server_sink  # --server: local store first, then uploads (srv)

    sink = server_sink(server, project, config.store_path)
    tracker = Tracker(config, pids=lambda: descendants(child_pid[0]), store=sink)
    tracker.start()
    exit_code = 1
    if weighting is not None:  # integ: charge each measured interval at its hour's intensity
        weighting.attach(tracker)
    try:
        exit_code = _run_child(argv, tracker, child_pid, json_out)
    except CommandError as exc:
        tracker.stop(exit_code=exc.exit_code)
        _fail(str(exc), exc.exit_code)
    finally:
        result = tracker.stop(exit_code=exit_code)
        if sink is not None:
            sink.report(tracker.run_id)
    if weighting is not None and weighting.mean_g_per_kwh() is not None:  # integ: the run's energy-weighted value
        from dataclasses import replace

        overrides = replace(overrides, intensity_g_per_kwh=weighting.mean_g_per_kwh())
        site["intensity_profile"] = f"{intensity_profile} ({len(weighting.hours)} hours)"
    out = footprint(result, location, sensor_assumptions=tracker.assumptions, operator=site_op, overrides=overrides,
                    extra_inputs={"command": cmdline, "run_id": tracker.run_id, "exit_code": exit_code, "hz": hz,
                                  **{k: v for k, v in site.items() if k != "operator"}})
    if json_out:
        typer.echo(out.to_json())
    else:
        _human(out, f"measured footprint of run {tracker.run_id}")
    raise typer.Exit(exit_code)


def _fail(message: str, exit_code: int) -> None:
    """One error line and the shell's exit status (126: cannot execute, 127: not found)."""
    from .main import print_error

    print_error(message)
    raise typer.Exit(exit_code)


def _human(result: Any, title: str) -> None:
    """Devices table (energy, how it was obtained), then the footprint with its sources."""
    from dataclasses import replace

    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from .output import emit

    table = Table(title="energy by device", header_style="bold")
    for col in ("device", "component", "method", "measured?", "energy [Wh]"):
        table.add_column(col, justify="right" if col.startswith("energy") else "left")
    for d in result.values.get("devices", []):
        how = "SIMULATED" if d.get("simulated") else "estimated" if d["estimated"] else "measured"
        table.add_row(*(escape(str(x)) for x in (d["device"], d["component"], d["method"], how)),
                      f"{d['energy_j'] / 3600:.4g}")
    Console(highlight=False).print(table)
    hidden = {"devices", "gaps", "skipped_devices", "estimated", "simulated"}
    emit(replace(result, values={k: v for k, v in result.values.items() if k not in hidden}), False, title=title)


# -- runs -------------------------------------------------------------------------------------------------------
runs_app = typer.Typer(help="Stored runs: list, show (with an impact statement), export.", no_args_is_help=True)
StoreOpt = Annotated[Path | None, typer.Option(help="Run store file (default: $AIFOOTPRINT_HOME/runs.sqlite).")]


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

    with _reading(store):
        rows = [list_row(run) for run in _open(store).runs(limit)]
    if json_out:
        typer.echo(json.dumps(rows, indent=2))
        return
    import shutil

    lines: list[list[str]] = [["run_id", "started", "s", "kWh", "where", "status", "name"]]
    for r in rows:
        kwh, dur = r["energy_kwh"], r["duration_s"]
        energy = "" if kwh is None else ("~" if r["estimated"] else "") + f"{kwh:.3g}"
        lines.append([str(r["run_id"]), str(r["started"])[5:16], "" if dur is None else f"{dur:.3g}", energy,
                      str(r["location"] or ""), str(r["status"]), str(r["name"])])
    widths = [max(len(line[i]) for line in lines) for i in range(6)]
    room = max(8, shutil.get_terminal_size((100, 24)).columns - sum(widths) - 2 * len(widths))
    for n, line in enumerate(lines):
        cells = [c.rjust(w) if i in (2, 3) else c.ljust(w) for i, (c, w) in enumerate(zip(line, widths, strict=False))]
        name = line[6] if len(line[6]) <= room else line[6][: room - 1] + "…"
        typer.echo("  ".join([*cells, name]))
        if n == 0:
            typer.echo("-" * min(sum(widths) + 2 * len(widths) + len(name), sum(widths) + 2 * len(widths) + room))
    typer.echo("~ = includes estimated (or simulated: fake sensors) readings")


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
    site_op, overrides, site = _site({"operator": operator, "pue": pue, "wue_l_per_kwh": wue_l_per_kwh,
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
        _human(out, f"run {run.run_id}")


@runs_app.command("export")
def runs_export(
    run_id: Annotated[str, typer.Argument(help="Run id (or a unique prefix).")],
    fmt: Annotated[str, typer.Option("--format", help="csv (the samples) or json (everything).")] = "json",
    output: Annotated[str | None, typer.Option("--output", "-o", help="File to write (regular files only; a "
                                               "symlink is written through; - or none: stdout).")] = None,
    store: StoreOpt = None,
) -> None:
    """Export a run: its samples as CSV, or the whole record (run, devices, events, windows, samples) as JSON.

    JSON times: ``run.started_at_unix_s`` and ``ended_at_unix_s`` are Unix times [s]; ``t_s`` are seconds since
    the run's start.
    """
    if fmt not in ("csv", "json"):
        from ..errors import unknown_choice

        raise unknown_choice("format", fmt, ("csv", "json"))
    from ..fileio import output_target, write_output

    if output is not None:
        output_target(output, "-o")  # a directory, FIFO, device or missing folder fails before the store is read
    with _reading(store):
        text = _export_text(_open(store), run_id, fmt)
    if output is None:
        typer.echo(text, nl=False)
        return
    write_output(output, text, "-o")


def _export_text(db: RunStore, run_id: str, fmt: str) -> str:
    from ..measure.runs import export_csv, export_record

    run = _get(db, run_id)
    return export_csv(db, run) if fmt == "csv" else json.dumps(export_record(db, run), indent=2) + "\n"


def register(app: typer.Typer) -> None:
    """Add ``measure`` and the ``runs`` group to the CLI."""
    app.command("measure", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(measure)
    app.add_typer(runs_app, name="runs")
