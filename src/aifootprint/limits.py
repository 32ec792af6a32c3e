"""Accepted ranges of the library's numeric inputs, by the name of the CLI flag that takes them: one table for the
CLI's flag checks (:mod:`aifootprint.cli.validate`), the REST API's request bodies (:mod:`aifootprint.server.schemas`)
and the calibration readings (:mod:`aifootprint.calibrate.microbench_csv`), so that the same value is accepted or
refused everywhere.

The bounds are wide on purpose: they reject typos and units slips (a count given in billions, W given in kW·1000),
not unusual studies. Where a bound rests on a figure, the figure is cited in the comment beside it. The deployment
ranges are the estimators' own (:mod:`aifootprint.estimate.bounds`); the site factors' ranges are
:data:`aifootprint.impacts.site.OVERRIDE_RANGES`.

No imports beyond :mod:`aifootprint.estimate.bounds` (itself import-free), so that ``aifootprint measure`` checks its
flags before loading numpy.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from .estimate.bounds import GROWTH_PER_YEAR_RANGE, MAX_ACCELERATORS, MAX_BATCH, MAX_DAYS, MAX_REQUESTS_PER_DAY


def as_float(value: float) -> float:
    """``value`` as a float for a range check: an integer beyond any float (a 400-digit count typed or sent as JSON)
    is ``±inf``, out of every range, instead of an OverflowError."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


class Limit:
    """Accepted interval of a flag, ``[low, high]`` (``above``: ``(low, high]``, the low end itself refused), with
    its unit (for the message).

    A plain class (not a dataclass): ``aifootprint measure`` checks its flags against this table, and creating a
    dataclass costs ~1 ms of every measured command."""

    __slots__ = ("above", "high", "low", "unit")

    def __init__(self, low: float, high: float, unit: str = "", above: bool = False) -> None:
        self.low, self.high, self.unit, self.above = low, high, unit, above

    def holds(self, value: float) -> bool:
        """True when ``value`` is a finite number in the range (NaN and infinities never are)."""
        return math.isfinite(value) and (self.low < value if self.above else self.low <= value) and value <= self.high

    def accepted(self) -> str:
        """The range in words for a message: ``"accepted: 0.01 to 1,000 Hz"``, ``"accepted: > 0 and ≤ 1e+10
        accelerator-hours"``, ``"accepted: ≥ 0.01 billion"`` (bounds as defined, :func:`aifootprint.numfmt.exact`),
        one wording for the CLI's messages and the REST API's."""
        from .numfmt import exact

        tail = " " + self.unit if self.unit else ""
        if self.above:
            return f"accepted: > {exact(self.low)}" + (
                f" and ≤ {exact(self.high)}" if math.isfinite(self.high) else "") + tail
        if not math.isfinite(self.high):
            return f"accepted: ≥ {exact(self.low)}{tail}"
        return f"accepted: {exact(self.low)} to {exact(self.high)}{tail}"

    def __repr__(self) -> str:
        return f"Limit(low={self.low!r}, high={self.high!r}, unit={self.unit!r}, above={self.above!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Limit) and (self.low, self.high, self.unit, self.above) == (
            other.low, other.high, other.unit, other.above)

    def __hash__(self) -> int:
        return hash((self.low, self.high, self.unit, self.above))


#: Flags and fields given in billions (parameters, tokens) are refused above this value (10¹⁵): such a value is a
#: count typed where billions were expected.
MAX_BILLIONS = 1e6

#: Largest Monte Carlo seed (``--seed``, the API's ``seed``): a signed 64-bit integer, so that a seed stored or sent
#: as JSON / SQL BIGINT keeps its value (numpy's ``SeedSequence`` takes any non-negative integer; the bound is ours).
MAX_SEED = 2**63 - 1

