"""Cited constant tables of ``build_model_data.py``: sources, open-weight model architectures, closed models.

Architecture numbers are transcribed from each model's published ``config.json`` / paper, cited per row
(``HF-CONFIG-<model>`` or the paper key); parameter counts are either looked up in EcoLogits by the builder
(``eco=``) or cited constants (``params_source``).
"""

from __future__ import annotations

from dataclasses import dataclass

ECO_URL = "https://github.com/genai-impact/ecologits/blob/main/ecologits/data/models.json"


def hf_url(repo: str) -> str:
    return f"https://huggingface.co/{repo}"


# key -> (citation, url, licence, status); HF-CONFIG-<KEY> entries are added below (see ``SOURCES``)
_BASE_SOURCES: dict[str, tuple[str, str, str, str]] = {
    "ECO-MODELS": (
        "GenAI Impact, EcoLogits model repository ecologits/data/models.json (v0.9.1, commit 2d0a1c7): parameter "
        "counts; closed-model sizes are EcoLogits estimates flagged 'model-arch-not-released'",
        ECO_URL,
        "MPL-2.0",
        "P",
    ),
    "EP25": (
        "J. You (Epoch AI), 'How much energy does ChatGPT use?', Feb 2025 (GPT-4o assumed 100B active / 400B total "
        "parameters; DGX H100 rated 10.2 kW)",
        "https://epoch.ai/gradient-updates/how-much-energy-does-chatgpt-use",
        "facts",
        "P",
    ),
    "GPT3-PAPER": (
        "T. Brown et al., 'Language Models are Few-Shot Learners', arXiv:2005.14165, 2020 (Table 2.1)",
        "https://arxiv.org/abs/2005.14165",
        "facts",
        "S",
    ),
    "OPT-PAPER": (
        "S. Zhang et al., 'OPT: Open Pre-trained Transformer Language Models', arXiv:2205.01068, 2022",
        "https://arxiv.org/abs/2205.01068",
        "facts",
        "S",
    ),
    "DSV3-PAPER": (
        "DeepSeek-AI, 'DeepSeek-V3 Technical Report', arXiv:2412.19437, 2024 (671B total / 37B activated)",
        "https://arxiv.org/abs/2412.19437",
        "facts",
        "S",
    ),
    "BS22": (
        "BigScience Workshop, 'BLOOM: A 176B-Parameter Open-Access Multilingual Language Model', arXiv:2211.05100, "
        "2022",
        "https://arxiv.org/abs/2211.05100",
        "facts",
        "S",
    ),
    "LLAMA2-CARD": (
        "Meta, Llama 2 model card (meta-llama/llama-models models/llama2/MODEL_CARD.md, commit a9c89c4)",
        "https://github.com/meta-llama/llama-models/blob/main/models/llama2/MODEL_CARD.md",
        "facts",
        "P",
    ),
    "LLAMA3-CARD": (
        "Meta, Llama 3 model card (meta-llama/llama-models models/llama3/MODEL_CARD.md, commit a9c89c4)",
        "https://github.com/meta-llama/llama-models/blob/main/models/llama3/MODEL_CARD.md",
        "facts",
        "P",
    ),
    "LLAMA31-CARD": (
        "Meta, Llama 3.1 model card (meta-llama/llama-models models/llama3_1/MODEL_CARD.md, commit a9c89c4)",
        "https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/MODEL_CARD.md",
        "facts",
        "P",
    ),
    "LLAMA32-CARD": (
        "Meta, Llama 3.2 model card (meta-llama/llama-models models/llama3_2/MODEL_CARD.md, commit a9c89c4)",
        "https://github.com/meta-llama/llama-models/blob/main/models/llama3_2/MODEL_CARD.md",
        "facts",
        "P",
    ),
    "LLAMA4-CARD": (
        "Meta, Llama 4 model card (meta-llama/llama-models models/llama4/MODEL_CARD.md, commit a9c89c4)",
        "https://github.com/meta-llama/llama-models/blob/main/models/llama4/MODEL_CARD.md",
        "facts",
        "P",
    ),
    "NEMOTRON2-PAPER": (
        "NVIDIA, 'NVIDIA Nemotron Nano 2: An Accurate and Efficient Hybrid Mamba-Transformer Reasoning Model', "
        "arXiv:2508.14444, 2025 (12B base model, pruned to 9B)",
        "https://arxiv.org/abs/2508.14444",
        "facts",
        "S",
    ),
    "QWEN3-CODER-CARD": (
        "Qwen team, Qwen3-Coder model cards (Qwen/Qwen3-Coder-480B-A35B-Instruct: 480B total / 35B activated; "
        "Qwen/Qwen3-Coder-30B-A3B-Instruct: 30.5B total / 3.3B activated), 2025",
        "https://huggingface.co/Qwen/Qwen3-Coder-480B-A35B-Instruct",
        "facts",
        "S",
    ),
    "MAXTEXT-CONFIGS": (
        "AI-Hypercomputer/maxtext, src/MaxText/configs/models/*.yml (public mirrors of model configs, used to "
        "check the config.json values)",
        "https://github.com/AI-Hypercomputer/maxtext/tree/main/src/MaxText/configs/models",
        "Apache-2.0",
        "S",
    ),
}


