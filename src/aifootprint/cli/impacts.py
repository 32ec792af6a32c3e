"""``aifootprint impacts``: energy -> carbon and water at a location."""

from __future__ import annotations

from typing import Annotated

import typer

from ..impacts import SiteOverrides, assess, resolve_site
from .output import emit
from .validate import check_flags


def impacts(
    energy_kwh: Annotated[float, typer.Option("--energy-kwh", help="IT (server) energy [kWh].")],
    location: Annotated[str | None, typer.Option(help="ISO country (FR, FRA), sub-national (US-WA), cloud region "
                                                       "(aws:us-east-1) or WORLD.")] = None,
    operator: Annotated[str | None, typer.Option(help="Data-centre operator: google, microsoft, aws, meta, …")] = None,
    pue: Annotated[float | None, typer.Option(help="Power usage effectiveness [-], overrides the operator's.")] = None,
    wue_l_per_kwh: Annotated[float | None, typer.Option("--wue-l-per-kwh", help="On-site WUE [L/kWh].")] = None,
    ewif_l_per_kwh: Annotated[float | None, typer.Option("--ewif-l-per-kwh",
                                                         help="Off-site water intensity [L/kWh].")] = None,
    intensity_g_per_kwh: Annotated[float | None, typer.Option("--intensity-g-per-kwh",
                                                              help="Grid intensity [gCO2e/kWh].")] = None,
    market_intensity_g_per_kwh: Annotated[float | None, typer.Option(
        "--market-intensity-g-per-kwh", help="Market-based factor [gCO2e/kWh] (e.g. the operator's published one).")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the JSON result.")] = False,
) -> None:
    """Turn an amount of IT energy into facility energy, carbon and water, with sources."""
    check_flags({"--energy-kwh": energy_kwh, "--intensity-g-per-kwh": intensity_g_per_kwh,
                 "--market-intensity-g-per-kwh": market_intensity_g_per_kwh, "--pue": pue,
                 "--wue-l-per-kwh": wue_l_per_kwh, "--ewif-l-per-kwh": ewif_l_per_kwh})
    overrides = SiteOverrides(intensity_g_per_kwh=intensity_g_per_kwh,
                              market_intensity_g_per_kwh=market_intensity_g_per_kwh, pue=pue,
                              wue_l_per_kwh=wue_l_per_kwh, ewif_l_per_kwh=ewif_l_per_kwh)
    site = resolve_site(location, operator, overrides)
    result = assess(energy_kwh, site).to_result({"it_energy_kwh": energy_kwh})
    emit(result, json_out, title="impacts")


def register(app: typer.Typer) -> None:
    app.command("impacts")(impacts)
