"""Hostile input to `scenario run|show` and `index`: scenario files with wrong types, unknown keys, huge numbers and
arrays, and out-of-range flags. Each is exit 2 and one line naming the field or flag (issue 12), never a traceback
or a silently ignored value.

Defects these pin (each failed before its fix):

* a 400-digit integer in a scenario file (``point = 999…``) and a lognormal whose ``gsd`` overflows a float
  (``gsd = 1e308`` or ``lognormal = [1e-300, 1e300]``) ended in an OverflowError traceback;
* ``years = {start, end, step = 2}`` ran every year (``step`` silently ignored);
* a ``[[published]]`` figure in another unit (``unit = "GWh"`` for a TWh/yr output) was compared as if it were in
  the output's unit ("difference 9900 %"); one dated outside the scenario's years was silently never compared;
* ``operator = "nope"`` without a location ran (the operator silently ignored), and a known operator without a
  location was ignored too (industry-average PUE used, flagged as "no pue and no location given");
* a scenario name longer than the system's file-name limit ended in ``OSError: File name too long``;
* ``index --draws`` accepted 1..1,000,000 while ``scenario run`` and ``report`` accept 100..10,000,000.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aifootprint.cli.main import main

BASE = """[scenario]
name = "t"
model = "trajectory"
years = [2030]

[inputs.facility_energy_twh]
point = 100
unit = "TWh/yr"
source = "assumption"
"""

PUBLISHED = ('\n[[published]]\noutput = "facility_energy_twh"\nyear = 2030\nvalue = 1\nunit = "TWh/yr"\n'
             'source = "IEA25"\n')

DEMAND = """[scenario]
name = "d"
model = "demand"
years = { start = 2025, end = 2030 }

[inputs.requests_per_day]
point = 1e9
unit = "requests/day"
source = "assumption"

