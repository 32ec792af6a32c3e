"""Calibration profiles: derivation pinned to the shared micro-benchmarks, TOML round trip, validation.

Reference readings: "aifootprint GPU micro-benchmarks, 2026-11-26" (``../shared/data/gpu-microbench/microbench.csv``,
SOURCE.md there; CC0): idle, 8192² bf16 matmul and 4 GB HBM copy on one H200 SXM and one H100 SXM5, 700 W limit,
driver 580.159.04. Powers are energy-counter energy ÷ window duration.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aifootprint.calibrate.microbench_csv import read_microbench_csv, resolve_accelerator
from aifootprint.calibrate.profile import (
    FIELD_RANGES,
    PROFILE_METHOD_VERSION,
    BenchWindow,
    CalibrationProfile,
    MicrobenchReadings,
    derive_profile,
    profile_to_toml,
    read_profile,
    write_profile,
)
from aifootprint.errors import InputError

MICROBENCH = Path(__file__).resolve().parents[3] / "shared" / "data" / "gpu-microbench" / "microbench.csv"
needs_microbench = pytest.mark.skipif(not MICROBENCH.exists(), reason="../shared/data/gpu-microbench not available")


def _profile(**changes: object) -> CalibrationProfile:
    base = CalibrationProfile(
        accelerator="h200", device_name="NVIDIA H200 SXM 141GB", driver="580.159.04", date="2026-11-26",
        source="test", idle_power_w=120.11, power_limit_w=700.0, achieved_tflops_bf16=671.3,
        achieved_flops_fraction=0.6784, achieved_bandwidth_gb_per_s=4274.6, achieved_bandwidth_fraction=0.8905,
        energy_pj_per_flop=0.8521, energy_pj_per_byte=64.89,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _derived() -> dict[str, CalibrationProfile]:
    out = {}
    for readings in read_microbench_csv(MICROBENCH):
        acc = resolve_accelerator(readings.device_name)
        out[acc.key] = derive_profile(readings, acc, source="aifootprint GPU micro-benchmarks, 2026-11-26")
    return out


@needs_microbench
@pytest.mark.parametrize(
    ("key", "idle_w", "e_flop_pj", "e_byte_pj", "flops_fraction", "bw_fraction"),
    [("h200", 120.11, 0.8521, 64.89, 0.6784, 0.8905), ("h100", 114.91, 0.8409, 87.88, 0.6987, 0.9027)],
)
def test_derivation_pinned_to_shared_microbenchmarks(
    key: str, idle_w: float, e_flop_pj: float, e_byte_pj: float, flops_fraction: float, bw_fraction: float
) -> None:
    """microbench.csv (aifootprint GPU micro-benchmarks, 2026-11-26): H200 idle 480.472 J / 4.0003 s = 120.11 W,
    matmul 3400.789 J / 4.9136 s = 692.12 W at 671.3 TFLOP/s -> e_flop = 0.852 pJ/FLOP, copy 1487.829 J / 3.7431 s =
    397.49 W at 4274.6 GB/s -> e_byte = 64.9 pJ/B; H100 114.91 W, 0.841 pJ/FLOP, 87.9 pJ/B. Fractions of the
    registry's datasheet (989.5 TFLOP/s dense bf16; 4,800 / 3,350 GB/s). Tolerance 0.1 % (rounding of the pins)."""
    p = _derived()[key]
    assert p.idle_power_w == pytest.approx(idle_w, rel=1e-3)
    assert p.energy_pj_per_flop == pytest.approx(e_flop_pj, rel=1e-3)
    assert p.energy_pj_per_byte == pytest.approx(e_byte_pj, rel=1e-3)
    assert p.achieved_flops_fraction == pytest.approx(flops_fraction, rel=1e-3)
    assert p.achieved_bandwidth_fraction == pytest.approx(bw_fraction, rel=1e-3)
    assert p.power_limit_w == 700.0
    assert (p.driver, p.date, p.method_version) == ("580.159.04", "2026-11-26", PROFILE_METHOD_VERSION)
    assert p.gemv_bandwidth_fraction is None


