"""Second user test 2026-11-26 (findings 3, 5, 6, 7, 10, 11, 12): one published-run computation for training and
lifecycle, every training_runs row usable by ``estimate training --model``, --precision checked, EP25's stated
assumptions independent of the request, compact human output."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from aifootprint.cli.main import main
from aifootprint.estimate.inference import RequestConfig, RequestEstimator
from aifootprint.estimate.lifecycle import Deployment, estimate_lifecycle
from aifootprint.estimate.training_runs import NoPublishedRun, training_result_for
from aifootprint.result import warning_messages


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def _by_name(assumptions: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {a["name"]: a for a in assumptions}


@pytest.mark.parametrize(("model", "hours"), [("llama-3.1-70b", 7.0e6), ("llama-3.1-8b", 1.46e6)])
def test_lifecycle_training_side_is_estimate_training(capsys: pytest.CaptureFixture[str], model: str,
                                                      hours: float) -> None:
    """Finding 3: the lifecycle's training energy is exactly ``estimate training --model X`` (Meta card:
    GPU-hours × 700 W TDP × PUE 1.08 = 5,292 MWh for 70B, 1,104 MWh for 8B; LLAMA31-CARD, META fleet PUE), and the
    lifecycle's own training assumptions (hours, power, PUE) reproduce that number; no 150 W host share."""
    tr = _json(capsys, "estimate", "training", "--model", model)
    lc = _json(capsys, "estimate", "lifecycle", "--model", model, "--requests-per-day", "1e6", "--input-tokens",
               "500", "--output-tokens", "300")
    assert lc["training_energy_kwh"]["best"] == pytest.approx(tr["energy_kwh"]["best"], rel=1e-12)
    a = _by_name(lc["assumptions"])
    rebuilt = hours * a["training: power_w_per_accelerator"]["value"] * a["training: pue"]["value"]
    assert lc["inputs"]["training_accelerator_hours"] == hours
    assert lc["training_energy_kwh"]["best"] == pytest.approx(rebuilt / 1000.0, rel=1e-9)
    assert a["training: power_w_per_accelerator"]["value"] == 700


@pytest.mark.parametrize(("model", "mwh"), [("t5-11b", 85.7), ("gshard-600b", 24.1), ("switch-transformer", 179),
                                            ("switch-transformer-1.5t", 179), ("gpt-3", 1287)])
def test_every_published_run_is_usable(capsys: pytest.CaptureFixture[str], model: str, mwh: float) -> None:
    """Finding 6: runs given as accelerators × days (PA21 via LLMCarbon) work by key or model name; within 5 % of
    the published energy (Patterson et al. 2021, Table 4)."""
    d = _json(capsys, "estimate", "training", "--model", model)
    assert d["energy_mwh"]["best"] == pytest.approx(mwh, rel=0.05)


@pytest.mark.parametrize(("model", "mwh", "t", "missing"), [("meena", 232, 96, "hardware"),
                                                            ("opt-175b", 324, 75, "accelerator-hours")])
def test_published_figures_only(capsys: pytest.CaptureFixture[str], model: str, mwh: float, t: float,
                                missing: str) -> None:
    """Finding 6: Meena (PA21: 232 MWh, 96 t) and OPT-175B (OPT paper via BL22: 324 MWh, 75 t) have no run in the
    registry: the published figures are reported as such, with a note saying what is not published; overrides
    that cannot apply exit 2."""
    d = _json(capsys, "estimate", "training", "--model", model)
    assert (d["energy_mwh"]["best"], d["carbon_t"]["best"]) == (mwh, t)
    assert d["water_l"] is None and d["published"]["energy_mwh"] == mwh
    assert any("published figures only" in w and f"{missing}" in w for w in warning_messages(d))
    code, _, err = run(capsys, "estimate", "training", "--model", model, "--location", "FR")
    assert code == 2 and "cannot be applied" in err


def test_training_and_use_figure_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """Finding 6: Mistral Large 2's 20,400 t (MI25) is a life-cycle analysis of training plus 18 months of use."""
    for name in ("mistral-large-2", "mistral-large-2-lca"):
        code, _, err = run(capsys, "estimate", "training", "--model", name)
        assert code == 2 and "not training alone" in err and "cannot be split" in err


