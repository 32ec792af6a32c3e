"""GPU energy of a synthetic transformer (random weights, public model shapes): tracker vs the raw NVML counter.

Run on a machine with an NVIDIA GPU, PyTorch with CUDA and nvidia-ml-py:

    python benchmarks/gpu/transformer_energy.py --out benchmarks/results/gpu/h100_llama31_8b.json \
        --shape llama-3.1-8b --batch-sizes 1,8,32 --prompt-len 512 --decode-len 128

For each batch size it runs the prefill (a batch of prompts through the model, causal attention, KV cache
written), the decode in eager PyTorch (one token per sequence per step, KV cache read; host launch overhead
included, like an engine without CUDA graphs) and the same decode replayed as one captured CUDA graph per step
(``decode-graph``: static KV cache, masked attention, no per-step host work; the GPU-bound regime of the
estimator's ``cuda-graph`` engine profile), and, with ``--phases ...,decode-compiled``, the same static step
compiled by TorchInductor (``torch.compile``, fullgraph: norms, activations and the attention's glue fused into
fewer kernels, as gpt-fast compiles its decode) and captured as a CUDA graph: a second, tuned GPU-bound decode
(issue 8: the power structure of GPU-bound engines needs a second workload), each inside a tracker window. Around
the same window it reads ``nvmlDeviceGetTotalEnergyConsumption`` directly, so the tracker's figure can be checked
against the raw counter. Each window repeats its phase until it lasts ``--min-window-s`` (default 5 s, far above
the counter's update period). Writes the rows as JSON (``--out``) and CSV (same name, ``.csv``), with the GPU name,
driver, torch and CUDA versions, for the estimator's calibration.

Weights are random (``torch.randn`` scaled like a standard initialisation); the energy of a forward pass does not
depend on weight values to first order, only on shapes, batch, sequence length and precision. Shapes are the
public ``config.json`` values of the named models (URLs in :data:`SHAPES`).

PyTorch is imported lazily; without it or without CUDA the script exits with a clear message (exit code 2).
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Shape:
    """Decoder-only transformer shape (Llama-style: RMSNorm, GQA attention, SwiGLU MLP)."""

    hidden: int
    intermediate: int
    layers: int
    heads: int
    kv_heads: int
    vocab: int
    source: str


#: Public model shapes (config.json of each model on the Hugging Face Hub).
SHAPES = {
    "llama-3.1-8b": Shape(4096, 14336, 32, 32, 8, 128256,
                          "https://huggingface.co/meta-llama/Llama-3.1-8B/blob/main/config.json"),
    "llama-3.2-1b": Shape(2048, 8192, 16, 32, 8, 128256,
                          "https://huggingface.co/meta-llama/Llama-3.2-1B/blob/main/config.json"),
}


def need_torch() -> Any:
    """Import torch or exit with a clear message."""
    try:
        import torch
    except ImportError:
        print("transformer_energy: PyTorch is not installed; install torch with CUDA support to run this benchmark",
              file=sys.stderr)
        raise SystemExit(2) from None
    if not torch.cuda.is_available():
        print("transformer_energy: no CUDA GPU visible to PyTorch (torch.cuda.is_available() is False); "
              "run it on a machine with an NVIDIA GPU", file=sys.stderr)
        raise SystemExit(2)
    return torch


def build_model(torch: Any, shape: Shape, layers: int, device: str, dtype: Any) -> dict[str, Any]:
    """Random weights with the shape's dimensions (``layers`` may cut the depth to save time)."""
    head_dim = shape.hidden // shape.heads

    def w(*dims: int) -> Any:
        return torch.randn(*dims, device=device, dtype=dtype) * (dims[-1] ** -0.5)

    blocks = []
    for _ in range(layers):
        blocks.append({
            "q": w(shape.heads * head_dim, shape.hidden), "k": w(shape.kv_heads * head_dim, shape.hidden),
            "v": w(shape.kv_heads * head_dim, shape.hidden), "o": w(shape.hidden, shape.heads * head_dim),
            "gate": w(shape.intermediate, shape.hidden), "up": w(shape.intermediate, shape.hidden),
            "down": w(shape.hidden, shape.intermediate),
            "n1": torch.ones(shape.hidden, device=device, dtype=dtype),
            "n2": torch.ones(shape.hidden, device=device, dtype=dtype),
        })
    return {"embed": w(shape.vocab, shape.hidden), "blocks": blocks, "head": w(shape.vocab, shape.hidden),
            "norm": torch.ones(shape.hidden, device=device, dtype=dtype), "head_dim": head_dim}


