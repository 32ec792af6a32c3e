"""`aifootprint calibrate` end to end: --from-csv on the shared micro-benchmarks, the fake backend, exit codes.

Reference readings: "aifootprint GPU micro-benchmarks, 2026-11-26" (../shared/data/gpu-microbench, SOURCE.md).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from aifootprint.calibrate.profile import read_profile
from aifootprint.cli.main import main

MICROBENCH = Path(__file__).resolve().parents[3] / "shared" / "data" / "gpu-microbench" / "microbench.csv"
needs_microbench = pytest.mark.skipif(not MICROBENCH.exists(), reason="../shared/data/gpu-microbench not available")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["calibrate", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@needs_microbench
def test_from_csv_writes_one_profile_per_gpu_into_a_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """H200: e_flop 0.852 pJ/FLOP, e_byte 64.9 pJ/B; H100: 0.841, 87.9 (see test_calibrate_profile)."""
    code, out, err = run(capsys, "--from-csv", str(MICROBENCH), "--out", str(tmp_path), "--json",
                         "--source", "aifootprint GPU micro-benchmarks, 2026-11-26")
    assert code == 0, err
    data = json.loads(out)
    assert data["kind"] == "calibration" and "method_version" in data and "data_version" in data
    assert [p["profile"]["accelerator"] for p in data["profiles"]] == ["h200", "h100"]
    assert {w["code"] for w in data["warnings"]} == {"calibration-power-capped"}
    h200 = read_profile(tmp_path / "h200.toml")
    assert h200.energy_pj_per_flop == pytest.approx(0.8521, rel=1e-3)
    assert h200.source.startswith("aifootprint GPU micro-benchmarks, 2026-11-26 (NVIDIA H200 SXM 141GB")
    assert read_profile(tmp_path / "h100.toml").energy_pj_per_byte == pytest.approx(87.88, rel=1e-3)
    # a second run refuses to overwrite, and leaves both files as they were
    before = (tmp_path / "h100.toml").read_bytes()
    code, _, err = run(capsys, "--from-csv", str(MICROBENCH), "--out", str(tmp_path))
    assert code == 2 and "refusing to overwrite" in err and "--force" in err and len(err.strip().splitlines()) == 1
    assert (tmp_path / "h100.toml").read_bytes() == before
    code, _, err = run(capsys, "--from-csv", str(MICROBENCH), "--out", str(tmp_path), "--force")
    assert code == 0, err


@needs_microbench
def test_from_csv_choices_and_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "--from-csv", str(MICROBENCH), "--gpu", "h100", "--out", str(tmp_path / "x.toml"))
    assert code == 0, err
    assert "bf16 GEMM throughput" in out and "69.9%" in out and "written:" in out
    assert read_profile(tmp_path / "x.toml").accelerator == "h100"
    code, _, err = run(capsys, "--from-csv", str(MICROBENCH), "--out", str(tmp_path / "y.toml"))
    assert code == 2 and "holds 2 GPUs" in err
    code, _, err = run(capsys, "--from-csv", str(MICROBENCH), "--gpu", "b200")
    assert code == 2 and "--gpu 'b200' is not in" in err
    assert not (tmp_path / "y.toml").exists()


def test_bad_csv_is_one_line_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("gpu,benchmark,duration_s,energy_j,power_limit_w,driver,date\n"
                   "NVIDIA H200,idle,4,480,700,1,2026-12-03\n", encoding="utf-8")
    code, _, err = run(capsys, "--from-csv", str(bad))
    assert code == 2 and "lacks benchmark(s) matmul_bf16, hbm_copy" in err and len(err.strip().splitlines()) == 1
    bad.write_text("gpu,benchmark\nx,idle\n", encoding="utf-8")
    code, _, err = run(capsys, "--from-csv", str(bad))
    assert code == 2 and "missing column(s) duration_s" in err
    code, _, err = run(capsys, "--from-csv", str(tmp_path / "none.csv"))
    assert code == 2 and "does not exist" in err


def test_fake_backend_run_writes_a_flagged_profile(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "fake.toml"
    code, out, err = run(capsys, "--backend", "fake", "--out", str(target), "--json", "--window-s", "1",
                         "--idle-s", "1")
    assert code == 0, err
    data = json.loads(out)
    assert "calibration-synthetic" in {w["code"] for w in data["warnings"]}
    profile = read_profile(target)
    assert profile.source.startswith("synthetic readings") and profile.driver == "fake"
    assert profile.gemv_bandwidth_fraction == pytest.approx(2500 / 3350)


def test_without_a_gpu_one_line_names_what_to_install(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """This CPU-only test machine has no NVIDIA driver (and no torch): exit 2, one line, the extra to install; the
    refusal comes before any heavy import, and torch is never imported for --from-csv or a missing GPU."""
    had_torch = "torch" in sys.modules
    code, out, err = run(capsys, "--out", str(tmp_path / "p.toml"))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "aifootprint[calibrate]" in err or "NVIDIA GPU" in err or "torch.cuda.is_available() is False" in err
    assert not (tmp_path / "p.toml").exists()
    assert had_torch or "torch" not in sys.modules


def test_existing_out_is_checked_before_running(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    theirs = tmp_path / "mine.toml"
    theirs.write_text("keep me\n", encoding="utf-8")
    code, _, err = run(capsys, "--out", str(theirs))
    assert code == 2 and "refusing to overwrite" in err
    code, _, err = run(capsys, "--backend", "fake", "--out", "/dev/null", "--force")
    assert code == 2 and "not a regular file" in err
    assert theirs.read_text(encoding="utf-8") == "keep me\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--backend", "cuda"], "unknown calibration backend 'cuda'"),
        (["--backend", "fake", "--window-s", "60"], "accepted: 1 to 25 s"),
        (["--backend", "fake", "--accelerator", "quantum9000"], "unknown accelerator 'quantum9000'"),
        (["--gpu", "h100"], "apply to --from-csv only"),
    ],
)
def test_bad_options_exit_2(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2 and message in err


def test_gpu_script_refuses_cleanly_without_a_gpu() -> None:
    """benchmarks/gpu/calibrate_and_transformer.sh needs an NVIDIA GPU: here it says so in one line, exit 2."""
    import shutil
    import subprocess

    if shutil.which("nvidia-smi"):
        pytest.skip("an NVIDIA driver is present: the script would run the real benchmarks")
    script = Path(__file__).resolve().parents[2] / "benchmarks" / "gpu" / "calibrate_and_transformer.sh"
    done = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "nvidia-smi not found" in done.stderr and done.stdout == ""


def test_saved_readings_re_derive_the_same_profile(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A run's raw readings (--save-readings, microbench.csv format) give the same profile through --from-csv."""
    readings_csv, first, second = tmp_path / "readings.csv", tmp_path / "a.toml", tmp_path / "b.toml"
    code, _, err = run(capsys, "--backend", "fake", "--idle-s", "1", "--window-s", "1", "--out", str(first),
                       "--save-readings", str(readings_csv))
    assert code == 0, err
    code, _, err = run(capsys, "--from-csv", str(readings_csv), "--out", str(second))
    assert code == 0, err
    a, b = read_profile(first), read_profile(second)
    assert b.source.startswith("micro-benchmark CSV readings.csv")
    assert a.to_dict() | {"source": ""} == b.to_dict() | {"source": ""}
    code, _, err = run(capsys, "--from-csv", str(readings_csv), "--save-readings", str(tmp_path / "c.csv"))
    assert code == 2 and "--save-readings applies to a GPU run only" in err
    code, _, err = run(capsys, "--backend", "fake", "--save-readings", str(readings_csv))
    assert code == 2 and "refusing to overwrite" in err


