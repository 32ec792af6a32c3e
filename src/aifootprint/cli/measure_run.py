"""``aifootprint measure -- COMMAND``: the one definition of the command's options, its parser and its run.

Standard library only: ``cli.main`` runs ``measure`` through :func:`run` without importing typer, click, rich or
numpy (issue 12: they cost ~0.4 s of a fixed 0.72 s overhead per measured command); the typer application keeps a
``measure`` entry that forwards here, so ``aifootprint --help`` lists it. The parser follows the click conventions
of the other commands: ``--flag VALUE`` or ``--flag=VALUE``, ``--`` before the command, one error line naming the
flag (exit 2). The first word that is not an option of ``measure`` starts the command: everything after it is the
command's own (``aifootprint measure python train.py --json`` gives ``--json`` to ``train.py``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections.abc import Mapping, Sequence
from types import FrameType

from ..errors import InputError

TYPE_CHECKING = False  # typing is not imported at run time (see tests/measure/test_measure_imports.py)
if TYPE_CHECKING:
    import subprocess
    from typing import Any

    from ..impacts import SiteOverrides

#: The command's help (first sentence: the short help of ``aifootprint --help``, see ``cli.main.LAZY_COMMANDS``).
HELP = ("Run COMMAND, measure the machine's energy while it runs, then print and store its footprint.\n\n"
        "Example: aifootprint measure --location FR -- python train.py")
SENSORS_HELP = "Sensor backend: auto (real counters, else flagged estimates), estimate, or fake (testing)."
STORE_HELP = "Run store file (default: $AIFOOTPRINT_HOME/runs.sqlite)."
#: Help of the site flags, shared with ``runs show`` (``cli.measure``).
SITE_HELP = {
    "--operator": "Data-centre operator: google, microsoft, aws, meta, … (default: industry average, flagged).",
    "--pue": "Power usage effectiveness [-], overrides the operator's (a workstation or office: 1.0).",
    "--wue-l-per-kwh": "On-site WUE [L/kWh].",
    "--ewif-l-per-kwh": "Off-site water intensity [L/kWh].",
    "--intensity-g-per-kwh": "Grid intensity [gCO2e/kWh].",
}
#: The numeric site factors a user may give (SiteOverrides field names, also the CLI flags' names).
SITE_FACTORS = ("pue", "wue_l_per_kwh", "ewif_l_per_kwh", "intensity_g_per_kwh")
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2)


class Option:
    """One option of ``measure``: flag, value kind (``number``, ``text``, ``path``; ``switch`` takes no value),
    help, default. (A plain class: a NamedTuple would import :mod:`typing` into every measured command.)"""

    __slots__ = ("default", "flag", "help", "kind")

    def __init__(self, flag: str, kind: str, help: str, default: Any = None) -> None:
        self.flag, self.kind, self.help, self.default = flag, kind, help, default

    def __repr__(self) -> str:
        return f"Option({self.flag!r}, {self.kind!r}, {self.help!r}, {self.default!r})"

    @property
    def dest(self) -> str:
        return self.flag.removeprefix("--").replace("-", "_")


#: The options of ``measure``, in help order (the one definition: parser, help and typer entry use it).
OPTIONS: tuple[Option, ...] = (
    Option("--hz", "number", "Sampling rate [Hz].", 10.0),
    Option("--location", "text", "Where it runs: ISO country (FR), US-WA, aws:us-east-1, WORLD (default: world "
                                 "average, flagged)."),
    Option("--gpus", "text", "GPUs to measure: NVML indices or UUIDs, comma-separated (default: "
                             "CUDA_VISIBLE_DEVICES, else all)."),
    Option("--sensors", "text", SENSORS_HELP + " Default: $AIFOOTPRINT_SENSORS or auto."),
    Option("--name", "text", "Name of the run (default: the command)."),
    Option("--gpu-reader", "text", "Where GPUs are read: thread (in this process, default: it is not the "
                                   "workload), process (a child process loads NVML and shares its readings) or "
                                   "auto (process where NVIDIA GPUs exist, falling back to thread if the child "
                                   "fails)."),
    Option("--cpu-tdp-w", "number", "CPU TDP [W] for the estimate when RAPL is unreadable."),
    Option("--store", "path", STORE_HELP),
    Option("--operator", "text", SITE_HELP["--operator"]),
    *(Option(flag, "number", SITE_HELP[flag]) for flag in ("--pue", "--wue-l-per-kwh", "--ewif-l-per-kwh",
                                                           "--intensity-g-per-kwh")),
    Option("--intensity-profile", "path", "Hourly grid intensity CSV (timestamp,intensity_g_per_kwh): each "
                                          "interval is charged at its hour's value."),
    Option("--json", "switch", "Print the JSON result.", False),
    Option("--server", "text", "Also upload the run to this team server (token: $AIFOOTPRINT_TOKEN); the local "
                               "store is written first."),
    Option("--project", "text", "Project of the run on --server."),
)
_BY_FLAG = {o.flag: o for o in OPTIONS}
_METAVAR = {"number": "NUMBER", "text": "TEXT", "path": "PATH"}


class HelpRequested(Exception):
    """``--help`` was given before the command."""


def parse(argv: Sequence[str]) -> tuple[dict[str, Any], list[str]]:
    """``(options by dest, command)`` from the words after ``measure``; :class:`InputError` on a bad value.

    Numbers are parsed here (a word that is not a number names the flag); their ranges are checked by
    :func:`run` before anything runs."""
    values: dict[str, Any] = {o.dest: o.default for o in OPTIONS}
    i = 0
    while i < len(argv):
        word = argv[i]
        if word == "--":
            return values, list(argv[i + 1:])
        if word == "--help":
            raise HelpRequested
        flag, eq, inline = word.partition("=")
        option = _BY_FLAG.get(flag) if word.startswith("--") else None
        if option is None and word.startswith("-") and "--" in argv[i:]:  # before `--`: a typo'd option of ours
            from difflib import get_close_matches

            near = get_close_matches(flag, list(_BY_FLAG), n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            raise InputError(f"no such option: {flag[:80]}{hint}; accepted: the options of `aifootprint measure "
                             "--help`, then -- and the command")
        if option is None:  # the command starts here
            return values, list(argv[i:])
        if option.kind == "switch":
            if eq:
                raise InputError(f"option {flag} does not take a value (see `aifootprint measure --help`)")
            values[option.dest] = True
            i += 1
            continue
        if eq:
            text = inline
            i += 1
        elif i + 1 < len(argv):
            text = argv[i + 1]
            i += 2
        else:
            raise InputError(f"option {flag} requires a value ({_METAVAR[option.kind]}; see "
                             "`aifootprint measure --help`)")
        if not text.strip():
            raise InputError(f"{flag}: empty value; accepted: {_METAVAR[option.kind].lower()} (or leave {flag} out "
                             "for its default)")
        values[option.dest] = _number(flag, text) if option.kind == "number" else text
    return values, []


def _number(flag: str, text: str) -> float:
    try:
        return float(text.strip())
    except ValueError:
        from .validate import accepted_range

        raise InputError(f"{flag}: {text!r} is not a number; {accepted_range(flag)}") from None


def help_text(width: int | None = None) -> str:
    """``aifootprint measure --help`` in the layout of the other commands' help."""
    import shutil
    import textwrap

    width = width or min(80, max(40, shutil.get_terminal_size((80, 24)).columns))
    heads = {o.flag: o.flag + ("" if o.kind == "switch" else f" {_METAVAR[o.kind]}") for o in OPTIONS}
    heads["--help"] = "--help"
    pad = max(len(h) for h in heads.values()) + 4
    lines = ["Usage: aifootprint measure [OPTIONS] [COMMAND]...", ""]
    for para in HELP.split("\n\n"):
        lines += [*textwrap.wrap(para, width - 2, initial_indent="  ", subsequent_indent="  "), ""]
    lines += ["Arguments:", "  COMMAND  The command to run, after `--`.", "", "Options:"]
    rows = [(heads[o.flag], o.help + (f"  [default: {o.default}]" if o.kind == "number" and o.default is not None
                                      else "")) for o in OPTIONS]
    for head, text in [*rows, ("--help", "Show this message and exit.")]:
        wrapped = textwrap.wrap(text, max(20, width - pad), break_on_hyphens=False) or [""]
        lines.append(f"  {head.ljust(pad - 2)}{wrapped[0]}")
        lines += [" " * pad + rest for rest in wrapped[1:]]
    return "\n".join(lines) + "\n"


