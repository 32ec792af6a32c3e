"""``POST /api/v1/estimate/request`` gives what ``aifootprint estimate request`` gives for the same inputs: the model's
native serving precision when none is named (the API defaulted to bf16: gpt-4o with 1,000 + 300 tokens on
16 × H100 at 0.772 Wh, the CLI 8 × H100 in fp8 at 0.640 Wh) and the serving engine the CLI's ``--engine`` names."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from aifootprint.cli.main import main
from aifootprint.server.app import create_app
from aifootprint.server.config import ServerConfig

REQ = {"model": "gpt-4o", "input_tokens": 1000, "output_tokens": 300}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path = tmp_path_factory.mktemp("estimate") / "a.sqlite3"
    with TestClient(create_app(ServerConfig(database_url=f"sqlite:///{path}")), raise_server_exceptions=False) as c:
        yield c


def _cli(capsys: pytest.CaptureFixture[str], *extra: str) -> dict:  # type: ignore[type-arg]
    capsys.readouterr()
    assert main(["estimate", "request", "--model", "gpt-4o", "--input-tokens", "1000", "--output-tokens", "300",
                 "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


@pytest.mark.parametrize("engine", [None, "cuda-graph"])
def test_api_request_estimate_equals_the_cli(api: TestClient, capsys: pytest.CaptureFixture[str],
                                             engine: str | None) -> None:
    body = REQ if engine is None else {**REQ, "engine": engine}
    r = api.post("/api/v1/estimate/request", json=body)
    assert r.status_code == 200, r.text
    got = r.json()
    want = _cli(capsys, *(() if engine is None else ("--engine", engine)))
    for key in ("accelerators", "precision", "batch", "engine"):
        assert got["inputs"].get(key) == want["inputs"].get(key), key
    assert got["energy_wh"] == pytest.approx(want["energy_wh"], rel=1e-12)


def test_api_request_names_the_accepted_engines(api: TestClient) -> None:
    r = api.post("/api/v1/estimate/request", json={**REQ, "engine": "warp-drive"})
    assert 400 <= r.status_code < 500, r.text
    assert "warp-drive" in r.text and "vllm" in r.text


def test_api_precision_given_is_honoured(api: TestClient) -> None:
    r = api.post("/api/v1/estimate/request", json={**REQ, "precision": "bf16"})
    assert r.status_code == 200, r.text
    assert r.json()["inputs"]["precision"] == "bf16"


def test_api_scenario_seed_takes_the_cli_range(api: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    """The API capped ``seed`` at 2**32 - 1 where the CLI and the library take 0..2**63 - 1: a run reproduced from
    the CLI's seed was refused."""
    top = 2**63 - 1
    r = api.post("/api/v1/scenario/run", json={"name": "devries-2023-nvidia-2027", "draws": 100, "seed": top})
    assert r.status_code == 200, r.text
    capsys.readouterr()
    assert main(["scenario", "run", "devries-2023-nvidia-2027", "--draws", "100", "--seed", str(top), "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert r.json()["facility_energy_twh"] == cli["facility_energy_twh"]
    r = api.post("/api/v1/scenario/run", json={"name": "devries-2023-nvidia-2027", "draws": 100, "seed": top + 1})
    assert r.status_code == 422 and "seed" in r.text