@dataclass(frozen=True)
class Arch:
    """Architecture numbers from a config.json (``ffn_dim`` is the per-expert width for MoE)."""

    layers: int
    d_model: int
    heads: int
    kv_heads: int
    head_dim: int
    ffn_dim: int
    vocab: int
    tied: bool
    context: int
    experts: int | None = None
    active_experts: int | None = None
    #: layers with a self-attention mixer when not all of them (hybrid Mamba models: '*' in hybrid_override_pattern)
    attn_layers: int | None = None
    #: attention layers restricted to a local window (sliding window, or Llama 4's chunked attention) and its size
    local_layers: int | None = None
    window: int | None = None
    #: multi-head latent attention (DeepSeek-V2/V3): compressed KV rank and decoupled RoPE key dimension
    kv_lora_rank: int | None = None
    qk_rope_head_dim: int | None = None
    #: Mamba-2 layers and their SSM shape (heads, head dim, state size)
    mamba_layers: int | None = None
    mamba_heads: int | None = None
    mamba_head_dim: int | None = None
    ssm_state: int | None = None


@dataclass(frozen=True)
class Open:
    """An open-weight model: params either from EcoLogits (``eco`` = its model name) or cited constants."""

    key: str
    name: str
    developer: str
    hf: str  # Hugging Face repository id (config.json cited as HF-CONFIG-<KEY>)
    arch: Arch
    year: int
    eco: str = ""  # EcoLogits huggingface_hub model name, when it lists the model
    total_b: float | None = None  # cited constant when not in EcoLogits
    active_b: float | None = None
    params_source: str = ""  # source key of the constant parameter counts
    notes: str = ""


