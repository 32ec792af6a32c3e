#!/usr/bin/env bash
# The tracker's cost on a GPU machine (issue 12) without the calibration and transformer steps of
# calibrate_and_transformer.sh (~4 min): benchmarks/tracker_overhead.py with this machine's real sensors (its
# Tracker() rows use the default reader, gpu_reader="auto"; the report's header says which reader that was) and the
# three GPU readers side by side (thread: in-process; process: the reader process; auto: the default, its column named
# after the reader it used), then `aifootprint measure` end to end around a 10 s bf16 GEMM loop with each reader
# (measure's own default is thread). Needs the NVIDIA driver and PyTorch with CUDA (for the GEMM loop only).
# Writes under OUT_DIR (default benchmarks/results/gpu): tracker_overhead_<gpu>_<STAMP>.txt,
# measure_<gpu>_<reader>_<STAMP>.json (+ .db run store), env_<gpu>_<STAMP>.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}"
PY=${PYTHON:-python}
GPU=${GPU:-0}
OUT=${OUT_DIR:-benchmarks/results/gpu}
mkdir -p "$OUT"
STAMP=$(date -u +%Y%m%dT%H%MZ)
NAME=$(nvidia-smi --query-gpu=name --format=csv,noheader -i "$GPU" | head -n 1)
SLUG=$(printf '%s' "$NAME" | tr '[:upper:]' '[:lower:]' | sed -E 's/^nvidia //; s/[^a-z0-9]+/-/g; s/^-+|-+$//g')
status=0
step() { "$@" || { rc=$?; echo "tracker_only: step failed (exit $rc): $*" >&2; [ "$status" -ne 0 ] || status=$rc; }; }
{
    nvidia-smi --query-gpu=name,driver_version,power.limit --format=csv -i "$GPU"
    "$PY" -c "import platform; print('python', platform.python_version())"
    "$PY" -m aifootprint.cli.main --version
    uptime
} > "$OUT/env_${SLUG}_${STAMP}.txt"
echo "== tracker_overhead with this machine's sensors, the GPU readers thread, process and auto"
step "$PY" benchmarks/tracker_overhead.py --repeats 3 --sampler-s 16 --sampler-processes 3 --sampler-rows real \
    --gpu-reader-rows real --out "$OUT/tracker_overhead_${SLUG}_${STAMP}.txt"
for reader in thread process auto; do
    echo "== aifootprint measure --gpu-reader $reader around a 10 s bf16 GEMM loop"
    step "$PY" -m aifootprint.cli.main measure --json --gpus "$GPU" --gpu-reader "$reader" \
        --store "$OUT/measure_${SLUG}_${reader}_${STAMP}.db" -- \
        "$PY" -c "import time, torch; a = torch.randn(8192, 8192, device='cuda:$GPU', dtype=torch.bfloat16); t = time.time()
while time.time() - t < 10: a @ a
torch.cuda.synchronize()" > "$OUT/measure_${SLUG}_${reader}_${STAMP}.json"
done
echo "== results in $OUT (stamp $STAMP; exit $status)"
exit "$status"
