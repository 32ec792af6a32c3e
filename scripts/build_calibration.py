"""Build ``reference/data/accelerator_calibration.csv`` (+ sidecar + sources) from public measurements and datasheets.

Fit method: ``scripts/_calibration_fit.py`` (docs/methodology/inference.md). Rows:

* H100, B200: fitted to the ML.ENERGY Leaderboard v3.0 (source MLE-FIT, status D); 5–95 % band from the
  leave-one-model-out ratios measured ÷ estimated.
* H200: power terms from the aifootprint GPU micro-benchmarks above the H100's base power, time terms of the H100
  (source MICROBENCH;MLE-FIT, status D); band from the cross-GPU errors (H100 fit scored on B200 and the reverse),
  symmetric in log space.
* every other registry accelerator: datasheet-scaled from the nearest calibrated one (source CAL-DEFAULT, status E),
  band from the cross-GPU errors.

Usage: ``python scripts/build_calibration.py [--mlenergy PATH] [--microbench PATH] [--out DIR] [--dry-run]``. The
measurements are read at run time and never written out.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _calibration_fit as cf

from aifootprint.estimate.calibration import Calibration

DATA = cf.ROOT / "src" / "aifootprint" / "reference" / "data"


def fit_all(configs: Sequence[cf.Config], bench: dict[str, cf.Bench], grid: int = 24, lomo_grid: int = 12
            ) -> tuple[dict[str, Calibration], dict[str, float]]:
    """Fitted calibrations (H100, B200, H200) with their bands, and summary figures."""
    fitted: dict[str, Calibration] = {}
    ratios: dict[str, np.ndarray] = {}
    stats: dict[str, float] = {}
    for gpu, key in cf.GPU_KEY.items():
        sub = [c for c in configs if c.gpu == gpu]
        spec = cf.get_spec(key)
        phi = cf.compute_fraction_for(key, bench)
        phi_kv = cf.cache_fraction_for(key, bench)
        cal = cf.fit(sub, spec, phi, grid=grid, cache_fraction=phi_kv)
        e_oos, _, _ = cf.held_out(sub, spec, phi, lambda c: cf.family(c.model_id), grid=lomo_grid,
                                  cache_fraction=phi_kv)
        meas = np.array([c.energy_per_token_j for c in sub])
        ratios[key] = meas / e_oos
        lo, hi = cf.band(ratios[key])
        stats[f"{key}_configs"] = float(len(sub))
        stats[f"{key}_lomo_median"] = float(np.median(np.abs(e_oos / meas - 1.0)))
        fitted[key] = replace(cal, band_low_factor=lo, band_high_factor=hi, method="fit-mlenergy-v3",
                              source="MLE-FIT;MICROBENCH;NVLINK", status="D",
                              idle_power_w=bench[key].idle_w if key in bench else cal.idle_power_w)
    # cross-GPU: the datasheet-scaling rule scored on the other GPU's measurements
    cross: list[np.ndarray] = []
    for src, dst in (("h100", "b200"), ("b200", "h100")):
        sub = [c for c in configs if cf.GPU_KEY[c.gpu] == dst]
        w = cf.work(sub)
        _, e = cf.predict(w, cf.scale_to(fitted[src], cf.get_spec(dst)))
        cross.append(w.energy_per_token_j / e)
    lo, hi = cf.symmetric_band(np.concatenate(cross))  # sign of the carry-over error unknown: symmetric
    stats["cross_low"], stats["cross_high"] = lo, hi
    if "h200" in bench:
        h200 = cf.from_microbench(fitted["h100"], cf.get_spec("h200"), bench["h200"])
        fitted["h200"] = replace(h200, band_low_factor=lo, band_high_factor=hi, source="MICROBENCH;MLE-FIT")
    return fitted, stats


def main(argv: Sequence[str] | None = None) -> int:
    """Fit and write the calibration table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mlenergy", type=Path, default=cf.DEFAULT_MLE, help="ML.ENERGY configurations.csv")
    ap.add_argument("--microbench", type=Path, default=cf.DEFAULT_MICROBENCH, help="GPU micro-benchmark CSV")
    ap.add_argument("--out", type=Path, default=DATA, help="reference data folder to write")
    ap.add_argument("--dry-run", action="store_true", help="print the fit, write nothing")
    args = ap.parse_args(argv)
    if not args.mlenergy.exists():
        print(f"ML.ENERGY table not found: {args.mlenergy}", file=sys.stderr)
        return 2
    fitted, stats = fit_all(cf.load_mle(args.mlenergy), cf.load_microbench(args.microbench))
    for key, cal in fitted.items():
        print(f"{key}: {cal}")
    print(stats)
    if args.dry_run:
        return 0
    write(args.out, fitted)
    return 0


