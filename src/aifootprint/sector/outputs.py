"""Turn a scenario run into the JSON contract, CSV rows and the comparison with the published figures."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from ..result import Assumption, Result
from .models import OUTPUT_UNITS
from .montecarlo import RunResult, summary
from .scenario import Published


@dataclass(frozen=True)
class PublishedCheck:
    """A published figure next to what the scenario reproduces.

    A published low/high is compared with the scenario's bounds (every input at its low or high end, the authors'
    arithmetic); a single value with the nominal result (every input at its stated value).
    """

    published: Published
    reproduced_low: float | None
    reproduced_high: float | None
    reproduced_value: float | None

    @property
    def max_rel_diff(self) -> float:
        """Largest relative difference between the published and the reproduced numbers."""
        pairs = [(self.published.low, self.reproduced_low), (self.published.high, self.reproduced_high),
                 (self.published.value, self.reproduced_value)]
        diffs = [abs(r - p) / abs(p) for p, r in pairs if p is not None and r is not None and p != 0]
        return max(diffs) if diffs else 0.0

    def to_dict(self) -> dict[str, Any]:
        out = self.published.to_dict()
        out.update({"reproduced_low": self.reproduced_low, "reproduced_high": self.reproduced_high,
                    "reproduced_value": self.reproduced_value, "max_rel_diff": self.max_rel_diff})
        return out


def published_checks(result: RunResult) -> list[PublishedCheck]:
    """Compare every ``[[published]]`` figure of the scenario with the run."""
    out = []
    for pub in result.scenario.published:
        if pub.output not in result.quantiles or pub.year not in result.years:
            continue
        at = result.at(pub.output, pub.year)
        out.append(PublishedCheck(pub, at["bound_low"] if pub.low is not None else None,
                                  at["bound_high"] if pub.high is not None else None,
                                  at["nominal"] if pub.value is not None else None))
    return out


def assumptions(result: RunResult) -> list[Assumption]:
    """Every input of the run as an :class:`Assumption` (distribution text, unit, source)."""
    out = []
    for name, inp in result.prepared.inputs.items():
        src = inp.source if not inp.is_assumption else "assumption (user; no published value)"
        if inp.note:
            src += f" — {inp.note}"
        out.append(Assumption(name, inp.describe(), inp.unit, src))
    return out


def citations(keys: list[str], custom: dict[str, str], registry: Any = None) -> dict[str, str]:
    """Source key -> one-line citation (the scenario's own ``[sources]`` first, then the registry)."""
    from ..reference.registry import default_registry

    reg = registry or default_registry()
    out = {}
    for key in keys:
        if key in custom:
            out[key] = custom[key]
            continue
        try:
            out[key] = reg.cite(key).format()
        except Exception:  # an unknown key is reported as such, never fails the run
            out[key] = "(citation not in the registry)"
    return out


def to_result(result: RunResult, registry: Any = None) -> Result:
    """The JSON contract of ``aifootprint scenario run --json``."""
    sc = result.scenario
    inputs = {"scenario": sc.name, "file": sc.path, "model": sc.model, "years": list(sc.years),
              "location": sc.location, "operator": sc.operator, "draws": result.draws, "seed": result.seed}
    values: dict[str, Any] = dict(summary(result))
    values["units"] = {k: OUTPUT_UNITS[k] for k in values if k in OUTPUT_UNITS}
    values["published"] = [c.to_dict() for c in published_checks(result)]
    values["sensitivity"] = {"output": "facility_energy_twh", "year": sc.years[-1],
                             "inputs": [s.to_dict() for s in result.sensitivity]}
    return Result("sector_scenario", inputs, values, assumptions(result), list(result.warnings),
                  sources=citations(sc.source_keys(), dict(sc.custom_sources), registry))


def to_csv(result: RunResult) -> str:
    """One row per output and year: ``output,unit,year,low,best,high,nominal,bound_low,bound_high``."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["output", "unit", "year", "low", "best", "high", "nominal", "bound_low", "bound_high"])
    for key, per_year in summary(result).items():
        for year, v in per_year.items():
            w.writerow([key, OUTPUT_UNITS[key], year] + [f"{v[c]:.6g}" for c in
                                                         ("low", "best", "high", "nominal", "bound_low", "bound_high")])
    return buf.getvalue()
