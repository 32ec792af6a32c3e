"""Bad input across the whole CLI: every command × bad values (overflow, negatives, NaN, infinity, text where a
number is expected), unknown names, unknown options, missing arguments and conflicting flags. Each invocation must
end with exit code 2 and one line on stderr, never a traceback (issue 12: 311 bad invocations, one traceback, several
accepted silently). Run in-process through :func:`aifootprint.cli.main.main` for speed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from aifootprint.cli.main import main

NUMBER_BAD = ("1e308", "-1e308", "nan", "inf", "-1", "abc")
INTEGER_BAD = ("-1", "100000000000000000000", "1.5", "abc")
NAME_BAD = ("no-such-zz",)

REQ = ("estimate", "request", "--input-tokens", "100", "--output-tokens", "100")
REQ_MODEL = (*REQ, "--model", "llama-3.1-8b")
REQ_ARCH = (*REQ, "--params", "8")
TRAIN_HOURS = ("estimate", "training", "--gpu-hours", "1000")
TRAIN_DAYS = ("estimate", "training", "--accelerators", "8", "--days", "1")
TRAIN_FLOPS = ("estimate", "training", "--params", "8", "--tokens", "1000")
LIFE = ("estimate", "lifecycle", "--model", "llama-3.1-8b", "--requests-per-day", "1000", "--input-tokens", "100",
        "--output-tokens", "100")
CMP_MODELS = ("compare-models", "--input-tokens", "100", "--output-tokens", "100", "--models", "llama-3.1-8b")
IMPACTS = ("impacts", "--energy-kwh", "1")
RUN = ("scenario", "run", "devries-2023-chatgpt", "--draws", "200", "--json")
REPORT = ("report", "--out", "{tmp}/r.html", "--draws", "1000")

#: (base invocation, flag, kind of value): the flag's value is replaced by (or appended with) each bad value.
FLAGS: list[tuple[tuple[str, ...], str, str]] = [
    *((IMPACTS, f, "number") for f in ("--energy-kwh", "--pue", "--wue-l-per-kwh", "--ewif-l-per-kwh",
                                       "--intensity-g-per-kwh", "--market-intensity-g-per-kwh")),
    *((IMPACTS, f, "name") for f in ("--location", "--operator")),
    *((REQ_MODEL, f, "integer") for f in ("--input-tokens", "--output-tokens", "--accelerators", "--batch")),
    *((REQ_MODEL, f, "name") for f in ("--model", "--hardware", "--precision", "--boundary", "--location",
                                       "--operator")),
    *((REQ_ARCH, f, "number") for f in ("--params", "--active-params")),
    *((REQ_ARCH, f, "integer") for f in ("--layers", "--d-model", "--heads", "--kv-heads", "--head-dim", "--vocab",
                                         "--experts", "--active-experts")),
    *((TRAIN_HOURS, f, "number") for f in ("--gpu-hours", "--power-w", "--pue")),
    *((TRAIN_HOURS, f, "name") for f in ("--hardware", "--boundary", "--location", "--operator")),
    (TRAIN_DAYS, "--accelerators", "integer"), (TRAIN_DAYS, "--days", "number"),
    *((TRAIN_FLOPS, f, "number") for f in ("--params", "--tokens", "--mfu")),
    (TRAIN_FLOPS, "--precision", "name"), (("estimate", "training", "--flops", "1e23"), "--flops", "number"),
    (("estimate", "training"), "--model", "name"),
    *((LIFE, f, "number") for f in ("--requests-per-day", "--growth", "--training-gpu-hours")),
    *((LIFE, f, "integer") for f in ("--input-tokens", "--output-tokens", "--days", "--batch")),
    *((LIFE, f, "name") for f in ("--model", "--hardware", "--precision", "--location", "--operator")),
    ((*LIFE, "--training-tokens", "1000"), "--training-params", "number"),
    ((*LIFE, "--training-params", "8"), "--training-tokens", "number"),
    ((*LIFE, "--training-gpu-hours", "1000"), "--training-hardware", "name"),
    *((CMP_MODELS, f, "integer") for f in ("--input-tokens", "--output-tokens", "--batch")),
    *((CMP_MODELS, f, "name") for f in ("--models", "--hardware", "--precision", "--boundary", "--location",
                                        "--operator")),
    (RUN, "--draws", "integer"), (RUN, "--seed", "integer"),
    (REPORT, "--draws", "integer"), (REPORT, "--model", "name"), (REPORT, "--scenario", "name"),
    # measure: the bad value replaces "1"; each must fail before the command (`true`) runs
    *((("measure", f, "1", "--", "true"), f, "number") for f in ("--hz", "--cpu-tdp-w", "--pue", "--wue-l-per-kwh",
                                                                 "--ewif-l-per-kwh", "--intensity-g-per-kwh")),
    (("runs", "list", "--store", "{tmp}/none.sqlite"), "--limit", "integer"),
    (("runs", "export", "x", "--store", "{tmp}/none.sqlite"), "--format", "name"),
    *((("runs", "show", "x", "--store", "{tmp}/none.sqlite"), f, "number")
      for f in ("--pue", "--intensity-g-per-kwh")),
]

BAD = {"number": NUMBER_BAD, "integer": INTEGER_BAD, "name": NAME_BAD}

#: Invocations that are wrong as a whole: missing arguments, unknown names and options, conflicting flags.
WHOLE: list[tuple[str, ...]] = [
    ("nosuchcommand",), ("--nope",), ("estimate", "nosuch"), ("scenario", "nosuch"), ("data", "nosuch"),
    ("runs", "nosuch"), ("estimate", "request"), ("estimate", "request", "--input-tokens", "100"),
    (*REQ,), ("estimate", "training"), ("estimate", "lifecycle"), ("compare-models",), ("impacts",),
    ("compare",), ("data", "show"), ("data", "cite"), ("scenario", "show"), ("scenario", "run"),
    ("runs", "show"), ("runs", "export"),
    # conflicting flags
    (*REQ_MODEL, "--params", "8"), ("estimate", "training", "--model", "llama-3.1-8b", "--gpu-hours", "10"),
    (*TRAIN_HOURS, "--precision", "fp8"), (*LIFE, "--training-params", "8", "--training-gpu-hours", "10"),
    (*LIFE, "--training-params", "8"), (*LIFE, "--training-hardware", "h100"),
    ("scenario", "show", "devries-2023-chatgpt", "--json", "--toml"), ("scenario", "run", "devries-2023-chatgpt",
                                                                        "--json", "--csv"),
    ("data", "show", "cpus", "--json", "--csv"),
    # unknown names and bad amounts
    ("data", "show", "nosuch"), ("data", "cite", "NOPE"), ("data", "show", "cpus", "--where", "vendor"),
    ("data", "show", "cpus", "--where", "nocol=1"), ("data", "show", "cpus", "--where", "vendor=zzz"),
    ("scenario", "show", "nosuch"), ("scenario", "run", "nosuch"), ("scenario", "run", "{tmp}/missing.toml"),
    ("scenario", "run", "{tmp}/bad.toml"), ("scenario", "run", "{tmp}/unknown-output.toml"),
    ("scenario", "show", "{tmp}/bad.toml"),
    ("compare", "-85", "TWh"), ("compare", "1e308", "TWh"), ("compare", "nan", "TWh"), ("compare", "inf", "TWh"),
    ("compare", "85"), ("compare", "85", "furlongs"), ("compare", "1,5", "TWh"), ("compare", "85", "TWh", "500", "ml"),
    ("compare", "--nope", "85", "TWh"), ("compare", "85", "zillion", "TWh"),
    ("report", "--out", "{tmp}"), ("report", "--out", "{tmp}/missing/r.html"), ("report", "--out", "{tmp}/fifo"),
    ("report", "--out", "/dev/null"),
    # plausible-looking typos that were accepted silently (issue 12)
    (*IMPACTS[:2], "1e308"), (*IMPACTS, "--intensity-g-per-kwh", "1e308"), (*LIFE, "--growth", "1e308"),
    (*REQ_MODEL, "--accelerators", "100000"), (*TRAIN_HOURS, "--power-w", "1e9"),
    ("scenario", "run", "devries-2023-chatgpt", "--draws", "1"), (*REPORT[:4], "--draws", "1"),
    ("runs", "show", "x", "--store", "{tmp}/none.sqlite"), ("runs", "export", "x", "--store", "{tmp}/none.sqlite"),
    ("runs", "show", "x", "--store", "{tmp}/bad.toml"),
    # empty values, unknown options before `--`, unknown task, zero amounts, malformed database URL
    (*IMPACTS, "--operator", ""), (*CMP_MODELS[:-1], ""), ("compare-models", "--input-tokens", "10",
                                                             "--output-tokens", "10", "--task", "nosuch"),
    ("measure", "--sensors", "", "--", "true"), ("measure", "--store", "", "--", "true"),
    ("measure", "--sensors", "fake", "--bogus", "--", "true"), ("report", "--out", ""),
    ("estimate", "training", "--gpu-hours", "0"), ("estimate", "training", "--params", "0", "--tokens", "1"),
    ("serve", "--database-url", "garbage"), ("server", "token", "list", "--database-url",
                                             "sqlite:///{tmp}/nodir/sub/x.db"),
    ("runs", "export", "x", "--store", "{tmp}/none.sqlite", "--out", "{tmp}/none.sqlite", "--force"),
]


def _flag_cases() -> Iterator[tuple[str, ...]]:
    for base, flag, kind in FLAGS:
        for value in BAD[kind]:
            argv = list(base)
            if flag in argv:
                argv[argv.index(flag) + 1] = value
            else:
                argv += [flag, value]
            yield tuple(argv)


def _unknown_option_cases() -> Iterator[tuple[str, ...]]:
    bases = {base[:2] if base[0] in ("estimate", "scenario", "runs", "data") else base[:1] for base, _, _ in FLAGS}
    for base in sorted(bases - {("measure",)}):  # measure runs what follows it: an unknown word is the command
        yield (*base, "--no-such-flag")


CASES = sorted({*_flag_cases(), *WHOLE, *_unknown_option_cases()})


def test_at_least_300_bad_invocations() -> None:
    assert len(CASES) >= 300, len(CASES)


@pytest.fixture(scope="module")
def tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("fuzz")
    os.mkfifo(d / "fifo")
    (d / "bad.toml").write_text("[scenario\nname = ", encoding="utf-8")
    (d / "unknown-output.toml").write_text(
        '[scenario]\nname = "t"\nmodel = "trajectory"\nyears = [2030]\n\n[inputs.facility_energy_twh]\n'
        'point = 100\nunit = "TWh/yr"\nsource = "assumption"\n\n[[published]]\noutput = "no_such_output"\n'
        'year = 2030\nvalue = 1\nunit = "TWh/yr"\nsource = "IEA25"\n', encoding="utf-8")
    return d


@pytest.mark.parametrize("argv", CASES, ids=[" ".join(c) for c in CASES])
def test_bad_invocation_is_one_line_exit_2(argv: tuple[str, ...], tmp: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    args = [a.replace("{tmp}", str(tmp)) for a in argv]
    code = main(args)
    err = capsys.readouterr().err
    assert code == 2, (args, err)
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("error: ")


@pytest.mark.parametrize(("argv", "needles"), [
    ((*IMPACTS[:2], "1e308"), ("--energy-kwh 1e+308 is out of range; accepted: 0 to 1e+14 kWh",)),
    ((*REQ_MODEL, "--accelerators", "100000"), ("--accelerators 100,000 is out of range; accepted: 1 to 64",)),
    ((*TRAIN_HOURS, "--power-w", "1e9"), ("--power-w 1,000,000,000 is out of range; accepted: 1 to 5,000 W",)),
    ((*LIFE, "--growth", "1e308"), ("--growth 1e+308 is out of range; accepted: -0.99 to 10",)),
    (("scenario", "run", "devries-2023-chatgpt", "--draws", "1"), ("--draws 1 is out of range; accepted: 100 to",)),
    ((*LIFE, "--training-params", "8"), ("--training-params needs --training-tokens",)),
    (("measure", "--cpu-tdp-w", "1e308", "--", "true"),
     ("--cpu-tdp-w 1e+308 is out of range; accepted: 1 to 10,000 W",)),
    (("measure", "--hz", "0", "--", "true"), ("--hz 0 is out of range; accepted: 0.01 to 1,000 Hz",)),
    (("compare", "1e308", "TWh"), ("amount '1e308 TWh' is out of range",)),
    (("compare", "-85", "TWh"), ("non-negative", "'-85'")),
])
def test_messages_name_the_flag_and_the_accepted_range(argv: tuple[str, ...], needles: tuple[str, ...],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 12: "got inf" for a finite 1e308, "No such option: -8", lifecycle errors naming --params/--tokens
    (flags of `estimate training`, not of `estimate lifecycle`)."""
    assert main(list(argv)) == 2
    err = capsys.readouterr().err
    assert all(n in err for n in needles), err
    assert "inf" not in err.replace("info", "") and "--params," not in err


def test_every_estimate_request_option_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["estimate", "request", "--help"]) == 0
    out = capsys.readouterr().out
    options = [ln for ln in out.splitlines() if ln.lstrip().startswith("--")]
    assert len(options) >= 20
    bare = [ln.strip() for ln in options if len(ln.strip().split()) <= 2]  # "--layers INTEGER" and nothing else
    assert bare == []