def rms_norm(torch: Any, x: Any, weight: Any) -> Any:
    return x * torch.rsqrt(x.float().pow(2).mean(-1, keepdim=True) + 1e-5).to(x.dtype) * weight


def forward(torch: Any, model: dict[str, Any], shape: Shape, ids: Any, cache: list[Any], pos: int) -> Any:
    """One forward pass over ``ids`` [B, T] starting at position ``pos``; K/V written into ``cache``."""
    f = torch.nn.functional
    bsz, t = ids.shape
    hd = model["head_dim"]
    x = f.embedding(ids, model["embed"])
    for blk, (k_cache, v_cache) in zip(model["blocks"], cache, strict=True):
        h = rms_norm(torch, x, blk["n1"])
        q = (h @ blk["q"].T).view(bsz, t, shape.heads, hd).transpose(1, 2)
        k = (h @ blk["k"].T).view(bsz, t, shape.kv_heads, hd).transpose(1, 2)
        v = (h @ blk["v"].T).view(bsz, t, shape.kv_heads, hd).transpose(1, 2)
        k_cache[:, :, pos:pos + t] = k
        v_cache[:, :, pos:pos + t] = v
        keys, vals = k_cache[:, :, :pos + t], v_cache[:, :, :pos + t]
        try:  # grouped-query attention without copying K/V (torch >= 2.5)
            att = f.scaled_dot_product_attention(q, keys, vals, is_causal=(t > 1), enable_gqa=True)
        except TypeError:
            rep = shape.heads // shape.kv_heads
            att = f.scaled_dot_product_attention(q, keys.repeat_interleave(rep, dim=1),
                                                 vals.repeat_interleave(rep, dim=1), is_causal=(t > 1))
        x = x + att.transpose(1, 2).reshape(bsz, t, shape.heads * hd) @ blk["o"].T
        h = rms_norm(torch, x, blk["n2"])
        x = x + (f.silu(h @ blk["gate"].T) * (h @ blk["up"].T)) @ blk["down"].T
    return rms_norm(torch, x[:, -1:], model["norm"]) @ model["head"].T


def decode_step_static(torch: Any, model: dict[str, Any], shape: Shape, tok: Any, cache: list[Any], pos_t: Any,
                       arange_l: Any) -> Any:
    """One decode step at the position held in the device tensor ``pos_t`` (capturable in a CUDA graph).

    The K/V of the new token are written at ``pos_t``; attention runs over the whole static cache with the positions
    after ``pos_t`` masked out; grouped-query attention as plain attention with the query heads of each KV head
    stacked along the query-length axis (exactly the same arithmetic, no copy of K/V); ``pos_t`` advances by one.
    """
    f = torch.nn.functional
    bsz = tok.shape[0]
    hd = model["head_dim"]
    rep = shape.heads // shape.kv_heads
    x = f.embedding(tok, model["embed"])
    mask = (arange_l <= pos_t).view(1, 1, 1, -1)
    for blk, (k_cache, v_cache) in zip(model["blocks"], cache, strict=True):
        h = rms_norm(torch, x, blk["n1"])
        q = (h @ blk["q"].T).view(bsz, shape.kv_heads, rep, hd)
        k = (h @ blk["k"].T).view(bsz, 1, shape.kv_heads, hd).transpose(1, 2)
        v = (h @ blk["v"].T).view(bsz, 1, shape.kv_heads, hd).transpose(1, 2)
        k_cache.index_copy_(2, pos_t, k)
        v_cache.index_copy_(2, pos_t, v)
        att = f.scaled_dot_product_attention(q, k_cache, v_cache, attn_mask=mask)
        x = x + att.reshape(bsz, 1, shape.heads * hd) @ blk["o"].T
        h = rms_norm(torch, x, blk["n2"])
        x = x + (f.silu(h @ blk["gate"].T) * (h @ blk["up"].T)) @ blk["down"].T
    pos_t.add_(1)
    return rms_norm(torch, x, model["norm"]) @ model["head"].T


Step = Any  # (tok, cache, pos_t, arange_l) -> logits: the eager or the compiled static decode step


