"""`aifootprint serve` and two `aifootprint measure --server …` processes (fake sensors): the runs add up in the
API and in /metrics exactly as each process measured them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from .conftest import free_port

CLI = [sys.executable, "-c", "from aifootprint.cli.main import run; run()"]


def _get(url, raw=False):
    with urllib.request.urlopen(url, timeout=10) as r:
        body = r.read().decode()
    return body if raw else json.loads(body)


def test_serve_and_two_measuring_processes(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "AIFOOTPRINT_SENSORS": "fake", "XDG_DATA_HOME": str(tmp_path / "xdg")}
    env.pop("AIFOOTPRINT_TOKEN", None)
    server = subprocess.Popen([*CLI, "serve", "--port", str(port), "--database-url",
                               f"sqlite:///{tmp_path / 'team.sqlite3'}"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(f"{url}/api/v1/health")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail(f"server did not start: {server.stderr.read() if server.stderr else ''}")
                time.sleep(0.2)
        workers = [subprocess.Popen([*CLI, "measure", "--json", "--server", url, "--project", "team", "--name",
                                     f"job-{i}", "--", "sleep", "1"],
                                    env={**env, "AIFOOTPRINT_HOME": str(tmp_path / f"node{i}")},
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in (1, 2)]
        outs = [w.communicate(timeout=120) for w in workers]
        assert [w.returncode for w in workers] == [0, 0], outs
        local = {}
        for out, err in outs:
            result = json.loads(out)
            assert "uploaded to" in err
            energy = result["it_energy_kwh"]
            local[result["inputs"]["run_id"]] = energy["best"] if isinstance(energy, dict) else energy
        runs = {r["run_id"]: r for r in _get(f"{url}/api/v1/runs?project=team")["runs"]}
        assert set(runs) == set(local)
        for run_id, kwh in local.items():
            assert runs[run_id]["it_energy_kwh"] == pytest.approx(kwh, rel=1e-9)
            assert runs[run_id]["ended_at"] is not None
        totals = _get(f"{url}/api/v1/projects/team/totals?bucket=hour")
        assert totals["it_energy_kwh"] == pytest.approx(sum(local.values()), rel=1e-9)
        metrics = _get(f"{url}/metrics", raw=True)
        joules = sum(s.value for f in text_string_to_metric_families(metrics) for s in f.samples
                     if s.name == "aifootprint_energy_joules_total" and s.labels["project"] == "team")
        assert joules == pytest.approx(sum(local.values()) * 3.6e6, rel=1e-9)
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stderr:
            server.stderr.close()
