"""Validation of the task estimators (images, video, classification, …); prints the figures of docs/validation_tasks.md.

1. ML.ENERGY v3.0 text-to-image and text-to-video (energy per image / video, GPU boundary, every configuration):
   median |error| in-sample (consistency check: the fraction is fitted on these rows), leave-one-model-out (fit on
   the other models of the same GPU) and cross-GPU (fit on H100, score B200, and the reverse); per model too.
2. Luccioni et al. 2024 (A100, kWh per 1,000 inferences): our estimates for the same tasks in their setup (batch 1,
   one A100 of an 8-GPU node, the 7 idle GPUs' idle draw and the host counted), ordering and order of magnitude.

Run: ``python benchmarks/validation_tasks.py [--mlenergy PATH]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from aifootprint.estimate.tasks.fit import (
    GPU_KEYS,
    fit_params,
    lomo_predictions,
    median_abs_error,
    mlenergy_predictor,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MLE = ROOT.parent / "shared" / "data" / "mlenergy-leaderboard" / "configurations.csv"


def mlenergy(path: Path) -> None:
    pred = mlenergy_predictor(path)
    rows = pred.rows
    meas = pred.measured
    gpus = np.array([m.gpu for m in rows])
    models = np.array([m.model for m in rows])
    tasks = np.array([m.task for m in rows])
    fitted = {g: fit_params(pred, g) for g in GPU_KEYS.values()}
    ins = pred.predict(fitted)
    print("ML.ENERGY v3.0 diffusion, energy per image/video (GPU boundary), median |error| over configurations")
    print("  fitted denoising constants (compute fraction, pJ per FLOP, exchange GB/s): "
          + "; ".join(f"{g} {v[0]:.2f}, {v[1]:.2f}, {v[2]:.2f}" for g, v in sorted(fitted.items())))
    lomo = lomo_predictions(pred)
    cross = np.empty_like(meas)
    for g, other in (("h100", "b200"), ("b200", "h100")):
        p = fit_params(pred, other)
        cross[gpus == g] = pred.predict({x: p for x in GPU_KEYS.values()})[gpus == g]
    print(f"  {'subset':<26}{'configs':>8}{'in-sample':>11}{'LOMO':>8}{'cross-GPU':>11}")
    subsets = [("all", np.ones(len(rows), bool))]
    subsets += [(f"{t} {g}", (tasks == t) & (gpus == g)) for t in ("image", "video") for g in ("h100", "b200")]
    ngpu = np.array([m.gpus for m in rows])
    subsets += [("1 GPU", ngpu == 1), ("2-8 GPUs (sequence parallel)", ngpu > 1)]
    subsets += [(k, models == k) for k in sorted(set(models))]
    per_model = [median_abs_error(lomo[models == k], meas[models == k]) for k in sorted(set(models))]
    for name, sel in subsets:
        print(f"  {name:<26}{int(sel.sum()):>8}{median_abs_error(ins[sel], meas[sel]):>10.1%}"
              f"{median_abs_error(lomo[sel], meas[sel]):>8.1%}{median_abs_error(cross[sel], meas[sel]):>11.1%}")
    print(f"  median over models of each model's LOMO median |error|: {float(np.median(per_model)):.1%}")
    ratio = meas / lomo
    print(f"  LOMO measured / estimated, 5th–95th percentile: {np.quantile(ratio, 0.05):.2f}–"
          f"{np.quantile(ratio, 0.95):.2f} (the uncertainty band of the diffusion estimates)")


#: Text tokens per image-chat prompt: an assumption (ML.ENERGY does not publish input lengths).
CHAT_TEXT_TOKENS = 100
MM_MODELS = {"google/gemma-3-12b-it": "gemma-3-12b", "google/gemma-3-27b-it": "gemma-3-27b"}


def multimodal(path: Path) -> None:
    """ML.ENERGY image-chat rows of the models with a registry vision encoder (tensor parallel only): J per output
    token measured vs estimated with one image (+ the vision encoder) and without it. Nothing here is fitted to
    image-chat data; the LLM calibration was fitted on text tasks."""
    import csv

    from aifootprint.errors import InputError
    from aifootprint.estimate.inference import RequestConfig, RequestEstimator
    from aifootprint.estimate.tasks.engine import workload_cost
    from aifootprint.estimate.tasks.flops import vision_workload
    from aifootprint.estimate.tasks.models import vision_encoder_for

    rows = [r for r in csv.DictReader(path.open(encoding="utf-8")) if r["task"] == "image-chat"
            and r["model_id"] in MM_MODELS]
    err_img: list[float] = []
    err_txt: list[float] = []
    skipped = 0
    for r in rows:
        key = MM_MODELS[r["model_id"]]
        cfg = RequestConfig(hardware=GPU_KEYS[r["gpu_model"]], accelerators=int(r["num_gpus"]),
                            batch=max(1, round(float(r["avg_batch_size"]))), boundary="accelerator")
        est = RequestEstimator(key, cfg)
        vis = vision_encoder_for(key)
        assert vis is not None
        out = float(r["avg_output_len"])
        try:
            img = est.estimate(CHAT_TEXT_TOKENS + (vis.tokens_per_image or 0), out)
        except InputError:  # the estimator's memory check rejects the batch: not scored
            skipped += 1
            continue
        txt = est.estimate(CHAT_TEXT_TOKENS, out)
        vis_j = sum(c.energy_j for c in workload_cost(vision_workload(vis, 1), est.cal, img.accelerators))
        meas = float(r["energy_per_token_joules"])
        err_img.append((img.energy_wh * 3600 + vis_j) / out / meas - 1)
        err_txt.append(txt.energy_wh * 3600 / out / meas - 1)
    print(f"\nML.ENERGY v3.0 image-chat, Gemma 3 12B/27B ({len(err_img)} configurations scored, {skipped} over the "
          f"estimator's memory limit; GPU boundary, J per output token; {CHAT_TEXT_TOKENS} text tokens assumed)")
    print(f"  median |error| with 1 image (256 tokens + vision encoder): {float(np.median(np.abs(err_img))):.1%}; "
          f"median error {float(np.median(err_img)):+.1%}")
    print(f"  same requests as text only: median |error| {float(np.median(np.abs(err_txt))):.1%}; median error "
          f"{float(np.median(err_txt)):+.1%}")


def luccioni() -> None:
    from aifootprint.estimate.tasks.published import task_table

    print("\nLuccioni et al. 2024 (PHP24), Wh per 1,000 inferences, their setup (A100, batch 1, 8-GPU node)")
    rows = [r for r in task_table(setup="php24") if r["published_wh_per_1000"] and r["estimate_wh_per_1000"]]
    print(f"  {'task':<34}{'published':>10}{'estimate':>10}{'ratio':>8}  model(s)")
    for r in rows:
        ratio = r["estimate_wh_per_1000"] / r["published_wh_per_1000"]
        print(f"  {r['task']:<34}{r['published_wh_per_1000']:>10.4g}{r['estimate_wh_per_1000']:>10.3g}"
              f"{ratio:>8.2f}  {r['models']}")
    by_pub = [r["task"] for r in sorted(rows, key=lambda r: r["published_wh_per_1000"])]
    by_est = [r["task"] for r in sorted(rows, key=lambda r: r["estimate_wh_per_1000"])]
    within = all(abs(np.log10(r["estimate_wh_per_1000"] / r["published_wh_per_1000"])) < 1.0 for r in rows)
    print(f"  ordering reproduced: {by_pub == by_est}; every task within one order of magnitude: {within}")
    print("  (no parameter was fitted to these figures: setup, idle and host power from the registry)")
    from aifootprint.estimate.tasks.published import php24_sdxl_check

    pub, est = php24_sdxl_check()
    print(f"  per model: SDXL base 1.0, Wh per image: published {pub:.2f} (1,594 gCO2e / 1,000 ÷ 297.6 g/kWh), "
          f"estimate {est:.2f}, ratio {est / pub:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mlenergy", type=Path, default=DEFAULT_MLE)
    args = parser.parse_args()
    if args.mlenergy.exists():
        mlenergy(args.mlenergy)
        multimodal(args.mlenergy)
    else:
        print(f"ML.ENERGY data not found at {args.mlenergy}: skipped")
    luccioni()


if __name__ == "__main__":
    main()
