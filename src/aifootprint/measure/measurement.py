"""What a tracker window returns: energy per device, gaps, and which figures are estimates."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..notice import Notice

TYPE_CHECKING = False  # typing is not imported at run time (`aifootprint measure` never needs it)
if TYPE_CHECKING:
    from typing import Any

J_PER_KWH = 3.6e6


@dataclass(frozen=True)
class Gap:
    """A period when a sensor could not be read.

    ``bridged``: ``counter`` (the device's energy counter covered the gap: no energy lost), ``interpolated``
    (power-only device: energy over the gap linearly interpolated between the last and next power readings,
    estimated), or ``lost`` (the sensor never came back: energy after ``start_s`` is missing from the total).
    """

    device: str
    start_s: float
    end_s: float | None
    error: str
    bridged: str

    @property
    def duration_s(self) -> float | None:
        return None if self.end_s is None else self.end_s - self.start_s

    def to_dict(self) -> dict[str, Any]:
        return {"device": self.device, "start_s": self.start_s, "end_s": self.end_s, "error": self.error,
                "bridged": self.bridged}


@dataclass(frozen=True)
class DeviceEnergy:
    """Energy of one device over a window. ``method`` is how this window's figure was obtained."""

    device: str
    component: str
    method: str
    estimated: bool
    energy_j: float
    process_energy_j: float | None = None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"device": self.device, "component": self.component, "method": self.method,
                "estimated": self.estimated, "energy_j": self.energy_j, "process_energy_j": self.process_energy_j,
                "note": self.note}


@dataclass(frozen=True)
class Measurement:
    """Energy measured over a named window (the whole run is the window named after the run)."""

    name: str
    start_s: float
    duration_s: float
    devices: tuple[DeviceEnergy, ...]
    gaps: tuple[Gap, ...] = ()
    notes: tuple[Notice | str, ...] = ()
    skipped: tuple[str, ...] = field(default=())  # devices measured by another rank of the job (leases)

    @property
    def energy_j(self) -> float:
        return sum(d.energy_j for d in self.devices)

    @property
    def energy_kwh(self) -> float:
        return self.energy_j / J_PER_KWH

    @property
    def estimated(self) -> bool:
        """True when any device's figure is a model (TDP x utilisation, W/GB, interpolation) not a measurement."""
        return any(d.estimated for d in self.devices) or any(g.bridged == "interpolated" for g in self.gaps)

    def by_component(self) -> dict[str, float]:
        """Energy in J by component (gpu, cpu, ram)."""
        out: dict[str, float] = {}
        for d in self.devices:
            out[d.component] = out.get(d.component, 0.0) + d.energy_j
        return out

    @property
    def mean_power_w(self) -> float:
        return self.energy_j / self.duration_s if self.duration_s > 0 else 0.0

    def warnings(self) -> list[Notice]:
        """Structured warnings: ``estimated`` devices (one notice for all), ``method-note`` (how a window's figure
        was obtained), ``sensor-gap`` / ``sensor-lost``, then the run's notes (codes set by their emitters)."""
        out: list[Notice] = []
        estimated = [d for d in self.devices if d.estimated]
        if estimated:
            listed = ", ".join(f"{d.device} ({d.method})" for d in estimated)
            out.append(Notice("estimated", f"estimated, not measured: {listed}",
                              ",".join(d.device for d in estimated)))
        out += [Notice("method-note", f"{d.device}: {d.note}", d.device) for d in self.devices if d.note]
        for g in self.gaps:
            if g.bridged == "lost" and g.end_s is None:
                out.append(Notice("sensor-lost", f"{g.device}: sensor failed at t={g.start_s:.2f} s and never "
                                  f"recovered ({g.error}); energy after that is missing from the total", g.device))
            else:
                span = f"{g.duration_s:.2f} s" if g.duration_s is not None else "?"
                how = "energy in it is missing" if g.bridged == "lost" else f"bridged by {g.bridged}"
                out.append(Notice("sensor-gap", f"{g.device}: sensor gap of {span} at t={g.start_s:.2f} s "
                                  f"({g.error}); {how}", g.device))
        out += [n if isinstance(n, Notice) else Notice("note", n) for n in self.notes]
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "start_s": self.start_s,
            "duration_s": self.duration_s,
            "energy_j": self.energy_j,
            "energy_kwh": self.energy_kwh,
            "energy_j_by_component": self.by_component(),
            "estimated": self.estimated,
            "devices": [d.to_dict() for d in self.devices],
            "gaps": [g.to_dict() for g in self.gaps],
            "skipped_devices": list(self.skipped),
            "notes": [n.to_dict() if isinstance(n, Notice) else n for n in self.notes],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Measurement:
        devices = tuple(DeviceEnergy(**d) for d in data.get("devices", []))
        gaps = tuple(Gap(**g) for g in data.get("gaps", []))
        notes = tuple(Notice(**n) if isinstance(n, dict) else Notice("note", str(n)) for n in data.get("notes", []))
        return cls(data["name"], float(data["start_s"]), float(data["duration_s"]), devices, gaps, notes,
                   tuple(data.get("skipped_devices", [])))