def test_device_run_checks_its_targets_first(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    same = tmp_path / "same"
    code, _, err = run(capsys, "--backend", "fake", "--out", str(same), "--save-readings", str(same))
    assert code == 2 and "name the same file" in err and not same.exists()
    code, out, err = run(capsys, "--backend", "fake", "--idle-s", "1", "--window-s", "1", "--accelerator", "h100-sxm",
                         "--json")
    assert code == 0, err
    assert json.loads(out)["profiles"][0]["profile"]["accelerator"] == "h100"


def test_out_naming_a_folder_writes_key_toml_inside(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """docs/calibrate.md: ``--out profiles/`` is a folder (created if missing) holding one KEY.toml per GPU, for a
    single GPU as for several; it was written as a file named ``profiles``."""
    readings = tmp_path / "readings.csv"
    code, out, err = run(capsys, "--backend", "fake", "--out", f"{tmp_path / 'run'}/", "--save-readings",
                         str(readings), "--window-s", "1", "--idle-s", "1", "--json")
    assert code == 0, err
    written = json.loads(out)["profiles"][0]["written"]
    assert Path(written).parent == tmp_path / "run" and Path(written).suffix == ".toml"
    assert read_profile(Path(written)).accelerator == Path(written).stem
    code, out, err = run(capsys, "--from-csv", str(readings), "--out", f"{tmp_path / 'a' / 'b'}/")
    assert code == 0, err
    assert [p.name for p in (tmp_path / "a" / "b").iterdir()] == [Path(written).name]
    # an existing folder named without the separator is a folder too; a second run refuses to overwrite
    code, _, err = run(capsys, "--from-csv", str(readings), "--out", str(tmp_path / "a" / "b"))
    assert code == 2 and "refusing to overwrite" in err and len(err.strip().splitlines()) == 1
    # a file named with a trailing separator is refused, untouched
    (tmp_path / "f").write_text("mine", encoding="utf-8")
    code, _, err = run(capsys, "--from-csv", str(readings), "--out", f"{tmp_path / 'f'}/")
    assert code == 2 and "not a folder" in err and len(err.strip().splitlines()) == 1
    assert (tmp_path / "f").read_text(encoding="utf-8") == "mine"
