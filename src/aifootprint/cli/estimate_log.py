"""``aifootprint estimate log INPUT --out OUTPUT``: energy, carbon and water for every request of a log."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .output import emit


def log(
    input_path: Annotated[Path, typer.Argument(metavar="INPUT", help="Request log: .csv, .jsonl or .parquet.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output file (.csv, .jsonl or .parquet): the input "
                                                          "columns plus energy_wh, carbon_g, water_l, skip_reason.")],
    model_col: Annotated[str, typer.Option("--model-col", help="Column with the model name.")] = "model",
    input_col: Annotated[str, typer.Option("--input-col", help="Column with prompt tokens.")] = "input_tokens",
    output_col: Annotated[str, typer.Option("--output-col", help="Column with generated tokens.")] = "output_tokens",
    time_col: Annotated[str | None, typer.Option("--time-col", help="Column with the request time (ISO 8601 or "
                                                                    "Unix s), used with --intensity-profile.")] = None,
    model: Annotated[str | None, typer.Option("--model", help="Model for rows without one (or no model "
                                                              "column).")] = None,
    input_tokens: Annotated[int | None, typer.Option("--input-tokens", help="Prompt tokens per request (a count), "
                                                                            "for rows without them.")] = None,
    output_tokens: Annotated[int | None, typer.Option("--output-tokens", help="Generated tokens per request (a "
                                                                              "count), for rows without them.")] = None,
    on_error: Annotated[str, typer.Option("--on-error", help="skip: skip bad rows, count them by reason; fail: "
                                                             "stop at the first.")] = "skip",
    hardware: Annotated[str, typer.Option("--hardware", help="Accelerator serving the models.")] = "h100",
    batch: Annotated[int | None, typer.Option("--batch", help="Concurrent sequences (default: the estimator's).")
                     ] = None,
    boundary: Annotated[str, typer.Option("--boundary", help="accelerator | server | datacenter.")] = "datacenter",
    location: Annotated[str | None, typer.Option("--location", help="Data-centre location (default: the API "
                                                                    "provider's zone, else world).")] = None,
    operator: Annotated[str | None, typer.Option("--operator", help="Data-centre operator.")] = None,
    intensity_profile: Annotated[Path | None, typer.Option("--intensity-profile", help="Hourly grid intensity CSV "
                                                           "(timestamp,intensity_g_per_kwh); needs --time-col.")
                                 ] = None,
    dask: Annotated[bool, typer.Option("--dask", help="Run on Dask (a LocalCluster unless --scheduler).")] = False,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Dask scheduler address (tcp://host:8786); "
                                                                      "implies --dask.")] = None,
    workers: Annotated[int, typer.Option("--workers", help="LocalCluster worker processes.")] = 2,
    chunk_rows: Annotated[int, typer.Option("--chunk-rows", help="Rows per chunk (local path).")] = 262_144,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing output file.")] = False,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Progress bar on stderr (only on a "
                                                                            "terminal).")] = True,
    json_out: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Estimate every request of a log; write the rows with their impacts, print totals with ranges.

    Example: aifootprint estimate log requests.parquet --out impacts.parquet --model-col model_name
    """
    from ..errors import InputError
    from ..estimate.log import LogEstimator, LogSpec, summary
    from ..estimate.logio import check_paths, log_format, run_local
    from .validate import check_range

    check_paths(input_path, out, force)
    check_range("--batch", batch)  # before numpy sees it (1e23 overflowed a C long)
    check_range("--workers", workers, 1, MAX_WORKERS, "processes")
    check_range("--chunk-rows", chunk_rows, 1, MAX_CHUNK_ROWS, "rows")
    spec = LogSpec(model_col=model_col, input_col=input_col, output_col=output_col, time_col=time_col, model=model,
                   input_tokens=input_tokens, output_tokens=output_tokens, on_error=on_error, hardware=hardware,
                   batch=batch, boundary=boundary, location=location, operator=operator, chunk_rows=chunk_rows)
    profile = None
    if intensity_profile is not None:
        if time_col is None:
            raise InputError("--intensity-profile needs --time-col (the column with each request's time)")
        from ..impacts.intensity.base import ProfileProvider

        profile = ProfileProvider.from_file(str(intensity_profile), zone=location or "")
    elif time_col is not None:
        raise InputError("--time-col is used with --intensity-profile; give both or neither")
    estimator = LogEstimator(spec, profile)
    if model is not None:  # a bad default model fails before reading the file
        from ..notice import Notice

        known = estimator.calc.model(model)
        if isinstance(known, Notice):
            raise InputError(f"--model: {known.message}")
    if dask or scheduler:
        from ..estimate.log_dask import run_dask

        stats = run_dask(input_path, out, spec, profile, scheduler, workers, progress=progress)
    else:
        stats = run_local(input_path, out, estimator, progress)
    inputs = {"input": str(input_path), "format": log_format(input_path), "output": str(out),
              "engine": f"dask ({scheduler or f'LocalCluster, {workers} workers'})" if dask or scheduler else "local",
              "model_col": model_col, "input_col": input_col, "output_col": output_col, "on_error": on_error}
    emit(summary(stats, estimator, inputs), json_out, title=f"estimate log: {input_path.name}")


#: Largest ``--chunk-rows``: a chunk is held in memory whole (ten columns of 10⁸ rows ≈ 8 GB); a generous input bound
#: stated as such, meant to catch typos (a 400-digit count was accepted silently).
MAX_CHUNK_ROWS = 100_000_000
#: Largest ``--workers`` (LocalCluster processes on one machine): a generous input bound stated as such.
MAX_WORKERS = 1_024


def register(sub: typer.Typer) -> None:
    """Add ``log`` to the ``estimate`` sub-app (called from :func:`aifootprint.cli.estimate.register`)."""
    sub.command("log")(log)
