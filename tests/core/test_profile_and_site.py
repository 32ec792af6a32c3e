"""Hourly intensity profiles and location resolution through the registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from aifootprint.errors import InputError
from aifootprint.impacts import SiteOverrides, carbon_from_power_series, load_intensity_profile, resolve_site


def test_profile_charges_each_hour_at_its_intensity(tmp_path: Path) -> None:
    p = tmp_path / "profile.csv"
    p.write_text("timestamp,intensity_g_per_kwh\n2025-01-01T00:00:00Z,100\n2025-01-01T01:00:00Z,300\n")
    prof = load_intensity_profile(p)
    t0 = prof.times_s[0]
    # 1 kW for two hours: 1 kWh at 100 g + 1 kWh at 300 g = 400 g
    times = [t0 + 60.0 * i for i in range(121)]
    energy_kwh, carbon_g = carbon_from_power_series(times, [1000.0] * len(times), prof)
    assert energy_kwh == pytest.approx(2.0)
    assert carbon_g == pytest.approx(400.0, rel=1e-9)


@pytest.mark.parametrize(
    "text, message",
    [
        ("time,value\n", "header must be"),
        ("timestamp,intensity_g_per_kwh\nyesterday,3\n", r"profile.csv:2: timestamp 'yesterday'"),
        ("timestamp,intensity_g_per_kwh\n2025-01-01T00:00,abc\n", r":2: intensity 'abc'"),
        ("timestamp,intensity_g_per_kwh\n2025-01-01T01:00,1\n2025-01-01T00:00,1\n", r":3: timestamps must increase"),
        ("timestamp,intensity_g_per_kwh\n2025-01-01T00:00,-5\n", ">= 0"),
    ],
)
def test_malformed_profile_names_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    p = tmp_path / "profile.csv"
    p.write_text(text)
    with pytest.raises(InputError, match=message):
        load_intensity_profile(p)


def test_location_forms_agree() -> None:
    """ISO alpha-2, alpha-3 and the country name resolve to the same zone."""
    a, b, c = resolve_site("FR"), resolve_site("FRA"), resolve_site("France")
    assert a.zone == b.zone == c.zone == "FR"
    assert a.intensity_g_per_kwh == b.intensity_g_per_kwh == c.intensity_g_per_kwh


def test_cloud_region_uses_provider_operator() -> None:
    site = resolve_site("aws:us-east-1")
    assert site.zone == "US-VA"
    assert site.operator == "aws"
    assert not site.pue.estimated


def test_subnational_water_falls_back_to_country_and_is_flagged() -> None:
    site = resolve_site("US-CA")
    assert site.ewif.estimated or site.ewif.source  # either its own factor or a flagged fallback
    if site.ewif.estimated:
        assert any("off-site water" in w.message for w in site.warnings())


def test_li_et_al_state_factors_shipped() -> None:
    """Li et al. 2023 EWIF: Washington 9.501 and Texas 1.287 L/kWh."""
    assert resolve_site("US-WA").ewif_l_per_kwh == pytest.approx(9.501)
    assert resolve_site("US-TX").ewif_l_per_kwh == pytest.approx(1.287)


def test_overrides_win_and_are_cited_as_user_input() -> None:
    site = resolve_site("FR", overrides=SiteOverrides(intensity_g_per_kwh=12.0, pue=1.1))
    assert site.intensity_g_per_kwh == 12.0
    assert site.pue.source == "user input" and not site.pue.estimated


def test_estimated_factor_without_note_still_warns() -> None:
    from dataclasses import replace

    from aifootprint.impacts import Factor

    site = resolve_site("FR", operator="google")
    assumed = replace(site, pue=Factor("pue", 1.2, "-", "ECO-PROV", estimated=True))
    # structured (audit 2026-12-04: code `note`, empty source): code, the factor as subject, its source
    (pue,) = [w for w in assumed.warnings() if w.subject == "pue"]
    assert pue.code == "estimated-fallback" and pue.source == "ECO-PROV"
    assert pue.message.startswith("pue: estimated fallback (ECO-PROV)")


def test_non_utf8_profile_is_a_clear_error(tmp_path: Path) -> None:
    p = tmp_path / "profile.csv"
    p.write_bytes(b"timestamp,intensity_g_per_kwh\n2025-01-01T00:00,\xff\xfe\n")
    with pytest.raises(InputError, match="not UTF-8"):
        load_intensity_profile(p)
