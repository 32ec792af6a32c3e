#!/usr/bin/env bash
# Calibrate the local GPU, then measure a synthetic transformer's energy on it; results under benchmarks/results/gpu/.
#
# Needs an NVIDIA GPU with its driver, and `pip install -e '.[calibrate]'` (PyTorch with CUDA + nvidia-ml-py; or any
# Python with torch, nvidia-ml-py, numpy, typer and rich: the script runs this checkout's src/).
# Takes about 10-12 minutes in all (7-9 without the compiled decode: COMPILED_SHAPES= ; where one command may run at
# most 10 minutes, run it so and then the compiled decode alone, as its last step below shows):
# `aifootprint calibrate` (< 2 min: idle, bf16 GEMM, HBM copy, small-batch GEMV), then
# benchmarks/gpu/transformer_energy.py for two public shapes (prefill, eager decode and CUDA-graph decode at batch
# 1, 8, 32), then `aifootprint measure` end to end around a 10 s GEMM loop (the NVML path a user meets), then
# benchmarks/gpu/nvml_probe.py (what each NVML query costs here), then benchmarks/gpu/copy_contents.py (copy power by
# buffer contents, ~30 s), then (when OVERHEAD=1, the default)
# benchmarks/tracker_overhead.py with this machine's real sensors (only that row and the bare baseline, plus the
# in-process and out-of-process GPU readers side by side: the workload's start(), +RSS and CPU, and the reader
# process's own RSS and CPU; ~2.5 min more), then the
# 8B decode compiled by TorchInductor and captured as a CUDA graph beside the plain CUDA-graph decode (~3 min).
# Each step runs even if an earlier one failed; the exit code is that of the first failure.
# Writes, with UTC stamp STAMP and a slug of the GPU name:
#   calibration_<gpu>_<STAMP>.toml   the calibration profile (docs/calibrate.md)
#   calibration_<gpu>_<STAMP>.txt    its summary next to the registry's datasheet values
#   calibration_<gpu>_<STAMP>_readings.csv   the raw windows (microbench.csv format; `calibrate --from-csv` input)
#   transformer_<gpu>_<shape>_<STAMP>.json/.csv   tracker vs raw NVML energy per phase and batch
#   transformer_<gpu>_llama-3.1-8b_exact_<STAMP>.json/.csv   the same with the NVML counter read at every tick
#   env_<gpu>_<STAMP>.txt            nvidia-smi, driver, torch versions
#   measure_<gpu>_<STAMP>.json       `aifootprint measure --json` of the GEMM loop (and its run store, .db)
#   nvml_probe_<gpu>_<STAMP>.json   CPU cost of each NVML query, how often counter and power change
#   copy_contents_<gpu>_<STAMP>.json   HBM copy power with zeros, ones, normal and random-bit buffers (issue 8)
#   tracker_overhead_<gpu>_<STAMP>.txt   the tracker's cost with real NVML reads (both GPU readers)
#   transformer_<gpu>_<shape>_compiled_<STAMP>.json/.csv   decode-graph beside decode-compiled (TorchInductor +
#                                    CUDA graph: a tuned GPU-bound decode, issue 8's second workload)
# Environment: GPU (index, default 0), PYTHON (default python), OUT_DIR (default benchmarks/results/gpu),
#              SHAPES (default "llama-3.2-1b llama-3.1-8b"), BATCH_SIZES (default 1,8,32),
#              COMPILED_SHAPES (default llama-3.1-8b; empty: skip the compiled decode).
# Not run on the development machine (no GPU there).
set -euo pipefail
cd "$(dirname "$0")/../.."

export PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}"   # this checkout's aifootprint, installed or not
PY=${PYTHON:-python}
GPU=${GPU:-0}
OUT=${OUT_DIR:-benchmarks/results/gpu}
SHAPES=${SHAPES:-"llama-3.2-1b llama-3.1-8b"}
BATCH_SIZES=${BATCH_SIZES:-1,8,32}
OVERHEAD=${OVERHEAD:-1}
COMPILED_SHAPES=${COMPILED_SHAPES-llama-3.1-8b}
status=0
step() { "$@" || { rc=$?; echo "calibrate_and_transformer: step failed (exit $rc): $*" >&2; [ "$status" -ne 0 ] || status=$rc; }; }

if ! command -v nvidia-smi >/dev/null 2>&1; then
    echo "calibrate_and_transformer: no NVIDIA driver here (nvidia-smi not found); run it on a machine with an NVIDIA GPU" >&2
    exit 2
fi
if ! "$PY" -c "import torch, pynvml; assert torch.cuda.is_available()" >/dev/null 2>&1; then
    echo "calibrate_and_transformer: PyTorch with CUDA and nvidia-ml-py are needed: pip install -e '.[calibrate]'" >&2
    exit 2
