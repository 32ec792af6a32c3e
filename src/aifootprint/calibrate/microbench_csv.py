"""Micro-benchmark readings from a CSV in the ``microbench.csv`` format, and device name -> registry accelerator.

Format (the one of "aifootprint GPU micro-benchmarks, 2026-11-26", ``../shared/data/gpu-microbench/SOURCE.md``): one
row per GPU and benchmark; columns used here are ``gpu``, ``benchmark``, ``duration_s``, ``energy_j`` (counter
difference; when empty, ``power_mean_w`` × ``duration_s`` is used), ``achieved_tflop_per_s`` (``matmul_bf16``),
``achieved_gb_per_s`` (``hbm_copy`` and the optional ``gemv_bf16``), ``power_limit_w``, ``driver`` and ``date``.
Other columns are ignored. Benchmarks: ``idle``, ``matmul_bf16`` and ``hbm_copy`` are required per GPU,
``gemv_bf16`` is optional. :func:`write_microbench_csv` writes readings in the same format (``calibrate
--save-readings``), so a run can be re-derived later with ``--from-csv``.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..fileio import read_input
from .profile import BenchWindow, MicrobenchReadings, write_text_file

if TYPE_CHECKING:
    from ..reference.hardware import Accelerator
    from ..reference.registry import Registry

REQUIRED_COLUMNS = ("gpu", "benchmark", "duration_s", "power_limit_w", "driver", "date")
REQUIRED_BENCHMARKS = ("idle", "matmul_bf16", "hbm_copy")
OPTIONAL_BENCHMARKS = ("gemv_bf16",)


def _optional(row: dict[str, str], column: str, where: str) -> float | None:
    text = (row.get(column) or "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{where}: column {column!r} = {text!r} is not a number") from None
    if not math.isfinite(value):
        raise InputError(f"{where}: column {column!r} = {text!r} is not finite")
    return value


def _required(row: dict[str, str], column: str, where: str) -> float:
    value = _optional(row, column, where)
    if value is None:
        raise InputError(f"{where}: column {column!r} is empty; accepted: a number")
    return value


def _window(row: dict[str, str], where: str) -> BenchWindow:
    duration = _required(row, "duration_s", where)
    energy = _optional(row, "energy_j", where)
    if energy is None:
        power = _optional(row, "power_mean_w", where)
        if power is None:
            raise InputError(f"{where}: both 'energy_j' and 'power_mean_w' are empty; accepted: either")
        energy = power * duration
    bench = row["benchmark"].strip()
    flops = bytes_moved = 0.0
    if bench == "matmul_bf16":
        flops = _required(row, "achieved_tflop_per_s", where) * 1e12 * duration
    elif bench in ("hbm_copy", "gemv_bf16"):
        bytes_moved = _required(row, "achieved_gb_per_s", where) * 1e9 * duration
    return BenchWindow(duration_s=duration, energy_j=energy, flops=flops, bytes_moved=bytes_moved)


def read_microbench_csv(path: str | os.PathLike[str]) -> list[MicrobenchReadings]:
    """One :class:`MicrobenchReadings` per GPU in the file, in file order. Raises :class:`InputError` on faults."""
    p = Path(path)
    try:
        text = read_input(p, "micro-benchmark CSV").decode("utf-8")
    except FileNotFoundError:
        raise InputError(f"micro-benchmark CSV {str(p)!r} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"micro-benchmark CSV {str(p)!r} cannot be read: {exc}") from None
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"micro-benchmark CSV {str(p)!r}: missing column(s) {', '.join(missing)}; accepted: the "
                         "microbench.csv format (docs/calibrate.md)")
    groups: dict[str, dict[str, dict[str, str]]] = {}
    for line, row in enumerate(reader, start=2):
        gpu, bench = (row.get("gpu") or "").strip(), (row.get("benchmark") or "").strip()
        where = f"{p.name} line {line}"
        if not gpu:
            raise InputError(f"{where}: column 'gpu' is empty")
        if bench not in REQUIRED_BENCHMARKS + OPTIONAL_BENCHMARKS:
            accepted = ", ".join(REQUIRED_BENCHMARKS + OPTIONAL_BENCHMARKS)
            raise InputError(f"{where}: unknown benchmark {bench!r}; accepted: {accepted}")
        if bench in groups.setdefault(gpu, {}):
            raise InputError(f"{where}: benchmark {bench!r} of {gpu!r} appears twice")
        groups[gpu][bench] = row | {"_line": str(line)}
    if not groups:
        raise InputError(f"micro-benchmark CSV {str(p)!r} has no rows")
    out = []
    for gpu, rows in groups.items():
        absent = [b for b in REQUIRED_BENCHMARKS if b not in rows]
        if absent:
            raise InputError(f"micro-benchmark CSV {str(p)!r}: {gpu!r} lacks benchmark(s) {', '.join(absent)}; "
                             f"required: {', '.join(REQUIRED_BENCHMARKS)}")
        windows = {b: _window(r, f"{p.name} line {r['_line']}") for b, r in rows.items()}
        first = rows["matmul_bf16"]
        limit = _run_conditions(p.name, gpu, rows)
        out.append(MicrobenchReadings(
            device_name=gpu,
            driver=(first.get("driver") or "").strip(),
            date=(first.get("date") or "").strip(),
            power_limit_w=limit,
            idle=windows["idle"],
            gemm=windows["matmul_bf16"],
            copy=windows["hbm_copy"],
            gemv=windows.get("gemv_bf16"),
        ))
    return out


#: Accepted power limit of one GPU [W]: above 0 and at most 5,000 W, the CLI's ``--power-w`` bound
#: (:data:`aifootprint.limits.LIMITS`: the largest datasheet figure is ~1,200 W per GPU, B200/GB200).
MAX_POWER_LIMIT_W = 5000.0


def _run_conditions(name: str, gpu: str, rows: dict[str, dict[str, str]]) -> float:
    """The power limit of ``gpu``'s run; :class:`InputError` naming the rows and the column when a row's
    ``power_limit_w`` is not in (0, :data:`MAX_POWER_LIMIT_W`] W, or when the rows of one GPU disagree on
    ``power_limit_w``, ``driver`` or ``date`` (the readings of one profile must come from one run: one limit, one
    driver, one day)."""
    limits: dict[str, float] = {}
    for bench, row in rows.items():
        where = f"{name} line {row['_line']}"
        limit = limits[bench] = _required(row, "power_limit_w", where)
        if not 0 < limit <= MAX_POWER_LIMIT_W:
            raise InputError(f"{where}: column 'power_limit_w' = {limit:g} W ({gpu!r}, {bench}) is out of range; "
                             f"accepted: > 0 and ≤ {MAX_POWER_LIMIT_W:,.0f} W")
    for column in ("power_limit_w", "driver", "date"):
        seen: dict[str, list[str]] = {}
        for row in rows.values():
            text = (row.get(column) or "").strip()
            key = repr(float(text)) if column == "power_limit_w" else text
            seen.setdefault(key, []).append(row["_line"])
        if len(seen) > 1:
            parts = "; ".join(f"{v or '(empty)'} on line(s) {', '.join(ls)}" for v, ls in seen.items())
            raise InputError(f"{name}: the rows of {gpu!r} disagree on column {column!r} ({parts}); accepted: one "
                             "value for all rows of a GPU (one run)")
    return limits["matmul_bf16"]


WRITTEN_COLUMNS = ("gpu", "benchmark", "description", "duration_s", "energy_j", "power_mean_w",
                   "achieved_tflop_per_s", "achieved_gb_per_s", "power_limit_w", "driver", "date")
_DESCRIPTIONS = {"idle": "GPU idle, context open", "matmul_bf16": "dense bf16 GEMM (2 n^3 FLOP each)",
                 "hbm_copy": "device copy (bytes moved = read + write)", "gemv_bf16": "small-batch bf16 GEMV"}


def microbench_csv_text(items: list[MicrobenchReadings]) -> str:
    """Readings as CSV text in the ``microbench.csv`` format (exact floats: ``repr``)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=WRITTEN_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in items:
        windows = {"idle": r.idle, "matmul_bf16": r.gemm, "hbm_copy": r.copy, "gemv_bf16": r.gemv}
        for bench, w in windows.items():
            if w is None:
                continue
            writer.writerow({
                "gpu": r.device_name, "benchmark": bench, "description": _DESCRIPTIONS[bench],
                "duration_s": repr(w.duration_s), "energy_j": repr(w.energy_j), "power_mean_w": repr(w.power_w),
                "achieved_tflop_per_s": repr(w.flops_per_s / 1e12) if bench == "matmul_bf16" else "",
                "achieved_gb_per_s": repr(w.bytes_per_s / 1e9) if bench in ("hbm_copy", "gemv_bf16") else "",
                "power_limit_w": repr(r.power_limit_w), "driver": r.driver, "date": r.date,
            })
    return buf.getvalue()


