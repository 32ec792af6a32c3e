"""Plausible ranges of the CLI's numeric flags, checked before any computation.

A value outside its range is an :class:`~aifootprint.errors.InputError` naming the flag and the accepted range
(exit 2), instead of an overflow several steps later ("got inf") or a silently absurd result. The bounds are wide on
purpose: they reject typos and units slips (a count given in billions, W given in kW·1000), not unusual studies.
Where a bound rests on a figure, the figure is cited in the comment beside it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from ..errors import InputError
from ..estimate.bounds import GROWTH_PER_YEAR_RANGE, MAX_ACCELERATORS, MAX_BATCH, MAX_DAYS, MAX_REQUESTS_PER_DAY


class Limit:
    """Accepted interval of a flag, ``[low, high]`` (``above``: ``(low, high]``, the low end itself refused), with
    its unit (for the message).

    A plain class (not a dataclass): ``aifootprint measure`` checks its flags with this module, and creating a
    dataclass costs ~1 ms of every measured command."""

    __slots__ = ("above", "high", "low", "unit")

    def __init__(self, low: float, high: float, unit: str = "", above: bool = False) -> None:
        self.low, self.high, self.unit, self.above = low, high, unit, above

    def __repr__(self) -> str:
        return f"Limit(low={self.low!r}, high={self.high!r}, unit={self.unit!r}, above={self.above!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Limit) and (self.low, self.high, self.unit, self.above) == (
            other.low, other.high, other.unit, other.above)

    def __hash__(self) -> int:
        return hash((self.low, self.high, self.unit, self.above))


#: Accepted ranges by flag name.
LIMITS: Mapping[str, Limit] = {
    # world electricity generation ≈ 30,000 TWh = 3e13 kWh in 2023 (IEA, Electricity 2024); 1e14 kWh is ~3× that
    "--energy-kwh": Limit(0.0, 1e14, "kWh"),
    # one model replica: the estimator's largest tensor-parallel group (estimate.bounds: 8 per node x 8 nodes)
    "--accelerators (request)": Limit(1, MAX_ACCELERATORS),
    # the largest announced training clusters have ~100,000-200,000 GPUs (xAI Colossus, 2024)
    "--accelerators": Limit(1, 1_000_000),
    "--training-accelerators": Limit(1, 1_000_000),
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
    "--active-params": Limit(0.0, math.inf, "billion", above=True),
    "--tokens": Limit(0.0, math.inf, "billion", above=True),
    "--training-params": Limit(0.0, math.inf, "billion", above=True),
    "--training-tokens": Limit(0.0, math.inf, "billion", above=True),
}

#: Python parameter name -> flag, per command whose flags :func:`check_params` checks (``--accelerators`` of a
#: request is one model replica; of a training run, a cluster). Token counts are left to the estimator's own checks.
PARAMS: Mapping[str, Mapping[str, str]] = {
    "request": {"params": "--params (request)",
                "active_params": "--active-params (request)", "layers": "--layers", "d_model": "--d-model",
                "heads": "--heads",
                "kv_heads": "--kv-heads", "head_dim": "--head-dim", "vocab": "--vocab", "experts": "--experts",
                "active_experts": "--active-experts", "accelerators": "--accelerators (request)",
                "batch": "--batch"},
    "training": {"gpu_hours": "--gpu-hours", "accelerators": "--accelerators", "days": "--days",
                 "power_w": "--power-w", "params": "--params", "tokens": "--tokens", "flops": "--flops",
                 "mfu": "--mfu", "pue": "--pue"},
    "lifecycle": {"requests_per_day": "--requests-per-day", "days": "--days (lifecycle)", "growth": "--growth",
                  "batch": "--batch",
                  "training_gpu_hours": "--training-gpu-hours", "training_params": "--training-params",
                  "training_tokens": "--training-tokens"},
    "compare-models": {"batch": "--batch"},
    "image": {"steps": "--steps", "height": "--height", "width": "--width", "batch": "--batch (task)"},
    "video": {"steps": "--steps", "height": "--height", "width": "--width", "frames": "--frames",
              "batch": "--batch (task)"},
    "embedding": {"batch": "--batch (task)"},
    "classification": {"batch": "--batch (task)"},
    "transcription": {"batch": "--batch (task)"},
}


def check_params(command: str, values: Mapping[str, object]) -> None:
    """Check the numeric flags of ``command`` (a key of :data:`PARAMS`) given as the command function's parameters
    (``check_params("request", locals())``); for ``lifecycle``, also the training flags' combination."""
    for name, flag in PARAMS[command].items():
        value = values.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            check_range(flag, value)
    if command == "lifecycle":
        lifecycle_training(*(values.get(k) for k in ("training_gpu_hours", "training_params", "training_tokens",
                                                     "training_hardware")))  # type: ignore[arg-type]


