"""Test-wide settings: deterministic hypothesis runs without wall-clock deadlines (CI machines are shared and slow)."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "aifootprint",
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("aifootprint")