def write_microbench_csv(items: list[MicrobenchReadings], path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Write readings to ``path`` (as profiles are written: atomic, no overwrite without ``force``, never a link)."""
    return write_text_file(microbench_csv_text(items), path, force=force)


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def resolve_accelerator(device_name: str, registry: Registry | None = None) -> Accelerator:
    """The registry accelerator of a device name as NVML or a CSV reports it.

    Tries, in order: a registry key or alias (:func:`~aifootprint.reference.hardware.get_accelerator`, e.g. "NVIDIA
    H100 80GB HBM3", "NVIDIA H200"); the registry's full name, ignoring case and punctuation ("NVIDIA H200 SXM 141GB");
    the longest registry name that starts the device name ("NVIDIA H100 SXM5 80GB (HBM3)" -> h100). Raises
    :class:`InputError` (with close matches) when none fits; ``--accelerator KEY`` then names it explicitly.
    """
    from ..reference.hardware import get_accelerator, list_accelerators

    try:
        return get_accelerator(device_name, registry)
    except InputError as first_error:
        squashed = _squash(device_name)
        accs = list_accelerators(registry)
        for acc in accs:
            if _squash(acc.name) == squashed:
                return acc
        prefixed = [acc for acc in accs if squashed.startswith(_squash(acc.name))]
        if prefixed:
            return max(prefixed, key=lambda a: len(_squash(a.name)))
        raise InputError(f"{first_error} (device {device_name!r}; pass --accelerator KEY to name it)") from None
