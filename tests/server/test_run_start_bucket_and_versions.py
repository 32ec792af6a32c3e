"""Two leftovers of the team server, on SQLite and on a real PostgreSQL server (the ``client`` fixture runs both).

1. Buckets are ``(start, end]``; the 1 µs shift that implements it also moved a run's first sample (``t_s`` = 0,
   no energy yet) into the previous bucket: a run started on the hour showed an extra, empty bucket before it.
2. A client that sent no method/data version got empty strings stored, and the run detail's values overrode the
   real versions with them (the dashboard then said "not recorded").
"""

from __future__ import annotations

import pytest

from aifootprint._version import METHOD_VERSION
from aifootprint.reference.registry import DATA_VERSION

from .test_api_runs import T0, _run


def test_a_run_started_on_the_hour_has_no_empty_bucket_before_it(client):
    assert _run(client, "r-hour", started_at=T0).status_code == 201  # T0 = 2026-01-01T00:00:00Z
    rows = [{"device": "gpu:0", "t_s": float(t), "energy_j": 100.0 * t, "power_w": 100.0} for t in range(0, 21)]
    assert client.post("/api/v1/runs/r-hour/samples", json={"batch_id": "a", "samples": rows}).status_code == 200
    for bucket in ("hour", "day"):
        series = client.get("/api/v1/projects/team-a/totals", params={"bucket": bucket}).json()["series"]
        assert [s["start"] for s in series] == ["2026-01-01T00:00:00Z"], (bucket, series)
        assert series[0]["it_energy_j"] == pytest.approx(2000.0)
    # (start, end] still holds for energy: a sample exactly on the next hour belongs to the hour that ends there
    _run(client, "r-end", started_at=T0 + 3590.0)
    end = [{"device": "gpu:0", "t_s": t, "energy_j": 100.0 * t, "power_w": 100.0} for t in (0.0, 10.0)]
    client.post("/api/v1/runs/r-end/samples", json={"batch_id": "b", "samples": end})
    hourly = client.get("/api/v1/projects/team-a/totals", params={"bucket": "hour"}).json()["series"]
    assert [(s["start"], s["it_energy_j"]) for s in hourly] == [("2026-01-01T00:00:00Z", pytest.approx(3000.0))]


def test_a_run_without_versions_reports_the_servers_not_empty_strings(client):
    assert _run(client, "r-nov").status_code == 201  # no method_version / data_version in the body
    detail = client.get("/api/v1/runs/r-nov").json()
    assert (detail["method_version"], detail["data_version"]) == (METHOD_VERSION, DATA_VERSION)
    listed = client.get("/api/v1/runs", params={"project": "team-a"}).json()["runs"][0]
    assert (listed["method_version"], listed["data_version"]) == (METHOD_VERSION, DATA_VERSION)
    # versions the client did send are kept
    _run(client, "r-v", method_version="m-client", data_version="d-client")
    sent = client.get("/api/v1/runs/r-v").json()
    assert (sent["method_version"], sent["data_version"]) == ("m-client", "d-client")
