"""Repeated and conflicting ingest, on SQLite and PostgreSQL: nothing a client recorded is lost or counted twice.

Each test failed before its fix:

* a NUL character in any text field (``host``, ``command``, a window's ``name``, a ``request_id``, a device's
  ``physical_id``) or query (``?project=%00``) was a 500 "internal error" on PostgreSQL (its text cannot hold U+0000)
  and was stored on SQLite;
* a second reading under a stored key (a sample of ``gpu:0`` at the same ``t_s`` with another ``energy_j``, a window
  or a request again with another energy) was dropped while the reply counted it written, and the sample still
  raised the device's total (the run's energy then exceeded its own samples);
* a batch id sent again with other rows was acknowledged as a duplicate and the rows were lost; ``server sync`` named
  its batches by offset only, so a run synced while it grew lost the rows added to its last chunk.
"""

from __future__ import annotations

from typing import Any

import pytest

T0 = 1_767_225_600.0


@pytest.fixture()
def api(client: Any) -> Any:
    run = {"run_id": "r1", "project": "p", "host": "h", "started_at": T0,
           "devices": [{"device": "gpu:0"}, {"device": "gpu:1"}]}
    assert client.post("/api/v1/runs", json=run).status_code == 201
    return client


def _samples(batch: str, *rows: tuple[float, float], device: str = "gpu:0") -> dict[str, Any]:
    return {"batch_id": batch, "samples": [{"device": device, "t_s": t, "energy_j": e} for t, e in rows]}


def _stored(api: Any) -> list[tuple[str, float, float]]:
    page = api.get("/api/v1/runs/r1/samples?limit=5000").json()["samples"]
    return [(x["device"], x["t_s"], x["energy_j"]) for x in page]


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/api/v1/runs", {"run_id": "r2", "project": "p", "host": "h\x00", "started_at": T0}, "host"),
    ("/api/v1/runs", {"run_id": "r2", "project": "p", "host": "h", "started_at": T0, "command": "a\x00b"}, "command"),
    ("/api/v1/runs", {"run_id": "r2", "project": "p", "host": "h", "started_at": T0,
                      "devices": [{"device": "g", "physical_id": "\x00"}]}, "physical_id"),
    ("/api/v1/runs/r1/windows", {"batch_id": "w", "windows": [{"name": "w\x00", "start_s": 1, "duration_s": 1,
                                                               "energy_j": 1}]}, "name"),
    ("/api/v1/runs/r1/requests", {"batch_id": "q", "requests": [{"request_id": "q\x00", "start_s": 1, "end_s": 2,
                                                                 "prefill_tokens": 1, "decode_tokens": 1,
                                                                 "energy_j": 1}]}, "request_id"),
    ("/api/v1/projects", {"name": "p2", "description": "\x00"}, "description"),
])
def test_nul_in_a_text_field_is_a_422_naming_it(api: Any, path: str, body: dict[str, Any], field: str) -> None:
    r = api.post(path, json=body)
    assert r.status_code == 422, r.text
    assert f"{field}: contains a NUL character" in r.json()["detail"]


@pytest.mark.parametrize("query", ["/api/v1/runs?project=%00", "/api/v1/runs?host=a%00b",
                                   "/api/v1/projects/%00/totals", "/api/v1/runs/r1/samples?device=%00"])
def test_nul_in_a_query_is_a_422(api: Any, query: str) -> None:
    r = api.get(query)
    assert r.status_code == 422, r.text
    assert "Traceback" not in r.text