@needs_microbench
def test_derivation_agrees_with_the_csvs_own_whole_gpu_columns() -> None:
    """Consistency check (not a reproduction: same readings): the CSV's j_per_tflop (H200 1.031, H100 1.0071) and
    j_per_gb (0.09299, 0.12588) are whole-GPU energy per unit of work = e_flop + P_idle / FLOP/s (resp. bytes)."""
    got = _derived()
    pins = {"h200": (1.031, 0.09299), "h100": (1.0071, 0.12588)}
    for key, (j_per_tflop, j_per_gb) in pins.items():
        p = got[key]
        assert p.energy_pj_per_flop + p.idle_power_w / p.achieved_tflops_bf16 == pytest.approx(j_per_tflop, rel=2e-3)
        assert p.energy_pj_per_byte / 1000 + p.idle_power_w / p.achieved_bandwidth_gb_per_s == pytest.approx(
            j_per_gb, rel=2e-3)


@needs_microbench
def test_gemm_runs_at_the_power_limit_in_the_reference_readings() -> None:
    """SOURCE.md: the 8192² matmul runs at the 700 W limit. The derived model P_idle + e_flop·FLOP/s then equals the
    measured GEMM power (692–696 W), within 2 % of the limit: the cap binds at the achieved throughput."""
    for p in _derived().values():
        gemm_w = p.idle_power_w + p.energy_per_flop_j * p.achieved_flops_per_s
        assert 0.98 * p.power_limit_w <= gemm_w <= p.power_limit_w


def test_round_trip(tmp_path: Path) -> None:
    p = _profile(gemv_bandwidth_fraction=0.61, source='quote " and back\\slash')
    out = write_profile(p, tmp_path / "h200.toml")
    assert read_profile(out) == p
    q = _profile()
    write_profile(q, tmp_path / "h200.toml", force=True)
    assert read_profile(tmp_path / "h200.toml") == q


@given(
    idle=st.floats(1.0, 999.0), tflops=st.floats(1e-3, 5e4), ebyte=st.floats(1e-6, 2000.0),
    eflop=st.floats(1e-9, 100.0), frac=st.floats(1e-6, 1.1),
)
def test_round_trip_is_exact_for_any_valid_float(idle: float, tflops: float, ebyte: float, eflop: float,
                                                 frac: float) -> None:
    p = _profile(idle_power_w=idle, power_limit_w=1000.0, achieved_tflops_bf16=tflops, energy_pj_per_byte=ebyte,
                 energy_pj_per_flop=eflop, achieved_flops_fraction=frac)
    import tomllib

    from aifootprint.calibrate.profile import profile_from_mapping

    assert profile_from_mapping(tomllib.loads(profile_to_toml(p))) == p


@pytest.mark.parametrize(("name", "low", "high", "unit"), FIELD_RANGES)
def test_out_of_range_field_is_named_with_its_range(name: str, low: float, high: float, unit: str) -> None:
    for bad in (low, high * 1.01 + 1, math.nan, math.inf, -1.0):
        with pytest.raises(InputError, match=rf"{name}.*accepted: a finite number > {low:g} and <= {high:g}"):
            _profile(**{name: bad})


def test_bad_text_fields() -> None:
    with pytest.raises(InputError, match=r"'date'.*YYYY-MM-DD"):
        _profile(date="26/11/2026")
    with pytest.raises(InputError, match=r"'accelerator'.*registry key"):
        _profile(accelerator="NVIDIA H200")
    with pytest.raises(InputError, match=r"'driver' must be a non-empty"):
        _profile(driver=" ")
    with pytest.raises(InputError, match=r"'source' must be one line"):
        _profile(source="a\nb")
    with pytest.raises(InputError, match=r"idle_power_w .* below power_limit_w"):
        _profile(idle_power_w=800.0)


