"""The output contract shared by every result of the project (Python API and ``--json``).

Keys: ``kind``, ``method_version``, ``data_version``, ``inputs`` (as resolved), the result values (units in
their names; uncertain values as ``{"low", "best", "high"}``), ``percentiles`` (which percentiles low/best/high
are), ``assumptions`` (list of ``{name, value, unit, source}``) and ``warnings`` (list of ``{code, subject, message,
source}``, :class:`~aifootprint.notice.Notice`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ._version import METHOD_VERSION
from .notice import Notice, to_notice
from .reference.registry import DATA_VERSION

TYPE_CHECKING = False  # typing is not imported at run time (`aifootprint measure` never needs it)
if TYPE_CHECKING:
    from typing import Any

#: Percentiles used for low / best / high (kept in sync with :data:`aifootprint.uncertainty.PERCENTILES`).
PERCENTILES = (5, 50, 95)


@dataclass(frozen=True)
class Assumption:
    """One input the result rests on, with its unit and source (a registry key, a citation or 'user input')."""

    name: str
    value: float | int | str | bool | None
    unit: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value, "unit": self.unit, "source": self.source}


def to_plain(value: Any) -> Any:
    """Convert values (Uncertain, dataclasses with to_dict, tuples, numpy scalars) to JSON-ready objects."""
    if hasattr(value, "to_dict") and callable(value.to_dict):
        return to_plain(value.to_dict())
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "item"):  # numpy scalar
        return to_plain(value.item())
    return str(value)


@dataclass(frozen=True)
class Result:
    """A computed result with everything needed to reproduce and cite it."""

    kind: str
    inputs: Mapping[str, Any]
    values: Mapping[str, Any]
    assumptions: Sequence[Assumption] = ()
    warnings: Sequence[str | Notice] = ()
    data_version: str = DATA_VERSION
    method_version: str = METHOD_VERSION
    sources: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, kind: str, inputs: Mapping[str, Any], values: Mapping[str, Any], assumptions: Sequence[Assumption],
           warnings: Sequence[str | Notice]) -> Result:
        """``Result(kind, inputs, values, assumptions, warnings)`` (current data and method versions, no sources)
        without the frozen dataclass's one ``object.__setattr__`` per field: for paths that build one per request."""
        r = object.__new__(cls)
        r.__dict__.update(kind=kind, inputs=inputs, values=values, assumptions=assumptions, warnings=warnings,
                          data_version=DATA_VERSION, method_version=METHOD_VERSION, sources={})
        return r

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "method_version": self.method_version,
            "data_version": self.data_version,
            "inputs": to_plain(self.inputs),
        }
        out.update(to_plain(self.values))
        out["percentiles"] = list(PERCENTILES)
        out["assumptions"] = [a.to_dict() for a in self.assumptions]
        out["warnings"] = [to_notice(w).to_dict() for w in self.warnings]
        if self.sources:
            out["sources"] = dict(self.sources)
        return out

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


def warning_messages(result: Mapping[str, Any]) -> list[str]:
    """The messages of a result dictionary's ``warnings`` (objects ``{code, subject, message, source}``; plain
    strings of older files are kept as they are)."""
    return [w["message"] if isinstance(w, Mapping) else str(w) for w in result.get("warnings", [])]
