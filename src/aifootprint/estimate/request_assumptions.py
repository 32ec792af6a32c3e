"""The parts of a request result that explain it: the model-error factor of the uncertainty (:func:`band_factor`),
the parameter counts of a model (:func:`param_assumptions`) and the estimator's assumptions with their sources
(:func:`request_assumptions`). Built once per estimator by :mod:`.request_result`."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from aifootprint.uncertainty import Z95

if TYPE_CHECKING:
    from aifootprint.result import Assumption

    from .calibration import Calibration
    from .inference import RequestEstimator
    from .models import ResolvedModel


def band_factor(cal: Calibration) -> Any:
    """Model error as an uncertain multiplier with median 1 whose 5 % and 95 % quantiles are the calibration's
    out-of-sample band (measured ÷ estimated; :mod:`.calibration`): a split log-normal (two half-normals in log space,
    one per side), so an asymmetric band stays asymmetric."""
    from aifootprint.uncertainty import Uncertain

    s_lo = max(-math.log(cal.band_low_factor), 1e-6) / Z95
    s_hi = max(math.log(cal.band_high_factor), 1e-6) / Z95
    z = Uncertain.lognormal(1.0, math.e, label=f"model-error:{cal.accelerator}")
    return z.apply(lambda x: _split(x, s_lo, s_hi), f"model-error:{cal.accelerator}")


def _split(x: Any, s_lo: float, s_hi: float) -> Any:
    import numpy as np

    lz = np.log(x)
    return np.exp(np.where(lz < 0, lz * s_lo, lz * s_hi))


def param_assumptions(m: ResolvedModel, prange: tuple[float, float] | None) -> list[Assumption]:
    """Active and total parameters (best, with the low–high range of closed models) and their sources; for a range,
    the energy multiplier it gives (energy at the low / high counts ÷ best), which the uncertainty carries."""
    from aifootprint.result import Assumption

    def shown(attr: str) -> str:
        lo, best, hi = (getattr(a, attr) or a.total_params_b for a in (m.low, m.best, m.high))
        return f"{best:g}" if lo == hi else f"{best:g} ({lo:g}–{hi:g})"

    src = ";".join(m.sources) + (" (estimate; models.csv)" if not m.open_weights else "")
    out = [Assumption("active_params_b", shown("active_params_b"), "billion", src),
           Assumption("total_params_b", shown("total_params_b"), "billion", src)]
    if prange is not None:
        out.append(Assumption("parameter_range_energy_factor", f"{prange[0]:.3g}–{prange[1]:.3g} (triangular, mode 1)",
                              "×", "energy at the low / high parameter counts ÷ best (this estimator)"))
    return out


def request_assumptions(est: RequestEstimator) -> list[Assumption]:
    """The estimator's assumptions (batch, calibration terms, engine, precision, band, boundary shares) with sources."""
    from aifootprint.result import Assumption

    from . import boundary as bd
    from .engines import VALIDATED_ENGINES, engine_bandwidth
    from .inference import DEFAULT_BATCH

    c, src = est.cal, est.cal.source
    out = [
        Assumption("batch", est.config.batch, "sequences", est._batch_source or (
            "ECO (EcoLogits serving assumption)" if est.config.batch == DEFAULT_BATCH else "user input")),
        Assumption("compute_fraction", round(c.compute_fraction, 4), "-", src),
        Assumption("bandwidth_fraction", round(c.bandwidth_fraction, 4), "-",
                   engine_bandwidth(est.engine.name, c)[1]),
        Assumption("base_power_w", round(c.base_power_w, 1), "W", src),
        Assumption("power_limit_w", round(c.max_power_w, 1), "W", "hardware registry (datasheet)"),
        Assumption("energy_per_flop_pj", round(c.energy_per_flop_j * 1e12, 4), "pJ", src),
        Assumption("energy_per_byte_pj", round(c.energy_per_byte_j * 1e12, 4), "pJ", src),
        power_model_assumption(c),
        Assumption("engine", est.engine.name, "-", est.engine.source),
        Assumption("engine_step_overhead_s", float(f"{est.engine.step_overhead_s:.4g}"), "s", est.engine.source),
        Assumption("engine_seq_overhead_s", float(f"{est.engine.seq_overhead_s:.4g}"), "s", est.engine.source),
        Assumption("engine_layer_overhead_s", float(f"{est.engine.layer_overhead_s:.4g}"), "s",
                   est.engine.source),
        Assumption("precision", est.precision, "-", "user input" if est.config.precision else
                   _precision_source(est)),
        Assumption("band_5_95_factors", f"{c.band_low_factor:.3g}–{c.band_high_factor:.3g}", "×",
                   "docs/validation.md (out-of-sample measured ÷ estimated"
                   + (")" if est.engine.name in VALIDATED_ENGINES else "; cross-GPU band: engine not validated)")),
    ]
    if est._profile is not None:
        out.extend(est._profile.assumptions())
    if est.config.boundary != "accelerator":
        share = bd.server_share(est.registry)
        out.append(Assumption("host_power_w_per_accelerator", est._host_w, "W",
                              share.source + (" [estimated fallback]" if share.estimated else "")))
    if est.config.boundary == "datacenter":
        out.append(Assumption("idle_fraction", bd.IDLE_FRACTION, "-", "GO25 (derived: 0.02 / (0.14 + 0.06))"))
    return out


def power_model_assumption(cal: Calibration, note: str = "") -> Assumption:
    """How dynamic power meets the power limit in ``cal`` (:func:`~.physics.dynamic_energy`): the soft cap, or the
    straight line from idle of a GPU-bound engine on a ``calibrate`` profile (:attr:`Calibration.linear_power`);
    ``note`` is appended to the value (a task's denoising steps that keep the soft cap)."""
    from aifootprint.result import Assumption

    if cal.linear_power:
        return Assumption("power_model", "straight line from idle, cut at the power limit" + note, "-",
                          "GPU-bound engine on a calibrate profile: docs/validation_h200.md §5")
    return Assumption("power_model", "soft cap below the power limit" + note, "-",
                      "docs/methodology/inference.md §3 (o)")


def _precision_source(est: RequestEstimator) -> str:
    """Where the serving precision comes from when ``--precision`` is not given."""
    from .deployments import deployment_for

    if est.model.name_precision is not None:
        return f"the model name's quantisation tag {est.model.name_precision[1]!r} (notice precision-from-name)"
    dep = deployment_for(est.model.provider)
    if dep is None:
        return "registry models.serving_precision (native)"
    return f"deployment assumption for {est.model.provider}: {dep.hardware_note} ({dep.source})"
