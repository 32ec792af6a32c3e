"""Entry point of the ``aifootprint`` command.

Each command module exposes ``register(app)``. Errors raised on purpose (:class:`InputError`,
:class:`DataError`) become one red line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import importlib
import sys

import typer

from .._version import METHOD_VERSION, __version__
from ..errors import AifootprintError

#: Command modules, in help order. Each has ``register(app: typer.Typer) -> None``.
COMMAND_MODULES = ("data", "impacts", "estimate", "sector", "measure", "server", "index")


def _version(value: bool) -> None:
    if value:
        from ..reference.registry import DATA_VERSION

        typer.echo(f"aifootprint {__version__} (method {METHOD_VERSION}, data {DATA_VERSION})")
        raise typer.Exit()


def build_app() -> typer.Typer:
    """Build the typer application with every command group registered."""
    app = typer.Typer(
        name="aifootprint",
        help="Real, cited numbers on the electricity, carbon and water footprint of AI.",
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

    for name in COMMAND_MODULES:
        module = importlib.import_module(f"{__package__}.{name}")
        module.register(app)
    return app


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (also used by the console script)."""
    app = build_app()
    try:
        rv = app(args=argv, prog_name="aifootprint", standalone_mode=False)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except AifootprintError as exc:
        print_error(str(exc))
        return 2
    except Exception as exc:  # the CLI framework's own errors (click, or the copy typer vendors)
        code = _framework_error(exc)
        if code is None:
            raise
        return code
    return rv if isinstance(rv, int) else 0


def _framework_error(exc: Exception) -> int | None:
    """Handle a usage error of the CLI framework: one line and exit 2 (None: not a framework error).

    Matched by class name so that it works with click and with the click copy that newer typer versions vendor.
    """
    names = {cls.__name__ for cls in type(exc).__mro__}
    if "NoArgsIsHelpError" in names:  # a group called bare: show its help
        exc.show()  # type: ignore[attr-defined]
        return 0
    if "UsageError" in names:  # unknown option, bad value, missing argument
        ctx = getattr(exc, "ctx", None)
        where = getattr(ctx, "command_path", None) or "aifootprint"
        print_error(f"{exc.format_message()} (see `{where} --help`)")  # type: ignore[attr-defined]
        return 2
    if "ClickException" in names:
        print_error(exc.format_message())  # type: ignore[attr-defined]
        return int(getattr(exc, "exit_code", 1))
    if "Abort" in names:
        print_error("aborted")
        return 130
    return None


def print_error(message: str) -> None:
    """One clear line on stderr."""
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True, highlight=False, soft_wrap=True).print(f"[bold red]error:[/] {escape(message)}", markup=True)


def run() -> None:  # pragma: no cover - console script shim
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
