"""Typed access to ``task_models.csv``: diffusion (image, video), encoder (embedding, classification), Whisper
(transcription) and vision-encoder rows, each with its source. Built by ``scripts/build_task_models.py``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from aifootprint.errors import InputError, unknown_choice

if TYPE_CHECKING:
    from aifootprint.reference.registry import Registry, Row

DATASET = "task_models"
#: Tasks of the registry rows; ``embedding`` and ``classification`` share the encoder rows.
TASKS = ("image", "video", "embedding", "classification", "transcription", "vision")
ENCODER_TASKS = ("embedding", "classification")


@dataclass(frozen=True, slots=True)
class TaskModel:
    """One non-LLM model (``None`` = not applicable to its task)."""

    key: str
    name: str
    hf_id: str
    task: str
    arch: str
    params_b: float
    #: weights applied to every latent token per denoiser pass (diffusion), billions
    token_params_b: float | None
    layers: int
    d_model: int
    attention: str
    latent_factor: int | None
    latent_factor_t: int | None
    patch: int | None
    patch_t: int | None
    text_tokens: int | None
    cfg: int | None
    steps: int | None
    height: int | None
    width: int | None
    frames: int | None
    text_encoder_params_b: float | None
    vae_gflops_per_mpx: float | None
    unet_macs_per_param_pixel: float | None
    vocab: int | None
    max_tokens: int | None
    decoder_layers: int | None
    tokens_per_image: int | None
    vision_params_b: float | None
    llm_models: tuple[str, ...]
    sources: tuple[str, ...]
    year: int
    status: str
    notes: str

    def serves(self, task: str) -> bool:
        """True when the model can run ``task`` (an encoder serves both embedding and classification)."""
        return self.task == task or (self.task in ENCODER_TASKS and task in ENCODER_TASKS)


def _from_row(row: Row) -> TaskModel:
    from aifootprint.reference.registry import provenance, row_float, row_int, row_str

    def req_int(col: str) -> int:
        v = row_int(row, col)
        return 0 if v is None else v

    prov = provenance(row)
    return TaskModel(
        key=row_str(row, "key"), name=row_str(row, "name"), hf_id=row_str(row, "hf_id"), task=row_str(row, "task"),
        arch=row_str(row, "arch"), params_b=row_float(row, "params_b") or 0.0,
        token_params_b=row_float(row, "token_params_b"), layers=req_int("layers"),
        d_model=req_int("d_model"), attention=row_str(row, "attention"),
        latent_factor=row_int(row, "latent_factor"), latent_factor_t=row_int(row, "latent_factor_t"),
        patch=row_int(row, "patch"), patch_t=row_int(row, "patch_t"), text_tokens=row_int(row, "text_tokens"),
        cfg=row_int(row, "cfg"), steps=row_int(row, "steps"), height=row_int(row, "height"),
        width=row_int(row, "width"), frames=row_int(row, "frames"),
        text_encoder_params_b=row_float(row, "text_encoder_params_b"),
        vae_gflops_per_mpx=row_float(row, "vae_gflops_per_mpx"),
        unet_macs_per_param_pixel=row_float(row, "unet_macs_per_param_pixel"), vocab=row_int(row, "vocab"),
        max_tokens=row_int(row, "max_tokens"), decoder_layers=row_int(row, "decoder_layers"),
        tokens_per_image=row_int(row, "tokens_per_image"), vision_params_b=row_float(row, "vision_params_b"),
        llm_models=tuple(s for s in row_str(row, "llm_models").split(";") if s), sources=prov["sources"],
        year=prov["year"], status=prov["status"], notes=prov["notes"],
    )


def task_models(task: str | None = None, registry: Registry | None = None) -> list[TaskModel]:
    """Every registry model (of ``task`` when given), in file order."""
    from aifootprint.reference.registry import default_registry

    if task is not None and task not in TASKS:
        raise unknown_choice("task", task, TASKS)
    rows = [_from_row(r) for r in (registry or default_registry()).table(DATASET).rows]
    return [m for m in rows if task is None or m.serves(task)]


def get_task_model(name: str, task: str | None = None, registry: Registry | None = None) -> TaskModel:
    """Look a model up by key or Hugging Face id (case-insensitive); InputError with close matches when unknown or
    when it does not serve ``task``."""
    from aifootprint.reference.registry import default_registry

    wanted = name.strip().lower()
    for row in (registry or default_registry()).table(DATASET).rows:
        hf_id = str(row.get("hf_id") or "").lower()
        if wanted in (str(row.get("key")).lower(), hf_id, hf_id.rsplit("/", 1)[-1]):
            m = _from_row(row)
            if task is not None and not m.serves(task):
                models = task_models(None, registry)
                kind = [k.key for k in models if k.serves(task)]
                raise InputError(f"{m.key} is {_a(m.task)} {m.task} model, not {_a(task)} {task} model; {task} models: "
                             f"{', '.join(kind)}")
            return m
    models = task_models(None, registry)
    raise unknown_choice(f"{task or 'task'} model", name, [m.key for m in models if task is None or m.serves(task)],
                         limit=30)


def vision_encoder_for(llm_key: str, registry: Registry | None = None) -> TaskModel | None:
    """The vision-encoder row serving a chat model of the LLM registry (``None`` when the model has none here)."""
    for m in task_models("vision", registry):
        if llm_key in m.llm_models:
            return m
    return None


def _a(word: str) -> str:
    """The indefinite article of ``word`` ("an image", "an embedding", "a video")."""
    return "an" if word[:1].lower() in "aeiou" else "a"