A = Arch
OPEN_MODELS: list[Open] = [
    # Llama 2: parameter counts from EcoLogits (HF safetensors); architecture from config.json
    Open("llama-2-7b", "Llama 2 7B", "Meta", "meta-llama/Llama-2-7b-hf",
         A(32, 4096, 32, 32, 128, 11008, 32000, False, 4096), 2023, eco="meta-llama/Llama-2-7b-hf"),
    Open("llama-2-13b", "Llama 2 13B", "Meta", "meta-llama/Llama-2-13b-hf",
         A(40, 5120, 40, 40, 128, 13824, 32000, False, 4096), 2023, eco="meta-llama/Llama-2-13b-hf"),
    Open("llama-2-70b", "Llama 2 70B", "Meta", "meta-llama/Llama-2-70b-hf",
         A(80, 8192, 64, 8, 128, 28672, 32000, False, 4096), 2023, eco="meta-llama/Llama-2-70b-hf"),
    Open("llama-3-8b", "Llama 3 8B", "Meta", "meta-llama/Meta-Llama-3-8B",
         A(32, 4096, 32, 8, 128, 14336, 128256, False, 8192), 2024, eco="meta-llama/Meta-Llama-3-8B"),
    Open("llama-3-70b", "Llama 3 70B", "Meta", "meta-llama/Meta-Llama-3-70B",
         A(80, 8192, 64, 8, 128, 28672, 128256, False, 8192), 2024, eco="meta-llama/Meta-Llama-3-70B"),
    Open("llama-3.1-8b", "Llama 3.1 8B", "Meta", "meta-llama/Llama-3.1-8B",
         A(32, 4096, 32, 8, 128, 14336, 128256, False, 131072), 2024, eco="meta-llama/Meta-Llama-3.1-8B"),
    Open("llama-3.1-70b", "Llama 3.1 70B", "Meta", "meta-llama/Llama-3.1-70B",
         A(80, 8192, 64, 8, 128, 28672, 128256, False, 131072), 2024, eco="meta-llama/Meta-Llama-3.1-70B"),
    Open("llama-3.1-405b", "Llama 3.1 405B", "Meta", "meta-llama/Llama-3.1-405B",
         A(126, 16384, 128, 8, 128, 53248, 128256, False, 131072), 2024, eco="meta-llama/Meta-Llama-3.1-405B"),
    # Llama 3.2 text models: parameter counts from the model card (1.23B, 3.21B)
    Open("llama-3.2-1b", "Llama 3.2 1B", "Meta", "meta-llama/Llama-3.2-1B",
         A(16, 2048, 32, 8, 64, 8192, 128256, True, 131072), 2024, total_b=1.23, params_source="LLAMA32-CARD"),
    Open("llama-3.2-3b", "Llama 3.2 3B", "Meta", "meta-llama/Llama-3.2-3B",
         A(28, 3072, 24, 8, 128, 8192, 128256, True, 131072), 2024, total_b=3.21, params_source="LLAMA32-CARD"),
    # Qwen2.5: parameter counts from the Qwen model cards ("Number of Parameters")
    Open("qwen2.5-0.5b", "Qwen2.5 0.5B", "Alibaba Qwen", "Qwen/Qwen2.5-0.5B",
         A(24, 896, 14, 2, 64, 4864, 151936, True, 32768), 2024, total_b=0.49, params_source="HF-CONFIG-QWEN2.5-0.5B"),
    Open("qwen2.5-1.5b", "Qwen2.5 1.5B", "Alibaba Qwen", "Qwen/Qwen2.5-1.5B",
         A(28, 1536, 12, 2, 128, 8960, 151936, True, 32768), 2024, total_b=1.54,
         params_source="HF-CONFIG-QWEN2.5-1.5B"),
    Open("qwen2.5-3b", "Qwen2.5 3B", "Alibaba Qwen", "Qwen/Qwen2.5-3B",
         A(36, 2048, 16, 2, 128, 11008, 151936, True, 32768), 2024, total_b=3.09, params_source="HF-CONFIG-QWEN2.5-3B"),
    Open("qwen2.5-7b", "Qwen2.5 7B", "Alibaba Qwen", "Qwen/Qwen2.5-7B",
         A(28, 3584, 28, 4, 128, 18944, 152064, False, 131072), 2024, total_b=7.61,
         params_source="HF-CONFIG-QWEN2.5-7B"),
    Open("qwen2.5-14b", "Qwen2.5 14B", "Alibaba Qwen", "Qwen/Qwen2.5-14B",
         A(48, 5120, 40, 8, 128, 13824, 152064, False, 131072), 2024, total_b=14.7,
         params_source="HF-CONFIG-QWEN2.5-14B"),
    Open("qwen2.5-32b", "Qwen2.5 32B", "Alibaba Qwen", "Qwen/Qwen2.5-32B",
         A(64, 5120, 40, 8, 128, 27648, 152064, False, 131072), 2024, total_b=32.5,
         params_source="HF-CONFIG-QWEN2.5-32B"),
    Open("qwen2.5-72b", "Qwen2.5 72B", "Alibaba Qwen", "Qwen/Qwen2.5-72B",
         A(80, 8192, 64, 8, 128, 29568, 152064, False, 131072), 2024, total_b=72.7,
         params_source="HF-CONFIG-QWEN2.5-72B"),
    # Qwen3: parameter counts from the Qwen3 model cards; context = native length (YaRN extends to 131,072)
    Open("qwen3-0.6b", "Qwen3 0.6B", "Alibaba Qwen", "Qwen/Qwen3-0.6B",
         A(28, 1024, 16, 8, 128, 3072, 151936, True, 32768), 2025, total_b=0.6, params_source="HF-CONFIG-QWEN3-0.6B"),
    Open("qwen3-1.7b", "Qwen3 1.7B", "Alibaba Qwen", "Qwen/Qwen3-1.7B",
         A(28, 2048, 16, 8, 128, 6144, 151936, True, 32768), 2025, total_b=1.7, params_source="HF-CONFIG-QWEN3-1.7B",
         notes="architecture not in the MaxText mirror; transcribed from the Hugging Face config.json"),
    Open("qwen3-4b", "Qwen3 4B", "Alibaba Qwen", "Qwen/Qwen3-4B",
         A(36, 2560, 32, 8, 128, 9728, 151936, True, 32768), 2025, total_b=4.0, params_source="HF-CONFIG-QWEN3-4B"),
    Open("qwen3-8b", "Qwen3 8B", "Alibaba Qwen", "Qwen/Qwen3-8B",
         A(36, 4096, 32, 8, 128, 12288, 151936, False, 32768), 2025, total_b=8.2, params_source="HF-CONFIG-QWEN3-8B"),
    Open("qwen3-14b", "Qwen3 14B", "Alibaba Qwen", "Qwen/Qwen3-14B",
         A(40, 5120, 40, 8, 128, 17408, 151936, False, 32768), 2025, total_b=14.8,
         params_source="HF-CONFIG-QWEN3-14B"),
    Open("qwen3-32b", "Qwen3 32B", "Alibaba Qwen", "Qwen/Qwen3-32B",
         A(64, 5120, 64, 8, 128, 25600, 151936, False, 32768), 2025, total_b=32.8,
         params_source="HF-CONFIG-QWEN3-32B"),
    Open("qwen3-30b-a3b", "Qwen3 30B-A3B", "Alibaba Qwen", "Qwen/Qwen3-30B-A3B",
         A(48, 2048, 32, 4, 128, 768, 151936, False, 32768, 128, 8), 2025, total_b=30.5, active_b=3.3,
         params_source="HF-CONFIG-QWEN3-30B-A3B"),
    Open("qwen3-235b-a22b", "Qwen3 235B-A22B", "Alibaba Qwen", "Qwen/Qwen3-235B-A22B",
         A(94, 4096, 64, 4, 128, 1536, 151936, False, 32768, 128, 8), 2025, total_b=235, active_b=22,
         params_source="HF-CONFIG-QWEN3-235B-A22B"),
    # Mistral
    Open("mistral-7b", "Mistral 7B v0.1", "Mistral AI", "mistralai/Mistral-7B-v0.1",
         A(32, 4096, 32, 8, 128, 14336, 32000, False, 32768, local_layers=32, window=4096), 2023,
         eco="mistralai/Mistral-7B-v0.1",
         notes="sliding-window attention (4,096) in v0.1; v0.3 has a 32,768 vocabulary"),
    Open("mixtral-8x7b", "Mixtral 8x7B v0.1", "Mistral AI", "mistralai/Mixtral-8x7B-v0.1",
         A(32, 4096, 32, 8, 128, 14336, 32000, False, 32768, 8, 2), 2023, eco="mistralai/Mixtral-8x7B-v0.1"),
    Open("mixtral-8x22b", "Mixtral 8x22B v0.1", "Mistral AI", "mistralai/Mixtral-8x22B-v0.1",
         A(56, 6144, 48, 8, 128, 16384, 32768, False, 65536, 8, 2), 2024, eco="mistralai/Mixtral-8x22B-v0.1",
         notes="vocabulary of the v3 tokenizer (Instruct); the base v0.1 checkpoint may list 32,000"),
    # Gemma (Gemma 3 counts from EcoLogits' google_genai entries; 4B-27B include the vision encoder)
    Open("gemma-2-2b", "Gemma 2 2B", "Google", "google/gemma-2-2b",
         A(26, 2304, 8, 4, 256, 9216, 256000, True, 8192, local_layers=13, window=4096), 2024,
         eco="google/gemma-2-2b",
         notes="alternating local (4,096 sliding window) / global attention layers"),
    Open("gemma-2-9b", "Gemma 2 9B", "Google", "google/gemma-2-9b",
         A(42, 3584, 16, 8, 256, 14336, 256000, True, 8192, local_layers=21, window=4096), 2024,
         eco="google/gemma-2-9b",
         notes="alternating local (4,096 sliding window) / global attention layers"),
    Open("gemma-2-27b", "Gemma 2 27B", "Google", "google/gemma-2-27b",
         A(46, 4608, 32, 16, 128, 36864, 256000, True, 8192, local_layers=23, window=4096), 2024,
         eco="google/gemma-2-27b",
         notes="alternating local (4,096 sliding window) / global attention layers"),
    Open("gemma-3-1b", "Gemma 3 1B", "Google", "google/gemma-3-1b-pt",
         A(26, 1152, 4, 1, 256, 6912, 262144, True, 32768, local_layers=22, window=512), 2025,
         eco="gemma-3-1b-it",
         notes="5 local (sliding window) layers per global layer"),
    Open("gemma-3-4b", "Gemma 3 4B", "Google", "google/gemma-3-4b-pt",
         A(34, 2560, 8, 4, 256, 10240, 262208, True, 131072, local_layers=29, window=1024), 2025,
         eco="gemma-3-4b-it",
         notes="multimodal: parameter count includes the SigLIP vision encoder; text config shown"),
    Open("gemma-3-12b", "Gemma 3 12B", "Google", "google/gemma-3-12b-pt",
         A(48, 3840, 16, 8, 256, 15360, 262208, True, 131072, local_layers=40, window=1024), 2025,
         eco="gemma-3-12b-it",
         notes="multimodal: parameter count includes the SigLIP vision encoder; text config shown"),
    Open("gemma-3-27b", "Gemma 3 27B", "Google", "google/gemma-3-27b-pt",
         A(62, 5376, 32, 16, 128, 21504, 262208, True, 131072, local_layers=52, window=1024), 2025,
         eco="gemma-3-27b-it",
         notes="multimodal: parameter count includes the SigLIP vision encoder; text config shown"),
    # MoE frontier open models
    Open("deepseek-v3", "DeepSeek-V3", "DeepSeek", "deepseek-ai/DeepSeek-V3",
         A(61, 7168, 128, 128, 128, 2048, 129280, False, 163840, 256, 8, kv_lora_rank=512,
           qk_rope_head_dim=64), 2024, total_b=671, active_b=37,
         params_source="DSV3-PAPER",
         notes="multi-head latent attention (KV compressed to rank 512 + 64 RoPE dims; q/k head 192 = 128 + 64, "
         "v head 128); 256 routed experts + 1 shared, 8 routed active; first 3 layers dense (ffn 18,432); HF "
         "checkpoint is 685B incl. the multi-token-prediction module"),
    Open("gpt-oss-20b", "gpt-oss-20b", "OpenAI", "openai/gpt-oss-20b",
         A(24, 2880, 64, 8, 64, 2880, 201088, False, 131072, 32, 4, local_layers=12, window=128), 2025,
         eco="openai/gpt-oss-20b",
         notes="alternating dense / 128-token banded attention; MoE weights shipped in MXFP4; active count "
         "excludes the input embedding (OpenAI's convention)"),
    Open("gpt-oss-120b", "gpt-oss-120b", "OpenAI", "openai/gpt-oss-120b",
         A(36, 2880, 64, 8, 64, 2880, 201088, False, 131072, 128, 4, local_layers=18, window=128), 2025,
         eco="openai/gpt-oss-120b",
         notes="alternating dense / 128-token banded attention; MoE weights shipped in MXFP4; active count "
         "excludes the input embedding (OpenAI's convention)"),
    # Llama 4 (parameter counts from the Llama 4 model card): 3 of every 4 layers use chunked attention (8,192-token
    # chunks, modelled as a window), every 4th is global (NoPE); Maverick alternates dense and MoE layers
    Open("llama-4-scout", "Llama 4 Scout 17B-16E", "Meta", "meta-llama/Llama-4-Scout-17B-16E-Instruct",
         A(48, 5120, 40, 8, 128, 8192, 202048, False, 10485760, 16, 1, local_layers=36, window=8192), 2025,
         total_b=109, active_b=17, params_source="LLAMA4-CARD",
         notes="multimodal (text config shown); 1 shared + 1 of 16 routed experts per token; chunked attention "
         "modelled as a sliding window"),
    Open("llama-4-maverick", "Llama 4 Maverick 17B-128E", "Meta", "meta-llama/Llama-4-Maverick-17B-128E-Instruct",
         A(48, 5120, 40, 8, 128, 8192, 202048, False, 1048576, 128, 1, local_layers=36, window=8192), 2025,
         total_b=400, active_b=17, params_source="LLAMA4-CARD",
         notes="multimodal (text config shown); MoE in every 2nd layer (1 shared + 1 of 128 routed), dense ffn "
         "16,384 otherwise; chunked attention modelled as a sliding window"),
    # Qwen3-Coder (parameter counts from the model cards)
    Open("qwen3-coder-30b-a3b", "Qwen3-Coder 30B-A3B", "Alibaba Qwen", "Qwen/Qwen3-Coder-30B-A3B-Instruct",
         A(48, 2048, 32, 4, 128, 768, 151936, False, 262144, 128, 8), 2025, total_b=30.5, active_b=3.3,
         params_source="QWEN3-CODER-CARD"),
    Open("qwen3-coder-480b-a35b", "Qwen3-Coder 480B-A35B", "Alibaba Qwen", "Qwen/Qwen3-Coder-480B-A35B-Instruct",
         A(62, 6144, 96, 8, 128, 2560, 151936, False, 262144, 160, 8), 2025, total_b=480, active_b=35,
         params_source="QWEN3-CODER-CARD"),
    # Nemotron-H hybrids (hybrid_override_pattern: M = Mamba-2, * = attention, - = MLP); nominal sizes per the paper
    Open("nemotron-nano-9b-v2", "NVIDIA Nemotron Nano 9B v2", "NVIDIA", "nvidia/NVIDIA-Nemotron-Nano-9B-v2",
         A(56, 4480, 40, 8, 128, 15680, 131072, False, 131072, attn_layers=4, mamba_layers=27, mamba_heads=128,
           mamba_head_dim=80, ssm_state=128), 2025, total_b=9, params_source="NEMOTRON2-PAPER",
         notes="hybrid Mamba-2 / Transformer: 27 Mamba-2, 4 attention and 25 MLP layers ('layers' counts all 56)"),
    Open("nemotron-nano-12b-v2", "NVIDIA Nemotron Nano 12B v2", "NVIDIA", "nvidia/NVIDIA-Nemotron-Nano-12B-v2",
         A(62, 5120, 40, 8, 128, 20480, 131072, False, 131072, attn_layers=6, mamba_layers=28, mamba_heads=128,
           mamba_head_dim=80, ssm_state=128), 2025, total_b=12, params_source="NEMOTRON2-PAPER",
         notes="hybrid Mamba-2 / Transformer: 28 Mamba-2, 6 attention and 28 MLP layers ('layers' counts all 62)"),
    # Models with published training footprints
    Open("bloom-176b", "BLOOM 176B", "BigScience", "bigscience/bloom",
         A(70, 14336, 112, 112, 128, 57344, 250880, True, 2048), 2022, total_b=176, params_source="BS22",
         notes="ALiBi positions; multi-head attention (kv_heads = heads); ffn = 4 x d_model"),
    Open("opt-175b", "OPT-175B", "Meta", "",
         A(96, 12288, 96, 96, 128, 49152, 50272, True, 2048), 2022, total_b=175, params_source="OPT-PAPER",
         notes="weights released on request only (no public config for 175B; architecture per the OPT paper)"),
    Open("gpt-3", "GPT-3 175B", "OpenAI", "",
         A(96, 12288, 96, 96, 128, 49152, 50257, True, 2048), 2020, total_b=175, params_source="GPT3-PAPER",
         notes="weights not released; architecture from the paper (Table 2.1), GPT-2 BPE vocabulary, "
         "alternating dense / locally banded sparse attention"),
]  # fmt: skip

