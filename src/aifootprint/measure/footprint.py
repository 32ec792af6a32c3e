"""From a measurement to a footprint: energy by component, then carbon and water through the impacts core.

The measured energy is IT (server) energy; :func:`aifootprint.impacts.assess` adds the data-centre overhead (PUE),
the grid's carbon intensity and the water consumed on site and at power plants (Li et al. 2023,
arXiv:2304.03271). The result follows the project's JSON output contract (:class:`aifootprint.result.Result`).

Site factors: ``location`` and ``operator`` select the registry's grid intensity, PUE and WUE
(:func:`aifootprint.impacts.resolve_site`); ``overrides`` (CLI ``--pue``, ``--wue-l-per-kwh``, ``--ewif-l-per-kwh``,
``--intensity-g-per-kwh``) replace them and are cited as "user input".

Fake sensors (``--sensors fake``, method ``fake``) are not measurements: the result says ``simulated: true`` and
``estimated: true``, each fake device has ``simulated: true``, and the ``method:*`` assumptions cite "simulated".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..notice import Notice
from ..result import Assumption, Result
from .measurement import J_PER_KWH, DeviceEnergy, Measurement

TYPE_CHECKING = False  # typing is not imported at run time (`aifootprint measure` never needs it)
if TYPE_CHECKING:
    from typing import Any

    from ..impacts import SiteOverrides

#: ``DeviceEnergy.method`` of the fake backend (:mod:`.sensors.fake`).
FAKE_METHOD = "fake"
#: Notice code of fake-sensor figures (set by sensor discovery for ``--sensors fake``, else by :func:`footprint`).
SIMULATED = "simulated"


def is_simulated(device: DeviceEnergy) -> bool:
    """True for a fake-sensor figure (a script, not a reading of any device)."""
    return device.method.split("+")[0] == FAKE_METHOD


def _how(device: DeviceEnergy) -> str:
    if is_simulated(device):
        return "simulated (fake sensor)"
    return "estimate" if device.estimated else "measured"


def footprint(
    measurement: Measurement,
    location: str | None = None,
    *,
    extra_inputs: Mapping[str, Any] | None = None,
    sensor_assumptions: Sequence[Sequence[Any]] = (),
    operator: str | None = None,
    overrides: SiteOverrides | None = None,
) -> Result:
    """The footprint of a measured run as a :class:`Result` (kind ``measure``).

    Values: ``it_energy_kwh`` (measured at the devices), ``energy_kwh`` (x PUE), ``carbon_g``, ``water_l`` (and
    their on-site / off-site parts), ``energy_kwh_by_component``, ``duration_s``, ``mean_power_w``, ``estimated``
    (any figure not measured), ``simulated`` (any figure from a fake sensor), ``estimated_components``
    (components whose figure is a model, not a measurement), ``devices`` and ``gaps``.
    """
    from ..impacts import assess, resolve_site

    site = resolve_site(location=location, operator=operator, overrides=overrides)
    impacts = assess(measurement.energy_kwh, site)
    values: dict[str, Any] = dict(impacts.values())
    values["energy_kwh_by_component"] = {k: v / J_PER_KWH for k, v in sorted(measurement.by_component().items())}
    values["duration_s"] = measurement.duration_s
    values["mean_power_w"] = measurement.mean_power_w
    simulated = any(is_simulated(d) for d in measurement.devices)
    values["estimated"] = measurement.estimated or simulated
    values["simulated"] = simulated
    values["estimated_components"] = sorted({d.component for d in measurement.devices if d.estimated})
    values["devices"] = [{**d.to_dict(), "simulated": is_simulated(d)} for d in measurement.devices]
    values["gaps"] = [g.to_dict() for g in measurement.gaps]
    if measurement.skipped:
        values["skipped_devices"] = list(measurement.skipped)
    assumptions = [Assumption(f"method:{d.device}", d.method, "-", _how(d)) for d in measurement.devices]
    assumptions += [Assumption(str(a[0]), a[1], str(a[2]), str(a[3])) for a in sensor_assumptions]
    assumptions += impacts.assumptions()
    inputs: dict[str, Any] = {"location": site.location, "zone": site.zone, "operator": site.operator,
                              "it_energy_kwh": measurement.energy_kwh}
    inputs.update(extra_inputs or {})
    warnings: list[Notice | str] = list(measurement.warnings())
    if simulated and not any(isinstance(w, Notice) and w.code == SIMULATED for w in warnings):
        warnings.insert(0, Notice(SIMULATED, "fake sensors: these figures are simulated, not measurements of any "
                                  "machine"))
    warnings += impacts.warnings()
    return Result("measure", inputs, values, assumptions, warnings)
