"""Task results give best carbon and water as the point energy on the site factors' best values, as request results
do (``request_result.point_impacts``: one rule for both): carbon = E × grid intensity; water on the IT energy
(E − PUE overhead) × (on-site WUE + PUE × off-site EWIF), Li et al. 2023 (arXiv:2304.03271)."""

from __future__ import annotations

import pytest

from aifootprint.estimate.tasks.estimator import TaskConfig, TaskEstimator, TaskSpec

SITES = [(None, None), ("US-WA", "microsoft-us"), ("IE", "aws"), ("DE", None), (None, "google")]


@pytest.mark.parametrize(("location", "operator"), SITES)
@pytest.mark.parametrize("boundary", ["datacenter", "server"])
def test_best_carbon_and_water_are_the_point_energy_on_the_best_factors(location: str | None, operator: str | None,
                                                                         boundary: str) -> None:
    res = TaskEstimator(TaskSpec("image", "flux.1-dev"),
                        TaskConfig(location=location, operator=operator, boundary=boundary)).result()
    factor = {a.name: float(a.value) for a in res.assumptions
              if a.name in ("grid_intensity", "pue", "wue_onsite", "ewif_offsite")}
    energy_wh = res.values["energy_wh"].best
    it_kwh = (energy_wh - res.values["breakdown_wh"]["overhead"]) / 1000.0
    pue = factor["pue"] if boundary == "datacenter" else 1.0
    assert res.values["energy_wh"].best == pytest.approx(sum(res.values["breakdown_wh"].values()), rel=1e-12)
    assert res.values["carbon_g"].best == pytest.approx(energy_wh / 1000.0 * factor["grid_intensity"], rel=1e-9)
    assert res.values["water_l"].best == pytest.approx(
        it_kwh * factor["wue_onsite"] + it_kwh * pue * factor["ewif_offsite"], rel=1e-9)
    assert res.values["carbon_g"].low <= res.values["carbon_g"].best <= res.values["carbon_g"].high