# Closed models: EcoLogits name -> (our key, display name, developer, release year). Sizes are EcoLogits estimates.
CLOSED_MODELS: list[tuple[str, str, str, str, int]] = [
    ("gpt-4o", "gpt-4o", "GPT-4o", "OpenAI", 2024),
    ("gpt-4o-mini", "gpt-4o-mini", "GPT-4o mini", "OpenAI", 2024),
    ("gpt-4", "gpt-4", "GPT-4", "OpenAI", 2023),
    ("gpt-4-turbo", "gpt-4-turbo", "GPT-4 Turbo", "OpenAI", 2024),
    ("gpt-3.5-turbo", "gpt-3.5-turbo", "GPT-3.5 Turbo", "OpenAI", 2023),
    ("gpt-4.1", "gpt-4.1", "GPT-4.1", "OpenAI", 2025),
    ("gpt-4.1-mini", "gpt-4.1-mini", "GPT-4.1 mini", "OpenAI", 2025),
    ("gpt-4.1-nano", "gpt-4.1-nano", "GPT-4.1 nano", "OpenAI", 2025),
    ("o1", "o1", "o1", "OpenAI", 2024),
    ("o3-mini", "o3-mini", "o3-mini", "OpenAI", 2025),
    ("o4-mini", "o4-mini", "o4-mini", "OpenAI", 2025),
    ("gpt-5", "gpt-5", "GPT-5", "OpenAI", 2025),
    ("gpt-5-mini", "gpt-5-mini", "GPT-5 mini", "OpenAI", 2025),
    ("gpt-5-nano", "gpt-5-nano", "GPT-5 nano", "OpenAI", 2025),
    ("claude-3-haiku-20240307", "claude-3-haiku", "Claude 3 Haiku", "Anthropic", 2024),
    ("claude-3-sonnet-20240229", "claude-3-sonnet", "Claude 3 Sonnet", "Anthropic", 2024),
    ("claude-3-opus-20240229", "claude-3-opus", "Claude 3 Opus", "Anthropic", 2024),
    ("claude-3-5-haiku-20241022", "claude-3.5-haiku", "Claude 3.5 Haiku", "Anthropic", 2024),
    ("claude-3-5-sonnet-20241022", "claude-3.5-sonnet", "Claude 3.5 Sonnet", "Anthropic", 2024),
    ("claude-3-7-sonnet-20250219", "claude-3.7-sonnet", "Claude 3.7 Sonnet", "Anthropic", 2025),
    ("claude-sonnet-4-20250514", "claude-sonnet-4", "Claude Sonnet 4", "Anthropic", 2025),
    ("claude-sonnet-4-5-20250929", "claude-sonnet-4.5", "Claude Sonnet 4.5", "Anthropic", 2025),
    ("claude-opus-4-20250514", "claude-opus-4", "Claude Opus 4", "Anthropic", 2025),
    ("claude-opus-4-1-20250805", "claude-opus-4.1", "Claude Opus 4.1", "Anthropic", 2025),
    ("claude-haiku-4-5-20251001", "claude-haiku-4.5", "Claude Haiku 4.5", "Anthropic", 2025),
    ("gemini-2.0-flash", "gemini-2.0-flash", "Gemini 2.0 Flash", "Google", 2025),
    ("gemini-2.0-flash-lite", "gemini-2.0-flash-lite", "Gemini 2.0 Flash-Lite", "Google", 2025),
    ("gemini-2.5-flash", "gemini-2.5-flash", "Gemini 2.5 Flash", "Google", 2025),
    ("gemini-2.5-flash-lite", "gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite", "Google", 2025),
    ("gemini-2.5-pro", "gemini-2.5-pro", "Gemini 2.5 Pro", "Google", 2025),
    ("mistral-medium-2505", "mistral-medium-3", "Mistral Medium 3", "Mistral AI", 2025),
]

