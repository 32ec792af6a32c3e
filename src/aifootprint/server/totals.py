"""Per-project totals over time: IT energy, facility energy, carbon and water in hour / day / week buckets.

A sample's ``energy_j`` is cumulative per device since the run's start, so the energy of a device in a bucket is
its largest cumulative value in that bucket minus its largest value in the device's previous bucket (0 before the
first). Buckets are half-open ``(start, end]`` (to 1 µs): the energy between two samples goes to the bucket of the
later sample, so an interval that straddles a boundary (0.1 s at 10 Hz) is counted in the bucket where it ends.
A sample at the run's start (``t_s`` ≤ 1 µs, no energy yet) goes to the bucket where the run starts: a run started
at 10:00:00 sits in the 10:00 bucket only, not also in an empty 09:00 one.
Hourly maxima come from one grouped query; days and weeks (ISO weeks, Monday 00:00 UTC) add hours up.
Carbon and water use each run's best site factors (``aifootprint.impacts.assess`` at the run's location).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Integer, case, cast, func, select
from sqlalchemy.orm import Session

from ..measure.measurement import J_PER_KWH
from .models import Run, Sample
from .service import ApiError, _project

BUCKETS = {"hour": 3600, "day": 86400, "week": 7 * 86400}
#: 1970-01-05 was a Monday: week buckets start on Mondays (ISO 8601).
WEEK_ORIGIN_S = 4 * 86400
#: Most buckets one totals query returns (design limit: ~14 months of hours, 27 years of days).
MAX_BUCKETS = 10_000


def bucket_start(t: float, bucket: str) -> float:
    size = BUCKETS[bucket]
    origin = WEEK_ORIGIN_S if bucket == "week" else 0
    return ((t - origin) // size) * size + origin


def project_totals(session: Session, name: str, bucket: str, since: float | None, until: float | None) -> Any:
    """A :class:`~aifootprint.result.Result` (kind ``project_totals``) with ``series`` and the totals."""
    from ..result import Result

    if bucket not in BUCKETS:
        raise ApiError(422, f"unknown bucket {bucket!r}; accepted: {', '.join(BUCKETS)}")
    project = _project(session, name)
    # (start, end]: 1 µs back, except for the run's first sample (t_s ≤ 1 µs), which stays at the run's start
    t_hours = (Run.started_at + case((Sample.t_s > 1e-6, Sample.t_s - 1e-6), else_=0.0)) / 3600.0
    postgres = session.get_bind().dialect.name == "postgresql"
    floor = func.floor(t_hours) if postgres else t_hours  # SQLite's CAST truncates, PostgreSQL's rounds
    hour = cast(floor, Integer)
    stmt = (select(Sample.run_id, Sample.device, hour.label("h"), func.max(Sample.energy_j))
            .join(Run, Run.run_id == Sample.run_id).where(Run.project_id == project.id)
            .where(Sample.energy_j.is_not(None))
            .group_by(Sample.run_id, Sample.device, hour).order_by(Sample.run_id, Sample.device, hour))
    factors = {r: (float(c), float(w), float(f)) for r, c, w, f in session.execute(
        select(Run.run_id, Run.carbon_g_per_it_kwh, Run.water_l_per_it_kwh, Run.facility_kwh_per_it_kwh)
        .where(Run.project_id == project.id))}
    series: dict[float, list[float]] = {}
    prev_key, prev_e = ("", ""), 0.0
    for run_id, device, h, e_max in session.execute(stmt):
        if (run_id, device) != prev_key:
            prev_key, prev_e = (run_id, device), 0.0
        e = float(e_max or 0.0)
        delta = max(0.0, e - prev_e)
        prev_e = max(prev_e, e)
        hour_s = int(h) * 3600.0
        if (since is not None and hour_s + 3600.0 <= since) or (until is not None and hour_s >= until):
            continue
        start = bucket_start(hour_s, bucket)
        carbon, water, facility = factors[run_id]
        kwh = delta / J_PER_KWH
        acc = series.setdefault(start, [0.0, 0.0, 0.0, 0.0])
        acc[0] += delta
        acc[1] += kwh * facility
        acc[2] += kwh * carbon
        acc[3] += kwh * water
    if len(series) > MAX_BUCKETS:
        raise ApiError(422, f"{len(series)} buckets: too many; use a coarser bucket or since/until")
    rows: list[dict[str, Any]] = [
        {"start": dt.datetime.fromtimestamp(t, dt.UTC).isoformat().replace("+00:00", "Z"), "start_unix": t,
         "it_energy_j": v[0], "it_energy_kwh": v[0] / J_PER_KWH, "energy_kwh": v[1], "carbon_g": v[2],
         "water_l": v[3]} for t, v in sorted(series.items())]
    total = [sum(r[k] for r in rows) for k in ("it_energy_j", "energy_kwh", "carbon_g", "water_l")]
    values = {"series": rows, "it_energy_j": total[0], "it_energy_kwh": total[0] / J_PER_KWH,
              "energy_kwh": total[1], "carbon_g": total[2], "water_l": total[3]}
    inputs = {"project": name, "bucket": bucket, "since": since, "until": until}
    from ..notice import Notice

    note = Notice("best-factors", "carbon and water use the best (median) site factors of each run; the run "
                  "detail gives low/best/high", name)
    return Result("project_totals", inputs, values, (), [note])
