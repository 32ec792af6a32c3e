"""Energy -> carbon, water and embodied impacts (the one core every source goes through).

Lazy re-exports (PEP 562): a name loads only its module (``aifootprint measure`` needs the site and the core, not
the hourly-profile reader with its csv and datetime imports).
"""

from __future__ import annotations

from .._lazy import lazy_getattr

TYPE_CHECKING = False  # the names below are imported on first use
if TYPE_CHECKING:
    from .core import Impacts, assess, li2023_water_l
    from .embodied import DEFAULT_LIFETIME_YEARS, SECONDS_PER_YEAR, embodied_carbon_g, lifetime_s_uncertain
    from .profile import IntensityProfile, carbon_from_power_series, load_intensity_profile
    from .site import Factor, Site, SiteOverrides, resolve_site, resolve_zone

_EXPORTS = {
    "DEFAULT_LIFETIME_YEARS": "embodied",
    "SECONDS_PER_YEAR": "embodied",
    "Factor": "site",
    "Impacts": "core",
    "IntensityProfile": "profile",
    "Site": "site",
    "SiteOverrides": "site",
    "assess": "core",
    "carbon_from_power_series": "profile",
    "embodied_carbon_g": "embodied",
    "li2023_water_l": "core",
    "lifetime_s_uncertain": "embodied",
    "load_intensity_profile": "profile",
    "resolve_site": "site",
    "resolve_zone": "site",
}

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

__getattr__ = lazy_getattr(__name__, _EXPORTS)
