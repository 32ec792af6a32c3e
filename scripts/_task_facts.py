"""Cited constant tables of ``build_task_models.py``: non-LLM model architectures and published per-task figures.

Architecture numbers are transcribed from each model's published ``config.json`` on Hugging Face (diffusers
``transformer/config.json`` / ``unet/config.json``, transformers ``config.json``) or its paper, cited per row
(status S: transcribed, check against the primary before relying on a single digit). Values that no source states
(e.g. the compute of a VAE decoder per output pixel) are derived from the architecture and marked D, or assumed and
marked E, with the derivation in ``notes``.
"""

from __future__ import annotations

from typing import Any

from _model_facts import hf_url as hf

# key -> (citation, url, licence, status)
SOURCES: dict[str, tuple[str, str, str, str]] = {
    "FRAMEWORK-TAX": (
        "J. Fernandez, J. Kahn, C. Na, Y. Bisk, E. Strubell, 'The Framework Tax: Disparities Between Inference "
        "Efficiency in NLP Research and Deployment', EMNLP 2023, pp. 1588-1600, doi:10.18653/v1/2023.emnlp-main.98, "
        "arXiv:2302.06117 (released measurements, github.com/JaredFern/Framework-Tax: PyTorch eager framework time "
        "0.87 ms per layer = BERT-base minus DistilBERT latency at batch 1 / 6 layers, median of four GPUs; "
        "engines.EAGER_LAYER_OVERHEAD_S)",
        "https://aclanthology.org/2023.emnlp-main.98", "facts", "D"),
    "PHP24": (
        "A. S. Luccioni, Y. Jernite, E. Strubell, 'Power Hungry Processing: Watts Driving the Cost of AI Deployment?', "
        "FAccT 2024, arXiv:2311.16863 (Table 2 via a third-party research note; facts.md section C)",
        "https://arxiv.org/abs/2311.16863", "facts", "Q"),
    "HF-FLUX1": ("Black Forest Labs, FLUX.1 [dev] / [schnell] model cards and transformer/config.json (19 "
        "double-stream "
                 "+ 38 single-stream blocks, 24 heads × 128; diffusers FluxTransformer2DModel defaults)",
                 hf("black-forest-labs/FLUX.1-dev"), "facts", "S"),
    "HF-SD35": ("Stability AI, Stable Diffusion 3.5 Large / Medium model cards and transformer/config.json "
                "(MMDiT / MMDiT-X; Esser et al. 2024, 'Scaling Rectified Flow Transformers', arXiv:2403.03206)",
                hf("stabilityai/stable-diffusion-3.5-large"), "facts", "S"),
    "HF-SD": ("Stability AI / RunwayML / CompVis, Stable Diffusion v1.5, v2.1 and SDXL model cards and "
        "unet/config.json "
              "(Rombach et al. 2022, arXiv:2112.10752; Podell et al. 2023, SDXL, arXiv:2307.01952)",
              hf("stabilityai/stable-diffusion-xl-base-1.0"), "facts", "S"),
    "BKSDM": ("B.-K. Kim, H.-K. Song, T. Castells, S. Choi, 'BK-SDM: A Lightweight, Fast, and Cheap Version of Stable "
              "Diffusion', ECCV 2024, arXiv:2305.15798 (SD U-Net: 0.86 B parameters, 339 G MACs per step at 512×512)",
              "https://arxiv.org/abs/2305.15798", "facts", "S"),
    "HF-PIXART": ("PixArt-Σ XL-2-1024-MS model card and transformer/config.json (28 layers, 16 heads × 72; Chen et al. "
                  "2024, arXiv:2403.04692)", hf("PixArt-alpha/PixArt-Sigma-XL-2-1024-MS"), "facts", "S"),
    "HF-SANA": ("SANA 1.5 1.6B / 4.8B model cards and transformer/config.json (linear attention, DC-AE 32× "
                "autoencoder, Gemma-2-2B text encoder; Xie et al. 2025, arXiv:2501.18427)",
                hf("Efficient-Large-Model/SANA1.5_4.8B_1024px_diffusers"), "facts", "S"),
    "HF-HUNYUANDIT": ("Tencent Hunyuan-DiT v1.2 model card and config (40 layers, hidden 1408, bilingual CLIP + "
                      "mT5 text encoders; Li et al. 2024, arXiv:2405.08748)",
                      hf("Tencent-Hunyuan/HunyuanDiT-v1.2-Diffusers"), "facts", "S"),
    "HF-WAN21": ("Wan-AI Wan2.1 T2V 1.3B / 14B model cards and transformer/config.json (Wan VAE 4×8×8, patch 1×2×2, "
                 "umT5-XXL text encoder; Wan team 2025, arXiv:2503.20314)",
                 hf("Wan-AI/Wan2.1-T2V-14B-Diffusers"), "facts", "S"),
    "HF-COGVIDEOX": ("THUDM / zai-org CogVideoX-2b and CogVideoX1.5-5B model cards and transformer/config.json (3D "
                     "VAE 4×8×8, full 3D attention over video + text tokens; Yang et al. 2024, arXiv:2408.06072)",
                     hf("zai-org/CogVideoX1.5-5B"), "facts", "S"),
    "HF-HUNYUANVIDEO": ("Tencent HunyuanVideo model card and config (20 dual-stream + 40 single-stream blocks, hidden "
                        "3072, 3D VAE 4×8×8, MLLM text encoder; Kong et al. 2024, arXiv:2412.03603)",
                        hf("tencent/HunyuanVideo"), "facts", "S"),
    "HF-ENCODERS": ("Model cards and config.json of BERT (Devlin et al. 2019, arXiv:1810.04805), RoBERTa (Liu et al. "
                    "2019, arXiv:1907.11692), DistilBERT (Sanh et al. 2019, arXiv:1910.01108), MiniLM, E5 (Wang et al. "
                    "2022, arXiv:2212.03533), BGE (Xiao et al. 2023, arXiv:2309.07597), GTE v1.5, nomic-embed-text "
                    "v1.5 (Nussbaum et al. 2024, arXiv:2402.01613) and ModernBERT (Warner et al. 2024, "
                    "arXiv:2412.13663)", hf("answerdotai/ModernBERT-large"), "facts", "S"),
    "HF-WHISPER": ("OpenAI Whisper model cards and config.json (Radford et al. 2022, 'Robust Speech Recognition via "
                   "Large-Scale Weak Supervision', arXiv:2212.04356, Table 1: layers and widths; 30 s windows, "
                   "100 mel frames/s, stride-2 conv → 1,500 encoder positions)",
                   hf("openai/whisper-large-v3"), "facts", "S"),
    "GEMMA3-TR": ("Gemma Team, 'Gemma 3 Technical Report', arXiv:2503.19786 (SigLIP 400M vision encoder, images "
                  "resized to 896×896 and condensed to 256 tokens)", "https://arxiv.org/abs/2503.19786", "facts", "S"),
    "LLAMA4-CARD": ("Meta Llama 4 Scout / Maverick model cards and config.json (vision encoder on 336×336 tiles, "
                    "patch 14, pixel-shuffle ratio 0.5 → 144 tokens per tile)",
                    hf("meta-llama/Llama-4-Scout-17B-16E-Instruct"), "facts", "S"),
    "TASK-E": ("Assumptions of docs/methodology/tasks.md (default prompt lengths, speech rate, VAE compute per pixel "
               "derived from the SD VAE decoder's channel widths)", "", "facts", "E"),
}

