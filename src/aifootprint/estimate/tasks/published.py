"""Per-task table: Wh per 1,000 inferences, our estimate beside the published figure (``request_figures.csv``,
keys ``php24-*``: Luccioni et al. 2024, Table 2).

Two setups:

* ``php24`` — Luccioni et al. 2024's measurement setup (facts.md section C): one A100-SXM4-80GB of an 8-GPU node
  busy at batch 1, the 7 other GPUs idle and the node's host counted (CodeCarbon measured the whole node), server
  boundary. Idle power and host power come from the registry (A100 ``idle_power_w``; reference server host share
  per accelerator × 8). This is how the published figures are compared (``benchmarks/validation_tasks.py``).
* ``served`` — the estimators' defaults (batched serving, the given accelerator, data-centre boundary).

Representative models per task (:data:`TASK_MODELS`) are an assumption: the paper averages 88 models whose list is
not in the registry; the estimate is the mean over the models listed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aifootprint.errors import unknown_choice

if TYPE_CHECKING:
    from aifootprint.reference.registry import Registry

SETUPS = ("php24", "served")
#: Registry models standing for each task (task_models.csv / models.csv keys).
TASK_MODELS: dict[str, tuple[str, ...]] = {
    "classification": ("distilbert-sst2", "bert-base-uncased", "roberta-base"),
    "embedding": ("all-minilm-l6-v2", "bge-base-en-v1.5", "bge-large-en-v1.5"),
    "transcription": ("whisper-small", "whisper-large-v3"),
    "text-generation": ("llama-3.2-1b", "qwen2.5-1.5b", "qwen2.5-7b"),
    "image": ("sd-1.5", "sd-2.1", "sdxl"),
    "video": ("wan2.1-t2v-1.3b", "cogvideox-2b"),
}
#: Published figures (``request_figures.csv`` keys) → the estimator shown beside them (None: no estimator here).
PUBLISHED: dict[str, str | None] = {
    "php24-text-classification": "classification", "php24-extractive-qa": None, "php24-masked-lm": None,
    "php24-token-classification": None, "php24-image-classification": None, "php24-object-detection": None,
    "php24-text-generation": "text-generation", "php24-summarization": None, "php24-image-captioning": None,
    "php24-image-generation": "image", "php24-image-generation-worst": None,
}
#: Luccioni et al.'s text-generation task: 10 new tokens; prompt length assumed (E).
PHP24_TEXT_TOKENS = (128, 10)
#: Tokens per classified / embedded text in the php24 setup (assumption, E).
PHP24_TOKENS = 128
#: GPUs in the PHP24 node (facts.md section C).
PHP24_NODE_GPUS = 8


@dataclass(frozen=True, slots=True)
class _Setup:
    hardware: str
    boundary: str
    batch: int | None
    idle_gpus: int


def _setup(setup: str, hardware: str) -> _Setup:
    if setup == "php24":
        return _Setup("a100-80gb", "server", 1, PHP24_NODE_GPUS - 1)
    if setup == "served":
        return _Setup(hardware, "datacenter", None, 0)
    raise unknown_choice("setup", setup, SETUPS)


def _node_extra_wh(s: _Setup, n: int, time_s: float, registry: Registry | None) -> float:
    """Idle draw of the node's unused GPUs and their host share over ``time_s`` (php24 setup only)."""
    if s.idle_gpus <= 0:
        return 0.0
    from aifootprint.estimate import boundary as bd
    from aifootprint.estimate.calibration import load_calibration

    idle = max(PHP24_NODE_GPUS - n, 0)
    cal = load_calibration(s.hardware, registry)
    return idle * (cal.idle_power_w + bd.server_share(registry).host_power_w) * time_s / 3600.0


