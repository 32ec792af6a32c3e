"""What the API does with the database: projects, runs, idempotent batches, queries. SQL only through the ORM.

Every function takes a :class:`sqlalchemy.orm.Session` (from :class:`.database.Database`) and returns plain
dictionaries ready for JSON. Errors the client can fix raise :class:`ApiError` (status + one-line message).
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, case, func, select, update
from sqlalchemy.orm import Session

from ..errors import InputError
from ..measure.measurement import J_PER_KWH
from . import schemas as s
from .models import Project, RequestRow, Run, RunDevice, Sample, UploadBatch, Window
from .rows import check_rows, device_peaks, measurement_json

if TYPE_CHECKING:
    from ..impacts.site import Site


class ApiError(Exception):
    """A request the server refuses: HTTP ``status`` and a message saying what was wrong and what is accepted."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# -- projects ----------------------------------------------------------------------------------------------------
def create_project(session: Session, body: s.ProjectIn) -> tuple[dict[str, Any], bool]:
    """Create a project (idempotent by name); returns (project, created)."""
    existing = session.scalar(select(Project).where(Project.name == body.name))
    if existing is not None:
        return project_dict(existing), False
    project = Project(name=body.name, description=body.description, created_at=time.time())
    session.add(project)
    session.flush()
    return project_dict(project), True


def project_dict(p: Project) -> dict[str, Any]:
    return {"name": p.name, "description": p.description, "created_at": p.created_at}


def list_projects(session: Session) -> list[dict[str, Any]]:
    """Projects with their run count and totals (IT energy, carbon, water)."""
    totals = {row[0]: row[1:] for row in session.execute(_totals_query(Project.id))}
    out = []
    for p in session.scalars(select(Project).order_by(Project.name)):
        runs, energy_j, carbon_g, water_l = totals.get(p.id, (0, 0.0, 0.0, 0.0))
        out.append({**project_dict(p), "runs": int(runs or 0), **_energy_values(energy_j, carbon_g, water_l)})
    return out


def _totals_query(*group: Any) -> Any:
    """(group..., runs, energy_j, carbon_g, water_l) per group, from the devices' running totals."""
    per_run = (select(RunDevice.run_id, func.sum(RunDevice.energy_j).label("energy_j"))
               .group_by(RunDevice.run_id).subquery())
    energy = func.coalesce(per_run.c.energy_j, 0.0)
    return (select(*group, func.count(Run.run_id), func.sum(energy),
                   func.sum(energy * Run.carbon_g_per_it_kwh / J_PER_KWH),
                   func.sum(energy * Run.water_l_per_it_kwh / J_PER_KWH))
            .select_from(Run).join(Project, Project.id == Run.project_id)
            .outerjoin(per_run, per_run.c.run_id == Run.run_id).group_by(*group))


def _energy_values(energy_j: float | None, carbon_g: float | None, water_l: float | None) -> dict[str, float]:
    e = float(energy_j or 0.0)
    return {"it_energy_j": e, "it_energy_kwh": e / J_PER_KWH, "carbon_g": float(carbon_g or 0.0),
            "water_l": float(water_l or 0.0)}


def _project(session: Session, name: str, create: bool = False) -> Project:
    project = session.scalar(select(Project).where(Project.name == name))
    if project is None:
        if not create:
            raise ApiError(404, f"no project named {name!r} (create it with POST /api/v1/projects)")
        project = Project(name=name, description="", created_at=time.time())
        session.add(project)
        session.flush()
    return project


# -- runs ----------------------------------------------------------------------------------------------------------
def _site(body: s.RunIn) -> tuple[dict[str, Any], tuple[float, float, float]]:
    """The run's site settings and (carbon g, water L, facility kWh) per IT kWh, from the impacts core."""
    from ..impacts import assess
    from ..uncertainty import Uncertain

    settings = {"location": body.location, **body.site.model_dump(exclude_none=True)}
    try:
        site = _resolve_site(settings)
    except InputError as exc:
        raise ApiError(422, str(exc)) from None
    per_kwh = assess(1.0, site)
    best = [Uncertain.from_any(q).best for q in (per_kwh.carbon_g, per_kwh.water_l, per_kwh.facility_energy_kwh)]
    return settings, (best[0], best[1], best[2])


