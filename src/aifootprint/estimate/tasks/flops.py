"""FLOPs and bytes per accelerator step for each task, from the architecture in ``task_models.csv``.

A workload is a list of :class:`Phase`: one step of the accelerators (FLOPs, bytes read, the hidden-state bytes a
tensor/sequence-parallel step exchanges) repeated ``repeats`` times, for a batch of ``items`` outputs.

Diffusion, ``b`` images, ``c`` = 2 with classifier-free guidance (conditional + unconditional pass, Ho & Salimans
2022, arXiv:2207.12598), 1 for guidance-distilled models (FLUX.1, HunyuanVideo); ``N`` latent tokens, ``T`` text
tokens, ``P`` denoiser weights applied per token (``token_params_b``), ``L`` blocks of width ``d``:

    N (image) = (H / f / p) × (W / f / p)                  f: VAE downsampling, p: patch size
    N (video) = ⌈(1 + (F − 1) / f_t) / p_t⌉ × (H / f / p) × (W / f / p)      causal 3D VAE, temporal factor f_t
    per step  = b c × [2 P (N + T) + 4 L d (N + T)²]       joint attention (MMDiT, CogVideoX, HunyuanVideo)
              = b c × [2 P N + 4 L d² T + 4 L d (N² + N T)]  cross-attention DiT (PixArt, Hunyuan-DiT, Wan)
              = b c × [2 P N + 4 L d² T]                    linear attention (SANA; its O(N d²) term is in 2 P N)
              = b c × 2 m P N_lat                           U-Net: m MACs per parameter per latent pixel (BK-SDM)
    text      = b c × 2 P_text T                             once per prompt (negative prompt with CFG)
    VAE       = b × G × H W F / 10⁶                         G: decoder GFLOP per output megapixel

Attention costs ``4 d`` FLOPs per (query, key) pair per block (QKᵀ and AV; Kaplan et al. 2020, arXiv:2001.08361),
so video attention grows with the square of frames × resolution. Each denoising step reads the weights once
(``2 P`` bytes in bf16).

Encoders (BERT family; one forward pass over ``N`` tokens, embedding table excluded): ``2 (P − V d) N + 4 L d N²``.
Whisper: the encoder sees every 30 s window as 1,500 positions (Radford et al. 2022, arXiv:2212.04356);
encoder ``2 P_enc 1500 + 4 L d 1500²`` with ``P_enc = 12 L d²``; decoder blocks ``16 L_dec d²`` (self- and
cross-attention + MLP) plus the tied output head ``V d``, one step per decoded token, attending to the 1,500
encoder positions and the tokens so far (K/V cache of both read each step).
Vision encoders (ViT): ``2 P_v n + 4 L d n²`` per image with ``n = (H / p)(W / p)`` patches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from aifootprint.errors import InputError
from aifootprint.limits import as_float
from aifootprint.numfmt import exact

from ..bounds import MAX_BATCH
from .models import TaskModel

#: Bytes per weight / activation value (bf16).
BF16 = 2.0
#: Whisper: positions per 30 s window (3,000 mel frames at 10 ms, stride-2 convolution; arXiv:2212.04356).
WHISPER_POSITIONS = 1500
WHISPER_WINDOW_S = 30.0


@dataclass(frozen=True, slots=True)
class Phase:
    """One accelerator step repeated ``repeats`` times (all values for the whole batch)."""

    name: str
    flops: float
    bytes_moved: float
    #: hidden-state bytes exchanged per parallel step (tokens × d × 2), for the communication term
    exchange_bytes: float
    layers: int
    repeats: float


@dataclass(frozen=True, slots=True)
class Workload:
    """Phases of one batch producing ``items`` outputs (images, videos, inferences, audio files)."""

    phases: tuple[Phase, ...]
    items: float
    #: bytes of weights held in accelerator memory
    resident_bytes: float
    #: resolved inputs (tokens, steps, …) shown in the result
    shape: dict[str, float]
    #: bytes of cache one sequence holds while it decodes (Whisper: self-attention K/V of its tokens + the
    #: cross-attention K/V of the encoder positions); 0 for single-pass workloads
    cache_bytes_per_seq: float = 0.0
    #: sequences decoding at once (their caches held together); 0 for single-pass workloads
    concurrent: float = 0.0
    #: sequences that must decode at once at the least (one window per item served together)
    min_concurrent: float = 0.0

    @property
    def held_bytes(self) -> float:
        """Memory held at the peak: the weights plus the caches of the concurrent sequences."""
        return self.resident_bytes + self.concurrent * self.cache_bytes_per_seq

    @property
    def min_held_bytes(self) -> float:
        """Memory needed at the least: the weights plus the caches of :attr:`min_concurrent` sequences."""
        return self.resident_bytes + self.min_concurrent * self.cache_bytes_per_seq


#: Longest audio file of one transcription estimate [s] (about 116 days) and fastest speech [transcript tokens per
#: second]: design limits that keep the window and token counts finite, not measured figures (speech runs at ~3
#: tokens per second, ``estimator.DEFAULT_TOKENS_PER_S``).
MAX_AUDIO_S = 1e7
MAX_TOKENS_PER_S = 1000.0


#: Largest side of a generated image or video frame, as a multiple of the model's trained side (``height`` /
#: ``width`` of ``task_models.csv``, from each model's card): a generous bound stated as such — diffusion models are
#: trained at (or near) one resolution, and 4 × per side (16 × the pixels) is beyond any documented use.
MAX_SIDE_FACTOR = 4
#: Fallback trained side [px] when the registry row gives none (1,024 px: the SDXL / SD 3.5 / FLUX.1 resolution).
DEFAULT_SIDE_PX = 1024
#: Most denoising steps: the DDPM training schedule has T = 1,000 timesteps (Ho et al. 2020, arXiv:2006.11239, §4),
#: the finest discretisation samplers take a subset of; flow-matching models default to 20–50 (task_models.csv).
MAX_STEPS = 1000
#: Most frames of a generated video, as a multiple of the model's trained frame count (``frames`` of
#: ``task_models.csv``): a generous bound stated as such (4 × the clip length the model was trained on).
MAX_FRAMES_FACTOR = 4
#: Most items served together (images, videos, texts, audio files): the bound of ``estimate request``'s ``--batch``.
MAX_TASK_BATCH = MAX_BATCH


def check_at_most(name: str, value: float, high: float, low: float = 1, unit: str = "", why: str = "") -> None:
    """InputError naming ``name``, the value and the accepted range (with ``why``) unless ``low ≤ value ≤ high``."""
    if low <= value <= high:
        return
    tail = f" {unit}" if unit else ""
    raise InputError(f"{name} {exact(value)} is out of range; accepted: {exact(low)} to {exact(high)}{tail}"
                     + (f" ({why})" if why else ""))


def _positive(name: str, value: float) -> None:
    if not (value > 0 and math.isfinite(as_float(value))):  # a 400-digit count: refused, not an OverflowError
        raise InputError(f"{name} must be a positive number, got {exact(value)}")


def image_tokens(m: TaskModel, height: int, width: int) -> int:
    """Latent tokens of one image (see the module docstring)."""
    f, p = m.latent_factor or 8, m.patch or 1
    return max(1, round(height / f / p)) * max(1, round(width / f / p))


def video_tokens(m: TaskModel, frames: int, height: int, width: int) -> int:
    """Latent tokens of one video: latent frames (causal 3D VAE) ÷ temporal patch × tokens per latent frame."""
    ft, pt = m.latent_factor_t or 4, m.patch_t or 1
    latent_frames = 1 + (frames - 1) // ft
    return math.ceil(latent_frames / pt) * image_tokens(m, height, width)


def denoiser_step_flops(m: TaskModel, tokens: float) -> float:
    """FLOPs of one denoiser pass over ``tokens`` latent tokens (one image/video, one guidance branch)."""
    t = float(m.text_tokens or 0)
    if m.arch == "unet":
        latent_pixels = tokens * (m.patch or 1) ** 2
        return 2.0 * (m.unet_macs_per_param_pixel or 0.0) * m.params_b * 1e9 * latent_pixels
    p = (m.token_params_b or m.params_b) * 1e9
    ld4 = 4.0 * m.layers * m.d_model
    if m.attention == "joint":
        return 2.0 * p * (tokens + t) + ld4 * (tokens + t) ** 2
    text_kv = 2.0 * 2.0 * m.layers * m.d_model * m.d_model * t  # K, V projections of the text, once per pass
    if m.attention == "cross":
        return 2.0 * p * tokens + text_kv + ld4 * (tokens * tokens + tokens * t)
    return 2.0 * p * tokens + text_kv  # linear attention: O(N d²) terms are in the weights' FLOPs


def diffusion_workload(m: TaskModel, steps: int, height: int, width: int, batch: int,
                       frames: int | None = None) -> Workload:
    """Text encoders + ``steps`` denoising steps (× CFG) + VAE decode for ``batch`` images (or videos of
    ``frames`` frames)."""
    for name, v in (("steps", steps), ("height", height), ("width", width), ("batch", batch)):
        _positive(f"--{name}", v)
    f = m.latent_factor or 8
    if height < f * (m.patch or 1) or width < f * (m.patch or 1):
        raise InputError(f"--height/--width must be at least {f * (m.patch or 1)} px for {m.key}")
    check_at_most("--steps", steps, MAX_STEPS, why="the DDPM schedule's 1,000 timesteps, arXiv:2006.11239")
    check_at_most("--batch", batch, MAX_TASK_BATCH, why="a generous round bound, as estimate request's --batch")
    for name, value, trained in (("--height", height, m.height), ("--width", width, m.width)):
        side = trained or DEFAULT_SIDE_PX
        check_at_most(name, value, MAX_SIDE_FACTOR * side, f * (m.patch or 1), "px",
                      f"{m.key}: up to {MAX_SIDE_FACTOR} × its trained {side:,} px, task_models.csv")
    if frames is not None:
        _positive("--frames", frames)
        if m.frames:
            check_at_most("--frames", frames, MAX_FRAMES_FACTOR * m.frames,
                          why=f"{m.key}: up to {MAX_FRAMES_FACTOR} × its trained {m.frames:,} frames, "
                              "task_models.csv")
        tokens = float(video_tokens(m, frames, height, width))
    else:
        tokens = float(image_tokens(m, height, width))
    cfg = float(m.cfg or 1)
    p_bytes = m.params_b * 1e9 * BF16
    te = (m.text_encoder_params_b or 0.0) * 1e9
    t_tok = float(m.text_tokens or 77)
    per_pass = denoiser_step_flops(m, tokens)
    mpx = height * width * (frames or 1) / 1e6
    phases = (
        Phase("text_encoder", batch * cfg * 2.0 * te * t_tok, te * BF16, 0.0, 1, 1.0),
        Phase("denoise", batch * cfg * per_pass, p_bytes, batch * cfg * tokens * m.d_model * BF16, m.layers,
              float(steps)),
        Phase("vae_decode", batch * (m.vae_gflops_per_mpx or 0.0) * 1e9 * mpx, 0.0, 0.0, 1, 1.0),
    )
    shape = {"latent_tokens": tokens, "text_tokens": t_tok, "cfg_passes": cfg, "steps": float(steps),
             "denoise_flops_per_step": per_pass * cfg}
    return Workload(phases, float(batch), p_bytes + te * BF16, shape)


def encoder_workload(m: TaskModel, tokens: int, batch: int) -> Workload:
    """One forward pass of an encoder over ``tokens`` tokens for each of ``batch`` inputs."""
    _positive("--tokens", tokens)
    _positive("--batch", batch)
    check_at_most("--batch", batch, MAX_TASK_BATCH, why="a generous round bound, as estimate request's --batch")
    if m.max_tokens and tokens > m.max_tokens:
        raise InputError(f"--tokens {tokens} exceeds {m.key}'s maximum input of {m.max_tokens} tokens "
                         "(longer texts are split into chunks: estimate each chunk)")
    p = m.params_b * 1e9
    body = max(p - (m.vocab or 0) * m.d_model, 0.5 * p)
    flops = batch * (2.0 * body * tokens + 4.0 * m.layers * m.d_model * tokens * tokens)
    phase = Phase("forward", flops, body * BF16, batch * tokens * m.d_model * BF16, m.layers, 1.0)
    return Workload((phase,), float(batch), p * BF16, {"tokens": float(tokens)})


def whisper_workload(m: TaskModel, audio_s: float, tokens_per_s: float, batch: int,
                     max_concurrent: float | None = None) -> Workload:
    """Whisper on ``batch`` audio files of ``audio_s`` seconds each: every 30 s window runs the encoder once
    (padded to 30 s) and decodes its share of the transcript token by token.

    Each window decodes as one sequence holding ``2 × L_dec × d × (1,500 + tokens) × 2`` bytes of cache (the K/V of
    its cross-attention over the encoder positions and of its own tokens, bf16). The windows of one file run one
    after the other, as in Whisper's sequential long-form transcription, where each window is conditioned on the
    text of the one before (Radford et al. 2022, arXiv:2212.04356, §4.5): ``batch`` sequences (one window per file)
    run at once, or ``max_concurrent`` when fewer fit the memory (:func:`.estimator.concurrent_decodes`). The
    windows thus run in waves of equal size, each encoder pass and decode step reading the weights once and the
    caches of that wave, so the traffic charged matches the memory held (:attr:`Workload.held_bytes`) and the
    energy per window does not depend on the file's length through a batch no server holds."""
    _positive("--audio-seconds", audio_s)
    _positive("--tokens-per-second", tokens_per_s)
    _positive("--batch", batch)
    check_at_most("--batch", batch, MAX_TASK_BATCH, why="a generous round bound, as estimate request's --batch")
    for name, value, high, unit in (("--audio-seconds", audio_s, MAX_AUDIO_S, " s"),
                                    ("--tokens-per-second", tokens_per_s, MAX_TOKENS_PER_S, "")):
        if value > high:
            raise InputError(f"{name} {value:g} is out of range; accepted: more than 0 to {high:g}{unit}")
    windows = math.ceil(audio_s / WHISPER_WINDOW_S)
    out_tokens = max(1.0, audio_s * tokens_per_s)
    per_window = out_tokens / windows
    d, le = m.d_model, m.layers
    ld = m.decoder_layers or le
    s = WHISPER_POSITIONS
    p_enc = 12.0 * le * d * d
    head = float((m.vocab or 51865) * d)
    p_dec = 16.0 * ld * d * d + head
    seqs = batch * windows
    conc = float(batch) if max_concurrent is None else max(1.0, min(float(batch), math.floor(max_concurrent)))
    waves = math.ceil(seqs / conc)
    wave = seqs / waves  # sequences per wave, spread evenly
    cross_kv = 2.0 * ld * d * d * 2.0 * s  # K and V projections of the encoder output, once per window
    enc = Phase("encoder", wave * (2.0 * p_enc * s + 4.0 * le * d * s * s + cross_kv), p_enc * BF16,
                wave * s * d * BF16, le, float(waves))
    ctx = s + per_window / 2.0
    cache = 2.0 * ld * d * (s + per_window) * BF16  # at the end of the window (the peak)
    dec = Phase("decoder", wave * (2.0 * p_dec + 4.0 * ld * d * ctx),
                p_dec * BF16 + wave * 2.0 * ld * d * ctx * BF16, wave * d * BF16, ld, per_window * waves)
    shape = {"windows": float(windows), "decoded_tokens": out_tokens, "encoder_positions": float(s),
             "concurrent_decodes": wave}
    return Workload((enc, dec), float(batch), (p_enc + p_dec) * BF16, shape, cache, wave, float(batch))


def vision_workload(m: TaskModel, images: int) -> Workload:
    """The vision encoder over ``images`` images at its native resolution."""
    n = float(((m.height or 224) // (m.patch or 14)) * ((m.width or 224) // (m.patch or 14)))
    p = m.params_b * 1e9
    flops = images * (2.0 * p * n + 4.0 * m.layers * m.d_model * n * n)
    phase = Phase("vision_encoder", flops, p * BF16, images * n * m.d_model * BF16, m.layers, 1.0)
    return Workload((phase,), float(images), p * BF16, {"patches_per_image": n,
                                                        "tokens_per_image": float(m.tokens_per_image or 0)})
