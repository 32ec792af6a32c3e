"""``aifootprint estimate request|training|lifecycle`` and ``aifootprint compare-models``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ..errors import InputError
from ..estimate.inference import DEFAULT_BATCH
from ..estimate.training import DEFAULT_MFU
from .output import emit

#: Flags given in billions are rejected above this value (10¹⁵ parameters or tokens): such a value is a count typed
#: where billions were expected.
MAX_BILLIONS = 1e6

Json = Annotated[bool, typer.Option("--json", help="Print the JSON result (output contract).")]
Hardware = Annotated[str, typer.Option("--hardware", help="Accelerator (registry key, case-insensitive): h100, h200, "
                                                          "b200, a100-80gb, …")]
Batch = Annotated[int, typer.Option("--batch", help="Concurrent sequences served together.")]
Precision = Annotated[str, typer.Option("--precision", help="Weights: bf16, fp8, int4 (or mxfp4).")]
Boundary = Annotated[str, typer.Option("--boundary", help="accelerator | server | datacenter.")]
Location = Annotated[str | None, typer.Option("--location", help="ISO country (FR), US-WA, aws:us-east-1, WORLD.")]
Operator = Annotated[str | None, typer.Option("--operator", help="Data-centre operator: google, microsoft, aws, …")]
InTok = Annotated[int, typer.Option("--input-tokens", help="Prompt tokens per request.")]
OutTok = Annotated[int, typer.Option("--output-tokens", help="Generated tokens per request.")]


def _billions(flag: str, value: float | None) -> float | None:
    """``value`` of a flag in billions; InputError with a hint when it looks like a plain count."""
    if value is not None and value > MAX_BILLIONS:
        raise InputError(f"{flag} is in billions: {value:g} billion is not plausible; did you mean {value / 1e9:g}? "
                         f"(accepted: up to {MAX_BILLIONS:g})")
    return value


def _arch(model: str | None, params: float | None, active: float | None, layers: int | None, d_model: int | None,
          heads: int | None, kv_heads: int | None, head_dim: int | None, vocab: int | None, experts: int | None,
          active_experts: int | None) -> object:
    from ..estimate.arch import Architecture

    if model and params is not None:
        raise InputError("give either --model or --params (an explicit architecture), not both")
    if model:
        return model
    if params is None:
        raise InputError("give --model NAME (see `aifootprint data show models`) or --params N (billions)")
    _billions("--params", params)
    _billions("--active-params", active)
    shape_known = layers is not None and d_model is not None
    return Architecture(
        name=f"custom-{params:g}b", total_params_b=params, active_params_b=active, layers=layers, d_model=d_model,
        heads=heads, kv_heads=kv_heads, head_dim=head_dim, vocab=vocab, experts=experts,
        active_experts=active_experts, estimated=not shape_known,
    )


def request(
    input_tokens: InTok,
    output_tokens: OutTok,
    model: Annotated[str | None, typer.Option("--model", help="Model name (registry key or HF id).")] = None,
    params: Annotated[float | None, typer.Option("--params", help="Total parameters [billions].")] = None,
    active_params: Annotated[float | None, typer.Option("--active-params", help="Active parameters (MoE) "
                                                        "[billions].")] = None,
    layers: Annotated[int | None, typer.Option("--layers")] = None,
    d_model: Annotated[int | None, typer.Option("--d-model")] = None,
    heads: Annotated[int | None, typer.Option("--heads")] = None,
    kv_heads: Annotated[int | None, typer.Option("--kv-heads")] = None,
    head_dim: Annotated[int | None, typer.Option("--head-dim")] = None,
    vocab: Annotated[int | None, typer.Option("--vocab")] = None,
    experts: Annotated[int | None, typer.Option("--experts")] = None,
    active_experts: Annotated[int | None, typer.Option("--active-experts")] = None,
    hardware: Hardware = "h100",
    accelerators: Annotated[int | None, typer.Option("--accelerators", help="Accelerators serving the model "
                                                     "(default: smallest power of two that fits; any count is "
                                                     "accepted).")] = None,
    batch: Batch = DEFAULT_BATCH,
    precision: Precision = "bf16",
    boundary: Boundary = "datacenter",
    location: Location = None,
    operator: Operator = None,
    json_out: Json = False,
) -> None:
    """Energy, carbon and water of one LLM request (prefill + decode on a calibrated roofline)."""
    from ..estimate.inference import RequestConfig, RequestEstimator

    arch = _arch(model, params, active_params, layers, d_model, heads, kv_heads, head_dim, vocab, experts,
                 active_experts)
    cfg = RequestConfig(hardware=hardware, accelerators=accelerators, batch=batch, precision=precision,
                        boundary=boundary, location=location, operator=operator)
    est = RequestEstimator(arch, cfg)  # type: ignore[arg-type]
    emit(est.result(input_tokens, output_tokens), json_out, title="estimate request")


def training(
    model: Annotated[str | None, typer.Option("--model", help="Use the registry's published run of this model.")
                     ] = None,
    hardware: Annotated[str | None, typer.Option("--hardware", help="Accelerator (default h100).")] = None,
    gpu_hours: Annotated[float | None, typer.Option("--gpu-hours", help="Accelerator-hours (count).")] = None,
    accelerators: Annotated[int | None, typer.Option("--accelerators", help="Accelerators (with --days; any count, "
                                                     "not only powers of two).")] = None,
    days: Annotated[float | None, typer.Option("--days", help="Wall-clock days (with --accelerators).")] = None,
    power_w: Annotated[float | None, typer.Option("--power-w", help="Average power per accelerator [W] "
                                                  "(default: datasheet maximum, range 0.7–1.0 of it).")] = None,
    params: Annotated[float | None, typer.Option("--params", help="(Active) parameters [billions].")] = None,
    tokens: Annotated[float | None, typer.Option("--tokens", help="Training tokens [billions].")] = None,
    flops: Annotated[float | None, typer.Option("--flops", help="Training FLOPs (instead of 6 N D).")] = None,
    mfu: Annotated[float | None, typer.Option("--mfu", help=f"Model FLOPs utilisation (FLOPs path; default "
                                              f"{DEFAULT_MFU:g}).")] = None,
    precision: Annotated[str | None, typer.Option("--precision", help="bf16 or fp8: the peak FLOP/s of the FLOPs "
                                                  "path (default bf16; not used with accelerator-hours).")] = None,
    boundary: Annotated[str | None, typer.Option("--boundary", help="accelerator | server | datacenter (default: "
                                                 "datacenter; with --model, the publisher's own method).")] = None,
    location: Location = None,
    operator: Operator = None,
    pue: Annotated[float | None, typer.Option("--pue", help="Data-centre PUE (overrides the operator's or the "
                                              "publisher's).")] = None,
    json_out: Json = False,
) -> None:
    """Training footprint from accelerator-hours, or from FLOPs (≈ 6 × parameters × tokens) ÷ achieved FLOP/s.
    With --model, the published run with the publisher's power, PUE and grid intensity (shown beside the published
    figures) unless --location, --operator, --pue, --power-w or --boundary override them."""
    from ..estimate.lifecycle import training_spec_for
    from ..estimate.training import TrainingSpec, estimate_training

    _billions("--params", params)
    _billions("--tokens", tokens)
    run_flags = {"--gpu-hours": gpu_hours, "--accelerators": accelerators, "--days": days, "--params": params,
                 "--tokens": tokens, "--flops": flops, "--mfu": mfu}
    if model:
        given = [flag for flag, v in run_flags.items() if v is not None]
        if given:
            raise InputError(f"--model {model} uses the published training run; it cannot be combined with "
                             f"{', '.join(given)} (drop --model to describe the run yourself)")
        overrides: dict[str, Any] = {"location": location, "operator": operator, "boundary": boundary, "pue": pue,
                                     "precision": precision, "hardware": hardware or None,
                                     "power_w_per_accelerator": power_w}
        spec = training_spec_for(model, None, **overrides)
    else:
        spec = TrainingSpec(hardware=hardware or "h100", accelerator_hours=gpu_hours, accelerators=accelerators,
                            duration_days=days, power_w_per_accelerator=power_w, params_b=params, tokens_b=tokens,
                            flops=flops, mfu=mfu, precision=precision or "bf16", boundary=boundary or "datacenter",
                            location=location, operator=operator, pue=pue)
    emit(estimate_training(spec), json_out, title="estimate training")


def lifecycle(
    model: Annotated[str, typer.Option("--model", help="Model name (registry key).")],
    requests_per_day: Annotated[float, typer.Option("--requests-per-day", help="Requests on day 0.")],
    input_tokens: InTok,
    output_tokens: OutTok,
    days: Annotated[int, typer.Option("--days", help="Deployment length [days].")] = 365,
    growth: Annotated[float, typer.Option("--growth", help="Annual growth of requests (1.0 = doubling).")] = 0.0,
    hardware: Hardware = "h100",
    batch: Batch = DEFAULT_BATCH,
    precision: Precision = "bf16",
    location: Location = None,
    operator: Operator = None,
    training_gpu_hours: Annotated[float | None, typer.Option("--training-gpu-hours",
                                                             help="Accelerator-hours (count).")] = None,
    training_hardware: Annotated[str | None, typer.Option("--training-hardware", help="Accelerator of the "
                                                          "training run (with --training-gpu-hours or "
                                                          "--training-params/--training-tokens).")] = None,
    training_params: Annotated[float | None, typer.Option("--training-params", help="[billions]")] = None,
    training_tokens: Annotated[float | None, typer.Option("--training-tokens", help="[billions]")] = None,
    json_out: Json = False,
) -> None:
    """Training + inference over a deployment: cumulative energy, carbon, water and the break-even day."""
    from ..estimate.inference import RequestConfig
    from ..estimate.lifecycle import Deployment, estimate_lifecycle
    from ..estimate.training import TrainingSpec

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
    cfg = RequestConfig(hardware=hardware, batch=batch, precision=precision, location=location, operator=operator)
    dep = Deployment(requests_per_day, input_tokens, output_tokens, days, growth)
    emit(estimate_lifecycle(model, dep, spec, cfg), json_out, title="estimate lifecycle")


def compare_models(
    input_tokens: InTok,
    output_tokens: OutTok,
    models: Annotated[str | None, typer.Option("--models", help="Comma-separated model names (default: a ladder "
                                               "from ~1B to ~400B plus closed models).")] = None,
    hardware: Hardware = "h100",
    batch: Batch = DEFAULT_BATCH,
    precision: Precision = "bf16",
    boundary: Boundary = "datacenter",
    location: Location = None,
    operator: Operator = None,
    json_out: Json = False,
) -> None:
    """Rank models by per-request energy, carbon and water for one task profile (each model's multiple of the
    smallest): do you need the very large model?"""
    from ..estimate.compare import compare_models as run
    from ..estimate.inference import RequestConfig

    names = [m.strip() for m in models.split(",") if m.strip()] if models else None
    cfg = RequestConfig(hardware=hardware, batch=batch, precision=precision, boundary=boundary, location=location,
                        operator=operator)
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
    for w in result.warnings:
        console.print(f"[yellow]warning:[/] {w}")


def register(app: typer.Typer) -> None:
    """Add the ``estimate`` sub-app and the top-level ``compare-models`` command."""
    sub = typer.Typer(name="estimate", help="Estimate footprints before running: request, training, lifecycle.",
                      no_args_is_help=True)
    sub.command("request")(request)
    sub.command("training")(training)
    sub.command("lifecycle")(lifecycle)
    app.add_typer(sub, name="estimate")
    app.command("compare-models")(compare_models)
