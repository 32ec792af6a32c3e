"""Grid intensity providers: registry default, hourly profile, live providers against local fake HTTP servers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import AbstractContextManager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from aifootprint.cli.main import main
from aifootprint.errors import InputError
from aifootprint.impacts.intensity.base import (
    CachedProvider,
    EnergyWeightedIntensity,
    ProfileProvider,
    RegistryProvider,
    profile_reading,
)
from aifootprint.impacts.intensity.live import (
    ElectricityMapsProvider,
    UKCarbonIntensityProvider,
    provider_from_env,
)

from .fake_llm import send_json, serve

T0 = 1735689600.0  # 2025-01-01T00:00:00Z


class _Fake(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        srv: Any = self.server
        srv.seen.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        url = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        if srv.fail:
            self.send_response(503)
            self.end_headers()
            return
        if url.path.startswith("/v3/carbon-intensity/"):
            if self.headers.get("auth-token") != "secret":
                body: Any = {"error": "bad token"}
                code = 401
            else:
                code = 200
                body = {"zone": q["zone"], "carbonIntensity": 55 if "datetime" in q else 42,
                        "datetime": q.get("datetime", "2025-01-01T10:00:00.000Z"), "emissionFactorType": "lifecycle",
                        "isEstimated": False}
        elif url.path.startswith("/intensity"):
            code = 200
            start = url.path.split("/")[2] if url.path.count("/") >= 3 else "2025-01-01T10:00Z"
            actual = None if "T11" in start else 180
            body = {"data": [{"from": start, "to": start, "intensity": {"forecast": 200, "actual": actual,
                                                                        "index": "moderate"}}]}
        else:
            code, body = 404, {}
        send_json(self, code, body)


def fake_grid(fail: bool = False) -> AbstractContextManager[tuple[str, list[Any]]]:
    return serve(_Fake, fail=fail)


def test_electricity_maps_latest_and_past() -> None:
    with fake_grid() as (url, seen):
        p = ElectricityMapsProvider("secret", url)
        now = p.intensity("FR")
        past = p.intensity("DE", T0 + 3600)
    assert (now.intensity_g_per_kwh, now.zone, now.provider) == (42.0, "FR", "electricitymaps")
    assert now.basis == "location" and now.signal == "average" and now.hour_start is not None
    assert past.intensity_g_per_kwh == 55.0 and past.to_dict()["hour"] == "2025-01-01T01:00:00Z"
    assert seen[0][1].get("auth-token") == "secret" and "datetime=2025-01-01T01%3A00Z" in seen[1][0]


def test_uk_actual_then_forecast_flagged() -> None:
    with fake_grid() as (url, _):
        p = UKCarbonIntensityProvider(url)
        a = p.intensity("GB", T0 + 10 * 3600 + 600)
        f = p.intensity("GB", T0 + 11 * 3600)
    assert a.intensity_g_per_kwh == 180.0 and not a.estimated
    assert f.intensity_g_per_kwh == 200.0 and f.estimated
    with pytest.raises(InputError, match="Great Britain only"):
        p.intensity("FR")


def test_cached_and_fallback_to_registry_flagged() -> None:
    now = [T0]
    with fake_grid() as (url, seen):
        c = CachedProvider(ElectricityMapsProvider("secret", url), clock=lambda: now[0])
        c.intensity("FR")
        c.intensity("FR")
        assert len(seen) == 1
        now[0] += 3601
        c.intensity("FR")
        assert len(seen) == 2
    with fake_grid(fail=True) as (url, _):
        c = CachedProvider(ElectricityMapsProvider("secret", url))
        r = c.intensity("FR")
    reg = RegistryProvider().intensity("FR")
    assert r.estimated and r.provider == "registry" and r.intensity_g_per_kwh == reg.intensity_g_per_kwh
    assert c.errors and "HTTPError" in c.errors[0]


def test_provider_from_env_opt_in_only() -> None:
    assert isinstance(provider_from_env({}), RegistryProvider)
    assert isinstance(provider_from_env({"AIFOOTPRINT_ELECTRICITYMAPS_TOKEN": "k"}), CachedProvider)
    uk = provider_from_env({"AIFOOTPRINT_INTENSITY_PROVIDER": "uk-carbon-intensity"})
    assert isinstance(uk, CachedProvider) and uk.name == "uk-carbon-intensity"
    with pytest.raises(InputError, match="needs a token"):
        provider_from_env({"AIFOOTPRINT_INTENSITY_PROVIDER": "electricitymaps"})
    with pytest.raises(InputError, match="accepted"):
        provider_from_env({"AIFOOTPRINT_INTENSITY_PROVIDER": "watt"})


def _profile(tmp_path: Path) -> Path:
    p = tmp_path / "p.csv"
    p.write_text("timestamp,intensity_g_per_kwh\n2025-01-01T00:00:00Z,100\n2025-01-01T01:00:00Z,300\n"
                 "2025-01-01T02:00:00Z,300\n")
    return p


def test_profile_lookup_and_mean(tmp_path: Path) -> None:
    import numpy as np

    prov = ProfileProvider.from_file(str(_profile(tmp_path)), "FR")
    r = prov.intensity("FR", T0 + 5400)
    assert (r.intensity_g_per_kwh, r.hour_start, r.zone) == (300.0, T0 + 3600, "FR")
    got = prov.lookup(np.array([T0 - 1, T0 + 1, T0 + 3600, np.nan]))
    assert got[:3].tolist() == [100.0, 100.0, 300.0] and np.isnan(got[3])
    # each row holds until the next, the last for the profile's step (1 h): (100 + 300 + 300) / 3 (audit 2026-12-04:
    # the last row had no weight)
    assert profile_reading(str(_profile(tmp_path))).intensity_g_per_kwh == pytest.approx(700.0 / 3.0)


def test_energy_weighted_listener(tmp_path: Path) -> None:
    w = EnergyWeightedIntensity(ProfileProvider.from_file(str(_profile(tmp_path))), lambda: T0 + 3000)
    w(0.0, 300.0, 3.6e6)  # midpoint T0+3150: 100 g/kWh
    w(600.0, 1200.0, 1.8e6)  # midpoint T0+3900: 300 g/kWh
    assert w.mean_g_per_kwh() == pytest.approx((100 * 1 + 300 * 0.5) / 1.5)
    assert len(w.hours) == 2


def test_impacts_cli_profile_hour(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """10 kWh at 300 g/kWh with FR's registry PUE: carbon = 10 × PUE × 300 (hand computation)."""
    prof = str(_profile(tmp_path))
    assert main(["impacts", "--energy-kwh", "10", "--location", "FR", "--intensity-profile", prof,
                 "--at", "2025-01-01T01:20:00Z", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    pue = next(a["value"] for a in d["assumptions"] if a["name"] == "pue")
    assert d["carbon_g"]["best"] == pytest.approx(10 * float(pue) * 300)
    assert d["inputs"]["intensity_hour"] == "2025-01-01T01:00:00Z" and d["inputs"]["intensity_provider"] == "profile"
    assert main(["impacts", "--energy-kwh", "1", "--at", "2025-01-01"]) == 2
    assert main(["impacts", "--energy-kwh", "1", "--intensity-profile", str(tmp_path / "none.csv")]) == 2


def test_impacts_cli_live_provider(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """--live-intensity against the fake Electricity Maps server (configured through the environment)."""
    assert main(["impacts", "--energy-kwh", "1", "--location", "FR", "--live-intensity"]) == 2  # not configured
    with fake_grid() as (url, _):
        monkeypatch.setenv("AIFOOTPRINT_ELECTRICITYMAPS_TOKEN", "secret")
        monkeypatch.setenv("AIFOOTPRINT_ELECTRICITYMAPS_URL", url)
        capsys.readouterr()
        assert main(["impacts", "--energy-kwh", "1", "--location", "FR", "--operator", "google", "--live-intensity",
                     "--at", "2025-01-01T01:00:00Z", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["inputs"]["intensity_provider"] == "electricitymaps" and d["inputs"]["intensity_zone"] == "FR"
    assert next(a for a in d["assumptions"] if a["name"] == "grid_intensity")["value"] == 55.0
    with fake_grid(fail=True) as (url, _):
        monkeypatch.setenv("AIFOOTPRINT_ELECTRICITYMAPS_URL", url)
        assert main(["impacts", "--energy-kwh", "1", "--location", "FR", "--live-intensity", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["inputs"]["intensity_provider"] == "registry" and d["inputs"]["intensity_estimated"] is True
    assert any(isinstance(w, dict) and w["code"] == "live-intensity-failed" for w in d["warnings"])


def test_measure_cli_profile(tmp_path: Path) -> None:
    prof = _profile(tmp_path)
    env = {**os.environ, "AIFOOTPRINT_SENSORS": "fake", "AIFOOTPRINT_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "aifootprint.cli.main", "measure", "--json", "--location", "FR",
                           "--intensity-profile", str(prof), "--", sys.executable, "-c", "import time; time.sleep(.5)"],
                          capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    d = json.loads(done.stdout)
    grid = next(a for a in d["assumptions"] if a["name"] == "grid_intensity")
    assert grid["value"] == pytest.approx(300.0)  # the profile's last value holds after its end
    assert d["inputs"]["intensity_profile"].startswith(str(prof))
