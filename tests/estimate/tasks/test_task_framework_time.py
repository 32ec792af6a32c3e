"""The task estimators' host time: PyTorch eager's framework time per layer, overlapping the GPU work it launches.

Source: Fernandez et al., "The Framework Tax", EMNLP 2023 (arXiv:2302.06117), released measurements
(github.com/JaredFern/Framework-Tax, ``experiments/pretrained/2022_0919_pretrained-fp16``, commit a36b38d): BERT-base
and DistilBERT, fp16, 128 tokens, batch 1, PyTorch eager (``aifootprint.estimate.engines.EAGER_LAYER_OVERHEAD_S``).
"""

from __future__ import annotations

import statistics

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.estimate.calibration import load_calibration
from aifootprint.estimate.engines import EAGER_LAYER_OVERHEAD_S, task_layer_overhead_s
from aifootprint.estimate.tasks.engine import phase_time_energy, workload_cost
from aifootprint.estimate.tasks.flops import encoder_workload
from aifootprint.estimate.tasks.models import get_task_model

#: (BERT-base ms, DistilBERT ms) at batch 1 per GPU (the released CSVs above).
FRAMEWORK_TAX_MS = {"RTX 3090": (8.54, 3.92), "V100": (7.49, 3.68), "RTX 2080 Ti": (11.26, 5.46),
                    "Quadro RTX 8000": (11.61, 5.78)}


def test_eager_layer_time_is_the_published_per_layer_difference() -> None:
    """12-layer BERT minus 6-layer DistilBERT, ÷ 6 layers, median over the four GPUs: 0.87 ms per layer; the same on
    every GPU to within 0.35 ms (framework-bound: the host side sets the time, not the GPU)."""
    per_layer = [(b - d) / 6.0 for b, d in FRAMEWORK_TAX_MS.values()]
    assert pytest.approx(statistics.median(per_layer) * 1e-3, abs=0.005e-3) == EAGER_LAYER_OVERHEAD_S
    assert max(per_layer) - min(per_layer) < 0.35
    assert task_layer_overhead_s("vllm") == EAGER_LAYER_OVERHEAD_S
    assert task_layer_overhead_s("cuda-graph") == 0.0


def test_bert_at_batch_one_is_framework_bound() -> None:
    """BERT-base (12 layers) on one A100 at batch 1 over 128 tokens: the GPU's own work takes well under a
    millisecond, so the forward pass takes the framework's 12 × 0.87 = 10.4 ms (the paper measured 7.5–11.6 ms for
    BERT-base on four GPUs); under a CUDA-graph engine it takes the GPU time only."""
    cal = load_calibration("a100-80gb")
    w = encoder_workload(get_task_model("bert-base-uncased"), 128, 1)
    (eager,) = workload_cost(w, cal, 1, engine="vllm")
    (graph,) = workload_cost(w, cal, 1, engine="cuda-graph")
    assert graph.time_s < 1e-3
    assert eager.time_s == pytest.approx(12 * EAGER_LAYER_OVERHEAD_S, rel=1e-9)
    assert 7.49e-3 < eager.time_s < 11.61e-3
    assert eager.energy_j > graph.energy_j


@settings(max_examples=60, deadline=None)
@given(flops=st.floats(1e9, 1e16), bytes_moved=st.floats(1e6, 1e12), layers=st.integers(1, 80),
       n=st.sampled_from([1.0, 2.0, 8.0]), hw=st.sampled_from(["h100", "b200", "a100-80gb"]))
def test_host_time_overlaps_the_gpu_work(flops: float, bytes_moved: float, layers: int, n: float, hw: str) -> None:
    """A step takes the longer of the GPU's time and the framework's (kernel launches are asynchronous), never their
    sum; the energy never falls below the GPU-bound step's."""
    dev = load_calibration(hw).device("bf16")
    t_gpu, e_gpu = phase_time_energy(flops, bytes_moved, 0.0, float(layers), 1.0, n, dev, 0.0)
    t, e = phase_time_energy(flops, bytes_moved, 0.0, float(layers), 1.0, n, dev, EAGER_LAYER_OVERHEAD_S)
    assert t == pytest.approx(max(t_gpu, layers * EAGER_LAYER_OVERHEAD_S), rel=1e-12)
    assert e >= e_gpu * (1 - 1e-12)


@pytest.mark.parametrize(("engine", "expected_s"), [("vllm", EAGER_LAYER_OVERHEAD_S), ("cuda-graph", 0.0)])
def test_the_framework_time_is_an_assumption_of_the_result_with_its_source(engine: str, expected_s: float) -> None:
    """The term that sets a small encoder's cost is listed in the result with the registry source it comes from."""
    from aifootprint.estimate.tasks.estimator import TaskConfig, TaskEstimator, TaskSpec
    from aifootprint.reference.registry import default_registry

    r = TaskEstimator(TaskSpec("classification", "distilbert-sst2"), TaskConfig(engine=engine)).result()
    row = {a.name: a for a in r.assumptions}["framework_time_s_per_layer"]
    assert (row.value, row.unit) == (expected_s, "s")
    if expected_s:
        assert row.source.split()[0] == "FRAMEWORK-TAX"
        assert "Framework Tax" in default_registry().sources()["FRAMEWORK-TAX"].citation
