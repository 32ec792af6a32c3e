"""Vectorised estimates for logs of task requests: a dict of arrays, a pandas DataFrame or a pyarrow Table in, the
same kind out with energy, breakdown, carbon and water columns (point values; ranges via
:meth:`~.estimator.TaskEstimator.result`).

Columns: ``task`` and ``model`` (or the ``task`` / ``model`` arguments), optional size columns (``steps``,
``height``, ``width``, ``frames``, ``batch``, ``tokens``, ``audio_seconds``; empty / NaN = default). Rows with the
same inputs are estimated once; the distinct inputs of a task go through the roofline as arrays
(:func:`.engine.workload_arrays`), so a million-row log costs one pass per distinct request shape.
"""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from aifootprint.errors import InputError

from .. import boundary as bd
from .engine import workload_arrays
from .estimator import TaskConfig, TaskEstimator, TaskSpec

if TYPE_CHECKING:
    from aifootprint.reference.registry import Registry

SIZE_COLUMNS = ("steps", "height", "width", "frames", "batch", "tokens", "audio_seconds")
COLUMNS = ("energy_wh", "accelerator_wh", "host_wh", "idle_wh", "overhead_wh", "latency_s", "accelerators",
           "carbon_g", "water_l")


def _cell(v: Any) -> float | None:
    if v is None or v in ("", "None", "nan"):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise InputError(f"size columns must be numbers, got {v!r}") from None
    return None if math.isnan(f) else f


def estimate_task_table(requests: Any, config: TaskConfig | None = None, task: str | None = None,
                        model: str | None = None, registry: Registry | None = None) -> Any:
    """Estimate every row of a table of task requests (see the module docstring)."""
    from ..batch import _columns, _impacts

    cols, kind = _columns(requests)
    size = len(next(iter(cols.values()))) if cols else 0
    for name, given in (("task", task), ("model", model)):
        if name not in cols and given is None:
            raise InputError(f"give a {name!r} column or the {name} argument")
    cfg = config or TaskConfig()
    tasks = cols["task"].astype(str) if "task" in cols else np.full(size, str(task))
    models = cols["model"].astype(str) if "model" in cols else np.full(size, str(model))
    present = [c for c in SIZE_COLUMNS if c in cols]
    stacked = np.stack([tasks, models, *(cols[c].astype(str) for c in present)], axis=1) if size else \
        np.empty((0, 2 + len(present)), dtype=str)
    uniq, row_of = np.unique(stacked, axis=0, return_inverse=True)
    row_of = row_of.reshape(-1)
    distinct: list[tuple[str, str, tuple[float | None, ...]]] = [
        (str(u[0]), str(u[1]), tuple(_cell(x) for x in u[2:])) for u in uniq]
    out = {c: np.zeros(len(distinct)) for c in COLUMNS}
    site = None
    for t in sorted({k[0] for k in distinct}):
        group = [j for j, k in enumerate(distinct) if k[0] == t]
        ests = []
        for j in group:
            v = dict(zip(present, distinct[j][2], strict=True))
            spec = TaskSpec(t, distinct[j][1], steps=_int(v.get("steps")), height=_int(v.get("height")),
                            width=_int(v.get("width")), frames=_int(v.get("frames")), batch=_int(v.get("batch")),
                            tokens=_int(v.get("tokens")), audio_s=v.get("audio_seconds"))
            est = TaskEstimator(spec, cfg, registry, site=site)
            site = est.site()
            ests.append(est)
        diffusion = t in ("image", "video")
        cals = [e.denoise_cal if diffusion else e.cal for e in ests]
        # denoise phases use the denoising calibration; the other phases the LLM one
        phases = [list(e.workload.phases) for e in ests]
        n = np.array([float(e.accelerators) for e in ests])
        time_s = np.zeros(len(ests))
        acc_j = np.zeros(len(ests))
        for p in range(len(phases[0])):
            use = [cals[i] if phases[i][p].name == "denoise" else ests[i].cal for i in range(len(ests))]
            tt, ee = workload_arrays([[ph[p]] for ph in phases], use, n, cfg.engine)
            time_s += tt
            acc_j += ee
        items = np.array([e.workload.items for e in ests])
        host_w = bd.server_share(registry).host_power_w if cfg.boundary != "accelerator" else 0.0
        acc_wh = acc_j / items / 3600.0
        host_wh = host_w * n * time_s / items / 3600.0
        idle_wh = bd.IDLE_FRACTION * (acc_wh + host_wh) if cfg.boundary == "datacenter" else np.zeros(len(ests))
        pue = float(getattr(site.pue.value, "best", site.pue.value)) if (site and cfg.boundary == "datacenter") \
            else 1.0
        overhead_wh = (pue - 1.0) * (acc_wh + host_wh + idle_wh)
        energy = acc_wh + host_wh + idle_wh + overhead_wh
        carbon, water = _impacts(cast(Any, SimpleNamespace(site=lambda s=site: s, config=cfg)), energy, overhead_wh)
        for c, arr in (("energy_wh", energy), ("accelerator_wh", acc_wh), ("host_wh", host_wh), ("idle_wh", idle_wh),
                     ("overhead_wh", overhead_wh), ("latency_s", time_s), ("accelerators", n), ("carbon_g", carbon),
                     ("water_l", water)):
            out[c][group] = arr
    merged: dict[str, Any] = {**cols, **{c: out[c][row_of] for c in COLUMNS}}
    if kind == "pandas":
        import pandas as pd

        return pd.DataFrame(merged)
    if kind == "pyarrow":
        import pyarrow as pa

        return pa.table(merged)
    return merged


def _int(v: float | None) -> int | None:
    return None if v is None else int(v)
