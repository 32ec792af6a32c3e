"""`aifootprint measure` and `aifootprint runs` end to end, on the documented fake sensors."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import pytest

from aifootprint._version import METHOD_VERSION
from aifootprint.measure.store import RunStore

CLI = [sys.executable, "-m", "aifootprint.cli.main"]


def cli(*args: str, env_extra: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AIFOOTPRINT_SENSORS": "fake", **(env_extra or {})}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=timeout)


def test_measure_returns_the_child_exit_code_and_stores_the_run(private_home: Path) -> None:
    done = cli("measure", "--json", "--location", "FR", "--", sys.executable, "-c",
               "import time, sys; time.sleep(0.5); sys.exit(7)")
    assert done.returncode == 7, done.stderr
    out = json.loads(done.stdout)
    assert out["kind"] == "measure" and out["inputs"]["location"] == "FR" and out["inputs"]["exit_code"] == 7
    for key in ("method_version", "data_version", "energy_kwh", "carbon_g", "water_l", "assumptions", "warnings"):
        assert key in out
    # fake node: 300 + 60 + 10 W -> energy = 370 W x duration
    assert out["it_energy_kwh"]["best"] * 3.6e6 == pytest.approx(370.0 * out["duration_s"], rel=1e-2)
    assert set(out["energy_kwh_by_component"]) == {"gpu", "cpu", "ram"}
    runs = RunStore(private_home / "runs.sqlite").runs()
    assert [r.run_id for r in runs] == [out["inputs"]["run_id"]] and runs[0].exit_code == 7


def test_estimated_readings_are_flagged_in_the_output(tmp_path: Path) -> None:
    done = cli("measure", "--sensors", "estimate", "--cpu-tdp-w", "100", "--json", "--", "true")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["estimated"] is True and out["estimated_components"] == ["cpu", "ram"]
    assert any(w["code"] == "estimated" and "cpu" in w["subject"] for w in out["warnings"])
    assert {"name": "cpu_tdp", "value": 100.0, "unit": "W", "source": "user input"} in out["assumptions"]


def _await_ready(stream: IO[str]) -> None:
    for line in stream:
        if line.strip() == "ready":
            return
    raise AssertionError("the child never said ready")


def test_sigterm_is_forwarded_to_the_child(private_home: Path) -> None:
    script = ("import signal, sys, time\n"
              "signal.signal(signal.SIGTERM, lambda *a: sys.exit(42))\n"
              "print('ready', flush=True)\n"
              "time.sleep(30)\n")
    env = {**os.environ, "AIFOOTPRINT_SENSORS": "fake"}
    proc = subprocess.Popen([*CLI, "measure", "--json", "--", sys.executable, "-c", script], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stderr is not None
    _await_ready(proc.stderr)  # with --json the child's stdout goes to stderr
    proc.send_signal(signal.SIGTERM)
    out, _err = proc.communicate(timeout=30)
    assert proc.returncode == 42
    assert json.loads(out)["inputs"]["exit_code"] == 42


def test_sigint_without_terminal_is_forwarded(private_home: Path) -> None:
    script = "import time\nprint('ready', flush=True)\ntime.sleep(30)\n"
    env = {**os.environ, "AIFOOTPRINT_SENSORS": "fake"}
    proc = subprocess.Popen([*CLI, "measure", "--json", "--", sys.executable, "-c", script], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, stdin=subprocess.DEVNULL)
    assert proc.stderr is not None
    _await_ready(proc.stderr)  # with --json the child's stdout goes to stderr
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    out, _err = proc.communicate(timeout=30)
    assert proc.returncode == 130  # the child died of SIGINT: 128 + 2, like a shell
    assert json.loads(out)["inputs"]["exit_code"] == 130


def test_bad_inputs_exit_2_with_one_line() -> None:
    for args in (["measure"], ["measure", "--sensors", "fak", "--", "true"],
                 ["measure", "--location", "Atlantis", "--", "true"]):
        done = cli(*args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert done.stderr.strip().startswith("error:") and len(done.stderr.strip().splitlines()) <= 2, done.stderr


def test_runs_list_show_statement_and_export(private_home: Path, tmp_path: Path) -> None:
    done = cli("measure", "--json", "--name", "demo", "--location", "FR", "--", sys.executable, "-c",
               "import time; time.sleep(0.3)")
    run_id = json.loads(done.stdout)["inputs"]["run_id"]
    listed = json.loads(cli("runs", "list", "--json").stdout)
    assert listed[0]["run_id"] == run_id and listed[0]["name"] == "demo" and listed[0]["status"] == "ok"
    shown = json.loads(cli("runs", "show", run_id[:17], "--json").stdout)
    # the list's energy is the measured IT energy, named so; `runs show` adds the site's overhead (it was
    # `energy_kwh`, the name of the facility energy everywhere else)
    assert "energy_kwh" not in listed[0]
    assert listed[0]["it_energy_kwh"] == pytest.approx(shown["it_energy_kwh"]["best"], rel=1e-9)
    assert shown["energy_kwh"]["best"] > listed[0]["it_energy_kwh"]
    assert shown["inputs"]["run_id"] == run_id and shown["inputs"]["location"] == "FR"
    other = json.loads(cli("runs", "show", run_id, "--json", "--location", "PL").stdout)
    assert other["carbon_g"]["best"] > shown["carbon_g"]["best"]  # same energy, coal-heavy grid vs nuclear-heavy
    statement = cli("runs", "show", run_id, "--statement").stdout
    assert "kWh" in statement and "gCO2e" in statement and "| Hardware |" in statement and run_id in statement
    assert f"method {METHOD_VERSION}" in statement and "data " in statement
    csv_text = cli("runs", "export", run_id, "--format", "csv").stdout.splitlines()
    assert csv_text[0] == "run_id,device,t_s,energy_j,power_w" and len(csv_text) > 3
    target = tmp_path / "run.json"
    assert cli("runs", "export", run_id, "--format", "json", "-o", str(target)).returncode == 0
    record = json.loads(target.read_text())
    assert record["run"]["run_id"] == run_id and record["samples"] and len(record["devices"]) == 3
    missing = cli("runs", "show", "nope")
    assert missing.returncode == 2 and "unknown run" in missing.stderr
    assert cli("runs", "export", run_id, "--format", "xml").returncode == 2


def test_gpu_benchmark_script_exits_cleanly_without_torch_or_cuda(tmp_path: Path) -> None:
    script = Path(__file__).resolve().parents[2] / "benchmarks" / "gpu" / "transformer_energy.py"
    done = subprocess.run([sys.executable, str(script), "--out", str(tmp_path / "x.json")], capture_output=True,
                          text=True, timeout=120)
    try:
        import torch

        has_cuda = bool(torch.cuda.is_available())
    except ImportError:
        has_cuda = False
    if has_cuda:
        pytest.skip("a CUDA GPU is present: the script would really run")
    assert done.returncode == 2
    assert "transformer_energy:" in done.stderr and ("PyTorch" in done.stderr or "CUDA" in done.stderr)


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The CLI in process (fast): exit code, stdout, stderr."""
    from aifootprint.cli.main import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, err: str, *needles: str) -> None:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) <= 2 and lines[0].startswith("error:") and "Traceback" not in err, err
    for needle in needles:
        assert needle in err, (needle, err)