# Epoch AI's GPT-4o assumption (EP25, P): 100B active of 400B total parameters.
EPOCH_GPT4O_ACTIVE_B = 100.0
EPOCH_GPT4O_TOTAL_B = 400.0


def hf_key(model_key: str) -> str:
    return f"HF-CONFIG-{model_key.upper()}"


def model_sources() -> dict[str, tuple[str, str, str, str]]:
    """SOURCES plus one HF-CONFIG-<KEY> entry per open model with a public config."""
    out = dict(_BASE_SOURCES)
    for m in OPEN_MODELS:
        if m.hf:
            card = "; parameter count from the model card" if m.params_source == hf_key(m.key) else ""
            out[hf_key(m.key)] = (
                f"{m.hf} on Hugging Face: model card and config.json{card}",
                hf_url(m.hf),
                "facts",
                "S",
            )
    return out


SOURCES = model_sources()


#: Native serving precision of open-weight models whose published checkpoint is not bf16: the weights the developer
#: ships and serves (key -> (precision, source key)). Every other model is served in bf16 (its config.json dtype).
#: gpt-oss: config.json ``quantization_config.quant_method = "mxfp4"`` (MoE weights in MXFP4; OpenAI model card);
#: DeepSeek-V3: config.json ``quantization_config.quant_method = "fp8"`` (FP8 weights, DSV3-PAPER §3.3);
#: Llama 4 Maverick: Meta ships an FP8 checkpoint for single-host serving (Llama 4 model card).
SERVING_PRECISION: dict[str, tuple[str, str]] = {
    "gpt-oss-20b": ("mxfp4", "HF-CONFIG-GPT-OSS-20B"),
    "gpt-oss-120b": ("mxfp4", "HF-CONFIG-GPT-OSS-120B"),
    "deepseek-v3": ("fp8", "HF-CONFIG-DEEPSEEK-V3"),
    "llama-4-maverick": ("fp8", "LLAMA4-CARD"),
}

