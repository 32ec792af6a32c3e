"""A batch's rows against the rows already stored under the same keys: a retry (the same row again) passes, another
value under a stored key is a conflict.

Rows are stored with INSERT … ON CONFLICT DO NOTHING, keyed by ``(device, t_s)`` (samples), ``(name, start_s)``
(windows) and ``request_id`` (requests). Without these checks a second reading at a stored key was dropped while the
reply counted it as written, and a sample's ``energy_j`` still raised the device's total (the run's energy then
disagreed with its own samples); a batch id sent again with other rows was acknowledged as a duplicate and its rows
were lost. Now both are refused with a message (409), and the same rows again are still acknowledged.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import schemas as s
from .models import RequestRow, Sample, Window

#: A row as compared: its key and its values, both as stored.
Keyed = tuple[tuple[Any, ...], tuple[Any, ...]]


def _sample(x: s.SampleIn) -> Keyed:
    return (x.device, x.t_s), (x.energy_j, x.power_w)


def measurement_json(w: s.WindowIn) -> str:
    """A window's ``measurement`` as stored (``measurement_json``), and so as compared with a stored row."""
    return json.dumps(w.measurement, allow_nan=False)


def _window(w: s.WindowIn) -> Keyed:
    return (w.name, w.start_s), (w.duration_s, w.energy_j, measurement_json(w))


def _request(r: s.RequestIn) -> Keyed:
    return (r.request_id,), (r.start_s, r.end_s, r.prefill_tokens, r.decode_tokens, r.energy_j)


def _describe(kind: str, key: tuple[Any, ...]) -> str:
    if kind == "samples":
        return f"the sample of {key[0]!r} at t = {key[1]:g} s"
    if kind == "windows":
        return f"the window {key[0]!r} at start_s = {key[1]:g} s"
    return f"the request {key[0]!r}"


def _within_batch(kind: str, rows: Sequence[Keyed]) -> None:
    seen: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for key, values in rows:
        if seen.setdefault(key, values) != values:
            from .service import ApiError

            raise ApiError(422, f"{kind}[]: {_describe(kind, key)} is given twice with different values "
                                f"({_show(seen[key])} and {_show(values)}); accepted: each key once")


def _show(values: tuple[Any, ...]) -> str:
    return "(" + ", ".join("null" if v is None else (f"{v:g}" if isinstance(v, float) else str(v)[:60])
                           for v in values) + ")"


def _stored(session: Session, kind: str, run_id: str, rows: Sequence[Keyed]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """The stored rows of the run under the keys of ``rows`` (a range query per device/name: batches are contiguous
    in time, so it reads about the batch's own rows)."""
    out: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    if not rows:
        return out
    if kind == "requests":
        ids = sorted({k[0] for k, _ in rows})
        for i in range(0, len(ids), 900):  # below SQLite's older limit of 999 bound parameters
            q = select(RequestRow.request_id, RequestRow.start_s, RequestRow.end_s, RequestRow.prefill_tokens,
                       RequestRow.decode_tokens, RequestRow.energy_j).where(
                RequestRow.run_id == run_id, RequestRow.request_id.in_(ids[i:i + 900]))
            out.update({(r[0],): tuple(r[1:]) for r in session.execute(q)})
        return out
    model: Any = Sample if kind == "samples" else Window
    first, second = (model.device, model.t_s) if kind == "samples" else (model.name, model.start_s)
    values = (model.energy_j, model.power_w) if kind == "samples" else (
        model.duration_s, model.energy_j, model.measurement_json)
    for a, (lo, hi) in _spans(key for key, _ in rows).items():
        q = select(second, *values).where(model.run_id == run_id, first == a, second >= lo, second <= hi)
        out.update({(a, r[0]): tuple(r[1:]) for r in session.execute(q)})
    return out


def _spans(keys: Iterable[tuple[Any, float]]) -> dict[Any, tuple[float, float]]:
    """The first and last time of each device (or window name) among ``keys``, ``(device, t_s)`` pairs."""
    out: dict[Any, tuple[float, float]] = {}
    for a, b in keys:
        lo, hi = out.get(a, (b, b))
        out[a] = (min(lo, b), max(hi, b))
    return out


_ROWS: dict[str, Callable[[Any], Keyed]] = {"samples": _sample, "windows": _window, "requests": _request}


def check_rows(session: Session, kind: str, run_id: str, items: Sequence[Any], batch_applied: bool) -> None:
    """422 for two different rows under one key in the batch; 409 for a row whose key is stored with other values,
    and (``batch_applied``: the batch id was seen before) for a row of the batch that is not stored at all (the id
    was used for other rows)."""
    from .service import ApiError

    rows = [_ROWS[kind](x) for x in items]
    _within_batch(kind, rows)
    stored = _stored(session, kind, run_id, rows)
    for key, values in rows:
        have = stored.get(key)
        if have is not None and have != values:
            raise ApiError(409, f"{kind}[]: {_describe(kind, key)} is stored with {_show(have)}; this batch gives "
                                f"{_show(values)}; accepted: the same values again (a retry), or another key")
        if have is None and batch_applied:
            raise ApiError(409, f"batch_id was already used for other {kind} ({_describe(kind, key)} is not among "
                                "them); accepted: a new batch_id for new rows, the same rows for a retry")


def device_peaks(session: Session, run_id: str, samples: Sequence[s.SampleIn]) -> dict[str, float]:
    """Largest stored ``energy_j`` of each device over the batch's time span, read after the insert: the rows kept
    (a concurrent batch's, when both wrote one key), so that the device's total never exceeds its samples."""
    out: dict[str, float] = {}
    for device, (lo, hi) in _spans((x.device, x.t_s) for x in samples if x.energy_j is not None).items():
        q = select(func.max(Sample.energy_j)).where(Sample.run_id == run_id, Sample.device == device,
                                                    Sample.t_s >= lo, Sample.t_s <= hi)
        peak = session.execute(q).scalar()
        if peak is not None:
            out[device] = float(peak)
    return out
