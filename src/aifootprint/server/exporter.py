"""``aifootprint exporter``: live power and energy of this machine for Prometheus (node exporter mode).

A sampler thread reads the machine's sensors (the same discovery as the tracker: NVML / amdsmi GPUs, RAPL, flagged
estimates, or the fake node with ``--sensors fake``) ``hz`` times per second and folds each reading into a
:class:`aifootprint.measure.devicetrack.DeviceTrack` (counter deltas, power integration, gaps). One reader per node:
each physical device is read only by the exporter holding its lease (:class:`aifootprint.measure.leases.DeviceLeases`
under the job id ``aifootprint-exporter``), so a second exporter started on the same node publishes nothing for that
device and Prometheus sums never count a device twice; when the owner stops, another exporter takes over.

Metrics (labels ``device, component, method, estimated``):
``aifootprint_node_power_watts`` (gauge, latest reading), ``aifootprint_node_energy_joules_total`` (counter since the
exporter started), ``aifootprint_node_sensor_up`` (1 while the last read succeeded).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from ..measure.devicetrack import DeviceTrack
from ..measure.leases import DeviceLeases
from ..measure.sensors.base import Sensor

#: Lease scope shared by every exporter of a node (one reader per device and node).
EXPORTER_JOB_ID = "aifootprint-exporter"
LABELS = ["device", "component", "method", "estimated"]


@dataclass(frozen=True)
class ExporterConfig:
    """Where the exporter listens and how often it reads. ``port=9464``: the port the OpenTelemetry Prometheus
    exporter uses by default (Prometheus wiki, "Default port allocations"), so existing scrape configs find it;
    ``hz=2.0``: a reading every 0.5 s, so that even a once-a-second scrape sees a fresh value (design choice)."""

    host: str = "127.0.0.1"
    port: int = 9464
    hz: float = 2.0
    lease_dir: str | None = None


class NodeExporter(Collector):
    """Sample ``sensors`` in the background and expose them as Prometheus metrics."""

    def __init__(self, sensors: Sequence[Sensor], config: ExporterConfig | None = None,
                 clock: Callable[[], float] = time.monotonic, leases: DeviceLeases | None = None) -> None:
        """``leases``: the device leases (None: this process's in ``config.lease_dir``). Two exporters of one
        process share its leases; a test standing two nodes' exporters in one process gives the second
        ``DeviceLeases(EXPORTER_JOB_ID, lease_dir, pid=…)`` of another process."""
        self.config = config or ExporterConfig()
        self._clock = clock
        self._leases = leases or DeviceLeases(EXPORTER_JOB_ID, self.config.lease_dir)
        t0 = clock()
        self._tracks = [DeviceTrack(s, self._leases.acquire(s.physical_id), t0) for s in sensors]
        self._up = {s.device: False for s in sensors}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_lease_try = t0

    def sample(self) -> None:
        """Read every owned sensor once (the thread calls this ``hz`` times per second)."""
        with self._lock:
            t = self._clock()
            retry = t - self._last_lease_try >= 1.0
            if retry:
                self._last_lease_try = t
            for tr in self._tracks:
                if not tr.owned:
                    if not retry or not self._leases.acquire(tr.sensor.physical_id):
                        continue
                    tr.owned = True
                try:
                    reading = tr.sensor.read()
                except Exception as exc:  # a failing sensor is reported (sensor_up 0), never fatal
                    tr.fail(t, exc)
                    self._up[tr.sensor.device] = False
                    continue
                tr.update(t, reading)
                self._up[tr.sensor.device] = True

    def start(self) -> NodeExporter:
        self.sample()
        self._thread = threading.Thread(target=self._loop, name="aifootprint-exporter", daemon=True)
        self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.wait(1.0 / self.config.hz):
            self.sample()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._leases.release_all()
        for tr in self._tracks:
            try:
                tr.sensor.close()
            except Exception:  # closing must never fail the shutdown
                continue

    def owned_devices(self) -> list[str]:
        with self._lock:
            return [tr.sensor.device for tr in self._tracks if tr.owned]

    def collect(self) -> Iterator[Metric]:
        power = GaugeMetricFamily("aifootprint_node_power_watts", "Latest power reading of the device [W].",
                                  labels=LABELS)
        energy = CounterMetricFamily("aifootprint_node_energy_joules", "Energy of the device since the exporter "
                                     "started [J].", labels=LABELS)
        up = GaugeMetricFamily("aifootprint_node_sensor_up", "1 while the device's last read succeeded.",
                               labels=["device"])
        with self._lock:
            for tr in self._tracks:
                if not tr.owned:
                    continue
                s = tr.sensor
                labels = [s.device, s.component, s.method, "true" if s.estimated else "false"]
                if tr.power is not None:
                    power.add_metric(labels, tr.power)
                energy.add_metric(labels, tr.best_j)
                up.add_metric([s.device], 1.0 if self._up[s.device] else 0.0)
        yield from (power, energy, up)


def serve_exporter(exporter: NodeExporter) -> tuple[Any, threading.Thread]:
    """Serve ``/metrics`` of ``exporter`` on ``config.host:config.port`` (prometheus_client's HTTP server)."""
    from prometheus_client import start_http_server

    registry = CollectorRegistry(auto_describe=False)
    registry.register(exporter)
    server, thread = start_http_server(exporter.config.port, addr=exporter.config.host, registry=registry)
    return server, thread
