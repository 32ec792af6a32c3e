"""Conflicting run data is refused: a finished run took samples after its end and its energy changed (500 J -> 1e9 J); a
cumulative counter that went backwards was accepted; re-registering a run id with another host answered 200 with the
old run. Now 422 / 409 with a message; retries (the same batch, samples within the run, the same run fields) still
pass."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from aifootprint.server.app import create_app
from aifootprint.server.config import ServerConfig

T0 = 1_767_225_600.0


@pytest.fixture()
def api(tmp_path):  # type: ignore[no-untyped-def]
    with TestClient(create_app(ServerConfig(database_url=f"sqlite:///{tmp_path / 'r.sqlite3'}")),
                    raise_server_exceptions=False) as c:
        run = {"run_id": "r1", "project": "p", "host": "h", "started_at": T0, "devices": [{"device": "gpu:0"}]}
        assert c.post("/api/v1/runs", json=run).status_code == 201
        yield c


def _samples(batch: str, *rows: tuple[float, float]) -> dict[str, Any]:
    return {"batch_id": batch, "samples": [{"device": "gpu:0", "t_s": t, "energy_j": e} for t, e in rows]}


def test_a_finished_run_takes_no_samples_after_its_end(api: TestClient) -> None:
    assert api.post("/api/v1/runs/r1/samples", json=_samples("a", (0.0, 0.0), (5.0, 500.0))).status_code == 200
    assert api.post("/api/v1/runs/r1/finish", json={"ended_at": T0 + 10}).status_code == 200
    late = api.post("/api/v1/runs/r1/samples", json=_samples("late", (5000.0, 1e9)))
    assert late.status_code == 422 and "after the end of run" in late.json()["detail"]
    assert api.get("/api/v1/runs/r1").json()["it_energy_j"] == pytest.approx(500.0)
    # a retry of an applied batch, and a late batch within the run, still pass
    assert api.post("/api/v1/runs/r1/samples", json=_samples("a", (0.0, 0.0), (5.0, 500.0))).json()["duplicate"]
    assert api.post("/api/v1/runs/r1/samples", json=_samples("b", (9.5, 600.0))).status_code == 200


def test_a_cumulative_counter_never_falls(api: TestClient) -> None:
    bad = api.post("/api/v1/runs/r1/samples", json=_samples("x", (0.5, 500.0), (1.0, 100.0)))
    assert bad.status_code == 422 and "never decreases" in bad.json()["detail"]
    assert api.post("/api/v1/runs/r1/samples", json=_samples("y", (1.0, 500.0))).status_code == 200
    later = api.post("/api/v1/runs/r1/samples", json=_samples("z", (2.0, 50.0)))
    assert later.status_code == 422 and "never decreases" in later.json()["detail"]
    # an earlier batch arriving late (out of order) is fine
    assert api.post("/api/v1/runs/r1/samples", json=_samples("w", (0.5, 200.0))).status_code == 200


def test_a_run_id_reused_with_other_fields_is_a_conflict(api: TestClient) -> None:
    same = {"run_id": "r1", "project": "p", "host": "h", "started_at": T0, "devices": [{"device": "gpu:0"}]}
    assert api.post("/api/v1/runs", json=same).status_code == 200  # a retry
    other = api.post("/api/v1/runs", json={**same, "host": "h2"})
    assert other.status_code == 409 and "host" in other.json()["detail"]
    assert api.get("/api/v1/runs/r1").json()["host"] == "h"


def test_empty_training_fields_and_an_inverted_window_are_422(api: TestClient) -> None:
    """Re-audit: {"gpu_hours": 1000, "hardware": ""} answered for an H100; since > until answered an empty list."""
    for body in ({"gpu_hours": 1000, "hardware": ""}, {"gpu_hours": 1000, "boundary": ""},
                 {"flops": 1e24, "precision": ""}):
        r = api.post("/api/v1/estimate/training", json=body)
        field = next(k for k, v in body.items() if v == "")
        assert r.status_code == 422 and f"{field}: empty value" in r.json()["detail"], r.text
    assert api.post("/api/v1/estimate/training", json={"gpu_hours": 1000, "hardware": "h100"}).status_code == 200
    r = api.get("/api/v1/projects/p/totals", params={"since": 1_900_000_000, "until": 1_700_000_000})
    assert r.status_code == 422 and "since" in r.json()["detail"]
    assert api.get("/api/v1/runs", params={"since": 2, "until": 1}).status_code == 422
    assert api.get("/api/v1/runs", params={"since": 1, "until": 2}).status_code == 200


def test_api_errors_name_json_fields_not_cli_flags(api: TestClient) -> None:
    """Re-audit: {"params_b": 8} answered "--params needs --tokens"."""
    r = api.post("/api/v1/estimate/training", json={"params_b": 8})
    detail = r.json()["detail"]
    assert r.status_code == 422 and "params_b" in detail and "tokens_b" in detail and "--" not in detail, detail
    r = api.post("/api/v1/estimate/training", json={"gpu_hours": 1000, "mfu": 0.5})
    assert r.status_code == 422 and "mfu" in r.json()["detail"] and "--" not in r.json()["detail"]
