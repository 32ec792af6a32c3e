"""The straight-line power model (``physics.Device.linear_power``): a GPU-bound engine on a user's ``calibrate``
profile draws the profile's idle power plus its own energies per FLOP and per byte, cut at the power limit, with no
serving floor (docs/validation_h200.md §5, the rule fixed before its test data: the compiled decode on an H200 at a
median |error| of 8.5 %, against 13.9 % with the vLLM serving floor kept). Everything else keeps the soft cap."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.calibrate.profile import read_profile
from aifootprint.estimate.inference import RequestConfig, RequestEstimator
from aifootprint.estimate.physics import Device, dynamic_energy, group_constants, group_step, llm_step_traffic

RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "gpu"
PROFILE = RESULTS / "calibration_h200_20261204T1128Z.toml"


def _est(engine: str, profile: bool = True) -> RequestEstimator:
    cfg = RequestConfig(hardware="h200", engine=engine, batch=1, accelerators=1, boundary="accelerator",
                        calibration=str(PROFILE) if profile else None)
    return RequestEstimator("llama-3.1-8b", cfg)


def test_a_gpu_bound_engine_on_a_profile_draws_the_profiles_line_from_idle() -> None:
    """An 8B decode step at batch 1 on the H200 profile (121 W idle, 119.5 pJ/B, 0.847 pJ/FLOP): its energy over its
    modelled time is idle + e_byte x bytes/s + e_flop x FLOP/s to 1e-9. Was: the soft cap above 278 W of vLLM
    serving floor (at the measured step time it gave 541 W for a step measured at 396 W, docs/validation_h200.md
    §1)."""
    prof = read_profile(PROFILE)
    est = _est("cuda-graph")
    assert est.device.linear_power is True and est.cal.base_power_w == pytest.approx(prof.idle_power_w)
    flops, moved, cache = llm_step_traffic(est._physics_costs, 1.0, 1.0, 0.0, 576.0, 0.0)
    g = group_constants(est.device, 1.0)
    t, e = group_step(float(flops), float(moved), 1.0, g, 0.0, 0.0, True, False, float(cache))
    line_w = (prof.idle_power_w + prof.energy_pj_per_byte * 1e-12 * float(moved) / t
              + prof.energy_pj_per_flop * 1e-12 * float(flops) / t)
    assert e / t == pytest.approx(line_w, rel=1e-9) and line_w < prof.power_limit_w


@pytest.mark.parametrize("engine, profile", [("vllm", True), ("cuda-graph", False), ("vllm", False)])
def test_everything_else_keeps_the_soft_cap(engine: str, profile: bool) -> None:
    """vLLM (its floor is what the serving fit measured) and any engine without a profile (the shipped energies are
    fitted above a floor) keep the soft cap."""
    est = _est(engine, profile)
    assert est.device.linear_power is False
    model = {a.name: a.value for a in est.result(500, 300).assumptions}["power_model"]
    assert model == "soft cap below the power limit"


def test_the_result_names_its_power_model_and_its_source() -> None:
    a = {x.name: x for x in _est("cuda-graph").result(500, 300).assumptions}["power_model"]
    assert a.value == "straight line from idle, cut at the power limit" and "validation_h200.md" in a.source


def test_the_line_is_cut_at_the_power_limit() -> None:
    """A compute-bound prefill: the line's power would pass the limit at the modelled rate only if e_flop x C did; it
    is cut at n x P_limit x t exactly when the dynamic energy exceeds the headroom."""
    dev = Device(1e15, 4e12, 121.0, 700.0, 1e-12, 1e-10, linear_power=True)
    g = group_constants(dev, 2.0)
    t, e = group_step(1e15, 0.0, 0.0, g, 0.0, 0.0, True)  # dyn 1000 J over t = 0.5 s: headroom 2 x 579 x 0.5 = 579 J
    assert t == pytest.approx(0.5) and e == pytest.approx(2 * 700.0 * 0.5)


@settings(max_examples=200, deadline=None)
@given(dyn=st.floats(0.0, 1e6), head=st.floats(1e-6, 1e6), linear=st.booleans())
def test_scalar_and_array_paths_agree(dyn: float, head: float, linear: bool) -> None:
    """``dynamic_energy`` on floats, on arrays with a bool flag and with an array of 0/1 flags (the batch API's
    stacked devices) gives one value; the line never exceeds the soft cap's own bound, the headroom, nor ``dyn``."""
    one = float(dynamic_energy(dyn, head, linear))
    arr = float(np.asarray(dynamic_energy(np.array([dyn]), np.array([head]), linear))[0])
    flags = float(np.asarray(dynamic_energy(np.array([dyn]), np.array([head]), np.array([float(linear)])))[0])
    assert math.isclose(one, arr, rel_tol=1e-12, abs_tol=1e-12) and math.isclose(one, flags, rel_tol=1e-12,
                                                                               abs_tol=1e-12)
    assert one <= min(dyn, head) * (1 + 1e-12) + 1e-12
    if linear:
        assert one == min(dyn, head)
