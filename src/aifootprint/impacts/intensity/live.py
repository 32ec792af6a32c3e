"""Live grid intensity over HTTP, behind :class:`~.base.IntensityProvider`; used only when the user opts in.

- :class:`ElectricityMapsProvider`: Electricity Maps API v3 (``/v3/carbon-intensity/latest`` and ``/past``,
  header ``auth-token``; https://static.electricitymaps.com/api/docs/index.html). Needs a key
  (``AIFOOTPRINT_ELECTRICITYMAPS_TOKEN``). Life-cycle, location-based, average intensity of the zone's consumption.
- :class:`UKCarbonIntensityProvider`: National Grid ESO's Carbon Intensity API for Great Britain (no key;
  ``/intensity`` and ``/intensity/{from}/{to}``; https://carbon-intensity.github.io/api-definitions/). Half-hourly,
  location-based, average; ``actual`` when published, else the ``forecast`` (flagged ``estimated``).

Both use the standard library (``urllib``), a timeout, and a base URL that tests point at a local fake server.
:func:`provider_from_env` picks one from the environment (else the offline registry) and wraps it in a
:class:`~.base.CachedProvider` (per zone and hour; falls back to the registry, flagged, if the service fails).
"""

from __future__ import annotations

import json
import os
import time
import urllib.parse
import urllib.request
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from aifootprint.errors import InputError

from .base import CachedProvider, IntensityProvider, IntensityReading, RegistryProvider

EM_URL = "https://api.electricitymap.org"
UK_URL = "https://api.carbonintensity.org.uk"
ENV_EM_TOKEN = "AIFOOTPRINT_ELECTRICITYMAPS_TOKEN"
ENV_PROVIDER = "AIFOOTPRINT_INTENSITY_PROVIDER"


#: The largest reply read from a live service [bytes]: its answers are one small JSON object; a design bound on what
#: a wrong URL can make a measured process hold in memory.
MAX_REPLY_BYTES = 4 << 20


def _get_json(url: str, headers: Mapping[str, str], timeout_s: float) -> Any:
    req = urllib.request.Request(url, headers={"Accept": "application/json", **headers})
    with urllib.request.urlopen(req, timeout=timeout_s) as resp:
        raw = resp.read(MAX_REPLY_BYTES + 1)
    if len(raw) > MAX_REPLY_BYTES:
        raise ValueError(f"the answer of {url.split('?')[0]} is larger than {MAX_REPLY_BYTES:,} bytes")
    return json.loads(raw.decode("utf-8"))


def _intensity(value: Any, what: str) -> float:
    """``value`` as gCO2e/kWh, or ValueError (the cache then falls back to the registry, flagged) unless it is a
    number in the range the CLI accepts for ``--intensity-g-per-kwh`` (``impacts.site.OVERRIDE_RANGES``: 0 to 2,000;
    JSON's NaN, Infinity, a negative or an absurd value is a faulty answer, never a result)."""
    from aifootprint.impacts.site import OVERRIDE_RANGES

    low, high, unit = OVERRIDE_RANGES["intensity_g_per_kwh"]
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:  # and NaN
        raise ValueError(f"{what} {value!r} is not a grid intensity from {low:g} to {high:g} {unit}")
    return float(value)


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%MZ")


def _epoch(text: str) -> float:
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).timestamp()


class ElectricityMapsProvider:
    """Electricity Maps v3 carbon intensity for a zone (``FR``, ``DE``, ``US-CAL-CISO``, …)."""

    name = "electricitymaps"

    def __init__(self, token: str, base_url: str = EM_URL, timeout_s: float = 10.0) -> None:
        if not token.strip():
            raise InputError(f"Electricity Maps needs an API token (set {ENV_EM_TOKEN})")
        self._token = token
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s

    def intensity(self, zone: str, at: float | None = None) -> IntensityReading:
        q = {"zone": zone}
        if at is None:
            path = "/v3/carbon-intensity/latest"
        else:
            path = "/v3/carbon-intensity/past"
            q["datetime"] = _iso(at)
        data = _get_json(f"{self.base_url}{path}?{urllib.parse.urlencode(q)}", {"auth-token": self._token},
                         self.timeout_s)
        value = _intensity(data.get("carbonIntensity"), f"carbonIntensity for zone {zone!r}")
        stamp = data.get("datetime")
        hour = _epoch(stamp) if isinstance(stamp, str) else None
        kind = str(data.get("emissionFactorType") or "lifecycle")
        return IntensityReading(value, self.name, str(data.get("zone") or zone), hour, "location", "average",
                                f"Electricity Maps API v3 ({kind})", None, bool(data.get("isEstimated", False)))


class UKCarbonIntensityProvider:
    """Great Britain's half-hourly intensity (zone ``GB``) from the Carbon Intensity API; no key needed."""

    name = "uk-carbon-intensity"

    def __init__(self, base_url: str = UK_URL, timeout_s: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s

    def intensity(self, zone: str = "GB", at: float | None = None) -> IntensityReading:
        if zone.upper() not in ("GB", "UK", "GBR"):
            raise InputError(f"the UK Carbon Intensity API covers Great Britain only (zone GB), not {zone!r}")
        if at is None:
            url = f"{self.base_url}/intensity"
        else:
            start = at - at % 1800
            url = f"{self.base_url}/intensity/{_iso(start)}/{_iso(start + 1800)}"
        data = _get_json(url, {}, self.timeout_s).get("data") or []
        if not data:
            raise ValueError("no intensity period in the answer")
        period = data[0]
        block = period.get("intensity") or {}
        actual, forecast = block.get("actual"), block.get("forecast")
        measured = isinstance(actual, int | float) and not isinstance(actual, bool)
        value = _intensity(actual if measured else forecast, "actual" if measured else "forecast intensity")
        return IntensityReading(value, self.name, "GB", _epoch(str(period["from"])), "location", "average",
                                "National Grid ESO Carbon Intensity API", None, not measured)


def provider_from_env(env: Mapping[str, str] | None = None, registry: Any | None = None,
                      clock: Any = time.time) -> IntensityProvider:
    """The provider the user configured: ``AIFOOTPRINT_INTENSITY_PROVIDER`` = ``electricitymaps`` (needs
    ``AIFOOTPRINT_ELECTRICITYMAPS_TOKEN``; a token alone also selects it) or ``uk-carbon-intensity``; otherwise
    the offline registry. Live ones are cached per (zone, hour) and fall back to the registry, flagged."""
    e = os.environ if env is None else env
    choice = e.get(ENV_PROVIDER, "").strip().lower()
    token = e.get(ENV_EM_TOKEN, "")
    fallback = RegistryProvider(registry)
    if choice in ("", "registry") and not token:
        return fallback
    if choice in ("electricitymaps", "") and token:
        return CachedProvider(ElectricityMapsProvider(token, e.get("AIFOOTPRINT_ELECTRICITYMAPS_URL", EM_URL)),
                              fallback, clock=clock)
    if choice == "electricitymaps":
        raise InputError(f"{ENV_PROVIDER}=electricitymaps needs a token in {ENV_EM_TOKEN}")
    if choice == "uk-carbon-intensity":
        return CachedProvider(UKCarbonIntensityProvider(e.get("AIFOOTPRINT_UK_INTENSITY_URL", UK_URL)), fallback,
                              clock=clock)
    if choice == "registry":
        return fallback
    raise InputError(f"{ENV_PROVIDER}={choice!r} is not known; accepted: registry, electricitymaps, "
                     "uk-carbon-intensity")
