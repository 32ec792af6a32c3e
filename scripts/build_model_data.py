#!/usr/bin/env python3
"""Build ``models.csv`` (+ ``models.toml``): architecture of open-weight LLMs and cited parameter ranges of
closed models.

Inputs (read-only):

* ``<shared>/data/ecologits/models.json`` (EcoLogits v0.9.1, commit 2d0a1c7, MPL-2.0; key ECO-MODELS): parameter
  counts of open models published on Hugging Face, and the *estimated* ranges EcoLogits uses for closed models
  (flagged ``model-arch-not-released``). Values are looked up by name at build time.
* Architecture numbers (layers, widths, heads, vocabulary, experts, context) are transcribed in ``_model_facts.py``
  (with the source list and the closed-model list) from each model's published ``config.json`` / paper, cited per
  row (``HF-CONFIG-<model>`` or the paper key). They were checked against public mirrors of the configs (e.g.
  AI-Hypercomputer/maxtext ``configs/models/*.yml``), hence status S unless a paper is the primary source.

Run: ``python scripts/build_model_data.py [--shared ../shared] [--out src/aifootprint/reference/data]``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

if str(Path(__file__).resolve().parent) not in sys.path:  # importable by path (tests) as well as run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from _buildlib import (
    all_sources,
    check_sources,
    check_unique_keys,
    run_builder,
    write_csv,
    write_sidecar,
    write_sources,
)

# this builder's source list, re-exported (merged with the other builders' into sources/hardware_models.csv)
from _model_facts import (
    CLOSED_MODELS,
    EPOCH_GPT4O_ACTIVE_B,
    EPOCH_GPT4O_TOTAL_B,
    OPEN_MODELS,
    SERVING_PRECISION,
    hf_key,
)
from _model_facts import SOURCES as SOURCES

MODEL_COLUMNS = (
    "key", "name", "developer", "open_weights", "architecture", "total_params_b", "total_params_b_low",
    "total_params_b_high", "active_params_b", "active_params_b_low", "active_params_b_high", "layers", "d_model",
    "heads", "kv_heads", "head_dim", "ffn_dim", "vocab", "tied_embeddings", "experts", "active_experts",
    "context_length", "attention_layers", "local_attention_layers", "sliding_window", "kv_lora_rank",
    "qk_rope_head_dim", "mamba_layers", "mamba_heads", "mamba_head_dim", "ssm_state_size", "serving_precision",
    "source", "year", "licence", "status", "notes",
)  # fmt: skip

#: rows whose config is not among the MaxText mirrors (transcribed from the Hugging Face config.json only)
NOT_IN_MAXTEXT = {"qwen3-coder-30b-a3b", "qwen3-coder-480b-a35b", "nemotron-nano-9b-v2", "nemotron-nano-12b-v2"}


def _eco_index(shared: Path) -> dict[str, dict[str, Any]]:
    data = json.loads((shared / "data" / "ecologits" / "models.json").read_text(encoding="utf-8"))
    return {m["name"]: m for m in data["models"]}


def _eco_params(entry: dict[str, Any]) -> tuple[float | None, float | None, float | None, float, float, float]:
    """(total, total_low, total_high, active, active_low, active_high) from an EcoLogits architecture entry."""
    params = entry["architecture"]["parameters"]
    if isinstance(params, int | float):
        p = float(params)
        return p, None, None, p, p, p
    if "min" in params:  # dense, size uncertain: best = midpoint of the range
        lo, hi = float(params["min"]), float(params["max"])
        mid = round((lo + hi) / 2, 3)
        return mid, lo, hi, mid, lo, hi
    total = float(params["total"])
    active = params["active"]
    if isinstance(active, int | float):
        return total, None, None, float(active), float(active), float(active)
    lo, hi = float(active["min"]), float(active["max"])
    return total, None, None, round((lo + hi) / 2, 3), lo, hi


def open_rows(eco: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for m in OPEN_MODELS:
        a = m.arch
        moe = a.experts is not None
        sources = [hf_key(m.key)] if m.hf else []
        licence = "facts"
        if m.eco:
            total, _, _, active, _, _ = _eco_params(eco[m.eco])
            sources.append("ECO-MODELS")
            licence = "MPL-2.0"
        else:
            if m.total_b is None:
                raise ValueError(f"{m.key}: no parameter count")
            total = m.total_b
            active = m.active_b if m.active_b is not None else m.total_b
            if m.params_source not in sources:
                sources.append(m.params_source)
        if m.key in ("llama-2-7b", "llama-2-13b", "llama-2-70b"):
            sources.append("LLAMA2-CARD")
        if m.key not in NOT_IN_MAXTEXT:
            sources.append("MAXTEXT-CONFIGS")
        rows.append({
            "key": m.key, "name": m.name, "developer": m.developer, "open_weights": m.key != "gpt-3",
            "architecture": "moe" if moe else "dense",
            "total_params_b": total, "active_params_b": active,
            "layers": a.layers, "d_model": a.d_model, "heads": a.heads, "kv_heads": a.kv_heads,
            "head_dim": a.head_dim, "ffn_dim": a.ffn_dim, "vocab": a.vocab, "tied_embeddings": a.tied,
            "experts": a.experts, "active_experts": a.active_experts, "context_length": a.context,
            "attention_layers": a.attn_layers, "local_attention_layers": a.local_layers, "sliding_window": a.window,
            "kv_lora_rank": a.kv_lora_rank, "qk_rope_head_dim": a.qk_rope_head_dim, "mamba_layers": a.mamba_layers,
            "mamba_heads": a.mamba_heads, "mamba_head_dim": a.mamba_head_dim, "ssm_state_size": a.ssm_state,
            "serving_precision": SERVING_PRECISION.get(m.key, ("bf16", ""))[0],
            "source": ";".join(k for k in dict.fromkeys([*sources, SERVING_PRECISION.get(m.key, ("", ""))[1]]) if k),
            "year": m.year, "licence": licence, "status": "S",
            "notes": m.notes,
        })  # fmt: skip
    return rows


def closed_rows(eco: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for eco_name, key, name, developer, year in CLOSED_MODELS:
        entry = eco[eco_name]
        if "model-arch-not-released" not in (entry.get("warnings") or []):
            raise ValueError(f"{eco_name}: expected an estimated (closed) EcoLogits entry")
        total, t_lo, t_hi, active, a_lo, a_hi = _eco_params(entry)
        moe = entry["architecture"]["type"] == "moe"
        source = "ECO-MODELS"
        notes = "model-arch-not-released: EcoLogits estimate, not a vendor figure; best = midpoint of the range"
        if key == "gpt-4o":
            # Epoch (EP25) assumes 100B active / 400B total; it lies inside EcoLogits' 44-132B active range.
            active, source = EPOCH_GPT4O_ACTIVE_B, "ECO-MODELS;EP25"
            t_lo, t_hi = EPOCH_GPT4O_TOTAL_B, total
            notes = (
                "model-arch-not-released: active 44-132B and total 440B are EcoLogits estimates; best active 100B "
                "and total low 400B are Epoch AI's assumption (Feb 2025)"
            )
        rows.append({
            "key": key, "name": name, "developer": developer, "open_weights": False,
            "architecture": "moe" if moe else "dense",
            "total_params_b": total, "total_params_b_low": t_lo, "total_params_b_high": t_hi,
            "active_params_b": active, "active_params_b_low": a_lo, "active_params_b_high": a_hi,
            "source": source, "year": year, "licence": "MPL-2.0", "status": "E", "notes": notes,
        })  # fmt: skip
    return rows


def mistral_large_row(eco: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Mistral Large 2 (open weights under the Mistral Research License); size from EcoLogits' HF entry."""
    total, *_ = _eco_params(eco["mistralai/Mistral-Large-Instruct-2407"])
    return {
        "key": "mistral-large-2", "name": "Mistral Large 2 (2407)", "developer": "Mistral AI", "open_weights": True,
        "architecture": "dense", "total_params_b": total, "active_params_b": total,
        "source": "ECO-MODELS", "year": 2024, "licence": "MPL-2.0", "status": "S",
        "notes": "weights under the Mistral Research License; architecture details not transcribed (not checked)",
    }  # fmt: skip