#: Accepted ranges by flag name.
LIMITS: Mapping[str, Limit] = {
    # world electricity generation ≈ 30,000 TWh = 3e13 kWh in 2023 (IEA, Electricity 2024); 1e14 kWh is ~3× that
    "--energy-kwh": Limit(0.0, 1e14, "kWh"),
    # one model replica: the estimator's largest tensor-parallel group (estimate.bounds: 8 per node x 8 nodes)
    "--accelerators (request)": Limit(1, MAX_ACCELERATORS),
    # the largest announced training clusters have ~100,000-200,000 GPUs (xAI Colossus, 2024)
    "--accelerators": Limit(1, 1_000_000),
    # per accelerator: the largest datasheet figure is ~1,200 W (B200/GB200 per GPU); 5,000 W covers any board
    "--power-w": Limit(1.0, 5000.0, "W"),
    # Monte Carlo draws: below 100 the 5th/95th percentiles rest on fewer than 5 draws; 10 million fills the memory
    "--draws": Limit(100, 10_000_000),
    # a deployment's traffic: the library's own ranges (estimate.bounds)
    "--growth": Limit(*GROWTH_PER_YEAR_RANGE),
    "--days": Limit(0.0, MAX_DAYS, "days", above=True),
    "--days (lifecycle)": Limit(1, MAX_DAYS, "days"),
    "--requests-per-day": Limit(0.0, MAX_REQUESTS_PER_DAY),
    "--batch": Limit(1, MAX_BATCH),
    "--gpu-hours": Limit(0.0, 1e10, "accelerator-hours", above=True),
    "--training-gpu-hours": Limit(0.0, 1e10, "accelerator-hours", above=True),
    "--mfu": Limit(1e-4, 1.0),
    "--flops": Limit(0.0, 1e32, "FLOPs", above=True),
    # model shapes (explicit architecture): wide enough for any published transformer
    "--layers": Limit(1, 10_000),
    "--d-model": Limit(1, 1_000_000),
    "--heads": Limit(1, 100_000),
    "--kv-heads": Limit(1, 100_000),
    "--head-dim": Limit(1, 100_000),
    "--vocab": Limit(1, 100_000_000),
    "--experts": Limit(1, 100_000),
    "--active-experts": Limit(1, 100_000),
    # measure: the tracker samples at most 1,000 times a second (TrackerConfig); below 0.01 Hz (one read per 100 s)
    # a short command gets no sample at all
    "--hz": Limit(0.01, 1000.0, "Hz"),
    # the CPU TDP of the whole machine: the largest server chips are 500 W (AMD EPYC 9965, Intel Xeon 6980P,
    # vendor datasheets 2024); 8 sockets x 500 W = 4,000 W, and 10,000 W leaves room
    "--cpu-tdp-w": Limit(1.0, 10_000.0, "W"),
    # task sizes (estimate image|video|embedding|classification|transcription): the library's bounds
    # (aifootprint.estimate.tasks.flops, pinned equal by tests/cli/test_inputs_conflicts_and_sizes.py); the
    # per-model bounds (4 × the model's trained side / frames, task_models.csv) are checked there too
    # --steps: the DDPM schedule has T = 1,000 timesteps (Ho et al. 2020, arXiv:2006.11239, §4)
    "--steps": Limit(1, 1000),
    # --height/--width: 4 × the largest trained side in task_models.csv (1,360 px, CogVideoX1.5) is 5,440 px; 8,192 px
    # is a generous round bound stated as such
    "--height": Limit(1, 8192, "px"),
    "--width": Limit(1, 8192, "px"),
    # --frames: 4 × the longest trained clip in task_models.csv (129 frames, HunyuanVideo) is 516; 1,000 is a round
    # bound
    "--frames": Limit(1, 1000),
    # items served together by a task server: the same generous round bound as --batch
    "--batch (task)": Limit(1, MAX_BATCH),
    # one request's model: 0.01 billion (10 M parameters) is a generous round bound, 49 × below the smallest LLM of
    # models.csv (Qwen2.5-0.5B, 0.49 B); a smaller value is a units slip (a count typed in billions of billions)
    "--params (request)": Limit(0.01, math.inf, "billion"),
    "--active-params (request)": Limit(0.01, math.inf, "billion"),
    # flags in billions: above 1e6 (a count typed where billions are expected) the command's own check gives a hint
    "--params": Limit(0.0, math.inf, "billion", above=True),
    "--tokens": Limit(0.0, math.inf, "billion", above=True),
    "--training-params": Limit(0.0, math.inf, "billion", above=True),
    "--training-tokens": Limit(0.0, math.inf, "billion", above=True),
}
