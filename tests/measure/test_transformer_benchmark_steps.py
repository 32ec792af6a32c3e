"""The GPU benchmark's decode steps compute what the eager model computes (benchmarks/gpu/transformer_energy.py).

Run on the CPU where PyTorch is installed (skipped otherwise: PyTorch is no dependency of the project): the static
decode step (the one captured as a CUDA graph) and its TorchInductor-compiled form give the same logits, K/V cache
and position as the eager step over four steps, on a tiny random model in float32."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "gpu" / "transformer_energy.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("transformer_energy", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["transformer_energy"] = module  # dataclasses resolve the module by name
    spec.loader.exec_module(module)
    return module


def _run(torch: Any, te: ModuleType, step: Any, shape: Any, bsz: int, start: int, total: int) -> tuple[Any, ...]:
    torch.manual_seed(1)
    hd = shape.hidden // shape.heads
    cache = [(torch.randn_like(k), torch.randn_like(v))
             for k, v in te.new_cache(torch, shape, shape.layers, bsz, total, hd, "cpu", torch.float32)]
    tok = torch.randint(0, shape.vocab, (bsz, 1))
    pos = torch.tensor([start])
    outs = [step(tok, cache, pos, torch.arange(total)) for _ in range(4)]
    return torch.stack(outs), cache, pos


@pytest.mark.filterwarnings("ignore")  # torch's own warnings (NumPy missing, inductor notices) are not ours
def test_compiled_static_decode_equals_the_eager_step() -> None:
    torch = pytest.importorskip("torch")
    te = _script()
    shape = te.Shape(256, 512, 2, 8, 2, 1000, "tiny test shape")
    torch.manual_seed(0)
    model = te.build_model(torch, shape, shape.layers, "cpu", torch.float32)
    with torch.inference_mode():
        eager = _run(torch, te, te.eager_step(torch, model, shape), shape, 3, 5, 12)
        compiled = _run(torch, te, te.compiled_step(torch, model, shape), shape, 3, 5, 12)
    assert float((compiled[0] - eager[0]).norm() / eager[0].norm()) < 1e-5
    for (k1, v1), (k2, v2) in zip(compiled[1], eager[1], strict=True):
        assert float((k1 - k2).norm() / k2.norm()) < 1e-5 and float((v1 - v2).norm() / v2.norm()) < 1e-5
    assert int(compiled[2]) == int(eager[2]) == 5 + 4