def test_bad_files(tmp_path: Path) -> None:
    good = profile_to_toml(_profile())
    cases = {
        "missing": None,
        "notoml": "idle_power_w = = 3\n",
        "unknown": good + "static_power_w = 3.0\n",
        "absent": good.replace("energy_pj_per_byte = 64.89\n", ""),
        "unit": good.replace("idle_power_w = 120.11", "idle_power_w = 120110.0"),
        "text": good.replace("idle_power_w = 120.11", 'idle_power_w = "120"'),
    }
    expect = {
        "missing": "does not exist", "notoml": "not valid TOML", "unknown": "unknown field.*'static_power_w'",
        "absent": "missing field.*'energy_pj_per_byte'", "unit": "'idle_power_w' = 120110.0 is out of range",
        "text": "'idle_power_w' = '120' is out of range",
    }
    for name, text in cases.items():
        path = tmp_path / f"{name}.toml"
        if text is not None:
            path.write_text(text, encoding="utf-8")
        with pytest.raises(InputError, match=expect[name]) as err:
            read_profile(path)
        assert str(path) in str(err.value)


def test_toml_date_literal_and_integers_are_accepted(tmp_path: Path) -> None:
    text = profile_to_toml(_profile()).replace('date = "2026-11-26"', "date = 2026-11-26")
    text = text.replace("power_limit_w = 700.0", "power_limit_w = 700")
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    assert read_profile(path) == _profile()