MODEL_TOML = {
    "title": "Language models: parameters and architecture",
    "description": (
        "Open-weight models: architecture numbers from each model's config.json / paper, parameter counts from "
        "EcoLogits (Hugging Face safetensors counts) or the model card. Closed models: parameter RANGES estimated by "
        "EcoLogits (warning model-arch-not-released; status E), best = midpoint unless a cited point value exists "
        "(GPT-4o: Epoch AI's 100B active). For MoE models ffn_dim is the width of one expert."
    ),
    "key": "key",
    "builder": "scripts/build_model_data.py",
    "credit": (
        "Parameter counts and closed-model size estimates from EcoLogits, GenAI Impact (genai-impact/ecologits v0.9.1, "
        "commit 2d0a1c7), MPL-2.0 (https://mozilla.org/MPL/2.0/); architectures from the models' published "
        "config.json files and papers; GPT-4o point estimate from Epoch AI (2025)."
    ),
    "columns": {
        "key": "lower-case identifier",
        "name": "model name",
        "developer": "organisation",
        "open_weights": "true when the weights are downloadable",
        "architecture": "dense or moe",
        "total_params_b": "total parameters [billions]",
        "total_params_b_low": "low end of an estimated range [billions]",
        "total_params_b_high": "high end of an estimated range [billions]",
        "active_params_b": "parameters used per token [billions] (= total for dense)",
        "active_params_b_low": "low end of an estimated range [billions]",
        "active_params_b_high": "high end of an estimated range [billions]",
        "layers": "transformer blocks",
        "d_model": "hidden size",
        "heads": "attention (query) heads",
        "kv_heads": "key/value heads (GQA); = heads for multi-head attention",
        "head_dim": "dimension per head",
        "ffn_dim": "feed-forward width (per expert for MoE)",
        "vocab": "vocabulary size",
        "tied_embeddings": "input and output embeddings shared",
        "experts": "experts per MoE layer (routed)",
        "active_experts": "experts used per token",
        "context_length": "maximum (native) context length [tokens]",
        "serving_precision": "precision of the published checkpoint a provider serves (bf16, fp8, mxfp4); empty for "
        "closed models",
        "attention_layers": "layers with a self-attention mixer, when not all (hybrid Mamba models); empty = all",
        "local_attention_layers": "attention layers limited to a local window (sliding window, or chunked attention)",
        "sliding_window": "window of the local attention layers [tokens]",
        "kv_lora_rank": "multi-head latent attention: rank of the compressed KV latent cached per layer",
        "qk_rope_head_dim": "multi-head latent attention: decoupled RoPE key dimension cached per layer",
        "mamba_layers": "Mamba-2 (state-space) layers",
        "mamba_heads": "Mamba-2 heads per layer",
        "mamba_head_dim": "Mamba-2 head dimension",
        "ssm_state_size": "Mamba-2 SSM state size per head channel (d_state)",
        "source": "source keys, ';'-separated",
        "year": "release year",
        "licence": "licence of the data the values come from",
        "status": "P primary, Q quoted, S secondary, D derived, E estimate",
        "notes": "caveats",
    },
}


def build(shared: Path, out: Path) -> dict[str, int]:
    eco = _eco_index(shared)
    rows = [*open_rows(eco), mistral_large_row(eco), *closed_rows(eco)]
    check_unique_keys(rows, "models")
    check_sources(rows, all_sources(), "models")
    counts = {"models": write_csv(out / "models.csv", MODEL_COLUMNS, rows)}
    write_sidecar(out / "models.toml", **MODEL_TOML)  # type: ignore[arg-type]
    counts["sources"] = write_sources(out)
    return counts


def main() -> None:
    run_builder(build, __doc__)


if __name__ == "__main__":
    main()
