"""Entry point of the ``aifootprint`` command.

Each command module exposes ``register(app)``. Errors raised on purpose (:class:`InputError`,
:class:`DataError`) become one red line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import importlib
import sys

from .._version import METHOD_VERSION, __version__
from ..errors import AifootprintError

TYPE_CHECKING = False  # typing is not imported at run time (`aifootprint measure` never needs it)
if TYPE_CHECKING:
    from typing import Any

    import typer

#: Command modules, in help order. Each has ``register(app: typer.Typer) -> None``.
COMMAND_MODULES = ("data", "impacts", "estimate", "sector", "measure", "calibrate", "server", "index")

#: Top-level commands of the modules above: name -> (module, is a group, short help). With this table the CLI
#: imports only the module of the command being run (``aifootprint --help`` imports none of them, hence no numpy);
#: the other commands are listed by name and help. ``tests/core/test_cli_lazy.py`` checks that it matches what the
#: modules register. A module of COMMAND_MODULES that is not named here is registered eagerly, as before.
LAZY_COMMANDS: dict[str, tuple[str, bool, str]] = {
    "data": ("data", True, "Browse the cited reference data (every row: source, year, unit, licence)."),
    "impacts": ("impacts", False, "Turn an amount of IT energy into facility energy, carbon and water, with sources."),
    "estimate": ("estimate", True, "Estimate footprints before running: request, training, lifecycle, log, image, "
                                 "video, embedding, classification, transcription, multimodal."),
    "compare-models": ("estimate", False, "Rank models by per-request energy, carbon and water for one task "
                                          "profile (each model's multiple of the smallest): do you need the very "
                                          "large model?"),
    "scenario": ("sector", True, "Sector projections: list, show and run scenarios (Monte Carlo)."),
    "compare": ("sector", False, "Express an energy, carbon or water amount as countries, Bitcoin, households, "
                                 "bottles, km by car …"),
    "report": ("sector", False, "Write one self-contained HTML report (works offline: inline SVG and CSS, no "
                                "network)."),
    "measure": ("measure", False, "Run COMMAND, measure the machine's energy while it runs, then print and store its "
                                  "footprint."),
    "runs": ("measure", True, "Stored runs: list, show (with an impact statement), export."),
    "calibrate": ("calibrate", False, "Calibrate the estimator to this GPU: idle, bf16 GEMM, HBM copy and GEMV "
                                      "micro-benchmarks -> profile."),
    "serve": ("server", False, "Run the team server: REST API (/api/v1, OpenAPI at /docs), dashboard, Prometheus "
                               "/metrics."),
    "exporter": ("server", False, "Publish this machine's live GPU/CPU/RAM power and energy for Prometheus (one reader "
                                  "per node)."),
    "server": ("server", True, "Team server administration: tokens, schema, uploads."),
    "index": ("index", False, "Write the living AI energy index (index.html, figures.json, bundled assets) into "
                              "--out."),
}


def _version(value: bool) -> None:
    import typer

    if value:
        from ..reference.registry import DATA_VERSION

        typer.echo(f"aifootprint {__version__} (method {METHOD_VERSION}, data {DATA_VERSION})")
        raise typer.Exit()


def _requested_command(args: list[str]) -> str | None:
    """The top-level command named in ``args`` (the first word that is not an option), if any."""
    return next((a for a in args if not a.startswith("-")), None)


def build_app(command: str | None = None, lazy: bool = True) -> typer.Typer:
    """Build the typer application.

    With ``lazy`` only the module providing ``command`` is imported; every other command of :data:`LAZY_COMMANDS`
    is a stub carrying its name and help (enough for ``--help`` and for suggestions on a typo). ``lazy=False``
    imports and registers every module.
    """
    import typer

    app = typer.Typer(
        name="aifootprint",
        help=ROOT_HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )

    @app.callback()
    def _root(
        version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show versions."),
    ) -> None:
        """aifootprint: measure, estimate and project AI's energy, carbon and water."""

    wanted = LAZY_COMMANDS[command][0] if lazy and command in LAZY_COMMANDS else None
    lazy_modules = {module for module, _, _ in LAZY_COMMANDS.values()} if lazy else set()
    for name in COMMAND_MODULES:
        if name in lazy_modules and name != wanted:
            _register_stubs(app, name)
        else:
            importlib.import_module(f"{__package__}.{name}").register(app)
    return app


def _register_stubs(app: typer.Typer, module: str) -> None:
    """Placeholders for the commands of ``module``: listed in help, never run (their module is loaded to run)."""
    import typer

    for name, (mod, group, text) in LAZY_COMMANDS.items():
        if mod != module:
            continue
        if group:
            app.add_typer(typer.Typer(help=text), name=name)
        else:
            app.command(name, help=text)(_stub)


#: The root command's help text and options (also given to typer in :func:`build_app`).
ROOT_HELP = "Real, cited numbers on the electricity, carbon and water footprint of AI."


def _all_lazy() -> bool:
    """True when every module of :data:`COMMAND_MODULES` is described in :data:`LAZY_COMMANDS`."""
    return set(COMMAND_MODULES) <= {module for module, _, _ in LAZY_COMMANDS.values()}