#: Columns of ``task_models.csv`` (empty cell = not applicable to the row's task / not published).
COLUMNS = (
    "key", "name", "hf_id", "task", "arch", "params_b", "token_params_b", "layers", "d_model", "attention",
    "latent_factor",
    "latent_factor_t", "patch", "patch_t", "text_tokens", "cfg", "steps", "height", "width", "frames",
    "text_encoder_params_b", "vae_gflops_per_mpx", "unet_macs_per_param_pixel", "vocab", "max_tokens",
    "decoder_layers", "tokens_per_image", "vision_params_b", "llm_models", "source", "year", "licence", "status",
    "notes",
)

#: ``token_params_b`` (D): weights applied to every latent token in one denoiser pass, from each config's block
#: count ``L``, width ``d`` and MLP width: 12 d² per transformer block with a 4d MLP (Q, K, V, O 4 d² + MLP 8 d²;
#: MMDiT: each token passes its own stream's block, so 12 d² per double block too), + 2 d² for the Q/O projections
#: of a cross-attention; adaLN modulation weights act on one conditioning vector, not on the tokens, and are
#: excluded. FLUX.1: (19 + 38) × 12 × 3072²; SD3.5 L: 38 × 12 × 2432²; SD3.5 M: 24 × 12 × 1536² + 13 dual-attention
#: layers × 4 × 1536²; PixArt-Σ: 28 × 14 × 1152²; SANA: L × (4 linear-attn + 2 cross + 7.5 Mix-FFN) × 2240²;
#: Hunyuan-DiT: 40 × (6 + 8.73) × 1408² + 19 skip layers × 2 × 1408²; Wan2.1 1.3B: 30 × (6 + 2 × 8960/1536) × 1536²;
#: Wan2.1 14B: 40 × (6 + 2 × 13824/5120) × 5120²; CogVideoX: L × 12 d²; HunyuanVideo: (20 + 40) × 12 × 3072².
#: SD VAE decoder compute per output megapixel [GFLOP], derived (D): three ResNet blocks (two 3×3 convs each) per
#: level at widths 128/256/512/512 on 1, 1/4, 1/16, 1/64 of the output pixels ≈ 4 × 2 × 3 × 2 × 9 × 128² FLOP/pixel
#: ≈ 7 MFLOP/pixel (Rombach et al. 2022 decoder widths). Small next to denoising (≤ 3 % of SD 1.5 at 50 steps).
VAE_GFLOPS_PER_MPX = 7000.0
#: BK-SDM: SD U-Net 339 G MACs per step for a 64×64 latent (512×512 image) with 0.86 B parameters →
#: 339e9 / (0.86e9 × 4096) = 0.0962 MACs per parameter per latent pixel (D). Used for the three U-Nets.
UNET_MACS_PER_PARAM_PIXEL = round(339e9 / (0.86e9 * 4096), 4)
T5XXL_ENC_B = 4.76  # T5 v1.1 XXL encoder (Raffel et al. 2020; FLUX/SD3/PixArt/CogVideoX text encoder)
CLIP_L_B = 0.123
CLIP_G_B = 0.695


