"""Turn a scenario run into the JSON contract, CSV rows and the comparison with the published figures."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..result import Assumption, Result
from .models import HEADLINE, OUTPUT_UNITS
from .montecarlo import RunResult, input_in_year, summary
from .scenario import Published, Scenario


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
    #: True when the scenario *states* the published numbers (an input with the same unit holds each of them in
    #: that year, e.g. IEA's 945 TWh as the trajectory's 2030 anchor): the match is then no reproduction.
    from_input: bool = False

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
                    "reproduced_value": self.reproduced_value, "max_rel_diff": self.max_rel_diff,
                    "from_input": self.from_input})
        return out


def _unit(text: str) -> str:
    return text.strip().lower().replace(" ", "")


def stated_by_input(scenario: Scenario, pub: Published) -> bool:
    """True when every number of ``pub`` (value, low, high) is a number of one of the scenario's inputs with the
    same unit in ``pub.year`` (its stated value, a bound or a parameter; a ``by_year`` input only at an anchor of
    that year): the scenario then takes the figure as given and cannot reproduce it."""
    wanted = [v for v in (pub.value, pub.low, pub.high) if v is not None]
    for inp in scenario.inputs.values():
        if _unit(inp.unit) != _unit(pub.unit):
            continue
        dist = inp.dist if inp.dist is not None else dict(inp.by_year).get(pub.year)
        if dist is None:
            continue
        stated = (dist.nominal, *dist.bounds, *dist.params)
        if all(any(math.isclose(v, x, rel_tol=1e-9) for x in stated) for v in wanted):
            return True
    return False


def published_checks(result: RunResult) -> list[PublishedCheck]:
    """Compare every ``[[published]]`` figure of the scenario with the run."""
    out = []
    for pub in result.scenario.published:
        if pub.output not in result.quantiles or pub.year not in result.years:
            continue
        at = result.at(pub.output, pub.year)
        out.append(PublishedCheck(pub, at["bound_low"] if pub.low is not None else None,
                                  at["bound_high"] if pub.high is not None else None,
                                  at["nominal"] if pub.value is not None else None,
                                  stated_by_input(result.scenario, pub)))
    return out


def assumptions(result: RunResult) -> list[Assumption]:
    """Every input of the run as an :class:`Assumption` with a numeric ``value``: the nominal value (the value
    its source states; for ``by_year`` inputs, in the first scenario year, interpolated between anchors as the model
    uses it). The full distributions are in the result's ``inputs.distributions`` (:func:`distributions`)."""
    out = []
    for name, inp in result.prepared.inputs.items():
        src = inp.source if not inp.is_assumption else "assumption (user; no published value)"
        if inp.note:
            src += f" — {inp.note}"
        value = float(input_in_year(result.prepared, name, 0, lambda d: np.array([d.nominal]))[0])
        out.append(Assumption(name, value, inp.unit, src))
    return out


def distributions(result: RunResult) -> dict[str, str]:
    """Input name -> its distribution as written (``range 6.5–10.2``; ``2024: 415; 2030: triangular …``)."""
    return {name: inp.describe() for name, inp in result.prepared.inputs.items()}


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
              "location": sc.location, "operator": sc.operator, "draws": result.draws, "seed": result.seed,
              "distributions": distributions(result)}
    values: dict[str, Any] = dict(summary(result))
    values["units"] = {k: OUTPUT_UNITS[k] for k in values if k in OUTPUT_UNITS}
    values["published_check"] = published_check(result)
    values["published"] = [c.to_dict() for c in published_checks(result)]
    values["sensitivity"] = {"output": HEADLINE, "output_unit": OUTPUT_UNITS[HEADLINE], "year": sc.years[-1],
                             "inputs": [s.to_dict() for s in result.sensitivity]}
    return Result("sector-scenario", inputs, values, assumptions(result), list(result.warnings),
                  sources=citations(sc.source_keys(), dict(sc.custom_sources), registry))


def published_check(result: RunResult) -> dict[str, Any]:
    """Per output and year, the numbers compared with published figures, kept apart from the uncertain values
    (which hold only ``low``/``best``/``high``): ``nominal`` (every input at its stated value) and ``bounds``
    ``{low, high}`` (min and max over every combination of input bounds), in the output's unit."""
    out: dict[str, Any] = {}
    for key in OUTPUT_UNITS:
        if key not in result.quantiles:
            continue
        per_year = {}
        for y in result.years:
            at = result.at(key, y)
            per_year[str(y)] = {"nominal": at["nominal"], "bounds": {"low": at["bound_low"], "high": at["bound_high"]}}
        out[key] = per_year
    return out


def to_csv(result: RunResult) -> str:
    """One row per output and year: ``output,unit,year,low,best,high,nominal,bound_low,bound_high``."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["output", "unit", "year", "low", "best", "high", "nominal", "bound_low", "bound_high"])
    for key in summary(result):
        for year in result.years:
            v = result.at(key, year)
            w.writerow([key, OUTPUT_UNITS[key], year] + [f"{v[c]:.6g}" for c in
                                                         ("low", "best", "high", "nominal", "bound_low", "bound_high")])
    return buf.getvalue()