def eager_step(torch: Any, model: dict[str, Any], shape: Shape) -> Step:
    def step(tok: Any, cache: list[Any], pos_t: Any, arange_l: Any) -> Any:
        return decode_step_static(torch, model, shape, tok, cache, pos_t, arange_l)

    return step


def compiled_step(torch: Any, model: dict[str, Any], shape: Shape) -> Step:
    """The static decode step compiled by TorchInductor (one graph, no dynamic shapes: one compilation per batch
    size); the weights are constants of the graph, the cache and position are its (mutated) inputs."""
    return torch.compile(eager_step(torch, model, shape), fullgraph=True, dynamic=False)


def capture_decode(torch: Any, step: Step, shape: Shape, cache: list[Any], bsz: int, start: int,
                   total: int, device: str) -> tuple[Any, Any]:
    """Capture one static decode step (``step``: eager or compiled) as a CUDA graph; returns (graph, position tensor
    to reset before each run). The warm-up runs (and compiles) the step off the capture stream."""
    tok = torch.randint(0, shape.vocab, (bsz, 1), device=device)
    pos_t = torch.tensor([start], device=device, dtype=torch.long)
    arange_l = torch.arange(total, device=device)
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):  # warm-up off the capture stream, as torch.cuda.graphs asks
        for _ in range(3):
            step(tok, cache, pos_t, arange_l)
    torch.cuda.current_stream().wait_stream(side)
    torch.cuda.synchronize()
    pos_t.fill_(start)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        step(tok, cache, pos_t, arange_l)
    torch.cuda.synchronize()
    return graph, pos_t


def new_cache(torch: Any, shape: Shape, layers: int, bsz: int, length: int, hd: int, device: str, dtype: Any) -> Any:
    return [(torch.empty(bsz, shape.kv_heads, length, hd, device=device, dtype=dtype),
             torch.empty(bsz, shape.kv_heads, length, hd, device=device, dtype=dtype)) for _ in range(layers)]


def nvml_energy_j(index: int) -> float:
    import pynvml

    return float(pynvml.nvmlDeviceGetTotalEnergyConsumption(pynvml.nvmlDeviceGetHandleByIndex(index))) / 1000.0


