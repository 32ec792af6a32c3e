"""A dedicated deployment (audit 2026-12-04): `estimate lifecycle` charged a deployment of one request a day its
requests' share only (0.05 kWh a year for llama-3.1-70b), while four provisioned H100s idling at ~115 W draw ~4 MWh a
year. ``Deployment(dedicated=True)`` charges the idle time and serves at the batch the traffic fills; the shared
default says what a dedicated deployment would add when the group is nearly idle."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.estimate.inference import RequestConfig, RequestEstimator
from aifootprint.estimate.lifecycle import DAY_S, Deployment, dedicated_batch, estimate_lifecycle
from aifootprint.estimate.training import TrainingSpec

#: A small stand-in training run so that the tests do not depend on a published run.
TRAIN = TrainingSpec(hardware="h100", accelerator_hours=1000.0)
ACC = RequestConfig(hardware="h100", boundary="accelerator")


def _codes(res: object) -> list[str]:
    return [getattr(w, "code", "") for w in res.warnings]  # type: ignore[attr-defined]


def test_one_request_a_day_on_a_dedicated_group_is_its_idle_power_all_year() -> None:
    """Worked example: at 1 request a day the group is busy ~0 % of the time, so a year costs the provisioned
    accelerators' idle power × 8,760 h (H100 idle 114.9 W, NVML with a CUDA context, micro-benchmarks 2026-11-26)."""
    dep = Deployment(1.0, 500.0, 256.0, days=365, dedicated=True)
    res = estimate_lifecycle("llama-3.1-70b", dep, TRAIN, ACC)
    n = res.values["request_energy_wh"] and RequestEstimator(
        "llama-3.1-70b", RequestConfig(hardware="h100", boundary="accelerator", batch=res.inputs["batch"])
    ).estimate(500, 256).accelerators
    assert res.inputs["batch"] == 1 and "batch-from-traffic" in _codes(res)
    assert res.values["idle_energy_kwh"] == pytest.approx(n * 114.9 * 8760 / 1000, rel=1e-3)
    assert res.values["utilisation"] < 1e-3
    shared = estimate_lifecycle("llama-3.1-70b", Deployment(1.0, 500.0, 256.0, days=365), TRAIN, ACC)
    assert shared.values["idle_energy_kwh"] == 0.0 and "low-utilisation" in _codes(shared)
    note = next(w for w in shared.warnings if getattr(w, "code", "") == "low-utilisation")
    assert f"{res.values['idle_energy_kwh']:,.3g}" in note.message


def test_a_busy_dedicated_deployment_adds_replicas_not_negative_idle() -> None:
    dep = Deployment(1e8, 500.0, 256.0, days=30, dedicated=True)
    res = estimate_lifecycle("llama-3.1-8b", dep, TRAIN, ACC)
    assert res.inputs["batch"] == 64 and 0.5 < res.values["utilisation"] <= 1.0
    assert res.values["idle_energy_kwh"] >= 0.0
    assert "low-utilisation" not in _codes(res)


@settings(max_examples=15, deadline=None)
@given(rate=st.floats(0.0, 1e7), days=st.integers(1, 400))
def test_dedicated_never_costs_less_than_shared_at_the_same_batch(rate: float, days: int) -> None:
    cfg = RequestConfig(hardware="h100", boundary="accelerator", batch=1)
    shared = estimate_lifecycle("llama-3.2-1b", Deployment(rate, 300.0, 100.0, days=days), TRAIN, cfg)
    dedicated = estimate_lifecycle("llama-3.2-1b", Deployment(rate, 300.0, 100.0, days=days, dedicated=True), TRAIN,
                                   cfg)
    assert dedicated.values["inference_energy_kwh"].best >= shared.values["inference_energy_kwh"].best * (1 - 1e-12)


def test_batch_from_traffic_is_littles_law() -> None:
    est = RequestEstimator("llama-3.1-8b", RequestConfig(hardware="h100", batch=64))
    latency = est.estimate(500, 256).latency_s
    # 20 concurrent requests on average: batch 32 (the next power of two)
    rate = 20.0 / latency * DAY_S
    assert dedicated_batch(est, Deployment(rate, 500.0, 256.0, dedicated=True)) == 32
    assert dedicated_batch(est, Deployment(1e12, 500.0, 256.0, dedicated=True)) == 64


def test_cli_dedicated_flag() -> None:
    done = subprocess.run([sys.executable, "-m", "aifootprint.cli.main", "estimate", "lifecycle", "--model",
                           "llama-3.1-8b", "--requests-per-day", "10", "--input-tokens", "500", "--output-tokens",
                           "200", "--training-gpu-hours", "1000", "--training-hardware", "h100", "--dedicated",
                           "--json"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    api = estimate_lifecycle("llama-3.1-8b", Deployment(10.0, 500.0, 200.0, dedicated=True), TRAIN,
                             RequestConfig(hardware="h100"))
    assert out["inputs"]["dedicated"] is True
    assert out["idle_energy_kwh"] == pytest.approx(api.values["idle_energy_kwh"], rel=1e-9)
