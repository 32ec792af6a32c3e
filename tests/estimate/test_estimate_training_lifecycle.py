"""Training runs reproduced with each publisher's method; life-cycle arithmetic and invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.errors import InputError
from aifootprint.estimate.lifecycle import Deployment, break_even_day, cumulative_kwh, estimate_lifecycle
from aifootprint.estimate.training import TrainingSpec, estimate_training, estimate_training_point, training_flops


def mwh(spec: TrainingSpec) -> float:
    return estimate_training_point(spec).it_energy_kwh / 1000.0


def test_gpt3_patterson_method() -> None:
    """GPT-3: 10,000 V100 × 14.8 days × 330 W measured average × PUE 1.1 = 1,287 MWh (Patterson et al. 2021,
    arXiv:2104.10350, as reproduced in LLMCarbon's database.csv). Tolerance 0.5 %."""
    spec = TrainingSpec(hardware="v100", accelerators=10_000, duration_days=14.8, power_w_per_accelerator=330,
                        boundary="accelerator")
    assert mwh(spec) * 1.1 == pytest.approx(1287, rel=0.005)


def test_gpt3_flops_path_recovers_the_duration() -> None:
    """GPT-3: 3.14e23 FLOPs (Brown et al. 2020, arXiv:2005.14165, Table D.1) at 24.6 TFLOP/s per V100 (Patterson et
    al. 2021) on 10,000 GPUs = 14.8 days (published). Tolerance 1 %."""
    p = estimate_training_point(TrainingSpec(hardware="v100", flops=3.14e23, mfu=24.6 / 125.0,
                                             power_w_per_accelerator=330, boundary="accelerator"))
    assert p.accelerator_hours / 10_000 / 24 == pytest.approx(14.8, rel=0.01)


def test_bloom_dynamic_energy_and_carbon() -> None:
    """BLOOM: 1,082,990 A100-hours × 400 W = 433,196 kWh; × 57 gCO2e/kWh (French grid) = 24.7 tCO2e (Luccioni et al.
    2022, arXiv:2211.02001). Tolerance 0.5 %."""
    res = estimate_training(TrainingSpec(hardware="a100-80gb", accelerator_hours=1_082_990, power_w_per_accelerator=400,
                                         boundary="accelerator", location="FR")).to_dict()
    assert res["energy_mwh"]["best"] == pytest.approx(433.196, rel=0.005)
    assert res["energy_kwh"]["best"] * 57 / 1e6 == pytest.approx(24.7, rel=0.005)


@pytest.mark.parametrize(("hours", "power_w", "t_co2"), [
    (184_320, 400, 31.22), (368_640, 400, 62.44), (1_720_320, 400, 291.42),  # Llama 2 7B / 13B / 70B
    (1_300_000, 700, 390), (6_400_000, 700, 1900),  # Llama 3 8B / 70B
    (1_460_000, 700, 420), (7_000_000, 700, 2040), (30_840_000, 700, 8930),  # Llama 3.1 8B / 70B / 405B
])
def test_llama_cards_share_one_grid_factor(hours: float, power_w: float, t_co2: float) -> None:
    """Meta model cards (LLAMA): tCO2e = GPU-hours × TDP × (PUE × location-based intensity). One factor, 0.42
    kgCO2e per GPU-kWh, reproduces every Llama 2, 3 and 3.1 row within 3 % (implied factors 0.411–0.429): the cards'
    method, recomputed."""
    spec = TrainingSpec(hardware="h100", accelerator_hours=hours, power_w_per_accelerator=power_w,
                        boundary="accelerator")
    kwh = estimate_training_point(spec).it_energy_kwh
    assert kwh * 0.42 / 1000 == pytest.approx(t_co2, rel=0.03)


def test_training_uncertainty_spans_average_power() -> None:
    """Without a measured average power the energy is TDP × triangular(0.7, 1.0, 1.0) (EP25 low, LLAMA/BL22 mode):
    p5 / p50 / p95 = 0.7 + 0.3 √0.05 / √0.5 / √0.95 of 700 W × 1 M h."""
    res = estimate_training(TrainingSpec(hardware="h100", accelerator_hours=1e6, boundary="accelerator")).to_dict()
    e = res["energy_kwh"]
    assert e["low"] == pytest.approx(700_000 * (0.7 + 0.3 * math.sqrt(0.05)), rel=0.01)
    assert e["best"] == pytest.approx(700_000 * (0.7 + 0.3 * math.sqrt(0.5)), rel=0.01)
    assert e["high"] == pytest.approx(700_000 * (0.7 + 0.3 * math.sqrt(0.95)), rel=0.01)
    a = {x["name"]: x for x in res["assumptions"]}
    assert a["power_w_per_accelerator"]["value"] == 700
    assert a["average_power_fraction"]["value"].startswith("0.91")


def test_training_input_errors() -> None:
    with pytest.raises(InputError, match="accelerator-hours"):
        estimate_training_point(TrainingSpec(hardware="h100"))
    with pytest.raises(InputError, match="positive"):
        TrainingSpec(accelerator_hours=-5)
    with pytest.raises(InputError, match="mfu"):
        TrainingSpec(mfu=1.5)


@settings(max_examples=50, deadline=None)
@given(params=st.floats(0.1, 2000), tokens=st.floats(1, 30_000))
def test_six_n_d(params: float, tokens: float) -> None:
    """Training FLOPs = 6 × N × D (Kaplan et al. 2020); hours scale as 1 / MFU."""
    assert training_flops(params, tokens) == pytest.approx(6 * params * tokens * 1e18, rel=1e-12)
    a = estimate_training_point(TrainingSpec(params_b=params, tokens_b=tokens, mfu=0.2)).accelerator_hours
    b = estimate_training_point(TrainingSpec(params_b=params, tokens_b=tokens, mfu=0.4)).accelerator_hours
    assert a == pytest.approx(2 * b, rel=1e-12)


def test_break_even_day_constant_traffic() -> None:
    """1,000 kWh of training; 1,000 requests/day × 10 Wh = 10 kWh/day → 100 days elapsed reach 1,000 kWh; 1,005 kWh
    is reached half-way through the next day (100.5, the report's training ÷ per-day figure)."""
    dep = Deployment(1000, 100, 100, days=365)
    cum = cumulative_kwh(dep, 10.0)
    assert cum[-1] == pytest.approx(3650.0)
    assert break_even_day(1000.0, cum) == pytest.approx(100.0)
    assert break_even_day(1005.0, cum) == pytest.approx(100.5)
    assert break_even_day(1e9, cum) is None


@settings(max_examples=40, deadline=None)
@given(r0=st.floats(1, 1e7), g=st.floats(-0.9, 9.5), days=st.integers(1, 2000))  # g + 0.5 ≤ 10: the range
def test_growth_compounds_annually(r0: float, g: float, days: int) -> None:
    """requests(d) = R₀ (1 + g)^(d/365): day 365 carries exactly (1+g) × day 0; totals grow with g."""
    dep = Deployment(r0, 10, 10, days=days, growth_per_year=g)
    req = dep.requests()
    if days > 365:
        assert req[365] == pytest.approx(r0 * (1 + g), rel=1e-9)
    more = Deployment(r0, 10, 10, days=days, growth_per_year=g + 0.5).requests().sum()
    assert more >= req.sum() * (1 - 1e-12)
    assert np.all(np.diff(cumulative_kwh(dep, 1.0)) > 0)


def test_lifecycle_result_uses_the_registry_training_run() -> None:
    """Llama 3.1 8B: 1.46 M H100-hours (model card) → training energy; inference at 1 M requests/day."""
    res = estimate_lifecycle("llama-3.1-8b", Deployment(1e6, 500, 300, days=365)).to_dict()
    t = res["training_energy_kwh"]["best"]
    assert t >= 1.46e6 * 0.7  # GPU-hours × 700 W at least, before host and PUE
    assert res["series"]["day_index"][0] == 0 and res["series"]["day_index"][-1] == 365
    assert res["inputs"]["duration_days"] == 365 and "days" not in res["inputs"]
    assert math.isclose(res["total_energy_kwh"]["best"], t + res["inference_energy_kwh"]["best"], rel_tol=0.02)
    with pytest.raises(InputError, match="no published training run"):
        estimate_lifecycle("qwen3-8b", Deployment(1e6, 500, 300))
    with pytest.raises(InputError, match="days"):
        Deployment(1, 1, 1, days=0)


def test_series_starts_at_training_only() -> None:
    """Day 0 of the series is before any inference (training only); day t carries t days of requests; the
    break-even equals training ÷ inference per day with constant traffic (as the HTML report computes it)."""
    res = estimate_lifecycle("llama-3.1-70b", Deployment(195e6, 1000, 500, days=3650)).to_dict()
    s = res["series"]
    t_kwh = res["training_energy_kwh"]["best"]
    per_day = res["request_energy_wh"]["best"] * 195e6 / 1000
    assert s["cumulative_inference_kwh"][0] == 0 and s["cumulative_total_kwh"][0] == pytest.approx(t_kwh)
    i = s["day_index"].index(30)
    assert s["cumulative_inference_kwh"][i] == pytest.approx(30 * per_day, rel=1e-9)
    assert res["break_even_day"] == pytest.approx(t_kwh / per_day, rel=1e-9)
