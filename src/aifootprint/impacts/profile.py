"""Time-varying grid intensity: an hourly (or any step) profile applied to a power time series.

Profile CSV: header ``timestamp,intensity_g_per_kwh``; ISO-8601 timestamps (naive ones are read as UTC); each
value holds from its timestamp until the next one (the last one holds for ever after).
"""

from __future__ import annotations

import bisect
import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..errors import InputError
from ..fileio import read_input

J_PER_KWH = 3.6e6


@dataclass(frozen=True)
class IntensityProfile:
    """Step function of grid intensity over time (epoch seconds, sorted)."""

    times_s: tuple[float, ...]
    intensity_g_per_kwh: tuple[float, ...]
    source: str = "user profile"

    def at(self, t_s: float) -> float:
        """Intensity in force at time ``t_s`` (the first value before the profile starts)."""
        i = bisect.bisect_right(self.times_s, t_s) - 1
        return self.intensity_g_per_kwh[max(i, 0)]


def _parse_time(text: str, where: str) -> float:
    try:
        dt = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"{where}: timestamp {text!r} is not ISO 8601 (e.g. 2025-01-31T14:00:00Z)") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def load_intensity_profile(path: Path | str) -> IntensityProfile:
    """Read a ``timestamp,intensity_g_per_kwh`` CSV; errors name the file and line."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"intensity profile {p} does not exist")
    times: list[float] = []
    values: list[float] = []
    try:
        text = read_input(p, "intensity profile").decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{p}: not UTF-8 text (byte {exc.start}); save the profile as UTF-8 CSV") from None
    except OSError as exc:
        raise InputError(f"cannot read intensity profile {p}: {exc.strerror}") from None
    with io.StringIO(text, newline="") as fh:
        reader = csv.reader(fh)
        header = [h.strip() for h in next(reader, [])]
        if header != ["timestamp", "intensity_g_per_kwh"]:
            raise InputError(f"{p}:1: header must be 'timestamp,intensity_g_per_kwh', got {','.join(header)!r}")
        from .site import OVERRIDE_RANGES

        low, high, unit = OVERRIDE_RANGES["intensity_g_per_kwh"]
        for lineno, cells in enumerate(reader, start=2):
            if not cells or all(not c.strip() for c in cells):
                continue
            where = f"{p}:{lineno}"
            if len(cells) != 2:
                raise InputError(f"{where}: expected 2 cells (timestamp, intensity_g_per_kwh), got {len(cells)}")
            t = _parse_time(cells[0], where)
            try:
                v = float(cells[1])
            except ValueError:
                raise InputError(f"{where}: intensity {cells[1]!r} is not a number") from None
            if not (math.isfinite(v) and low <= v <= high):  # the range of --intensity-g-per-kwh, per row
                raise InputError(f"{where}: intensity must be a finite number >= {low:g} and <= {high:g} {unit}, "
                                 f"got {cells[1].strip()[:40]}")
            if times and t <= times[-1]:
                raise InputError(f"{where}: timestamps must increase (this one is not after the previous line)")
            times.append(t)
            values.append(v)
    if not times:
        raise InputError(f"{p}: no data rows")
    return IntensityProfile(tuple(times), tuple(values), source=str(p))


def carbon_from_power_series(times_s: Sequence[float], power_w: Sequence[float], profile: IntensityProfile,
                             pue: float = 1.0) -> tuple[float, float]:
    """Integrate a power series against a time-varying intensity.

    Trapezoidal energy per interval, charged at the intensity in force at the interval's midpoint.
    Returns ``(energy_kwh, carbon_g)`` at the facility (energy × ``pue``).
    """
    if len(times_s) != len(power_w):
        raise InputError(f"times_s and power_w differ in length ({len(times_s)} vs {len(power_w)})")
    energy_kwh = 0.0
    carbon_g = 0.0
    for i in range(1, len(times_s)):
        dt = times_s[i] - times_s[i - 1]
        if dt < 0:
            raise InputError(f"power series times must increase (index {i})")
        e_kwh = 0.5 * (power_w[i] + power_w[i - 1]) * dt / J_PER_KWH * pue
        energy_kwh += e_kwh
        carbon_g += e_kwh * profile.at(times_s[i - 1] + dt / 2)
    return energy_kwh, carbon_g
