"""``calibrate --from-csv`` reads every row of a GPU: it had taken the power limit, driver and date of one row of a
GPU and silently ignored its other rows (``power_limit_w`` 0 or -700 in the idle row, another driver or date). Each
case failed before its fix."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from aifootprint.calibrate.microbench_csv import read_microbench_csv
from aifootprint.cli.main import main
from aifootprint.errors import InputError

ROWS = [
    {"gpu": "NVIDIA H100 SXM5 80GB (HBM3)", "benchmark": "idle", "duration_s": "10", "energy_j": "700",
     "achieved_tflop_per_s": "", "achieved_gb_per_s": ""},
    {"gpu": "NVIDIA H100 SXM5 80GB (HBM3)", "benchmark": "matmul_bf16", "duration_s": "10", "energy_j": "6500",
     "achieved_tflop_per_s": "700", "achieved_gb_per_s": ""},
    {"gpu": "NVIDIA H100 SXM5 80GB (HBM3)", "benchmark": "hbm_copy", "duration_s": "10", "energy_j": "4000",
     "achieved_tflop_per_s": "", "achieved_gb_per_s": "2800"},
]
COLUMNS = ["gpu", "benchmark", "duration_s", "energy_j", "achieved_tflop_per_s", "achieved_gb_per_s",
           "power_limit_w", "driver", "date"]


def _write(tmp_path: Path, change: dict[int, dict[str, str]]) -> Path:
    path = tmp_path / "mb.csv"
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        for i, row in enumerate(ROWS):
            w.writerow({**row, "power_limit_w": "700", "driver": "580.159.04", "date": "2026-11-26",
                        **change.get(i, {})})
    return path


def test_consistent_rows_read(tmp_path: Path) -> None:
    (r,) = read_microbench_csv(_write(tmp_path, {}))
    assert r.power_limit_w == 700 and r.driver == "580.159.04"


@pytest.mark.parametrize(("change", "needle"), [
    ({0: {"power_limit_w": "0"}}, "mb.csv line 2: column 'power_limit_w' = 0 W"),
    ({0: {"power_limit_w": "-700"}}, "mb.csv line 2: column 'power_limit_w' = -700 W"),
    ({0: {"power_limit_w": "70000"}}, "accepted: > 0 and ≤ 5,000 W"),
    ({0: {"power_limit_w": "600"}}, "disagree on column 'power_limit_w' (600.0 on line(s) 2; 700.0 on line(s) 3, 4)"),
    ({2: {"driver": "550.54"}}, "disagree on column 'driver' (580.159.04 on line(s) 2, 3; 550.54 on line(s) 4)"),
    ({0: {"date": "2026-11-27"}}, "disagree on column 'date'"),
    ({1: {"date": ""}}, "(empty) on line(s) 3"),
])
def test_rows_of_one_gpu_must_agree(tmp_path: Path, change: dict[int, dict[str, str]], needle: str,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, change)
    with pytest.raises(InputError) as exc:
        read_microbench_csv(path)
    assert needle in str(exc.value), exc.value
    assert main(["calibrate", "--from-csv", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1, err
