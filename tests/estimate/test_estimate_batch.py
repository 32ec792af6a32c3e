"""Vectorised API: same numbers as the per-request path, tables in and out, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.errors import InputError
from aifootprint.estimate.batch import COLUMNS, IMPACT_COLUMNS, estimate_arrays, estimate_many, estimate_table
from aifootprint.estimate.inference import RequestConfig, RequestEstimator


@settings(max_examples=25, deadline=None)
@given(
    tokens=st.lists(st.tuples(st.integers(0, 30_000), st.integers(1, 8_000)), min_size=1, max_size=20),
    model=st.sampled_from(["llama-3.1-8b", "qwen3-30b-a3b", "llama-3.1-70b", "gpt-4o"]),
    boundary=st.sampled_from(["accelerator", "server", "datacenter"]),
)
def test_arrays_equal_the_single_request_path(tokens: list[tuple[int, int]], model: str, boundary: str) -> None:
    """Every column of the vectorised result equals RequestEstimator.estimate for the same request (1e-9)."""
    est = RequestEstimator(model, RequestConfig(boundary=boundary))
    i = np.array([t[0] for t in tokens], dtype=float)
    o = np.array([t[1] for t in tokens], dtype=float)
    res = estimate_arrays(est, i, o)
    for k, (ii, oo) in enumerate(tokens):
        one = est.estimate(ii, oo)
        got = tuple(res[c][k] for c in COLUMNS[:8])
        want = (one.energy_wh, one.prefill_wh, one.decode_wh, one.host_wh, one.idle_wh, one.overhead_wh,
                one.latency_s, float(one.accelerators))
        assert got == pytest.approx(want, rel=1e-9)
        assert res["energy_wh_low"][k] < res["energy_wh"][k] < res["energy_wh_high"][k]


def test_vectorised_ranges_match_the_full_result() -> None:
    """energy_wh_low / _high of the batch API are the full result's 5–95 % range for the same request (an open
    model, so no parameter range): the precomputed band, not a different one."""
    est = RequestEstimator("llama-3.1-8b", RequestConfig(hardware="h200"))
    full = est.result(640, 256).values["energy_wh"]
    res = estimate_arrays(est, np.array([640.0]), np.array([256.0]))
    best = est.estimate(640, 256).energy_wh
    assert res["energy_wh_low"][0] / best == pytest.approx(full.low / full.best, rel=1e-9)
    assert res["energy_wh_high"][0] / best == pytest.approx(full.high / full.best, rel=1e-9)


def test_table_groups_rows_by_model_and_keeps_order() -> None:
    table = {"input_tokens": [100, 200, 300, 400], "output_tokens": [50, 50, 50, 50],
             "model": ["llama-3.1-8b", "llama-3.1-70b", "llama-3.1-8b", "llama-3.1-70b"]}
    out = estimate_table(table)
    small = estimate_many("llama-3.1-8b", [100, 300], [50, 50])
    big = estimate_many("llama-3.1-70b", [200, 400], [50, 50])
    assert out["energy_wh"][[0, 2]] == pytest.approx(small["energy_wh"], rel=1e-12)
    assert out["energy_wh"][[1, 3]] == pytest.approx(big["energy_wh"], rel=1e-12)
    assert list(out["model"]) == table["model"]


def test_table_config_columns_override_the_default() -> None:
    out = estimate_table({"input_tokens": [100, 100], "output_tokens": [50, 50], "batch": [1, 64],
                          "boundary": ["accelerator", "accelerator"]}, model="llama-3.1-8b")
    assert out["energy_wh"][0] > 3 * out["energy_wh"][1]  # batch 1 reads all weights for one sequence


def test_pandas_round_trip_when_installed() -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"input_tokens": [10, 20], "output_tokens": [5, 6]})
    out = estimate_table(df, model="llama-3.1-8b")
    expected = [*COLUMNS, *IMPACT_COLUMNS]
    assert isinstance(out, pd.DataFrame) and list(out.columns)[-len(expected):] == expected


def test_batch_input_errors() -> None:
    est = RequestEstimator("llama-3.1-8b")
    with pytest.raises(InputError, match="output ≥ 1"):
        estimate_arrays(est, [1, -2], [3, 4])
    with pytest.raises(InputError, match="column 'output_tokens'"):
        estimate_table({"input_tokens": [1]}, model="llama-3.1-8b")
    with pytest.raises(InputError, match="model"):
        estimate_table({"input_tokens": [1], "output_tokens": [1]})
    with pytest.raises(InputError, match="does not fit"):
        estimate_arrays(RequestEstimator("llama-3.1-70b", RequestConfig(accelerators=1)), [100], [100])
