"""``/metrics`` of the server: Prometheus counters computed from the database at each scrape.

Counters (Prometheus naming: base units, ``_total`` suffix):
``aifootprint_energy_joules_total``, ``aifootprint_carbon_grams_total``, ``aifootprint_water_liters_total``
labelled ``project, host, device, component`` (IT energy measured at the devices; carbon and water with each run's
best site factors), and ``aifootprint_runs_total`` / ``aifootprint_runs_finished_total`` by ``project, host``.
They are derived from stored totals that only grow, so they survive server restarts and never double count a
retried upload. Each app has its own registry (no global state).
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

from .database import Database
from .service import device_totals, run_counts

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
DEVICE_LABELS = ["project", "host", "device", "component"]


class DatabaseCollector(Collector):
    def __init__(self, db: Database) -> None:
        self.db = db

    def collect(self) -> Iterator[Metric]:
        energy = CounterMetricFamily("aifootprint_energy_joules", "IT energy measured at the devices [J].",
                                     labels=DEVICE_LABELS)
        carbon = CounterMetricFamily("aifootprint_carbon_grams", "Carbon emissions (location-based, best factor of "
                                     "the run's site) [gCO2e].", labels=DEVICE_LABELS)
        water = CounterMetricFamily("aifootprint_water_liters", "Water consumption (on-site + off-site, Li et al. "
                                    "2023) [L].", labels=DEVICE_LABELS)
        runs = CounterMetricFamily("aifootprint_runs", "Runs reported.", labels=["project", "host"])
        finished = CounterMetricFamily("aifootprint_runs_finished", "Runs that reported their end.",
                                       labels=["project", "host"])
        with self.db.read() as session:
            for project, host, device, component, e, c, w in device_totals(session):
                labels = [project, host, device, component]
                energy.add_metric(labels, e)
                carbon.add_metric(labels, c)
                water.add_metric(labels, w)
            for project, host, n, done in run_counts(session):
                runs.add_metric([project, host], n)
                finished.add_metric([project, host], done)
        yield from (energy, carbon, water, runs, finished)


def make_registry(db: Database) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector(db))
    return registry


def render(registry: CollectorRegistry) -> bytes:
    return generate_latest(registry)
