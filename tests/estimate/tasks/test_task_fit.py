"""The denoising-constant fit recovers known constants from synthetic measurements; shipped constants are sane."""

from __future__ import annotations

from dataclasses import replace

import pytest

from aifootprint.estimate.calibration import load_calibration
from aifootprint.estimate.tasks.fit import GPU_KEYS, Measured, Predictor, fit_params
from aifootprint.reference.registry import default_registry


def _rows() -> list[Measured]:
    out = []
    for model, task, h, w, frames, steps in (("flux.1-dev", "image", 1024, 1024, None, 50),
                                             ("pixart-sigma", "image", 1024, 1024, None, 20),
                                             ("wan2.1-t2v-1.3b", "video", 480, 832, 81, 50)):
        for gpus in (1, 2, 4):
            for batch in (1, 4):
                out.append(Measured(model, task, "h100", gpus, batch, steps, h, w, frames, 1.0, 1.0))
    return out


def test_fit_recovers_synthetic_constants() -> None:
    cals = {g: load_calibration(g) for g in GPU_KEYS.values()}
    truth = (0.2, 1.2, 134.9)  # below the power cap (at 1.2 pJ the cap binds above 0.27 of peak on H100)
    pred = Predictor(_rows(), cals)
    e, t = pred.predict_both({g: truth for g in GPU_KEYS.values()})
    rows = [replace(m, energy_j=float(ei), batch_time_s=float(ti)) for m, ei, ti in zip(pred.rows, e, t, strict=True)]
    phi, eflop, bw = fit_params(Predictor(rows, cals), "h100")
    assert phi == pytest.approx(truth[0], abs=0.011)
    assert eflop == pytest.approx(truth[1], abs=0.051)
    assert bw == pytest.approx(truth[2], rel=0.17)  # one grid step


def test_shipped_constants_within_physical_bounds() -> None:
    table = default_registry().table("task_calibration")
    for key in ("h100", "b200"):
        row = table.get(key)
        assert 0.05 < float(row["compute_fraction"]) < 0.8  # below the power-capped GEMM fraction
        assert 0.0 < float(row["band_low_factor"]) < 1.0 < float(row["band_high_factor"])
        assert float(row["fit_median_abs_error_fraction"]) < 0.25
