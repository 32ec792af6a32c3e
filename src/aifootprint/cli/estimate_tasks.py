"""``aifootprint estimate image|video|embedding|classification|transcription|multimodal`` and the ``--task`` mode of
``compare-models``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ..errors import InputError
from .estimate import Boundary, Json, Location, Operator
from .output import emit
from .validate import check_params

Hardware = Annotated[str, typer.Option("--hardware", help="Accelerator (registry key): h100, h200, b200, a100-80gb, …")]
Accels = Annotated[int | None, typer.Option("--accelerators", help="Accelerators (default: fewest that hold the "
                                                                   "weights; for transcription also one decode "
                                                                   "cache per audio file).")]
Calib = Annotated[str | None, typer.Option("--calibration", help="Calibration profile written by `aifootprint "
                                          "calibrate` for this accelerator (default: the user config's, else the "
                                          "shipped one).")]
Engine = Annotated[str, typer.Option("--engine", help="Host time per forward pass: vllm (default: PyTorch eager "
                                     "framework time per layer, as Hugging Face pipelines run) | cuda-graph (none).")]
Batch = Annotated[int | None, typer.Option("--batch", help="Items served together (default: 1 image/video, 32 "
                                                           "texts, 16 audio files).")]


def _model_opt(task: str) -> Any:
    return typer.Option("--model", help=f"{task.capitalize()} model (registry key or Hugging Face id; "
                                        f"`aifootprint estimate {task} --list` shows them).")


def _list(task: str, json_out: bool) -> None:
    from ..estimate.tasks.models import task_models

    models = task_models(task)
    if json_out:
        import json

        typer.echo(json.dumps({"task": task, "models": [{"key": m.key, "name": m.name, "params_b": m.params_b,
                                                         "sources": list(m.sources)} for m in models]}, indent=2))
        return
    for m in models:
        typer.echo(f"{m.key:<26} {m.name} ({m.params_b:g} B parameters; {';'.join(m.sources)})")


def _run(spec: Any, hardware: str, accelerators: int | None, engine: str, boundary: str, location: str | None,
         operator: str | None, json_out: bool, calibration: str | None = None) -> None:

    from ..estimate.tasks.estimator import TaskConfig, TaskEstimator
    from .estimate import _calibration

    cfg = TaskConfig(hardware=hardware, accelerators=accelerators, boundary=boundary, location=location,
                     operator=operator, engine=engine, calibration=_calibration(hardware, calibration))
    result = TaskEstimator(spec, cfg).result()
    emit(result, json_out, title=f"estimate {spec.task} ({spec.model}, per item)")


def _need_model(task: str, model: str | None, listing: bool, json_out: bool) -> str | None:
    if listing:
        _list(task, json_out)
        return None
    if not model:
        from ..estimate.tasks.models import _a

        raise InputError(f"give --model NAME ({_a(task)} {task} model; `aifootprint estimate {task} --list` shows "
                         "them)")
    return model


ListOpt = Annotated[bool, typer.Option("--list", help="List the registry models of this task and exit.")]


def image(
    model: Annotated[str | None, _model_opt("image")] = None,
    steps: Annotated[int | None, typer.Option("--steps", help="Denoising steps (default: the model's).")] = None,
    height: Annotated[int | None, typer.Option("--height", help="Image height [px].")] = None,
    width: Annotated[int | None, typer.Option("--width", help="Image width [px].")] = None,
    batch: Batch = None, hardware: Hardware = "h100", accelerators: Accels = None, engine: Engine = "vllm",
    calibration: Calib = None, boundary: Boundary = "datacenter", location: Location = None,
    operator: Operator = None, json_out: Json = False, listing: ListOpt = False,
) -> None:
    """Energy, carbon and water of one generated image (text encoders + denoising steps × CFG + VAE decode)."""
    from ..estimate.tasks.estimator import TaskSpec

    check_params("image", locals())
    name = _need_model("image", model, listing, json_out)
    if name:
        _run(TaskSpec("image", name, steps=steps, height=height, width=width, batch=batch), hardware, accelerators,
             engine, boundary, location, operator, json_out, calibration)


def video(
    model: Annotated[str | None, _model_opt("video")] = None,
    frames: Annotated[int | None, typer.Option("--frames", help="Frames (default: the model's).")] = None,
    height: Annotated[int | None, typer.Option("--height", help="Frame height [px].")] = None,
    width: Annotated[int | None, typer.Option("--width", help="Frame width [px].")] = None,
    steps: Annotated[int | None, typer.Option("--steps", help="Denoising steps (default: the model's).")] = None,
    batch: Batch = None, hardware: Hardware = "h100", accelerators: Accels = None, engine: Engine = "vllm",
    calibration: Calib = None, boundary: Boundary = "datacenter", location: Location = None,
    operator: Operator = None, json_out: Json = False, listing: ListOpt = False,
) -> None:
    """Energy, carbon and water of one generated video (frames × resolution → latent tokens; attention grows with
    their square)."""
    from ..estimate.tasks.estimator import TaskSpec

    check_params("video", locals())
    name = _need_model("video", model, listing, json_out)
    if name:
        _run(TaskSpec("video", name, steps=steps, height=height, width=width, frames=frames, batch=batch), hardware,
             accelerators, engine, boundary, location, operator, json_out, calibration)


Tokens = Annotated[int | None, typer.Option("--tokens", help="Tokens per input text (a count; default 256, at "
                                                              "most the model's maximum input).")]


def embedding(
    model: Annotated[str | None, _model_opt("embedding")] = None, tokens: Tokens = None, batch: Batch = None,
    hardware: Hardware = "h100", accelerators: Accels = None, engine: Engine = "vllm",
    calibration: Calib = None, boundary: Boundary = "datacenter", location: Location = None,
    operator: Operator = None, json_out: Json = False, listing: ListOpt = False,
) -> None:
    """Energy, carbon and water of embedding one text (one encoder forward pass)."""
    from ..estimate.tasks.estimator import TaskSpec

    check_params("embedding", locals())
    name = _need_model("embedding", model, listing, json_out)
    if name:
        _run(TaskSpec("embedding", name, tokens=tokens, batch=batch), hardware, accelerators, engine, boundary,
             location, operator, json_out, calibration)


def classification(
    model: Annotated[str | None, _model_opt("classification")] = None, tokens: Tokens = None, batch: Batch = None,
    hardware: Hardware = "h100", accelerators: Accels = None, engine: Engine = "vllm",
    calibration: Calib = None, boundary: Boundary = "datacenter", location: Location = None,
    operator: Operator = None, json_out: Json = False, listing: ListOpt = False,
) -> None:
    """Energy, carbon and water of classifying one text with an encoder (BERT family). Compare with general LLMs:
    `aifootprint compare-models --task classification`."""
    from ..estimate.tasks.estimator import TaskSpec

    check_params("classification", locals())
    name = _need_model("classification", model, listing, json_out)
    if name:
        _run(TaskSpec("classification", name, tokens=tokens, batch=batch), hardware, accelerators, engine, boundary,
             location, operator, json_out, calibration)


def transcription(
    model: Annotated[str | None, _model_opt("transcription")] = None,
    audio_seconds: Annotated[float, typer.Option("--audio-seconds", help="Length of each audio file [s].")] = 30.0,
    tokens_per_second: Annotated[float | None, typer.Option("--tokens-per-second", help="Transcript tokens per "
                                                            "second of speech (default 3.3).")] = None,
    batch: Batch = None, hardware: Hardware = "h100", accelerators: Accels = None, engine: Engine = "vllm",
    calibration: Calib = None, boundary: Boundary = "datacenter", location: Location = None,
    operator: Operator = None, json_out: Json = False, listing: ListOpt = False,
) -> None:
    """Energy, carbon and water of transcribing one audio file with Whisper (30 s windows → encoder + decoding)."""
    from ..estimate.tasks.estimator import TaskSpec

    check_params("transcription", locals())
    name = _need_model("transcription", model, listing, json_out)
    if name:
        _run(TaskSpec("transcription", name, audio_s=audio_seconds, tokens_per_s=tokens_per_second, batch=batch),
             hardware, accelerators, engine, boundary, location, operator, json_out, calibration)


def multimodal(
    model: Annotated[str, typer.Option("--model", help="Chat model with a vision encoder: gemma-3-4b/12b/27b, "
                                                       "llama-4-scout, llama-4-maverick.")],
    input_tokens: Annotated[int, typer.Option("--input-tokens", help="Text prompt tokens (a count; the image tokens "
                                                                     "are added).")],
    output_tokens: Annotated[int, typer.Option("--output-tokens", help="Generated tokens (a count).")],
    images: Annotated[int, typer.Option("--images", help="Images attached to the prompt.")] = 1,
    video_frames: Annotated[int, typer.Option("--video-frames", help="Sampled video frames, each encoded as an "
                                              "image (these encoders have no temporal patching).")] = 0,
    hardware: Hardware = "h100", accelerators: Accels = None,
    batch: Annotated[int, typer.Option("--batch", help="Concurrent sequences.")] = 64,
    boundary: Boundary = "datacenter", location: Location = None, operator: Operator = None,
    engine: Annotated[str, typer.Option("--engine", help="Serving engine profile of the LLM request and its vision "
                                        "encoder: vllm (default) | cuda-graph.")] = "vllm",
    calibration: Calib = None, json_out: Json = False,
) -> None:
    """Energy, carbon and water of one chat request with images: the vision encoder, then the image tokens added to
    the prompt of the LLM request."""

    from ..estimate.inference import RequestConfig
    from ..estimate.tasks.multimodal import estimate_multimodal
    from .estimate import _calibration

    cfg = RequestConfig(hardware=hardware, accelerators=accelerators, batch=batch, boundary=boundary,
                        location=location, operator=operator, engine=engine,
                        calibration=_calibration(hardware, calibration))
    if video_frames < 0:
        raise InputError(f"--video-frames must be 0 or more, got {video_frames}")
    result = estimate_multimodal(model, images + video_frames, input_tokens, output_tokens, cfg)
    emit(result, json_out, title=f"estimate multimodal ({model}, {images} image(s), {video_frames} frame(s))")


def register(sub: typer.Typer) -> None:
    """Add the task commands to the ``estimate`` sub-app."""
    for fn in (image, video, embedding, classification, transcription, multimodal):
        sub.command(fn.__name__)(fn)


def compare(task: str | None, models: str | None, input_tokens: int | None, output_tokens: int | None,
            hardware: str, boundary: str, location: str | None, operator: str | None, json_out: bool,
            engine: str = "vllm", calibration: str | None = None) -> None:
    """``compare-models --task TASK``: specialised models next to general LLMs, each as a multiple of the cheapest
    (on the user's ``calibrate`` profile of ``hardware`` when ``calibration`` names one)."""
    if task is None:
        raise InputError("give --input-tokens and --output-tokens (an LLM request profile), or --task TASK "
                         "(classification, embedding, image, video, transcription)")
    from ..estimate.tasks.compare import LABEL_TOKENS, PROMPT_OVERHEAD_TOKENS, compare_task
    from ..estimate.tasks.estimator import COMMAND_TASKS, TaskConfig

    if task not in COMMAND_TASKS:  # an unknown task first: it is what is wrong, whatever else is given
        from ..errors import unknown_choice

        raise unknown_choice("--task", task, COMMAND_TASKS)
    if output_tokens is not None:
        raise InputError("--output-tokens has no effect with --task (a prompted LLM answers with a label); drop it")

    names = [m.strip() for m in models.split(",") if m.strip()] if models else None
    cfg = TaskConfig(hardware=hardware, boundary=boundary, location=location, operator=operator, engine=engine,
                     calibration=calibration)
    result = compare_task(task, names, cfg, tokens=input_tokens)
    if json_out:
        emit(result, True)
        return
    from rich.console import Console
    from rich.table import Table

    unit = {"image": "image", "video": "video", "transcription": "audio file"}.get(task, "text")
    tokens = result.inputs.get("tokens")
    size = "" if tokens is None else (
        f"{tokens:,} tokens per text (as `estimate {task} --tokens {tokens}`"
        + (f", batch {result.inputs['batch']}" if result.inputs.get("batch") else "")
        + (f"; LLMs: + {PROMPT_OVERHEAD_TOKENS} instruction tokens in, {LABEL_TOKENS} out"
           if task == "classification" else "") + "), ")
    table = Table(title=f"compare-models --task {task}: energy per {unit}, {size}{hardware}, {cfg.boundary} boundary, "
                        f"all at {result.inputs['location']}; per 1,000 items (1k), ×min = multiple of the cheapest "
                        "(best values; ranges "
                        "in --json)", header_style="bold")
    for col in ("#", "model", "kind", "GPUs", "Wh/1k", "×min", "gCO2e/1k", "L/1k"):
        table.add_column(col, justify="left" if col in ("model", "kind") else "right", no_wrap=col == "model")
    for r in result.values["models"]:
        table.add_row(str(r["rank"]), r["model"], "LLM" if r["kind"].startswith("general") else "task",
                      str(r["accelerators"]), f"{r['energy_wh'].best * 1000:,.3g}",
                      f"{r['multiple_of_cheapest']:,.1f}", f"{r['carbon_g'].best * 1000:,.3g}",
                      f"{r['water_l'].best * 1000:,.3g}")
    console = Console(highlight=False)
    console.print(table)
    for w in result.warnings:
        console.print(f"[yellow]warning:[/] {w}")