def _task_wh(task: str, model: str, s: _Setup, registry: Registry | None) -> float:
    """Energy per inference [Wh] at the setup's boundary."""
    if task == "text-generation":
        from aifootprint.estimate.inference import RequestConfig, RequestEstimator

        cfg = RequestConfig(hardware=s.hardware, batch=s.batch or 64, boundary=s.boundary)
        r = RequestEstimator(model, cfg, registry).estimate(*PHP24_TEXT_TOKENS)
        return r.energy_wh + _node_extra_wh(s, r.accelerators, r.latency_s, registry)
    from .estimator import TaskConfig, TaskEstimator, TaskSpec

    tokens = PHP24_TOKENS if (s.idle_gpus and task in ("classification", "embedding")) else None
    est = TaskEstimator(TaskSpec(task, model, batch=s.batch, tokens=tokens),
                        TaskConfig(hardware=s.hardware, boundary=s.boundary), registry)
    p = est.estimate()
    if s.boundary == "datacenter":
        from aifootprint.estimate import boundary as bd

        pue = est.site().pue.value
        split = bd.split("datacenter", p.accelerator_wh, 0.0, p.host_wh, float(getattr(pue, "best", pue)))
        return split.total_wh
    return p.accelerator_wh + p.host_wh + _node_extra_wh(s, p.accelerators, p.batch_time_s / est.workload.items,
                                                         registry)


def task_table(setup: str = "served", hardware: str = "h100", registry: Registry | None = None
               ) -> list[dict[str, Any]]:
    """One row per task: ``task``, ``our_task``, ``published_wh_per_1000`` (None when not published),
    ``estimate_wh_per_1000`` (mean over :data:`TASK_MODELS`), ``models``, ``source``, ``hardware``, ``boundary``,
    ``setup``. Published tasks without an estimator here (object detection, …) are listed with a None estimate."""
    from aifootprint.reference.registry import default_registry

    s = _setup(setup, hardware)
    table = (registry or default_registry()).table("request_figures")
    rows: list[dict[str, Any]] = []
    done: set[str | None] = set()
    for key, ours in PUBLISHED.items():
        f = table.get(key)
        pub = f.get("energy_wh")
        desc = str(f.get("description") or key).split(" (Luccioni")[0].removeprefix("one inference, ")
        rows.append({"task": desc, "our_task": ours,
                     "published_wh_per_1000": float(pub) * 1000.0 if isinstance(pub, int | float) else None,
                     "source": str(f["source"]), "key": key})
        done.add(ours)
    for task in TASK_MODELS:
        if task not in done:
            rows.append({"task": task, "our_task": task, "published_wh_per_1000": None, "source": "", "key": ""})
    for r in rows:
        task = r["our_task"]
        if task is None:
            r.update(estimate_wh_per_1000=None, models="")
            continue
        models = TASK_MODELS[task]
        vals = [_task_wh(task, m, s, registry) for m in models]
        r.update(estimate_wh_per_1000=sum(vals) / len(vals) * 1000.0, models=", ".join(models))
    for r in rows:
        r.update(setup=setup, hardware=s.hardware, boundary=s.boundary)
    return rows


#: Grid intensity of Luccioni et al.'s measurements (AWS us-west-2), gCO2e/kWh (facts.md section C, PHP24, Q).
PHP24_INTENSITY_G_PER_KWH = 297.6


def php24_sdxl_check(registry: Registry | None = None) -> tuple[float, float]:
    """``(published_wh, estimate_wh)`` per SDXL image in Luccioni et al.'s setup. The published energy is derived (D)
    from their 1,594 gCO2e per 1,000 images (``request_figures.csv`` ``php24-sdxl``) ÷ 297.6 gCO2e/kWh."""
    from aifootprint.reference.registry import default_registry, row_float

    row = (registry or default_registry()).table("request_figures").get("php24-sdxl")
    carbon = row_float(row, "carbon_g") or 0.0
    return carbon / PHP24_INTENSITY_G_PER_KWH * 1000.0, _task_wh("image", "sdxl", _setup("php24", "a100-80gb"),
                                                                  registry)
