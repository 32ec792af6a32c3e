"""A longer request never comes out cheaper because the automatic sizing spread it wider.

The sizing took the smallest power of two that holds the configured batch, up to 64 accelerators, and lowered the
batch only when even 64 did not hold it. Past the KV heads a wider group frees only the weights' share of each
accelerator's memory (each holds whole KV heads' caches), so a context just short of that limit ran on 64
accelerators and one just past it on 8 at half the batch: Claude 3 Haiku on H200 at the default batch 64 cost 9.4 Wh
with 32,000 + 300 tokens and 2.4 Wh with 32,000 + 600; on MI300X at batch 100, 8,000 + 16,000 tokens cost 10.0 Wh,
12,000 + 16,000 tokens 40.6 Wh and 16,001 + 16,000 tokens 9.2 Wh. Now a count wider than the KV heads (and than
one sequence needs) is kept only when no narrower group, with the largest lower batch it holds, costs less per
request (:func:`aifootprint.estimate.sizing.cheaper_batch`), noticed as batch-limited; the batch API decides the same.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from aifootprint.estimate.batch import estimate_arrays
from aifootprint.estimate.inference import RequestConfig, RequestEstimator
from aifootprint.estimate.sizing import CheaperBatch, cheaper_batch


def test_more_output_never_costs_less_at_the_default_batch() -> None:
    est = RequestEstimator("claude-3-haiku", RequestConfig(hardware="h200", engine="cuda-graph"))
    short, longer = est.estimate(32_000, 300), est.estimate(32_000, 600)
    assert short.energy_wh <= longer.energy_wh
    assert short.accelerators == longer.accelerators == 8
    res = est.result(32_000, 300)
    notice = res.warnings[0]
    assert notice.code == "batch-limited" and "costs less per request" in notice.message
    assert res.values["energy_wh"].best == pytest.approx(short.energy_wh, rel=1e-12)
    batch = next(a for a in res.assumptions if a.name == "batch")
    assert batch.value == 32 and batch.source.startswith("lowered from 64: the KV cache did not fit, or only on")


def test_more_input_never_costs_less_on_a_wide_group() -> None:
    est = RequestEstimator("claude-3-haiku", RequestConfig(hardware="mi300x", engine="cuda-graph", batch=100))
    energies = [est.estimate(i, 16_000).energy_wh for i in (8_000, 12_000, 16_001, 24_000)]
    assert energies == sorted(energies)


@pytest.mark.parametrize(("model", "hardware", "batch"), [
    ("claude-3-haiku", "h200", 64), ("gpt-4o", "h100", 64), ("llama-3.1-8b", "a100-80gb", 1024),
    ("qwen3-coder-30b-a3b", "v100", 256), ("llama-3.1-70b", "h100", 64),
])
def test_energy_grows_with_the_prompt_and_the_answer(model: str, hardware: str, batch: int) -> None:
    est = RequestEstimator(model, RequestConfig(hardware=hardware, batch=batch))
    window = min(est.model.context_length or 131_072, 131_072)
    inputs = [int(x) for x in np.geomspace(100, window - 4_200, 40)]
    for out in (300, 4_000):
        energies = [est.estimate(i, out).energy_wh for i in inputs]
        assert all(a <= b * (1 + 1e-12) for a, b in pairwise(energies)), (out, energies)
    for i in (1_000, 30_000):
        energies = [est.estimate(i, o).energy_wh for o in (100, 200, 400, 800, 1_600, 3_200)]
        assert energies == sorted(energies), (i, energies)


def test_a_wide_count_is_kept_when_it_is_the_cheaper() -> None:
    """Weights-bound: 16 H100 hold gpt-4o at batch 64 where 8 hold only 32; at a short context the wide group wins."""
    est = RequestEstimator("gpt-4o", RequestConfig(hardware="h100"))
    assert est.estimate(3_800, 200).accelerators == 16  # kept: the lower batch on 8 costs more here
    lower = cheaper_batch(est.costs, est.cal, est.device, est.engine, 64, 16, 3_800.0, 200.0, est._host_w)
    assert lower is None
    lowered = cheaper_batch(est.costs, est.cal, est.device, est.engine, 64, 16, 3_900.0, 36.0, est._host_w)
    assert isinstance(lowered, CheaperBatch) and (lowered.batch, lowered.narrow) == (32, 8)
    assert est.estimate(3_900, 36).accelerators == 8


@pytest.mark.parametrize("boundary", ["accelerator", "datacenter"])
def test_the_batch_api_decides_as_the_scalar_path(boundary: str) -> None:
    est = RequestEstimator("gpt-4o", RequestConfig(hardware="h100", boundary=boundary))
    rng = np.random.default_rng(3)
    i = rng.integers(0, 8_000, 400).astype(np.float64)
    o = rng.integers(1, 800, 400).astype(np.float64)
    arr = estimate_arrays(est, i, o)
    points = [est.estimate(float(a), float(b)) for a, b in zip(i, o, strict=True)]
    assert arr["energy_wh"] == pytest.approx([p.energy_wh for p in points], rel=1e-9)
    assert list(arr["accelerators"]) == [p.accelerators for p in points]
    counts = set(arr["accelerators"])
    assert counts == {8.0, 16.0}  # some rows kept wide, some served narrower at a lower batch


@pytest.mark.parametrize("boundary", ["accelerator", "datacenter"])
def test_rows_served_at_a_lower_batch_keep_their_place_in_any_layout(boundary: str) -> None:
    """The rows a lower batch serves are written back in place (estimate_arrays): on a transposed (Fortran-order)
    2-D input each cell is the scalar path's value for its own request, exactly, idle and overhead each their own."""
    est = RequestEstimator("gpt-4o", RequestConfig(hardware="h100", boundary=boundary))
    rng = np.random.default_rng(4)
    i = rng.integers(0, 8_000, (40, 12)).astype(np.float64).T
    o = rng.integers(1, 800, (12, 40)).astype(np.float64)
    arr = estimate_arrays(est, i, o)
    assert arr["energy_wh"].shape == (12, 40) and set(arr["accelerators"].ravel()) == {8.0, 16.0}
    for (r, c), a in np.ndenumerate(i):
        p = est.estimate(float(a), float(o[r, c]))
        got = tuple(float(arr[k][r, c]) for k in ("energy_wh", "idle_wh", "overhead_wh", "accelerators"))
        assert got == pytest.approx((p.energy_wh, p.idle_wh, p.overhead_wh, p.accelerators), rel=1e-12)
