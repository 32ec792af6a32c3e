"""Bad values for the estimate and calibrate commands that the CLI-wide fuzz (tests/cli/test_cli_fuzz.py) does not
cover: a NUL character in a path (os.stat raises ValueError, not OSError: a traceback), a calibration profile whose
fields contradict its accelerator's datasheet (accepted silently: a fraction of 0.0001 beside 665 TFLOP/s made the
estimate 6,000× larger), unbounded counts of `estimate log` (a 400-digit --chunk-rows was accepted), and expert flags
without --active-params (`--params 8 --experts 8 --active-experts 2` was estimated as a dense 8 B model, the expert
flags ignored). Each must end with exit 2 and one line naming the flag or field and what is accepted. In-process through
:func:`aifootprint.cli.main.main` for speed."""

from __future__ import annotations

from pathlib import Path

import pytest

from aifootprint.cli.main import main

GPU_RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "gpu"
PROFILE = GPU_RESULTS / "calibration_h200_20261204T1128Z.toml"
REQ = ("estimate", "request", "--model", "llama-3.1-8b", "--hardware", "h200", "--input-tokens", "640",
       "--output-tokens", "256")


def _one_line_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, (argv, err)
    assert "Traceback" not in err and err.startswith("error: ") and len(err.strip().splitlines()) == 1, err
    return err


@pytest.mark.parametrize("argv", [
    [*REQ, "--calibration", "a\x00b"],
    ["compare-models", "--input-tokens", "1", "--output-tokens", "1", "--models", "llama-3.1-8b", "--calibration",
     "\x00"],
    ["estimate", "image", "--model", "sd-1.5", "--calibration", "\x00"],
])
def test_a_nul_in_the_calibration_path_is_one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert "NUL character; accepted: a file name" in _one_line_exit_2(argv, capsys)


def test_a_nul_in_calibrate_out_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    err = _one_line_exit_2(["calibrate", "--backend", "fake", "--out", "p\x00.toml"], capsys)
    assert "--out" in err and "NUL character" in err


@pytest.mark.parametrize(("field", "value", "needles"), [
    ("achieved_flops_fraction", "0.0001", ("achieved_tflops_bf16 = 665.116 TFLOP/s is 67.2% of the datasheet",
                                           "achieved_flops_fraction = 0.0001", "agree within 10%")),
    ("achieved_tflops_bf16", "6.5", ("achieved_tflops_bf16 = 6.5 TFLOP/s", "achieved_flops_fraction = 0.672")),
    ("achieved_bandwidth_fraction", "0.09", ("achieved_bandwidth_gb_per_s", "achieved_bandwidth_fraction = 0.09")),
    ("power_limit_w", "2000", ("power_limit_w = 2000 W is above the 700 W maximum", "accepted: a limit up to 770 W")),
])
def test_a_profile_that_contradicts_the_datasheet_is_refused(tmp_path: Path, field: str, value: str,
                                                             needles: tuple[str, ...],
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    lines = [f"{field} = {value}" if ln.startswith(f"{field} =") else ln
             for ln in PROFILE.read_text(encoding="utf-8").splitlines()]
    bad = tmp_path / "edited.toml"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    err = _one_line_exit_2([*REQ, "--calibration", str(bad)], capsys)
    assert all(n in err for n in needles), err


def test_the_measured_h200_profile_still_applies(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*REQ, "--calibration", str(PROFILE), "--json"]) == 0
    assert '"source": "profile: NVIDIA H200 2026-12-04' in capsys.readouterr().out


@pytest.mark.parametrize(("flag", "value", "needle"), [
    ("--chunk-rows", "9" * 400, "--chunk-rows (a number of 400 digits) is out of range; accepted: 1 to 100,000,000"),
    ("--chunk-rows", "0", "--chunk-rows 0 is out of range; accepted: 1 to 100,000,000 rows"),
    ("--workers", "0", "--workers 0 is out of range; accepted: 1 to 1,024 processes"),
    ("--workers", "1" + "0" * 30, "--workers 1e+30 is out of range"),
])
def test_estimate_log_counts_are_bounded(tmp_path: Path, flag: str, value: str, needle: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "log.csv"
    log.write_text("model,input_tokens,output_tokens\nllama-3.1-8b,100,100\n", encoding="utf-8")
    err = _one_line_exit_2(["estimate", "log", str(log), "--out", str(tmp_path / "out.csv"), flag, value], capsys)
    assert needle in err, err
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("extra", [["--experts", "8"], ["--experts", "8", "--active-experts", "2"],
                                   ["--experts", "8", "--active-experts", "2", "--active-params", "8"]])
def test_expert_flags_need_active_parameters(extra: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    err = _one_line_exit_2(["estimate", "request", "--params", "8", *extra, "--input-tokens", "640",
                            "--output-tokens", "256"], capsys)
    assert "--experts 8 describes a mixture of experts, which needs --active-params" in err


def test_an_explicit_moe_with_its_active_parameters_is_estimated_as_one(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["estimate", "request", "--params", "8", "--input-tokens", "640", "--output-tokens", "256", "--json"]
    assert main([*base, "--active-params", "2", "--experts", "8", "--active-experts", "2"]) == 0
    moe = capsys.readouterr().out
    assert main(base) == 0
    dense = capsys.readouterr().out
    assert '"value": "2"' in moe and moe != dense


def test_the_architecture_refuses_routing_without_active_parameters() -> None:
    from aifootprint.errors import InputError
    from aifootprint.estimate.arch import Architecture

    with pytest.raises(InputError, match="2 of 8 experts per token needs active_params_b below total_params_b"):
        Architecture("custom", 8.0, experts=8, active_experts=2)
    assert Architecture("custom", 8.0, 2.0, experts=8, active_experts=2).active_params_b == 2.0
