"""OpenTelemetry metrics (extra ``[otel]``): measured energy from the tracker, per-call footprint from the hooks.

Instruments (a meter named ``aifootprint``; pass your ``MeterProvider`` or let the global one be used):

Tracker (:class:`TrackerMetrics`), following the hardware semantic conventions
(open-telemetry/semantic-conventions, docs/hardware): energy counters in joules.
- ``hw.host.energy`` (Counter, ``J``): energy of all measured devices, added after every sample
  (``Tracker.add_interval_listener``), attributes ``hw.id`` (host) and ``aifootprint.run``.
- ``hw.energy`` (Counter, ``J``): per device, added from a finished :class:`~aifootprint.measure.Measurement`
  (``hw.id`` = device, ``hw.type`` = ``gpu`` | ``cpu`` | ``memory``). Host and component metrics must not be summed
  together (the convention's rule): they count the same joules.

Client hooks (:class:`OTelSink`, a :class:`~.core.CallSink`), with the GenAI attributes ``gen_ai.system``,
``gen_ai.provider.name``, ``gen_ai.operation.name``, ``gen_ai.request.model``, ``gen_ai.response.model``:
- ``gen_ai.client.token.usage`` (Histogram, ``{token}``, the convention's bucket boundaries
  :data:`TOKEN_BUCKETS`): per the GenAI convention, ``gen_ai.token.type`` =
  ``input`` / ``output``; reasoning and cached counts are recorded with the types ``reasoning`` and
  ``cached_input`` (subsets of output and input: do not add them to the totals). Calls without an estimate
  (unknown model) count here too.
- ``aifootprint.gen_ai.energy`` (Counter, ``J``), ``aifootprint.gen_ai.carbon`` (Counter, ``g``),
  ``aifootprint.gen_ai.water`` (Counter, ``L``): best estimates per call (no GenAI energy metric exists yet),
  with ``aifootprint.model`` (model as resolved) and ``aifootprint.boundary``.
"""

from __future__ import annotations

import os
from typing import Any

from .core import CallRecord, UnestimatedCall, Usage

COMPONENT_TYPES = {"gpu": "gpu", "cpu": "cpu", "ram": "memory"}
#: Bucket boundaries [tokens] the GenAI metrics convention advises for ``gen_ai.client.token.usage``
#: (open-telemetry/semantic-conventions, docs/gen-ai/gen-ai-metrics.md: powers of 4 from 1 to 4^13). The SDK's default
#: boundaries end at 10,000, so every long prompt fell into one overflow bucket.
TOKEN_BUCKETS = tuple(4.0**k for k in range(14))


def _meter(meter_provider: Any | None) -> Any:
    from opentelemetry import metrics

    from aifootprint._version import __version__

    provider = meter_provider or metrics.get_meter_provider()
    return provider.get_meter("aifootprint", __version__)


class OTelSink:
    """Per-call metrics of instrumented LLM clients (see the module docstring)."""

    def __init__(self, meter_provider: Any | None = None) -> None:
        m = _meter(meter_provider)
        self._tokens = m.create_histogram("gen_ai.client.token.usage", unit="{token}",
                                          description="Tokens used by GenAI client calls",
                                          explicit_bucket_boundaries_advisory=TOKEN_BUCKETS)
        self._energy = m.create_counter("aifootprint.gen_ai.energy", unit="J",
                                        description="Estimated energy of GenAI calls (best)")
        self._carbon = m.create_counter("aifootprint.gen_ai.carbon", unit="g",
                                        description="Estimated CO2e of GenAI calls (best)")
        self._water = m.create_counter("aifootprint.gen_ai.water", unit="L",
                                       description="Estimated water consumption of GenAI calls (best)")

    def record(self, call: CallRecord) -> None:
        imp = call.impacts
        attrs = self._tokens_of(call, imp.usage)
        extra = {**attrs, "aifootprint.model": imp.model, "aifootprint.boundary": imp.boundary}
        self._energy.add(imp.energy_wh.best * 3600.0, extra)
        self._carbon.add(imp.carbon_g.best, extra)
        self._water.add(imp.water_l.best, extra)

    def record_unestimated(self, call: UnestimatedCall) -> None:
        """A call without an estimate (unknown model, no usage): its tokens still count in the token usage."""
        if call.usage is not None:
            self._tokens_of(call, call.usage)

    def _tokens_of(self, call: CallRecord | UnestimatedCall, u: Usage) -> dict[str, str]:
        """Record the call's token usage; return its GenAI attributes."""
        attrs = {"gen_ai.system": call.system, "gen_ai.provider.name": call.system,
                 "gen_ai.operation.name": call.operation,
                 "gen_ai.request.model": call.request_model, "gen_ai.response.model": call.response_model}
        for kind, n in (("input", u.input_tokens), ("output", u.output_tokens), ("reasoning", u.reasoning_tokens),
                        ("cached_input", u.cached_tokens)):
            if n or kind in ("input", "output"):
                self._tokens.record(n, {**attrs, "gen_ai.token.type": kind})
        return attrs


class TrackerMetrics:
    """Energy counters for a :class:`~aifootprint.measure.Tracker` (see the module docstring).

    ``attach(tracker)`` streams ``hw.host.energy`` while it runs; ``record_measurement(result)`` adds each device's
    energy to ``hw.energy`` once the run (or a window) is finished. Neither touches the tracker's own code.
    """

    def __init__(self, meter_provider: Any | None = None, host: str | None = None, run: str = "") -> None:
        m = _meter(meter_provider)
        self._host = m.create_counter("hw.host.energy", unit="J", description="Energy consumed by the measured "
                                      "devices of the host")
        self._device = m.create_counter("hw.energy", unit="J", description="Energy consumed by the component")
        self.host = host or os.uname().nodename
        self.run = run

    def __call__(self, t0_s: float, t1_s: float, energy_j: float) -> None:
        """Interval listener: ``energy_j`` measured between ``t0_s`` and ``t1_s``."""
        if energy_j > 0:
            self._host.add(energy_j, {"hw.id": self.host, "aifootprint.run": self.run})

    def attach(self, tracker: Any) -> TrackerMetrics:
        if not self.run:
            self.run = str(getattr(getattr(tracker, "config", None), "name", "") or "")
        tracker.add_interval_listener(self)
        return self

    def record_measurement(self, measurement: Any) -> None:
        """Add each device's energy of a finished measurement to ``hw.energy``."""
        for d in measurement.devices:
            if d.energy_j > 0:
                self._device.add(d.energy_j, {"hw.id": d.device, "hw.type": COMPONENT_TYPES.get(d.component,
                                                                                                d.component),
                                              "aifootprint.run": self.run or measurement.name,
                                              "aifootprint.estimated": bool(d.estimated)})