def other_accelerators(fitted: dict[str, Calibration]) -> list[str]:
    """Registry accelerators without a fit (GPUs and TPUs alike), in registry order."""
    try:
        from aifootprint.reference.hardware import list_accelerators

        return [a.key for a in list_accelerators() if a.key not in fitted]
    except ImportError:
        return []


COLUMNS = (
    "accelerator", "compute_fraction", "bandwidth_fraction", "cache_bandwidth_fraction", "vllm_step_overhead_s",
    "vllm_seq_overhead_s", "vllm_seq_energy_mj", "vllm_layer_overhead_s", "vllm_expert_compute_overhead",
    "comm_latency_s", "allreduce_bandwidth_gb_per_s", "base_power_w", "energy_per_flop_pj",
    "energy_per_byte_pj", "idle_power_w", "band_low_factor", "band_high_factor", "method", "scaled_from", "source",
    "year", "licence", "status", "notes",
)
NOTES = {
    "fit-mlenergy-v3": "fitted to ML.ENERGY v3.0 (vLLM 0.11.1); band from leave-one-model-out errors",
    "microbench": "power from GPU micro-benchmarks above the H100 base power; time terms of the H100; band cross-GPU",
    "datasheet-scaled": "nearest calibrated accelerator scaled by datasheet (all-reduce bandwidth: own interconnect "
                        "where the registry has it); band from cross-GPU errors",
}


def _row(cal: Calibration) -> list[str]:
    g = "{:.4g}".format
    return [
        cal.accelerator, g(cal.compute_fraction), g(cal.bandwidth_fraction), g(cal.cache_bandwidth_fraction),
        g(cal.step_overhead_s),
        g(cal.seq_overhead_s), g(cal.seq_energy_j * 1e3), g(cal.layer_overhead_s),
        g(cal.expert_compute_overhead),
        g(cal.comm_latency_s), g(cal.allreduce_bytes_per_s / 1e9),
        g(cal.base_power_w), g(cal.energy_per_flop_j * 1e12), g(cal.energy_per_byte_j * 1e12),
        g(cal.idle_power_w) if cal.idle_power_w else "", g(cal.band_low_factor), g(cal.band_high_factor), cal.method,
        cal.scaled_from, cal.source, "2025", "facts", cal.status, NOTES[cal.method],
    ]


