"""Footprint of a measurement through the impacts core, and the impact statement."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aifootprint.measure.footprint import footprint
from aifootprint.measure.measurement import DeviceEnergy, Gap, Measurement
from aifootprint.measure.statement import impact_statement
from aifootprint.measure.store import RunHeader, StoredRun


def one_kwh(estimated_ram: bool = True) -> Measurement:
    devices = (
        DeviceEnergy("gpu:0", "gpu", "nvml-energy-counter", False, 3.0e6),
        DeviceEnergy("cpu:package-0", "cpu", "rapl", False, 0.4e6),
        DeviceEnergy("ram", "ram", "w-per-gb", estimated_ram, 0.2e6),
    )
    return Measurement("train", 0.0, 3600.0, devices, (Gap("gpu:0", 10.0, 12.0, "SensorError: x", "counter"),))


def test_one_kwh_in_france() -> None:
    """1 kWh of IT energy in France: grid 56.039 gCO2e/kWh (OWID carbon_intensity_elec 2023, via CodeCarbon's
    global_energy_mix.json, facts.md section H), industry-average PUE 1.56 (Uptime Institute 2024 survey), off-site
    water 3.6737 L/kWh (EcoLogits electricity_mixes.csv, WRI method). Tolerance 1e-9 (pure arithmetic)."""
    out = footprint(one_kwh(), "FR").to_dict()
    assert out["it_energy_kwh"]["best"] == pytest.approx(1.0)
    assert out["energy_kwh"]["best"] == pytest.approx(1.56, rel=1e-9)
    assert out["carbon_g"]["best"] == pytest.approx(1.56 * 56.039, rel=1e-9)
    assert out["water_offsite_l"]["best"] == pytest.approx(1.56 * 3.6737, rel=1e-9)
    assert out["energy_kwh_by_component"] == {"cpu": pytest.approx(0.4 / 3.6), "gpu": pytest.approx(3.0 / 3.6),
                                              "ram": pytest.approx(0.2 / 3.6)}
    assert out["estimated_components"] == ["ram"] and out["estimated"] is True
    assert any(w["code"] == "estimated" and w["subject"] == "ram" for w in out["warnings"])
    gaps = [w for w in out["warnings"] if isinstance(w, dict) and w["code"] == "sensor-gap"]
    assert any("bridged by counter" in w["message"] for w in gaps)
    assert out["kind"] == "measure" and out["percentiles"] == [5, 50, 95]


@settings(max_examples=50, deadline=None)
@given(st.floats(0.0, 1e9), st.floats(0.0, 1e9))
def test_carbon_is_linear_in_measured_energy(gpu_j: float, cpu_j: float) -> None:
    devices = (DeviceEnergy("gpu:0", "gpu", "fake", False, gpu_j), DeviceEnergy("cpu", "cpu", "fake", False, cpu_j))
    both = footprint(Measurement("m", 0.0, 1.0, devices), "PL").to_dict()["carbon_g"]["best"]
    one = footprint(Measurement("m", 0.0, 1.0, devices[:1]), "PL").to_dict()["carbon_g"]["best"]
    two = footprint(Measurement("m", 0.0, 1.0, devices[1:]), "PL").to_dict()["carbon_g"]["best"]
    assert both == pytest.approx(one + two, rel=1e-9, abs=1e-12)


def test_measurement_round_trips_through_dict() -> None:
    m = one_kwh()
    assert Measurement.from_dict(m.to_dict()) == m


def test_statement_has_paragraph_and_table() -> None:
    result = footprint(one_kwh(), "FR").to_dict()
    run = StoredRun(RunHeader("20261126-101010-abcdef", "train", 1_764_150_000.0, "node1", 1, hz=10.0,
                              location="FR"), 1_764_153_600.0, 0, {"labels": {"gpu:0": "NVIDIA H100 80GB HBM3"}})
    text = impact_statement(run, result)
    paragraph, table = text.split("\n\n", 1)
    assert "NVIDIA H100 80GB HBM3" in paragraph and "ran for 1.00 h" in paragraph
    assert "87.4 gCO2e" in paragraph  # 1.56 kWh x 56.039 g
    assert "The RAM figure is estimated" in paragraph
    assert "gap" in paragraph
    rows = table.strip().splitlines()
    assert rows[0] == "| Item | Value |" and len(rows) == 13
    assert any(r.startswith("| Versions |") and "method " in r and "data " in r for r in rows)
    (caveats,) = [r for r in rows if r.startswith("| Caveats |")]
    assert "estimated, not measured: ram" in caveats and "bridged by counter" in caveats


def fake_run() -> tuple[StoredRun, Measurement]:
    devices = (DeviceEnergy("gpu:0", "gpu", "fake", False, 3.0e6), DeviceEnergy("ram", "ram", "fake", False, 0.6e6))
    m = Measurement("demo", 0.0, 3600.0, devices, notes=("fake sensors (AIFOOTPRINT_SENSORS=fake): these are not "
                                                          "measurements of this machine",))
    run = StoredRun(RunHeader("20261126-101010-fake00", "demo", 1_764_150_000.0, "node1", 1, hz=10.0), 1.0, 0, {})
    return run, m


def test_fake_sensor_figures_are_flagged_as_simulated() -> None:
    """Review 2026-11-26: fake sensors showed estimated: false; they are a script, not a measurement."""
    _run, m = fake_run()
    out = footprint(m, "FR").to_dict()
    assert out["simulated"] is True and out["estimated"] is True
    assert [d["simulated"] for d in out["devices"]] == [True, True]
    assert {a["source"] for a in out["assumptions"] if a["name"].startswith("method:")} == {"simulated (fake sensor)"}
    assert out["warnings"][0]["code"] == "simulated"
    real = footprint(one_kwh(estimated_ram=False), "FR").to_dict()
    assert real["simulated"] is False and real["estimated"] is False


def test_fake_sensor_warning_is_added_even_without_the_note() -> None:
    devices = (DeviceEnergy("gpu:0", "gpu", "fake+power-integrated", False, 1.0),)
    out = footprint(Measurement("m", 0.0, 1.0, devices), "FR").to_dict()
    assert out["simulated"] is True and any(w["code"] == "simulated" for w in out["warnings"] if isinstance(w, dict))


def test_fake_sensor_statement_has_the_caveat() -> None:
    run, m = fake_run()
    text = impact_statement(run, footprint(m, "FR").to_dict())
    paragraph, table = text.split("\n\n", 1)
    assert "fake sensors (simulated)" in paragraph
    (caveats,) = [r for r in table.splitlines() if r.startswith("| Caveats |")]
    assert "fake sensors (AIFOOTPRINT_SENSORS=fake): these are not measurements of this machine" in caveats
    assert "(gpu, simulated: fake)" in table


def test_site_overrides_replace_the_registry_factors() -> None:
    """A workstation: PUE 1.0 given by the user replaces the industry-average 1.56 (Uptime 2024) and is cited as
    user input; carbon = 1 kWh x 1.0 x 56.039 g (FR, OWID 2023). Tolerance 1e-9 (arithmetic)."""
    from aifootprint.impacts import SiteOverrides

    out = footprint(one_kwh(), "FR", overrides=SiteOverrides(pue=1.0, wue_l_per_kwh=0.0)).to_dict()
    assert out["energy_kwh"]["best"] == pytest.approx(1.0, rel=1e-9)
    assert out["carbon_g"]["best"] == pytest.approx(56.039, rel=1e-9)
    assert {"name": "pue", "value": 1.0, "unit": "-", "source": "user input"} in out["assumptions"]
    assert not any(isinstance(w, str) and w.startswith("pue:") for w in out["warnings"])
