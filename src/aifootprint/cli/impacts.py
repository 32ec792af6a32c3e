"""``aifootprint impacts``: energy -> carbon and water at a location."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import InputError
from ..impacts import SiteOverrides, assess, resolve_site
from .output import emit
from .validate import in_range


def impacts(
    energy_kwh: Annotated[float, typer.Option("--energy-kwh", help="IT (server) energy [kWh].",
                                              callback=in_range("--energy-kwh"))],
    location: Annotated[str | None, typer.Option(help="ISO country (FR, FRA), sub-national (US-WA), cloud region "
                                                       "(aws:us-east-1) or WORLD.")] = None,
    operator: Annotated[str | None, typer.Option(help="Data-centre operator: google, microsoft, aws, meta, …")] = None,
    pue: Annotated[float | None, typer.Option(help="Power usage effectiveness [-], overrides the operator's.",
                                              callback=in_range("--pue"))] = None,
    wue_l_per_kwh: Annotated[float | None, typer.Option("--wue-l-per-kwh", help="On-site WUE [L/kWh].",
                                                        callback=in_range("--wue-l-per-kwh"))] = None,
    ewif_l_per_kwh: Annotated[float | None, typer.Option("--ewif-l-per-kwh",
                                                         help="Off-site water intensity [L/kWh].",
                                                         callback=in_range("--ewif-l-per-kwh"))] = None,
    intensity_g_per_kwh: Annotated[float | None, typer.Option("--intensity-g-per-kwh",
                                                              help="Grid intensity [gCO2e/kWh].",
                                                              callback=in_range("--intensity-g-per-kwh"))] = None,
    market_intensity_g_per_kwh: Annotated[float | None, typer.Option(
        "--market-intensity-g-per-kwh", help="Market-based factor [gCO2e/kWh] (e.g. the operator's published one).",
        callback=in_range("--market-intensity-g-per-kwh"))] = None,
    intensity_profile: Annotated[str | None, typer.Option("--intensity-profile", help="Hourly grid intensity CSV "
                                                          "(timestamp,intensity_g_per_kwh); with --at, that hour's "
                                                          "value, else the profile's time-weighted mean.")] = None,
    at: Annotated[str | None, typer.Option("--at", help="Time for --intensity-profile / --live-intensity (ISO "
                                                        "8601, UTC if naive).")] = None,
    live_intensity: Annotated[bool, typer.Option("--live-intensity", help="Grid intensity from the live provider "
                                                 "you configured (AIFOOTPRINT_ELECTRICITYMAPS_TOKEN, or "
                                                 "AIFOOTPRINT_INTENSITY_PROVIDER=uk-carbon-intensity).")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the JSON result.")] = False,
) -> None:
    """Turn an amount of IT energy into facility energy, carbon and water, with sources."""
    from ..impacts.intensity.flags import intensity_from_flags  # integ: hourly / live intensity

    hourly, extra, notices = intensity_from_flags(intensity_profile, at, live_intensity, location)
    if hourly is not None:
        if intensity_g_per_kwh is not None:
            raise InputError("give --intensity-g-per-kwh or --intensity-profile / --live-intensity, not both")
        intensity_g_per_kwh = hourly
    overrides = SiteOverrides(intensity_g_per_kwh=intensity_g_per_kwh,
                              market_intensity_g_per_kwh=market_intensity_g_per_kwh, pue=pue,
                              wue_l_per_kwh=wue_l_per_kwh, ewif_l_per_kwh=ewif_l_per_kwh)
    site = resolve_site(location, operator, overrides)
    result = assess(energy_kwh, site).to_result({"it_energy_kwh": energy_kwh, **extra})
    if notices:
        from dataclasses import replace

        result = replace(result, warnings=[*result.warnings, *notices])
    emit(result, json_out, title="impacts")


def register(app: typer.Typer) -> None:
    app.command("impacts")(impacts)
