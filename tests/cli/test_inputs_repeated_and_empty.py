"""Repeated, empty and ignored options are refused: shape flags given with --model were silently ignored; an empty run
id showed the only run; an option given twice silently took the last value; `-o=x` wrote a file named `=x`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from aifootprint.cli.main import main


@pytest.mark.parametrize(("argv", "needles"), [
    (("estimate", "request", "--model", "llama-3.1-8b", "--layers", "4", "--input-tokens", "100", "--output-tokens",
      "10"), ("--layers", "--params")),
    (("estimate", "request", "--model", "llama-3.1-8b", "--model", "llama-3.1-70b", "--input-tokens", "1",
      "--output-tokens", "1"), ("--model given twice",)),
    (("runs", "export", "x", "-o=y.csv"), ("-o=", "-o VALUE")),
    (("runs", "show", ""), ("empty argument",)),
    (("runs", "show", "--statement", ""), ("--statement", "empty")),
])
def test_one_line_exit_2(argv: tuple[str, ...], needles: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    code = main(list(argv))
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert all(n in err for n in needles), err


def test_repeatable_options_and_the_commands_own_arguments_still_pass(capsys: pytest.CaptureFixture[str],
                                                                     tmp_path: Path) -> None:
    assert main(["data", "show", "cpus", "--where", "vendor=AMD", "--where", "cores=64", "--json"]) == 0
    capsys.readouterr()
    # after `--` (and for measure without it) the arguments are the child's: empty or repeated, not ours to judge
    env = {**os.environ, "AIFOOTPRINT_HOME": str(tmp_path)}
    for argv in (["--", "printf", "", "--x", "--x"], ["printf", ""]):
        done = subprocess.run([sys.executable, "-m", "aifootprint.cli.main", "measure", "--sensors", "fake", "--json",
                               *argv], capture_output=True, text=True, env=env, timeout=120, check=False)
        assert done.returncode == 0, done.stderr


def test_log_rows_longer_than_the_context_window_say_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Docs re-walk: such a row was skipped as `does-not-fit` ("context too long for the model's memory")."""
    log = tmp_path / "log.csv"
    log.write_text("model,input_tokens,output_tokens\nllama-2-7b,5000,300\nllama-2-7b,500,300\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["estimate", "log", str(log), "--out", str(out)]) == 0
    capsys.readouterr()
    rows = out.read_text(encoding="utf-8").splitlines()
    assert rows[1].endswith('"context-window"') and not rows[2].endswith('"context-window"')