def _resolve_site(settings: dict[str, Any]) -> Site:
    """The site of a run's stored settings (``location``, ``operator`` and factor overrides)."""
    from ..impacts import SiteOverrides, resolve_site

    factors = {k: float(v) for k, v in settings.items() if k not in ("location", "operator") and v is not None}
    return resolve_site(settings.get("location"), settings.get("operator"), SiteOverrides(**factors))


def server_versions() -> tuple[str, str]:
    """(method version, data version) of this server: what a run's figures are recomputed with. A run whose client
    sent no versions is stored with these, never with empty strings (which read as "not recorded")."""
    from .._version import METHOD_VERSION
    from ..reference.registry import DATA_VERSION

    return METHOD_VERSION, DATA_VERSION


def create_run(session: Session, body: s.RunIn) -> tuple[dict[str, Any], bool]:
    """Create a run (idempotent by ``run_id`` within its project); returns (run, created)."""
    existing = session.get(Run, body.run_id)
    if existing is not None:
        project = session.get(Project, existing.project_id)
        if project is None or project.name != body.project:
            raise ApiError(409, f"run {body.run_id!r} already exists in another project")
        differ = [f"{k} ({getattr(existing, k)!r}, now {getattr(body, k)!r})" for k in ("host", "started_at", "name")
                  if getattr(existing, k) != getattr(body, k)]
        if differ:  # a retry repeats the run as it was; different fields are another run under a reused id
            raise ApiError(409, f"run {body.run_id!r} already exists with another {', '.join(differ)}; accepted: the "
                           "same fields (a retry), or a new run_id")
        return run_summary(session, existing), False
    project = _project(session, body.project, create=True)
    settings, (carbon, water, facility) = _site(body)
    method_version, data_version = server_versions()
    run = Run(run_id=body.run_id, project_id=project.id, name=body.name, host=body.host, started_at=body.started_at,
              location=body.location or "", hz=body.hz, command=body.command, job_id=body.job_id,
              method_version=body.method_version or method_version, data_version=body.data_version or data_version,
              carbon_g_per_it_kwh=carbon,
              water_l_per_it_kwh=water, facility_kwh_per_it_kwh=facility, site_json=json.dumps(settings),
              created_at=time.time())
    session.add(run)
    session.flush()
    for d in body.devices:
        session.add(RunDevice(run_id=run.run_id, device=d.device, component=d.component, physical_id=d.physical_id,
                              method=d.method, estimated=d.estimated, owned=d.owned, energy_j=0.0, last_t_s=0.0))
    session.flush()
    return run_summary(session, run), True


def _run(session: Session, run_id: str) -> Run:
    run = session.get(Run, run_id)
    if run is None:
        raise ApiError(404, f"no run with id {run_id!r}")
    return run


def _insert(session: Session, model: Any) -> Any:
    return _insert_for(session.get_bind().dialect.name, model)