def site_settings(given: Mapping[str, Any], stored: Mapping[str, Any] | None = None) -> tuple[
        str | None, SiteOverrides, dict[str, Any]]:
    """Operator, overrides and the explicit site settings (``stored`` ones, e.g. from the run, then ``given``)."""
    from ..impacts.site import SiteOverrides

    chosen = {k: v for k, v in (stored or {}).items() if k in ("operator", *SITE_FACTORS) and v is not None}
    chosen.update({k: v for k, v in given.items() if v is not None})
    overrides = SiteOverrides(**{k: float(chosen[k]) for k in SITE_FACTORS if k in chosen})
    operator = chosen.get("operator")
    return (str(operator) if operator is not None else None), overrides, chosen


def run(argv: Sequence[str]) -> int:
    """Parse the words after ``measure``, run the command measured, print (and store) its footprint; the exit
    code is the command's (126/127 when it cannot be started). Bad input raises :class:`InputError` (exit 2)."""
    try:
        opts, command = parse(argv)
    except HelpRequested:
        sys.stdout.write(help_text())
        return 0
    from ..measure.process import CommandError, check_command
    from .validate import check_flags

    # numeric flags first: one line naming the flag and the accepted range, before anything runs
    check_flags({f"--{k.replace('_', '-')}": opts[k] for k in ("hz", "cpu_tdp_w", *SITE_FACTORS)})
    gpu_reader = (opts["gpu_reader"] or "thread").strip().lower()
    if gpu_reader not in ("thread", "process", "auto"):
        raise InputError(f"--gpu-reader: {gpu_reader[:80]!r} is not a GPU reader; accepted: thread (default), "
                         "process, auto")
    if opts["store"]:  # a store that would be refused: say so now, not after the command has run unsaved
        from ..measure.store import check_store_target

        check_store_target(opts["store"])
    try:
        check_command(command)
    except CommandError as exc:
        return _fail(str(exc), exc.exit_code)
    from ..measure.sensors.discovery import SensorConfig
    from ..measure.tracker import Tracker, TrackerConfig

    gpu_list = None
    if opts["gpus"] is not None:
        from ..measure.sensors.nvidia import parse_gpu_list

        gpu_list = parse_gpu_list(opts["gpus"])
    location = opts["location"]
    site_op, overrides, site = site_settings({k: opts[k] for k in ("operator", *SITE_FACTORS)})
    if location is not None or site:
        from ..impacts import resolve_site

        resolve_site(location, site_op, overrides)  # fail on a bad location or operator before running anything
    weighting = None
    if opts["intensity_profile"] is not None:  # hourly intensity weighted by the measured energy (read first)
        from ..impacts.intensity.base import EnergyWeightedIntensity, ProfileProvider

        if opts["intensity_g_per_kwh"] is not None:
            raise InputError("give --intensity-g-per-kwh or --intensity-profile, not both")
        weighting = EnergyWeightedIntensity(ProfileProvider.from_file(str(opts["intensity_profile"])))
    sink = None
    if opts["server"] is not None or opts["project"] is not None:
        from ..server.sink import server_sink  # --server: local store first, then uploads

        sink = server_sink(opts["server"], opts["project"], opts["store"])
    cmdline = " ".join(command)
    hz = opts["hz"]
    config = TrackerConfig(
        hz=hz, name=opts["name"] or cmdline[:120], location=location, command=cmdline,
        store_path=opts["store"] or None, site=tuple(sorted(site.items())),
        gpu_reader="process" if gpu_reader == "process" else "auto" if gpu_reader == "auto" else "thread",
        sensors=SensorConfig(backend=opts["sensors"], gpus=gpu_list, cpu_tdp_w=opts["cpu_tdp_w"]),
    )
    from ..measure.process import descendants

    child_pid = [os.getpid()]
    tracker = Tracker(config, pids=lambda: descendants(child_pid[0]), store=sink)
    tracker.start()
    exit_code = 1
    if weighting is not None:  # charge each measured interval at its hour's intensity
        weighting.attach(tracker)
    try:
        exit_code = _run_child(command, tracker, child_pid, opts["json"])
    except CommandError as exc:
        tracker.stop(exit_code=exc.exit_code)
        return _fail(str(exc), exc.exit_code)
    finally:
        result = tracker.stop(exit_code=exit_code)
        if sink is not None:
            sink.report(tracker.run_id)
    if weighting is not None and weighting.mean_g_per_kwh() is not None:  # the run's energy-weighted value
        from dataclasses import replace

        overrides = replace(overrides, intensity_g_per_kwh=weighting.mean_g_per_kwh())
        site["intensity_profile"] = f"{opts['intensity_profile']} ({len(weighting.hours)} hours)"
    from ..measure.footprint import footprint

    out = footprint(result, location, sensor_assumptions=tracker.assumptions, operator=site_op, overrides=overrides,
                    extra_inputs={"command": cmdline, "run_id": tracker.run_id, "exit_code": exit_code, "hz": hz,
                                  **_reader_inputs(gpu_reader, tracker.details),
                                  **{k: v for k, v in site.items() if k != "operator"}})
    try:
        if opts["json"]:
            sys.stdout.write(out.to_json() + "\n")
            sys.stdout.flush()
        elif sys.stdout is None:  # closed (`>&-`): rich would write the tables to nowhere and exit 0
            raise ValueError("standard output is closed")
        else:
            human(out, f"measured footprint of run {tracker.run_id}")
    except (OSError, ValueError, AttributeError) as exc:  # stdout closed (None), full (/dev/full), a closed pipe
        saved = tracker.config.store and all(n.code != "store-unavailable" for n in tracker.notes)
        return _output_failed(exc, tracker.run_id if saved else "", exit_code)
    return exit_code


