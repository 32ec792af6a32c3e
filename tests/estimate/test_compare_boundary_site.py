"""Below the data-centre boundary the site a result lists is the one its figures use.

`compare-models --boundary server` (or accelerator) charged no facility overhead — its energy, carbon and water were
those of `estimate request` at that boundary, PUE 1 — but listed the assumption ``pue = 1.56`` with the warning "pue:
no operator given: industry-average PUE used", for a PUE it did not apply (the task comparison too). Now the listed
site has PUE 1 below the data-centre boundary, as `estimate request`'s, and the figures are unchanged. Every result
below that boundary (request, task, comparison) labelled that PUE of 1 "user input" though the user gave none; its
source now names the boundary.
"""

from __future__ import annotations

import pytest

from aifootprint.estimate.compare import compare_models
from aifootprint.estimate.config import RequestConfig
from aifootprint.estimate.inference import RequestEstimator
from aifootprint.estimate.tasks.compare import compare_task
from aifootprint.estimate.tasks.estimator import TaskConfig
from aifootprint.result import Result


def _pue(res: Result) -> float:
    return float(next(a.value for a in res.assumptions if a.name == "pue"))  # type: ignore[arg-type]


def _pue_warned(res: Result) -> bool:
    return any(getattr(w, "subject", "") == "pue" for w in res.warnings)


@pytest.mark.parametrize("boundary", ["accelerator", "server"])
def test_compare_models_lists_no_pue_below_the_datacenter(boundary: str) -> None:
    res = compare_models(["llama-3.1-8b"], 640, 256, RequestConfig(boundary=boundary))
    assert _pue(res) == 1.0 and not _pue_warned(res)
    row = res.values["models"][0]
    single = RequestEstimator("llama-3.1-8b", RequestConfig(boundary=boundary)).result(640, 256)
    assert row["energy_wh"].best == pytest.approx(single.values["energy_wh"].best, rel=1e-12)
    assert row["carbon_g"].best == pytest.approx(single.values["carbon_g"].best, rel=1e-12)


def test_compare_models_at_the_datacenter_keeps_the_industry_pue() -> None:
    res = compare_models(["llama-3.1-8b"], 640, 256, RequestConfig(boundary="datacenter"))
    assert _pue(res) > 1.0 and _pue_warned(res)


@pytest.mark.parametrize(("boundary", "applied"), [("server", False), ("datacenter", True)])
def test_task_comparison_lists_the_pue_it_applies(boundary: str, applied: bool) -> None:
    res = compare_task("embedding", ["bge-m3"], TaskConfig(boundary=boundary))
    assert (_pue(res) > 1.0) is applied and _pue_warned(res) is applied


@pytest.mark.parametrize("boundary", ["accelerator", "server"])
def test_the_pue_of_one_cites_the_boundary_not_the_user(boundary: str) -> None:
    results = [RequestEstimator("llama-3.1-8b", RequestConfig(boundary=boundary)).result(640, 256),
               compare_models(["llama-3.1-8b"], 640, 256, RequestConfig(boundary=boundary)),
               compare_task("embedding", ["bge-m3"], TaskConfig(boundary=boundary))]
    for res in results:
        pue = next(a for a in res.assumptions if a.name == "pue")
        assert pue.value == 1.0 and pue.source.startswith(f"{boundary} boundary: no facility overhead"), pue