def _row(key: str, name: str, hf_id: str, task: str, arch: str, source: str, status: str = "S",
         year: int = 2024, notes: str = "", **kw: Any) -> dict[str, Any]:
    return {"key": key, "name": name, "hf_id": hf_id, "task": task, "arch": arch, "source": source, "year": year,
            "licence": "facts", "status": status, "notes": notes, **kw}


def _image(key: str, name: str, hf_id: str, arch: str, source: str, *, params_b: float, layers: int, d_model: int,
           token_params_b: float | None = None,
           attention: str, text_tokens: int, cfg: int, steps: int, size: int, text_encoder_params_b: float,
           latent_factor: int = 8, patch: int = 2, year: int = 2024, notes: str = "",
           unet: bool = False) -> dict[str, Any]:
    return _row(key, name, hf_id, "image", arch, source + ";TASK-E", year=year, notes=notes, params_b=params_b,

                token_params_b=token_params_b, layers=layers, d_model=d_model, attention=attention,
                latent_factor=latent_factor, patch=patch,
                text_tokens=text_tokens, cfg=cfg, steps=steps, height=size, width=size,
                text_encoder_params_b=text_encoder_params_b, vae_gflops_per_mpx=VAE_GFLOPS_PER_MPX,
                unet_macs_per_param_pixel=UNET_MACS_PER_PARAM_PIXEL if unet else None)


def _video(key: str, name: str, hf_id: str, source: str, *, params_b: float, layers: int, d_model: int,
           token_params_b: float,
           attention: str, text_tokens: int, cfg: int, frames: int, height: int, width: int,
           text_encoder_params_b: float, patch_t: int = 1, notes: str = "", year: int = 2025) -> dict[str, Any]:
    return _row(key, name, hf_id, "video", "video-dit", source + ";TASK-E", year=year, notes=notes,
                params_b=params_b, token_params_b=token_params_b, layers=layers, d_model=d_model,
                attention=attention, latent_factor=8,
                latent_factor_t=4, patch=2, patch_t=patch_t, text_tokens=text_tokens, cfg=cfg, steps=50,
                height=height, width=width, frames=frames, text_encoder_params_b=text_encoder_params_b,
                vae_gflops_per_mpx=VAE_GFLOPS_PER_MPX)


def _encoder(key: str, name: str, hf_id: str, task: str, *, params_b: float, layers: int, d_model: int, vocab: int,
             max_tokens: int = 512, year: int = 2019) -> dict[str, Any]:
    return _row(key, name, hf_id, task, "encoder", "HF-ENCODERS", year=year, params_b=params_b, layers=layers,
                d_model=d_model, attention="full", vocab=vocab, max_tokens=max_tokens)


