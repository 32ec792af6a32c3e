"""Closed models: the parameter assumption shown and propagated (finding 17); published per-request figures beside
the estimate, with a warning when the 5–95 % range misses them (findings 1 and 2)."""

from __future__ import annotations

from typing import Any

import pytest

from aifootprint.estimate.inference import RequestEstimator, estimate_request
from aifootprint.estimate.published_requests import batch_for_utilisation, matching_figures


def _text(warnings: list[object]) -> list[str]:
    """Warning messages of a JSON result (structured Notices are dicts with a message)."""
    return [str(w["message"]) if isinstance(w, dict) else str(w) for w in warnings]


def _by_name(d: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["name"]: a for a in d["assumptions"]}


def test_closed_model_parameter_assumption_is_shown() -> None:
    """gpt-4o: 100B active (EP25; 44–132B, ECO-MODELS) and 440B total (400–440B) appear in the assumptions with their
    sources, with the energy multiplier the range gives; an open model shows its single published count."""
    d = estimate_request("gpt-4o", 100, 500).to_dict()
    a = _by_name(d)
    assert a["active_params_b"]["value"] == "100 (44–132)" and "ECO-MODELS" in a["active_params_b"]["source"]
    assert a["total_params_b"]["value"] == "440 (400–440)" and "EP25" in a["total_params_b"]["source"]
    assert "parameter_range_energy_factor" in a
    o = _by_name(estimate_request("llama-3.1-70b", 100, 500).to_dict())
    assert o["active_params_b"]["value"] == "70.55" and "parameter_range_energy_factor" not in o


@pytest.mark.parametrize("closed", ["gpt-4o", "gpt-4o-mini"])
def test_parameter_range_widens_the_uncertainty(closed: str) -> None:
    """The parameter range is propagated: a closed model's high/low ratio is wider than an open model's (same
    accelerator, so the same model-error spread)."""
    def ratio(model: str) -> float:
        e = estimate_request(model, 100, 500).to_dict()["energy_wh"]
        return float(e["high"] / e["low"])

    if closed == "gpt-4o":  # MoE decode at batch 64 reads nearly every expert: the active count barely matters
        assert ratio(closed) >= ratio("llama-3.1-70b")
    else:
        assert ratio(closed) > ratio("llama-3.1-70b") * 1.001


def test_published_figures_beside_gpt4o() -> None:
    """GPT-4o, 100 in / 500 out: Epoch AI's 0.3 Wh (EP25) and OpenAI's 0.34 Wh ChatGPT average (SA25) are listed;
    each outside the 5–95 % range gets a warning naming the drivers, and Epoch's gives this estimator's value under
    Epoch's stated assumptions; the 10k- and 100k-input figures are listed but not compared."""
    d = estimate_request("gpt-4o", 100, 500).to_dict()
    figs = {f["key"]: f for f in d["published_figures"]}
    assert figs["gpt-4o-epoch25"]["energy_wh"] == 0.3 and figs["gpt-4o-epoch25"]["source"] == "EP25"
    assert figs["gpt-4o-epoch25"]["comparable"] and not figs["gpt-4o-epoch25-10k-input"]["comparable"]
    e = d["energy_wh"]
    outside = [k for k, f in figs.items() if f["comparable"] and not e["low"] <= f["energy_wh"] <= e["high"]]
    warned = [w for w in _text(d["warnings"]) if w.startswith("published figure outside")]
    assert len(warned) == len(outside) >= 1
    epoch = next(w for w in warned if "Epoch" in w)
    assert "batch size" in epoch and "precision" in epoch and "boundary" in epoch
    assert "Under EP25's stated assumptions" in epoch


def test_long_input_figure_compared_at_its_input() -> None:
    """10k-token input: Epoch's 2.5 Wh figure is the comparable one; the typical-query figures are not."""
    d = estimate_request("gpt-4o", 10_000, 500).to_dict()
    figs = {f["key"]: f for f in d["published_figures"]}
    assert figs["gpt-4o-epoch25-10k-input"]["comparable"] and not figs["gpt-4o-epoch25"]["comparable"]


def test_gemini_models_get_the_gemini_apps_median() -> None:
    """Gemini models: Google's 0.24 Wh median Gemini Apps prompt (GO25, comprehensive boundary) is listed, the
    accelerator-only and component rows are not (different boundary / parts of the total)."""
    keys = {str(r["key"]) for r in matching_figures("gemini-2.5-flash", 2025, "datacenter")}
    assert keys == {"gemini-apps-median-2025"}
    assert {str(r["key"]) for r in matching_figures("gemini-2.5-flash", 2025, "accelerator")} == {
        "gemini-apps-median-2025-accelerator"}
    assert matching_figures("gpt-4o-mini", 2024, "datacenter") == []
    d = estimate_request("gemini-2.5-pro", 100, 300).to_dict()
    assert [f["energy_wh"] for f in d["published_figures"]] == [0.24]


def test_batch_for_utilisation_is_monotone_in_target() -> None:
    """The batch found for a higher FLOP utilisation target is never smaller."""
    est = RequestEstimator("llama-3.1-8b")
    low = batch_for_utilisation(est, 100, 500, 0.01)
    high = batch_for_utilisation(est, 100, 500, 0.03)
    assert low is not None and high is not None and high[0] >= low[0] and low[2] >= 0.01
