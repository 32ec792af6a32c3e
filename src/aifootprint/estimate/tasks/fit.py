"""Fit and validate the denoising-step constants on ML.ENERGY v3.0 text-to-image and text-to-video rows.

Two parameters per accelerator describe denoising steps; every other term (base power, power limit, bandwidth, host
time per step, exchange) is the LLM calibration of :mod:`aifootprint.estimate.physics`:

* ``φ_c``, the achievable fraction of dense bf16 peak;
* ``BW_sp``, the effective bandwidth of the hidden-state exchange of a sequence-parallel step (xDiT's Ulysses
  all-to-alls and ring-attention passes, not overlapped with compute), used as the ``allreduce_bytes_per_s`` of
  :func:`aifootprint.estimate.physics.allreduce_s` (the LLM calibration's all-reduce latency is kept), so the
  exchange grows with the tokens of the batch;
* ``e_flop``, the dynamic energy per counted FLOP (attention softmax, normalisations, activations and convolutions
  draw power that the matmul FLOP count does not see, so it exceeds the LLM fit's value).

``φ_c`` and ``BW_sp`` are fitted on the measured time per batch, ``e_flop`` on the measured energy per image/video
given that time (grids, median |log error|), over that accelerator's configurations (batch size, GPU count, steps and
resolution as measured). Validation
(``benchmarks/validation_tasks.py``):

* in-sample: fit and score on the same rows (a consistency check, not a reproduction);
* leave-one-model-out (LOMO): for each model, fit on the other models' rows of the same accelerator, score it;
* cross-GPU: fit on H100 rows, score B200 rows, and the reverse.

The measurements are read from ``configurations.csv`` of the ML.ENERGY Leaderboard (Chung et al., arXiv:2505.06371)
at run time; only the fitted constants ship (``task_calibration.csv``).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .flops import diffusion_workload
from .models import get_task_model

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from aifootprint.reference.registry import Registry

    from ..calibration import Calibration
    from .flops import Phase

#: ML.ENERGY model id → ``task_models.csv`` key.
MLE_KEYS: dict[str, str] = {
    "Efficient-Large-Model/SANA1.5_1.6B_1024px_diffusers": "sana-1.5-1.6b",
    "Efficient-Large-Model/SANA1.5_4.8B_1024px_diffusers": "sana-1.5-4.8b",
    "PixArt-alpha/PixArt-Sigma-XL-2-1024-MS": "pixart-sigma",
    "Tencent-Hunyuan/HunyuanDiT-v1.2-Diffusers": "hunyuan-dit-1.2",
    "black-forest-labs/FLUX.1-dev": "flux.1-dev",
    "stabilityai/stable-diffusion-3.5-large": "sd-3.5-large",
    "stabilityai/stable-diffusion-3.5-medium": "sd-3.5-medium",
    "Wan-AI/Wan2.1-T2V-1.3B-Diffusers": "wan2.1-t2v-1.3b",
    "Wan-AI/Wan2.1-T2V-14B-Diffusers": "wan2.1-t2v-14b",
    "tencent/HunyuanVideo": "hunyuanvideo",
    "zai-org/CogVideoX-2b": "cogvideox-2b",
    "zai-org/CogVideoX1.5-5B": "cogvideox1.5-5b",
}
GPU_KEYS = {"H100": "h100", "B200": "b200"}
#: Grids searched: compute fraction, dynamic energy per FLOP [pJ] (0.2–8: under the soft power cap a step near the
#: limit needs a larger linear dynamic energy for the same power; B200 sat at the old 4 pJ edge).
PHI_GRID = tuple(round(0.05 + 0.01 * i, 3) for i in range(71))
EFLOP_GRID_PJ = tuple(round(0.2 + 0.05 * i, 3) for i in range(157))
#: Grid of the sequence-parallel exchange bandwidth [GB/s] (log-spaced 5–2,000; unused on one accelerator).
EXCHANGE_GRID_GB_PER_S = tuple(round(5.0 * 400.0 ** (i / 40), 1) for i in range(41))


@dataclass(frozen=True, slots=True)
class Measured:
    """One ML.ENERGY diffusion configuration: what was run and the energy per item measured (GPU only)."""

    model: str
    task: str
    gpu: str
    gpus: int
    batch: int
    steps: int
    height: int
    width: int
    frames: int | None
    energy_j: float
    batch_time_s: float


def read_mlenergy(path: Path) -> list[Measured]:
    """Text-to-image and text-to-video rows of ML.ENERGY ``configurations.csv`` for the models of :data:`MLE_KEYS`."""
    out: list[Measured] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            key = MLE_KEYS.get(r["model_id"])
            if key is None or r["task"] not in ("text-to-image", "text-to-video"):
                continue
            video = r["task"] == "text-to-video"
            out.append(Measured(
                model=key, task="video" if video else "image", gpu=GPU_KEYS[r["gpu_model"]],
                gpus=int(r["num_gpus"]), batch=int(r["batch_size"]), steps=int(r["inference_steps"]),
                height=int(r["video_height"] if video else r["image_height"]),
                width=int(r["video_width"] if video else r["image_width"]),
                frames=int(r["num_frames"]) if video else None,
                energy_j=float(r["energy_per_video_joules" if video else "energy_per_image_joules"]),
                batch_time_s=float(r["batch_latency_s"]),
            ))
    return out


class Predictor:
    """Vectorised energy per item for a fixed set of measured rows, as a function of the denoising ``φ_c``."""

    def __init__(self, rows: Sequence[Measured], cals: dict[str, Calibration], registry: Registry | None = None):
        import numpy as np

        from .engine import host_layer_s, stack_devices, workload_arrays

        self.rows = list(rows)
        phases: list[list[Phase]] = []
        items = []
        for m in self.rows:
            tm = get_task_model(m.model, m.task, registry)
            w = diffusion_workload(tm, m.steps, m.height, m.width, m.batch, m.frames)
            phases.append(list(w.phases))
            items.append(w.items)
        self._items = np.array(items)
        self._n = np.array([float(m.gpus) for m in self.rows])
        cal_rows = [cals[m.gpu] for m in self.rows]
        self._gpu = np.array([m.gpu for m in self.rows])
        self.measured = np.array([m.energy_j for m in self.rows])
        other = [[ph for ph in p if ph.name != "denoise"] for p in phases]
        self._t_other, self._e_other = workload_arrays(other, cal_rows, self._n)
        den = [next(ph for ph in p if ph.name == "denoise") for p in phases]
        self._den = {a: np.array([float(getattr(ph, a)) for ph in den])
                     for a in ("flops", "bytes_moved", "exchange_bytes", "layers", "repeats")}
        self._dev = stack_devices(cal_rows)
        self._peak = np.array([c.peak_flops("bf16") for c in cal_rows])
        self._host = np.array([host_layer_s(c) for c in cal_rows])

    def predict_both(self, params: dict[str, tuple[float, float, float]]
                     ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """``(energy per item [J], time per batch [s])`` with ``params[gpu] = (φ_c, e_flop [pJ], BW_sp [GB/s])``."""
        import numpy as np

        from .engine import phase_time_energy

        conds = [self._gpu == g for g in params]
        frac = np.select(conds, [p[0] for p in params.values()])
        ef = np.select(conds, [p[1] for p in params.values()]) * 1e-12
        bw = np.select(conds, [p[2] for p in params.values()]) * 1e9
        dev = replace(self._dev, compute_flops_per_s=self._peak * frac, energy_per_flop_j=ef,
                      allreduce_bytes_per_s=bw)

        d = self._den
        t, e = phase_time_energy(d["flops"], d["bytes_moved"], d["exchange_bytes"], d["layers"], d["repeats"],
                                 self._n, dev, self._host)
        return np.asarray((self._e_other + e) / self._items), np.asarray(self._t_other + t)

    def predict(self, params: dict[str, tuple[float, float, float]]) -> NDArray[np.float64]:
        """Energy per item [J] with ``params[gpu] = (φ_c, e_flop [pJ], BW_sp [GB/s])``."""
        return self.predict_both(params)[0]


def mlenergy_predictor(path: Path, registry: Registry | None = None) -> Predictor:
    """:class:`Predictor` over the rows of :func:`read_mlenergy` with each GPU's LLM calibration."""
    from ..calibration import load_calibration

    return Predictor(read_mlenergy(path), {g: load_calibration(g, registry) for g in GPU_KEYS.values()}, registry)