def test_write_refuses_to_overwrite_or_clobber(tmp_path: Path) -> None:
    theirs = tmp_path / "theirs.toml"
    theirs.write_text("user data\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"refusing to overwrite.*--force"):
        write_profile(_profile(), theirs)
    assert theirs.read_text(encoding="utf-8") == "user data\n"
    link = tmp_path / "link.toml"
    link.symlink_to(theirs)
    with pytest.raises(InputError, match=r"not a regular file"):
        write_profile(_profile(), link, force=True)
    assert theirs.read_text(encoding="utf-8") == "user data\n"
    with pytest.raises(InputError, match=r"not a regular file"):
        write_profile(_profile(), tmp_path, force=True)
    if os.path.exists("/dev/null"):
        with pytest.raises(InputError, match=r"not a regular file"):
            write_profile(_profile(), "/dev/null", force=True)
    with pytest.raises(InputError, match=r"does not exist"):
        write_profile(_profile(), tmp_path / "no" / "such.toml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.toml", "theirs.toml"]  # no temporary file left


def _readings(**changes: object) -> MicrobenchReadings:
    base = MicrobenchReadings(
        device_name="NVIDIA H200", driver="1", date="2026-12-03", power_limit_w=700.0,
        idle=BenchWindow(4.0, 480.0), gemm=BenchWindow(5.0, 3400.0, flops=5.0 * 670e12),
        copy=BenchWindow(4.0, 1600.0, bytes_moved=4.0 * 4200e9), gemv=BenchWindow(2.0, 600.0, bytes_moved=2.0 * 3e12),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_derive_rejects_unloaded_benchmarks_and_bad_windows() -> None:
    from aifootprint.reference.hardware import get_accelerator

    h200 = get_accelerator("h200")
    p = derive_profile(_readings(), h200, source="t")
    assert p.gemv_bandwidth_fraction == pytest.approx(3000 / 4800)
    with pytest.raises(InputError, match=r"'matmul_bf16' drew 96.0 W, not more than idle"):
        derive_profile(_readings(gemm=BenchWindow(5.0, 480.0, flops=1e15)), h200, source="t")
    with pytest.raises(InputError, match=r"'hbm_copy': bytes_moved must be > 0"):
        derive_profile(_readings(copy=BenchWindow(4.0, 1600.0)), h200, source="t")
    with pytest.raises(InputError, match=r"'idle': duration_s = 0.0"):
        derive_profile(_readings(idle=BenchWindow(0.0, 1.0)), h200, source="t")
    with pytest.raises(InputError, match=r"no datasheet bf16 throughput"):
        derive_profile(_readings(), get_accelerator("a10g"), source="t")


def test_resolve_accelerator_from_device_names() -> None:
    """NVML names ("NVIDIA H100 80GB HBM3", "NVIDIA H200") and the CSV's names resolve to registry keys."""
    names = {"NVIDIA H100 80GB HBM3": "h100", "NVIDIA H200": "h200", "NVIDIA H200 SXM 141GB": "h200",
             "NVIDIA H100 SXM5 80GB (HBM3)": "h100", "NVIDIA A100-SXM4-80GB": "a100-80gb"}
    assert {n: resolve_accelerator(n).key for n in names} == names
    with pytest.raises(InputError, match=r"--accelerator KEY"):
        resolve_accelerator("Quantum Gizmo 9000")


@needs_microbench
def test_committed_reference_profiles_match_the_csv() -> None:
    """benchmarks/results/calibration/{h100,h200}.toml are `aifootprint calibrate --from-csv microbench.csv` output;
    they must stay what the current derivation gives (regenerate with the command in docs/calibrate.md)."""
    folder = Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "calibration"
    for key, derived in _derived().items():
        committed = read_profile(folder / f"{key}.toml")
        assert replace(committed, source=derived.source) == derived
        assert committed.source.startswith("aifootprint GPU micro-benchmarks, 2026-11-26")


@dataclass(frozen=True)
class Sheet:
    key: str
    bf16_dense_tflops: float | None
    bandwidth_gb_per_s: float | None


@given(
    idle_w=st.floats(20.0, 300.0), gemm_extra_w=st.floats(1.0, 900.0), copy_extra_w=st.floats(1.0, 600.0),
    tflops=st.floats(10.0, 2000.0), gb_per_s=st.floats(500.0, 8000.0), scale=st.floats(0.1, 10.0),
)
def test_derivation_invariants(idle_w: float, gemm_extra_w: float, copy_extra_w: float, tflops: float,
                               gb_per_s: float, scale: float) -> None:
    """For any readings: the derived model returns the measured GEMM and copy powers, and the profile does not depend
    on how long each window lasted (only on powers and rates)."""
    def readings(k: float) -> MicrobenchReadings:
        return MicrobenchReadings(
            device_name="x", driver="1", date="2026-12-03", power_limit_w=2000.0,
            idle=BenchWindow(4.0 * k, idle_w * 4.0 * k),
            gemm=BenchWindow(5.0 * k, (idle_w + gemm_extra_w) * 5.0 * k, flops=tflops * 1e12 * 5.0 * k),
            copy=BenchWindow(3.0 * k, (idle_w + copy_extra_w) * 3.0 * k, bytes_moved=gb_per_s * 1e9 * 3.0 * k),
        )

    b200 = Sheet("b200", 2250.0, 8000.0)  # registry b200: 2,250 TFLOP/s dense bf16, 8,000 GB/s
    p = derive_profile(readings(1.0), b200, source="t")
    assert p.energy_per_flop_j * p.achieved_flops_per_s == pytest.approx(gemm_extra_w, rel=1e-9)
    assert p.energy_per_byte_j * p.achieved_bytes_per_s == pytest.approx(copy_extra_w, rel=1e-9)
    q = derive_profile(readings(scale), b200, source="t")
    for name in ("idle_power_w", "energy_pj_per_flop", "energy_pj_per_byte", "achieved_tflops_bf16"):
        assert getattr(q, name) == pytest.approx(getattr(p, name), rel=1e-9)


def test_assumptions_cite_the_profile() -> None:
    items = {a.name: a for a in _profile(gemv_bandwidth_fraction=0.6).assumptions()}
    assert len(items) == len(FIELD_RANGES)
    assert items["calibration_energy_pj_per_byte"].value == 64.89
    assert items["calibration_energy_pj_per_byte"].unit == "pJ/byte"
    assert items["calibration_idle_power_w"].source.startswith("calibration profile h200 (NVIDIA H200 SXM 141GB, ")
    assert "calibration_gemv_bandwidth_fraction" not in {a.name for a in _profile().assumptions()}
