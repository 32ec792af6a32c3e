"""The provider interface and the offline providers: the registry (default) and an hourly profile file.

A provider answers ``intensity(zone, at)`` with an :class:`IntensityReading`. ``at`` is a Unix time (None: now);
offline providers ignore it (registry) or look it up in the profile (step function: each value holds from its
timestamp until the next, the last one for the profile's step). :class:`CachedProvider` memoises any provider per
(zone, hour).
"""

from __future__ import annotations

import functools
import itertools
import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from aifootprint.impacts.profile import IntensityProfile

#: Labels of a factor's accounting basis (GHG Protocol Scope 2 Guidance, 2015: location- vs market-based).
BASES = ("location", "market")
#: Labels of the signal: average intensity of the mix, or marginal (the plant that responds to extra load).
SIGNALS = ("average", "marginal")


@dataclass(frozen=True)
class IntensityReading:
    """One grid intensity with what it is: ``provider``, ``zone``, the ``hour_start`` it holds for (Unix time;
    None for an annual figure), ``basis`` (location | market), ``signal`` (average | marginal), ``source``,
    ``year`` and whether it is a forecast or a fallback (``estimated``)."""

    intensity_g_per_kwh: float
    provider: str
    zone: str
    hour_start: float | None
    basis: str = "location"
    signal: str = "average"
    source: str = ""
    year: int | None = None
    estimated: bool = False

    def to_dict(self) -> dict[str, Any]:
        hour = None
        if self.hour_start is not None:
            hour = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.hour_start))
        return {"intensity_g_per_kwh": self.intensity_g_per_kwh, "provider": self.provider, "zone": self.zone,
                "hour": hour, "basis": self.basis, "signal": self.signal, "source": self.source, "year": self.year,
                "estimated": self.estimated}


class IntensityProvider(Protocol):
    """Grid intensity for a zone at a time."""

    name: str

    def intensity(self, zone: str, at: float | None = None) -> IntensityReading: ...


class RegistryProvider:
    """Offline default: the registry's annual average for the zone (location-based, average), resolved like
    ``--location`` (ISO country, sub-national code, cloud region). Cached per zone."""

    name = "registry"

    def __init__(self, registry: Any | None = None) -> None:
        self._registry = registry
        self._cache: dict[str, IntensityReading] = {}

    def intensity(self, zone: str, at: float | None = None) -> IntensityReading:
        hit = self._cache.get(zone)
        if hit is None:
            from aifootprint.impacts.site import resolve_site
            from aifootprint.uncertainty import best

            site = resolve_site(zone, registry=self._registry)
            f = site.intensity
            hit = IntensityReading(float(best(f.value)), self.name, site.zone, None, "location", "average",
                                   f.source, f.year, f.estimated)
            self._cache[zone] = hit
        return hit


class ProfileProvider:
    """An hourly (any step) profile read from a ``timestamp,intensity_g_per_kwh`` CSV (see
    :mod:`aifootprint.impacts.profile`), for one zone. ``basis``/``signal`` label what the file holds
    (default location-based average)."""

    name = "profile"

    def __init__(self, profile: IntensityProfile, zone: str = "", basis: str = "location",
                 signal: str = "average") -> None:
        from aifootprint.errors import InputError

        if basis not in BASES or signal not in SIGNALS:
            raise InputError(f"basis must be one of {BASES} and signal one of {SIGNALS}, got {basis!r}, {signal!r}")
        self.profile = profile
        self.zone = zone
        self.basis = basis
        self.signal = signal

    @classmethod
    def from_file(cls, path: str, zone: str = "", basis: str = "location", signal: str = "average") -> ProfileProvider:
        from aifootprint.impacts.profile import load_intensity_profile

        return cls(load_intensity_profile(path), zone, basis, signal)

    @functools.cached_property
    def step_s(self) -> float:
        """How long each row holds [s]: the median gap between the timestamps (an hour for a one-row profile);
        computed once (:meth:`intensity` needs it on every call)."""
        import statistics

        gaps = [b - a for a, b in itertools.pairwise(self.profile.times_s) if b > a]
        return float(statistics.median(gaps)) if gaps else 3600.0

    @property
    def end_s(self) -> float:
        """When the profile ends: its last timestamp plus :attr:`step_s` (the last row holds for one step)."""
        return self.profile.times_s[-1] + self.step_s

    def intensity(self, zone: str, at: float | None = None) -> IntensityReading:
        """The value in force at ``at``; ``estimated`` when ``at`` is before the profile starts or after it ends
        (the nearest row is used)."""
        import bisect

        t = time.time() if at is None else at
        times = self.profile.times_s
        i = max(bisect.bisect_right(times, t) - 1, 0)
        outside = t < times[0] or t >= self.end_s
        return IntensityReading(self.profile.intensity_g_per_kwh[i], self.name, zone or self.zone, times[i],
                                self.basis, self.signal, self.profile.source, None, outside)

    def lookup(self, times_s: NDArray[np.float64]) -> NDArray[np.float64]:
        """Vectorised intensity at many Unix times (NaN times give NaN)."""
        import numpy as np

        t = np.asarray(self.profile.times_s, dtype=np.float64)
        v = np.asarray(self.profile.intensity_g_per_kwh, dtype=np.float64)
        idx = np.clip(np.searchsorted(t, times_s, side="right") - 1, 0, len(t) - 1)
        out = v[idx]
        out[~np.isfinite(times_s)] = np.nan
        return np.asarray(out, dtype=np.float64)

    def mean_between(self, t0: float, t1: float) -> float:
        """Time-weighted mean intensity over ``[t0, t1]`` (the value at ``t0`` when the span is empty)."""
        if not t1 > t0:
            return self.profile.at(t0)
        times = self.profile.times_s
        edges = sorted({t0, t1, *(t for t in times if t0 < t < t1)})
        total = sum((b - a) * self.profile.at(a) for a, b in itertools.pairwise(edges))
        return total / (t1 - t0)


