"""Fit and validate the denoising compute fraction on ML.ENERGY v3.0 text-to-image and text-to-video rows.

One parameter per accelerator (``φ_c`` of denoising steps; every other term is the LLM calibration) is chosen to
minimise the median |log(predicted / measured)| energy per image/video over that accelerator's configurations
(batch size, GPU count, steps and resolution as measured). Validation (``benchmarks/validation_tasks.py``):

* in-sample: fit and score on the same rows (a consistency check, not a reproduction);
* leave-one-model-out (LOMO): for each model, fit on the other models' rows of the same accelerator, score it;
* cross-GPU: fit on H100 rows, score B200 rows, and the reverse.

The measurements are read from ``configurations.csv`` of the ML.ENERGY Leaderboard (Chung et al., arXiv:2505.06371)
at run time; only the fitted fractions ship (``task_calibration.csv``).
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
#: Grid of compute fractions searched (the fit is one-dimensional).
PHI_GRID = tuple(round(0.10 + 0.005 * i, 3) for i in range(181))


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
            ))
    return out


class Predictor:
    """Vectorised energy per item for a fixed set of measured rows, as a function of the denoising ``φ_c``."""

    def __init__(self, rows: Sequence[Measured], cals: dict[str, Calibration], registry: Registry | None = None):
        import numpy as np

        from ..roofline import stack_calibrations, stack_costs
        from .engine import costs_of, workload_arrays

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
        _, self._e_other = workload_arrays(other, cal_rows, self._n)
        den = [next(ph for ph in p if ph.name == "denoise") for p in phases]
        self._den_costs = stack_costs([costs_of(ph) for ph in den], cal_rows)
        self._den_reps = np.array([ph.repeats for ph in den])
        self._cal = stack_calibrations(cal_rows)

    def predict(self, phi: dict[str, float]) -> NDArray[np.float64]:
        """Energy per item [J] with the denoise compute fraction ``phi[gpu]``."""
        import numpy as np

        from ..roofline import step_arrays

        frac = np.array([phi[str(g)] for g in self._gpu])
        one, zero = np.ones(len(self.rows)), np.zeros(len(self.rows))
        _, e = step_arrays(self._den_costs, replace(self._cal, compute_fraction=frac), self._n, zero, one, zero, zero)
        return np.asarray((self._e_other + e * self._den_reps) / self._items)


def median_abs_error(pred: NDArray[np.float64], meas: NDArray[np.float64]) -> float:
    """Median |pred / meas − 1|."""
    import numpy as np

    return float(np.median(np.abs(pred / meas - 1.0)))


def fit_phi(pred: Predictor, gpu: str, select: Callable[[Measured], bool] = lambda m: True) -> float:
    """Grid search of ``φ_c`` for ``gpu`` minimising the median |log error| over the selected rows of that GPU."""
    import numpy as np

    mask = np.array([m.gpu == gpu and select(m) for m in pred.rows])
    best, best_err = PHI_GRID[0], float("inf")
    for phi in PHI_GRID:
        p = pred.predict({g: phi for g in GPU_KEYS.values()})
        err = float(np.median(np.abs(np.log(p[mask] / pred.measured[mask]))))
        if err < best_err:
            best, best_err = phi, err
    return best
