"""``/api/v1/projects`` and ``/api/v1/runs``: create, append batches (idempotent by batch id), finish, query, export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response
from fastapi.responses import StreamingResponse
from sqlalchemy.exc import IntegrityError

from . import schemas as s
from . import service
from .security import AppState, app_state, require_read, require_write
from .totals import project_totals

RunIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=s.ID_PATTERN)]
NameQ = Annotated[str | None, Query(min_length=1, max_length=255, pattern=s.PRINTABLE_PATTERN)]
TimeQ = Annotated[float | None, Query(ge=0.0, le=s.MAX_UNIX_S, allow_inf_nan=False)]
State = Annotated[AppState, Depends(app_state)]

CSV_COLUMNS = ("run_id", "device", "t_s", "energy_j", "power_w")


def router() -> APIRouter:
    api = APIRouter()
    read = [Depends(require_read)]
    write = [Depends(require_write)]

    @api.get("/projects", tags=["projects"], dependencies=read)
    def projects(st: State) -> dict[str, Any]:
        """Projects with their run count and totals."""
        with st.db.read() as session:
            return {"projects": service.list_projects(session)}

    @api.post("/projects", tags=["projects"], dependencies=write, status_code=201)
    def create_project(body: s.ProjectIn, st: State, response: Response) -> dict[str, Any]:
        """Create a project (an existing name is returned with 200)."""
        with st.db.write() as session:
            project, created = service.create_project(session, body)
        response.status_code = 201 if created else 200
        return project

    @api.get("/projects/{name}/totals", tags=["projects"], dependencies=read)
    def totals(st: State, name: Annotated[str, Path(max_length=100, pattern=s.PRINTABLE_PATTERN)],
               bucket: Annotated[str, Query(pattern="^(hour|day|week)$")] = "day",
               since: TimeQ = None, until: TimeQ = None) -> dict[str, Any]:
        """IT energy, facility energy, carbon and water of the project per hour, day or week (UTC)."""
        _check_window(since, until)
        with st.db.read() as session:
            return project_totals(session, name, bucket, since, until).to_dict()  # type: ignore[no-any-return]

    @api.post("/runs", tags=["runs"], dependencies=write, status_code=201)
    def create_run(body: s.RunIn, st: State, response: Response) -> dict[str, Any]:
        """Create a run (the same run id again returns the run with 200: clients may retry)."""
        try:
            with st.db.write() as session:
                run, created = service.create_run(session, body)
        except IntegrityError:  # a concurrent create of the same run or project: now it exists
            with st.db.write() as session:
                run, created = service.create_run(session, body)
        response.status_code = 201 if created else 200
        return run

    def batch(kind: str, func: Any, body: Any, run_id: str, st: AppState) -> dict[str, Any]:
        try:
            with st.db.write() as session:
                return func(session, run_id, body)  # type: ignore[no-any-return]
        except IntegrityError:  # the same batch id committed concurrently
            with st.db.read() as session:
                if service.is_duplicate_batch(session, run_id, body.batch_id):
                    return service.batch_reply(body.batch_id, len(getattr(body, kind)), True)
            raise

    @api.post("/runs/{run_id}/samples", tags=["runs"], dependencies=write)
    def add_samples(run_id: RunIdPath, body: s.SamplesBatch, st: State) -> dict[str, Any]:
        """Append samples ``(device, t_s, energy_j cumulative, power_w)`` of the run's declared devices; a batch id
        seen before is not applied."""
        return batch("samples", service.add_samples, body, run_id, st)

    @api.post("/runs/{run_id}/windows", tags=["runs"], dependencies=write)
    def add_windows(run_id: RunIdPath, body: s.WindowsBatch, st: State) -> dict[str, Any]:
        """Append measured windows (idempotent by batch id and by name + start)."""
        return batch("windows", service.add_windows, body, run_id, st)

    @api.post("/runs/{run_id}/requests", tags=["runs"], dependencies=write)
    def add_requests(run_id: RunIdPath, body: s.RequestsBatch, st: State) -> dict[str, Any]:
        """Append attributed requests (idempotent by batch id and by request id)."""
        return batch("requests", service.add_requests, body, run_id, st)

    @api.post("/runs/{run_id}/finish", tags=["runs"], dependencies=write)
    def finish(run_id: RunIdPath, body: s.FinishIn, st: State) -> dict[str, Any]:
        """Record the run's end (repeating the same end is acknowledged)."""
        with st.db.write() as session:
            return service.finish_run(session, run_id, body)

    @api.get("/runs", tags=["runs"], dependencies=read)
    def runs(st: State, project: NameQ = None, host: NameQ = None, since: TimeQ = None, until: TimeQ = None,
             limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict[str, Any]:
        """Runs, newest first, filtered by project, host and start time (Unix seconds, ``since`` ≤ t < ``until``)."""
        _check_window(since, until)
        with st.db.read() as session:
            return {"runs": service.list_runs(session, project, host, since, until, limit)}

    @api.get("/runs/{run_id}", tags=["runs"], dependencies=read)
    def show(run_id: RunIdPath, st: State) -> dict[str, Any]:
        """One run: totals with low/best/high, devices, windows, site assumptions, warnings."""
        with st.db.read() as session:
            return service.run_detail(session, run_id).to_dict()  # type: ignore[no-any-return]

    @api.get("/runs/{run_id}/samples", tags=["runs"], dependencies=read)
    def samples(run_id: RunIdPath, st: State, device: NameQ = None,
                after_t_s: Annotated[float | None, Query(ge=0.0, le=s.MAX_T_S, allow_inf_nan=False)] = None,
                after_device: NameQ = None,
                limit: Annotated[int, Query(ge=1, le=s.MAX_BATCH_ROWS)] = 1000) -> dict[str, Any]:
        """Samples ordered by time, then device. Next page: the reply's ``next`` (``after_t_s`` and
        ``after_device``; null on the last page). ``after_t_s`` alone skips every sample at that time."""
        if after_device is not None and after_t_s is None:
            raise service.ApiError(422, "after_device needs after_t_s (the page cursor is the pair the reply's "
                                        "next gives); accepted: after_t_s alone, or after_t_s with after_device")
        after = None if after_t_s is None else (after_t_s, after_device)
        with st.db.read() as session:
            return service.samples(session, run_id, device, after, limit)

    @api.get("/runs/{run_id}/export.csv", tags=["runs"], dependencies=read, response_class=StreamingResponse)
    def export_csv(run_id: RunIdPath, st: State) -> StreamingResponse:
        """Every sample of the run as CSV, streamed (constant memory)."""
        with st.db.read() as session:
            service.samples(session, run_id, None, None, 1)  # 404 before the stream starts
        return StreamingResponse(_csv_rows(st, run_id), media_type="text/csv",
                                 headers={"Content-Disposition": f'attachment; filename="{run_id}.csv"'})

    return api


def _csv_rows(st: AppState, run_id: str) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    with st.db.read() as session:
        for page in service.iter_sample_pages(session, run_id):
            for x in page:
                writer.writerow((x.run_id, x.device, repr(x.t_s), _num(x.energy_j), _num(x.power_w)))
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    if buf.tell():
        yield buf.getvalue()


def _num(x: float | None) -> str:
    return "" if x is None else repr(float(x))


def _check_window(since: float | None, until: float | None) -> None:
    """422 for a time window that ends before it starts (it answered an empty list, as if there were no data)."""
    if since is not None and until is not None and since > until:
        raise service.ApiError(422, f"since ({since:g}) is after until ({until:g}); accepted: since ≤ until")
