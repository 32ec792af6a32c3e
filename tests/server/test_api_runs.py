"""Runs API on SQLite and on a real PostgreSQL server: create, idempotent batches, finish, totals, export."""

from __future__ import annotations

import csv
import io

import pytest

T0 = 1_767_225_600.0  # 2026-01-01T00:00:00Z


def _run(client, run_id="r1", project="team-a", host="node-1", started_at=T0, **extra):
    body = {"run_id": run_id, "project": project, "host": host, "started_at": started_at, "name": "train",
            "location": "FR", "devices": [{"device": "gpu:0", "component": "gpu", "method": "nvml"},
                                          {"device": "cpu:0", "component": "cpu", "method": "rapl"}], **extra}
    return client.post("/api/v1/runs", json=body)


def _samples(n, start=0, gpu_w=300.0, cpu_w=60.0, hz=10.0):
    out = []
    for i in range(start, start + n):
        t = i / hz
        out.append({"device": "gpu:0", "t_s": t, "energy_j": gpu_w * t, "power_w": gpu_w})
        out.append({"device": "cpu:0", "t_s": t, "energy_j": cpu_w * t, "power_w": cpu_w})
    return out


def test_run_lifecycle_totals_and_idempotent_batches(client):
    r = _run(client)
    assert r.status_code == 201, r.text
    assert _run(client).status_code == 200  # retried create: same run
    batch = {"batch_id": "b-0", "samples": _samples(11)}  # t = 0 … 1.0 s
    first = client.post("/api/v1/runs/r1/samples", json=batch).json()
    again = client.post("/api/v1/runs/r1/samples", json=batch).json()
    assert first["duplicate"] is False and again["duplicate"] is True
    # a re-upload of the same rows under another batch id (uploader restarted) adds nothing either
    client.post("/api/v1/runs/r1/samples", json={"batch_id": "b-0-retry", "samples": _samples(11)})
    client.post("/api/v1/runs/r1/samples", json={"batch_id": "b-1", "samples": _samples(10, start=11)})  # … 2.0 s
    fin = client.post("/api/v1/runs/r1/finish", json={"ended_at": T0 + 2.0, "exit_code": 0})
    assert fin.status_code == 200, fin.text
    show = client.get("/api/v1/runs/r1").json()
    assert show["it_energy_j"] == pytest.approx(360.0 * 2.0)  # 300 W + 60 W for 2 s
    assert show["samples"] == 42
    assert show["kind"] == "run" and {"method_version", "data_version", "assumptions", "warnings"} <= set(show)
    assert set(show["carbon_g"]) == {"low", "best", "high"}
    assert show["it_energy_kwh_by_component"]["gpu"] == pytest.approx(600.0 / 3.6e6)
    listed = client.get("/api/v1/runs", params={"project": "team-a"}).json()["runs"]
    assert [r["run_id"] for r in listed] == ["r1"]
    assert client.get("/api/v1/runs", params={"host": "other"}).json()["runs"] == []
    assert client.get("/api/v1/runs", params={"since": T0 + 1}).json()["runs"] == []
    projects = client.get("/api/v1/projects").json()["projects"]
    assert projects[0]["name"] == "team-a" and projects[0]["it_energy_j"] == pytest.approx(720.0)


def test_totals_bucketed_and_csv_export(client):
    _run(client, "r2", started_at=T0 + 3590.0)  # crosses the hour boundary after 10 s
    rows = [{"device": "gpu:0", "t_s": float(t), "energy_j": 100.0 * t, "power_w": 100.0} for t in range(0, 21)]
    assert client.post("/api/v1/runs/r2/samples", json={"batch_id": "x", "samples": rows}).status_code == 200
    hourly = client.get("/api/v1/projects/team-a/totals", params={"bucket": "hour"}).json()
    series = hourly["series"]
    assert [s["it_energy_j"] for s in series] == pytest.approx([1000.0, 1000.0])
    assert series[1]["start"] == "2026-01-01T01:00:00Z"
    assert hourly["it_energy_j"] == pytest.approx(2000.0)
    daily = client.get("/api/v1/projects/team-a/totals", params={"bucket": "day"}).json()
    assert len(daily["series"]) == 1 and daily["it_energy_j"] == pytest.approx(2000.0)
    # carbon and water: the IT energy times the run's own site factors (as its detail lists them; FR grid, default
    # PUE and WUE) — facility energy x intensity, on-site WUE + PUE x off-site EWIF
    f = {a["name"]: a["value"] for a in client.get("/api/v1/runs/r2").json()["assumptions"]}
    kwh = 2000.0 / 3.6e6
    assert daily["carbon_g"] == pytest.approx(kwh * f["pue"] * f["grid_intensity"], rel=1e-3)
    assert daily["water_l"] == pytest.approx(kwh * (f["wue_onsite"] + f["pue"] * f["ewif_offsite"]), rel=1e-3)
    assert client.get("/api/v1/projects/team-a/totals", params={"bucket": "year"}).status_code == 422
    assert client.get("/api/v1/projects/nope/totals").status_code == 404
    text = client.get("/api/v1/runs/r2/export.csv").text
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert len(parsed) == 21 and float(parsed[-1]["energy_j"]) == 2000.0


def test_windows_requests_and_finish_conflict(client):
    _run(client, "r3")
    w = {"batch_id": "w1", "windows": [{"name": "epoch-1", "start_s": 0.0, "duration_s": 1.0, "energy_j": 5.0}]}
    assert client.post("/api/v1/runs/r3/windows", json=w).json()["duplicate"] is False
    rq = {"batch_id": "q1", "requests": [{"request_id": "a", "start_s": 0.0, "end_s": 0.5, "prefill_tokens": 10,
                                          "decode_tokens": 20, "energy_j": 1.5}]}
    assert client.post("/api/v1/runs/r3/requests", json=rq).json()["duplicate"] is False
    assert client.post("/api/v1/runs/r3/requests", json=rq).json()["duplicate"] is True
    show = client.get("/api/v1/runs/r3").json()
    assert show["requests"] == 1 and show["windows"][0]["name"] == "epoch-1"
    assert client.post("/api/v1/runs/r3/finish", json={"ended_at": T0 + 5, "exit_code": 0}).status_code == 200
    assert client.post("/api/v1/runs/r3/finish", json={"ended_at": T0 + 5, "exit_code": 0}).status_code == 200
    assert client.post("/api/v1/runs/r3/finish", json={"ended_at": T0 + 9, "exit_code": 1}).status_code == 409


def test_unknown_run_and_project_conflict(client):
    assert client.get("/api/v1/runs/missing").status_code == 404
    assert client.post("/api/v1/runs/missing/samples", json={"batch_id": "a", "samples": []}).status_code == 404
    _run(client, "r4")
    clash = _run(client, "r4", project="team-b")
    assert clash.status_code == 409 and "another project" in clash.json()["detail"]


def test_metrics_counters(client):
    _run(client, "r5", host="node-9")
    client.post("/api/v1/runs/r5/samples", json={"batch_id": "m", "samples": _samples(11)})
    text = client.get("/metrics").text
    line = 'aifootprint_energy_joules_total{component="gpu",device="gpu:0",host="node-9",project="team-a"} 300.0'
    assert line in text
    assert 'aifootprint_runs_total{host="node-9",project="team-a"} 1.0' in text
    assert "aifootprint_carbon_grams_total" in text and "aifootprint_water_liters_total" in text
