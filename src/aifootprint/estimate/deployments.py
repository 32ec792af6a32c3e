"""Deployment assumptions for closed models: how a provider is assumed to serve them (none is published).

Each default is chosen from evidence *other than* the per-prompt figure it is later compared with (docs/validation.md
§5 lists which disclosures fall inside the 5–95 % range, and why the others do not):

* **hardware**: NVIDIA H100 (the registry default). For OpenAI it is the hardware Epoch AI assumed (EP25). Google's
  Gemini runs on TPUs (GO25) and Anthropic's models on TPUs and Trainium; neither has a serving calibration here, so
  the H100 is a stand-in and the result is flagged.
* **precision**: FP8 weights on Hopper-class GPUs for frontier-scale models. The only serving precisions providers
  have published for their own large models are FP8 (DeepSeek-V3's released checkpoint, DSV3-PAPER) and MXFP4
  (OpenAI's gpt-oss release, HF-CONFIG-GPT-OSS-120B), both below bf16; FP8 is the more conservative of the two.
  Status E (assumption).
* **batch**: 64 concurrent sequences, EcoLogits' serving assumption (ECO; the estimator's default).
* **active / total parameters**: the registry's estimates (EcoLogits ranges, Epoch's 100 B active for GPT-4o).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Deployment:
    """How a provider is assumed to serve its closed models."""

    precision: str
    hardware_note: str
    source: str


#: API provider key (``models.PROVIDERS``) -> deployment assumption.
DEPLOYMENTS: dict[str, Deployment] = {
    "openai": Deployment("fp8", "H100 (Epoch AI's assumption, EP25)", "EP25;DSV3-PAPER;HF-CONFIG-GPT-OSS-120B (E)"),
    "google": Deployment("fp8", "TPU in production (GO25); H100 stand-in (no TPU serving calibration)",
                         "GO25;DSV3-PAPER (E)"),
    "anthropic": Deployment("fp8", "TPU/Trainium in production; H100 stand-in (no serving calibration)",
                            "DSV3-PAPER (E)"),
    "mistralai": Deployment("fp8", "H100 (Azure, ECO provider table)", "ECO-PROV;DSV3-PAPER (E)"),
    "cohere": Deployment("fp8", "H100 stand-in", "DSV3-PAPER (E)"),
}


def deployment_for(provider: str | None) -> Deployment | None:
    """The deployment assumption of a closed model's provider (None for open models / unknown providers)."""
    return None if provider is None else DEPLOYMENTS.get(provider)