def _site_limit(flag: str) -> Limit | None:
    """Site-factor flags (``--pue``, ``--intensity-g-per-kwh``, …): the library's ranges
    (:data:`aifootprint.impacts.site.OVERRIDE_RANGES`, one definition for the CLI and the Python API)."""
    name = flag.removeprefix("--").replace("-", "_")
    if name not in ("pue", "intensity_g_per_kwh", "market_intensity_g_per_kwh", "wue_l_per_kwh", "ewif_l_per_kwh"):
        return None
    from ..impacts.site import OVERRIDE_RANGES

    low, high, unit = OVERRIDE_RANGES[name]
    return Limit(low, high, unit)


def _fmt(x: float) -> str:
    if math.isfinite(x) and x == int(x) and abs(x) < 1e10:
        return f"{int(x):,}"
    return f"{x:g}"


def _bounds(flag: str, low: float | None, high: float | None, unit: str | None) -> tuple[float, float, str, bool]:
    limit = LIMITS.get(flag) or _site_limit(flag)
    lo = low if low is not None else (limit.low if limit else -math.inf)
    hi = high if high is not None else (limit.high if limit else math.inf)
    above = low is None and limit is not None and limit.above
    return lo, hi, (unit if unit is not None else (limit.unit if limit else "")), above


def accepted_range(flag: str, low: float | None = None, high: float | None = None, unit: str | None = None) -> str:
    """``"accepted: 0.01 to 1,000 Hz"``, ``"accepted: > 0 and ≤ 1e+10 accelerator-hours"``, ``"accepted: > 0
    billion"``: the range of ``flag`` (from :data:`LIMITS`, unless given) for a message."""
    lo, hi, u, above = _bounds(flag, low, high, unit)
    tail = " " + u if u else ""
    if above:
        return f"accepted: > {_fmt(lo)}" + (f" and ≤ {_fmt(hi)}" if math.isfinite(hi) else "") + tail
    if not math.isfinite(hi):
        return f"accepted: ≥ {_fmt(lo)}{tail}"
    return f"accepted: {_fmt(lo)} to {_fmt(hi)}{tail}"


def check_range(flag: str, value: float | int | None, low: float | None = None, high: float | None = None,
                unit: str | None = None) -> None:
    """Raise :class:`InputError` unless ``value`` (None: not given) is a finite number in ``[low, high]``.

    Without ``low``/``high`` the bounds come from :data:`LIMITS` (a key such as ``"--accelerators (request)"`` names
    the flag before the parenthesis).
    """
    if value is None:
        return
    lo, hi, _unit, above = _bounds(flag, low, high, unit)
    v = float(value)
    if math.isfinite(v) and (lo < v if above else lo <= v) and v <= hi:
        return
    name = flag.split(" (")[0]
    accepted = accepted_range(flag, low, high, unit)
    if math.isnan(v):
        raise InputError(f"{name} must be a number, not NaN; {accepted}")
    raise InputError(f"{name} {_fmt(v)} is out of range; {accepted}")


def check_flags(values: Mapping[str, float | int | None]) -> None:
    """:func:`check_range` for each ``flag: value`` (None values are skipped)."""
    for flag, value in values.items():
        check_range(flag, value)


def in_range(flag: str) -> Callable[[float | None], float | None]:
    """An option callback checking ``flag`` with :func:`check_range` as the value is parsed, before the command
    body runs (``typer.Option(..., callback=in_range("--pue"))``)."""

    def check(value: float | None) -> float | None:
        check_range(flag, value)
        return value

    return check


def one_of(flags: Mapping[str, bool]) -> None:
    """Raise :class:`InputError` when more than one of these output switches is set (``--json --toml``)."""
    given = [f for f, on in flags.items() if on]
    if len(given) > 1:
        raise InputError(f"choose one of {' and '.join(flags)}; got {' '.join(given)}")


def lifecycle_training(gpu_hours: float | None, params: float | None, tokens: float | None,
                       hardware: str | None) -> None:
    """The training side of ``estimate lifecycle``: errors name the lifecycle's own ``--training-*`` flags."""
    if params is not None and gpu_hours is not None:
        raise InputError("give the training run one way: --training-gpu-hours, or --training-params and "
                         "--training-tokens, not both")
    if (params is None) != (tokens is None):
        missing = "--training-tokens" if tokens is None else "--training-params"
        given = "--training-params" if tokens is None else "--training-tokens"
        raise InputError(f"{given} needs {missing} (training FLOPs ≈ 6 × parameters × tokens), or give "
                         "--training-gpu-hours instead")
    if hardware is not None and gpu_hours is None and params is None:
        raise InputError("--training-hardware needs the run: add --training-gpu-hours, or --training-params and "
                         "--training-tokens (without them the model's published run is used)")
