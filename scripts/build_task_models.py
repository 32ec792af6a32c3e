"""Build ``task_models.csv`` and ``task_calibration.csv`` (+ sidecars, ``sources/tasks.csv``).

1. ``task_models.csv``: non-LLM architectures (diffusion, video, encoders, Whisper, vision encoders) from
   ``_task_facts.py`` (each row cites its model card / config).
   (Published per-task figures, Luccioni et al. 2024, are already in ``request_figures.csv``, keys ``php24-*``.)
2. ``task_calibration.csv``: the denoising compute fraction per accelerator, fitted to every ML.ENERGY v3.0
   text-to-image and text-to-video row of that accelerator (``aifootprint.estimate.tasks.fit``); only the fitted
   fraction ships, never the measurements. Out-of-sample checks: ``benchmarks/validation_tasks.py``.

Run: ``python scripts/build_task_models.py [--shared ../shared] [--out src/aifootprint/reference/data]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _task_facts as facts
from _buildlib import check_sources, check_unique_keys, read_csv, run_builder, write_csv, write_sidecar

MLE_CREDIT = ("ML.ENERGY Leaderboard v3.0 (ml.energy/leaderboard, data of 2026-02-16), Chung et al., NeurIPS 2025 "
              "D&B, arXiv:2505.06371")
CAL_COLUMNS = ("accelerator", "compute_fraction", "energy_per_flop_pj", "exchange_bandwidth_gb_per_s",
               "band_low_factor", "band_high_factor", "fit_configs", "fit_median_abs_error_fraction", "method",
               "source", "year", "licence", "status", "notes")
MODEL_COLUMN_MEANINGS = {
    "key": "registry key", "name": "display name", "hf_id": "Hugging Face id",
    "task": "image | video | classification | embedding | transcription | vision (encoders serve classification "
            "and embedding)",
    "arch": "unet | dit | mmdit | video-dit | encoder | whisper | vit",
    "params_b": "parameters of the denoiser / encoder / whole Whisper model [billions]",
    "layers": "transformer blocks (Whisper: encoder layers)", "d_model": "hidden width",
    "attention": "joint | cross | linear | full", "latent_factor": "VAE spatial downsampling [-]",
    "latent_factor_t": "VAE temporal downsampling [-]", "patch": "spatial patch size [latent px]",
    "patch_t": "temporal patch size [latent frames]", "text_tokens": "text tokens attended",
    "cfg": "denoiser passes per step (2 with classifier-free guidance)", "steps": "default denoising steps",
    "height": "default height [px]", "width": "default width [px]", "frames": "default frames",
    "text_encoder_params_b": "text-encoder parameters [billions]",
    "vae_gflops_per_mpx": "VAE decoder compute per output megapixel [GFLOP]",
    "unet_macs_per_param_pixel": "U-Net MACs per parameter per latent pixel [-]", "vocab": "vocabulary size",
    "max_tokens": "maximum input tokens (Whisper: decoded tokens per window)",
    "decoder_layers": "Whisper decoder layers", "tokens_per_image": "LLM tokens per image (vision encoders)",
    "vision_params_b": "unused (vision rows use params_b)", "llm_models": "chat models (models.csv keys) using it",
    "source": "source keys (sources/tasks.csv)", "year": "year of the model / paper", "licence": "facts",
    "status": "S transcribed from config / card; E assumption", "notes": "caveats",
}


def _fit(out: Path, shared: Path) -> list[dict[str, object]]:
    import numpy as np

    from aifootprint.estimate.tasks.fit import (
        GPU_KEYS,
        fit_params,
        lomo_predictions,
        median_abs_error,
        mlenergy_predictor,
    )
    from aifootprint.reference.registry import Registry

    pred = mlenergy_predictor(shared / "data" / "mlenergy-leaderboard" / "configurations.csv", Registry(out))
    rows = pred.rows
    fitted = {g: fit_params(pred, g) for g in GPU_KEYS.values()}
    p = pred.predict(fitted)
    ratio = pred.measured / lomo_predictions(pred)
    result: list[dict[str, object]] = []
    for g in sorted(fitted):
        sel = np.array([m.gpu == g for m in rows])
        result.append({
            "accelerator": g, "compute_fraction": fitted[g][0], "energy_per_flop_pj": fitted[g][1],
            "exchange_bandwidth_gb_per_s": fitted[g][2],
            "band_low_factor": round(float(np.quantile(ratio[sel], 0.05)), 4),
            "band_high_factor": round(float(np.quantile(ratio[sel], 0.95)), 4),
            "fit_configs": int(sel.sum()),
            "fit_median_abs_error_fraction": round(median_abs_error(p[sel], pred.measured[sel]), 4),
            "method": "fit-mlenergy-v3-diffusion", "source": "MLE-TASK-FIT", "year": 2025, "licence": "facts",
            "status": "D", "notes": "denoising steps; other terms from accelerator_calibration",
        })
    return result


def build_models(out: Path) -> dict[str, int]:
    """``task_models.csv`` + sidecar and ``sources/tasks.csv`` (no fit; fast)."""
    models = facts.model_rows()
    sources = dict(facts.SOURCES)
    sources["MLE-TASK-FIT"] = (
        "Denoising compute fraction fitted by scripts/build_task_models.py to the ML.ENERGY Leaderboard v3.0 "
        "text-to-image / text-to-video rows (data of 2026-02-16): Chung et al., The ML.ENERGY Benchmark, NeurIPS "
        "2025 D&B, arXiv:2505.06371", "https://ml.energy/leaderboard", "facts", "D")
    check_unique_keys(models, "task_models")
    check_sources(models, sources, "task_models")
    elsewhere = {k for path in sorted((out / "sources").glob("*.csv")) if path.name != "tasks.csv"
                 for k in (r["key"] for r in read_csv(path)) if k}
    counts = {
        "task_models": write_csv(out / "task_models.csv", facts.COLUMNS, models),
        "sources/tasks": write_csv(out / "sources" / "tasks.csv", ("key", "citation", "url", "licence", "status"),
                                   [{"key": k, "citation": c, "url": u, "licence": li, "status": s}
                                    for k, (c, u, li, s) in sorted(sources.items()) if k not in elsewhere]),
    }
    write_sidecar(out / "task_models.toml", title="Non-LLM model architectures (images, video, encoders, speech)",
                  description="Architectures of diffusion (image, video), encoder, Whisper and vision-encoder models "
                              "used by `aifootprint estimate image|video|embedding|classification|transcription`. "
                              "Method: docs/methodology/tasks.md.",
                  key="key", builder="scripts/build_task_models.py",
                  credit="Model cards and config.json files on huggingface.co, cited per row",
                  columns=MODEL_COLUMN_MEANINGS)
    return counts


def build(shared: Path, out: Path) -> dict[str, int]:
    """Everything: :func:`build_models`, then the fit of ``task_calibration.csv`` (reads ``shared``)."""
    counts = build_models(out)
    cal = _fit(out, shared)
    counts["task_calibration"] = write_csv(out / "task_calibration.csv", CAL_COLUMNS, cal)
    write_sidecar(out / "task_calibration.toml", title="Denoising-step constants per accelerator",
                  description="Achievable fraction of dense bf16 peak and dynamic energy per FLOP in diffusion / video "
                              "denoising steps, fitted to ML.ENERGY v3.0 text-to-image and text-to-video time and "
                              "energy measurements (only the fitted values ship). Other accelerators use the H100 "
                              "values (flagged).",
                  key="accelerator", builder="scripts/build_task_models.py", credit=MLE_CREDIT,
                  columns={"accelerator": "hardware registry key", "compute_fraction": "fitted φ_c [-]",
                           "energy_per_flop_pj": "fitted dynamic energy per counted FLOP [pJ]",
                           "exchange_bandwidth_gb_per_s": "fitted sequence-parallel exchange bandwidth [GB/s]",
                           "band_low_factor": "5 % quantile of measured ÷ estimated, leave-one-model-out [-]",
                           "band_high_factor": "95 % quantile of measured ÷ estimated, leave-one-model-out [-]",
                           "fit_configs": "configurations fitted",
                           "fit_median_abs_error_fraction": "in-sample median |relative error| per image/video [-]",
                           "method": "fit method", "source": "source keys", "year": "data year",
                           "licence": "facts: fitted value only", "status": "D derived", "notes": "caveats"})
    return counts


if __name__ == "__main__":
    run_builder(build, __doc__)
