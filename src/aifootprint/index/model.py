"""The index's data model: every figure with its value, unit, boundary, sources, method and versions.

A :class:`Figure` is one number of the page (with its 5th–95th percentile range when it is uncertain); a
:class:`Series` is one chart line with its band; :class:`IndexData` is the whole page, ready for JSON
(``figures.json`` next to ``index.html``) and for the snapshot that the next data version compares with.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Figure:
    """One figure of the index. ``id`` is stable across data versions (the change table matches on it)."""

    id: str
    section: str
    group: str  # the table row (a model, a location, a scenario)
    label: str  # the quantity (a table column)
    unit: str
    best: float
    low: float | None = None
    high: float | None = None
    boundary: str = ""
    sources: Sequence[str] = ()
    method: str = ""
    warnings: Sequence[str] = ()
    kind: str = "estimate"  # "estimate" (computed by aifootprint) or "published" (a figure quoted from a source)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "section": self.section, "group": self.group, "label": self.label, "unit": self.unit,
                "best": self.best, "low": self.low, "high": self.high, "boundary": self.boundary,
                "sources": list(self.sources), "method": self.method, "warnings": list(self.warnings),
                "kind": self.kind}


@dataclass(frozen=True)
class Series:
    """A chart line: x values, best values and (optional) 5th/95th percentile band."""

    id: str
    label: str
    unit: str
    x: Sequence[float]
    best: Sequence[float]
    low: Sequence[float] = ()
    high: Sequence[float] = ()
    sources: Sequence[str] = ()
    method: str = ""
    markers: Sequence[Mapping[str, Any]] = ()  # published figures: {label, x, value, low, high, source}

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "unit": self.unit, "x": list(self.x), "best": list(self.best),
                "low": list(self.low), "high": list(self.high), "sources": list(self.sources),
                "method": self.method, "markers": [dict(m) for m in self.markers]}


@dataclass(frozen=True)
class Section:
    """A block of the page: figures (a table), series (a chart) and notes; ``missing`` says why it is empty."""

    id: str
    title: str
    lede: str
    figures: Sequence[Figure] = ()
    series: Sequence[Series] = ()
    notes: Sequence[str] = ()
    missing: str = ""
    chart: str = ""  # "bars" (the section's first quantity per group), "lines" (its series) or "" (table only)
    table: str = "pivot"  # "pivot": a row per group, a column per quantity; "long": a row per figure

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "lede": self.lede, "chart": self.chart, "table": self.table,
                "figures": [f.to_dict() for f in self.figures], "series": [s.to_dict() for s in self.series],
                "notes": list(self.notes), "missing": self.missing}


@dataclass(frozen=True)
class IndexData:
    """The whole index: sections, the citations of every source key used, versions and data-file fingerprints."""

    sections: Sequence[Section]
    sources: Mapping[str, str]
    data_version: str
    method_version: str
    package_version: str
    datasets: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: Settings of the sector Monte Carlo (``draws``, ``seed``): its figures move with them, not only with the data.
    monte_carlo: Mapping[str, int] = field(default_factory=dict)

    def figures(self) -> list[Figure]:
        return [f for s in self.sections for f in s.figures]

    def to_dict(self) -> dict[str, Any]:
        return {"data_version": self.data_version, "method_version": self.method_version,
                "package_version": self.package_version, "sections": [s.to_dict() for s in self.sections],
                "sources": dict(self.sources), "datasets": {k: dict(v) for k, v in self.datasets.items()},
                "monte_carlo": dict(self.monte_carlo)}