def write(out: Path, fitted: dict[str, Calibration]) -> None:
    """Write the CSV, its sidecar and the source list."""
    rows = [_row(c) for c in fitted.values()]
    cross = fitted["h200"] if "h200" in fitted else fitted["h100"]
    for key in other_accelerators(fitted):
        spec = cf.get_spec(key)
        if None in (spec.max_power_w, spec.bf16_dense_tflops, spec.bandwidth_gb_per_s, spec.memory_gb):
            print(f"skipped {key}: datasheet power, bf16 peak, bandwidth or memory not in the registry")
            continue
        cal = cf.scale_to(cf.nearest_calibrated(spec, fitted), spec)
        cal = replace(cal, band_low_factor=cross.band_low_factor, band_high_factor=cross.band_high_factor,
                      source="CAL-DEFAULT", idle_power_w=spec.idle_power_w or 0.0)
        rows.append(_row(cal))
    out.mkdir(parents=True, exist_ok=True)
    with (out / "accelerator_calibration.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        w.writerows(rows)
    (out / "accelerator_calibration.toml").write_text(SIDECAR, encoding="utf-8")
    (out / "sources").mkdir(exist_ok=True)
    (out / "sources" / "calibration.csv").write_text(SOURCES, encoding="utf-8")
    print(f"wrote {len(rows)} rows to {out / 'accelerator_calibration.csv'}")


SIDECAR = '''title = "Accelerator calibration for the inference physics"
description = """Achievable fractions of peak compute and bandwidth, vLLM host terms, tensor-parallel all-reduce terms,
the power model (base power, energy per FLOP and per byte) and the 5-95 % band per accelerator. H100 and B200 are
fitted to the ML.ENERGY Leaderboard v3.0 (only the fitted parameters ship); H200 power comes from the aifootprint GPU
micro-benchmarks; other accelerators are scaled from the nearest calibrated one (status E).
Method: docs/methodology/inference.md."""
key = "accelerator"
builder = "scripts/build_calibration.py"
credit = "ML.ENERGY Leaderboard v3.0 (ml.energy/leaderboard, data of 2026-02-16), Chung et al., NeurIPS 2025 D&B, \
arXiv:2505.06371; aifootprint GPU micro-benchmarks, 2026-11-26"

[columns]
accelerator = "hardware registry key"
compute_fraction = "achievable (power-capped) fraction of dense peak FLOP/s [-]"
bandwidth_fraction = "achievable fraction of peak memory bandwidth in decode [-]"
cache_bandwidth_fraction = "achievable fraction of peak memory bandwidth for KV-cache and recurrent-state traffic: \
the HBM copy micro-benchmark's (source MICROBENCH; B200 without one: the H100's, an assumption) [-]"
vllm_step_overhead_s = "vLLM engine: host time per serving step [s]"
vllm_seq_overhead_s = "vLLM engine: host time per running sequence per step [s]"
vllm_seq_energy_mj = "vLLM engine: accelerator energy per running sequence per step above base power [mJ]"
vllm_layer_overhead_s = "vLLM engine: host time per model layer per step (kernel launches not in CUDA graphs) [s]"
vllm_expert_compute_overhead = "vLLM engine: expert GEMM time beyond the roofline, in compute-roofline times [-]"
comm_latency_s = "latency of one tensor-parallel all-reduce (2 per layer per step when > 1 accelerator) [s]"
allreduce_bandwidth_gb_per_s = "all-reduce bus bandwidth (ring: 2 (n-1)/n of each token's hidden state) [GB/s]: \
NVLink's bandwidth per GPU and direction (source NVLINK), not fitted"
base_power_w = "P_base: power per accelerator while serving, independent of work [W]"
energy_per_flop_pj = "dynamic energy per FLOP [pJ]"
energy_per_byte_pj = "dynamic energy per byte of HBM traffic [pJ]"
idle_power_w = "measured idle power with a CUDA context open (micro-benchmarks) [W]"
band_low_factor = "5 % quantile of measured / estimated out of sample [-]"
band_high_factor = "95 % quantile of measured / estimated out of sample [-]"
method = "fit-mlenergy-v3, microbench or datasheet-scaled"
scaled_from = "calibrated accelerator the row was derived from"
source = "source keys (data/sources/calibration.csv)"
year = "year of the measurements / datasheets"
licence = "facts: fitted parameters, not the measurements"
status = "D derived (fitted) or E estimate"
notes = "caveats"
'''

SOURCES = """key,citation,url,licence,status
MLE-FIT,"Parameters fitted by scripts/build_calibration.py to the ML.ENERGY Leaderboard v3.0 (data of 2026-02-16): \
Chung, Ma, Wu, Liu, Kweon, Xia, Wu, Chowdhury, The ML.ENERGY Benchmark, NeurIPS 2025 Datasets and Benchmarks, \
arXiv:2505.06371",https://ml.energy/leaderboard,facts,D
MICROBENCH,"aifootprint GPU micro-benchmarks (idle, bf16 GEMM 8192^2, HBM copy 4 GB) on H100 SXM5 and H200 SXM, NVML \
energy counter, driver 580.159.04, 2026-11-26",,CC0-1.0,P
NVLINK,"NVLink bandwidth per GPU and direction as the all-reduce bus bandwidth: H100 SXM NVLink 4, 900 GB/s \
bidirectional (NVIDIA H100 Tensor Core GPU datasheet; NVIDIA Technical Blog, Upgrading Multi-GPU Interconnectivity \
with the Third-Generation NVIDIA NVSwitch, 2022); nccl-tests all_reduce_perf on 8 x H100 SXM: 460-480 GB/s bus \
bandwidth (Alaya NeW, NCCL-tests in practice, 2026); B200 NVLink 5, 1.8 TB/s bidirectional (NVIDIA DGX B200 \
datasheet)",\
https://developer.nvidia.com/blog/upgrading-multi-gpu-interconnectivity-with-the-third-generation-nvidia-nvswitch/,facts,S
GPT-FAST,"gpt-fast (PyTorch; torch.compile with CUDA graphs), README Benchmarks: one A100-80GB power-limited to \
330 W, batch 1, bf16, \
Llama-2-7B 1,397 GB/s and Llama-3.1-8B 1,411 GB/s of model bytes per second = 0.69 of the 2,039 GB/s datasheet \
bandwidth: the cuda-graph engine's bandwidth fraction (engines.CUDA_GRAPH_BANDWIDTH_FRACTION)",\
https://github.com/meta-pytorch/gpt-fast,facts,D
CAL-DEFAULT,"Assumption: accelerators without public serving measurements take the nearest calibrated \
accelerator's fractions and host terms; power terms scaled by datasheet power limit, peak and bandwidth; all-reduce \
bandwidth: the accelerator's own NVLink or PCIe rate (hardware registry interconnect_gb_per_s), the calibrated \
accelerator's where the registry has none (docs/methodology/inference.md)",,facts,E
"""


if __name__ == "__main__":
    raise SystemExit(main())