def _whisper(key: str, name: str, params_b: float, layers: int, d_model: int, decoder_layers: int,
             year: int = 2022) -> dict[str, Any]:
    return _row(key, name, f"openai/{key}", "transcription", "whisper", "HF-WHISPER", year=year, params_b=params_b,
                layers=layers, d_model=d_model, decoder_layers=decoder_layers, attention="full",
                vocab=51866 if "v3" in key else 51865, max_tokens=448)


def model_rows() -> list[dict[str, Any]]:
    """Every row of ``task_models.csv``."""
    t5 = T5XXL_ENC_B
    rows = [
        _image("sd-1.5", "Stable Diffusion v1.5", "stable-diffusion-v1-5/stable-diffusion-v1-5", "unet", "HF-SD;BKSDM",
               params_b=0.86, layers=16, d_model=320, attention="cross", text_tokens=77, cfg=2, steps=50, size=512,
               text_encoder_params_b=CLIP_L_B, unet=True, year=2022,
               notes="U-Net FLOPs from BK-SDM's 339 G MACs per step at 512×512, scaled with latent pixels"),
        _image("sd-2.1", "Stable Diffusion v2.1", "stabilityai/stable-diffusion-2-1", "unet", "HF-SD;BKSDM",
               params_b=0.865, layers=16, d_model=320, attention="cross", text_tokens=77, cfg=2, steps=50, size=768,
               text_encoder_params_b=0.354, unet=True, year=2022,
               notes="U-Net FLOPs scaled from BK-SDM's SD U-Net figure (same layout, OpenCLIP-H text encoder)"),
        _image("sdxl", "Stable Diffusion XL base 1.0", "stabilityai/stable-diffusion-xl-base-1.0", "unet",
               "HF-SD;BKSDM", params_b=2.567, layers=70, d_model=320, attention="cross", text_tokens=77, cfg=2,
               steps=50, size=1024, text_encoder_params_b=CLIP_L_B + CLIP_G_B, unet=True, year=2023,
               notes="U-Net FLOPs scaled from BK-SDM's SD 1.x MACs per parameter per latent pixel (estimate: SDXL "
                     "moves attention to lower resolutions)"),
        _image("sd-3.5-medium", "Stable Diffusion 3.5 Medium", "stabilityai/stable-diffusion-3.5-medium", "mmdit",
               "HF-SD35",
               token_params_b=0.802, params_b=2.5, layers=24, d_model=1536, attention="joint", text_tokens=333,
               cfg=2, steps=28,
               size=1024, text_encoder_params_b=CLIP_L_B + CLIP_G_B + t5,
               notes="MMDiT-X; 77 CLIP + 256 T5 tokens; steps as in ML.ENERGY v3.0"),
        _image("sd-3.5-large", "Stable Diffusion 3.5 Large", "stabilityai/stable-diffusion-3.5-large", "mmdit",
               "HF-SD35",
               token_params_b=2.697, params_b=8.1, layers=38, d_model=2432, attention="joint", text_tokens=333,
               cfg=2, steps=28,
               size=1024, text_encoder_params_b=CLIP_L_B + CLIP_G_B + t5, notes="77 CLIP + 256 T5 tokens"),
        _image("flux.1-dev", "FLUX.1 [dev]", "black-forest-labs/FLUX.1-dev", "mmdit", "HF-FLUX1",
        token_params_b=6.455, params_b=11.9,
               layers=57, d_model=3072, attention="joint", text_tokens=512, cfg=1, steps=50, size=1024,
               text_encoder_params_b=t5 + CLIP_L_B, patch=2,
               notes="guidance-distilled (one pass per step); 16-channel latent packed 2×2; steps as in ML.ENERGY"),
        _image("flux.1-schnell", "FLUX.1 [schnell]", "black-forest-labs/FLUX.1-schnell", "mmdit", "HF-FLUX1",

               token_params_b=6.455, params_b=11.9, layers=57, d_model=3072, attention="joint", text_tokens=256,
               cfg=1, steps=4, size=1024,
               text_encoder_params_b=t5 + CLIP_L_B, notes="timestep-distilled: 4 steps, no CFG"),
        _image("pixart-sigma", "PixArt-Σ XL-2 1024", "PixArt-alpha/PixArt-Sigma-XL-2-1024-MS", "dit", "HF-PIXART",

               token_params_b=0.52, params_b=0.6, layers=28, d_model=1152, attention="cross", text_tokens=300,
               cfg=2, steps=20, size=1024,
               text_encoder_params_b=t5),
        _image("sana-1.5-1.6b", "SANA 1.5 1.6B", "Efficient-Large-Model/SANA1.5_1.6B_1024px_diffusers", "dit",
               "HF-SANA",
               token_params_b=1.355, params_b=1.6, layers=20, d_model=2240, attention="linear", text_tokens=300,
               cfg=2, steps=20,
               size=1024, text_encoder_params_b=2.6, latent_factor=32, patch=1, year=2025,
               notes="linear attention (cost linear in tokens, folded into the weights' FLOPs); DC-AE f32"),
        _image("sana-1.5-4.8b", "SANA 1.5 4.8B", "Efficient-Large-Model/SANA1.5_4.8B_1024px_diffusers", "dit",
               "HF-SANA",
               token_params_b=4.065, params_b=4.8, layers=60, d_model=2240, attention="linear", text_tokens=300,
               cfg=2, steps=20,
               size=1024, text_encoder_params_b=2.6, latent_factor=32, patch=1, year=2025),
        _image("hunyuan-dit-1.2", "Hunyuan-DiT v1.2", "Tencent-Hunyuan/HunyuanDiT-v1.2-Diffusers", "dit",
               "HF-HUNYUANDIT",
               token_params_b=1.243, params_b=1.5, layers=40, d_model=1408, attention="cross", text_tokens=333, cfg=2,
               steps=50, size=1024, text_encoder_params_b=2.0,
               notes="text encoders (bilingual CLIP + mT5) ≈ 2.0 B: estimate"),
        _video("wan2.1-t2v-1.3b", "Wan2.1 T2V 1.3B", "Wan-AI/Wan2.1-T2V-1.3B-Diffusers", "HF-WAN21",
        token_params_b=1.251, params_b=1.3,
               layers=30, d_model=1536, attention="cross", text_tokens=512, cfg=2, frames=81, height=480, width=832,
               text_encoder_params_b=5.7, notes="umT5-XXL encoder ≈ 5.7 B (estimate)"),
        _video("wan2.1-t2v-14b", "Wan2.1 T2V 14B", "Wan-AI/Wan2.1-T2V-14B-Diffusers", "HF-WAN21",
        token_params_b=11.95, params_b=14.0,
               layers=40, d_model=5120, attention="cross", text_tokens=512, cfg=2, frames=81, height=480, width=832,
               text_encoder_params_b=5.7, notes="umT5-XXL encoder ≈ 5.7 B (estimate)"),
        _video("cogvideox-2b", "CogVideoX 2B", "zai-org/CogVideoX-2b", "HF-COGVIDEOX",
        token_params_b=1.327, params_b=2.0, layers=30,
               d_model=1920, attention="joint", text_tokens=226, cfg=2, frames=49, height=480, width=720,
               text_encoder_params_b=t5, year=2024),
        _video("cogvideox1.5-5b", "CogVideoX1.5 5B", "zai-org/CogVideoX1.5-5B", "HF-COGVIDEOX",
        token_params_b=4.756, params_b=5.0,
               layers=42, d_model=3072, attention="joint", text_tokens=224, cfg=2, frames=81, height=768, width=1360,
               text_encoder_params_b=t5, patch_t=2, year=2024, notes="temporal patch 2"),
        _video("hunyuanvideo", "HunyuanVideo", "tencent/HunyuanVideo", "HF-HUNYUANVIDEO",
        token_params_b=6.795, params_b=13.0, layers=60,
               d_model=3072, attention="joint", text_tokens=256, cfg=1, frames=129, height=720, width=1280,
               text_encoder_params_b=8.0 + CLIP_L_B, year=2024,
               notes="embedded (distilled) guidance: one pass per step; LLaVA-Llama-3-8B text encoder"),
    ]
    emb, cls = "embedding", "classification"
    rows += [
        _encoder("bert-base-uncased", "BERT base", "google-bert/bert-base-uncased", cls, params_b=0.110, layers=12,
                 d_model=768, vocab=30522),
        _encoder("bert-large-uncased", "BERT large", "google-bert/bert-large-uncased", cls, params_b=0.336,
                 layers=24, d_model=1024, vocab=30522),
        _encoder("roberta-base", "RoBERTa base", "FacebookAI/roberta-base", cls, params_b=0.125, layers=12,
                 d_model=768, vocab=50265),
        _encoder("roberta-large", "RoBERTa large", "FacebookAI/roberta-large", cls, params_b=0.355, layers=24,
                 d_model=1024, vocab=50265),
        _encoder("distilbert-base-uncased", "DistilBERT base", "distilbert/distilbert-base-uncased", cls,
                 params_b=0.066, layers=6, d_model=768, vocab=30522),
        _encoder("distilbert-sst2", "DistilBERT SST-2 (sentiment)",
                 "distilbert/distilbert-base-uncased-finetuned-sst-2-english", cls, params_b=0.067, layers=6,
                 d_model=768, vocab=30522),
        _encoder("modernbert-base", "ModernBERT base", "answerdotai/ModernBERT-base", cls, params_b=0.149,
                 layers=22, d_model=768, vocab=50368, max_tokens=8192, year=2024),
        _encoder("modernbert-large", "ModernBERT large", "answerdotai/ModernBERT-large", cls, params_b=0.395,
                 layers=28, d_model=1024, vocab=50368, max_tokens=8192, year=2024),
        _encoder("all-minilm-l6-v2", "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2", emb,
                 params_b=0.0227, layers=6, d_model=384, vocab=30522, max_tokens=256, year=2021),
        _encoder("e5-base-v2", "E5 base v2", "intfloat/e5-base-v2", emb, params_b=0.110, layers=12, d_model=768,
                 vocab=30522, year=2023),
        _encoder("e5-large-v2", "E5 large v2", "intfloat/e5-large-v2", emb, params_b=0.335, layers=24, d_model=1024,
                 vocab=30522, year=2023),
        _encoder("multilingual-e5-large", "multilingual E5 large", "intfloat/multilingual-e5-large", emb,
                 params_b=0.560, layers=24, d_model=1024, vocab=250002, year=2023),
        _encoder("bge-base-en-v1.5", "BGE base en v1.5", "BAAI/bge-base-en-v1.5", emb, params_b=0.110, layers=12,
                 d_model=768, vocab=30522, year=2023),
        _encoder("bge-large-en-v1.5", "BGE large en v1.5", "BAAI/bge-large-en-v1.5", emb, params_b=0.335, layers=24,
                 d_model=1024, vocab=30522, year=2023),
        _encoder("bge-m3", "BGE-M3", "BAAI/bge-m3", emb, params_b=0.568, layers=24, d_model=1024, vocab=250002,
                 max_tokens=8192, year=2024),
        _encoder("gte-base-en-v1.5", "GTE base en v1.5", "Alibaba-NLP/gte-base-en-v1.5", emb, params_b=0.137,
                 layers=12, d_model=768, vocab=30528, max_tokens=8192, year=2024),
        _encoder("nomic-embed-text-v1.5", "nomic-embed-text v1.5", "nomic-ai/nomic-embed-text-v1.5", emb,
                 params_b=0.137, layers=12, d_model=768, vocab=30528, max_tokens=8192, year=2024),
        _whisper("whisper-tiny", "Whisper tiny", 0.039, 4, 384, 4),
        _whisper("whisper-base", "Whisper base", 0.074, 6, 512, 6),
        _whisper("whisper-small", "Whisper small", 0.244, 12, 768, 12),
        _whisper("whisper-medium", "Whisper medium", 0.769, 24, 1024, 24),
        _whisper("whisper-large-v3", "Whisper large-v3", 1.55, 32, 1280, 32, year=2023),
        _whisper("whisper-large-v3-turbo", "Whisper large-v3 turbo", 0.809, 32, 1280, 4, year=2024),
        _row("gemma-3-vision", "Gemma 3 SigLIP vision encoder", "google/gemma-3-27b-it", "vision", "vit",
             "GEMMA3-TR", year=2025, params_b=0.4, layers=27, d_model=1152, attention="full", height=896, width=896,
             patch=14, tokens_per_image=256, llm_models="gemma-3-4b;gemma-3-12b;gemma-3-27b",
             notes="4,096 patches per 896×896 image average-pooled to 256 soft tokens"),
        _row("llama-4-vision", "Llama 4 vision encoder", "meta-llama/Llama-4-Scout-17B-16E-Instruct", "vision", "vit",
             "LLAMA4-CARD", year=2025, params_b=0.9, layers=34, d_model=1408, attention="full", height=336,
             width=336, patch=14, tokens_per_image=144, llm_models="llama-4-scout;llama-4-maverick",
             notes="tokens per 336×336 tile; larger images add tiles (+1 global tile); encoder size an estimate"),
    ]
    return rows