@functools.cache
def _insert_for(dialect: str, model: Any) -> Any:
    """The dialect's INSERT … ON CONFLICT DO NOTHING for ``model`` (rows already stored under their key are
    skipped; PostgreSQL waits for a concurrent insert of the same key, then skips). Built once: immutable."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(model).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(model).on_conflict_do_nothing()


@functools.cache
def _device_update() -> Any:
    """energy_j = max(stored, :e); last reading kept when newer. One atomic UPDATE per device (executemany)."""
    newer = RunDevice.last_t_s <= bindparam("t")
    return (update(RunDevice).where(RunDevice.run_id == bindparam("rid"), RunDevice.device == bindparam("dev"))
            .values(energy_j=case((RunDevice.energy_j < bindparam("e"), bindparam("e")), else_=RunDevice.energy_j),
                    last_t_s=case((newer, bindparam("t")), else_=RunDevice.last_t_s),
                    last_power_w=case((newer, bindparam("p")), else_=RunDevice.last_power_w)))


@functools.cache
def _run_exists() -> Any:
    return select(Run.run_id).where(Run.run_id == bindparam("rid"))


def _claim_batch(session: Session, run_id: str, batch_id: str, kind: str, rows: int, run_known: bool = False) -> bool:
    """Record the batch id; False when it was already applied (then nothing else is written). ``run_known``: the
    caller has already read the run (no second lookup)."""
    conn = session.connection()
    if not run_known and conn.execute(_run_exists(), {"rid": run_id}).first() is None:
        raise ApiError(404, f"no run with id {run_id!r}")
    claim = _insert(session, UploadBatch).returning(UploadBatch.batch_id)  # no row back: already applied
    done = conn.execute(claim, {"run_id": run_id, "batch_id": batch_id, "kind": kind, "rows": rows,
                                "received_at": time.time()})
    return done.first() is not None


def batch_reply(batch_id: str, rows: int, duplicate: bool) -> dict[str, Any]:
    """The reply to a batch: its id, its row count and whether it was applied before (then nothing was written)."""
    return {"batch_id": batch_id, "rows": rows, "duplicate": duplicate}


def _insert_ignore(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.connection().execute(_insert(session, model), rows)


def add_samples(session: Session, run_id: str, batch: s.SamplesBatch) -> dict[str, Any]:
    """Append samples of the run's declared devices; each device's running total becomes max(stored, largest
    ``energy_j`` of the batch) in one UPDATE (atomic on both databases, so concurrent batches of one run never lose an
    update)."""
    run = session.get(Run, run_id)
    stored = {} if run is None else {
        d.device: d for d in session.scalars(select(RunDevice).where(RunDevice.run_id == run_id))}
    if run is not None:
        _check_devices(run_id, batch.samples, stored)
    if is_duplicate_batch(session, run_id, batch.batch_id):
        return _as_retry(session, "samples", run_id, batch.batch_id, batch.samples)
    if run is None:
        raise ApiError(404, f"no run with id {run_id!r}")
    _check_samples(run, batch.samples, stored)
    check_rows(session, "samples", run_id, batch.samples, batch_applied=False)
    if not _claim_batch(session, run_id, batch.batch_id, "samples", len(batch.samples), run_known=True):
        return _as_retry(session, "samples", run_id, batch.batch_id, batch.samples)
    _insert_ignore(session, Sample, [{"run_id": run_id, "device": x.device, "t_s": x.t_s, "energy_j": x.energy_j,
                                      "power_w": x.power_w} for x in batch.samples])
    latest: dict[str, s.SampleIn] = {}
    for x in batch.samples:
        if x.device not in latest or x.t_s >= latest[x.device].t_s:
            latest[x.device] = x
    peak = device_peaks(session, run_id, batch.samples)  # the rows stored, not the batch's own claim
    if latest:  # every device is declared (_check_devices): its row exists
        session.connection().execute(_device_update(), [
            {"rid": run_id, "dev": name, "e": peak.get(name, 0.0), "t": last.t_s, "p": last.power_w}
            for name, last in latest.items()])
    return batch_reply(batch.batch_id, len(batch.samples), False)


#: Seconds a sample may lie past a finished run's end (the last tick's lateness; the tracker's flush is ≤ 1 s).
END_TOLERANCE_S = 1.0


def _check_devices(run_id: str, samples: Sequence[s.SampleIn], declared: Mapping[str, RunDevice]) -> None:
    """422 for a sample of a device the run did not declare (``devices`` of ``POST /runs``): a typo'd device name
    would otherwise become a new device with its own energy."""
    unknown = sorted({x.device for x in samples} - declared.keys())
    if unknown:
        listed = ", ".join(repr(d) for d in sorted(declared)[:20]) or "none"
        shown = ", ".join(repr(d[:80]) for d in unknown[:5]) + (" …" if len(unknown) > 5 else "")
        raise ApiError(422, f"samples of device(s) {shown} that run {run_id!r} did not declare; accepted: its "
                       f"devices ({listed}), declared in POST /api/v1/runs")


def _check_samples(run: Run, samples: Sequence[s.SampleIn], stored: Mapping[str, RunDevice]) -> None:
    """422 for samples a run cannot have: after a finished run's end (late retries within it are fine), or a
    cumulative ``energy_j`` that falls as time goes on — within the batch, or below what the device already reached
    at an earlier time (batches may arrive out of order: only later samples are compared)."""
    run_id = run.run_id
    if run.ended_at is not None:
        end_s = run.ended_at - run.started_at + END_TOLERANCE_S
        late = [x for x in samples if x.t_s > end_s]
        if late:
            raise ApiError(422, f"samples[].t_s {late[0].t_s:g} s is after the end of run {run_id!r} (finished at "
                           f"t = {end_s - END_TOLERANCE_S:g} s); accepted: samples within the run")
    by_device: dict[str, list[s.SampleIn]] = {}
    for x in samples:
        if x.energy_j is not None:
            by_device.setdefault(x.device, []).append(x)
    for device, rows in by_device.items():
        rows.sort(key=lambda x: x.t_s)
        prior = stored.get(device)
        floor_j = prior.energy_j if prior is not None and rows[0].t_s > prior.last_t_s else 0.0
        for x in rows:
            if x.energy_j is not None and x.energy_j < floor_j:
                raise ApiError(422, f"samples[].energy_j of {device!r} falls to {x.energy_j:g} J at t = {x.t_s:g} s "
                               f"from {floor_j:g} J earlier: energy_j is the device's cumulative energy in the run "
                               "and never decreases; accepted: a non-decreasing counter")
            floor_j = max(floor_j, x.energy_j or 0.0)


def add_windows(session: Session, run_id: str, batch: s.WindowsBatch) -> dict[str, Any]:
    return _add_rows(session, "windows", run_id, batch.batch_id, batch.windows, Window, lambda w: {
        "run_id": run_id, "name": w.name, "start_s": w.start_s, "duration_s": w.duration_s, "energy_j": w.energy_j,
        "measurement_json": measurement_json(w)})


def add_requests(session: Session, run_id: str, batch: s.RequestsBatch) -> dict[str, Any]:
    return _add_rows(session, "requests", run_id, batch.batch_id, batch.requests, RequestRow,
                     lambda r: {"run_id": run_id, **r.model_dump()})


def _add_rows(session: Session, kind: str, run_id: str, batch_id: str, rows: Sequence[Any], model: Any,
              record: Any) -> dict[str, Any]:
    """Store a batch of windows or requests once: a batch id seen before is compared as a retry
    (:func:`_as_retry`); new rows are checked against the stored ones (409 for another value under a stored key),
    the id is claimed, and the rows are written."""
    if is_duplicate_batch(session, run_id, batch_id):
        return _as_retry(session, kind, run_id, batch_id, rows)
    check_rows(session, kind, run_id, rows, batch_applied=False)
    if not _claim_batch(session, run_id, batch_id, kind, len(rows)):
        return _as_retry(session, kind, run_id, batch_id, rows)
    _insert_ignore(session, model, [record(x) for x in rows])
    return batch_reply(batch_id, len(rows), False)


def _as_retry(session: Session, kind: str, run_id: str, batch_id: str, rows: Sequence[Any]) -> dict[str, Any]:
    """The reply to a batch whose id is already claimed — sent before, or by a concurrent request between this
    one's checks and its claim (the claim waited for it to commit): its rows are compared as a retry's are — the
    same rows are a duplicate, others a 409 — so a batch id reused with other rows is never acknowledged and
    dropped."""
    check_rows(session, kind, run_id, rows, batch_applied=True)
    return batch_reply(batch_id, len(rows), True)


def is_duplicate_batch(session: Session, run_id: str, batch_id: str) -> bool:
    return session.get(UploadBatch, (run_id, batch_id)) is not None


def finish_run(session: Session, run_id: str, body: s.FinishIn) -> dict[str, Any]:
    """Record the end (idempotent: a second finish with the same end is acknowledged; another end is a 409)."""
    run = session.scalar(select(Run).where(Run.run_id == run_id).with_for_update())
    if run is None:
        raise ApiError(404, f"no run with id {run_id!r}")
    if run.ended_at is not None:
        if run.ended_at != body.ended_at or run.exit_code != body.exit_code:
            raise ApiError(409, f"run {run_id!r} already finished at {run.ended_at} with exit code {run.exit_code}")
        return run_summary(session, run)
    if body.ended_at < run.started_at:
        raise ApiError(422, f"ended_at ({body.ended_at}) is before the run's start ({run.started_at})")
    run.ended_at, run.exit_code = body.ended_at, body.exit_code
    if body.summary is not None:
        run.summary_json = json.dumps(body.summary, allow_nan=False)
    session.flush()
    return run_summary(session, run)


def _devices(session: Session, run_ids: Sequence[str]) -> dict[str, list[RunDevice]]:
    out: dict[str, list[RunDevice]] = {r: [] for r in run_ids}
    if run_ids:
        for d in session.scalars(select(RunDevice).where(RunDevice.run_id.in_(list(run_ids)))
                                 .order_by(RunDevice.run_id, RunDevice.device)):
            out[d.run_id].append(d)
    return out


def run_summary(session: Session, run: Run, devices: Sequence[RunDevice] | None = None,
                project: str | None = None) -> dict[str, Any]:
    """A run with its totals (best factors of its site)."""
    if devices is None:
        devices = _devices(session, [run.run_id])[run.run_id]
    if project is None:
        p = session.get(Project, run.project_id)
        project = p.name if p is not None else ""
    energy_j = sum(d.energy_j or 0.0 for d in devices)
    kwh = energy_j / J_PER_KWH
    by_component: dict[str, float] = {}
    for d in devices:
        by_component[d.component] = by_component.get(d.component, 0.0) + (d.energy_j or 0.0) / J_PER_KWH
    return {
        "run_id": run.run_id, "project": project, "name": run.name, "host": run.host,
        "started_at": run.started_at, "ended_at": run.ended_at, "exit_code": run.exit_code,
        "duration_s": (run.ended_at - run.started_at) if run.ended_at is not None else None,
        "location": run.location, "hz": run.hz, "command": run.command, "job_id": run.job_id,
        # runs stored before the fix may hold "": the server's versions, as the run detail's figures use
        "method_version": run.method_version or server_versions()[0],
        "data_version": run.data_version or server_versions()[1],
        "it_energy_j": energy_j, "it_energy_kwh": kwh, "energy_kwh": kwh * run.facility_kwh_per_it_kwh,
        "carbon_g": kwh * run.carbon_g_per_it_kwh, "water_l": kwh * run.water_l_per_it_kwh,
        "it_energy_kwh_by_component": dict(sorted(by_component.items())),
        "devices": [{"device": d.device, "component": d.component, "method": d.method, "estimated": d.estimated,
                     "owned": d.owned, "it_energy_j": d.energy_j, "last_t_s": d.last_t_s,
                     "last_power_w": d.last_power_w} for d in devices],
    }


def list_runs(session: Session, project: str | None, host: str | None, since: float | None, until: float | None,
              limit: int) -> list[dict[str, Any]]:
    stmt = select(Run, Project.name).join(Project, Project.id == Run.project_id)
    if project is not None:
        stmt = stmt.where(Project.name == project)
    if host is not None:
        stmt = stmt.where(Run.host == host)
    if since is not None:
        stmt = stmt.where(Run.started_at >= since)
    if until is not None:
        stmt = stmt.where(Run.started_at < until)
    rows = session.execute(stmt.order_by(Run.started_at.desc(), Run.run_id).limit(limit)).all()
    devices = _devices(session, [r.run_id for r, _ in rows])
    return [run_summary(session, r, devices[r.run_id], name) for r, name in rows]


def run_detail(session: Session, run_id: str) -> Any:
    """The run as a :class:`~aifootprint.result.Result` (kind ``run``): impacts with low/best/high and the site's
    assumptions recomputed by :func:`aifootprint.impacts.assess`, windows, request count and the stored summary."""
    from ..impacts import assess
    from ..result import Result

    run = _run(session, run_id)
    summary = run_summary(session, run)
    site = _resolve_site(json.loads(run.site_json or "{}"))
    impacts = assess(summary["it_energy_kwh"], site)
    windows = [{"name": w.name, "start_s": w.start_s, "duration_s": w.duration_s, "it_energy_j": w.energy_j}
               for w in session.scalars(select(Window).where(Window.run_id == run_id).order_by(Window.start_s))]
    n_requests = session.scalar(select(func.count()).select_from(RequestRow).where(RequestRow.run_id == run_id))
    n_samples = session.scalar(select(func.count()).select_from(Sample).where(Sample.run_id == run_id))
    values = {**summary, **impacts.values(), "windows": windows, "requests": int(n_requests or 0),
              "samples": int(n_samples or 0),
              "summary": json.loads(run.summary_json) if run.summary_json else None}
    from ..notice import Notice

    warnings: list[Any] = [*_measurement_notices(values["summary"], summary["devices"]), *impacts.warnings()]
    if any(d["method"].split("+")[0] == "fake" for d in summary["devices"]):
        warnings.append(Notice("simulated", "figures come from fake sensors (a script, not a measurement)", run_id))
    inputs = {"run_id": run_id, "location": site.location, "zone": site.zone, "operator": site.operator}
    return Result("run", inputs, values, impacts.assumptions(), warnings,
                  data_version=summary["data_version"], method_version=summary["method_version"])


def _measurement_notices(summary: Any, devices: Sequence[dict[str, Any]]) -> list[Any]:
    """The notices of the run's measurement as ``aifootprint measure`` printed them (estimated devices, method
    notes, sensor gaps, the measurement's notes: :meth:`~aifootprint.measure.measurement.Measurement.warnings`),
    read from the summary the client sent at finish; without one (a run still going, an older client), the
    ``estimated`` notice from the devices the run declared."""
    from ..measure.measurement import Measurement
    from ..notice import Notice

    measurement = summary.get("measurement") if isinstance(summary, dict) else None
    if isinstance(measurement, dict):
        try:
            return list(Measurement.from_dict(measurement).warnings())
        except (TypeError, KeyError, ValueError, AttributeError):  # unreadable summary: fall back to the devices
            pass
    estimated = [d for d in devices if d["estimated"]]
    if not estimated:
        return []
    listed = ", ".join(f"{d['device']} ({d['method']})" if d["method"] else d["device"] for d in estimated)
    return [Notice("estimated", f"estimated, not measured: {listed}", ",".join(d["device"] for d in estimated))]


def samples(session: Session, run_id: str, device: str | None, after: tuple[float, str | None] | None,
            limit: int) -> dict[str, Any]:
    """At most ``limit`` samples ordered by (``t_s``, device) after the keyset ``after`` = (``t_s``, device or
    None: every device at that time), and ``next``: the keyset of the following page (None on the last page)."""
    _run(session, run_id)
    stmt = select(Sample).where(Sample.run_id == run_id)
    if device is not None:
        stmt = stmt.where(Sample.device == device)
    if after is not None:
        t, dev = after
        stmt = stmt.where((Sample.t_s > t) | ((Sample.t_s == t) & (Sample.device > dev)) if dev is not None
                          else Sample.t_s > t)
    rows = list(session.scalars(stmt.order_by(Sample.t_s, Sample.device).limit(limit)))
    nxt = {"after_t_s": rows[-1].t_s, "after_device": rows[-1].device} if len(rows) == limit else None
    return {"run_id": run_id, "samples": [{"device": x.device, "t_s": x.t_s, "energy_j": x.energy_j,
                                           "power_w": x.power_w} for x in rows], "next": nxt}


def iter_sample_pages(session: Session, run_id: str, page: int = 5_000) -> Iterable[list[Sample]]:
    """All samples of a run in (device, t_s) order, in pages (keyset pagination: constant memory)."""
    _run(session, run_id)
    last: tuple[str, float] | None = None
    while True:
        stmt = select(Sample).where(Sample.run_id == run_id)
        if last is not None:
            stmt = stmt.where((Sample.device > last[0]) | ((Sample.device == last[0]) & (Sample.t_s > last[1])))
        rows = list(session.scalars(stmt.order_by(Sample.device, Sample.t_s).limit(page)))
        if not rows:
            return
        yield rows
        last = (rows[-1].device, rows[-1].t_s)
        if len(rows) < page:
            return


def device_totals(session: Session) -> list[tuple[str, str, str, str, float, float, float]]:
    """(project, host, device, component, energy_j, carbon_g, water_l) over all runs: the /metrics counters."""
    kwh = RunDevice.energy_j / J_PER_KWH
    stmt = (select(Project.name, Run.host, RunDevice.device, RunDevice.component, func.sum(RunDevice.energy_j),
                   func.sum(kwh * Run.carbon_g_per_it_kwh), func.sum(kwh * Run.water_l_per_it_kwh))
            .select_from(RunDevice).join(Run, Run.run_id == RunDevice.run_id)
            .join(Project, Project.id == Run.project_id)
            .group_by(Project.name, Run.host, RunDevice.device, RunDevice.component))
    return [(str(a), str(b), str(c), str(d), float(e or 0), float(f or 0), float(g or 0))
            for a, b, c, d, e, f, g in session.execute(stmt)]


def run_counts(session: Session) -> list[tuple[str, str, int, int]]:
    """(project, host, runs, finished runs)."""
    stmt = (select(Project.name, Run.host, func.count(Run.run_id), func.count(Run.ended_at))
            .select_from(Run).join(Project, Project.id == Run.project_id).group_by(Project.name, Run.host))
    return [(str(a), str(b), int(c or 0), int(d or 0)) for a, b, c, d in session.execute(stmt)]
