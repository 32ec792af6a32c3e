"""Bad input gets a 4xx with a one-line message, never a 500; the API is fuzzed from its OpenAPI schema."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from aifootprint.server.app import create_app
from aifootprint.server.config import Limits, ServerConfig

RUN = {"run_id": "v1", "project": "p", "host": "h", "started_at": 1_767_225_600.0,
       "devices": [{"device": d} for d in ("gpu:0", "a", "b", "c")]}


@pytest.fixture(scope="module")
def sqlite_client(tmp_path_factory):
    """One app for the whole module (the cases below only add rows or are refused)."""
    path = tmp_path_factory.mktemp("validation") / "v.sqlite3"
    config = ServerConfig(database_url=f"sqlite:///{path}", limits=Limits(max_body_bytes=200_000))
    with TestClient(create_app(config), raise_server_exceptions=False) as c:
        assert c.post("/api/v1/runs", json=RUN).status_code == 201
        yield c


@pytest.mark.parametrize(("path", "body", "fragment"), [
    ("/api/v1/runs/v1/samples", {"batch_id": "a", "samples": [{"device": "gpu:0", "t_s": -1.0}]}, "t_s"),
    ("/api/v1/runs/v1/samples", {"batch_id": "a", "samples": [{"device": "gpu:0", "t_s": 1, "energy_j": 1e30}]},
     "energy_j"),
    ("/api/v1/runs/v1/samples", {"batch_id": "a b", "samples": []}, "batch_id"),
    ("/api/v1/runs/v1/samples", {"batch_id": "a", "samples": [], "extra": 1}, "extra"),
    ("/api/v1/runs/v1/samples", {"batch_id": "a", "samples": [{"device": "gpu:0", "t_s": 0}] * 5001}, "samples"),
    ("/api/v1/runs", {**RUN, "run_id": "../../etc/passwd"}, "run_id"),
    ("/api/v1/runs", {**RUN, "started_at": 1e12}, "started_at"),
    ("/api/v1/runs", {**RUN, "run_id": "v2", "location": "Atlantis"}, "Atlantis"),
    ("/api/v1/runs/v1/finish", {"ended_at": 1.0}, "before the run's start"),
    ("/api/v1/impacts", {"energy_kwh": -1}, "energy_kwh"),
    ("/api/v1/scenario/run", {"name": "/etc/passwd"}, "name"),
    ("/api/v1/scenario/run", {"name": "no-such-scenario"}, "unknown scenario"),
    ("/api/v1/scenario/run", {"name": "x", "draws": 10_000_000}, "draws"),
    ("/api/v1/estimate/request", {"model": "no-such-model-xyz", "input_tokens": 10, "output_tokens": 10}, "model"),
    ("/api/v1/estimate/request", {"input_tokens": 10, "output_tokens": 10}, "model"),
])
def test_bad_bodies_are_4xx_with_a_message(sqlite_client, path, body, fragment):
    r = sqlite_client.post(path, content=json.dumps(body), headers={"Content-Type": "application/json"})
    assert 400 <= r.status_code < 500, r.text
    detail = r.json()["detail"]
    assert isinstance(detail, str) and fragment.lower() in detail.lower() and "Traceback" not in detail


def test_non_finite_numbers_rejected(sqlite_client):
    raw = '{"batch_id": "n", "samples": [{"device": "gpu:0", "t_s": NaN}]}'
    r = sqlite_client.post("/api/v1/runs/v1/samples", content=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and "t_s" in r.json()["detail"]
    raw = '{"energy_kwh": Infinity}'
    assert sqlite_client.post("/api/v1/impacts", content=raw,
                              headers={"Content-Type": "application/json"}).status_code == 422


def test_oversized_and_malformed_bodies(sqlite_client):
    big = json.dumps({"batch_id": "b", "samples": [{"device": "gpu:0", "t_s": float(i)} for i in range(8000)]})
    r = sqlite_client.post("/api/v1/runs/v1/samples", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and "200,000 bytes" in r.json()["detail"]

    def chunks():  # no Content-Length: the limit is found while the body streams in (was 400 "error parsing")
        for _ in range(60):
            yield b" " * 10_000

    r = sqlite_client.post("/api/v1/runs/v1/samples", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and "200,000 bytes" in r.json()["detail"]
    r = sqlite_client.post("/api/v1/runs/v1/samples", content=b"{not json",
                           headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert sqlite_client.get("/api/v1/runs", params={"limit": 0}).status_code == 422
    assert sqlite_client.get("/api/v1/runs", params={"since": "nan"}).status_code == 422
    assert sqlite_client.get("/api/v1/runs/bad%20id").status_code == 422


def test_estimates_follow_the_cli_json_contract(sqlite_client):
    """The impacts endpoint returns exactly what the library (and `aifootprint impacts --json`) returns."""
    from aifootprint.impacts import SiteOverrides, assess, resolve_site

    r = sqlite_client.post("/api/v1/impacts", json={"energy_kwh": 10.0, "location": "FR"}).json()
    expected = assess(10.0, resolve_site("FR", None, SiteOverrides())).to_result({"it_energy_kwh": 10.0}).to_dict()
    assert r == json.loads(json.dumps(expected))
    est = sqlite_client.post("/api/v1/estimate/request", json={"model": "llama-3.1-8b", "input_tokens": 100,
                                                                "output_tokens": 200})
    assert est.status_code == 200, est.text
    body = est.json()
    assert {"method_version", "data_version", "assumptions", "warnings", "percentiles"} <= set(body)
    sc = sqlite_client.post("/api/v1/scenario/run", json={"name": "ai-search-rebound", "draws": 200})
    assert sc.status_code == 200, sc.text
    tr = sqlite_client.post("/api/v1/estimate/training", json={"gpu_hours": 1000.0, "hardware": "h100"})
    assert tr.status_code == 200, tr.text
    assert {"method_version", "data_version", "assumptions", "warnings"} <= set(tr.json())
    both = sqlite_client.post("/api/v1/estimate/training", json={"model": "x", "gpu_hours": 10.0})
    assert both.status_code == 422 and "gpu_hours" in both.json()["detail"]


def test_cors_is_off(sqlite_client):
    r = sqlite_client.get("/api/v1/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in {k.lower() for k in r.headers}


def test_openapi_fuzz_never_500(tmp_path):
    """Schemathesis generates bodies and parameters from /openapi.json; no response may be a server error."""
    import schemathesis

    app = create_app(ServerConfig(database_url=f"sqlite:///{tmp_path / 'f.sqlite3'}"))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    slow = {"/api/v1/scenario/run", "/api/v1/estimate/training", "/api/v1/estimate/request"}
    failures: list[tuple[str, object, int, str]] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path not in slow:
            _fuzz(operation.path, operation.as_strategy(), failures)
    assert failures == []


def _fuzz(path, strategy, failures):
    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=3, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def check(case):
        response = case.call()
        if response.status_code >= 500:
            failures.append((path, case.body, response.status_code, response.text[:200]))

    check()


def test_free_form_json_must_be_finite_and_shallow(sqlite_client):
    raw = ('{"batch_id": "w", "windows": [{"name": "a", "start_s": 0, "duration_s": 1, "energy_j": 1, '
           '"measurement": {"x": [1, NaN]}}]}')
    r = sqlite_client.post("/api/v1/runs/v1/windows", content=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and "finite" in r.json()["detail"]
    deep: dict = {}
    node = deep
    for _ in range(20):
        node["a"] = {}
        node = node["a"]
    r = sqlite_client.post("/api/v1/runs/v1/finish", json={"ended_at": 1_767_225_700.0, "summary": deep})
    assert r.status_code == 422 and "nested" in r.json()["detail"]


def test_sample_pages_are_lossless_with_the_next_keyset(sqlite_client):
    rows = [{"device": d, "t_s": t / 10, "energy_j": float(t)} for t in range(10) for d in ("a", "b", "c")]
    sqlite_client.post("/api/v1/runs/v1/samples", json={"batch_id": "p", "samples": rows})
    seen, params = [], {"limit": 4}
    while True:
        reply = sqlite_client.get("/api/v1/runs/v1/samples", params=params).json()
        seen += reply["samples"]
        if reply["next"] is None:
            break
        assert len(reply["samples"]) == 4
        params = {"limit": 4, **reply["next"]}
    assert len(seen) == 30 and len({(x["device"], x["t_s"]) for x in seen}) == 30
    assert [x["t_s"] for x in seen] == sorted(x["t_s"] for x in seen)
