"""Typed access to the language-model table (``models.csv``).

Open-weight models carry the architecture from their published ``config.json`` or paper (HF-CONFIG-<MODEL>,
GPT3-PAPER, OPT-PAPER, DSV3-PAPER, BS22) and parameter counts from EcoLogits (ECO-MODELS, MPL-2.0) or the model
card. Closed models carry only parameter *ranges* estimated by EcoLogits (warning ``model-arch-not-released``);
their rows have status E and :attr:`ModelArch.estimated` is True. GPT-4o's best active size (100B) is Epoch AI's
assumption (EP25). Built by ``scripts/build_model_data.py``.

Names are matched case-insensitively; Hugging Face ids ("meta-llama/Llama-3.1-8B-Instruct"), chat/instruct
suffixes, version tags ("-v0.1"), dated API names ("claude-3-5-sonnet-20241022", "gpt-4o-2024-08-06") and the
spellings of gateways and providers (LiteLLM prefixes, OpenAI fine-tunes, AWS Bedrock ids, Vertex AI versions, Ollama
tags: :mod:`.model_names`) resolve to the base entry; the result's ``key`` names the entry used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import DataError, InputError, close_matches
from .model_names import Quantisation, finetune_base, name_candidates
from .registry import Registry, Row, default_registry, provenance, row_float, row_int, row_str

__all__ = ["ModelArch", "QuantisedModelName", "finetune_base", "get_model", "list_models", "model_candidates"]


def _bool(row: Row, column: str) -> bool | None:
    value = row.get(column)
    if value is None or isinstance(value, bool):
        return value
    raise DataError(f"row {row.get('key')!r}: column {column!r} holds {value!r}, expected true/false")


@dataclass(frozen=True)
class ModelArch:
    """Parameters and architecture of one model. ``None`` = not published (closed models: sizes only).

    ``*_low`` / ``*_high`` bound an estimated range (closed models); ``estimated`` is True for those rows.
    For MoE models ``ffn_dim`` is the width of one expert. The trailing optional fields describe attention variants
    and hybrid layers from each model's ``config.json`` (``None`` = not applicable / not transcribed):
    ``attention_layers`` (layers with self-attention when not all: hybrid Mamba models), ``local_attention_layers``
    and ``sliding_window`` (sliding-window or chunked attention), ``kv_lora_rank`` and ``qk_rope_head_dim``
    (multi-head latent attention, DeepSeek-V2/V3), ``mamba_layers``, ``mamba_heads``, ``mamba_head_dim`` and
    ``ssm_state_size`` (Mamba-2 layers).
    """

    key: str
    name: str
    developer: str
    open_weights: bool
    architecture: str
    total_params_b: float
    total_params_b_low: float | None
    total_params_b_high: float | None
    active_params_b: float
    active_params_b_low: float | None
    active_params_b_high: float | None
    layers: int | None
    d_model: int | None
    heads: int | None
    kv_heads: int | None
    head_dim: int | None
    ffn_dim: int | None
    vocab: int | None
    tied_embeddings: bool | None
    experts: int | None
    active_experts: int | None
    context_length: int | None
    estimated: bool
    sources: tuple[str, ...]
    year: int
    licence: str
    status: str
    notes: str
    attention_layers: int | None = None
    local_attention_layers: int | None = None
    sliding_window: int | None = None
    kv_lora_rank: int | None = None
    qk_rope_head_dim: int | None = None
    mamba_layers: int | None = None
    mamba_heads: int | None = None
    mamba_head_dim: int | None = None
    ssm_state_size: int | None = None

    @classmethod
    def from_row(cls, row: Row) -> ModelArch:
        """Build from a ``models.csv`` row."""
        total = row_float(row, "total_params_b")
        active = row_float(row, "active_params_b")
        year = row_int(row, "year")
        if total is None or active is None or year is None:
            raise DataError(f"models.csv row {row.get('key')!r}: total/active parameters and year are required")
        status = row_str(row, "status")
        return cls(
            key=row_str(row, "key"),
            name=row_str(row, "name"),
            developer=row_str(row, "developer"),
            open_weights=bool(_bool(row, "open_weights")),
            architecture=row_str(row, "architecture"),
            total_params_b=total,
            total_params_b_low=row_float(row, "total_params_b_low"),
            total_params_b_high=row_float(row, "total_params_b_high"),
            active_params_b=active,
            active_params_b_low=row_float(row, "active_params_b_low"),
            active_params_b_high=row_float(row, "active_params_b_high"),
            layers=row_int(row, "layers"),
            d_model=row_int(row, "d_model"),
            heads=row_int(row, "heads"),
            kv_heads=row_int(row, "kv_heads"),
            head_dim=row_int(row, "head_dim"),
            ffn_dim=row_int(row, "ffn_dim"),
            vocab=row_int(row, "vocab"),
            tied_embeddings=_bool(row, "tied_embeddings"),
            experts=row_int(row, "experts"),
            active_experts=row_int(row, "active_experts"),
            context_length=row_int(row, "context_length"),
            estimated=status == "E",
            **provenance(row),
            attention_layers=row_int(row, "attention_layers"),
            local_attention_layers=row_int(row, "local_attention_layers"),
            sliding_window=row_int(row, "sliding_window"),
            kv_lora_rank=row_int(row, "kv_lora_rank"),
            qk_rope_head_dim=row_int(row, "qk_rope_head_dim"),
            mamba_layers=row_int(row, "mamba_layers"),
            mamba_heads=row_int(row, "mamba_heads"),
            mamba_head_dim=row_int(row, "mamba_head_dim"),
            ssm_state_size=row_int(row, "ssm_state_size"),
        )

    @property
    def is_moe(self) -> bool:
        """True for mixture-of-experts models (active parameters < total)."""
        return self.architecture == "moe"

    @property
    def active_params_range_b(self) -> tuple[float, float, float]:
        """(low, best, high) active parameters in billions; (best, best, best) when no range is published."""
        best = self.active_params_b
        low = self.active_params_b_low if self.active_params_b_low is not None else best
        high = self.active_params_b_high if self.active_params_b_high is not None else best
        return (low, best, high)

    @property
    def total_params_range_b(self) -> tuple[float, float, float]:
        """(low, best, high) total parameters in billions; (best, best, best) when no range is published."""
        best = self.total_params_b
        low = self.total_params_b_low if self.total_params_b_low is not None else best
        high = self.total_params_b_high if self.total_params_b_high is not None else best
        return (low, best, high)


def list_models(registry: Registry | None = None) -> list[ModelArch]:
    """All models, in file order (open-weight first, then closed estimates)."""
    reg = registry or default_registry()
    return [ModelArch.from_row(r) for r in reg.table("models").rows]


def model_candidates(name: str) -> list[str]:
    """Keys to try for a user-given model name, most literal first (rules: :mod:`.model_names`)."""
    return [cand for cand, _ in name_candidates(name)]


def get_model(name: str, registry: Registry | None = None) -> ModelArch:
    """The model called ``name`` (key, case-insensitive; HF ids, suffixes, dated API names and provider / gateway
    spellings tolerated: :mod:`.model_names`); its ``key`` names the registry entry used.

    Raises :class:`~aifootprint.errors.InputError` naming close matches when nothing fits, and
    :class:`QuantisedModelName` (naming the entry and the ``--precision`` to give) when the name states a quantised
    build (``qwen2.5:7b-instruct-q4_K_M``): the estimator serves it at that precision
    (:func:`aifootprint.estimate.models.resolve`).
    """
    items = {m.key: m for m in list_models(registry)}
    candidates = name_candidates(name)
    for cand, quant in candidates:
        if cand in items:
            if quant is not None:
                raise _quantised(name, cand, quant)
            return items[cand]
    raise _unknown(name, candidates[-1][0], items)


class QuantisedModelName(InputError):
    """A model name that states a quantised build of a registry entry (``qwen2.5:7b-instruct-q4_K_M``): a
    :class:`~aifootprint.reference.models.ModelArch` cannot carry its precision, so :func:`get_model` raises this;
    the estimator (:func:`aifootprint.estimate.models.resolve`) serves the entry at :attr:`precision` when the tag
    implies one, with a notice."""

    def __init__(self, message: str, name: str, key: str, tag: str, quant: Quantisation) -> None:
        super().__init__(message)
        self.name, self.key, self.tag, self.bits, self.precision = name, key, tag, quant.bits, quant.precision


def _quantised(name: str, key: str, quant: Quantisation) -> QuantisedModelName:
    bits = f"{quant.bits}-bit weights" if quant.bits else "bits not stated"
    written = re.search(re.escape(quant.tag).replace(r"\-", "[-_]"), name, re.IGNORECASE)  # the tag as given
    tag = written.group() if written else quant.tag
    fix = (f"--model {key} --precision {quant.precision}" if quant.precision else
           f"--model {key} with the --precision of its weights (bf16, fp8, int4, mxfp4)")
    return QuantisedModelName(f"model {name!r} names a quantised build of {key} ({tag!r}: {bits}), and a model "
                              f"name does not set the serving precision: estimate it as {fix}", name, key, tag, quant)


def _unknown(name: str, read_as: str, items: dict[str, ModelArch]) -> InputError:
    """The unknown-model error: close names to the name as given and as read after the naming rules."""
    options = sorted(items)
    matches = list(dict.fromkeys(close_matches(read_as, options) + close_matches(name, options)))[:3]
    msg = f"unknown model {name!r}" + (f" (read as {read_as!r})" if read_as != name.strip().lower() else "")
    msg += f"; did you mean: {', '.join(matches)}?" if matches else "."
    if name.strip().lower().startswith("azure/"):  # a deployment name is the user's own (LiteLLM azure/<deployment>)
        msg += " An Azure deployment name is your own: give the model it serves (hooks: HookConfig(models=…))."
    more = f", … ({len(options)} in all)" if len(options) > 12 else ""
    return InputError(msg + f" Accepted: {', '.join(options[:12])}{more}.")
