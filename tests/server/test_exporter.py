"""Node exporter: live power and energy of fake sensors over HTTP; one reader per device and node."""

from __future__ import annotations

import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from aifootprint.measure.leases import DeviceLeases
from aifootprint.measure.sensors.fake import FakeSensor
from aifootprint.server.exporter import EXPORTER_JOB_ID, ExporterConfig, NodeExporter, serve_exporter

from .conftest import free_port


class Clock:
    def __init__(self):
        self.t = 50.0

    def __call__(self):
        return self.t


def _node(clock):
    return [FakeSensor("gpu:0", "gpu", 250.0, clock=clock), FakeSensor("ram", "ram", 10.0, clock=clock)]


def _values(text):
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, s.labels.get("device"))] = s.value
    return out


def test_exporter_publishes_power_and_energy_once_per_node(tmp_path):
    clock = Clock()
    cfg = ExporterConfig(port=free_port(), lease_dir=str(tmp_path))
    first = NodeExporter(_node(clock), cfg, clock=clock)
    # same node, same lease directory, another process (pid 0 is never the holder: the leases of one process are
    # shared by its exporters, measure.leases.locked_by_this_process)
    second = NodeExporter(_node(clock), cfg, clock=clock, leases=DeviceLeases(EXPORTER_JOB_ID, str(tmp_path), pid=0))
    assert first.owned_devices() == ["gpu:0", "ram"] and second.owned_devices() == []
    first.sample()
    clock.t += 4.0
    first.sample()
    server, _thread = serve_exporter(first)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{cfg.port}/metrics", timeout=10) as r:
            values = _values(r.read().decode())
    finally:
        server.shutdown()
        server.server_close()
    assert values[("aifootprint_node_energy_joules_total", "gpu:0")] == pytest.approx(1000.0)
    assert values[("aifootprint_node_power_watts", "ram")] == pytest.approx(10.0)
    assert values[("aifootprint_node_sensor_up", "gpu:0")] == 1.0
    first.stop()  # the owner goes away: the other exporter takes the devices over at its next read
    clock.t += 1.5
    second.sample()
    assert second.owned_devices() == ["gpu:0", "ram"]
    second.stop()
