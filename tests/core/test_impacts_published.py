"""Impacts core pinned to published worked examples (explicit factors, as the authors used them)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.errors import InputError
from aifootprint.impacts import Factor, Site, assess, embodied_carbon_g
from aifootprint.impacts.embodied import SECONDS_PER_YEAR
from aifootprint.uncertainty import Uncertain


def site(intensity: float = 0.0, pue: float = 1.0, wue: float = 0.0, ewif: float = 0.0) -> Site:
    return Site(
        location="test",
        zone="test",
        intensity=Factor("grid_intensity", intensity, "gCO2e/kWh", "test"),
        pue=Factor("pue", pue, "-", "test"),
        wue=Factor("wue_onsite", wue, "L/kWh", "test"),
        ewif=Factor("ewif_offsite", ewif, "L/kWh", "test"),
    )


@pytest.mark.parametrize(
    "pue, wue, ewif, expected_ml",
    [
        # Li, Yang, Islam, Ren, "Making AI Less 'Thirsty'", arXiv:2304.03271, Table 1: per-request water for a
        # 0.004 kWh request. U.S. average: PUE 1.170, WUE 0.550, EWIF 3.142 -> 16.904 mL.
        (1.170, 0.550, 3.142, 16.904),
        # Washington: PUE 1.150, WUE 0.950, EWIF 9.501 -> 47.506 mL.
        (1.150, 0.950, 9.501, 47.506),
        # Texas: PUE 1.280, WUE 0.250, EWIF 1.287 -> 7.590 mL.
        (1.280, 0.250, 1.287, 7.590),
    ],
)
def test_li_et_al_2023_water_per_request(pue: float, wue: float, ewif: float, expected_ml: float) -> None:
    imp = assess(0.004, site(pue=pue, wue=wue, ewif=ewif))
    assert float(imp.water_l) * 1000 == pytest.approx(expected_ml, rel=0.005)


def test_patterson_2021_gpt3_training_carbon() -> None:
    """Patterson et al. 2021 (arXiv:2104.10350): GPT-3 1,287 MWh at 0.429 kgCO2e/kWh -> 552.1 tCO2e.

    Patterson's energy already includes the PUE (1.10), so PUE = 1 here.
    """
    imp = assess(1_287_000.0, site(intensity=429.0))
    assert float(imp.carbon_g) / 1e6 == pytest.approx(552.1, rel=0.001)


def test_bloom_dynamic_training_carbon() -> None:
    """Luccioni et al. 2022 (arXiv:2211.02001): BLOOM 433 MWh x 57 gCO2e/kWh (France) -> 24.7 tCO2e (dynamic)."""
    imp = assess(433_196.0, site(intensity=57.0))
    assert float(imp.carbon_g) / 1e6 == pytest.approx(24.69, rel=0.002)


def test_t5_training_carbon_with_pue() -> None:
    """Patterson et al. 2021: T5 85.7 MWh (incl. PUE 1.12) x 0.545 kg/kWh -> 46.7 tCO2e."""
    imp = assess(85_700.0 / 1.12, site(intensity=545.0, pue=1.12))
    assert float(imp.facility_energy_kwh) == pytest.approx(85_700.0)
    assert float(imp.carbon_g) / 1e6 == pytest.approx(46.7, rel=0.001)


def test_embodied_bloom_gpu_share() -> None:
    """BLOOM's embodied assumption: 150 kgCO2e per A100 (Luccioni et al. 2022). One GPU used for 1 of 5 years
    carries a fifth of it."""
    g = embodied_carbon_g(150.0, SECONDS_PER_YEAR, 5 * SECONDS_PER_YEAR)
    assert float(g) == pytest.approx(30_000.0)


def test_negative_energy_is_refused() -> None:
    with pytest.raises(InputError, match="non-negative"):
        assess(-1.0, site())


energies = st.floats(min_value=0.0, max_value=1e9, allow_nan=False)
intensities = st.floats(min_value=0.0, max_value=2000.0, allow_nan=False)


@given(energies, intensities, intensities)
def test_cleaner_grid_never_more_carbon(e: float, a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    assert float(assess(e, site(intensity=lo)).carbon_g) <= float(assess(e, site(intensity=hi)).carbon_g)


@given(energies, energies, st.floats(min_value=1.0, max_value=3.0))
def test_more_energy_more_water_and_pue_scales_facility(e1: float, e2: float, pue: float) -> None:
    lo, hi = sorted((e1, e2))
    s = site(pue=pue, wue=0.5, ewif=3.0)
    assert float(assess(lo, s).water_l) <= float(assess(hi, s).water_l)
    assert float(assess(hi, s).facility_energy_kwh) == pytest.approx(hi * pue)


@settings(deadline=None, max_examples=20)
@given(st.floats(min_value=1.0, max_value=100.0))
def test_uncertain_energy_propagates(e: float) -> None:
    energy = Uncertain.range(0.5 * e, 1.5 * e)
    imp = assess(energy, site(intensity=400.0))
    c = imp.carbon_g
    assert isinstance(c, Uncertain)
    assert c.low == pytest.approx(400 * energy.low)
    assert c.high == pytest.approx(400 * energy.high)
