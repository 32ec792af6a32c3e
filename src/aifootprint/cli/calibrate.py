"""``aifootprint calibrate``: measure the local GPU (or read micro-benchmark measurements) into a calibration profile.

On a device (extra ``aifootprint[calibrate]``: PyTorch with CUDA + nvidia-ml-py) it runs idle, dense bf16 GEMM, HBM
copy and small-batch GEMV windows (≈ 25 s of windows by default, bounded to 90 s, plus warm-ups) and derives the
power-model parameters (``docs/calibrate.md``). ``--from-csv FILE`` derives profiles offline from measurements in the
``microbench.csv`` format, without PyTorch. PyTorch is imported only when a GPU run starts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ..calibrate.backend import MicrobenchBackend
    from ..calibrate.profile import CalibrationProfile, MicrobenchReadings
    from ..notice import Notice
    from ..reference.hardware import Accelerator


@dataclass(frozen=True)
class Calibrated:
    """One derived profile with what produced it."""

    readings: MicrobenchReadings
    profile: CalibrationProfile
    accelerator: Accelerator
    notices: tuple[Notice, ...]


def derive(readings: MicrobenchReadings, accelerator: str | None, source: str, energy_method: str) -> Calibrated:
    """Resolve the accelerator (``accelerator`` wins over the device name), derive the profile, run the checks."""
    from ..calibrate.microbench_csv import resolve_accelerator
    from ..calibrate.profile import derive_profile
    from ..calibrate.report import reading_notices
    from ..reference.hardware import get_accelerator

    acc = get_accelerator(accelerator) if accelerator else resolve_accelerator(readings.device_name)
    profile = derive_profile(readings, acc, source)
    return Calibrated(readings, profile, acc, tuple(reading_notices(readings, profile, energy_method)))


def measure_device(backend: MicrobenchBackend, idle_s: float, window_s: float,
                   ) -> tuple[MicrobenchReadings, str, str]:
    """Run the bounded plan on ``backend`` (closed afterwards): the readings, the profile's source text and how
    energy was measured (:attr:`~aifootprint.calibrate.backend.DeviceInfo.energy_method`)."""
    from ..calibrate.backend import BenchPlan, run_microbenchmarks
    from ..calibrate.profile import PROFILE_METHOD_VERSION

    plan = BenchPlan(idle_s=idle_s, window_s=window_s)
    try:
        info = backend.device_info()
        readings = run_microbenchmarks(backend, plan)
    finally:
        backend.close()
    if info.energy_method == "fake":
        return readings, "synthetic readings of the fake calibration backend (not a measurement)", info.energy_method
    source = (f"measured by aifootprint calibrate ({PROFILE_METHOD_VERSION}, {info.energy_method}) on {info.name}, "
              f"driver {info.driver}, {readings.date}")
    return readings, source, info.energy_method


def is_folder(out: str) -> bool:
    """``--out`` names a folder: it ends with a path separator or is an existing directory (a symlink to one too)."""
    return out.endswith(("/", os.sep)) or Path(out).is_dir()


def _targets(out: str | None, items: list[Calibrated]) -> list[Path | None]:
    """Where each profile goes: ``--out FILE`` for one GPU; ``--out DIR/`` (or an existing folder, created if the
    name ends with a separator) holds one ``KEY.toml`` per GPU, for one GPU as for several."""
    from ..errors import InputError

    if out is None:
        return [None] * len(items)
    if not is_folder(out):
        if len(items) == 1:
            return [Path(out)]
        names = ", ".join(c.readings.device_name for c in items)
        raise InputError(f"the CSV holds {len(items)} GPUs ({names}); accepted: --gpu NAME to pick one, or --out "
                         "DIR/ (a folder) to write one KEY.toml per GPU")
    keys = [c.profile.accelerator for c in items]
    if len(set(keys)) != len(keys):
        raise InputError(f"several GPUs of the CSV map to one accelerator ({', '.join(keys)}); pick one with --gpu")
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"--out {out}: exists and is not a folder; accepted: a folder, or a file name without a "
                         "trailing separator")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"--out {out}: cannot create the folder ({exc.strerror})") from None
    return [folder / f"{key}.toml" for key in keys]


def _print_human(item: Calibrated, written: Path | None) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from ..calibrate.report import compare_with_datasheet
    from .output import format_value

    p, acc = item.profile, item.accelerator
    console = Console(highlight=False)
    table = Table(title=f"calibration of {p.device_name} ({p.accelerator}), driver {p.driver}, {p.date}",
                  header_style="bold")
    table.add_column("quantity")
    for col in ("measured", "datasheet", "ratio"):
        table.add_column(col, justify="right")
    table.add_column("unit")
    for row in compare_with_datasheet(p, acc):
        table.add_row(escape(row.quantity), "—" if row.measured is None else format_value(row.measured),
                      "not published" if row.datasheet is None else format_value(row.datasheet),
                      "" if row.ratio is None else f"{row.ratio:.1%}", row.unit)
    console.print(table)
    console.print(escape(f"source: {p.source}; method {p.method_version}"))
    for notice in item.notices:
        console.print(f"[yellow]note:[/] {escape(notice.message)}")
    if written is not None:
        console.print(escape(f"written: {written} (use it with --calibration {written}, or name it under "
                             f"[calibration] in the user config; see docs/calibrate.md)"))
    else:
        console.print("not written: pass --out FILE to save the profile")


def _json(items: list[Calibrated], written: list[Path | None], inputs: dict[str, object]) -> str:
    from ..calibrate.report import compare_with_datasheet
    from ..result import Result

    profiles = [{"profile": c.profile.to_dict(), "written": None if w is None else str(w),
                 "comparison": [r.to_dict() for r in compare_with_datasheet(c.profile, c.accelerator)]}
                for c, w in zip(items, written, strict=True)]
    notices = [n for c in items for n in c.notices]
    return Result(kind="calibration", inputs=inputs, values={"profiles": profiles}, warnings=notices).to_json()


def calibrate(
    out: Annotated[str | None, typer.Option(metavar="PATH", help="Write the profile (TOML) to this file, or into this "
                                            "folder as KEY.toml (a name ending with '/' or an existing folder; "
                                            "created if missing; one file per GPU of --from-csv).")] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing regular file at --out.")] = False,
    from_csv: Annotated[Path | None, typer.Option("--from-csv", help="Derive profiles from a micro-benchmark CSV "
                                                  "(microbench.csv format) instead of running on the GPU.")] = None,
    gpu: Annotated[str | None, typer.Option(help="With --from-csv: the GPU (its 'gpu' column or registry key) to "
                                            "use.")] = None,
    accelerator: Annotated[str | None, typer.Option(help="Registry accelerator (key or alias) of the device, when its "
                                                    "name is not recognised.")] = None,
    source: Annotated[str | None, typer.Option(help="With --from-csv: the citation of the measurements.")] = None,
    device: Annotated[int, typer.Option(help="GPU index (as PyTorch numbers them).")] = 0,
    idle_s: Annotated[float, typer.Option("--idle-s", help="Idle window [s] (1-30).")] = 5.0,
    window_s: Annotated[float, typer.Option("--window-s", help="Each benchmark window [s] (1-25).")] = 5.0,
    save_readings: Annotated[Path | None, typer.Option(help="Also save the raw readings (microbench.csv format) "
                                                       "here, to re-derive later with --from-csv.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the JSON result.")] = False,
    backend: Annotated[str, typer.Option(hidden=True, help="nvidia (default) or fake (synthetic readings, for tests "
                                                           "and demos).")] = "nvidia",
) -> None:
    """Calibrate the estimator to this GPU: idle, bf16 GEMM, HBM copy and GEMV micro-benchmarks -> profile."""
    from ..calibrate.microbench_csv import resolve_accelerator, write_microbench_csv
    from ..calibrate.profile import check_writable, write_profile
    from ..errors import InputError, unknown_choice

    if backend not in ("nvidia", "fake"):
        raise unknown_choice("calibration backend", backend, ("nvidia", "fake"))
    if out is not None and "\0" in out:  # os.stat would raise ValueError (a traceback)
        raise InputError("--out: the path contains a NUL character; accepted: a file or folder name")
    inputs: dict[str, object] = {"from_csv": None if from_csv is None else str(from_csv), "gpu": gpu,
                                 "accelerator": accelerator, "out": None if out is None else str(out)}
    if from_csv is not None:
        if save_readings is not None:
            raise InputError("--save-readings applies to a GPU run only (--from-csv already has the readings)")
        items = _from_csv(from_csv, gpu, accelerator, source)
    else:
        if gpu is not None or source is not None:
            raise InputError("--gpu and --source apply to --from-csv only")
        out_file = None if out is None or is_folder(out) else Path(out)
        if out_file is not None and save_readings is not None and out_file.resolve() == save_readings.resolve():
            raise InputError("--out and --save-readings name the same file; accepted: two different files")
        for path in (out_file, save_readings):
            if path is not None:
                check_writable(path, force)  # before a two-minute run, not after
        inputs |= {"device": device, "idle_s": idle_s, "window_s": window_s, "backend": backend}
        bench = _open_backend(backend, device)
        try:  # an unrecognised device fails now, not after the run
            accelerator = accelerator or resolve_accelerator(bench.device_info().name).key
            if out is not None and out_file is None and Path(out).is_dir():  # its KEY.toml, before the run too
                check_writable(Path(out) / f"{accelerator}.toml", force)
        except BaseException:
            bench.close()
            raise
        readings, device_source, energy_method = measure_device(bench, idle_s, window_s)
        if save_readings is not None:  # first: the measurements are kept even if the derivation fails
            write_microbench_csv([readings], save_readings, force=force)
            inputs["save_readings"] = str(save_readings)
        items = [derive(readings, accelerator, device_source, energy_method)]
    targets = _targets(out, items)
    for target in targets:
        if target is not None:
            if from_csv is not None and os.path.realpath(target) == os.path.realpath(from_csv):
                raise InputError(f"--out {target} is the --from-csv input; choose another --out (the input is never "
                                 "overwritten, not even with --force)")
            check_writable(target, force)
    written = [None if t is None else write_profile(c.profile, t, force=force) for c, t in zip(items, targets,
                                                                                               strict=True)]
    if json_out:
        typer.echo(_json(items, written, inputs))
        return
    for item, target in zip(items, written, strict=True):
        _print_human(item, target)


def _open_backend(kind: str, device: int) -> MicrobenchBackend:
    if kind == "fake":
        from ..calibrate.backend import FakeBackend

        return FakeBackend()
    from ..calibrate.torch_backend import open_backend

    return open_backend(device)


def _from_csv(path: Path, gpu: str | None, accelerator: str | None, source: str | None) -> list[Calibrated]:
    from ..calibrate.microbench_csv import read_microbench_csv
    from ..errors import InputError

    readings = read_microbench_csv(path)
    if gpu is not None:
        chosen = [r for r in readings if gpu.lower() in (r.device_name.lower(), _key_or_none(r.device_name))]
        if not chosen:
            names = ", ".join(r.device_name for r in readings)
            raise InputError(f"--gpu {gpu!r} is not in {str(path)!r}; accepted: {names} (or their registry keys)")
        readings = chosen
    if accelerator is not None and len(readings) > 1:
        raise InputError("--accelerator names one device; the CSV holds several: pick one with --gpu")
    cite = source or f"micro-benchmark CSV {path.name}"
    return [derive(r, accelerator, f"{cite} ({r.device_name}, driver {r.driver}, {r.date})", "csv")
            for r in readings]


def _key_or_none(device_name: str) -> str | None:
    from ..calibrate.microbench_csv import resolve_accelerator
    from ..errors import InputError

    try:
        return resolve_accelerator(device_name).key
    except InputError:
        return None


def register(app: typer.Typer) -> None:
    app.command("calibrate")(calibrate)
