"""The API refuses with a 422 and a message what the CLI refuses (the same bounds, strict types), and never
answers 500 (duplicate devices reached the database's unique key)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from aifootprint.server.app import create_app
from aifootprint.server.config import ServerConfig

T0 = 1_767_225_600.0
RUN = {"run_id": "a1", "project": "p", "host": "h", "started_at": T0, "devices": [{"device": "gpu:0"}]}
REQ = {"model": "llama-3.1-8b", "input_tokens": 100, "output_tokens": 100}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("audit") / "a.sqlite3"
    with TestClient(create_app(ServerConfig(database_url=f"sqlite:///{path}")), raise_server_exceptions=False) as c:
        assert c.post("/api/v1/runs", json=RUN).status_code == 201
        yield c


@pytest.mark.parametrize(("path", "body", "fragment"), [
    ("/api/v1/runs", {**RUN, "run_id": "dup", "devices": [{"device": "gpu:0"}, {"device": "gpu:0"}]},
     "declared twice"),
    ("/api/v1/runs", {**RUN, "run_id": "t1", "started_at": True}, "started_at"),
    ("/api/v1/runs", {**RUN, "run_id": "t2", "started_at": str(T0)}, "started_at"),
    ("/api/v1/runs", {**RUN, "run_id": "t3", "devices": [{"device": "gpu:0", "estimated": 1}]}, "estimated"),
    ("/api/v1/estimate/request", {**REQ, "input_tokens": "100"}, "input_tokens"),
    ("/api/v1/estimate/request", {**REQ, "input_tokens": True}, "input_tokens"),
    ("/api/v1/estimate/request", {**REQ, "accelerators": 100_000}, "accelerators"),
    ("/api/v1/estimate/training", {"gpu_hours": 1000, "power_w": 1e5}, "power_w"),
    ("/api/v1/estimate/training", {"accelerators": 10_000_000, "days": 1}, "accelerators"),
    ("/api/v1/estimate/training", {"gpu_hours": 1e12}, "gpu_hours"),
    ("/api/v1/estimate/training", {"gpu_hours": 0}, "gpu_hours"),
    ("/api/v1/estimate/training", {"gpu_hours": 1000, "precision": "fp8"}, "precision"),
    ("/api/v1/estimate/training", {"params_b": 8, "tokens_b": 1000, "mfu": 1e-300}, "mfu"),
    ("/api/v1/impacts", {"energy_kwh": 1e15}, "energy_kwh"),
    ("/api/v1/impacts", {"energy_kwh": 1, "pue": 6}, "pue"),
    ("/api/v1/runs/a1/samples", {"batch_id": "u", "samples": [{"device": "gpu:9", "t_s": 1, "energy_j": 1}]},
     "did not declare"),
    ("/api/v1/runs/a1/samples", {"batch_id": "n", "samples": [{"device": "gpu:0", "t_s": 1}]},
     "neither energy_j nor power_w"),
    ("/api/v1/runs/a1/requests", {"batch_id": "r", "requests": [
        {"request_id": "q", "start_s": 5, "end_s": 1, "prefill_tokens": 1, "decode_tokens": 1, "energy_j": 1}]},
     "end_s"),
])
def test_refused_with_422_and_the_field(api: TestClient, path: str, body: dict[str, object], fragment: str) -> None:
    r = api.post(path, json=body)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert fragment in detail and "Traceback" not in detail, detail
    assert "inf" not in detail.replace("info", "").replace("infinity", "")


def test_values_the_cli_accepts_are_accepted(api: TestClient) -> None:
    wide = {**REQ, "model": "llama-3.1-70b", "accelerators": 64}  # 64 heads: tensor parallelism up to 64
    assert api.post("/api/v1/estimate/request", json=wide).status_code == 200
    assert api.post("/api/v1/estimate/request", json={**REQ, "accelerators": 65}).status_code == 422
    assert api.post("/api/v1/estimate/training", json={"gpu_hours": 1e10, "power_w": 5000}).status_code == 200
    assert api.post("/api/v1/estimate/training", json={"params_b": 8, "tokens_b": 1000,
                                                        "precision": "fp8"}).status_code == 200
    assert api.post("/api/v1/impacts", json={"energy_kwh": 1e14}).status_code == 200
    ok = {"batch_id": "ok", "samples": [{"device": "gpu:0", "t_s": 1.0, "power_w": 100}]}
    assert api.post("/api/v1/runs/a1/samples", json=ok).status_code == 200


def test_sample_cursor_needs_its_time(api: TestClient) -> None:
    r = api.get("/api/v1/runs/a1/samples", params={"after_device": "gpu:0"})
    assert r.status_code == 422 and "after_t_s" in r.json()["detail"], r.text
    assert api.get("/api/v1/runs/a1/samples", params={"after_device": "gpu:0", "after_t_s": 0}).status_code == 200