def _short(text: str, limit: int) -> str:
    """The short help of a command as click makes it (``make_default_short_help``): the first sentence, or the
    words that fit ``limit`` characters followed by "..."."""
    words = text.split("\n\n")[0].split()
    total = 0
    for i, word in enumerate(words):
        total += len(word) + (i > 0)
        if total > limit:
            break
        if word.endswith("."):
            return " ".join(words[: i + 1])
        if total == limit and i != len(words) - 1:
            break
    else:
        return " ".join(words)
    total += 3
    while i > 0:
        total -= len(words[i]) + (i > 0)
        if total <= limit:
            break
        i -= 1
    return " ".join(words[:i]) + "..."


def root_help(width: int = 80) -> str:
    """``aifootprint --help`` from :data:`LAZY_COMMANDS`, in typer's layout (commands, then groups)."""
    order = [n for m in COMMAND_MODULES for n, (mod, _, _) in LAZY_COMMANDS.items() if mod == m]
    names = [n for n in order if not LAZY_COMMANDS[n][1]] + [n for n in order if LAZY_COMMANDS[n][1]]
    pad = max(len(n) for n in names)
    rows = [f"  {n.ljust(pad)}  {_short(LAZY_COMMANDS[n][2], width - 2 - 6 - pad)}" for n in names]
    return ("Usage: aifootprint [OPTIONS] COMMAND [ARGS]...\n\n"
            f"  {ROOT_HELP}\n\nOptions:\n  --version  Show versions.\n  --help     Show this message and exit.\n\n"
            "Commands:\n" + "\n".join(rows) + "\n")


