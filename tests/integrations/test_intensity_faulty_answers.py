"""A live grid-intensity service that answers nonsense: before, Electricity Maps' ``"carbonIntensity": NaN`` (JSON
as Python reads it), ``Infinity``, ``-50`` or ``1e308`` became the result's intensity, unflagged (NaN or negative
carbon), and a reply of any size was read whole. Each is now a faulty answer: the cache falls back to the registry,
flagged ``estimated``, and records why. Served by a real local HTTP server."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from aifootprint.impacts.intensity.base import CachedProvider, RegistryProvider
from aifootprint.impacts.intensity.live import MAX_REPLY_BYTES, ElectricityMapsProvider, UKCarbonIntensityProvider

from .fake_llm import serve


class _Raw(BaseHTTPRequestHandler):
    """Answers every GET with the server's ``body`` bytes as JSON."""

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        body: bytes = self.server.body  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:  # the client stops reading an answer that is too big
            return


EM_ANSWERS = {
    "NaN": b'{"zone": "FR", "carbonIntensity": NaN}',
    "Infinity": b'{"zone": "FR", "carbonIntensity": Infinity}',
    "negative": b'{"zone": "FR", "carbonIntensity": -50}',
    "absurd": b'{"zone": "FR", "carbonIntensity": 1e308}',
    "boolean": b'{"zone": "FR", "carbonIntensity": true}',
    "too big": b'{"zone": "FR", "carbonIntensity": 50, "pad": "' + b"x" * MAX_REPLY_BYTES + b'"}',
}


@pytest.mark.parametrize("name", sorted(EM_ANSWERS))
def test_faulty_electricity_maps_answer_falls_back_flagged(name: str) -> None:
    with serve(_Raw, body=EM_ANSWERS[name]) as (url, _):
        cache = CachedProvider(ElectricityMapsProvider("secret", url))
        reading = cache.intensity("FR")
    registry = RegistryProvider().intensity("FR")
    assert reading.provider == "registry" and reading.estimated
    assert reading.intensity_g_per_kwh == registry.intensity_g_per_kwh
    assert cache.errors and ("not a grid intensity" in cache.errors[0] or "larger than" in cache.errors[0])


@pytest.mark.parametrize("actual", ["NaN", "-1", "5000"])
def test_faulty_uk_answer_falls_back_flagged(actual: str) -> None:
    body = ('{"data": [{"from": "2025-01-01T10:00Z", "to": "2025-01-01T10:30Z", "intensity": {"forecast": null, '
            f'"actual": {actual}}}}}]}}').encode()
    with serve(_Raw, body=body) as (url, _):
        cache = CachedProvider(UKCarbonIntensityProvider(url))
        reading = cache.intensity("GB")
    assert reading.provider == "registry" and reading.estimated and cache.errors


def test_a_good_answer_is_still_taken() -> None:
    with serve(_Raw, body=b'{"zone": "FR", "carbonIntensity": 2000, "datetime": "2025-01-01T10:00:00Z"}') as (url, _):
        reading = CachedProvider(ElectricityMapsProvider("secret", url)).intensity("FR")
    assert (reading.provider, reading.intensity_g_per_kwh, reading.estimated) == ("electricitymaps", 2000.0, False)
