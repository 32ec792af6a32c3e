"""A published training run (``training_runs.csv``) with the publisher's own method: the power, PUE and grid intensity
the publisher used, each cited to the row's source, so that ``estimate training --model X`` reproduces the published
figure unless the user overrides a factor.

Rules, per factor (the row's ``method`` column says what each publisher did):

* **power**: the row's ``power_w_per_accelerator`` (Patterson et al. 2021: measured average system power; Meta cards and
  Luccioni et al. 2022: TDP), no host share and no average-power fraction;
* **PUE**: the row's ``pue``; else, when the method says the power was "adjusted for PUE" without stating it (Meta's
  model cards), the developer's published fleet PUE (``datacenter_operators.csv``), flagged; else none (1.0: BLOOM's
  and Gopher's published energies exclude the data-centre overhead);
* **grid intensity**: the row's ``intensity_g_per_kwh``; else, when the row gives emissions, the intensity implied by
  the publisher's own totals (carbon ÷ energy, derived, flagged: the carbon then matches by construction); else none
  (the location's intensity is used).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from aifootprint.reference.registry import row_float

if TYPE_CHECKING:
    from aifootprint.impacts import Factor, Site
    from aifootprint.reference.registry import Registry, Row


@dataclass(frozen=True, slots=True)
class PublishedRun:
    """The publisher's figures and factors of one ``training_runs`` row."""

    key: str
    hardware: str
    source: str
    year: int | None
    method: str
    energy_mwh: float | None
    carbon_t: float | None
    carbon_t_market: float | None
    #: publisher's PUE factor; None: the publisher applied no PUE
    pue: Factor | None
    #: publisher's (stated or implied) grid intensity; None: not published
    intensity: Factor | None
    #: data-centre operator of the developer (``datacenter_operators.csv``), for water; None when not listed
    operator: str | None

    def to_dict(self) -> dict[str, Any]:
        """The ``published`` block of a training result."""
        return {"key": self.key, "energy_mwh": self.energy_mwh, "carbon_t": self.carbon_t,
                "carbon_t_market": self.carbon_t_market, "source": self.source, "year": self.year,
                "method": self.method}

    def apply(self, site: Site, location_given: bool, pue_given: bool, publisher_boundary: bool
              ) -> tuple[Site, list[str]]:
        """``site`` with the publisher's PUE and intensity where the user did not override them; notes to show."""
        from aifootprint.impacts import Factor

        notes: list[str] = []
        if self.intensity is not None:
            if location_given:
                notes.append(f"recomputed at {site.location}'s grid intensity ({_best(site.intensity.value):.4g} "
                             f"gCO2e/kWh) instead of the publisher's {_best(self.intensity.value):.4g} gCO2e/kWh "
                             f"({self.source})")
            else:
                site = replace(site, intensity=self.intensity)
        if not pue_given:
            if publisher_boundary:
                pue = self.pue or Factor("pue", 1.0, "-", f"{self.source} (publisher applied no PUE)", self.year)
                site = replace(site, pue=pue)
            elif self.pue is not None:
                site = replace(site, pue=self.pue)
        return site, notes


def _best(v: Any) -> float:
    return float(getattr(v, "best", v))


def _operator_of(model: str, registry: Registry) -> str | None:
    """Operator key in ``datacenter_operators`` for the model's developer (``models.csv``), if listed."""
    row = registry.table("models").find(model) if "models" in registry.datasets() else None
    dev = str(row.get("developer") or "").strip().lower() if row is not None else ""
    return dev if dev and registry.table("datacenter_operators").where(operator=dev) else None


def published_run(row: Row, it_kwh: float | None, registry: Registry | None = None) -> PublishedRun:
    """The publisher's factors of ``row``; ``it_kwh`` = accelerator-hours × the row's power (the publisher's energy
    before PUE), used to derive an implied intensity when only emissions are published."""
    from aifootprint.impacts import Factor, resolve_site
    from aifootprint.reference.registry import default_registry

    reg = registry or default_registry()
    src = str(row.get("source") or "")
    year = row.get("year")
    yr = int(year) if isinstance(year, int) else None
    method = str(row.get("method") or "")
    model = str(row.get("model") or row.get("key") or "")
    operator = _operator_of(model, reg)
    pue: Factor | None = None
    if (v := row_float(row, "pue")) is not None:
        pue = Factor("pue", v, "-", f"{src} (publisher's PUE)", yr)
    elif "adjusted for pue" in method.lower() and operator is not None:
        op = resolve_site(None, operator, None, reg).pue
        pue = replace(op, estimated=True, note=(
            f"the publisher says its power figure is 'adjusted for PUE' without stating the PUE: {operator}'s "
            f"published fleet PUE {_best(op.value):g} ({op.source}, {op.year}) assumed"))
    carbon_t = row_float(row, "carbon_t")
    intensity: Factor | None = None
    if (v := row_float(row, "intensity_g_per_kwh")) is not None:
        intensity = Factor("grid_intensity", v, "gCO2e/kWh", f"{src} (publisher's grid intensity)", yr)
    elif carbon_t is not None and it_kwh:
        facility_kwh = it_kwh * (_best(pue.value) if pue is not None else 1.0)
        implied = carbon_t * 1e6 / facility_kwh
        intensity = Factor("grid_intensity", implied, "gCO2e/kWh", f"{src} (implied: carbon ÷ energy, derived)", yr,
                           estimated=True, note=(
                               f"the publisher states no grid intensity: {implied:.4g} gCO2e/kWh is implied by its "
                               f"own totals ({carbon_t:g} tCO2e ÷ {facility_kwh / 1000:,.0f} MWh), so the carbon "
                               "matches the published figure by construction"))
    return PublishedRun(str(row.get("key") or model), str(row.get("hardware") or ""), src, yr, method,
                        row_float(row, "energy_mwh"), carbon_t, row_float(row, "carbon_t_market"), pue, intensity,
                        operator)
