"""From a measurement to a footprint: energy by component, then carbon and water through the impacts core.

The measured energy is IT (server) energy; :func:`aifootprint.impacts.assess` adds the data-centre overhead (PUE),
the grid's carbon intensity and the water consumed on site and at power plants (Li et al. 2023,
arXiv:2304.03271). The result follows the project's JSON output contract (:class:`aifootprint.result.Result`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..result import Assumption, Result
from .measurement import J_PER_KWH, Measurement


def footprint(
    measurement: Measurement,
    location: str | None = None,
    *,
    extra_inputs: Mapping[str, Any] | None = None,
    sensor_assumptions: Sequence[Sequence[Any]] = (),
    operator: str | None = None,
) -> Result:
    """The footprint of a measured run as a :class:`Result` (kind ``measure``).

    Values: ``it_energy_kwh`` (measured at the devices), ``energy_kwh`` (x PUE), ``carbon_g``, ``water_l`` (and
    their on-site / off-site parts), ``energy_kwh_by_component``, ``duration_s``, ``mean_power_w``,
    ``estimated_components`` (components whose figure is a model, not a measurement), ``devices`` and ``gaps``.
    """
    from ..impacts import assess, resolve_site

    site = resolve_site(location=location, operator=operator)
    impacts = assess(measurement.energy_kwh, site)
    values: dict[str, Any] = dict(impacts.values())
    values["energy_kwh_by_component"] = {k: v / J_PER_KWH for k, v in sorted(measurement.by_component().items())}
    values["duration_s"] = measurement.duration_s
    values["mean_power_w"] = measurement.mean_power_w
    values["estimated"] = measurement.estimated
    values["estimated_components"] = sorted({d.component for d in measurement.devices if d.estimated})
    values["devices"] = [d.to_dict() for d in measurement.devices]
    values["gaps"] = [g.to_dict() for g in measurement.gaps]
    if measurement.skipped:
        values["skipped_devices"] = list(measurement.skipped)
    assumptions = [Assumption(f"method:{d.device}", d.method, "-", "estimate" if d.estimated else "measured")
                   for d in measurement.devices]
    assumptions += [Assumption(str(a[0]), a[1], str(a[2]), str(a[3])) for a in sensor_assumptions]
    assumptions += impacts.assumptions()
    inputs: dict[str, Any] = {"location": site.location, "zone": site.zone, "operator": site.operator,
                              "it_energy_kwh": measurement.energy_kwh}
    inputs.update(extra_inputs or {})
    warnings = measurement.warnings() + impacts.warnings()
    return Result("measure", inputs, values, assumptions, warnings)
