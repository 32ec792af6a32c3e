"""The registry's published training runs (``training_runs.csv``) as input to :func:`.training.estimate_training`.

One lookup serves ``estimate training --model X``, the training side of ``estimate lifecycle`` and the report, so the
same published run gives the same energy everywhere (user test 2026-11-26 #2, finding 3). A row is one of:

* a **run** (hardware and accelerator-hours, or accelerators × days): a :class:`.training.TrainingSpec` with the
  publisher's method (``boundary="published"``; see :mod:`.published`);
* **published figures only** (energy and/or emissions, no run: Meena, OPT-175B): :func:`published_figures_result`
  reports them as published, flagged, with nothing estimated;
* **not training alone** (a life-cycle analysis of training plus use: Mistral Large 2): refused with the reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aifootprint.errors import InputError, close_matches
from aifootprint.reference.registry import row_float

if TYPE_CHECKING:
    from aifootprint.reference.registry import Registry, Row
    from aifootprint.result import Result

    from .training import TrainingSpec

#: TrainingSpec fields that give the run itself (a published run already does).
RUN_WAYS = ("accelerator_hours", "accelerators", "duration_days", "params_b", "tokens_b", "flops")
#: Words of a row's method or notes that mark a figure covering more than training (a life-cycle analysis).
_NOT_TRAINING = ("training plus", "not training alone")


class NoPublishedRun(InputError):
    """No usable published training run for a model. The message names ``estimate training``'s flags; callers with
    other flags (``estimate lifecycle``, the report) catch it and write their own (``model`` and ``reason`` kept)."""

    def __init__(self, model: str, reason: str, hint: str = "") -> None:
        self.model, self.reason = model, reason
        super().__init__(f"{reason}; give the run with --gpu-hours and --hardware, or --params and --tokens{hint}")


def find_run(model: str, registry: Registry | None = None) -> Row:
    """The ``training_runs`` row of ``model`` (its key or its ``model`` column, case-insensitive); NoPublishedRun with
    close matches otherwise (``t5`` → ``t5-11b``, ``gpt3`` → ``gpt-3``)."""
    from aifootprint.reference.registry import default_registry

    reg = registry or default_registry()
    rows = reg.table("training_runs").rows
    wanted = model.strip().lower()
    names: list[str] = []
    for r in rows:
        own = [str(r.get(c) or "") for c in ("key", "model")]
        if wanted in (n.lower() for n in own):
            return r
        names.extend(n for n in own if n)
    # a model the registry knows (gpt-4o) simply has no published run: no look-alike suggestions for it
    known = "models" in reg.datasets() and reg.table("models").find(wanted) is not None
    near = [] if known else close_matches(wanted, list(dict.fromkeys(names)))
    hint = (f" (did you mean: {', '.join(near)}?)" if near else
            "" if known else " (`aifootprint data show training_runs` lists the published runs)")
    raise NoPublishedRun(model, f"no published training run for {model}", hint)


def has_run(row: Row) -> bool:
    """True when ``row`` gives hardware and accelerator-hours (or accelerators × days)."""
    if not row.get("hardware"):
        return False
    return row_float(row, "accelerator_hours") is not None or (
        row_float(row, "accelerator_count") is not None and row_float(row, "duration_days") is not None)


def covers_more_than_training(row: Row) -> bool:
    """True when the row's figure is not training alone (e.g. a life-cycle analysis of training plus use)."""
    text = f"{row.get('method') or ''} {row.get('notes') or ''}".lower()
    return any(w in text for w in _NOT_TRAINING)


def _label(row: Row) -> str:
    return str(row.get("model") or row.get("key"))


def refuse_if_not_training(row: Row) -> None:
    """NoPublishedRun when the row's figure covers more than training and cannot be split."""
    if covers_more_than_training(row):
        raise NoPublishedRun(_label(row), (
            f"the published figure for {_label(row)} ({row.get('source')}: "
            f"{row_float(row, 'carbon_t') or 0:,.0f} tCO2e) "
            f"is not training alone ({row.get('method')}); its training part is not published, so it cannot be "
            "split"))


