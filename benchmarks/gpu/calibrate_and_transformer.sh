#!/usr/bin/env bash
# Calibrate the local GPU, then measure a synthetic transformer's energy on it; results under benchmarks/results/gpu/.
#
# Needs an NVIDIA GPU with its driver, and `pip install -e '.[calibrate]'` (PyTorch with CUDA + nvidia-ml-py; or any
# Python with torch, nvidia-ml-py, numpy, typer and rich: the script runs this checkout's src/).
# Takes about 3-5 minutes: `aifootprint calibrate` (< 2 min: idle, bf16 GEMM, HBM copy, small-batch GEMV), then
# benchmarks/gpu/transformer_energy.py for two public shapes (prefill and decode at batch 1, 8, 32).
# Writes, with UTC stamp STAMP and a slug of the GPU name:
#   calibration_<gpu>_<STAMP>.toml   the calibration profile (docs/calibrate.md)
#   calibration_<gpu>_<STAMP>.txt    its summary next to the registry's datasheet values
#   transformer_<gpu>_<shape>_<STAMP>.json/.csv   tracker vs raw NVML energy per phase and batch
#   env_<gpu>_<STAMP>.txt            nvidia-smi, driver, torch versions
# Environment: GPU (index, default 0), PYTHON (default python), OUT_DIR (default benchmarks/results/gpu),
#              SHAPES (default "llama-3.2-1b llama-3.1-8b"), BATCH_SIZES (default 1,8,32).
# Not run on the development machine (no GPU there).
set -euo pipefail
cd "$(dirname "$0")/../.."

export PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}"   # this checkout's aifootprint, installed or not
PY=${PYTHON:-python}
GPU=${GPU:-0}
OUT=${OUT_DIR:-benchmarks/results/gpu}
SHAPES=${SHAPES:-"llama-3.2-1b llama-3.1-8b"}
BATCH_SIZES=${BATCH_SIZES:-1,8,32}

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
"$PY" -m aifootprint.cli.main calibrate --device "$GPU" --out "$OUT/calibration_${SLUG}_${STAMP}.toml" \
    | tee "$OUT/calibration_${SLUG}_${STAMP}.txt"

for shape in $SHAPES; do
    echo "== transformer_energy $shape (batch $BATCH_SIZES)"
    "$PY" benchmarks/gpu/transformer_energy.py --gpu "$GPU" --shape "$shape" --batch-sizes "$BATCH_SIZES" \
        --out "$OUT/transformer_${SLUG}_${shape}_${STAMP}.json"
done
echo "== results in $OUT (stamp $STAMP)"
