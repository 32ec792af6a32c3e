"""Calibration runner on the fake backend, the bounded plan, and the user config (injected roots, no monkeypatching)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from aifootprint.calibrate.backend import MAX_TOTAL_S, BenchPlan, FakeBackend, FakeRates, run_microbenchmarks
from aifootprint.calibrate.config import UserConfig, config_path, load_config, select_profile
from aifootprint.calibrate.microbench_csv import resolve_accelerator
from aifootprint.calibrate.profile import derive_profile, write_profile
from aifootprint.calibrate.report import compare_with_datasheet, reading_notices
from aifootprint.errors import InputError


def test_runner_follows_the_plan_and_replays_the_fake_rates() -> None:
    """The fake's default rates are the H100 row of microbench.csv (aifootprint GPU micro-benchmarks, 2026-11-26), so
    the derived profile equals the one derived from that row: idle 114.91 W, e_flop 0.8409 pJ, e_byte 87.88 pJ
    (consistency check of the runner, not a measurement)."""
    backend = FakeBackend()
    plan = BenchPlan(idle_s=4.0, window_s=3.0)
    readings = run_microbenchmarks(backend, plan, today=date(2026, 12, 3))
    assert [c[0] for c in backend.calls] == ["idle", "gemm", "copy", "gemv"]
    assert [c[2] for c in backend.calls] == [4.0, 3.0, 3.0, 3.0]
    assert backend.calls[1][1] == (8192,) and backend.calls[2][1] == (4 * 10**9,)
    acc = resolve_accelerator(readings.device_name)
    p = derive_profile(readings, acc, source="fake")
    assert (p.accelerator, p.date, p.driver) == ("h100", "2026-12-03", "fake")
    assert p.idle_power_w == pytest.approx(114.91, rel=1e-3)
    assert p.energy_pj_per_flop == pytest.approx(0.8409, rel=1e-3)
    assert p.energy_pj_per_byte == pytest.approx(87.88, rel=1e-3)
    assert p.gemv_bandwidth_fraction == pytest.approx(2500 / 3350)
    codes = [n.code for n in reading_notices(readings, p, "fake")]
    assert codes == ["calibration-power-capped", "calibration-synthetic"]


def test_plan_is_bounded() -> None:
    assert BenchPlan().total_s <= MAX_TOTAL_S
    assert BenchPlan(idle_s=30.0, window_s=20.0).total_s == 90.0
    with pytest.raises(InputError, match="exceeds 90 s"):
        BenchPlan(idle_s=30.0, window_s=25.0)
    with pytest.raises(InputError, match=r"accepted: 1 to 25 s"):
        BenchPlan(window_s=0.1)
    with pytest.raises(InputError, match=r"accepted: 1 to 30 s"):
        BenchPlan(idle_s=100.0)
    with pytest.raises(InputError, match=r"GEMV batch 0"):
        BenchPlan(gemv_batch=0)


def test_checks_flag_a_busy_or_slow_device() -> None:
    slow = FakeRates(idle_w=300.0, gemm_w=400.0, gemm_tflops=200.0, copy_w=350.0, copy_gb_per_s=1000.0)
    readings = run_microbenchmarks(FakeBackend(slow), BenchPlan(), today=date(2026, 12, 3))
    p = derive_profile(readings, resolve_accelerator(readings.device_name), source="fake")
    codes = {n.code for n in reading_notices(readings, p, "nvml-power-sampled")}
    assert codes == {"calibration-low-throughput", "calibration-busy-idle", "calibration-power-sampled"}


def test_comparison_with_the_registry_datasheet() -> None:
    """Registry h100: 989.5 TFLOP/s dense bf16, 3,350 GB/s, 700 W (accelerators.csv, NV-H100-DS)."""
    readings = run_microbenchmarks(FakeBackend(), BenchPlan(), today=date(2026, 12, 3))
    acc = resolve_accelerator(readings.device_name)
    rows = {r.quantity: r for r in compare_with_datasheet(derive_profile(readings, acc, "fake"), acc)}
    assert rows["bf16 GEMM throughput"].ratio == pytest.approx(691.4 / 989.5)
    assert rows["copy bandwidth"].ratio == pytest.approx(3023.9 / 3350)
    assert rows["power limit"].ratio == pytest.approx(1.0)
    assert rows["idle power"].datasheet is None and rows["idle power"].ratio is None


def test_config_path_follows_env_and_injected_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert config_path({}, home) == home / ".config" / "aifootprint" / "config.toml"
    assert config_path({"XDG_CONFIG_HOME": "/xdg"}, home) == Path("/xdg/aifootprint/config.toml")
    assert config_path({"XDG_CONFIG_HOME": "relative"}, home) == home / ".config" / "aifootprint" / "config.toml"
    env = {"AIFOOTPRINT_CONFIG": "/etc/afp.toml", "XDG_CONFIG_HOME": "/xdg"}
    assert config_path(env, home) == Path("/etc/afp.toml")


def _write_h100_profile(folder: Path) -> Path:
    readings = run_microbenchmarks(FakeBackend(), BenchPlan(), today=date(2026, 12, 3))
    profile = derive_profile(readings, resolve_accelerator(readings.device_name), "fake")
    return write_profile(profile, folder / "h100.toml")


def test_config_names_profiles_and_select_profile_uses_them(tmp_path: Path) -> None:
    home = tmp_path / "home"
    cfg_dir = home / ".config" / "aifootprint"
    cfg_dir.mkdir(parents=True)
    profile_path = _write_h100_profile(cfg_dir)
    (cfg_dir / "config.toml").write_text('[server]\nport = 1\n[calibration]\n"H100-SXM" = "h100.toml"\n',
                                         encoding="utf-8")
    config = load_config(env={}, home=home)
    assert config.path == cfg_dir / "config.toml"
    assert dict(config.calibration) == {"h100": profile_path}
    chosen = select_profile("h100", config=config)
    assert chosen is not None and chosen.accelerator == "h100"
    assert select_profile("h200", config=config) is None
    assert select_profile("h100") is None
    with pytest.raises(InputError, match=r"measured on 'h100', not on 'h200'"):
        select_profile("h200", calibration_file=profile_path)
    assert load_config(env={}, home=tmp_path / "nobody") == UserConfig()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[calibration\n", "not valid TOML"),
        ("calibration = 3\n", "'calibration' must be a table"),
        ('[calibration]\nh100 = 3\n', r"h100 = 3; accepted: a file path string"),
        ('[calibration]\nquantum9000 = "x.toml"\n', "unknown accelerator 'quantum9000'"),
        ('[calibration]\nh100 = "a.toml"\nh100-sxm = "b.toml"\n', "names accelerator 'h100' twice"),
    ],
)
def test_bad_config_is_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        load_config(path)
    assert str(path) in str(err.value)


def test_config_entry_pointing_to_a_missing_profile(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[calibration]\nh200 = "/no/such/h200.toml"\n', encoding="utf-8")
    with pytest.raises(InputError, match="does not exist"):
        select_profile("h200", config=load_config(path))