def _output_failed(exc: BaseException, run_id: str, exit_code: int) -> int:
    """The result could not be written to standard output (a traceback before): one line saying so and where the
    run is kept; the command's exit code when it failed, else 1. Standard output is pointed at ``/dev/null`` so
    that the interpreter's own flush at exit does not fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    kept = f"; the run is stored: `aifootprint runs show {run_id}` prints it" if run_id else ""
    why = exc.strerror if isinstance(exc, OSError) and exc.strerror else "it is closed"
    with contextlib.suppress(OSError, ValueError, AttributeError):
        _fail(f"cannot write the result to standard output ({why}){kept}", 1)
    return exit_code or 1


def _reader_inputs(gpu_reader: str, details: Sequence[Any]) -> dict[str, str]:
    """The result's inputs on the GPU reader: ``gpu_reader`` when not the default ``thread``, and for ``auto`` the
    reader it used (``gpu_reader_used``: ``process`` or ``thread``, from the detail the discovery recorded; absent
    without GPUs)."""
    if gpu_reader == "thread":
        return {}
    out = {"gpu_reader": gpu_reader}
    used = [d.code.removeprefix("gpu-reader-") for d in details
            if d.code in ("gpu-reader-process", "gpu-reader-thread")]
    if gpu_reader == "auto" and used:
        out["gpu_reader_used"] = used[-1]
    return out


def exit_now(exit_code: int) -> None:
    """End the ``aifootprint`` process after ``measure``: flush the output and exit without the interpreter's
    teardown when nothing else runs (tearing ~150 modules down took 7-12 ms of every measured command; the run
    store is closed by ``Tracker.stop()``). Returns when another thread is alive (the caller then exits normally)."""
    import threading

    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):  # a closed or broken stream (None: closed when Python started)
        return
    if threading.active_count() == 1:
        os._exit(exit_code)


def _fail(message: str, exit_code: int) -> int:
    """One error line; returns the shell's exit status (126: cannot execute, 127: not found)."""
    from .main import print_error

    print_error(message)
    return exit_code


