"""Output files. An existing file is replaced only with --force, and never a command's own input (the run
store being exported, the micro-benchmark CSV being read), not even with --force."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from aifootprint.cli.main import main

MB_CSV = ("gpu,benchmark,description,duration_s,energy_j,power_mean_w,achieved_tflop_per_s,achieved_gb_per_s,"
          "power_limit_w,driver,date\n"
          'NVIDIA H100 80GB HBM3,idle,"GPU idle, context open",5.0,574.5,114.9,,,700.0,fake,2026-12-04\n'
          "NVIDIA H100 80GB HBM3,matmul_bf16,bf16 GEMM,5.0,3480,696,691.4,,700.0,fake,2026-12-04\n"
          "NVIDIA H100 80GB HBM3,hbm_copy,HBM copy,5.0,2900,580,,3023.9,700.0,fake,2026-12-04\n"
          "NVIDIA H100 80GB HBM3,gemv_bf16,bf16 GEMV,5.0,2700,540,,2500,700.0,fake,2026-12-04\n")


def _one_line(code: int, err: str, *needles: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert all(n in err for n in needles), err


@pytest.fixture()
def store(tmp_path: Path) -> tuple[Path, str]:
    db = tmp_path / "runs.sqlite"
    done = subprocess.run([sys.executable, "-m", "aifootprint.cli.main", "measure", "--sensors", "fake", "--store",
                           str(db), "--json", "--", "true"], capture_output=True, text=True, timeout=120, check=True)
    return db, str(json.loads(done.stdout)["inputs"]["run_id"])


def test_export_never_writes_over_the_store_it_reads(store: tuple[Path, str], capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    db, run_id = store
    before = db.read_bytes()
    for target in (db, Path(f"{db}-wal")):
        if not target.exists():
            continue
        code = main(["runs", "export", run_id, "--store", str(db), "-o", str(target), "--force"])
        _one_line(code, capsys.readouterr().err, "run store", "never overwritten")
    assert db.read_bytes()[:16] == before[:16] == b"SQLite format 3\x00"
    assert main(["runs", "list", "--store", str(db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["run_id"] == run_id


def test_export_refuses_an_existing_file_without_force(store: tuple[Path, str], tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    db, run_id = store
    mine = tmp_path / "mine.csv"
    mine.write_text("user data\n", encoding="utf-8")
    code = main(["runs", "export", run_id, "--store", str(db), "--format", "csv", "-o", str(mine)])
    _one_line(code, capsys.readouterr().err, str(mine), "exists", "--force")
    assert mine.read_text(encoding="utf-8") == "user data\n"
    assert main(["runs", "export", run_id, "--store", str(db), "--format", "csv", "--out", str(mine),
                 "--force"]) == 0
    assert mine.read_text(encoding="utf-8").startswith("run_id,")
    # --out is an alias of -o/--output; a new file needs no --force
    assert main(["runs", "export", run_id, "--store", str(db), "--out", str(tmp_path / "new.json")]) == 0
    assert json.loads((tmp_path / "new.json").read_text(encoding="utf-8"))["run"]["run_id"] == run_id


def test_export_into_a_folder_suggests_a_run_file_name(store: tuple[Path, str], tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    db, run_id = store
    (tmp_path / "adir").mkdir()
    code = main(["runs", "export", run_id, "--store", str(db), "-o", str(tmp_path / "adir")])
    err = capsys.readouterr().err
    _one_line(code, err, f"{tmp_path / 'adir' / run_id}.json")
    assert "aifootprint-report.html" not in err


def test_report_refuses_an_existing_file_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mine = tmp_path / "mine.html"
    mine.write_text("<p>mine</p>", encoding="utf-8")
    code = main(["report", "--out", str(mine), "--draws", "1000"])
    _one_line(code, capsys.readouterr().err, str(mine), "exists", "--force")
    assert mine.read_text(encoding="utf-8") == "<p>mine</p>"


def test_calibrate_never_writes_over_its_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "mb.csv"
    csv.write_text(MB_CSV, encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(csv)
    for out in (csv, link):
        code = main(["calibrate", "--from-csv", str(csv), "--out", str(out), "--force"])
        _one_line(code, capsys.readouterr().err, "--from-csv input", "never overwritten")
    assert csv.read_text(encoding="utf-8") == MB_CSV
