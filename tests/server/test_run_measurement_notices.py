"""GET /api/v1/runs/{id} carries the measurement's notices (estimated devices, the measurement's notes) as
structured warnings, before the site notes; without a summary, the estimated devices the run declared."""

from __future__ import annotations

from typing import Any

T0 = 1_767_225_600.0  # 2026-01-01T00:00:00Z
NOTE = {"code": "cpu-tdp-default", "subject": "cpu",
        "message": "cpu: model 'AMD EPYC' not found in the cpus table; the TDP used is the Green Algorithms default "
                   "12.0 W/core x 2 cores = 24 W; pass --cpu-tdp-w to give the real TDP",
        "source": "Green Algorithms default 12.0 W/core x 2 cores [estimated fallback]"}
DEVICES = [{"device": "cpu", "component": "cpu", "method": "tdp-x-utilisation", "estimated": True},
           {"device": "ram", "component": "ram", "method": "w-per-gb", "estimated": True}]


def _start(client: Any, run_id: str) -> None:
    r = client.post("/api/v1/runs", json={"run_id": run_id, "project": "measured", "host": "vm", "started_at": T0,
                                          "name": "job", "devices": DEVICES})
    assert r.status_code == 201, r.text


def test_measurement_notices_in_the_run_warnings(client: Any) -> None:
    _start(client, "m1")
    measurement = {"name": "job", "start_s": 0.0, "duration_s": 0.3, "estimated": True, "gaps": [],
                   "skipped_devices": [], "notes": [NOTE],
                   "devices": [{**d, "energy_j": 1.0, "process_energy_j": None, "note": ""} for d in DEVICES]}
    fin = client.post("/api/v1/runs/m1/finish", json={"ended_at": T0 + 0.3, "exit_code": 0,
                                                      "summary": {"measurement": measurement}})
    assert fin.status_code == 200, fin.text
    warnings = client.get("/api/v1/runs/m1").json()["warnings"]
    assert warnings[0] == {"code": "estimated", "subject": "cpu,ram", "source": "",
                           "message": "estimated, not measured: cpu (tdp-x-utilisation), ram (w-per-gb)"}
    assert warnings[1] == NOTE
    assert {"pue", "wue_onsite"} <= {w["subject"] for w in warnings[2:]}  # the site notes follow


def test_estimated_devices_without_a_summary_and_an_unreadable_summary(client: Any) -> None:
    _start(client, "m2")
    first = client.get("/api/v1/runs/m2").json()["warnings"][0]
    assert first["code"] == "estimated" and first["message"].startswith("estimated, not measured: cpu")
    fin = client.post("/api/v1/runs/m2/finish", json={"ended_at": T0 + 1.0, "exit_code": 0,
                                                      "summary": {"measurement": {"name": "job", "devices": "x"}}})
    assert fin.status_code == 200, fin.text
    r = client.get("/api/v1/runs/m2")
    assert r.status_code == 200 and r.json()["warnings"][0]["code"] == "estimated"
