"""Ledger: API calls recorded to the run store, one run per project session, so ``aifootprint runs`` lists them.

Each :class:`Ledger` is a run named after its project (``runs.name``; ``config_json`` holds
``{"kind": "api-ledger", "project": ..., "site": [...]}``). Each call becomes a row of the store's ``requests``
table (prompt and output tokens, best IT energy in J) and a row of this module's own ``api_calls`` table (model,
token types, energy / carbon / water low-best-high), both through the store's public API (``create_extension``,
``add_requests(extra=…)``, ``query``) and in one transaction: both rows are committed or neither.
:meth:`Ledger.close` writes the run's end with the total IT energy as an *estimated* measurement (device
``api:<project>``), which is what ``runs list`` / ``runs show`` sum and display. The run records the first call's
zone and site factors (intensity, PUE, WUE, EWIF), so ``runs show`` recomputes the same carbon and water; a session
mixing sites says so in the measurement's notes (per-call figures stay exact in ``api_calls``). Like the store,
``api_calls`` is append-only (triggers).

A failed API call records nothing (the hooks only call sinks after a successful response). A successful call
without an estimate (unknown model, no usage; :class:`~.core.UnestimatedCall`) is an ``api_calls`` row with its
tokens, NULL energy / carbon / water and the notice in ``warnings_json``: it adds nothing to the totals, and
:func:`project_totals` and the run's summary count it (``unestimated_calls``) so a total says what it leaves out.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .core import CallRecord, UnestimatedCall

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS api_calls(run_id TEXT, project TEXT, request_id TEXT, start_at REAL, end_at REAL, "
    "system TEXT, request_model TEXT, model TEXT, input_tokens INTEGER, output_tokens INTEGER, "
    "reasoning_tokens INTEGER, cached_tokens INTEGER, it_energy_wh REAL, energy_wh REAL, energy_wh_low REAL, "
    "energy_wh_high REAL, "
    "carbon_g REAL, carbon_g_low REAL, carbon_g_high REAL, water_l REAL, water_l_low REAL, water_l_high REAL, "
    "zone TEXT, boundary TEXT, warnings_json TEXT)",
    "CREATE INDEX IF NOT EXISTS api_calls_by_project ON api_calls(project, start_at)",
    "CREATE TRIGGER IF NOT EXISTS api_calls_no_update BEFORE UPDATE ON api_calls "
    "BEGIN SELECT RAISE(ABORT, 'aifootprint run store is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS api_calls_no_delete BEFORE DELETE ON api_calls "
    "BEGIN SELECT RAISE(ABORT, 'aifootprint run store is append-only'); END",
)
#: One ``api_calls`` row (its 25 columns).
_INSERT = f"INSERT INTO api_calls VALUES ({','.join('?' * 25)})"


class Ledger:
    """A :class:`~.core.CallSink` writing calls to the run store. ``store``: a path (default: the store's default
    path). Thread-safe. Use as a context manager or call :meth:`close` to record the run's end."""

    def __init__(self, project: str, store: str | Path | None = None) -> None:
        from aifootprint.errors import InputError

        if not project.strip():
            raise InputError("ledger project name must not be empty")
        self.project = project
        self._path = store
        self._lock = threading.Lock()
        self._store: Any = None
        self.run_id = ""
        self._start = 0.0
        self._energy_j = 0.0
        self._calls = 0
        self._site: tuple[str, tuple[float, float, float, float]] = ("", (0.0, 1.0, 0.0, 0.0))
        self._mixed = False
        self._unestimated = 0
        self._pending: list[tuple[Any, ...]] = []  # unestimated rows (without run_id) before the store is open
        self._totals = {"energy_wh": [0.0, 0.0, 0.0], "carbon_g": [0.0, 0.0, 0.0], "water_l": [0.0, 0.0, 0.0]}

    def _open(self, zone: str, factors: tuple[float, float, float, float]) -> None:
        """Begin the run at the first estimated call's site (``zone``, ``factors``); write the unestimated calls
        that came before it."""
        from aifootprint._version import METHOD_VERSION
        from aifootprint.measure.store import RunHeader, RunStore
        from aifootprint.reference.registry import DATA_VERSION

        self._store = RunStore(self._path)
        self._store.create_extension(_SCHEMA)
        self._start = time.time()
        self.run_id = time.strftime("%Y%m%d-%H%M%S", time.localtime(self._start)) + "-api-" + os.urandom(3).hex()
        self._site = (zone, factors)
        intensity, pue, wue, ewif = factors
        site = sorted({"intensity_g_per_kwh": intensity, "pue": pue, "wue_l_per_kwh": wue,
                       "ewif_l_per_kwh": ewif}.items())
        header = RunHeader(run_id=self.run_id, name=self.project, started_at=self._start, host=os.uname().nodename,
                           pid=os.getpid(), command="api-calls", location=zone, method_version=METHOD_VERSION,
                           data_version=DATA_VERSION,
                           config_json=json.dumps({"kind": "api-ledger", "project": self.project, "site": site}))
        self._store.begin_run(header, [(f"api:{self.project}", "", "api", "estimate", True, True)])
        if self._pending:
            self._insert([(self.run_id, *row) for row in self._pending])
            self._pending = []

    def _insert(self, rows: list[tuple[Any, ...]],
                requests: Sequence[tuple[str, float, float, int, int, float]] = ()) -> None:
        """``api_calls`` rows, and the store's request rows they describe, in one transaction."""
        self._store.add_requests(self.run_id, requests, extra=(_INSERT, rows))

    def record(self, call: CallRecord) -> None:
        imp = call.impacts
        u = imp.usage
        with self._lock:
            if self._store is None:
                self._open(imp.zone, imp.factors)
            if (imp.zone, imp.factors) != self._site:
                self._mixed = True
            t0, t1 = call.start_s - self._start, call.end_s - self._start
            rid = call.request_id or f"call-{self._calls + self._unestimated}"
            row = (self.run_id, self.project, rid, call.start_s, call.end_s, call.system, call.request_model,
                   imp.model, u.input_tokens, u.output_tokens, u.reasoning_tokens, u.cached_tokens,
                   imp.it_energy_wh, imp.energy_wh.best, imp.energy_wh.low, imp.energy_wh.high, imp.carbon_g.best,
                   imp.carbon_g.low, imp.carbon_g.high, imp.water_l.best, imp.water_l.low, imp.water_l.high, imp.zone,
                   imp.boundary,
                   json.dumps([w.to_dict() for w in imp.warnings]))
            self._insert([row], [(rid, t0, t1, u.input_tokens, u.output_tokens, imp.it_energy_wh * 3600.0)])
            self._calls += 1
            self._energy_j += imp.it_energy_wh * 3600.0
            for key in self._totals:
                span = getattr(imp, key)
                for i, v in enumerate((span.low, span.best, span.high)):
                    self._totals[key][i] += v

    def record_unestimated(self, call: UnestimatedCall) -> None:
        """A successful call without an estimate: an ``api_calls`` row with NULL energy, carbon and water, counted
        as unestimated (kept in memory until the first estimated call gives the run its site, or :meth:`close`)."""
        u = call.usage
        # a faulty reply's counts beyond SQLite's 64-bit integers are stored as NULL (the notice keeps them)
        tokens = tuple(t if -(2**63) <= t < 2**63 else None for t in (u.input_tokens, u.output_tokens,
                                                                         u.reasoning_tokens, u.cached_tokens)
                       ) if u else (None,) * 4
        with self._lock:
            rid = call.request_id or f"call-{self._calls + self._unestimated}"
            row = (self.project, rid, call.start_s, call.end_s, call.system, call.request_model, call.response_model,
                   *tokens, *([None] * 10), "", "", json.dumps([call.notice.to_dict()]))
            self._unestimated += 1
            if self._store is None:
                self._pending.append(row)
            else:
                self._insert([(self.run_id, *row)])

    def close(self) -> None:
        """Record the run's end (total energy as an estimated measurement); a ledger that saw no call writes
        nothing."""
        from aifootprint.measure.measurement import DeviceEnergy, Measurement

        with self._lock:
            if self._store is None:
                if not self._pending:
                    return
                self._open("", (0.0, 1.0, 0.0, 0.0))  # only unestimated calls: no energy, so no site applies
            end = time.time()
            notes: tuple[str, ...] = ()
            if self._mixed:
                notes = ("calls from several sites (zones or factors): `runs show` applies the first call's; exact "
                         "per-call figures are in the api_calls table",)
            if self._unestimated:
                notes = (*notes, f"{self._unestimated} further API calls not estimated (unknown model or no token "
                         "usage: see warnings_json in the api_calls table); not in the total")
            m = Measurement(self.project, 0.0, end - self._start,
                            (DeviceEnergy(f"api:{self.project}", "api", "estimate", True, self._energy_j,
                                          note=f"{self._calls} API calls, IT energy estimated from token usage"),),
                            notes=notes)
            totals = {k: {"low": v[0], "best": v[1], "high": v[2]} for k, v in self._totals.items()}
            self._store.end_run(self.run_id, end, 0, {"measurement": m.to_dict(),
                                                      "api_calls": {"count": self._calls,
                                                                    "unestimated_calls": self._unestimated,
                                                                    **totals}})
            self._store.close()
            self._store = None

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def project_totals(store: str | Path | None, project: str) -> dict[str, Any]:
    """Sum of every recorded call of ``project`` (all sessions): ``calls`` (estimated), energy / carbon / water
    low-best-high, and ``unestimated_calls`` (successful calls without an estimate, not in the sums)."""
    from aifootprint.measure.store import RunStore

    rs = RunStore(store, read_only=True)  # read-only mounts too (the store opens those immutably)
    try:
        cols = [f"{q}{s}" for q in ("energy_wh", "carbon_g", "water_l") for s in ("_low", "", "_high")]
        row: tuple[Any, ...] = (0, *([0.0] * 9), 0)  # no api_calls table yet: no call recorded
        if rs.has_table("api_calls"):
            row = rs.query(f"SELECT COUNT(energy_wh), {', '.join(f'TOTAL({c})' for c in cols)}, "
                           "COUNT(*) - COUNT(energy_wh) FROM api_calls WHERE project = ?", (project,))[0]
    finally:
        rs.close()
    out: dict[str, Any] = {"project": project, "calls": int(row[0])}
    for i, q in enumerate(("energy_wh", "carbon_g", "water_l")):
        out[q] = {"low": row[1 + 3 * i], "best": row[2 + 3 * i], "high": row[3 + 3 * i]}
    out["unestimated_calls"] = int(row[10])
    return out
