"""HBM copy power by buffer contents: the test of issue 8's open item on the copy micro-benchmark.

The 2026-11-26 H200 copy (``../shared/data/gpu-microbench/``, buffer contents not recorded) drew 397 W at 4.3 TB/s;
``aifootprint calibrate`` on 2026-12-04, copying normally distributed bf16 data, drew 635 W at the same rate
(docs/validation_h200.md §4). The hypothesis: HBM and on-chip data movement cost energy per bit *toggled*, so a
buffer of zeros (a freshly allocated tensor, zero-filled) draws far less than random data. If it holds, the shipped
H100 and H200 per-byte energies (fitted with the 2026-11-26 copies) under-state a copy of real data, and the H100
copy row's +15 % miss in docs/validation.md is against an under-read.

Method: for each fill, one ``y.copy_(x)`` loop of ``--bytes`` (default 4 GB bf16, as the micro-benchmark) for
``--seconds`` after a warm-up, energy from NVML's total-energy counter (``nvmlDeviceGetTotalEnergyConsumption``)
around ``torch.cuda.synchronize()``, idle measured first with the CUDA context open. Fills: ``zeros``, ``ones``
(constant, no toggling between words), ``normal`` (``normal_()``, as ``calibrate``), ``uniform_bits`` (random
16-bit patterns: every bit toggles with probability 1/2). Output: JSON with power, GB/s and W above idle per fill.

Run (needs an NVIDIA GPU, torch with CUDA, nvidia-ml-py): ``python benchmarks/gpu/copy_contents.py --out FILE``.
About 30 s. Not run on the development machine (no GPU there).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any


def _energy_j(nvml: Any, handle: Any) -> float:
    return float(nvml.nvmlDeviceGetTotalEnergyConsumption(handle)) / 1000.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gpu", type=int, default=0)
    parser.add_argument("--bytes", type=float, default=4e9, help="size of each buffer in bytes (default 4e9)")
    parser.add_argument("--seconds", type=float, default=5.0, help="timed copy loop per fill (default 5)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    import pynvml
    import torch

    pynvml.nvmlInit()
    handle = pynvml.nvmlDeviceGetHandleByIndex(args.gpu)
    device = torch.device(f"cuda:{args.gpu}")
    torch.zeros(1, device=device)  # the CUDA context is open for idle, as in calibrate
    torch.cuda.synchronize(device)
    time.sleep(1.0)
    e0, t0 = _energy_j(pynvml, handle), time.perf_counter()
    time.sleep(4.0)
    idle_w = (_energy_j(pynvml, handle) - e0) / (time.perf_counter() - t0)

    numel = int(args.bytes) // 2

    def uniform_bits(x: Any) -> Any:
        return x.view(torch.int16).random_(-(2**15), 2**15 - 1)

    fills = {
        "zeros": lambda x: x.zero_(),
        "ones": lambda x: x.fill_(1.0),
        "normal": lambda x: x.normal_(),
        "uniform_bits": uniform_bits,
    }
    rows = []
    for name, fill in fills.items():
        x = torch.empty(numel, device=device, dtype=torch.bfloat16)
        fill(x)
        y = torch.empty_like(x)
        fill(y)  # the destination holds the same kind of data: steady state of the loop
        for _ in range(20):
            y.copy_(x)
        torch.cuda.synchronize(device)
        iters = 0
        e0, t0 = _energy_j(pynvml, handle), time.perf_counter()
        while time.perf_counter() - t0 < args.seconds:
            for _ in range(20):
                y.copy_(x)
            iters += 20
            torch.cuda.synchronize(device)
        dt = time.perf_counter() - t0
        energy = _energy_j(pynvml, handle) - e0
        power = energy / dt
        gb_per_s = 2 * numel * 2 * iters / dt / 1e9  # read + write
        rows.append({"fill": name, "duration_s": dt, "energy_j": energy, "power_w": power, "gb_per_s": gb_per_s,
                     "above_idle_w": power - idle_w, "pj_per_byte_above_idle": (power - idle_w) / (gb_per_s * 1e9)
                     * 1e12})
        print(f"{name:>13}: {power:6.1f} W, {gb_per_s:7.1f} GB/s, {power - idle_w:6.1f} W above idle")
        del x, y
        torch.cuda.empty_cache()
        time.sleep(2.0)
    name = pynvml.nvmlDeviceGetName(handle)
    out = {"gpu": name.decode() if isinstance(name, bytes) else str(name),
           "driver": str(pynvml.nvmlSystemGetDriverVersion()), "torch": torch.__version__,
           "date": time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime()), "bytes": args.bytes, "idle_w": idle_w,
           "rows": rows}
    pynvml.nvmlShutdown()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
