"""The vectorised batch API accepts pandas and Arrow tables and returns the same kind (optional extras)."""

from __future__ import annotations

import pytest

from aifootprint.estimate.batch import estimate_table


def test_arrow_table_round_trip() -> None:
    pa = pytest.importorskip("pyarrow")
    table = pa.table({"input_tokens": [10, 20, 4000], "output_tokens": [5, 6, 500]})
    out = estimate_table(table, model="llama-3.1-8b")
    assert isinstance(out, pa.Table)
    energy = out.column("energy_wh").to_pylist()
    # more tokens -> more energy, row by row
    assert energy[0] < energy[1] < energy[2]


def test_pandas_and_dict_agree() -> None:
    pd = pytest.importorskip("pandas")
    cols = {"input_tokens": [100, 1000], "output_tokens": [50, 700]}
    a = estimate_table(pd.DataFrame(cols), model="qwen3-14b")
    b = estimate_table(cols, model="qwen3-14b")
    assert list(a["energy_wh"]) == pytest.approx(list(b["energy_wh"]), rel=1e-12)


def test_table_carries_carbon_and_water_consistent_with_the_full_result() -> None:
    from aifootprint.estimate import RequestConfig, RequestEstimator

    cfg = RequestConfig(hardware="h100", location="FR", operator="google")
    out = estimate_table({"input_tokens": [800, 2000], "output_tokens": [300, 50]}, cfg, model="llama-3.1-8b")
    full = RequestEstimator("llama-3.1-8b", cfg).result(input_tokens=800, output_tokens=300).to_dict()
    # point values vs medians of the Monte Carlo (model-error spread is centred on 1): within 2 %
    assert out["carbon_g"][0] == pytest.approx(full["carbon_g"]["best"], rel=0.02)
    assert out["water_l"][0] == pytest.approx(full["water_l"]["best"], rel=0.02)
    # a cleaner grid gives less carbon for the same requests
    dirty = estimate_table({"input_tokens": [800], "output_tokens": [300]},
                           RequestConfig(hardware="h100", location="PL", operator="google"), model="llama-3.1-8b")
    assert dirty["carbon_g"][0] > out["carbon_g"][0]