def test_a_retry_passes_and_another_reading_at_a_stored_time_is_a_409(api: Any) -> None:
    assert api.post("/api/v1/runs/r1/samples", json=_samples("a", (1, 100), (2, 200))).json()["duplicate"] is False
    assert api.post("/api/v1/runs/r1/samples", json=_samples("a", (1, 100), (2, 200))).json()["duplicate"] is True
    assert api.post("/api/v1/runs/r1/samples", json=_samples("b", (2, 200), (3, 300))).status_code == 200  # overlap
    r = api.post("/api/v1/runs/r1/samples", json=_samples("c", (3, 350)))
    assert r.status_code == 409
    assert "the sample of 'gpu:0' at t = 3 s is stored with (300, null); this batch gives (350, null)" in \
        r.json()["detail"]
    assert _stored(api) == [("gpu:0", 1.0, 100.0), ("gpu:0", 2.0, 200.0), ("gpu:0", 3.0, 300.0)]
    assert api.get("/api/v1/runs/r1").json()["it_energy_j"] == pytest.approx(300.0)  # not 350: no row says so


def test_two_readings_of_one_time_in_a_batch_are_a_422(api: Any) -> None:
    r = api.post("/api/v1/runs/r1/samples", json=_samples("d", (6, 600), (6, 650)))
    assert r.status_code == 422
    assert "at t = 6 s is given twice with different values ((600, null) and (650, null))" in r.json()["detail"]
    assert api.post("/api/v1/runs/r1/samples", json=_samples("d", (6, 600), (6, 600))).status_code == 200  # same
    assert api.get("/api/v1/runs/r1").json()["it_energy_j"] == pytest.approx(600.0)


def test_a_batch_id_reused_for_other_rows_is_a_409_not_a_silent_drop(api: Any) -> None:
    assert api.post("/api/v1/runs/r1/samples", json=_samples("a", (1, 100))).status_code == 200
    r = api.post("/api/v1/runs/r1/samples", json=_samples("a", (1, 100), (2, 200)))
    assert r.status_code == 409
    assert "batch_id was already used for other samples" in r.json()["detail"]
    assert api.post("/api/v1/runs/r1/samples", json=_samples("a2", (1, 100), (2, 200))).status_code == 200
    assert _stored(api) == [("gpu:0", 1.0, 100.0), ("gpu:0", 2.0, 200.0)]


def test_windows_and_requests_conflicts(api: Any) -> None:
    w = {"name": "w", "start_s": 1, "duration_s": 2, "energy_j": 10}
    q = {"request_id": "q", "start_s": 1, "end_s": 2, "prefill_tokens": 1, "decode_tokens": 1, "energy_j": 1}
    for kind, row, change in (("windows", w, {"energy_j": 99}), ("requests", q, {"energy_j": 5})):
        assert api.post(f"/api/v1/runs/r1/{kind}", json={"batch_id": kind + "1", kind: [row]}).status_code == 200
        assert api.post(f"/api/v1/runs/r1/{kind}", json={"batch_id": kind + "2", kind: [row, row]}).status_code == 200
        r = api.post(f"/api/v1/runs/r1/{kind}", json={"batch_id": kind + "3", kind: [{**row, **change}]})
        assert r.status_code == 409 and "is stored with" in r.json()["detail"], r.text
        r = api.post(f"/api/v1/runs/r1/{kind}", json={"batch_id": kind + "1", kind: [{**row, **change}]})
        assert r.status_code == 409, r.text
    detail = api.get("/api/v1/runs/r1").json()
    assert detail["windows"] == [{"name": "w", "start_s": 1.0, "duration_s": 2.0, "it_energy_j": 10.0}]
    assert detail["requests"] == 1


def test_sync_batch_ids_follow_the_rows() -> None:
    from aifootprint.server.sink import _sync_batch_id

    chunk = [{"device": "gpu:0", "t_s": 1.0, "energy_j": 1.0}]
    grown = [*chunk, {"device": "gpu:0", "t_s": 2.0, "energy_j": 2.0}]
    assert _sync_batch_id("samples", 0, chunk) == _sync_batch_id("samples", 0, list(chunk))  # a repeat: same id
    assert _sync_batch_id("samples", 0, grown) != _sync_batch_id("samples", 0, chunk)  # grown: a new batch
    assert len(_sync_batch_id("samples", 10**9, grown)) <= 100