def test_unusable_store_files_are_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Review 2026-11-26 finding 8: a corrupt store or a directory gave a sqlite3 traceback and exit 1."""
    import sqlite3

    corrupt = tmp_path / "bad.sqlite"
    corrupt.write_bytes(b"this is not a database" * 100)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t(a)")
    for store in (corrupt, tmp_path, other):
        for args in (["runs", "list"], ["runs", "show", "x"], ["runs", "export", "x"]):
            code, _out, err = run_main(capsys, *args, "--store", str(store))
            assert_one_line_error(code, err, str(store))
    with sqlite3.connect(other) as db:  # nothing was added to someone else's database
        assert [r[0] for r in db.execute("SELECT name FROM sqlite_master")] == ["t"]


def test_read_only_commands_create_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Review 2026-11-26 finding 9: `runs show x --store /nonexistent/x.sqlite` created the folder and a DB."""
    store = tmp_path / "nonexistent" / "x.sqlite"
    for args in (["runs", "show", "x"], ["runs", "list"], ["runs", "export", "x"]):
        code, _out, err = run_main(capsys, *args, "--store", str(store))
        assert_one_line_error(code, err, f"no run store at {store}")
    assert not (tmp_path / "nonexistent").exists()


def test_bad_limit_and_gpu_lists_are_rejected(capsys: pytest.CaptureFixture[str]) -> None:
    """Review 2026-11-26 finding 15: --limit -1 listed every run; --gpus abc was accepted with fake sensors."""
    code, _out, err = run_main(capsys, "runs", "list", "--limit", "-1")
    assert_one_line_error(code, err, "--limit")
    code, _out, err = run_main(capsys, "measure", "--sensors", "fake", "--gpus", "abc", "--", "true")
    assert_one_line_error(code, err, "'abc'")


