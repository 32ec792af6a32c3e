"""``estimate training --model X``: the published run with the publisher's own method, shown beside the published
figures (user test 2026-11-26, finding 4)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from aifootprint.cli.main import main
from aifootprint.estimate.lifecycle import training_spec_for
from aifootprint.estimate.training import estimate_training
from aifootprint.result import warning_messages


def _train(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code = main(["estimate", "training", *args, "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)  # type: ignore[no-any-return]


def _by_name(d: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["name"]: a for a in d["assumptions"]}


def test_gpt3_reproduces_patterson(capsys: pytest.CaptureFixture[str]) -> None:
    """GPT-3: 10,000 V100 × 14.8 days × 330 W × PUE 1.1 = 1,287 MWh; × 429 gCO2e/kWh = 552 tCO2e (Patterson et al.
    2021, arXiv:2104.10350, Table 4, as reproduced in LLMCarbon's database.csv). Tolerance 1 %. The published
    figures are shown beside the estimate with the relative difference; mfu and precision (FLOPs path only) are not
    shown for an accelerator-hours run."""
    d = _train(capsys, "--model", "gpt-3")
    assert d["energy_mwh"]["best"] == pytest.approx(1287, rel=0.01)
    assert d["carbon_t"]["best"] == pytest.approx(552.1, rel=0.01)
    assert d["published"]["energy_mwh"] == 1287 and d["published"]["carbon_t"] == pytest.approx(552.1)
    assert "PA21" in d["published"]["source"]
    assert abs(d["difference_from_published"]["energy_fraction"]) < 0.01
    a = _by_name(d)
    assert a["pue"]["value"] == pytest.approx(1.1) and "PA21" in a["pue"]["source"]
    assert a["grid_intensity"]["value"] == pytest.approx(429) and "PA21" in a["grid_intensity"]["source"]
    assert "mfu" not in d["inputs"] and "precision" not in d["inputs"] and "mfu" not in a


def test_llama_405b_reproduces_the_card(capsys: pytest.CaptureFixture[str]) -> None:
    """Llama 3.1 405B: 30.84 M H100-hours × 700 W TDP "adjusted for PUE" → 8,930 tCO2e location-based (Meta model
    card, LLAMA31-CARD). The card states neither PUE nor intensity: Meta's fleet PUE (META-DCD23) and the
    intensity implied by the card's totals are used and flagged. Tolerance 3 %."""
    d = _train(capsys, "--model", "llama-3.1-405b")
    assert d["carbon_t"]["best"] == pytest.approx(8930, rel=0.03)
    assert d["energy_mwh"]["best"] == pytest.approx(30.84e6 * 0.7 * 1.08 / 1000, rel=0.01)
    assert d["published"]["carbon_t"] == 8930 and d["published"]["carbon_t_market"] == 0
    a = _by_name(d)
    assert "LLAMA31-CARD" in a["grid_intensity"]["source"] and "META" in a["pue"]["source"]
    assert any("implied by its own totals" in w for w in warning_messages(d))
    assert any("adjusted for PUE" in w for w in warning_messages(d))


def test_location_recomputes_the_published_run(capsys: pytest.CaptureFixture[str]) -> None:
    """--location FR: the same energy at France's grid (OWID), and the result says so."""
    base = _train(capsys, "--model", "llama-3.1-405b")
    fr = _train(capsys, "--model", "llama-3.1-405b", "--location", "FR")
    assert fr["energy_mwh"]["best"] == pytest.approx(base["energy_mwh"]["best"], rel=1e-9)
    assert fr["inputs"]["location"] == "FR"
    assert _by_name(fr)["grid_intensity"]["value"] == pytest.approx(56.04, rel=0.01)
    assert fr["carbon_t"]["best"] < 0.2 * base["carbon_t"]["best"]
    assert any("recomputed at FR's grid intensity" in w for w in warning_messages(fr))


def test_overrides_replace_the_publisher_factors(capsys: pytest.CaptureFixture[str]) -> None:
    """--pue and --power-w replace the publisher's factors (labelled user input); --boundary datacenter uses this
    project's boundary (host share added) with the publisher's PUE."""
    d = _train(capsys, "--model", "gpt-3", "--pue", "1.5", "--power-w", "300")
    a = _by_name(d)
    assert (a["pue"]["value"], a["pue"]["source"]) == (1.5, "user input")
    assert d["energy_mwh"]["best"] == pytest.approx(10_000 * 14.8 * 24 * 0.3 * 1.5 / 1000, rel=1e-6)
    dc = _train(capsys, "--model", "gpt-3", "--boundary", "datacenter")
    assert dc["energy_mwh"]["best"] > 1287 * 1.05 and _by_name(dc)["pue"]["value"] == pytest.approx(1.1)


def test_bloom_publisher_applied_no_pue() -> None:
    """BLOOM: 1,082,990 A100-hours × 400 W = 433.2 MWh, no PUE, × 57 gCO2e/kWh = 24.7 t (Luccioni et al. 2022,
    arXiv:2211.02001). Tolerance 0.5 %."""
    d = estimate_training(training_spec_for("bloom-176b")).to_dict()
    assert d["energy_mwh"]["best"] == pytest.approx(433.196, rel=0.005)
    assert d["carbon_t"]["best"] == pytest.approx(24.7, rel=0.005)
    assert _by_name(d)["pue"]["value"] == 1.0


@pytest.mark.parametrize(("model", "mwh", "t"), [("t5-11b", 85.7, 46.7), ("gopher-280b", 1066, 352)])
def test_runs_on_unlisted_accelerators(model: str, mwh: float, t: float) -> None:
    """T5 (Patterson et al. 2021: 512 TPU v3 × 20 d × 310 W × PUE 1.12 × 545 g/kWh) and Gopher (Luccioni et al. 2022,
    Table 4: 3,768,320 chip-hours × 283 W) run on TPU v3, not in accelerators.csv: the publisher's power is used and
    the embodied carbon omitted (flagged). Tolerance 1 %."""
    d = estimate_training(training_spec_for(model)).to_dict()
    assert d["energy_mwh"]["best"] == pytest.approx(mwh, rel=0.01)
    assert d["carbon_t"]["best"] == pytest.approx(t, rel=0.01)
    assert d["embodied_carbon_kg"] is None and any("embodied carbon of tpu-v3" in w for w in warning_messages(d))
