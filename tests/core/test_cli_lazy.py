"""The CLI imports only the module of the command it runs (issue 12: ``aifootprint --help`` took 346 ms because it
imported numpy); the lazy table lists the same commands, with the same help, as the modules register."""

from __future__ import annotations

import subprocess
import sys

import typer
from typer.main import get_command

from aifootprint.cli import main as cli


def _commands(app: typer.Typer) -> dict[str, tuple[bool, str]]:
    group = get_command(app)
    ctx = typer.Context(group)
    out = {}
    for name in group.list_commands(ctx):  # type: ignore[attr-defined]
        cmd = group.get_command(ctx, name)  # type: ignore[attr-defined]
        out[name] = (hasattr(cmd, "list_commands"), " ".join((cmd.help or "").split()))
    return out


def test_lazy_table_matches_the_registered_commands() -> None:
    real = _commands(cli.build_app(lazy=False))
    stubs = _commands(cli.build_app(None))
    assert set(stubs) == set(real)
    for name, (_, group, text) in cli.LAZY_COMMANDS.items():
        assert real[name][0] == group, name
        assert real[name][1].startswith(text), (name, real[name][1], text)


def test_help_imports_no_typer_numpy_rich_or_command_module() -> None:
    code = ("import sys\nfrom aifootprint.cli.main import main\nrc = main(['--help'])\n"
            "heavy = sorted(m for m in ('numpy', 'rich', 'typer', 'aifootprint.cli.estimate', "
            "'aifootprint.cli.sector') "
            "if m in sys.modules)\nprint('HEAVY', heavy, rc)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY [] 0" in out
    for name in cli.LAZY_COMMANDS:
        assert f"  {name} " in out, name


def test_running_a_command_loads_only_its_module() -> None:
    code = ("import sys\nfrom aifootprint.cli.main import main\nrc = main(['compare', '85', 'TWh', '--json'])\n"
            "print('LOADED', sorted(m for m in sys.modules if m.startswith('aifootprint.cli.')), rc)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = out.split("LOADED", 1)[1]
    assert "aifootprint.cli.sector" in loaded and "aifootprint.cli.estimate" not in loaded
    assert loaded.strip().endswith("0")


def test_root_help_is_typers_help_without_typer() -> None:
    """``aifootprint --help`` is printed from the lazy table (no typer import: ~65 ms of the 150 ms target); it must
    read exactly as typer renders the fully registered application."""
    real = get_command(cli.build_app(lazy=False))
    expected = real.get_help(typer.Context(real, info_name="aifootprint"))  # type: ignore[arg-type]
    assert cli.root_help() == expected + "\n"