def _stub() -> None:  # pragma: no cover - only listed; build_app loads the real command before it can run
    raise RuntimeError("lazy command stub called")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (also used by the console script)."""
    args = sys.argv[1:] if argv is None else argv
    if args == ["--help"] and _all_lazy():
        sys.stdout.write(root_help())  # the commands' names and help without importing typer (or any command)
        return 0
    if args[:1] == ["measure"]:  # the standard-library path: no typer, click, rich or numpy (issue 12)
        from .measure_run import run

        try:
            return run(args[1:])
        except AifootprintError as exc:
            print_error(clip_inputs(str(exc), args))
            return 2
        except KeyboardInterrupt:  # Ctrl-C outside the child's run (which forwards it): as the other commands
            print_error("aborted")
            return 130
    empty = empty_value(args) or repeated_option(args)
    if empty is not None:
        print_error(empty)
        return 2
    from typer.main import get_command

    command = get_command(build_app(_requested_command(args)))
    tidy_help(command)
    try:
        rv = command.main(args=argv, prog_name="aifootprint", standalone_mode=False)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except AifootprintError as exc:
        print_error(clip_inputs(str(exc), args))
        return 2
    except Exception as exc:  # the CLI framework's own errors (click, or the copy typer vendors)
        code = _framework_error(exc, args)
        if code is None:
            raise
        return code
    return rv if isinstance(rv, int) else 0


#: Readable metavars for typer's type labels (``--where <list[str]>`` -> ``--where TEXT``).
_METAVARS = {"str": "TEXT", "int": "INTEGER", "float": "NUMBER", "path": "PATH", "list[str]": "TEXT",
             "bool": "BOOLEAN", "int range": "INTEGER", "float range": "NUMBER"}


def _no_type(ctx: Any = None) -> None:
    return None


def tidy_help(command: Any) -> None:
    """Make the help of ``command`` and its subcommands plain: reST literals (````x````) shown as ``x``, and the
    metavars that newer typer versions print as type annotations (``<list[str]>``) shown as ``TEXT``, ``NUMBER``,
    … (an option's own ``metavar`` is kept)."""
    if getattr(command, "help", None):
        command.help = command.help.replace("``", "")
    for param in getattr(command, "params", ()):
        if (param.metavar is None and getattr(param, "param_type_name", "") == "option"
                and hasattr(param, "display_type") and not getattr(param, "is_flag", False)):
            label = str(param.display_type(None)).strip("<>")
            param.metavar = _METAVARS.get(label, label.upper())
        elif param.metavar is None and getattr(param, "param_type_name", "") == "argument" and param.name:
            param.metavar = param.name.upper()
            if hasattr(param, "display_type_rich"):  # typer >= 0.17 adds "<str>" after the name: the name is enough
                param.display_type_rich = _no_type
        if getattr(param, "help", None):
            param.help = param.help.replace("``", "")
    for sub in getattr(command, "commands", {}).values():
        tidy_help(sub)


def _click_exceptions() -> Any:
    """The exceptions module of the click that typer uses: its vendored copy (typer >= 0.17) or click itself."""
    for name in ("typer._click.exceptions", "click.exceptions"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    raise ImportError("neither typer._click nor click is installed")  # pragma: no cover - typer needs one


def _framework_error(exc: Exception, args: list[str] | None = None) -> int | None:
    """Handle a usage error of the CLI framework: one line and exit 2 (None: not a framework error)."""
    ce = _click_exceptions()
    if isinstance(exc, getattr(ce, "NoArgsIsHelpError", ())):  # a group called bare: show its help
        exc.show()  # type: ignore[attr-defined]
        return 0
    if isinstance(exc, ce.UsageError):  # unknown option, bad value, missing argument
        where = getattr(exc.ctx, "command_path", None) or "aifootprint"
        print_error(clip_inputs(f"{exc.format_message()} (see `{where} --help`)", args or []))
        return 2
    if isinstance(exc, ce.ClickException):
        print_error(exc.format_message())
        return int(exc.exit_code)
    import typer

    if isinstance(exc, (typer.Abort, getattr(ce, "Abort", typer.Abort))):
        print_error("aborted")
        return 130
    return None


def empty_value(args: list[str]) -> str | None:
    """The error line for an option given an empty value (``--operator ''``, ``--out=``) before ``--``, else None:
    an empty name, path or list is never meant (it silently became the default, or the current folder)."""
    loose = _child_args_unmarked(args)  # the command's own arguments follow: only our options
    for i, word in enumerate(args):
        if word == "--":
            break
        flag, eq, value = word.partition("=")
        if word.startswith("--") and eq and not value:
            return f"{flag}: empty value; accepted: a non-empty value (or leave {flag} out for its default)"
        if word != "":
            continue
        prev = args[i - 1] if i > 0 else ""
        after_option = prev.startswith("-") and "=" not in prev and prev != "--"
        if after_option:  # an option's value, or (after a switch) an empty argument: never meant either way
            return (f"{prev}: empty value (or an empty argument after it); accepted: a non-empty value (or leave "
                    f"{prev} out for its default)")
        if not loose:  # an empty argument (a run id, a file name)
            return "empty argument; accepted: a non-empty value (a run id, a file name, …)"
    return None


def _child_args_unmarked(args: list[str]) -> bool:
    """``measure COMMAND ARGS`` without ``--``: the child's own arguments cannot be told from ours."""
    return args[:1] == ["measure"] and "--" not in args


#: Options that may be given more than once (each adds to a list).
REPEATABLE = frozenset({"--where", "--run"})


def repeated_option(args: list[str]) -> str | None:
    """The error line for an option given twice before ``--`` (``--model a … --model b``: the last one silently won)
    or a short option glued to ``=`` (``-o=x.csv`` wrote a file named ``=x.csv``), else None."""
    if _child_args_unmarked(args):
        return None  # the command's own options follow without a separator: not ours to judge
    seen: set[str] = set()
    for word in args:
        if word == "--":
            break
        if len(word) > 2 and word[0] == "-" and word[1] != "-" and word[2] == "=":
            return (f"{word[:2]}=: a short option takes its value after a space; accepted: {word[:2]} VALUE "
                    "(or the long option with =VALUE)")
        if not word.startswith("--") or word == "--help":
            continue
        flag = word.partition("=")[0]
        if flag in seen and flag not in REPEATABLE:
            return f"{flag} given twice; accepted: once (the last one would silently win)"
        seen.add(flag)
    return None


#: Longest piece of the user's input echoed whole in an error message (paths are often 100 characters or more);
#: longer is cut to :data:`ECHO_CHARS` and "…".
ECHO_WHOLE = 200
ECHO_CHARS = 80


def shorten(text: str, limit: int = ECHO_CHARS) -> str:
    """``text`` as it is, or its first ``limit`` characters and "…" (a 5,000-character value is not echoed)."""
    return text if len(text) <= limit else text[:limit] + "…"


def clip_inputs(message: str, args: list[str]) -> str:
    """``message`` with every command-line value of over :data:`ECHO_WHOLE` characters it echoes (or any run of
    that many non-blank characters) shortened by :func:`shorten`."""
    import re

    for arg in sorted({a.split("=", 1)[-1] for a in args}, key=len, reverse=True):
        if len(arg) > ECHO_WHOLE:
            for form in (arg, repr(arg)[1:-1]):
                message = message.replace(form, shorten(form))
    return re.sub(rf"\S{{{ECHO_WHOLE + 1},}}", lambda m: shorten(m.group(0)), message)


def print_error(message: str) -> None:
    """One clear line on stderr: ``error: message`` (``error:`` in bold red on a colour terminal, as rich would
    print it; plain when ``NO_COLOR`` is set, ``TERM=dumb`` or stderr is not a terminal)."""
    import os

    env = os.environ
    color = bool(env.get("FORCE_COLOR")) or (
        "NO_COLOR" not in env and env.get("TERM") != "dumb" and getattr(sys.stderr, "isatty", lambda: False)())
    head = "\x1b[1;31merror:\x1b[0m" if color else "error:"
    sys.stderr.write(f"{head} {message}\n")
    sys.stderr.flush()


def run() -> None:  # pragma: no cover - console script shim
    code = main()
    if sys.argv[1:2] == ["measure"]:  # the standard-library path of main()
        from .measure_run import exit_now

        exit_now(code)  # no interpreter teardown after a measured command (see measure_run.exit_now)
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
