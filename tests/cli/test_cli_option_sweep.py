"""Every option of every command, from a valid call, with bad values: never a traceback, never an uncaught
exception, and a refusal is one line with exit 2 (issue 12: bad input gives one clear line).

The options are read from the CLI itself (typer's click commands), so an option added later is swept without
editing this file; only a new *command* needs a valid call in :data:`BASES` (the last test fails until it has one
or is listed in :data:`NOT_SWEPT` with the reason). This sweep found six defects that the hand-written fuzz list
(``test_cli_fuzz.py``) did not: ``tests/core/test_fileio_input.py`` and ``test_option_sweep_values.py``.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aifootprint.cli.main import build_app, main
from aifootprint.measure.store import RunHeader, RunStore

#: A valid call of each swept command (``{tmp}``: the test's folder, holding ``in.csv`` and a run store ``s.sqlite``
#: with the run ``run-sweep-1``).
BASES: dict[str, list[str]] = {
    "impacts": ["--energy-kwh", "1"],
    "compare": ["85", "TWh"],
    "compare-models": ["--input-tokens", "100", "--output-tokens", "100", "--models", "llama-3.1-8b"],
    "estimate request": ["--model", "llama-3.1-8b", "--input-tokens", "100", "--output-tokens", "100"],
    "estimate image": ["--model", "sdxl"],
    "estimate video": ["--model", "cogvideox-2b"],
    "estimate embedding": ["--model", "bert-base-uncased"],
    "estimate classification": ["--model", "bert-base-uncased"],
    "estimate transcription": ["--model", "whisper-tiny"],
    "estimate multimodal": ["--model", "gemma-3-4b", "--input-tokens", "100", "--output-tokens", "100"],
    "estimate training": ["--gpu-hours", "1000"],
    "estimate lifecycle": ["--model", "llama-3.1-8b", "--requests-per-day", "1000", "--input-tokens", "100",
                           "--output-tokens", "100"],
    "estimate log": ["{tmp}/in.csv", "--out", "{tmp}/out.csv", "--force"],
    "calibrate": ["--backend", "fake", "--out", "{tmp}/c.toml", "--force"],
    "scenario list": [],
    "scenario show": ["devries-2023-chatgpt"],
    "scenario run": ["devries-2023-chatgpt", "--draws", "200"],
    "data list": [],
    "data show": ["cpus"],
    "data cite": ["LI23"],
    "runs list": ["--store", "{tmp}/s.sqlite"],
    "runs show": ["run-sweep-1", "--store", "{tmp}/s.sqlite"],
    "runs export": ["run-sweep-1", "--store", "{tmp}/s.sqlite"],
    "report": ["--out", "{tmp}/r.html", "--draws", "1000"],
    "index": ["--out", "{tmp}/idx"],
}
#: Commands not swept, and why.
NOT_SWEPT = {
    "measure": "its options are parsed without typer: swept from measure_run.OPTIONS below",
    "serve": "starts a server (tests/server)",
    "exporter": "starts a server (tests/integrations)",
    "server migrate": "needs a PostgreSQL server (tests/server)",
    "server sync": "uploads to a team server (tests/server)",
    "server token create": "writes to a team server's database (tests/server)",
    "server token list": "reads a team server's database (tests/server)",
    "server token revoke": "writes to a team server's database (tests/server)",
}

BAD: dict[str, tuple[str, ...]] = {
    "int": ("-1", "abc", "99999999999999999999999"),
    "float": ("nan", "-inf", "1e308", "-5"),
    "path": ("/dev/zero", "{tmp}", "{tmp}/missing/f"),
    "text": ("", "no-such-zz", "/dev/zero"),
}
#: Values that must never be accepted silently (exit 0): not a number, or a device.
NEVER_OK = {"nan", "-inf", "abc", "/dev/zero"}


def _leaves(command: Any, path: list[str]) -> Iterator[tuple[str, Any]]:
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            yield from _leaves(sub, [*path, name])
    else:
        yield " ".join(path), command


@pytest.fixture(scope="module")
def commands() -> dict[str, Any]:
    from typer.main import get_command

    return dict(_leaves(get_command(build_app(None, lazy=False)), []))


def _kind(param: Any) -> str | None:
    """The bad-value family of an option (None: a switch, or --help)."""
    if getattr(param, "param_type_name", "") != "option" or getattr(param, "is_flag", False) or param.name == "help":
        return None
    annotation = str(param.type_descriptor.annotation)
    if "int" in annotation:
        return "int"
    if "float" in annotation:
        return "float"
    fileish = ("out", "file", "store", "calibration", "profile", "csv", "readings")
    return "path" if "Path" in annotation or any(w in param.name for w in fileish) else "text"


def _run(argv: list[str]) -> tuple[int | str, str]:
    err = io.StringIO()
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            code: int | str = main(argv)
    except BaseException as exc:  # the point: nothing may escape main()
        code = f"uncaught {type(exc).__name__}: {exc}"
    return code, err.getvalue().strip()


@pytest.mark.parametrize("name", sorted(BASES))
def test_every_option_with_bad_values(name: str, commands: dict[str, Any], tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIFOOTPRINT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("AIFOOTPRINT_CONFIG", str(tmp_path / "absent.toml"))
    (tmp_path / "in.csv").write_text("model,input_tokens,output_tokens\nllama-3.1-8b,100,100\n", encoding="utf-8")
    store = RunStore(tmp_path / "s.sqlite")
    store.begin_run(RunHeader(run_id="run-sweep-1", name="sweep", started_at=1.7e9, host="h", pid=1), [])
    store.close()
    base = [a.replace("{tmp}", str(tmp_path)) for a in BASES[name]]
    assert _run([*name.split(), *base])[0] == 0, f"the base call of {name!r} must succeed"
    faults = []
    for param in commands[name].params:
        kind = _kind(param)
        if kind is None:
            continue
        flag = param.opts[0]
        for raw in BAD[kind]:
            value = raw.replace("{tmp}", str(tmp_path))
            argv = list(base)
            if flag in argv:
                argv[argv.index(flag) + 1] = value
            else:
                argv += [flag, value]
            code, err = _run([*name.split(), *argv])
            if code not in (0, 2) or "Traceback" in err:
                faults.append(f"{flag} {raw!r}: {code} {err[-200:]}")
            elif code == 2 and len(err.splitlines()) != 1:
                faults.append(f"{flag} {raw!r}: {len(err.splitlines())} lines on stderr")
            elif code == 0 and raw in NEVER_OK:
                faults.append(f"{flag} {raw!r}: accepted")
    assert not faults, "\n".join(faults)


def test_every_command_is_swept_or_says_why(commands: dict[str, Any]) -> None:
    assert sorted(set(commands) - set(BASES) - set(NOT_SWEPT)) == []
    assert sorted((set(BASES) | set(NOT_SWEPT)) - set(commands)) == []


def test_the_sweep_can_fail(commands: dict[str, Any]) -> None:
    """The option families are found: integers, numbers, paths and text each occur."""
    kinds = {_kind(p) for c in commands.values() for p in c.params}
    assert {"int", "float", "path", "text"} <= kinds


#: ``measure`` options that take free text (any name is a valid value).
FREE_TEXT = {"--name"}


def test_every_measure_option_with_bad_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capfd: pytest.CaptureFixture[str]) -> None:
    """``measure``'s own option table (its parser is the standard library's, not typer's): each bad value is
    refused before the command (``touch``) runs, or accepted with the command run; never a traceback."""
    from aifootprint.cli.measure_run import OPTIONS

    monkeypatch.setenv("AIFOOTPRINT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("AIFOOTPRINT_CONFIG", str(tmp_path / "absent.toml"))
    marker = tmp_path / "ran"
    base = ["measure", "--sensors", "fake", "--store", str(tmp_path / "m.sqlite"), "--json"]
    command = ["--", "touch", str(marker)]

    def run(argv: list[str]) -> tuple[int | str, str]:  # the child writes to the real file descriptors
        try:
            code: int | str = main(argv)
        except BaseException as exc:  # the point: nothing may escape main()
            code = f"uncaught {type(exc).__name__}: {exc}"
        return code, capfd.readouterr().err.strip()

    assert run([*base, *command])[0] == 0 and marker.exists()
    faults = []
    for option in OPTIONS:
        if option.kind == "switch":
            continue
        kind = {"number": "float", "path": "path", "text": "text"}[option.kind]
        for raw in BAD[kind]:
            value = raw.replace("{tmp}", str(tmp_path))
            argv = list(base)
            if option.flag in argv:
                argv[argv.index(option.flag) + 1] = value
            else:
                argv += [option.flag, value]
            marker.unlink(missing_ok=True)
            code, err = run([*argv, *command])
            if code not in (0, 2) or "Traceback" in err:
                faults.append(f"{option.flag} {raw!r}: {code} {err[-200:]}")
            elif code == 2 and (len(err.splitlines()) != 1 or marker.exists()):
                faults.append(f"{option.flag} {raw!r}: refused, but {len(err.splitlines())} lines on stderr or "
                              "the command ran")
            elif code == 0 and (not marker.exists() or (raw in NEVER_OK and option.flag not in FREE_TEXT)):
                faults.append(f"{option.flag} {raw!r}: accepted")
    assert not faults, "\n".join(faults)