class CachedProvider:
    """Memoise another provider per (zone, hour); a failing live provider falls back to ``fallback`` (the registry
    by default) with ``estimated=True``, never an exception in the caller's hot path."""

    def __init__(self, inner: IntensityProvider, fallback: IntensityProvider | None = None, ttl_s: float = 3600.0,
                 clock: Any = time.time) -> None:
        self.inner = inner
        self.name = inner.name
        self.fallback = fallback or RegistryProvider()
        self.ttl_s = ttl_s
        self._clock = clock
        self._cache: dict[tuple[str, int], tuple[float, IntensityReading]] = {}
        self.errors: list[str] = []

    def intensity(self, zone: str, at: float | None = None) -> IntensityReading:
        now = self._clock()
        hour = math.floor((now if at is None else at) / 3600.0)
        key = (zone, hour)
        hit = self._cache.get(key)
        if hit is not None and (at is not None or now - hit[0] < self.ttl_s):
            return hit[1]
        try:
            reading = self.inner.intensity(zone, at)
        except Exception as exc:  # network down, bad key, rate limit: fall back, say so
            from dataclasses import replace

            self.errors.append(f"{self.inner.name}: {type(exc).__name__}: {exc}")
            reading = replace(self.fallback.intensity(zone, at), estimated=True)
        self._cache[key] = (now, reading)
        return reading


class EnergyWeightedIntensity:
    """A tracker interval listener (``Tracker.add_interval_listener``) charging each measured interval at the
    profile's intensity at its midpoint; :meth:`mean_g_per_kwh` is the energy-weighted intensity of the run.

    ``epoch_s`` gives the Unix time of the tracker's t = 0 (``lambda: tracker.started_at``); :meth:`attach` sets it
    and registers the listener.
    """

    def __init__(self, provider: IntensityProvider, epoch_s: Any = None, zone: str = "") -> None:
        self.provider = provider
        self.zone = zone
        self._epoch = epoch_s
        self.energy_j = 0.0
        self.carbon_g = 0.0
        self.hours: set[float] = set()

    def __call__(self, t0_s: float, t1_s: float, energy_j: float) -> None:
        r = self.provider.intensity(self.zone, float(self._epoch()) + 0.5 * (t0_s + t1_s))
        self.energy_j += energy_j
        self.carbon_g += energy_j / 3.6e6 * r.intensity_g_per_kwh
        if r.hour_start is not None:
            self.hours.add(r.hour_start)

    def attach(self, tracker: Any) -> None:
        """Listen to ``tracker`` (started or not): intervals are placed in time from ``tracker.started_at``."""
        self._epoch = lambda: tracker.started_at
        tracker.add_interval_listener(self)

    def mean_g_per_kwh(self) -> float | None:
        return self.carbon_g / (self.energy_j / 3.6e6) if self.energy_j > 0 else None


def profile_reading(path: str, at: str | None = None, zone: str = "") -> IntensityReading:
    """The profile's intensity at ``at`` (ISO 8601), or its time-weighted mean over the whole profile (``hour``
    None) when ``at`` is None: each row holds until the next, the last one for the profile's step, so rows
    00:00Z 100 and 01:00Z 200 average 150. For the ``--intensity-profile FILE [--at TIME]`` flags."""
    from aifootprint.impacts.profile import _parse_time

    p = ProfileProvider.from_file(path, zone)
    if at is not None:
        return p.intensity(zone, _parse_time(at, "--at"))
    mean = p.mean_between(p.profile.times_s[0], p.end_s)
    return IntensityReading(mean, "profile", zone, None, p.basis, "average", f"{path} (time-weighted mean)")


def reading_inputs(r: IntensityReading) -> dict[str, Any]:
    """Result inputs saying which provider, zone and hour gave the intensity, and what kind of factor it is."""
    d = r.to_dict()
    return {f"intensity_{k}": d[k] for k in ("provider", "zone", "hour", "basis", "signal", "source", "estimated")}