def training_spec_for(model: str, registry: Registry | None = None, **overrides: Any) -> TrainingSpec:
    """A :class:`.training.TrainingSpec` from the registry's published run of ``model``, with the publisher's method
    (``boundary="published"``: the row's power, PUE and grid intensity; see :mod:`.published`).

    ``overrides`` (None = not given) may change where and how it ran (hardware, power, location, operator, PUE,
    boundary, precision); giving the run a second way raises InputError; a row without a run raises
    :class:`NoPublishedRun` (use :func:`training_result_for` to get published-figures-only rows too)."""
    from .published import published_run
    from .training import TrainingSpec

    r = find_run(model, registry)
    refuse_if_not_training(r)
    if not has_run(r):
        raise NoPublishedRun(_label(r), f"no published accelerator-hours for {_label(r)} (only its published "
                                        "energy / emissions, shown by `estimate training --model`)")
    given = {k: v for k, v in overrides.items() if v is not None}
    kw: dict[str, Any] = {"hardware": str(r["hardware"]), "model": _label(r), "boundary": "published"}
    hours, power = row_float(r, "accelerator_hours"), row_float(r, "power_w_per_accelerator")
    if hours is not None:
        kw["accelerator_hours"] = hours
    else:
        count, days = int(row_float(r, "accelerator_count") or 0), float(row_float(r, "duration_days") or 0.0)
        kw["accelerators"], kw["duration_days"] = count, days
        hours = count * days * 24.0
    if power is not None:
        kw["power_w_per_accelerator"] = power
        kw["power_source"] = f"training_runs: {kw['model']} ({r.get('source')})"
    conflict = sorted(k for k in RUN_WAYS if k in given)
    if conflict:
        raise InputError(f"the published run of {kw['model']} already gives the accelerator-hours; drop "
                         + ", ".join(conflict) + " or leave out the model's run")
    if "hardware" in given:
        _check_hardware(str(given["hardware"]), str(r["hardware"]), kw["model"], registry)
        given["hardware"] = str(r["hardware"])
    if "power_w_per_accelerator" in given:
        kw["power_source"] = "user input"
    kw["published"] = published_run(r, hours * power / 1000.0 if power is not None else None, registry)
    kw.update(given)
    return TrainingSpec(**kw)


def _accelerator_key(name: str, registry: Registry | None) -> str:
    """The registry key of accelerator ``name`` (``a100`` → ``a100-80gb``), or ``name`` lower-cased when unlisted."""
    from aifootprint.reference.hardware import get_accelerator

    try:
        return str(get_accelerator(name, registry).key)
    except InputError:
        return name.strip().lower()


def _check_hardware(given: str, published: str, model: str, registry: Registry | None) -> None:
    """Refuse a ``hardware`` override that differs from the published run's accelerator: the run's
    accelerator-hours and power were measured on that accelerator, so another one would only relabel the result
    (audit 2, item 1)."""
    if _accelerator_key(given, registry) != _accelerator_key(published, registry):
        raise InputError(f"--hardware {given} conflicts with the published run of {model}, which ran on {published} "
                         "(its accelerator-hours and power are for that accelerator); drop --hardware, or drop "
                         "--model and describe the run with --gpu-hours and --hardware")


def published_figures_result(row: Row, registry: Registry | None = None) -> Result:
    """The published energy / emissions of a row without a run, as published (point values, nothing estimated),
    flagged: hardware, accelerator-hours, PUE and grid intensity are not published, so no water, no embodied
    carbon and no recomputation at another site."""
    from aifootprint.result import Assumption, Result
    from aifootprint.uncertainty import Uncertain

    from .published import published_run

    pub = published_run(row, None, registry)
    mwh, t = pub.energy_mwh, pub.carbon_t
    missing = "hardware" if not row.get("hardware") else "accelerator-hours"
    note = (f"published figures only: {pub.source} gives {_label(row)}'s training energy and emissions, but its "
            f"{missing} {'is' if missing == 'hardware' else 'are'} not published (nor the PUE or grid intensity in "
            "the registry), so nothing is estimated here: the values are the publisher's, water and embodied carbon "
            "are not available and --location, --pue, --power-w and --boundary cannot apply")
    def pt(x: float | None, scale: float = 1.0) -> Uncertain | None:
        return None if x is None else Uncertain.point(x * scale)

    values: dict[str, Any] = {
        "energy_kwh": pt(mwh, 1000.0), "energy_mwh": pt(mwh), "carbon_kg": pt(t, 1000.0), "carbon_t": pt(t),
        "water_l": None, "embodied_carbon_kg": None, "published": pub.to_dict(),
    }
    inputs = {"model": _label(row), "hardware": row.get("hardware") or None, "boundary": "published (as published)"}
    assumptions = [Assumption("method", pub.method or "as published", "-", pub.source)]
    if row.get("notes"):
        assumptions.append(Assumption("notes", str(row.get("notes")), "-", pub.source))
    return Result("estimate-training", inputs, values, assumptions, [note])


def training_result_for(model: str, registry: Registry | None = None, **overrides: Any) -> Result:
    """``estimate training --model X``: the published run estimated with the publisher's method
    (:func:`training_spec_for` + :func:`.training.estimate_training`), or, for a row with published figures only and
    no overrides, :func:`published_figures_result`."""
    from .training import estimate_training

    r = find_run(model, registry)
    refuse_if_not_training(r)
    if has_run(r):
        return estimate_training(training_spec_for(model, registry, **overrides), registry)
    given = sorted(k for k, v in overrides.items() if v is not None)
    if given:
        raise InputError(f"{_label(r)}: only the published energy / emissions are in the registry (no hardware or "
                         f"accelerator-hours), so {', '.join(given)} cannot be applied; drop them to see the "
                         "published figures, or describe the run with --gpu-hours and --hardware, or --params and "
                         "--tokens")
    if row_float(r, "energy_mwh") is None and row_float(r, "carbon_t") is None:
        raise NoPublishedRun(_label(r), f"no published training figures for {_label(r)}")
    return published_figures_result(r, registry)
