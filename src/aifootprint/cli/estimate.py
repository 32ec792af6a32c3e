"""``aifootprint estimate request|training|lifecycle`` and ``aifootprint compare-models``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ..errors import InputError
from ..estimate.engines import DEFAULT_ENGINE
from ..estimate.inference import DEFAULT_BATCH
from ..estimate.training import DEFAULT_MFU
from ..limits import MAX_BILLIONS
from .output import emit
from .validate import check_params

Json = Annotated[bool, typer.Option("--json", help="Print the JSON result (output contract).")]
Hardware = Annotated[str, typer.Option("--hardware", help="Accelerator (registry key, case-insensitive): h100, h200, "
                                                          "b200, a100-80gb, …")]
Batch = Annotated[int, typer.Option("--batch", help="Concurrent sequences served together.")]
Precision = Annotated[str, typer.Option("--precision", help="Weights: bf16, fp8, int4 (or mxfp4).")]
ServePrecision = Annotated[str | None, typer.Option("--precision", help="Weights: bf16, fp8, int4, mxfp4 (default: "
                                                                         "the model's native serving precision).")]
Engine = Annotated[str, typer.Option("--engine", help="Serving engine profile: vllm (default; host terms fitted on "
                                                      "ML.ENERGY) or cuda-graph (GPU-bound, no host time).")]
CalibrationFile = Annotated[str | None, typer.Option("--calibration", help="Calibration profile written by "
                                                     "`aifootprint calibrate` for this accelerator (default: the "
                                                     "user config's [calibration] entry, else the shipped one).")]
Boundary = Annotated[str, typer.Option("--boundary", help="accelerator | server | datacenter.")]
Location = Annotated[str | None, typer.Option("--location", help="ISO country (FR), US-WA, aws:us-east-1, WORLD.")]
Operator = Annotated[str | None, typer.Option("--operator", help="Data-centre operator: google, microsoft, aws, …")]
InTok = Annotated[int, typer.Option("--input-tokens", help="Prompt tokens per request (a count).")]
OutTok = Annotated[int, typer.Option("--output-tokens", help="Generated tokens per request (a count).")]


def _billions(flag: str, value: float | None) -> float | None:
    """``value`` of a flag in billions; InputError with a hint when it looks like a plain count."""
    if value is not None and value > MAX_BILLIONS:
        raise InputError(f"{flag} is in billions: {value:g} billion is not plausible; did you mean {value / 1e9:g}? "
                         f"(accepted: up to {MAX_BILLIONS:g})")
    return value


def _calibration(hardware: str, flag: str | None) -> str | None:
    """``--calibration FILE``, else the user config's ``[calibration]`` entry for ``hardware`` (aifootprint.calibrate
    .config), else None (shipped calibration)."""
    if flag is not None:
        return flag
    from ..calibrate.config import load_config
    from ..reference.hardware import get_accelerator

    path = load_config().calibration.get(get_accelerator(hardware).key)
    return None if path is None else str(path)


def _arch(model: str | None, params: float | None, active: float | None, layers: int | None, d_model: int | None,
          heads: int | None, kv_heads: int | None, head_dim: int | None, vocab: int | None, experts: int | None,
          active_experts: int | None) -> object:
    from ..estimate.arch import Architecture

    if model and params is not None:
        raise InputError("give either --model or --params (an explicit architecture), not both")
    if model:
        shape = {"--active-params": active, "--layers": layers, "--d-model": d_model, "--heads": heads,
                 "--kv-heads": kv_heads, "--head-dim": head_dim, "--vocab": vocab, "--experts": experts,
                 "--active-experts": active_experts}
        given = [flag for flag, v in shape.items() if v is not None]
        if given:  # they were ignored: the registry's shape of the model was used
            raise InputError(f"{', '.join(given)} describe an explicit architecture (with --params), not --model "
                             f"{model} (its published shape is used); accepted: --model alone, or --params with the "
                             "shape flags")
        return model
    if params is None:
        raise InputError("give --model NAME (see `aifootprint data show models`) or --params N (billions)")
    _billions("--params", params)
    _billions("--active-params", active)
    _check_shape(params, active, layers, d_model, heads, kv_heads, head_dim, vocab, experts, active_experts)
    shape_known = layers is not None and d_model is not None
    return Architecture(
        name=f"custom-{params:g}b", total_params_b=params, active_params_b=active, layers=layers, d_model=d_model,
        heads=heads, kv_heads=kv_heads, head_dim=head_dim, vocab=vocab, experts=experts,
        active_experts=active_experts, estimated=not shape_known,
    )


#: Accepted ratio of the (active) parameter count to the 12 × layers × d_model² of the given shape (Kaplan et al.
#: 2020, arXiv:2001.08361, eq. 2.1): the 47 models of models.csv with a published shape range from 0.62
#: (Nemotron Nano 12B v2) to 2.42 (Gemma 3 1B); 0.1 to 10 is a generous bound stated as such (≈ 4 × beyond both).
SHAPE_RATIO_RANGE = (0.1, 10.0)


def _check_shape(params: float, active: float | None, layers: int | None, d_model: int | None, heads: int | None,
                 kv_heads: int | None, head_dim: int | None, vocab: int | None, experts: int | None,
                 active_experts: int | None) -> None:
    """Refuse an explicit shape the estimate would not use as given: part of the shape without --layers and
    --d-model (the rest would be the default shape, and the result flagged "default shape used"), a shape whose
    12 × layers × d_model² is not within :data:`SHAPE_RATIO_RANGE` of the parameter count, --active-experts
    without --experts, and --experts without --active-params below --params (it was estimated as a dense model:
    the expert flags were ignored)."""
    if active_experts is not None and experts is None:
        raise InputError(f"--active-experts {active_experts} needs --experts (the experts per MoE layer it is a "
                         "share of); give both, or neither for a dense model")
    if experts is not None and (active is None or active >= params):  # else the model is estimated as dense
        raise InputError(f"--experts {experts} describes a mixture of experts, which needs --active-params (the "
                         f"parameters used per token) below --params {params:g}; accepted: --params with "
                         "--active-params (and --experts / --active-experts), or no expert flags for a dense model")
    partial = {"--layers": layers, "--d-model": d_model, "--heads": heads, "--kv-heads": kv_heads,
               "--head-dim": head_dim, "--vocab": vocab}
    given = [flag for flag, v in partial.items() if v is not None]
    if given and (layers is None or d_model is None):
        missing = " and ".join(f for f in ("--layers", "--d-model") if partial[f] is None)
        raise InputError(f"{', '.join(given)} needs {missing}: the shape is used only with both --layers and "
                         "--d-model (otherwise the default shape for --params would be mixed in); give both, or no "
                         "shape flags")
    if layers is None or d_model is None:
        return
    n = (active if active is not None else params) * 1e9
    ratio = n / (12.0 * layers * d_model * d_model)
    lo, hi = SHAPE_RATIO_RANGE
    moe_total = experts is not None and active is None  # a MoE's total parameters exceed its dense shape
    if ratio < lo or (ratio > hi and not moe_total):
        raise InputError(
            f"--layers {layers} --d-model {d_model} is inconsistent with {n / 1e9:g} B "
            f"{'active ' if active is not None else ''}parameters: 12 × layers × d_model² = "
            f"{12.0 * layers * d_model * d_model / 1e9:.3g} B, {ratio:.3g} × off; accepted: parameters within "
            f"{lo:g}–{hi:g} × 12 × layers × d_model² (published models: 0.6–2.4)")


def request(
    input_tokens: InTok,
    output_tokens: OutTok,
    model: Annotated[str | None, typer.Option("--model", help="Model name (registry key or HF id).")] = None,
    params: Annotated[float | None, typer.Option("--params", help="Total parameters [billions].")] = None,
    active_params: Annotated[float | None, typer.Option("--active-params", help="Active parameters (MoE) "
                                                        "[billions].")] = None,
    layers: Annotated[int | None, typer.Option("--layers", help="Transformer layers (shape, with --d-model).")] = None,
    d_model: Annotated[int | None, typer.Option("--d-model", help="Hidden size (model width).")] = None,
    heads: Annotated[int | None, typer.Option("--heads", help="Attention (query) heads.")] = None,
    kv_heads: Annotated[int | None, typer.Option("--kv-heads", help="Key/value heads (GQA).")] = None,
    head_dim: Annotated[int | None, typer.Option("--head-dim", help="Width of one attention head.")] = None,
    vocab: Annotated[int | None, typer.Option("--vocab", help="Vocabulary size [tokens].")] = None,
    experts: Annotated[int | None, typer.Option("--experts", help="Experts per MoE layer.")] = None,
    active_experts: Annotated[int | None, typer.Option("--active-experts", help="Experts used per token.")] = None,
    hardware: Hardware = "h100",
    accelerators: Annotated[int | None, typer.Option("--accelerators", help="Accelerators serving the model "
                                                     "(default: smallest power of two that fits; any count is "
                                                     "accepted).")] = None,
    batch: Batch = DEFAULT_BATCH,
    precision: ServePrecision = None,
    boundary: Boundary = "datacenter",
    location: Location = None,
    operator: Operator = None,
    engine: Engine = DEFAULT_ENGINE,
    calibration: CalibrationFile = None,
    json_out: Json = False,
) -> None:
    """Energy, carbon and water of one LLM request (prefill + decode on the calibrated physics)."""
    from ..estimate.inference import RequestConfig, RequestEstimator

    check_params("request", locals())
    arch = _arch(model, params, active_params, layers, d_model, heads, kv_heads, head_dim, vocab, experts,
                 active_experts)
    cfg = RequestConfig(hardware=hardware, accelerators=accelerators, batch=batch, precision=precision,
                        boundary=boundary, location=location, operator=operator, engine=engine,
                        calibration=_calibration(hardware, calibration))
    est = RequestEstimator(arch, cfg)  # type: ignore[arg-type]
    _emit_request(est.result(input_tokens, output_tokens), json_out)


#: Under the human table of ``estimate request`` (user test 2026-11-26 #2, finding 10).
BREAKDOWN_NOTE = ("note: energy_wh best is the point estimate, and breakdown_wh its parts (they add up to it); "
                  "low and high are the 5th and 95th percentiles of the uncertainty draws around it")


def _emit_request(result: Any, json_out: bool) -> None:
    """The request result; in the human view the published figures are one compact cell (the full block in
    --json) and a note under the output says how the breakdown relates to the headline."""
    if json_out:
        emit(result, True)
        return
    from dataclasses import replace

    from rich.console import Console
    from rich.markup import escape

    values = dict(result.values)
    figures = values.get("published_figures")
    if figures:
        cells = [f"{f['energy_wh']:g} ({f.get('source')}{'' if f.get('comparable') else ', other input'}"
                 f"{'' if f.get('within_range') else ', outside'})" for f in figures]
        values["published_figures"] = "; ".join(cells) + " [Wh; details in --json]"
    emit(replace(result, values=values), False, title="estimate request")
    bd = values.get("breakdown_wh")
    if isinstance(bd, dict) and bd:
        Console(highlight=False).print(f"[dim]{escape(BREAKDOWN_NOTE)}[/]")


def training(
    model: Annotated[str | None, typer.Option("--model", help="Use the registry's published run of this model.")
                     ] = None,
    hardware: Annotated[str | None, typer.Option("--hardware", help="Accelerator (default h100; with --model only "
                                                     "the published run's own).")] = None,
    gpu_hours: Annotated[float | None, typer.Option("--gpu-hours", help="Accelerator-hours of the run: accelerators "
                                                    "× hours each ran (e.g. 1.46e6 for 1,460,000 H100-hours).")
                         ] = None,
    accelerators: Annotated[int | None, typer.Option("--accelerators", help="Accelerators (with --days; any count, "
                                                     "not only powers of two).")] = None,
    days: Annotated[float | None, typer.Option("--days", help="Wall-clock days (with --accelerators).")] = None,
    power_w: Annotated[float | None, typer.Option("--power-w", help="Average power per accelerator [W] "
                                                  "(default: datasheet maximum, range 0.7–1.0 of it).")] = None,
    params: Annotated[float | None, typer.Option("--params", help="(Active) parameters [billions] (with --tokens: "
                                                 "FLOPs ≈ 6 × parameters × tokens).")] = None,
    tokens: Annotated[float | None, typer.Option("--tokens", help="Training tokens [billions] (with --params).")
                      ] = None,
    flops: Annotated[float | None, typer.Option("--flops", help="Training FLOPs (instead of --params and --tokens, "
                                                "6 N D).")] = None,
    mfu: Annotated[float | None, typer.Option("--mfu", help=f"Model FLOPs utilisation (only with --params/--tokens "
                                              f"or --flops; default {DEFAULT_MFU:g}).")] = None,
    precision: Annotated[str | None, typer.Option("--precision", help="Accepted: bf16, fp8 (the peak FLOP/s of "
                                                  "the FLOPs path, --params/--tokens or --flops; default bf16). "
                                                  "Rejected with --gpu-hours, --accelerators/--days or --model, "
                                                  "where it has no effect.")] = None,
    boundary: Annotated[str | None, typer.Option("--boundary", help="accelerator | server | datacenter (default: "
                                                 "datacenter; with --model, the publisher's own method).")] = None,
    location: Location = None,
    operator: Operator = None,
    pue: Annotated[float | None, typer.Option("--pue", help="Data-centre PUE (overrides the operator's or the "
                                              "publisher's; not with --boundary accelerator or server).")] = None,
    json_out: Json = False,
) -> None:
    """Training footprint from accelerator-hours, or from FLOPs (≈ 6 × parameters × tokens) ÷ achieved FLOP/s.
    With --model, the published run with the publisher's power, PUE and grid intensity (shown beside the published
    figures) unless --location, --operator, --pue, --power-w or --boundary override them."""
    from ..estimate.training import TrainingSpec, estimate_training
    from ..estimate.training_runs import training_result_for

    check_params("training", locals())
    _billions("--params", params)
    _billions("--tokens", tokens)
    run_flags = {"--gpu-hours": gpu_hours, "--accelerators": accelerators, "--days": days, "--params": params,
                 "--tokens": tokens, "--flops": flops, "--mfu": mfu}
    flops_path = params is not None or tokens is not None or flops is not None
    if precision is not None and (model or not flops_path):
        raise InputError(f"--precision {precision} has no effect "
                         + ("on a published run (its accelerator-hours are given)" if model else
                            "without the FLOPs path (it sets the peak FLOP/s used with --params/--tokens or "
                            "--flops)") + "; drop it")
    if model:
        given = [flag for flag, v in run_flags.items() if v is not None]
        if given:
            raise InputError(f"--model {model} uses the published training run; it cannot be combined with "
                             f"{', '.join(given)} (drop --model to describe the run yourself)")
        overrides: dict[str, Any] = {"location": location, "operator": operator, "boundary": boundary, "pue": pue,
                                     "hardware": hardware or None, "power_w_per_accelerator": power_w}
        _emit_training(training_result_for(model, None, **overrides), json_out)
        return
    spec = TrainingSpec(hardware=hardware or "h100", accelerator_hours=gpu_hours, accelerators=accelerators,
                        duration_days=days, power_w_per_accelerator=power_w, params_b=params, tokens_b=tokens,
                        flops=flops, mfu=mfu, precision=precision or "bf16", boundary=boundary or "datacenter",
                        location=location, operator=operator, pue=pue)
    _emit_training(estimate_training(spec), json_out)


def _emit_training(result: Any, json_out: bool) -> None:
    """The training result; in the human view the ``published`` block is one line."""
    pub = result.values.get("published")
    if json_out or not pub:
        emit(result, json_out, title="estimate training")
        return
    from dataclasses import replace

    parts = [f"{pub['energy_mwh']:,.4g} MWh" if pub.get("energy_mwh") is not None else "",
             f"{pub['carbon_t']:,.4g} tCO2e" if pub.get("carbon_t") is not None else "",
             f"market-based {pub['carbon_t_market']:,.4g} t" if pub.get("carbon_t_market") is not None else ""]
    line = ", ".join(p for p in parts if p) + f" ({pub.get('source')}, {pub.get('year')})"
    emit(replace(result, values={**result.values, "published": line}), False, title="estimate training")


def lifecycle(
    model: Annotated[str, typer.Option("--model", help="Model name (registry key).")],
    requests_per_day: Annotated[float, typer.Option("--requests-per-day", help="Requests on day 0.")],
    input_tokens: InTok,
    output_tokens: OutTok,
    days: Annotated[int, typer.Option("--days", help="Deployment length [days].")] = 365,
    growth: Annotated[float, typer.Option("--growth", help="Annual growth of requests (1.0 = doubling).")] = 0.0,
    dedicated: Annotated[bool, typer.Option("--dedicated", help="The accelerators serve this deployment alone, 24 h "
                                            "a day: their idle time is charged and the batch is what the traffic "
                                            "fills (default: shared serving, each request's share only).")] = False,
    hardware: Hardware = "h100",
    batch: Batch = DEFAULT_BATCH,
    precision: ServePrecision = None,
    location: Location = None,
    operator: Operator = None,
    engine: Engine = DEFAULT_ENGINE,
    calibration: CalibrationFile = None,
    training_gpu_hours: Annotated[float | None, typer.Option("--training-gpu-hours", help="Accelerator-hours of "
                                                             "the training run: accelerators × hours each ran "
                                                             "(instead of the model's published run).")] = None,
    training_hardware: Annotated[str | None, typer.Option("--training-hardware", help="Accelerator of the "
                                                          "training run (with --training-gpu-hours or "
                                                          "--training-params/--training-tokens).")] = None,
    training_params: Annotated[float | None, typer.Option("--training-params", help="(Active) parameters of the "
                                                          "trained model [billions] (with --training-tokens: "
                                                          "FLOPs ≈ 6 × parameters × tokens).")] = None,
    training_tokens: Annotated[float | None, typer.Option("--training-tokens", help="Training tokens [billions] "
                                                          "(with --training-params).")] = None,
    json_out: Json = False,
) -> None:
    """Training + inference over a deployment: cumulative energy, carbon, water and the break-even day."""
    from ..estimate.inference import RequestConfig
    from ..estimate.lifecycle import Deployment, estimate_lifecycle
    from ..estimate.training import TrainingSpec
    from ..estimate.training_runs import NoPublishedRun

    check_params("lifecycle", locals())
    _billions("--training-params", training_params)
    _billions("--training-tokens", training_tokens)
    spec = None
    if training_hardware is not None and all(v is None for v in (training_gpu_hours, training_params,
                                                                  training_tokens)):
        raise InputError("--training-hardware needs the run: add --training-gpu-hours, or --training-params and "
                         "--training-tokens (without them the model's published run is used)")
    if any(v is not None for v in (training_gpu_hours, training_params, training_tokens)):
        spec = TrainingSpec(hardware=training_hardware or hardware, accelerator_hours=training_gpu_hours,
                            params_b=training_params, tokens_b=training_tokens, location=location, operator=operator)
    cfg = RequestConfig(hardware=hardware, batch=batch, precision=precision, location=location, operator=operator,
                        engine=engine, calibration=_calibration(hardware, calibration))
    dep = Deployment(requests_per_day, input_tokens, output_tokens, days, growth, dedicated)
    try:
        result = estimate_lifecycle(model, dep, spec, cfg)
    except NoPublishedRun as exc:
        raise InputError(f"{exc.reason}; give the training run with --training-gpu-hours and --training-hardware, "
                         "or --training-params and --training-tokens") from None
    _emit_lifecycle(result, json_out)


def _emit_lifecycle(result: Any, json_out: bool) -> None:
    """The lifecycle result; in the human view the daily ``series`` is a few points, not the arrays."""
    s = result.values.get("series")
    if json_out or not s:
        emit(result, json_out, title="estimate lifecycle")
        return
    from dataclasses import replace

    days, total = s["day_index"], s["cumulative_total_kwh"]
    picks = sorted({0, len(days) // 4, len(days) // 2, 3 * len(days) // 4, len(days) - 1})
    line = "; ".join(f"day {days[i]:,}: {total[i] / 1000:,.4g} MWh" for i in picks)
    emit(replace(result, values={**result.values, "series": line + " (training + inference; full series in --json)"}),
         False, title="estimate lifecycle")


def compare_models(
    input_tokens: Annotated[int | None, typer.Option("--input-tokens", help="Prompt tokens per request (with "
                                                     "--task: tokens per text).")] = None,
    output_tokens: Annotated[int | None, typer.Option("--output-tokens", help="Generated tokens per request.")] = None,
    models: Annotated[str | None, typer.Option("--models", help="Comma-separated model names (default: a ladder "
                                               "from ~1B to ~400B plus closed models).")] = None,
    hardware: Hardware = "h100",
    batch: Batch = DEFAULT_BATCH,
    precision: ServePrecision = None,
    boundary: Boundary = "datacenter",
    location: Location = None,
    operator: Operator = None,
    engine: Engine = DEFAULT_ENGINE,
    calibration: CalibrationFile = None,
    task: Annotated[str | None, typer.Option("--task", help="classification | embedding | image | video | "
                                             "transcription: that task's models (and general LLMs).")] = None,
    json_out: Json = False,
) -> None:
    """Rank models by per-request energy, carbon and water for one task profile (each model's multiple of the
    smallest): do you need the very large model?"""
    if task is not None or input_tokens is None or output_tokens is None:  # tasks' hook (cli/estimate_tasks.py)
        from .estimate_tasks import compare as compare_task

        compare_task(task, models, input_tokens, output_tokens, hardware, boundary, location, operator, json_out,
                     engine, _calibration(hardware, calibration))
        return
    from ..estimate.compare import compare_models as run
    from ..estimate.inference import RequestConfig

    check_params("compare-models", locals())
    names = [m.strip() for m in models.split(",") if m.strip()] if models else None
    cfg = RequestConfig(hardware=hardware, batch=batch, precision=precision, boundary=boundary, location=location,
                        operator=operator, engine=engine, calibration=_calibration(hardware, calibration))
    result = run(names, input_tokens, output_tokens, cfg)
    if json_out:
        emit(result, True)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"compare-models: {input_tokens} in / {output_tokens} out, batch {batch}, {hardware}, "
                        f"{cfg.boundary} boundary, all at {result.inputs['location']} "
                        "(best values; ranges in --json)", header_style="bold")
    for col in ("#", "model", "GPUs", "Wh", "× min", "gCO2e", "mL water", "est."):
        table.add_column(col, justify="left" if col == "model" else "right", no_wrap=True)
    for r in result.values["models"]:
        table.add_row(str(r["rank"]), r["model"], str(r["accelerators"]), f"{r['energy_wh'].best:.3g}",
                      f"{r['multiple_of_smallest']:.1f}", f"{r['carbon_g'].best:.3g}",
                      f"{r['water_l'].best * 1000:.3g}", "yes" if r["estimated"] else "")
    console = Console(highlight=False)
    console.print(table)
    closed = [r["model"] for r in result.values["models"] if r.get("provider")]
    if closed:
        console.print(f"note: {', '.join(closed)} {'is' if len(closed) == 1 else 'are'} estimated here at the one "
                      f"site of the table ({result.inputs['location']}); `aifootprint estimate request --model M` "
                      "without --location uses the provider's own data-centre defaults (location, PUE), so its "
                      "figure differs")
    for w in result.warnings:
        console.print(f"[yellow]warning:[/] {w}")


def register(app: typer.Typer) -> None:
    """Add the ``estimate`` sub-app and the top-level ``compare-models`` command."""
    sub = typer.Typer(name="estimate",
                      help="Estimate footprints before running: request, training, lifecycle, log, image, video, "
                           "embedding, classification, transcription, multimodal.",
                      no_args_is_help=True)
    sub.command("request")(request)
    sub.command("training")(training)
    sub.command("lifecycle")(lifecycle)
    from . import estimate_log, estimate_tasks

    estimate_tasks.register(sub)
    estimate_log.register(sub)
    app.add_typer(sub, name="estimate")
    app.command("compare-models")(compare_models)
