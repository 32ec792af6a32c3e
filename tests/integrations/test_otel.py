"""OpenTelemetry metrics through the SDK's in-memory reader: tracker energy counters and per-call GenAI metrics."""

from __future__ import annotations

from typing import Any

import pytest

from aifootprint.integrations.core import CallImpacts, CallRecord, HookConfig, ImpactCalculator, Usage

pytest.importorskip("opentelemetry.sdk")
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from aifootprint.integrations.otel import OTelSink, TrackerMetrics


def _points(reader: InMemoryMetricReader) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    data = reader.get_metrics_data()
    assert data is not None
    for rm in data.resource_metrics:
        for sm in rm.scope_metrics:
            for m in sm.metrics:
                out.setdefault(m.name, []).extend((m.unit, p) for p in m.data.data_points)
    return out


class ManualClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_tracker_energy_counters_in_joules() -> None:
    """A 300 W fake GPU for 2 s: 600 J on hw.host.energy (live) and hw.energy (per device) — by construction."""
    from aifootprint.measure.sensors.fake import FakeSensor
    from aifootprint.measure.tracker import Tracker, TrackerConfig

    reader = InMemoryMetricReader()
    provider = MeterProvider(metric_readers=[reader])
    clock = ManualClock()
    gpu = FakeSensor("gpu:0", "gpu", 300.0, clock=clock)
    tracker = Tracker(TrackerConfig(background=False, store=False, name="train"), sensors=[gpu], clock=clock)
    metrics = TrackerMetrics(provider, host="node1").attach(tracker)
    tracker.start()
    for _ in range(20):
        clock.t += 0.1
        tracker.sample()
    result = tracker.stop()
    metrics.record_measurement(result)
    pts = _points(reader)
    (unit, host), = pts["hw.host.energy"]
    assert unit == "J" and host.value == pytest.approx(result.energy_j) == pytest.approx(600.0)
    assert dict(host.attributes) == {"hw.id": "node1", "aifootprint.run": "train"}
    (unit, dev), = pts["hw.energy"]
    assert dev.value == pytest.approx(600.0) and dev.attributes["hw.type"] == "gpu"
    assert dev.attributes["hw.id"] == "gpu:0"
    provider.shutdown()


def test_hook_metrics_with_genai_attributes() -> None:
    openai = pytest.importorskip("openai")
    from aifootprint.integrations.openai import instrument

    from .fake_llm import fake_llm_server

    reader = InMemoryMetricReader()
    provider = MeterProvider(metric_readers=[reader])
    calc = ImpactCalculator(HookConfig(sinks=(OTelSink(provider),)))
    with fake_llm_server() as (url, _):
        c = instrument(openai.OpenAI(api_key="t", base_url=url + "/v1", max_retries=0), calculator=calc)
        r1 = c.chat.completions.create(model="gpt-4o-mini", messages=[])
        c.chat.completions.create(model="gpt-4o-mini", messages=[])
    pts = _points(reader)
    (unit, energy), = pts["aifootprint.gen_ai.energy"]
    assert unit == "J" and energy.value == pytest.approx(2 * r1.impacts.energy_wh.best * 3600)
    a = energy.attributes
    assert a["gen_ai.system"] == "openai" and a["gen_ai.request.model"] == "gpt-4o-mini"
    assert a["gen_ai.response.model"] == "gpt-4o-mini" and a["aifootprint.boundary"] == "datacenter"
    (_, carbon), = pts["aifootprint.gen_ai.carbon"]
    assert carbon.value == pytest.approx(2 * r1.impacts.carbon_g.best)
    tokens = {p.attributes["gen_ai.token.type"]: p.sum for _, p in pts["gen_ai.client.token.usage"]}
    assert tokens == {"input": 2400, "output": 600, "reasoning": 200, "cached_input": 400}
    # the GenAI convention's advised boundaries (powers of 4 up to 67,108,864), not the SDK's default (up to 10,000)
    (bounds,) = {tuple(p.explicit_bounds) for _, p in pts["gen_ai.client.token.usage"]}
    assert bounds == (1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864)
    assert {p.attributes["gen_ai.operation.name"] for _, p in pts["gen_ai.client.token.usage"]} == {"chat"}
    provider.shutdown()


def test_sink_directly() -> None:
    reader = InMemoryMetricReader()
    provider = MeterProvider(metric_readers=[reader])
    imp = ImpactCalculator().impacts("llama-3.1-8b", Usage(10, 5))
    assert isinstance(imp, CallImpacts)
    OTelSink(provider).record(CallRecord("vllm", "llama", "llama-3.1-8b", 0.0, 1.0, "r1", imp))
    (_, water), = _points(reader)["aifootprint.gen_ai.water"]
    assert water.value == pytest.approx(imp.water_l.best) and water.attributes["gen_ai.system"] == "vllm"
    provider.shutdown()