FAKE_PYNVML = '''
"""A fake pynvml with two GPUs (tests only)."""
def nvmlInit(): pass
def nvmlDeviceGetCount(): return 2
def nvmlDeviceGetHandleByIndex(i): return i
def nvmlDeviceGetUUID(h): return f"GPU-{h}{h}{h}"
def nvmlDeviceGetName(h): return "Fake GPU"
def nvmlDeviceGetTotalEnergyConsumption(h): return 1000
def nvmlDeviceGetPowerUsage(h): return 100000
'''


@pytest.mark.parametrize("binding", ["ctypes", "pynvml"])
def test_unknown_gpu_id_with_a_fake_nvml_exits_2_naming_it(tmp_path: Path, binding: str) -> None:
    """Review 2026-11-26 finding 10: `--gpus 0,99` measured GPU 0 only and dropped 99 without a word. Both NVML
    bindings: the package's own on a fake ``libnvidia-ml.so.1`` (tests/measure/fake_nvml.c, two GPUs), and
    ``AIFOOTPRINT_NVML=pynvml`` on a fake ``pynvml`` module."""
    if binding == "pynvml":
        (tmp_path / "pynvml.py").write_text(FAKE_PYNVML)
        env = {"PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
               "AIFOOTPRINT_NVML": "pynvml"}
    else:
        from .test_nvml_binding import _build

        (tmp_path / "lib").mkdir()
        shutil.copy(_build(tmp_path), tmp_path / "lib" / "libnvidia-ml.so.1")
        env = {"LD_LIBRARY_PATH": str(tmp_path / "lib")}
    marker = tmp_path / "ran"
    done = cli("measure", "--sensors", "auto", "--gpus", "0,99", "--", "touch", str(marker), env_extra=env)
    assert_one_line_error(done.returncode, done.stderr, "99")
    assert not marker.exists()  # rejected before the command ran


def test_export_to_an_unwritable_path_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    done = cli("measure", "--json", "--", "true")
    run_id = json.loads(done.stdout)["inputs"]["run_id"]
    for target in (tmp_path, tmp_path / "missing-dir" / "x.json"):
        code, _out, err = run_main(capsys, "runs", "export", run_id, "-o", str(target))
        assert_one_line_error(code, err, f"-o {target}")  # fileio.write_output's message names the flag and path


