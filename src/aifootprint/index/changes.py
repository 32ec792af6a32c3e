"""What changed since the previous data version: the current figures against a snapshot kept in the package.

A snapshot (``snapshots/<data_version>.json``) holds every figure of the index computed on that data version's
registry, plus each data file's row count and SHA-256. ``scripts/index_snapshot.py`` writes one from a git
revision's data directory (the figures are computed by the code of the day it was written; the snapshot records
its method version, and the page says when it differs from the current one). When no snapshot of an earlier data
version is shipped, the page says so instead of showing a comparison.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from .model import Figure, IndexData

#: Relative change below which a figure counts as unchanged (floating-point noise of the same computation).
UNCHANGED_REL = 1e-9


def version_key(version: str) -> tuple[int, ...]:
    """``"2026.11.2"`` -> ``(2026, 11, 2)`` (non-numeric parts count as 0)."""
    return tuple(int(p) if p.isdigit() else 0 for p in version.split("."))


#: Packages whose code computes the index's figures (their fingerprint tells whether the method code changed).
METHOD_CODE = ("estimate", "sector", "impacts", "reference", "uncertainty.py", "result.py")


def code_fingerprint() -> str:
    """SHA-256 over the Python files that compute the figures (:data:`METHOD_CODE`), in path order."""
    import hashlib

    root = resources.files("aifootprint")
    digest = hashlib.sha256()
    stack = [root.joinpath(name) for name in METHOD_CODE]
    files: list[tuple[str, bytes]] = []
    while stack:
        node = stack.pop()
        if node.is_dir():
            stack.extend(node.iterdir())
        elif node.name.endswith(".py"):
            files.append((os.path.relpath(str(node), str(root)), node.read_bytes()))
    for name, content in sorted(files):
        digest.update(name.encode() + b"\0" + content)
    return digest.hexdigest()


def snapshot(data: IndexData) -> dict[str, Any]:
    """The snapshot of ``data``: versions, code fingerprint, figures by id (group, label, unit, best, low, high),
    data files."""
    return {"data_version": data.data_version, "method_version": data.method_version,
            "package_version": data.package_version, "code_sha256": code_fingerprint(),
            "figures": {f.id: {"group": f.group, "label": f.label, "unit": f.unit, "best": f.best, "low": f.low,
                               "high": f.high} for f in data.figures()},
            "datasets": {k: dict(v) for k, v in data.datasets.items()}, "monte_carlo": dict(data.monte_carlo)}


def shipped_snapshots() -> dict[str, dict[str, Any]]:
    """Every snapshot shipped in the package, by data version."""
    out: dict[str, dict[str, Any]] = {}
    folder = resources.files(__package__).joinpath("snapshots")
    for entry in folder.iterdir():
        if entry.name.endswith(".json"):
            snap = json.loads(entry.read_text(encoding="utf-8"))
            out[str(snap["data_version"])] = snap
    return out


def load_previous(current_version: str, snapshots: dict[str, dict[str, Any]] | None = None) -> dict[str, Any] | None:
    """The newest snapshot of a data version before ``current_version``, or None."""
    snaps = shipped_snapshots() if snapshots is None else snapshots
    older = [v for v in snaps if version_key(v) < version_key(current_version)]
    return snaps[max(older, key=version_key)] if older else None


@dataclass(frozen=True)
class FigureChange:
    """One figure's change (``status``: changed, new, removed)."""

    id: str
    group: str
    label: str
    unit: str
    before: float | None
    after: float | None
    status: str

    @property
    def rel_change(self) -> float | None:
        if self.status != "changed" or self.before is None or self.after is None or self.before == 0:
            return None
        return self.after / self.before - 1.0


@dataclass(frozen=True)
class Changes:
    """The comparison shown on the page; ``previous_version`` is empty when no earlier snapshot is shipped."""

    current_version: str
    previous_version: str
    previous_method_version: str
    figures: tuple[FigureChange, ...]
    unchanged: int
    datasets: tuple[tuple[str, str, int | None, int | None], ...]  # (name, status, rows before, rows after)
    same_code: bool = True  # the snapshot was computed by the code that computes the current figures
    #: Monte Carlo figures left out of the comparison because the draws or seed differ from the snapshot's (their
    #: medians and percentiles move with the draws alone); ``monte_carlo_note`` says which settings each used.
    not_compared: int = 0
    monte_carlo_note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"current_version": self.current_version, "previous_version": self.previous_version,
                "previous_method_version": self.previous_method_version, "unchanged": self.unchanged,
                "same_code": self.same_code, "not_compared": self.not_compared,
                "monte_carlo_note": self.monte_carlo_note,
                "figures": [{"id": c.id, "group": c.group, "label": c.label, "unit": c.unit, "before": c.before,
                             "after": c.after, "status": c.status, "rel_change": c.rel_change}
                            for c in self.figures],
                "datasets": [{"name": n, "status": s, "rows_before": b, "rows_after": a}
                             for n, s, b, a in self.datasets]}


