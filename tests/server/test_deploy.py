"""The compose example, Prometheus config and Grafana dashboard parse, and query metrics the code really emits."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from prometheus_client import CollectorRegistry, generate_latest

from aifootprint.measure.sensors.fake import FakeSensor
from aifootprint.server.database import Database
from aifootprint.server.db import upgrade
from aifootprint.server.exporter import ExporterConfig, NodeExporter
from aifootprint.server.metrics import make_registry, render

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _emitted_names(tmp_path) -> set[str]:
    db = Database(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    upgrade(db.engine)
    text = render(make_registry(db)).decode()
    db.dispose()
    node = NodeExporter([FakeSensor("gpu:0", "gpu", 100.0)], ExporterConfig(lease_dir=str(tmp_path)))
    registry = CollectorRegistry(auto_describe=False)
    registry.register(node)
    text += generate_latest(registry).decode()
    node.stop()
    names = set(re.findall(r"^# TYPE (\w+) (\w+)", text, re.M))
    return {n + ("_total" if kind == "counter" and not n.endswith("_total") else "") for n, kind in names}


def test_compose_file_wires_server_postgres_prometheus_grafana():
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "server", "prometheus", "grafana"}
    server = services["server"]
    assert server["environment"]["AIFOOTPRINT_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert server["command"][:2] == ["aifootprint", "serve"] and "--host" in server["command"]
    assert all(p.startswith("127.0.0.1:") for s in services.values() for p in s.get("ports", []))
    assert (DEPLOY / server["build"]["dockerfile"].removeprefix("deploy/")).is_file()
    prom = yaml.safe_load((DEPLOY / "prometheus.yml").read_text())
    targets = [t for job in prom["scrape_configs"] for sc in job["static_configs"] for t in sc["targets"]]
    assert "server:8787" in targets
    for sub in ("datasources", "dashboards"):
        for f in (DEPLOY / "grafana" / "provisioning" / sub).glob("*.yml"):
            assert yaml.safe_load(f.read_text())["apiVersion"] == 1


def test_grafana_dashboard_queries_emitted_metrics(tmp_path):
    dash = json.loads((DEPLOY / "grafana" / "dashboard.json").read_text())
    exprs = [t["expr"] for p in dash["panels"] for t in p["targets"]]
    assert len(exprs) >= 6 and len({p["id"] for p in dash["panels"]}) == len(dash["panels"])
    used = {m for e in exprs for m in re.findall(r"\baifootprint_\w+", e)}
    emitted = _emitted_names(tmp_path)
    assert used and used <= emitted, used - emitted
