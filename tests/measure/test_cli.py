"""`aifootprint measure` and `aifootprint runs` end to end, on the documented fake sensors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

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
    assert any(w.startswith("cpu: estimated") for w in out["warnings"])
    assert {"name": "cpu_tdp", "value": 100.0, "unit": "W", "source": "user input"} in out["assumptions"]


def test_sigterm_is_forwarded_to_the_child(private_home: Path) -> None:
    script = ("import signal, sys, time\n"
              "signal.signal(signal.SIGTERM, lambda *a: sys.exit(42))\n"
              "print('ready', flush=True)\n"
              "time.sleep(30)\n")
    env = {**os.environ, "AIFOOTPRINT_SENSORS": "fake"}
    proc = subprocess.Popen([*CLI, "measure", "--json", "--", sys.executable, "-c", script], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    proc.send_signal(signal.SIGTERM)
    out, _err = proc.communicate(timeout=30)
    assert proc.returncode == 42
    assert json.loads(out)["inputs"]["exit_code"] == 42


def test_sigint_without_terminal_is_forwarded(private_home: Path) -> None:
    script = "import time\nprint('ready', flush=True)\ntime.sleep(30)\n"
    env = {**os.environ, "AIFOOTPRINT_SENSORS": "fake"}
    proc = subprocess.Popen([*CLI, "measure", "--json", "--", sys.executable, "-c", script], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, stdin=subprocess.DEVNULL)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    out, _err = proc.communicate(timeout=30)
    assert proc.returncode == 130  # the child died of SIGINT: 128 + 2, like a shell
    assert json.loads(out)["inputs"]["exit_code"] == 130


def test_bad_inputs_exit_2_with_one_line() -> None:
    for args in (["measure"], ["measure", "--sensors", "fak", "--", "true"], ["measure", "--", "no-such-cmd-xyz"],
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
    assert shown["inputs"]["run_id"] == run_id and shown["inputs"]["location"] == "FR"
    other = json.loads(cli("runs", "show", run_id, "--json", "--location", "PL").stdout)
    assert other["carbon_g"]["best"] > shown["carbon_g"]["best"]  # same energy, coal-heavy grid vs nuclear-heavy
    statement = cli("runs", "show", run_id, "--statement").stdout
    assert "kWh" in statement and "gCO2e" in statement and "| Hardware |" in statement and run_id in statement
    assert "method 0.1" in statement and "data " in statement
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
