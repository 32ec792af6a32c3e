"""Right-sizing across tasks: for one task, specialised models next to general LLMs doing the same job.

Each row is one model estimated for the same input at one data-centre site, ranked by energy per item and shown as a
multiple of the cheapest — the structure of Luccioni et al. 2024's finding that task-specific models are far cheaper
than general-purpose ones for the same task (PHP24). General LLMs do the job by prompting:

* classification: the text plus an instruction (:data:`PROMPT_OVERHEAD_TOKENS`) in, a label
  (:data:`LABEL_TOKENS`) out;
* embedding: an LLM-based embedder reads the text once (prefill) and emits nothing (1 output step is counted).

Image, video and transcription compare the registry's models of that task with each other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aifootprint.errors import InputError, unknown_choice

from .estimator import COMMAND_TASKS, DEFAULT_ENCODER_BATCH, DEFAULT_TOKENS, TaskConfig, TaskEstimator, TaskSpec
from .models import task_models

if TYPE_CHECKING:
    from aifootprint.reference.registry import Registry
    from aifootprint.result import Result

#: Default models per task: specialised models first, then general LLMs (models.csv keys) prompted for the task.
DEFAULT_MODELS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "classification": (("distilbert-sst2", "bert-base-uncased", "roberta-large", "modernbert-large"),
                       ("llama-3.2-1b", "llama-3.1-8b", "llama-3.1-70b")),
    "embedding": (("all-minilm-l6-v2", "bge-base-en-v1.5", "bge-large-en-v1.5", "bge-m3"),
                  ("qwen3-0.6b", "llama-3.1-8b")),
}
#: Instruction tokens added to the text when an LLM is prompted to classify (assumption, status E).
PROMPT_OVERHEAD_TOKENS = 60
#: Tokens an LLM answers with when classifying (a label; assumption, status E).
LABEL_TOKENS = 3


def _default_models(task: str) -> tuple[list[str], list[str]]:
    if task in DEFAULT_MODELS:
        spec, llm = DEFAULT_MODELS[task]
        return list(spec), list(llm)
    return [m.key for m in task_models(task)], []


def compare_task(task: str, models: list[str] | None = None, config: TaskConfig | None = None,
                 tokens: int | None = None, registry: Registry | None = None) -> Result:
    """Rank models for ``task`` by energy per item at one site; names that are not ``task`` models are treated as
    general LLMs prompted to do it (classification and embedding only)."""
    from aifootprint.impacts import resolve_site
    from aifootprint.result import Result
    from aifootprint.uncertainty import Uncertain

    from ..inference import RequestConfig, RequestEstimator

    if task not in COMMAND_TASKS:
        raise unknown_choice("task", task, COMMAND_TASKS)
    cfg = config or TaskConfig()
    known = {m.key for m in task_models(task, registry)}
    if models is None:
        specialised, general = _default_models(task)
    else:
        if not models:
            raise InputError("give at least one model to compare")
        specialised = [m for m in models if m in known or _is_task_model(m, task, registry)]
        general = [m for m in models if m not in specialised]
        if general and task not in DEFAULT_MODELS:
            raise InputError(f"{', '.join(general)}: not {task} models (general LLMs can be compared only for "
                             f"classification and embedding); {task} models: {', '.join(sorted(known))}")
    from ..boundary import site_at

    site = site_at(resolve_site(cfg.location, cfg.operator, None, registry), cfg.boundary)
    n_tok = tokens or DEFAULT_TOKENS
    rows: list[dict[str, Any]] = []
    warnings: list[Any] = []
    for name in specialised:
        est = TaskEstimator(TaskSpec(task, name, tokens=tokens), cfg, registry, site=site)
        res = est.result()
        rows.append(_row(est.model.key, "specialised", est.model.params_b, res))
        warnings += [w if getattr(w, "code", "") == "unvalidated" else f"{est.model.key}: {w}"
                     for w in res.warnings if w not in site.warnings()]
    for name in general:
        rcfg = RequestConfig(hardware=cfg.hardware, accelerators=cfg.accelerators, boundary=cfg.boundary,
                             location=cfg.location, operator=cfg.operator, engine=cfg.engine,
                             calibration=cfg.calibration)
        llm = RequestEstimator(name, rcfg, registry, site=site)
        prompt, out = (n_tok + PROMPT_OVERHEAD_TOKENS, LABEL_TOKENS) if task == "classification" else (n_tok, 1)
        res = llm.result(prompt, out)
        rows.append(_row(llm.model.key, "general LLM (prompted)", llm.model.best.total_params_b, res))
        warnings += [f"{llm.model.key}: {w}" for w in res.warnings if w not in site.warnings()]
    rows.sort(key=lambda r: r["energy_wh"].best)
    cheapest = rows[0]["energy_wh"].best
    for rank, r in enumerate(rows, 1):
        r["rank"] = rank
        r["multiple_of_cheapest"] = r["energy_wh"].best / cheapest if cheapest > 0 else None
        r["energy_wh"] = Uncertain.from_any(r["energy_wh"])
    text_task = task in DEFAULT_MODELS
    # tokens per item and batch: what `estimate classification|embedding --tokens N --batch B` needs to reproduce a
    # specialised model's row (audit 2, item 6); the LLM rows add the prompt overhead below
    inputs = {"task": task, "models": [r["model"] for r in rows], "hardware": cfg.hardware,
              "boundary": cfg.boundary, "tokens": n_tok if text_task else None,
              "batch": DEFAULT_ENCODER_BATCH if text_task else None,
              "location": site.location, "zone": site.zone, "operator": site.operator}
    from aifootprint.result import Assumption

    extra = []
    if general:
        extra = [Assumption("prompt_overhead_tokens", PROMPT_OVERHEAD_TOKENS if task == "classification" else 0,
                            "tokens", "assumption (docs/methodology/tasks.md)"),
                 Assumption("llm_output_tokens", LABEL_TOKENS if task == "classification" else 1, "tokens",
                            "assumption (docs/methodology/tasks.md)")]
    return Result("compare-models-task", inputs, {"models": rows}, [*extra, *site.assumptions()],
                  [*site.warnings(), *dict.fromkeys(str(w) for w in warnings)])


def _is_task_model(name: str, task: str, registry: Registry | None) -> bool:
    from .models import get_task_model

    try:
        get_task_model(name, task, registry)
    except InputError:
        return False
    return True


def _row(key: str, kind: str, params_b: float, res: Result) -> dict[str, Any]:
    v = res.values
    return {"model": key, "kind": kind, "params_b": params_b, "accelerators": v["accelerators"],
            "energy_wh": v["energy_wh"], "carbon_g": v["carbon_g"], "water_l": v["water_l"],
            "latency_s": v["latency_s"]}