fi

mkdir -p "$OUT"
STAMP=$(date -u +%Y%m%dT%H%MZ)
NAME=$(nvidia-smi --query-gpu=name --format=csv,noheader -i "$GPU" | head -n 1)
SLUG=$(printf '%s' "$NAME" | tr '[:upper:]' '[:lower:]' | sed -E 's/^nvidia //; s/[^a-z0-9]+/-/g; s/^-+|-+$//g')

{
    nvidia-smi --query-gpu=name,driver_version,power.limit,power.max_limit,clocks.max.sm,clocks.max.memory,memory.total \
        --format=csv -i "$GPU"
    "$PY" -c "import torch, platform; print('torch', torch.__version__, 'cuda', torch.version.cuda, 'python', platform.python_version())"
    "$PY" -m aifootprint.cli.main --version
} > "$OUT/env_${SLUG}_${STAMP}.txt"

echo "== aifootprint calibrate on GPU $GPU ($NAME)"
step "$PY" -m aifootprint.cli.main calibrate --device "$GPU" --out "$OUT/calibration_${SLUG}_${STAMP}.toml" \
    --save-readings "$OUT/calibration_${SLUG}_${STAMP}_readings.csv" > "$OUT/calibration_${SLUG}_${STAMP}.txt"
cat "$OUT/calibration_${SLUG}_${STAMP}.txt" || true

for shape in $SHAPES; do
    echo "== transformer_energy $shape (batch $BATCH_SIZES)"
    step "$PY" benchmarks/gpu/transformer_energy.py --gpu "$GPU" --shape "$shape" --batch-sizes "$BATCH_SIZES" \
        --out "$OUT/transformer_${SLUG}_${shape}_${STAMP}.json"
done
echo "== transformer_energy llama-3.1-8b again, NVML counter at every tick (read budget 0): the tracker's windows A/B"
step "$PY" benchmarks/gpu/transformer_energy.py --gpu "$GPU" --shape llama-3.1-8b --batch-sizes "$BATCH_SIZES" \
    --phases prefill,decode-graph --nvml-read-budget 0 --out "$OUT/transformer_${SLUG}_llama-3.1-8b_exact_${STAMP}.json"
echo "== aifootprint measure around a 10 s bf16 GEMM loop"
step "$PY" -m aifootprint.cli.main measure --json --gpus "$GPU" --store "$OUT/measure_${SLUG}_${STAMP}.db" -- \
    "$PY" -c "import time, torch; a = torch.randn(8192, 8192, device='cuda:$GPU', dtype=torch.bfloat16); t = time.time()
while time.time() - t < 10: a @ a
torch.cuda.synchronize()" > "$OUT/measure_${SLUG}_${STAMP}.json"
cat "$OUT/measure_${SLUG}_${STAMP}.json" || true

echo "== NVML query costs and update periods (nvml_probe.py)"
step "$PY" benchmarks/gpu/nvml_probe.py --gpu "$GPU" --poll-s 2 --out "$OUT/nvml_probe_${SLUG}_${STAMP}.json"
echo "== HBM copy power by buffer contents (copy_contents.py: zeros, ones, normal, random bits)"
step "$PY" benchmarks/gpu/copy_contents.py --gpu "$GPU" --out "$OUT/copy_contents_${SLUG}_${STAMP}.json"

if [ "$OVERHEAD" = 1 ]; then
    # 16 s per process: longer than two counter-read periods of the NVML read budget where a read costs ~4 ms
    # --gpu-reader-rows real: gpu_reader="thread" beside "process" (NVML in a child process) on these GPUs
    echo "== tracker_overhead with this machine's sensors, both GPU readers"
    step "$PY" benchmarks/tracker_overhead.py --repeats 3 --sampler-s 16 --sampler-processes 3 --sampler-rows real \
        --gpu-reader-rows real --out "$OUT/tracker_overhead_${SLUG}_${STAMP}.txt"
fi
for shape in $COMPILED_SHAPES; do  # last: TorchInductor compiles for ~1 min per batch size; earlier results are safe
    echo "== transformer_energy $shape decode-compiled (TorchInductor + CUDA graph) beside decode-graph (issue 8)"
    step "$PY" benchmarks/gpu/transformer_energy.py --gpu "$GPU" --shape "$shape" --batch-sizes "$BATCH_SIZES" \
        --phases decode-graph,decode-compiled --out "$OUT/transformer_${SLUG}_${shape}_compiled_${STAMP}.json"
done
echo "== results in $OUT (stamp $STAMP; exit $status)"
exit "$status"
