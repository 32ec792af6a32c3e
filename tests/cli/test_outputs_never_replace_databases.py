"""No output replaces a database: with --force, `report --out`, `runs export -o` (reading another store) and
`calibrate --out` wrote over a run store (or its -wal file) and every run in it was lost. No output ever replaces a
SQLite database or the files beside one, whatever --force says."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from aifootprint.cli.main import main

MB_CSV = ("gpu,benchmark,description,duration_s,energy_j,power_mean_w,achieved_tflop_per_s,achieved_gb_per_s,"
          "power_limit_w,driver,date\n"
          'NVIDIA H100 80GB HBM3,idle,"GPU idle, context open",5.0,574.5,114.9,,,700.0,fake,2026-12-04\n'
          "NVIDIA H100 80GB HBM3,matmul_bf16,bf16 GEMM,5.0,3480,696,691.4,,700.0,fake,2026-12-04\n"
          "NVIDIA H100 80GB HBM3,hbm_copy,HBM copy,5.0,2900,580,,3023.9,700.0,fake,2026-12-04\n")


def _store(path: Path) -> str:
    done = subprocess.run([sys.executable, "-m", "aifootprint.cli.main", "measure", "--sensors", "fake", "--store",
                           str(path), "--json", "--", "true"], capture_output=True, text=True, timeout=120, check=True)
    return str(json.loads(done.stdout)["inputs"]["run_id"])


def test_no_output_replaces_a_database_even_with_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home, other = tmp_path / "runs.sqlite", tmp_path / "copy.sqlite"
    _store(home)
    run_id = _store(other)
    wal = tmp_path / "runs.sqlite-wal"
    wal.write_bytes(b"wal bytes")  # as SQLite leaves it beside a store in WAL mode
    foreign = tmp_path / "app.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.close()
    mb = tmp_path / "mb.csv"
    mb.write_text(MB_CSV, encoding="utf-8")
    before = {p: p.read_bytes() for p in (home, wal, foreign)}
    for args in (["report", "--out", str(home), "--force", "--draws", "100"],
                 ["report", "--out", str(wal), "--force", "--draws", "100"],
                 ["report", "--out", str(foreign), "--force", "--draws", "100"],
                 ["runs", "export", run_id, "--store", str(other), "-o", str(home), "--force"],
                 ["calibrate", "--from-csv", str(mb), "--out", str(home), "--force"]):
        code = main(args)
        err = capsys.readouterr().err
        assert code == 2 and "never overwritten" in err and "Traceback" not in err, (args, err)
        assert len(err.strip().splitlines()) == 1, err
    assert {p: p.read_bytes() for p in (home, wal, foreign)} == before
    # an ordinary file is still replaced with --force
    plain = tmp_path / "r.html"
    plain.write_text("old", encoding="utf-8")
    assert main(["report", "--out", str(plain), "--force", "--draws", "100"]) == 0
    assert plain.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
