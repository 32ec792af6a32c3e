"""How a model is served: :class:`RequestConfig`, the configuration of a :class:`~.inference.RequestEstimator`.

A module of its own so that importing the estimator does not load ``dataclasses`` (and, through it, ``inspect``):
``from aifootprint.estimate import RequestEstimator`` stays within its import-time budget (issue 12), and this module
loads with the first configuration or estimator. ``aifootprint.estimate.inference.RequestConfig`` is the same class.
"""

from __future__ import annotations

from dataclasses import dataclass

from aifootprint.errors import InputError

from . import boundary as bd
from .arch import precision_bytes
from .bounds import MAX_ACCELERATORS
from .engines import DEFAULT_ENGINE, check_engine
from .inference import DEFAULT_BATCH


@dataclass(frozen=True, slots=True)
class RequestConfig:
    """How the model is served.

    ``accelerators=None`` picks the smallest power of two whose usable memory holds the weights and the KV cache the
    batch really needs; ``precision=None`` serves the model in its native precision from the registry (gpt-oss MXFP4,
    DeepSeek FP8, …; bf16 when not published); ``engine`` is a serving-engine profile (:mod:`.engines`);
    ``calibration`` the path of a calibration profile written by ``aifootprint calibrate`` for this accelerator.

    ``hardware="h100"``: the accelerator of most public serving measurements and estimates (ML.ENERGY Leaderboard
    v3.0, Chung et al. arXiv:2505.06371, H100 and B200; Epoch AI 2025's GPT-4o query on H100) and the one whose
    calibration is fitted to measurements with the narrowest out-of-sample band (docs/validation.md).
    """

    hardware: str = "h100"
    accelerators: int | None = None
    batch: int = DEFAULT_BATCH
    precision: str | None = None
    boundary: str = "datacenter"
    location: str | None = None
    operator: str | None = None
    engine: str = DEFAULT_ENGINE
    calibration: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.hardware, str) or not self.hardware.strip():
            raise InputError(f"hardware must be an accelerator name (e.g. h100), got {self.hardware!r}")
        if self.batch < 1:
            raise InputError(f"batch must be at least 1 concurrent sequence, got {self.batch}")
        if self.accelerators is not None and not 1 <= self.accelerators <= MAX_ACCELERATORS:
            raise InputError(f"accelerators must be 1 to {MAX_ACCELERATORS} (one tensor-parallel group of up to 8 "
                             f"nodes × 8), got {self.accelerators}")
        if self.precision is not None:
            precision_bytes(self.precision)
        object.__setattr__(self, "boundary", bd.check_boundary(self.boundary))
        object.__setattr__(self, "engine", check_engine(self.engine))
