"""FLOP counts of the task estimators: latent tokens, denoiser FLOPs, scaling with frames, scalar = vectorised."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.errors import InputError
from aifootprint.estimate.calibration import load_calibration
from aifootprint.estimate.tasks.engine import workload_arrays, workload_cost
from aifootprint.estimate.tasks.flops import (
    denoiser_step_flops,
    diffusion_workload,
    encoder_workload,
    image_tokens,
    video_tokens,
    whisper_workload,
)
from aifootprint.estimate.tasks.models import get_task_model, task_models


def test_flux_latent_tokens_and_step_flops() -> None:
    """FLUX.1 at 1024×1024: 128×128 latent, 2×2 packing → 4,096 tokens (+512 T5 tokens, joint attention);
    57 blocks of width 3072 (19 double + 38 single; FLUX.1 transformer/config.json)."""
    m = get_task_model("flux.1-dev")
    assert image_tokens(m, 1024, 1024) == 4096
    n = 4096 + 512
    expected = 2 * 6.455e9 * n + 4 * 57 * 3072 * n**2
    assert denoiser_step_flops(m, 4096) == pytest.approx(expected, rel=1e-12)


def test_video_tokens_pinned() -> None:
    """Wan2.1 at 81 × 480×832: 21 latent frames × 30 × 52 = 32,760 tokens; HunyuanVideo 129 × 720×1280:
    33 × 45 × 80 = 118,800; CogVideoX1.5 81 × 768×1360 with temporal patch 2: 11 × 48 × 85 = 44,880
    (VAE 4×8×8, patch 1×2×2; model cards)."""
    assert video_tokens(get_task_model("wan2.1-t2v-14b"), 81, 480, 832) == 32_760
    assert video_tokens(get_task_model("hunyuanvideo"), 129, 720, 1280) == 118_800
    assert video_tokens(get_task_model("cogvideox1.5-5b"), 81, 768, 1360) == 44_880


def test_unet_consistency_with_bk_sdm() -> None:
    """Consistency check (by construction, not a reproduction): SD 1.5 at 512×512 gives BK-SDM's 339 G MACs per
    U-Net pass (Kim et al. 2023, arXiv:2305.15798) = 678 GFLOPs, within the rounding of the stored ratio."""
    m = get_task_model("sd-1.5")
    assert denoiser_step_flops(m, image_tokens(m, 512, 512)) == pytest.approx(678e9, rel=2e-3)


@settings(max_examples=30, deadline=None)
@given(frames=st.integers(min_value=5, max_value=200))
def test_video_attention_grows_faster_than_frames(frames: int) -> None:
    """Doubling the latent frames more than doubles the denoising FLOPs (attention is quadratic in tokens)."""
    m = get_task_model("wan2.1-t2v-1.3b")
    f1 = 4 * frames + 1
    f2 = 4 * (2 * frames) + 1
    a = denoiser_step_flops(m, video_tokens(m, f1, 480, 832))
    b = denoiser_step_flops(m, video_tokens(m, f2, 480, 832))
    assert b > 2.0 * a


@settings(max_examples=30, deadline=None)
@given(steps=st.integers(1, 100), batch=st.integers(1, 16))
def test_denoise_flops_linear_in_steps_and_batch(steps: int, batch: int) -> None:
    m = get_task_model("sd-3.5-large")
    w1 = diffusion_workload(m, 1, 1024, 1024, 1)
    w = diffusion_workload(m, steps, 1024, 1024, batch)
    d1 = next(p for p in w1.phases if p.name == "denoise")
    d = next(p for p in w.phases if p.name == "denoise")
    assert d.flops * d.repeats == pytest.approx(d1.flops * steps * batch, rel=1e-12)


def test_whisper_windows_and_tokens() -> None:
    """Whisper: 95 s of audio → 4 windows of 30 s; 3.3 tokens/s → 313.5 decoded tokens (per file)."""
    w = whisper_workload(get_task_model("whisper-large-v3"), 95.0, 3.3, 1)
    assert w.shape["windows"] == 4
    assert w.shape["decoded_tokens"] == pytest.approx(313.5)


def test_encoder_rejects_too_long_input() -> None:
    with pytest.raises(InputError, match="maximum input"):
        encoder_workload(get_task_model("bert-base-uncased"), 1000, 1)


def test_scalar_and_vectorised_engine_agree() -> None:
    models = [m for m in task_models() if m.task in ("image", "video")]
    cals = [load_calibration(hw) for hw in ("h100", "b200")]
    phases, rows, ns = [], [], []
    for i, m in enumerate(models):
        cal = cals[i % 2]
        n = 1 + i % 3
        w = diffusion_workload(m, m.steps or 20, m.height or 512, m.width or 512, 2, m.frames)
        phases.append(list(w.phases))
        rows.append(sum(c.energy_j for c in workload_cost(w, cal, n)))
        ns.append(n)
    _, e = workload_arrays(phases, [cals[i % 2] for i in range(len(models))], np.array(ns, dtype=float))
    assert e == pytest.approx(np.array(rows), rel=1e-9)
