"""Impact statement for a paper or a model card: one paragraph and a Markdown table, from a stored run.

Everything in it comes from the run store and the footprint result (:func:`.footprint.footprint`): hardware,
duration, energy by component and how it was obtained, carbon, water, location, the caveats (every warning of the
result: estimates, gaps, fake sensors, fallback site factors), and the method and data versions needed to
reproduce the figures.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from .store import StoredRun
from .terminal import printable


def _num(value: Any) -> float:
    if isinstance(value, Mapping):
        return float(value.get("best", 0.0))
    return float(value or 0.0)


def _range(value: Any, unit: str, digits: int = 3) -> str:
    if isinstance(value, Mapping) and value.get("low") != value.get("high"):
        return (f"{value['best']:.{digits}g} {unit} (5th–95th percentile {value['low']:.{digits}g}–"
                f"{value['high']:.{digits}g})")
    return f"{_num(value):.{digits}g} {unit}"


def _text(warning: Any) -> str:
    """A warning of a result's JSON (a Notice as a dict, or legacy text) as a caveat."""
    return str(warning.get("message", "")) if isinstance(warning, Mapping) else str(warning)


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.2f} h"
    if seconds >= 60:
        return f"{seconds / 60:.1f} min"
    return f"{seconds:.3g} s"


def _hardware(result: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    parts = []
    for d in result.get("devices", []):
        label = labels.get(d["device"], d["device"])
        how = "simulated" if d.get("simulated") else "estimated" if d["estimated"] else "measured"
        parts.append(f"{label} ({d['component']}, {how}: {d['method']})")
    return "; ".join(parts) or "no device"


def impact_statement(run: StoredRun, result: Mapping[str, Any]) -> str:
    """Paragraph + Markdown table describing the run's footprint (``result`` is a footprint ``to_dict()``)."""
    h = run.header
    labels: Mapping[str, str] = (run.summary or {}).get("labels", {})
    by_comp = result.get("energy_kwh_by_component", {})
    comp_text = ", ".join(f"{c.upper()} {v:.3g} kWh" for c, v in by_comp.items())
    estimated = result.get("estimated_components", [])
    est_text = (f" The {', '.join(c.upper() for c in estimated)} figure{'s are' if len(estimated) > 1 else ' is'} "
                "estimated from reference values (not measured)." if estimated else "")
    if result.get("simulated"):
        est_text += " These figures come from fake sensors (simulated): they are not measurements of any machine."
    gaps = result.get("gaps", [])
    gap_text = f" The sensors had {len(gaps)} gap(s), reported in the run record." if gaps else ""
    pue = next((a for a in result.get("assumptions", []) if a["name"] == "pue"), None)
    intensity = next((a for a in result.get("assumptions", []) if a["name"] == "grid_intensity"), None)
    inputs = result.get("inputs", {})
    location = inputs.get("location") or "WORLD"
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(h.started_at))
    duration = float(result.get("duration_s", 0.0))
    paragraph = (
        f"The computation \"{printable(h.name)}\" ran for {_duration(duration)} from {started} on {h.host} "
        f"({_hardware(result, labels)}). It used {_num(result['it_energy_kwh']):.3g} kWh of electricity at the "
        f"hardware ({comp_text}), {_range(result['energy_kwh'], 'kWh')} including data-centre overhead"
        + (f" (PUE {pue['value']}, {pue['source']})" if pue else "")
        + f". At the location {location}"
        + (f" (grid intensity {intensity['value']} gCO2e/kWh, {intensity['source']})" if intensity else "")
        + f", this corresponds to {_range(result['carbon_g'], 'gCO2e')} (location-based) and "
        f"{_range(result['water_l'], 'L')} of water consumed on site and at power plants (Li et al. 2023, "
        f"arXiv:2304.03271).{est_text}{gap_text} Measured with aifootprint (method {result.get('method_version')}, "
        f"data {result.get('data_version')}), run {h.run_id}."
    )
    rows = [
        ("Hardware", _hardware(result, labels)),
        ("Duration", _duration(duration)),
        ("Energy at the hardware", f"{_num(result['it_energy_kwh']):.4g} kWh ({comp_text})"),
        ("Energy incl. data-centre overhead", _range(result["energy_kwh"], "kWh")),
        ("Carbon (location-based)", _range(result["carbon_g"], "gCO2e")),
        ("Water consumed", _range(result["water_l"], "L")),
        ("Location", f"{location} (grid zone {inputs.get('zone', '?')})"),
        ("Estimated components", ", ".join(estimated) or "none"),
        ("Caveats", "; ".join(_text(w) for w in result.get("warnings", [])) or "none"),
        ("Method", "aifootprint measure: device energy counters (NVML, RAPL) or flagged estimates; "
                   f"sampling {h.hz:g} Hz"),
        ("Versions", f"method {result.get('method_version')}, data {result.get('data_version')}, "
                     f"run id {h.run_id}"),
    ]
    table = ["| Item | Value |", "|---|---|"] + [f"| {k} | {v.replace('|', '/')} |" for k, v in rows]
    return paragraph + "\n\n" + "\n".join(table) + "\n"
