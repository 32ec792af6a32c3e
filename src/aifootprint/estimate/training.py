"""Training footprint from accelerator-hours or from FLOPs.

Two ways in, the two methods publishers use:

* **accelerator-hours** (Meta's Llama model cards, Luccioni et al. 2022 for BLOOM): energy = hours × power per
  accelerator, where the power is the datasheet maximum (TDP) unless an average is given;
* **FLOPs** (Patterson et al. 2021, arXiv:2104.10350; Kaplan et al. 2020): FLOPs ≈ 6 × parameters × tokens
  (forward + backward, dense; active parameters for MoE), accelerator-hours = FLOPs ÷ (peak × MFU) ÷ 3600.

Then the boundary (accelerator → + host share → × PUE), carbon and water through :func:`aifootprint.impacts.assess`,
and embodied carbon allocated by time (:func:`aifootprint.impacts.embodied_carbon_g`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aifootprint.errors import InputError

from . import boundary as bd

if TYPE_CHECKING:
    from aifootprint.reference.registry import Registry
    from aifootprint.result import Result

    from .published import PublishedRun

#: Model FLOPs utilisation used when none is given: Llama 3 405B pre-training reached 38–43 % BF16 MFU on H100
#: (Meta, "The Llama 3 Herd of Models", arXiv:2407.21783, Table 4); 0.40 is the middle.
DEFAULT_MFU = 0.40
#: FLOPs per parameter per training token (forward 2 + backward 4; Kaplan et al. 2020, arXiv:2001.08361, §2.1).
FLOPS_PER_PARAM_TOKEN = 6.0
#: Precisions whose dense peak FLOP/s the FLOPs path can use (``accelerators.csv`` columns ``bf16_dense_tflops``,
#: ``fp8_dense_tflops``); the other inference precisions (int4, mxfp4) are weight formats, not training precisions.
TRAINING_PRECISIONS = ("bf16", "fp8")
#: Average power as a fraction of the datasheet maximum: 1.0 is the convention of Meta's model cards (peak power per
#: GPU, LLAMA) and of Luccioni et al. 2022 (400 W TDP, BL22); the low end 0.7 is Microsoft's average-to-peak finding
#: quoted by Epoch AI (EP25). The estimate multiplies the datasheet maximum by triangular(0.7, 1.0, 1.0): its mode is
#: the publishers' 1.0, so its p5 / p50 / p95 (low / best / high) are 0.77 / 0.91 / 0.99; the assumptions show the
#: maximum power and this fraction separately. Give ``power_w_per_accelerator`` for a measured average.
POWER_FRACTION_RANGE = (0.7, 1.0)


@dataclass(frozen=True, slots=True)
class TrainingSpec:
    """A training run. Give exactly one of: ``accelerator_hours``; ``accelerators`` × ``duration_days``; ``params_b``
    and ``tokens_b`` (or ``flops``) to derive the hours from the accelerator's peak and ``mfu`` (default
    :data:`DEFAULT_MFU`). ``model`` and ``power_source`` record a published run (``training_runs.csv``) the spec came
    from and the source of its ``power_w_per_accelerator``; ``published`` carries that run's figures and factors, and
    ``boundary="published"`` uses the publisher's method (see :mod:`.published`); ``accelerators`` need not be a power
    of two."""

    hardware: str = "h100"
    accelerator_hours: float | None = None
    accelerators: int | None = None
    duration_days: float | None = None
    power_w_per_accelerator: float | None = None
    params_b: float | None = None
    tokens_b: float | None = None
    flops: float | None = None
    mfu: float | None = None
    precision: str = "bf16"
    boundary: str = "datacenter"
    location: str | None = None
    operator: str | None = None
    pue: float | None = None
    model: str | None = None
    power_source: str | None = None
    published: PublishedRun | None = None

    @property
    def mfu_value(self) -> float:
        """``mfu``, or :data:`DEFAULT_MFU` when not given."""
        return DEFAULT_MFU if self.mfu is None else self.mfu

    def __post_init__(self) -> None:
        for name in ("accelerator_hours", "duration_days", "power_w_per_accelerator", "params_b", "tokens_b", "flops",
                     "pue"):
            v = getattr(self, name)
            if v is not None and not v > 0:
                raise InputError(f"{name} must be a positive number, got {v!r}")
        if self.accelerators is not None and self.accelerators < 1:
            raise InputError(f"accelerators must be at least 1, got {self.accelerators}")
        if self.mfu is not None and not 0 < self.mfu <= 1:
            raise InputError(f"mfu must be in (0, 1], got {self.mfu}")
        ways = [name for name, given in (
            ("accelerator-hours (--gpu-hours)", self.accelerator_hours is not None),
            ("accelerators × duration (--accelerators, --days)",
             self.accelerators is not None or self.duration_days is not None),
            ("FLOPs (--params and --tokens, or --flops)",
             self.params_b is not None or self.tokens_b is not None or self.flops is not None),
        ) if given]
        if len(ways) > 1:
            raise InputError(f"give the training run one way, not {len(ways)}: got " + " and ".join(ways))
        self._check_combination()
        prec = str(self.precision).strip().lower()
        if prec not in TRAINING_PRECISIONS:
            raise InputError(f"training precision {self.precision!r} is not supported; accepted: "
                             f"{', '.join(TRAINING_PRECISIONS)} (the peak FLOP/s of the FLOPs path)")
        object.__setattr__(self, "precision", prec)
        if self.pue is not None and self.pue < 1:
            raise InputError(f"pue must be ≥ 1, got {self.pue}")
        if self.boundary == "published":
            if self.published is None:
                raise InputError("boundary 'published' needs a published training run (--model)")
        else:
            object.__setattr__(self, "boundary", bd.check_boundary(self.boundary))

    def _check_combination(self) -> None:
        """Refuse inputs that would be silently ignored (audit 2, item 1): ``flops`` together with
        ``params_b``/``tokens_b`` (the FLOPs would win), half of a pair (``params_b`` without ``tokens_b``,
        ``accelerators`` without ``duration_days``), ``mfu`` outside the FLOPs path, and ``pue`` at the accelerator or
        server boundary (where the PUE is 1 by definition)."""
        if self.flops is not None and (self.params_b is not None or self.tokens_b is not None):
            raise InputError("give the training FLOPs one way: --flops, or --params and --tokens (6 × N × D), not "
                             "both (--flops would silently replace them)")
        if (self.params_b is None) != (self.tokens_b is None) and self.flops is None:
            given, missing = ("--params", "--tokens") if self.tokens_b is None else ("--tokens", "--params")
            raise InputError(f"{given} needs {missing} (training FLOPs ≈ 6 × parameters × tokens), or give --flops "
                             "or --gpu-hours instead")
        if (self.accelerators is None) != (self.duration_days is None):
            given, missing = ("--accelerators", "--days") if self.duration_days is None else ("--days",
                                                                                              "--accelerators")
            raise InputError(f"{given} needs {missing} (accelerator-hours = accelerators × days × 24)")
        flops_path = self.flops is not None or self.params_b is not None
        if self.mfu is not None and not flops_path:
            raise InputError(f"--mfu {self.mfu:g} has no effect without the FLOPs path (it converts --params/--tokens "
                             "or --flops into accelerator-hours); drop it, or give --params and --tokens or --flops "
                             "instead of the accelerator-hours")
        if self.pue is not None and self.boundary in ("accelerator", "server"):
            raise InputError(f"--pue {self.pue:g} has no effect at the {self.boundary} boundary (the PUE applies only "
                             "at the datacenter boundary, or to a published run); drop --pue or use --boundary "
                             "datacenter")

    @property
    def with_host(self) -> bool:
        """True when the boundary adds the host's share (server or data centre; not the publisher's own figure)."""
        return self.boundary in ("server", "datacenter")


@dataclass(frozen=True, slots=True)
class TrainingEstimate:
    """Point values of a training run (energy at the chosen boundary, before carbon)."""

    accelerator_hours: float
    flops: float | None
    accelerator_energy_kwh: float
    host_energy_kwh: float
    it_energy_kwh: float
    power_w_per_accelerator: float
    method: str


def training_flops(params_b: float, tokens_b: float) -> float:
    """≈ 6 × N × D FLOPs for ``params_b`` billion (active) parameters and ``tokens_b`` billion tokens."""
    return FLOPS_PER_PARAM_TOKEN * params_b * 1e9 * tokens_b * 1e9


@dataclass(frozen=True, slots=True)
class _UnlistedAccelerator:
    """Stand-in for a published run's accelerator that is not in ``accelerators.csv`` (e.g. TPU v3): the run's own
    power is used and the embodied carbon is omitted (flagged by :func:`.embodied.embodied_carbon`)."""

    key: str
    name: str
    sources: tuple[str, ...]
    embodied_carbon_kg: None = None
    max_power_w: None = None
    bf16_dense_tflops: None = None
    fp8_dense_tflops: None = None


def _spec(hardware: str, registry: Registry | None, spec: TrainingSpec | None = None) -> Any:
    from aifootprint.reference.hardware import get_accelerator

    try:
        return get_accelerator(hardware, registry)
    except InputError:
        pub = spec.published if spec is not None else None
        if spec is None or pub is None or spec.power_w_per_accelerator is None or pub.hardware != hardware:
            raise
        return _UnlistedAccelerator(hardware, f"{hardware} (not in accelerators.csv)", (pub.source,))


def estimate_training_point(spec: TrainingSpec, registry: Registry | None = None) -> TrainingEstimate:
    """Accelerator-hours and IT energy of a run (no PUE, no uncertainty)."""
    acc = _spec(spec.hardware, registry, spec)
    flops = spec.flops
    if flops is None and spec.params_b is not None and spec.tokens_b is not None:
        flops = training_flops(spec.params_b, spec.tokens_b)
    if spec.accelerator_hours is not None:
        hours, method = spec.accelerator_hours, "accelerator-hours"
    elif spec.accelerators is not None and spec.duration_days is not None:
        hours, method = spec.accelerators * spec.duration_days * 24.0, "accelerators × duration"
    elif flops is not None:
        peak_t = acc.fp8_dense_tflops if spec.precision == "fp8" else acc.bf16_dense_tflops
        if not peak_t:
            raise InputError(f"{acc.name}: {spec.precision} peak FLOP/s not in the registry; give --gpu-hours instead"
                             + (" or --precision bf16" if spec.precision == "fp8" and acc.bf16_dense_tflops else ""))
        hours, method = flops / (peak_t * 1e12 * spec.mfu_value) / 3600.0, "FLOPs ÷ (peak × MFU)"
    else:
        raise InputError(
            "give accelerator-hours (--gpu-hours), or accelerators and duration (--accelerators, --days), "
            "or parameters and tokens (--params, --tokens) / --flops"
        )
    power = spec.power_w_per_accelerator
    if power is None:
        if acc.max_power_w is None:
            raise InputError(f"{acc.name}: maximum power not in the registry; give --power-w")
        power = float(acc.max_power_w)
    acc_kwh = hours * power / 1000.0
    host_kwh = 0.0
    if spec.with_host:
        host_kwh = hours * bd.server_share(registry).host_power_w / 1000.0
    return TrainingEstimate(hours, flops, acc_kwh, host_kwh, acc_kwh + host_kwh, power, method)


def estimate_training(spec: TrainingSpec, registry: Registry | None = None) -> Result:
    """Training footprint in the output contract: energy (kWh, low/best/high), carbon, water, embodied carbon; for a
    published run also the ``published`` figures and the relative ``difference_from_published``."""
    from aifootprint.impacts import SiteOverrides, assess, resolve_site
    from aifootprint.result import Result
    from aifootprint.uncertainty import Uncertain

    from .embodied import embodied_carbon

    pt = estimate_training_point(spec, registry)
    acc = _spec(spec.hardware, registry, spec)
    if spec.power_w_per_accelerator is None:
        lo, hi = POWER_FRACTION_RANGE
        power_factor: Any = Uncertain.triangular(lo, hi, hi, label="training-power-fraction")
        acc_kwh: Any = pt.accelerator_energy_kwh * power_factor
    else:
        acc_kwh = pt.accelerator_energy_kwh
    it_kwh = acc_kwh + pt.host_energy_kwh
    pub = spec.published
    operator = spec.operator or (pub.operator if pub is not None else None)
    site = resolve_site(spec.location, operator, SiteOverrides(pue=spec.pue) if spec.pue else None, registry)
    notes: list[str] = []
    if pub is not None:
        site, notes = pub.apply(site, spec.location is not None, spec.pue is not None or spec.operator is not None,
                                spec.boundary == "published")
    if spec.boundary in ("accelerator", "server"):
        site = site.with_overrides(SiteOverrides(pue=1.0))
    impacts = assess(it_kwh, site)
    emb_g, emb_assumptions, warnings = embodied_carbon(
        acc.embodied_carbon_kg, acc.name, ";".join(acc.sources), pt.accelerator_hours * 3600.0, spec.with_host,
        registry)
    values: dict[str, Any] = {
        "energy_kwh": Uncertain.from_any(impacts.facility_energy_kwh),
        "energy_mwh": Uncertain.from_any(impacts.facility_energy_kwh / 1000.0),
        "accelerator_hours": pt.accelerator_hours,
        "carbon_kg": Uncertain.from_any(impacts.carbon_g / 1000.0),
        "carbon_t": Uncertain.from_any(impacts.carbon_g / 1e6),
        "water_l": Uncertain.from_any(impacts.water_l),
        "embodied_carbon_kg": None if emb_g is None else Uncertain.from_any(emb_g / 1000.0),
    }
    if pt.flops is not None:
        values["flops"] = pt.flops
    if pub is not None:
        values["published"] = pub.to_dict()
        values["difference_from_published"] = {
            "energy_fraction": _rel(values["energy_mwh"].best, pub.energy_mwh),
            "carbon_fraction": _rel(values["carbon_t"].best, pub.carbon_t)}
    return Result("estimate-training", _inputs(spec, pt, acc.key, site), values,
                  _assumptions(spec, pt, acc, power_factor if spec.power_w_per_accelerator is None else None)
                  + emb_assumptions + impacts.assumptions(), warnings + notes + impacts.warnings())


def _rel(estimate: float, published: float | None) -> float | None:
    """(estimate − published) ÷ published, or None when nothing was published."""
    return None if not published else estimate / published - 1.0


def _inputs(spec: TrainingSpec, pt: TrainingEstimate, acc_key: str, site: Any) -> dict[str, Any]:
    """Resolved inputs; ``mfu`` and ``precision`` only where they are used (the FLOPs path)."""
    out: dict[str, Any] = {
        "model": spec.model, "hardware": acc_key, "accelerator_hours": pt.accelerator_hours,
        "accelerators": spec.accelerators, "duration_days": spec.duration_days, "params_b": spec.params_b,
        "tokens_b": spec.tokens_b, "flops": spec.flops,
        "boundary": "published (publisher's method)" if spec.boundary == "published" else spec.boundary,
        "location": site.location, "zone": site.zone, "operator": site.operator,
    }
    if pt.method.startswith("FLOPs"):
        out["mfu"], out["precision"] = spec.mfu_value, spec.precision
    return out


def _assumptions(spec: TrainingSpec, pt: TrainingEstimate, acc: Any, power_factor: Any) -> list[Any]:
    from aifootprint.result import Assumption
    from aifootprint.uncertainty import Uncertain

    if spec.power_w_per_accelerator is None:
        src_power = f"{acc.key} datasheet max power ({';'.join(acc.sources)}); × average_power_fraction"
    else:
        src_power = spec.power_source or "user input"
    pub = spec.published
    method = (pt.method, "PA21 / LLAMA model cards")
    if pub is not None and spec.boundary == "published":
        method = (f"{pt.method}; publisher's method: {pub.method}", pub.source)
    out = [Assumption("power_w_per_accelerator", pt.power_w_per_accelerator, "W", src_power),
           Assumption("method", method[0], "-", method[1])]
    if power_factor is not None:
        f = Uncertain.from_any(power_factor)
        out.append(Assumption(
            "average_power_fraction", f"{f.best:.2f} ({f.low:.2f}–{f.high:.2f}; triangular 0.7, mode 1.0)", "-",
            "EP25 (0.7); LLAMA, BL22 (1.0, the mode)"))
    if pt.method.startswith("FLOPs"):
        out.append(Assumption("mfu", spec.mfu_value, "-", "user input" if spec.mfu is not None
                              else "Llama 3 paper, arXiv:2407.21783 (38–43 %)"))
    return out