def from_monte_carlo(f: Figure) -> bool:
    """True for a figure computed by the sector Monte Carlo: the sector section's figures and the scenario totals
    of the comparisons (``kind`` estimate; the countries and Bitcoin next to them are published figures)."""
    return f.section == "sector" or (f.section == "compare" and f.kind == "estimate")


def _picked_by_monte_carlo(figure_id: str) -> bool:
    """True for the id of a figure whose presence depends on the Monte Carlo: a sector figure, a scenario total
    of the comparisons, or the country nearest to one (the Bitcoin rows are always shown)."""
    return figure_id.startswith("sector.") or (figure_id.startswith("compare.")
                                               and not figure_id.startswith("compare.bitcoin."))


def snapshot_monte_carlo(previous: dict[str, Any]) -> dict[str, int]:
    """Draws and seed of a snapshot's sector figures; a snapshot without them (written before they were recorded)
    was computed with :class:`IndexConfig`'s defaults (``scripts/index_snapshot.py`` uses ``IndexConfig()``)."""
    from .figures import IndexConfig

    recorded = previous.get("monte_carlo")
    if isinstance(recorded, dict) and recorded:
        return {str(k): int(v) for k, v in recorded.items()}
    default = IndexConfig()
    return {"draws": default.draws, "seed": default.seed}


def _settings(mc: Mapping[str, int]) -> str:
    return f"{mc.get('draws', 0):,} draws, seed {mc.get('seed')}"


def compare_snapshot(data: IndexData, previous: dict[str, Any] | None) -> Changes:
    """Figures and data files of ``data`` against the ``previous`` snapshot (None: nothing to compare).

    The sector Monte Carlo's figures are compared only when ``data`` used the snapshot's draws and seed: with
    other settings their percentiles move by the sampling noise alone (0.2–0.3 % at 5,000 draws against 20,000:
    ``aifootprint index --draws 5000`` against the shipped 20,000-draw snapshot, 2026-12-04, before this rule),
    which the table would show as a change of the data."""
    if previous is None:
        return Changes(data.data_version, "", "", (), 0, ())
    old: dict[str, Any] = previous.get("figures", {})
    rows: list[FigureChange] = []
    unchanged = 0
    then = snapshot_monte_carlo(previous)
    skip_mc = bool(data.monte_carlo) and dict(data.monte_carlo) != then
    not_compared = 0
    for f in data.figures():
        before = old.get(f.id)
        if skip_mc and (from_monte_carlo(f) or (before is None and _picked_by_monte_carlo(f.id))):
            not_compared += 1
            continue
        if before is None:
            rows.append(FigureChange(f.id, f.group, f.label, f.unit, None, f.best, "new"))
            continue
        was = float(before["best"])
        if before.get("unit", f.unit) != f.unit:
            rows.append(FigureChange(f.id, f.group, f.label, f.unit, was, f.best,
                                     f"unit {before['unit']} → {f.unit}"))
        elif abs(f.best - was) <= UNCHANGED_REL * max(abs(was), abs(f.best)):
            unchanged += 1
        else:
            rows.append(FigureChange(f.id, f.group, f.label, f.unit, was, f.best, "changed"))
    current_ids = {f.id for f in data.figures()}
    rows += [FigureChange(k, v["group"], v["label"], v["unit"], float(v["best"]), None, "removed")
             for k, v in old.items() if k not in current_ids and not (skip_mc and _picked_by_monte_carlo(k))]
    old_ds: dict[str, Any] = previous.get("datasets", {})
    ds: list[tuple[str, str, int | None, int | None]] = []
    for name in sorted(set(old_ds) | set(data.datasets)):
        a, b = data.datasets.get(name), old_ds.get(name)
        if a is None:
            ds.append((name, "removed", int(b["rows"]) if b else None, None))
        elif b is None:
            ds.append((name, "new", None, int(a["rows"])))
        elif a["sha256"] != b["sha256"]:
            ds.append((name, "changed", int(b["rows"]), int(a["rows"])))
    note = (f"the sector Monte Carlo used {_settings(data.monte_carlo)} here and {_settings(then)} in the "
            "snapshot, so its figures are not compared (they move with the draws alone); rerun with the snapshot's "
            "settings to compare them") if skip_mc else ""
    return Changes(data.data_version, str(previous.get("data_version", "")),
                   str(previous.get("method_version", "")), tuple(rows), unchanged, tuple(ds),
                   previous.get("code_sha256") == code_fingerprint(), not_compared, note)
