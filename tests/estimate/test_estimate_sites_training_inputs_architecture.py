"""Review 2026-11-26 fixes: one site in compare-models, provider notes, training inputs, lifecycle training side,
uncertain embodied carbon, billions flags, host-power fallback, architecture validation."""

from __future__ import annotations

import json
from typing import Any

import pytest

from aifootprint.cli.main import main
from aifootprint.errors import InputError
from aifootprint.estimate import boundary as bd
from aifootprint.estimate.arch import PRECISIONS, Architecture
from aifootprint.estimate.compare import compare_models
from aifootprint.estimate.inference import RequestConfig, RequestEstimator, estimate_request
from aifootprint.estimate.lifecycle import Deployment, estimate_lifecycle
from aifootprint.estimate.training import TrainingSpec, estimate_training
from aifootprint.notice import Notice


def _text(warnings: list[object]) -> list[str]:
    """Warning messages of a JSON result (structured Notices are dicts with a message)."""
    return [str(w["message"]) if isinstance(w, dict) else str(w) for w in warnings]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _by_name(assumptions: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {a["name"]: a for a in assumptions}


def test_compare_models_puts_every_model_at_one_site() -> None:
    """Without --location, gpt-4o-mini (OpenAI's US zone, PUE 1.2 when estimated alone) and llama-3.1-8b are both at
    the world average with the industry PUE: same carbon per Wh, same PUE assumption, the site's warnings shown."""
    res = compare_models(["gpt-4o-mini", "llama-3.1-8b"], 500, 300, RequestConfig())
    d = res.to_dict()
    rows = d["models"]
    ratios = [r["carbon_g"]["best"] / r["energy_wh"]["best"] for r in rows]
    assert ratios[0] == pytest.approx(ratios[1], rel=1e-6)
    pues = {_by_name(r["assumptions"])["pue"]["value"] for r in rows}
    assert len(pues) == 1 and "api_providers" not in _by_name(rows[0]["assumptions"])["pue"]["source"]
    assert d["inputs"]["location"] is not None
    assert any(w.startswith("grid_intensity") and "no location given" in w for w in _text(d["warnings"]))
    assert any(w.startswith("pue") for w in _text(d["warnings"]))
    assert any(w.startswith("gpt-4o-mini: estimated: parameter count") for w in _text(d["warnings"]))
    alone = estimate_request("gpt-4o-mini", 500, 300).to_dict()
    assert alone["inputs"]["zone"] != d["inputs"]["zone"] or alone["carbon_g"]["best"] != rows[0]["carbon_g"]["best"]


def test_compare_models_dedupes_repeated_names() -> None:
    res = compare_models(["llama-3.1-8b", "llama-3.1-8b"], 500, 300, RequestConfig())
    assert [r["model"] for r in res.values["models"]] == ["llama-3.1-8b"]
    assert any("compared once" in str(w) for w in res.warnings)


def test_provider_defaults_are_warned_and_named() -> None:
    """A closed model alone: the provider's zone, PUE and WUE are used, each reported in warnings, operator set."""
    d = estimate_request("gpt-4o", 500, 300).to_dict()
    ws = " | ".join(_text(d["warnings"]))
    assert "openai: provider PUE assumed" in ws and "openai: provider on-site WUE assumed" in ws
    assert "no location given: openai's data-centre zone" in ws
    assert d["inputs"]["operator"] == "openai" and d["inputs"]["provider"] == "openai"


def test_embodied_carbon_is_uncertain_with_cited_lifetime() -> None:
    """Embodied carbon ÷ lifetime triangular 3/5/6 years (LLMC default 5 y): low < best < high, sources shown."""
    est = RequestEstimator("llama-3.1-8b")
    d = est.result(500, 300).to_dict()
    e = d["embodied_carbon_g"]
    kg = 164 + (bd.server_share().embodied_carbon_kg or 0.0)
    per_year_g = kg * 1000 * est.estimate(500, 300).accelerator_time_s / (365.25 * 86400)
    assert per_year_g / 6 < e["low"] < e["best"] < e["high"] < per_year_g / 3
    assert e["best"] == pytest.approx(per_year_g / 5, rel=0.1)
    a = _by_name(d["assumptions"])
    assert "LLMC" in a["hardware_lifetime_years"]["source"]
    assert a["embodied_carbon_kg_per_accelerator"]["value"] == pytest.approx(164)
    t = estimate_training(TrainingSpec(hardware="h100", accelerator_hours=1e6)).to_dict()
    assert t["embodied_carbon_kg"]["low"] < t["embodied_carbon_kg"]["best"] < t["embodied_carbon_kg"]["high"]
    assert "hardware_lifetime_years" in _by_name(t["assumptions"])


def test_training_run_given_two_ways_is_rejected() -> None:
    with pytest.raises(InputError, match="one way"):
        TrainingSpec(accelerator_hours=100, accelerators=8, duration_days=3)
    with pytest.raises(InputError, match="one way"):
        TrainingSpec(accelerator_hours=100, params_b=8, tokens_b=15_000)


def test_training_model_flags(capsys: pytest.CaptureFixture[str]) -> None:
    """--model uses the published run (power labelled with its training_runs source); run flags conflict (exit 2);
    --power-w overrides the power and is labelled user input."""
    code, out, _ = run(capsys, "estimate", "training", "--model", "llama-3.1-8b", "--json")
    assert code == 0
    d = json.loads(out)
    p = _by_name(d["assumptions"])["power_w_per_accelerator"]
    assert p["value"] == 700 and p["source"].startswith("training_runs: llama-3.1-8b")
    assert d["inputs"]["model"] == "llama-3.1-8b"
    for extra in (["--gpu-hours", "100"], ["--mfu", "0.3"], ["--params", "8", "--tokens", "15000"]):
        code, _, err = run(capsys, "estimate", "training", "--model", "llama-3.1-8b", *extra)
        assert code == 2 and "published training run" in err
    code, out, _ = run(capsys, "estimate", "training", "--model", "llama-3.1-8b", "--power-w", "500", "--json")
    p = _by_name(json.loads(out)["assumptions"])["power_w_per_accelerator"]
    assert code == 0 and (p["value"], p["source"]) == (500, "user input")
    code, _, err = run(capsys, "estimate", "training", "--gpu-hours", "100", "--accelerators", "8", "--days", "3")
    assert code == 2 and "one way" in err


def test_billions_flags_reject_counts(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "estimate", "training", "--params", "8", "--tokens", "15e12")
    assert code == 2 and "billions" in err and "15000" in err
    code, _, err = run(capsys, "estimate", "lifecycle", "--model", "llama-3.1-8b", "--requests-per-day", "10",
                       "--input-tokens", "10", "--output-tokens", "10", "--training-params", "8",
                       "--training-tokens", "15e12")
    assert code == 2 and "--training-tokens is in billions" in err


def test_lifecycle_keeps_the_training_side(capsys: pytest.CaptureFixture[str]) -> None:
    """Training assumptions/warnings prefixed "training:", training inputs reported, carbon = training + inference
    (each at its own site)."""
    spec = TrainingSpec(hardware="h100", params_b=8, tokens_b=15_000)
    res = estimate_lifecycle("gpt-4o-mini", Deployment(1e5, 500, 300, days=30), spec).to_dict()
    names = [a["name"] for a in res["assumptions"]]
    assert {"training: mfu", "training: average_power_fraction", "training: method"} <= set(names)
    assert any(w.startswith("training: ") for w in _text(res["warnings"]))
    assert res["inputs"]["training_params_b"] == 8 and res["inputs"]["training_tokens_b"] == 15_000
    tr = estimate_training(spec).to_dict()
    req = estimate_request("gpt-4o-mini", 500, 300).to_dict()
    want = tr["carbon_kg"]["best"] + req["carbon_g"]["best"] * res["requests_total"] / 1000
    assert res["carbon_kg"]["best"] == pytest.approx(want, rel=0.05)
    code, _, err = run(capsys, "estimate", "lifecycle", "--model", "llama-3.1-8b", "--requests-per-day", "10",
                       "--input-tokens", "10", "--output-tokens", "10", "--training-hardware", "b200")
    assert code == 2 and "--training-hardware needs the run" in err


def test_host_power_fallback_is_flagged(monkeypatch: pytest.MonkeyPatch) -> None:
    """A server row without host power: 150 W per accelerator (ECO-METHOD fallback), flagged in warnings."""
    from aifootprint.reference import hardware

    real = hardware.get_server

    def no_host(name: str, registry: Any = None) -> Any:
        from dataclasses import replace

        return replace(real(name, registry), host_power_w=None)

    monkeypatch.setattr(hardware, "get_server", no_host)
    share = bd.server_share()
    assert share.estimated and share.host_power_w == bd.HOST_POWER_W_PER_ACCELERATOR
    assert share.source == bd.HOST_POWER_FALLBACK_SOURCE
    res = RequestEstimator("llama-3.1-8b").result(500, 300)
    fallback = [w for w in res.warnings if isinstance(w, Notice) and w.code == "estimated-fallback"
                and w.subject == "host_power_w_per_accelerator"]
    assert len(fallback) == 1 and "estimated fallback 150 W" in str(fallback[0])


def test_architecture_rejects_impossible_shapes() -> None:
    with pytest.raises(InputError, match="kv_heads"):
        Architecture("x", 7.0, heads=7, kv_heads=3)
    with pytest.raises(InputError, match="active_experts"):
        Architecture("x", 7.0, experts=2, active_experts=8)
    with pytest.raises(InputError, match="hardware"):
        RequestConfig(hardware=" ")
    with pytest.raises(TypeError):
        PRECISIONS["fp4"] = (0.5, 0.5, "bf16")  # type: ignore[index]
    b = bd.split("server", 1.0, 2.0, 0.5, 1.2)
    assert (b.prefill_wh, b.decode_wh, b.host_wh, b.total_wh) == (1.0, 2.0, 0.5, 3.5)