def test_no_run_errors_name_the_right_flags(capsys: pytest.CaptureFixture[str]) -> None:
    """Finding 6: ``estimate training`` names its own flags, ``estimate lifecycle`` its --training-* flags; close
    matches for typos (t5 → t5-11b, gpt3 → gpt-3), none for a known model without a run (gpt-4o)."""
    code, _, err = run(capsys, "estimate", "training", "--model", "gpt-4o")
    assert code == 2 and "--gpu-hours and --hardware, or --params and --tokens" in err and "--training-" not in err
    assert "did you mean" not in err
    code, _, err = run(capsys, "estimate", "lifecycle", "--model", "gpt-4o", "--requests-per-day", "10",
                       "--input-tokens", "10", "--output-tokens", "10")
    assert code == 2 and "--training-gpu-hours" in err and "no published training run for gpt-4o" in err
    for typo, match in (("t5", "t5-11b"), ("gpt3", "gpt-3")):
        code, _, err = run(capsys, "estimate", "training", "--model", typo)
        assert code == 2 and f"did you mean: {match}" in err
    with pytest.raises(NoPublishedRun) as exc:
        training_result_for("gpt-4o")
    assert exc.value.reason == "no published training run for gpt-4o" and exc.value.model == "gpt-4o"


def test_precision_has_an_effect_or_is_rejected(capsys: pytest.CaptureFixture[str]) -> None:
    """Finding 7: fp8 halves the H100 hours of the FLOPs path (1,979 vs 989 dense TFLOP/s, NVIDIA datasheet via
    accelerators.csv); int4, or any precision where it has no effect (accelerator-hours, --model) exits 2; the help
    lists what is accepted."""
    args = ("estimate", "training", "--params", "8", "--tokens", "1000")
    bf16 = _json(capsys, *args)["accelerator_hours"]
    fp8 = _json(capsys, *args, "--precision", "fp8")["accelerator_hours"]
    assert fp8 == pytest.approx(bf16 * 989 / 1979, rel=0.01)
    for bad in ((*args, "--precision", "int4"), ("estimate", "training", "--gpu-hours", "1000", "--precision", "bf16"),
                ("estimate", "training", "--model", "gpt-3", "--precision", "fp8"),
                (*args, "--hardware", "a100-80gb", "--precision", "fp8")):
        code, _, err = run(capsys, *bad)
        assert code == 2 and err.strip(), bad
    code, out, _ = run(capsys, "estimate", "training", "--help")
    assert code == 0 and "bf16, fp8" in re.sub(r"\s+", " ", out)


def _under_ep25(res: Any) -> str:
    found = [str(w)[str(w).index("Under EP25"):] for w in res.warnings if "Under EP25" in str(w)]
    assert found, res.warnings
    return found[0]


def test_ep25_stated_assumptions_ignore_the_request() -> None:
    """Finding 5: "under EP25's stated assumptions" (400B / 100B active, H100, 500 output tokens, 10 % utilisation;
    Epoch AI 2025) is the same sentence and value for two different requests and sites."""
    a = RequestEstimator("gpt-4o", RequestConfig()).result(100, 500)
    b = RequestEstimator("gpt-4o", RequestConfig(location="US", batch=8)).result(500, 300)
    assert _under_ep25(a) == _under_ep25(b)
    assert "0 input / 500 output tokens" in _under_ep25(a)


def test_human_outputs_are_compact(capsys: pytest.CaptureFixture[str]) -> None:
    """Findings 10, 11, 12: the request view shows the published figures in one cell and explains median vs
    breakdown; the lifecycle view shows a few series points; compare-models says why closed models differ from
    ``estimate request``. The JSON keeps the full blocks."""
    code, out, _ = run(capsys, "estimate", "request", "--model", "gpt-4o", "--input-tokens", "100",
                       "--output-tokens", "500")
    assert code == 0 and "description=" not in out and "within_range" not in out
    assert "details in --json" in out and "breakdown_wh its parts (they add" in out
    d = _json(capsys, "estimate", "request", "--model", "gpt-4o", "--input-tokens", "100", "--output-tokens", "500")
    assert isinstance(d["published_figures"], list) and "description" in d["published_figures"][0]
    code, out, _ = run(capsys, "estimate", "lifecycle", "--model", "llama-3.1-8b", "--requests-per-day", "1e6",
                       "--input-tokens", "500", "--output-tokens", "300")
    assert code == 0 and "cumulative_inference_kwh" not in out and "full series in --json" in out
    code, out, _ = run(capsys, "compare-models", "--input-tokens", "100", "--output-tokens", "100", "--models",
                       "llama-3.1-8b,gpt-4o")
    assert code == 0 and "provider's own data-centre defaults" in re.sub(r"\s+", " ", out)


def test_lifecycle_library_keeps_the_training_site() -> None:
    """Finding 3: an inference location does not move the published training run (it ran at Meta's site)."""
    base = estimate_lifecycle("llama-3.1-8b", Deployment(1e6, 500, 300, days=30)).values
    fr = estimate_lifecycle("llama-3.1-8b", Deployment(1e6, 500, 300, days=30), config=RequestConfig(location="FR"))
    assert fr.values["training_energy_kwh"].best == base["training_energy_kwh"].best
