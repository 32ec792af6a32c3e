"""Resolve a model (registry name or explicit architecture) to :class:`~.arch.Architecture` objects.

Closed models carry parameter ranges in the registry (``active_params_b_low``/``_high``, ``total_params_b_low``/
``_high``); :func:`resolve` returns the architecture at the low, best and high parameter counts so the estimators can
propagate the range.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .arch import Architecture, mamba_state_bytes, mla_shape

if TYPE_CHECKING:
    from aifootprint.reference.registry import Registry

#: Developer (registry ``models.developer``) -> API provider key of ``api_providers.csv``.
PROVIDERS = {"openai": "openai", "anthropic": "anthropic", "google": "google", "mistral ai": "mistralai",
             "cohere": "cohere"}


@dataclass(frozen=True, slots=True)
class ResolvedModel:
    """A model at its best parameter count, plus low/high variants when the count is a range."""

    key: str
    best: Architecture
    low: Architecture
    high: Architecture
    open_weights: bool
    developer: str
    sources: tuple[str, ...]
    #: the longest input + output the model takes [tokens] (registry ``context_length``); None: not published
    context_length: int | None = None
    #: the serving precision the given name states (a quantised build, ``qwen2.5:7b-instruct-q4_K_M``: int4), with
    #: the tag as written: ``(precision, tag)``; None when the name states none
    name_precision: tuple[str, str] | None = None

    @property
    def is_range(self) -> bool:
        """True when the parameter count is not a single published figure."""
        return self.low.active_params_b != self.high.active_params_b or (
            self.low.total_params_b != self.high.total_params_b
        )

    @property
    def provider(self) -> str | None:
        """API provider key for closed models (data-centre defaults), else None."""
        return None if self.open_weights else PROVIDERS.get(self.developer.lower())


def from_registry_record(m: Any) -> ResolvedModel:
    """Convert a registry ``ModelArch`` (duck-typed) to a :class:`ResolvedModel`."""
    shape: dict[str, Any] = dict(
        layers=m.layers, d_model=m.d_model, heads=m.heads, kv_heads=m.kv_heads, head_dim=m.head_dim, vocab=m.vocab,
        tied_embeddings=bool(m.tied_embeddings), experts=m.experts, active_experts=m.active_experts,
    )
    shape.update(attention_variants(m))
    a_lo, a_best, a_hi = m.active_params_range_b
    t_lo, t_best, t_hi = m.total_params_range_b
    shape_known = m.layers is not None and m.d_model is not None
    est = bool(m.estimated) or not shape_known

    def mk(total: float, active: float) -> Architecture:
        return Architecture(
            name=m.key, total_params_b=total, active_params_b=min(active, total), estimated=est, **shape
        )

    best = mk(t_best, a_best)
    return ResolvedModel(
        key=m.key, best=best, low=mk(max(t_lo, a_lo), a_lo), high=mk(max(t_hi, a_hi), a_hi),
        open_weights=bool(m.open_weights), developer=str(m.developer), sources=tuple(m.sources),
        context_length=getattr(m, "context_length", None),
    )


def attention_variants(m: Any) -> dict[str, Any]:
    """Architecture keywords for the optional registry columns (duck-typed ``ModelArch``): attention-free layers of
    hybrid models, sliding-window / chunked layers, multi-head latent attention and Mamba-2 state (see
    :mod:`.arch`). Empty when the model has none of them."""
    out: dict[str, Any] = {}
    attn = getattr(m, "attention_layers", None)
    local = getattr(m, "local_attention_layers", None) or 0
    window = getattr(m, "sliding_window", None)
    if local and window:
        out.update(local_attn_layers=local, local_window=window)
    else:
        local = 0
    if attn is not None or local:
        out["global_attn_layers"] = max((attn if attn is not None else m.layers) - local, 0)
    rank, rope = getattr(m, "kv_lora_rank", None), getattr(m, "qk_rope_head_dim", None)
    if rank and rope:
        out["kv_values_per_layer"], out["head_dim"] = mla_shape(rank, rope)
    mamba = [getattr(m, f, None) for f in ("mamba_layers", "mamba_heads", "mamba_head_dim", "ssm_state_size")]
    if all(mamba):
        out["state_bytes_per_seq"] = mamba_state_bytes(*(int(v) for v in mamba if v is not None))
    return out


def resolve(model: str | Architecture, registry: Registry | None = None) -> ResolvedModel:
    """Look up ``model`` in the registry (InputError with close matches when unknown) or wrap an explicit
    :class:`Architecture` (treated as open weights, no range). A name that states a quantised build
    (``qwen2.5:7b-instruct-q4_K_M``, ``…-Instruct-Turbo``, ``…-FP8``: :mod:`aifootprint.reference.model_names`)
    resolves to its entry with :attr:`ResolvedModel.name_precision` set when the tag implies an estimator precision
    (4 bits: int4, 8 bits: fp8); otherwise it is refused naming the entry and the ``--precision`` to give."""
    if isinstance(model, Architecture):
        return ResolvedModel(model.name, model, model, model, True, "", ("user input",))
    from aifootprint.reference.models import QuantisedModelName, get_model

    try:
        return from_registry_record(get_model(model, registry))
    except QuantisedModelName as q:  # a quantised build: its entry at the precision its tag states, if one
        if q.precision is None:
            raise
        rec = from_registry_record(get_model(q.key, registry))
        return replace(rec, name_precision=(q.precision, q.tag))


def with_params(arch: Architecture, total_b: float, active_b: float) -> Architecture:
    """``arch`` with other parameter counts (shape kept)."""
    return replace(arch, total_params_b=total_b, active_params_b=min(active_b, total_b))


def native_precision(model: ResolvedModel, registry: Registry | None = None) -> str:
    """The precision the model's developer ships and serves (registry ``models.serving_precision``: gpt-oss MXFP4,
    DeepSeek-V3 FP8, …); closed models: their provider's deployment assumption (:mod:`.deployments`); ``bf16`` for
    explicit architectures and rows without one."""
    if not model.sources or model.sources == ("user input",):
        return "bf16"
    from .deployments import deployment_for

    dep = deployment_for(model.provider)
    if dep is not None:
        return dep.precision
    from aifootprint.reference.registry import default_registry

    row = (registry or default_registry()).table("models").find(model.key)
    v = None if row is None else row.get("serving_precision")
    return str(v) if isinstance(v, str) and v else "bf16"

