"""Energy -> carbon, water and embodied impacts (the one core every source goes through)."""

from __future__ import annotations

from .core import Impacts, assess, li2023_water_l
from .embodied import DEFAULT_LIFETIME_YEARS, SECONDS_PER_YEAR, embodied_carbon_g, lifetime_s_uncertain
from .profile import IntensityProfile, carbon_from_power_series, load_intensity_profile
from .site import Factor, Site, SiteOverrides, resolve_site, resolve_zone

__all__ = [
    "DEFAULT_LIFETIME_YEARS",
    "SECONDS_PER_YEAR",
    "Factor",
    "Impacts",
    "IntensityProfile",
    "Site",
    "SiteOverrides",
    "assess",
    "carbon_from_power_series",
    "embodied_carbon_g",
    "li2023_water_l",
    "lifetime_s_uncertain",
    "load_intensity_profile",
    "resolve_site",
    "resolve_zone",
]