def main() -> None:
    parser = argparse.ArgumentParser(description="Synthetic transformer energy: tracker vs raw NVML counter.")
    parser.add_argument("--out", type=Path, required=True, help="JSON output path (CSV written next to it).")
    parser.add_argument("--shape", choices=sorted(SHAPES), default="llama-3.1-8b")
    parser.add_argument("--layers", type=int, default=None, help="Cut the depth (default: the model's).")
    parser.add_argument("--batch-sizes", default="1,8,32")
    parser.add_argument("--prompt-len", type=int, default=512)
    parser.add_argument("--decode-len", type=int, default=128)
    parser.add_argument("--min-window-s", type=float, default=5.0)
    parser.add_argument("--gpu", type=int, default=0, help="CUDA/NVML device index.")
    parser.add_argument("--hz", type=float, default=10.0)
    parser.add_argument("--phases", default="prefill,decode,decode-graph",
                        help="comma-separated: prefill, decode, decode-graph, decode-compiled")
    parser.add_argument("--nvml-read-budget", type=float, default=None,
                        help="SensorConfig.nvml_read_budget (default: the sensor's; 0: counter at every tick)")
    args = parser.parse_args()

    torch = need_torch()
    import pynvml

    from aifootprint.measure.sensors.discovery import SensorConfig
    from aifootprint.measure.tracker import Tracker, TrackerConfig

    pynvml.nvmlInit()
    handle = pynvml.nvmlDeviceGetHandleByIndex(args.gpu)
    shape = SHAPES[args.shape]
    layers = args.layers or shape.layers
    device, dtype = f"cuda:{args.gpu}", torch.bfloat16
    torch.cuda.set_device(args.gpu)
    model = build_model(torch, shape, layers, device, dtype)
    hd = model["head_dim"]
    sensors = SensorConfig(gpus=(str(args.gpu),), nvml_read_budget=args.nvml_read_budget)
    rows: list[dict[str, Any]] = []
    tracker = Tracker(TrackerConfig(hz=args.hz, name=f"transformer-{args.shape}", store=False, sensors=sensors))
    tracker.start()
    compiled: Step | None = None
    with torch.inference_mode():
        for bsz in [int(b) for b in args.batch_sizes.split(",")]:
            total = args.prompt_len + args.decode_len
            cache = [(torch.zeros_like(k), torch.zeros_like(v))
                     for k, v in new_cache(torch, shape, layers, bsz, total, hd, device, dtype)]
            prompt = torch.randint(0, shape.vocab, (bsz, args.prompt_len), device=device)
            forward(torch, model, shape, prompt, cache, 0)  # warm-up; fills the prompt's K/V
            torch.cuda.synchronize()
            for phase in args.phases.split(","):
                name = f"{phase}-b{bsz}"
                try:
                    graph = pos_t = None
                    if phase in ("decode-graph", "decode-compiled"):
                        if phase == "decode-compiled" and compiled is None:
                            compiled = compiled_step(torch, model, shape)
                        step = compiled if phase == "decode-compiled" else eager_step(torch, model, shape)
                        c0 = time.perf_counter()
                        graph, pos_t = capture_decode(torch, step, shape, cache, bsz, args.prompt_len, total, device)
                        print(json.dumps({"phase": phase, "batch_size": bsz,
                                          "capture_s": round(time.perf_counter() - c0, 1)}), flush=True)
                    torch.cuda.synchronize()
                    tracker.begin_window(name)
                    e0, t0 = nvml_energy_j(args.gpu), time.perf_counter()
                    reps, tokens, steps = 0, 0, 0
                    while time.perf_counter() - t0 < args.min_window_s or reps == 0:
                        if phase == "prefill":
                            forward(torch, model, shape, prompt, cache, 0)
                            tokens += bsz * args.prompt_len
                            steps += 1
                        elif phase == "decode":
                            tok = torch.randint(0, shape.vocab, (bsz, 1), device=device)
                            for step in range(args.decode_len):
                                forward(torch, model, shape, tok, cache, args.prompt_len + step)
                            tokens += bsz * args.decode_len
                            steps += args.decode_len
                        else:
                            pos_t.fill_(args.prompt_len)
                            for _ in range(args.decode_len):
                                graph.replay()
                            tokens += bsz * args.decode_len
                            steps += args.decode_len
                        reps += 1
                        torch.cuda.synchronize()
                    e1, t1 = nvml_energy_j(args.gpu), time.perf_counter()
                    result = tracker.end_window(name)
                except Exception as exc:  # one phase failing must not lose the others' rows
                    print(json.dumps({"phase": phase, "batch_size": bsz, "error": repr(exc)}), flush=True)
                    continue
                finally:
                    del graph
                gpu_j = sum(d.energy_j for d in result.devices if d.component == "gpu")
                rows.append({
                    "shape": args.shape, "layers": layers, "phase": phase, "batch_size": bsz,
                    "prompt_len": args.prompt_len, "decode_len": args.decode_len, "repeats": reps, "tokens": tokens,
                    "steps": steps, "step_s": (t1 - t0) / steps,
                    "duration_s": t1 - t0, "nvml_energy_j": e1 - e0, "tracker_gpu_energy_j": gpu_j,
                    "tracker_over_nvml": gpu_j / (e1 - e0) if e1 > e0 else None,
                    "mean_power_w": (e1 - e0) / (t1 - t0), "j_per_token": (e1 - e0) / tokens,
                    "tracker_method": ";".join(d.method for d in result.devices if d.component == "gpu"),
                })
                print(json.dumps(rows[-1]), flush=True)
            del cache
            torch.cuda.empty_cache()
    tracker.stop()
    name = pynvml.nvmlDeviceGetName(handle)
    meta = {
        "gpu": name.decode() if isinstance(name, bytes) else str(name),
        "driver": str(pynvml.nvmlSystemGetDriverVersion()), "torch": torch.__version__, "cuda": torch.version.cuda,
        "python": platform.python_version(), "shape": asdict(shape), "date_utc": time.strftime("%Y-%m-%dT%H:%MZ"),
        "dtype": "bfloat16", "method": "GPU energy only (NVML counter); weights random; see the script's docstring",
        "nvml_read_budget": args.nvml_read_budget,
    }
    if not rows:
        print("transformer_energy: every phase failed (errors above); nothing written", file=sys.stderr)
        raise SystemExit(1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n", encoding="utf-8")
    with args.out.with_suffix(".csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {args.out} and {args.out.with_suffix('.csv')}")


if __name__ == "__main__":
    main()
