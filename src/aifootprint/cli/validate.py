"""The CLI's numeric flags checked against their accepted ranges before any computation.

A value outside its range is an :class:`~aifootprint.errors.InputError` naming the flag and the accepted range
(exit 2), instead of an overflow several steps later ("got inf") or a silently absurd result. The ranges, each with
the figure it rests on, are the library's (:data:`aifootprint.limits.LIMITS`, shared with the REST API); this module
maps the commands' parameters to them and words the messages.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from ..errors import InputError
from ..limits import LIMITS, Limit, as_float
from ..numfmt import exact

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


def _bounds(flag: str, low: float | None, high: float | None, unit: str | None) -> tuple[float, float, str, bool]:
    limit = LIMITS.get(flag) or _site_limit(flag)
    lo = low if low is not None else (limit.low if limit else -math.inf)
    hi = high if high is not None else (limit.high if limit else math.inf)
    above = low is None and limit is not None and limit.above
    return lo, hi, (unit if unit is not None else (limit.unit if limit else "")), above


def accepted_range(flag: str, low: float | None = None, high: float | None = None, unit: str | None = None) -> str:
    """``"accepted: 0.01 to 1,000 Hz"``, ``"accepted: > 0 and ≤ 1e+10 accelerator-hours"``, ``"accepted: > 0
    billion"``: the range of ``flag`` (from :data:`LIMITS`, unless given) for a message."""
    return Limit(*_bounds(flag, low, high, unit)).accepted()


def check_range(flag: str, value: float | int | None, low: float | None = None, high: float | None = None,
                unit: str | None = None) -> None:
    """Raise :class:`InputError` unless ``value`` (None: not given) is a finite number in ``[low, high]``.

    Without ``low``/``high`` the bounds come from :data:`LIMITS` (a key such as ``"--accelerators (request)"`` names
    the flag before the parenthesis).
    """
    if value is None:
        return
    limit = Limit(*_bounds(flag, low, high, unit))
    v = as_float(value)
    if limit.holds(v):
        return
    name = flag.split(" (")[0]
    accepted = limit.accepted()
    if math.isnan(v):
        raise InputError(f"{name} must be a number, not NaN; {accepted}")
    given = exact(v) if math.isfinite(v) or not isinstance(value, int) else \
        f"({'a negative number' if value < 0 else 'a number'} of {len(str(abs(value)))} digits)"
    raise InputError(f"{name} {given} is out of range; {accepted}")


def check_flags(values: Mapping[str, float | int | None]) -> None:
    """:func:`check_range` for each ``flag: value`` (None values are skipped)."""
    for flag, value in values.items():
        check_range(flag, value)


def in_range(flag: str, low: float | None = None, high: float | None = None,
             unit: str | None = None) -> Callable[[float | None], float | None]:
    """An option callback checking ``flag`` with :func:`check_range` as the value is parsed, before the command
    body runs (``typer.Option(..., callback=in_range("--pue"))``); ``low``, ``high``, ``unit``: bounds of a flag
    that :data:`aifootprint.limits.LIMITS` does not hold (``in_range("--port", 1, 65535)``)."""

    def check(value: float | None) -> float | None:
        check_range(flag, value, low, high, unit)
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
