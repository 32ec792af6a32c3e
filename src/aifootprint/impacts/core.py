"""Energy -> facility energy, carbon and water: the one core every part of the project goes through."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..errors import InputError
from ..result import Assumption, Result
from ..uncertainty import Uncertain
from .site import Quantity, Site

TYPE_CHECKING = False  # typing is not imported at run time (`aifootprint measure` never needs it)
if TYPE_CHECKING:
    from typing import Any

    from ..notice import Notice


@dataclass(frozen=True)
class Impacts:
    """Impacts of an amount of IT (server) energy at a site.

    ``it_energy_kwh`` is the energy at the servers; ``facility_energy_kwh`` adds the data-centre overhead (PUE).
    """

    it_energy_kwh: Quantity
    facility_energy_kwh: Quantity
    carbon_g: Quantity
    water_l: Quantity
    water_onsite_l: Quantity
    water_offsite_l: Quantity
    site: Site
    carbon_market_g: Quantity | None = None
    extra_warnings: tuple[str, ...] = field(default=())

    def assumptions(self) -> list[Assumption]:
        return self.site.assumptions()

    def warnings(self) -> list[str | Notice]:
        return [*self.site.warnings(), *self.extra_warnings]

    def values(self) -> dict[str, Any]:
        """Result values, each as an :class:`Uncertain` (rendered ``{"low","best","high"}``)."""
        u = Uncertain.from_any
        out: dict[str, Any] = {
            "it_energy_kwh": u(self.it_energy_kwh),
            "energy_kwh": u(self.facility_energy_kwh),
            "carbon_g": u(self.carbon_g),
            "water_l": u(self.water_l),
            "water_onsite_l": u(self.water_onsite_l),
            "water_offsite_l": u(self.water_offsite_l),
        }
        if self.carbon_market_g is not None:
            out["carbon_market_g"] = u(self.carbon_market_g)
        return out

    def to_result(self, inputs: Mapping[str, Any] | None = None) -> Result:
        resolved = {"location": self.site.location, "zone": self.site.zone, "operator": self.site.operator}
        resolved.update(inputs or {})
        return Result("impacts", resolved, self.values(), self.assumptions(), self.warnings())


def li2023_water_l(it_energy_kwh: Any, pue: Any, wue_l_per_kwh: Any, ewif_l_per_kwh: Any) -> Any:
    """Water [L] for IT energy [kWh]: on-site WUE per IT kWh plus off-site EWIF per kWh generated × PUE.

    Li, Yang, Islam, Ren, "Making AI Less 'Thirsty'", arXiv:2304.03271 (2023). Works element-wise on floats,
    numpy arrays and :class:`~aifootprint.uncertainty.Uncertain` values (consumption or withdrawal factors alike).
    """
    return it_energy_kwh * wue_l_per_kwh + it_energy_kwh * pue * ewif_l_per_kwh


def _check_energy(energy: Quantity) -> None:
    lo = energy.low if isinstance(energy, Uncertain) else float(energy)
    if not lo >= 0:
        raise InputError(f"energy must be a non-negative number of kWh, got {energy!r}")


def assess(it_energy_kwh: Quantity, site: Site) -> Impacts:
    """Turn IT energy into facility energy, carbon and water at ``site``.

    Equations
    ---------
    facility_energy_kwh = it_energy_kwh × PUE
    carbon_g            = facility_energy_kwh × intensity_g_per_kwh        (location-based; market-based likewise)
    water_l             = it_energy_kwh × (WUE_onsite + PUE × EWIF_offsite)   (Li et al. 2023, arXiv:2304.03271)

    Water is *consumption* (evaporated on site + consumed at power plants), not withdrawal.
    """
    _check_energy(it_energy_kwh)
    pue = site.pue_value
    facility = it_energy_kwh * pue
    carbon = facility * site.intensity_g_per_kwh
    onsite = li2023_water_l(it_energy_kwh, pue, site.wue_l_per_kwh, 0.0)
    offsite = li2023_water_l(it_energy_kwh, pue, 0.0, site.ewif_l_per_kwh)
    market = None if site.market_intensity is None else facility * site.market_intensity.value
    return Impacts(
        it_energy_kwh=it_energy_kwh,
        facility_energy_kwh=facility,
        carbon_g=carbon,
        water_l=onsite + offsite,
        water_onsite_l=onsite,
        water_offsite_l=offsite,
        site=site,
        carbon_market_g=market,
    )
