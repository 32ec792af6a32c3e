"""``aifootprint measure`` runs without typer, click, rich or numpy (issue 12: they were ~0.4 s of a fixed 0.72 s
overhead per measured command); its options have one definition (:data:`measure_run.OPTIONS`) used by the parser,
the help and the typer entry."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.main import get_command

from aifootprint.cli import main as cli
from aifootprint.cli.measure_run import OPTIONS, help_text, parse
from aifootprint.errors import InputError

#: tomllib, shutil: issue 12, measure's fixed overhead (``Registry.find_row`` and the sidecar-key reader;
#: ``measure.process.which``); typing (~4 ms), ctypes with struct (~3 ms: ``process`` calls prctl through _ctypes),
#: and the modules holding dataclasses measure never creates (~1 ms each: sources, stored runs, the Sensor protocol)
HEAVY = ("typer", "click", "rich", "numpy", "pydantic", "aifootprint.cli.measure", "aifootprint.measure.sensors.nvidia",
         "tomllib", "shutil", "typing", "ctypes", "struct", "aifootprint.reference.sources",
         "aifootprint.measure.stored", "aifootprint.measure.sensors.protocol")


def _measure_in_fresh_python(tmp_path: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    """``main(['measure', *args])`` in a fresh interpreter; stderr ends with the HEAVY modules it imported and rc."""
    code = ("import sys\nfrom aifootprint.cli.main import main\n"
            f"rc = main({['measure', *args]!r})\n"
            f"print('HEAVY', sorted(m for m in {HEAVY!r} if m in sys.modules), rc, file=sys.stderr)\n")
    env = {**os.environ, "AIFOOTPRINT_HOME": str(tmp_path)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)


def test_measure_json_imports_no_typer_click_rich_or_numpy(tmp_path: Path) -> None:
    done = _measure_in_fresh_python(tmp_path, ["--json", "--sensors", "fake", "--", "true"])
    assert "HEAVY [] 0" in done.stderr, done.stderr
    out = json.loads(done.stdout)
    assert out["kind"] == "measure" and out["simulated"] is True and out["inputs"]["command"] == "true"


def test_measure_with_real_sensors_a_location_and_an_operator_imports_nothing_heavy(tmp_path: Path) -> None:
    """The estimate sensors (first run: the CPU is looked up in the ``cpus`` table) and a resolved site (grid row
    of FR, google's operator row) still need no TOML parser and no shutil."""
    done = _measure_in_fresh_python(
        tmp_path, ["--json", "--sensors", "estimate", "--location", "FR", "--operator", "google", "--", "true"])
    assert "HEAVY [] 0" in done.stderr, done.stderr
    out = json.loads(done.stdout)
    assert out["inputs"]["location"] == "FR" and out["inputs"]["operator"] == "google"


def test_options_value_forms_and_where_the_command_starts() -> None:
    opts, command = parse(["--hz=5", "--json", "--location", "FR", "--", "python", "-c", "pass"])
    assert (opts["hz"], opts["json"], opts["location"], command) == (5.0, True, "FR", ["python", "-c", "pass"])
    opts, command = parse(["--hz", "-1", "python", "train.py", "--json"])  # the command's own flags stay its own
    assert opts["hz"] == -1.0 and opts["json"] is False and command == ["python", "train.py", "--json"]
    _, command = parse(["--no-such-flag", "x"])  # an unknown option starts the command (as before: exit 127)
    assert command == ["--no-such-flag", "x"]
    opts, command = parse([])
    assert command == [] and opts["hz"] == 10.0 and opts["store"] is None


@pytest.mark.parametrize(("argv", "needles"), [
    (["--hz", "abc", "--", "true"], ("--hz: 'abc' is not a number", "accepted: 0.01 to 1,000 Hz")),
    (["--pue", "x"], ("--pue: 'x' is not a number", "accepted: 1 to")),
    (["--hz"], ("option --hz requires a value", "NUMBER")),
    (["--json=yes", "--", "true"], ("option --json does not take a value",)),
])
def test_bad_values_are_one_line_naming_the_flag(argv: list[str], needles: tuple[str, ...]) -> None:
    with pytest.raises(InputError) as info:
        parse(argv)
    assert all(n in str(info.value) for n in needles), str(info.value)


def test_help_lists_every_option_with_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["measure", "--help"]) == 0
    out = capsys.readouterr().out
    assert out == help_text() and out.startswith("Usage: aifootprint measure [OPTIONS] [COMMAND]...")
    flat = " ".join(out.split())
    for option in OPTIONS:
        assert option.flag in out and " ".join(option.help.split()) in flat, option.flag
    assert "  measure " in cli.root_help()


def test_the_typer_entry_forwards_to_the_one_definition(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capfd: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("AIFOOTPRINT_HOME", str(tmp_path))
    command = get_command(cli.build_app(lazy=False))
    rc = command.main(args=["measure", "--json", "--sensors", "fake", "--name", "via-typer", "--", "true"],
                      prog_name="aifootprint", standalone_mode=False)
    assert rc == 0
    assert json.loads(capfd.readouterr().out)["kind"] == "measure"
    real = command.get_command(typer.Context(command), "measure")  # type: ignore[attr-defined]
    assert real.help.startswith(cli.LAZY_COMMANDS["measure"][2])


def test_error_line_is_plain_off_a_terminal_and_red_on_one(capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    cli.print_error("bad [thing]")
    assert capsys.readouterr().err == "error: bad [thing]\n"
    monkeypatch.setenv("FORCE_COLOR", "1")
    cli.print_error("bad")
    assert capsys.readouterr().err == "\x1b[1;31merror:\x1b[0m bad\n"


def test_ctrl_c_before_the_command_runs_is_one_line_exit_130(capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import aifootprint.cli.measure_run as measure_run

    def interrupted(_argv: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(measure_run, "run", interrupted)
    assert cli.main(["measure", "--", "true"]) == 130
    assert capsys.readouterr().err == "error: aborted\n"


def test_console_script_exits_fast_with_the_output_flushed_and_the_store_closed(tmp_path: Path) -> None:
    """Issue 12 (measure's fixed overhead): the console script ends a measured command with ``os._exit`` after
    flushing its output (the interpreter's teardown took 7-12 ms); the exit code is the command's, the JSON is
    complete even through a pipe, and the run store was closed by ``Tracker.stop()`` (its WAL checkpointed and
    removed, not left for the next run to recover)."""
    code = ("import sys\nfrom aifootprint.cli.main import run\n"
            "sys.argv = ['aifootprint', 'measure', '--json', '--sensors', 'fake', '--', 'sh', '-c', 'exit 3']\n"
            "run()\nprint('teardown ran', file=sys.stderr)\n")
    env = {**os.environ, "AIFOOTPRINT_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 3, done.stderr
    assert json.loads(done.stdout)["devices"]
    assert "teardown ran" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("runs.sqlite")) == ["runs.sqlite"]