def test_export_times_carry_their_unit(private_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Review 2026-11-26: run export started_at / ended_at had no unit; the DB columns keep their names."""
    done = cli("measure", "--json", "--", "true")
    run_id = json.loads(done.stdout)["inputs"]["run_id"]
    code, out, _err = run_main(capsys, "runs", "export", run_id)
    record = json.loads(out)
    assert code == 0 and "started_at" not in record["run"] and "ended_at" not in record
    assert record["ended_at_unix_s"] >= record["run"]["started_at_unix_s"] > 1.7e9


def test_site_flags_on_measure_and_runs_show(private_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Review 2026-11-26 finding 12: every measured run got the industry-average PUE 1.56. A PUE given to
    `measure` is used, cited as user input, recorded with the run and reused by `runs show` (which may replace it)."""
    done = cli("measure", "--json", "--pue", "1.1", "--location", "FR", "--", "true")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert {"name": "pue", "value": 1.1, "unit": "-", "source": "user input"} in out["assumptions"]
    assert out["energy_kwh"]["best"] == pytest.approx(1.1 * out["it_energy_kwh"]["best"], rel=1e-9)
    assert out["inputs"]["pue"] == 1.1 and not any(isinstance(w, str) and w.startswith("pue:") for w in out["warnings"])
    run_id = out["inputs"]["run_id"]
    code, text, _err = run_main(capsys, "runs", "show", run_id, "--json")
    shown = json.loads(text)
    assert code == 0 and {"name": "pue", "value": 1.1, "unit": "-", "source": "user input"} in shown["assumptions"]
    code, text, _err = run_main(capsys, "runs", "show", run_id, "--json", "--pue", "1.3", "--operator", "google",
                                "--intensity-g-per-kwh", "100", "--wue-l-per-kwh", "0", "--ewif-l-per-kwh", "2")
    again = json.loads(text)
    assert code == 0 and again["inputs"]["operator"] == "google"
    factors = {a["name"]: (a["value"], a["source"]) for a in again["assumptions"]}
    assert factors["pue"] == (1.3, "user input") and factors["grid_intensity"] == (100.0, "user input")
    assert factors["wue_onsite"] == (0.0, "user input") and factors["ewif_offsite"] == (2.0, "user input")
    assert again["carbon_g"]["best"] == pytest.approx(again["it_energy_kwh"]["best"] * 1.3 * 100.0, rel=1e-9)
    code, _out, err = run_main(capsys, "runs", "show", run_id, "--pue", "0.5")
    assert_one_line_error(code, err, "pue")


def test_grid_factors_given_to_measure_stay_with_their_location(private_home: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    done = cli("measure", "--json", "--intensity-g-per-kwh", "10", "--pue", "1.2", "--location", "FR", "--", "true")
    run_id = json.loads(done.stdout)["inputs"]["run_id"]
    code, text, _err = run_main(capsys, "runs", "show", run_id, "--json", "--location", "PL")
    factors = {a["name"]: (a["value"], a["source"]) for a in json.loads(text)["assumptions"]}
    assert code == 0 and factors["pue"] == (1.2, "user input") and factors["grid_intensity"][1] != "user input"


def test_fake_sensor_run_is_flagged_and_its_statement_has_the_caveat(private_home: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Review 2026-11-26: fake sensors showed estimated: false and the statement had no caveats row."""
    done = cli("measure", "--json", "--sensors", "fake", "--", "true")
    out = json.loads(done.stdout)
    assert out["simulated"] is True and out["estimated"] is True
    code, text, _err = run_main(capsys, "runs", "list", "--json")
    assert code == 0 and json.loads(text)[0]["simulated"] is True and json.loads(text)[0]["estimated"] is True
    code, text, _err = run_main(capsys, "runs", "show", out["inputs"]["run_id"], "--statement")
    (caveats,) = [r for r in text.splitlines() if r.startswith("| Caveats |")]
    assert code == 0 and "fake sensors" in caveats and "not measurements" in caveats


def test_runs_list_before_any_run_says_so(private_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Re-audit 2026-12-04: a new user's first `runs list` exited 2 ("no run store at …"); an explicit --store that
    does not exist is still one line, exit 2 (a typo must not look like an empty store)."""
    code, out, _err = run_main(capsys, "runs", "list")
    assert code == 0 and "no runs yet" in out and "aifootprint measure" in out
    code, out, _err = run_main(capsys, "runs", "list", "--json")
    assert code == 0 and out.strip() == "[]"
    assert not private_home.exists() or not (private_home / "runs.sqlite").exists()