[inputs.energy_per_request_wh]
point = 1
unit = "Wh/request"
source = "assumption"
"""

BIG = "9" * 400

#: name -> (file text, words the one-line message must contain)
FILES: dict[str, tuple[str, tuple[str, ...]]] = {
    "point-400-digits": (BASE.replace("point = 100", f"point = {BIG}"), ("integer of 400 digits",)),
    "range-400-digits": (BASE.replace("point = 100", f"range = [1, {BIG}]"), ("integer of 400 digits",)),
    "by-year-400-digits": (BASE.replace("point = 100", f"by_year = {{ 2030 = {BIG} }}"), ("400 digits",)),
    "published-400-digits": (BASE + PUBLISHED.replace("value = 1", f"value = {BIG}"), ("published.0.value",
                                                                                      "400 digits")),
    "lognormal-gsd-1e308": (BASE.replace("point = 100", "lognormal = { median = 100, gsd = 1e308 }"),
                            ("gsd from 1 to 1,000", "gsd=1e+308")),
    "lognormal-gsd-huge-int": (BASE.replace("point = 100", f"lognormal = {{ median = 100, gsd = {BIG} }}"),
                               ("400 digits",)),
    "lognormal-bounds-1e-300-1e300": (BASE.replace("point = 100", "lognormal = [1e-300, 1e300]"),
                                      ("lognormal bounds", "widest lognormal accepted (gsd 1,000")),
    "years-step": (BASE.replace("years = [2030]", "years = { start = 2025, end = 2030, step = 2 }"),
                   ("scenario.years", "unknown key 'step'", "accepted: {start = YEAR, end = YEAR}")),
    "years-400-digits": (BASE.replace("years = [2030]", f"years = [{BIG}]"), ("years must lie in 1900..2200",)),
    "years-100000": (BASE.replace("years = [2030]", "years = { start = 1, end = 100000 }"),
                     ("years must lie in 1900..2200",)),
    "published-unit-gwh": (BASE + PUBLISHED.replace('unit = "TWh/yr"\nsource = "IEA25"', 'unit = "GWh"\nsource = '
                                                    '"IEA25"'),
                           ("published.0.unit", "facility_energy_twh is in TWh/yr, got 'GWh'", "accepted: TWh/yr")),
    "published-year-outside": (BASE + PUBLISHED.replace("year = 2030", "year = 1999"),
                               ("published.0.year", "1999 is not a scenario year (2030..2030)")),
    "operator-unknown-no-location": (BASE.replace('name = "t"', 'name = "t"\noperator = "nope"'),
                                     ("scenario.operator", "unknown data-centre operator 'nope'")),
    # already refused before this round; kept so that they stay refused
    "point-nan": (BASE.replace("point = 100", "point = nan"), ("finite",)),
    "point-inf": (BASE.replace("point = 100", "point = inf"), ("finite",)),
    "point-negative": (BASE.replace("point = 100", "point = -100"), ("values must lie in",)),
    "point-1e308": (BASE.replace("point = 100", "point = 1e308"), ("values must lie in",)),
    "point-string": (BASE.replace("point = 100", 'point = "100"'), ("expected a number",)),
    "point-bool": (BASE.replace("point = 100", "point = true"), ("expected a number",)),
    "range-reversed": (BASE.replace("point = 100", "range = [200, 100]"), ("low 200 is above high 100",)),
    "range-three": (BASE.replace("point = 100", "range = [1, 2, 3]"), ("expected a list of 2 numbers",)),
    "two-distributions": (BASE.replace("point = 100", "point = 100\nrange = [1, 2]"), ("exactly one of",)),
    "lognormal-gsd-below-1": (BASE.replace("point = 100", "lognormal = { median = 100, gsd = 0.5 }"), ("gsd",)),
    "lognormal-extra-key": (BASE.replace("point = 100", "lognormal = { median = 100, gsd = 2, mean = 3 }"),
                            ("lognormal",)),
    "unit-gwh": (BASE.replace('unit = "TWh/yr"', 'unit = "GWh/yr"'), ("TWh/yr",)),
    "unknown-input-key": (BASE.replace("point = 100", "point = 100\nfoo = 2"), ("unknown key",)),
    "unknown-scenario-key": (BASE.replace('name = "t"', 'name = "t"\nfoo = 1'), ("unknown key",)),
    "unknown-section": (BASE + "\n[bogus]\nx = 1\n", ("unknown section",)),
    "unknown-input": (BASE + '\n[inputs.bogus]\npoint = 1\nunit = "-"\nsource = "assumption"\n', ("bogus",)),
    "model-unknown": (BASE.replace('"trajectory"', '"nope"'), ("unknown model",)),
    "years-string": (BASE.replace("years = [2030]", 'years = "2030"'), ("expected a list of years",)),
    "years-empty": (BASE.replace("years = [2030]", "years = []"), ("expected a list of years",)),
    "years-reversed": (BASE.replace("years = [2030]", "years = { start = 2030, end = 2020 }"), ("start <= end",)),
    "by-year-string-key": (BASE.replace("point = 100", "by_year = { abc = 100 }"), ("four-digit years",)),
    "by-year-huge-key": (BASE.replace("point = 100", "by_year = { 99999999999999999999 = 100 }"),
                         ("four-digit years",)),
    "by-year-many": (BASE.replace("point = 100", "by_year = {" + ", ".join(f"{1000 + i} = {i + 1}"
                                                                          for i in range(3000)) + "}"),
                     ("has no effect",)),
    "deep-nesting": (BASE.replace("point = 100", "by_year = { 2030 = " + "{ by_year = " * 50 + "1" + " }" * 50
                                  + " }"), ("exactly one of",)),
    "source-unknown": (BASE.replace('source = "assumption"', 'source = "NOPE99"'), ("unknown source key",)),
    "published-output-unknown": (BASE + PUBLISHED.replace('output = "facility_energy_twh"', 'output = "nope"'),
                                 ("unknown output",)),
    "published-low-above-high": (BASE + PUBLISHED.replace("value = 1", "low = 5\nhigh = 1"), ("above high",)),
    "published-nan": (BASE + PUBLISHED.replace("value = 1", "value = nan"), ("finite",)),
    "inputs-not-table": (BASE.split("[inputs")[0] + "inputs = 5\n", ("inputs",)),
    "empty-file": ("", ("[scenario]",)),
    "syntax": ("[scenario\nname = ", ("TOML syntax error",)),
    "efficiency-elasticity-100": (DEMAND + '\n[inputs.rebound_elasticity]\npoint = 100\nunit = "-"\n'
                                  'source = "assumption"\n', ("rebound_elasticity", "values must lie in")),
}

#: Checked when the scenario runs (against the registry), not when `scenario show` displays the file.
RUN_ONLY = frozenset({"source-unknown", "operator-unknown-no-location"})


def _one_line_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 2, (argv, captured.out[:300], captured.err)
    err = captured.err.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert err.startswith("error: ")
    return err


@pytest.mark.parametrize("case", sorted(FILES))
@pytest.mark.parametrize("command", ["run", "show"])
def test_bad_scenario_file_is_one_line_naming_the_field(case: str, command: str, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    text, needles = FILES[case]
    path = tmp_path / f"{case}.toml"
    path.write_text(text, encoding="utf-8")
    argv = ["scenario", command, str(path), *(["--draws", "100", "--json"] if command == "run" else [])]
    if command == "show" and case in RUN_ONLY:  # `show` displays a file; a run resolves source keys and the site
        assert main(argv) == 0
        return
    err = _one_line_exit_2(argv, capsys)
    assert all(n in err for n in needles), err


@pytest.mark.parametrize("name", ["x" * 5000, "a/" * 3000 + "b", "\u202e" * 300])
def test_overlong_scenario_name_is_an_unknown_scenario(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    err = _one_line_exit_2(["scenario", "run", name, "--draws", "100"], capsys)
    assert "unknown scenario" in err and "Accepted: ai-search-rebound" in err
    assert len(err) < 1000


def test_operator_without_location_sets_the_pue(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An operator alone used to be ignored: the run said "no pue and no location given: industry-average PUE"."""
    import json

    from aifootprint.impacts import resolve_site

    path = tmp_path / "op.toml"
    path.write_text(BASE.replace('name = "t"', 'name = "t"\noperator = "google"'), encoding="utf-8")
    assert main(["scenario", "run", str(path), "--draws", "100", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    pue = float(resolve_site(None, "google").pue.value)  # type: ignore[arg-type]
    assert out["it_energy_twh"]["2030"]["best"] == pytest.approx(100 / pue, rel=1e-9)
    assert not any("no pue and no location" in str(w) for w in out["warnings"])


@pytest.mark.parametrize("draws", ["99", "0", "-1", "10000001", BIG])
@pytest.mark.parametrize("command", [["scenario", "run", "devries-2023-chatgpt", "--json"],
                                     ["report", "--out", "{tmp}/r.html"], ["index", "--out", "{tmp}/site"]])
def test_draws_have_one_range_across_the_sector_commands(command: list[str], draws: str, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """`index --draws` took 1..1,000,000, the other sector commands 100..10,000,000 (aifootprint.limits)."""
    argv = [a.replace("{tmp}", str(tmp_path)) for a in command] + ["--draws", draws]
    err = _one_line_exit_2(argv, capsys)
    assert "--draws" in err and "accepted: 100 to 10,000,000" in err, err
    assert not (tmp_path / "site").exists() and not (tmp_path / "r.html").exists()



@pytest.mark.parametrize(("amount", "says"), [(["0", "TWh"], "(zero: nothing to compare)"),
                                              (["1e-400", "TWh"], "(zero: nothing to compare)"),
                                              (["1e-6", "Wh"], "no reference amount at a readable multiple")])
def test_compare_says_why_nothing_is_listed(amount: list[str], says: str, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """It said "(no reference amounts available)" for 0 TWh and 1 µWh, though the references are there."""
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["compare", *amount]) == 0
    out = capsys.readouterr().out
    assert says in out and "no reference amounts available" not in out


LONG = """[scenario]
name = "long"
model = "trajectory"
years = { start = 1901, end = 2100 }

[inputs.facility_energy_twh]
by_year = { 1901 = { range = [1, 2] }, 2100 = { range = [100, 1000] } }
unit = "TWh/yr"
source = "assumption"
"""


def test_draws_that_cannot_fit_in_memory_are_refused_before_the_run(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """200 years at 10,000,000 draws (both accepted alone) ended in a MemoryError traceback."""
    from aifootprint.sector.memory import BYTES_PER_DRAW_YEAR, _available_bytes

    available = _available_bytes()
    if available is None or available >= 10_000_000 * 200 * BYTES_PER_DRAW_YEAR:
        pytest.skip("no /proc/meminfo, or more than 192 GB available: the run would fit")
    path = tmp_path / "long.toml"
    path.write_text(LONG, encoding="utf-8")
    err = _one_line_exit_2(["scenario", "run", str(path), "--draws", "10000000", "--csv"], capsys)
    assert "10,000,000 draws × 200 scenario years do not fit in memory (about 192.0 GB" in err
    assert "accepted here: at most" in err and "--draws" in err


def test_memory_check_reads_the_available_memory(tmp_path: Path) -> None:
    from aifootprint.errors import InputError
    from aifootprint.sector.memory import check_memory

    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       8000000 kB\nMemAvailable:   1000000 kB\n", encoding="ascii")
    check_memory(100_000, 100, meminfo=str(meminfo))  # 0.96 GB of 1.024 GB
    with pytest.raises(InputError, match=r"200,000 draws × 100 scenario years .* 1\.0 GB is available; accepted "
                                         r"here: at most 106,666 draws"):
        check_memory(200_000, 100, meminfo=str(meminfo))
    check_memory(10**9, 200, meminfo=str(tmp_path / "none"))  # unreadable: no check


def test_a_memory_error_during_the_run_is_one_line(tmp_path: Path) -> None:
    """Under an address-space limit the run fails past the estimate: still exit 2 and one line."""
    import resource
    import subprocess
    import sys

    path = tmp_path / "long.toml"
    path.write_text(LONG, encoding="utf-8")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))

    cli = [sys.executable, "-c", "from aifootprint.cli.main import run; run()"]
    out = subprocess.run([*cli, "scenario", "run", str(path), "--draws", "1000000", "--csv"], capture_output=True,
                         text=True, timeout=120, preexec_fn=limit)
    assert out.returncode == 2, out.stderr[-2000:]
    err = out.stderr.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1 and "do not fit in memory" in err, err
