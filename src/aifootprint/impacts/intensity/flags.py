"""The intensity flags of the CLI (``--intensity-profile FILE``, ``--at TIME``, ``--live-intensity``) in one place."""

from __future__ import annotations

from typing import Any

from aifootprint.errors import InputError
from aifootprint.notice import Notice

from .base import profile_reading, reading_inputs


def intensity_from_flags(profile: str | None, at: str | None, live: bool, location: str | None,
                         env: Any | None = None) -> tuple[float | None, dict[str, Any], list[Notice]]:
    """``(intensity_g_per_kwh or None, result inputs naming provider / zone / hour / basis / signal, notices)``."""
    if profile is not None and live:
        raise InputError("give --intensity-profile or --live-intensity, not both")
    if profile is not None:
        r = profile_reading(profile, at, location or "")
        outside = [Notice("intensity-outside-profile", f"--at {at} is outside the intensity profile: the value of "
                          f"its nearest row ({r.to_dict()['hour']}) is used", "intensity", "profile")
                   ] if at is not None and r.estimated else []
        return r.intensity_g_per_kwh, reading_inputs(r), outside
    if not live:
        if at is not None:
            raise InputError("--at is used with --intensity-profile or --live-intensity")
        return None, {}, []
    from aifootprint.impacts.profile import _parse_time

    from .base import CachedProvider
    from .live import ENV_EM_TOKEN, ENV_PROVIDER, provider_from_env

    provider = provider_from_env(env)
    if not isinstance(provider, CachedProvider):
        raise InputError(f"--live-intensity needs a configured provider: set {ENV_EM_TOKEN} (Electricity Maps) or "
                         f"{ENV_PROVIDER}=uk-carbon-intensity")
    if not location:
        raise InputError("--live-intensity needs --location (the grid zone, e.g. FR, DE, GB)")
    r = provider.intensity(location, None if at is None else _parse_time(at, "--at"))
    notices = [Notice("live-intensity-failed", f"{e}; registry value used instead", "intensity", provider.name)
               for e in provider.errors]
    return r.intensity_g_per_kwh, reading_inputs(r), notices
