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