def _terminal_delivers_sigint() -> bool:
    """True when Ctrl-C from the terminal already reaches the child (we are the terminal's foreground group)."""
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            if stream.isatty():
                return os.tcgetpgrp(stream.fileno()) == os.getpgrp()
    return False


def status_line(tracker: Any, started: float) -> str:
    """The live line shown on a terminal while the command runs (elapsed time, latest power by component)."""
    power = tracker.power_w()
    parts = "  ".join(f"{c.upper()} {w:,.0f} W" for c, w in sorted(power.items()))
    return f"aifootprint: {time.monotonic() - started:,.1f} s  {parts or 'waiting for samples'}"


def _run_child(command: list[str], tracker: Any, child_pid: list[int], json_out: bool) -> int:
    """Start the command (its stdout on our stderr with --json), forward signals, show a live status line on a
    TTY (rewritten in place, erased at the end); return its exit code."""
    from ..measure.process import TreeWatch, spawn

    watch = TreeWatch()  # the command's whole tree dies with this process, not only the command (kill -9 included)
    try:
        child = spawn(command, stdout=sys.stderr.fileno() if json_out else None, env=watch.env())
    except BaseException:
        watch.done()
        raise
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
            _live(child, tracker, started)
        code = child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        leaving = child.poll() is None
        if leaving:  # we are leaving on an error: the workload must not run on unmeasured (nor what it started)
            child.kill()
            child.wait()
        watch.done(kill=leaving)
    return 128 - code if code < 0 else code  # killed by signal N: the shell's 128 + N


def _live(child: subprocess.Popen[bytes], tracker: Any, started: float) -> None:
    """Rewrite the status line on stderr four times a second until the child ends, then erase it."""
    try:
        while child.poll() is None:
            sys.stderr.write("\r" + status_line(tracker, started) + "\x1b[K")
            sys.stderr.flush()
            time.sleep(0.25)
    finally:
        sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()


def human(result: Any, title: str) -> None:
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