def median_abs_error(pred: NDArray[np.float64], meas: NDArray[np.float64]) -> float:
    """Median |pred / meas − 1|."""
    import numpy as np

    return float(np.median(np.abs(pred / meas - 1.0)))


def fit_params(pred: Predictor, gpu: str, select: Callable[[Measured], bool] = lambda m: True
               ) -> tuple[float, float, float]:
    """Fit ``(φ_c, e_flop [pJ], BW_sp [GB/s])`` for ``gpu`` on the selected rows: ``φ_c`` and ``BW_sp`` on the
    measured time per batch (grid), then ``e_flop`` on the measured energy given that time (grid), twice (the power
    cap couples them)."""
    import numpy as np

    mask = np.array([m.gpu == gpu and select(m) for m in pred.rows])
    t_meas = np.array([m.batch_time_s for m in pred.rows])[mask]
    e_meas = pred.measured[mask]

    def err(p: tuple[float, float, float], which: int) -> float:
        out = pred.predict_both({g: p for g in GPU_KEYS.values()})[which][mask]
        return float(np.median(np.abs(np.log(out / (e_meas if which == 0 else t_meas)))))

    best = (0.25, 1.0, 100.0)
    for _ in range(2):
        phi, bw = min(((f, x) for f in PHI_GRID for x in EXCHANGE_GRID_GB_PER_S),
                      key=lambda q: err((q[0], best[1], q[1]), 1))
        ef = min(EFLOP_GRID_PJ, key=lambda e: err((phi, e, bw), 0))
        best = (phi, ef, bw)
    return best


def lomo_predictions(pred: Predictor) -> NDArray[np.float64]:
    """Energy per item of every row predicted leave-one-model-out: fitted on the other models' rows of its GPU."""
    import numpy as np

    out = np.empty_like(pred.measured)
    gpus = np.array([m.gpu for m in pred.rows])
    models = np.array([m.model for m in pred.rows])
    for g in sorted(set(gpus)):
        for key in sorted(set(models[gpus == g])):
            p = fit_params(pred, str(g), lambda m, k=key: m.model != k)  # type: ignore[misc]
            sel = (gpus == g) & (models == key)
            out[sel] = pred.predict({x: p for x in GPU_KEYS.values()})[sel]
    return out
