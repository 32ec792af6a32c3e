"""The input limits table (:data:`aifootprint.limits.LIMITS`) applied by the REST API as by the CLI: the same value
is accepted or refused by both, and a refusal is a 422 whose message names the field and the accepted range in the
CLI's words.

Before: the API's messages named one side only ("batch: Input should be greater than or equal to 1", "flops: Input
should be less than or equal to 100000000000000000000000000000000"); ``estimate/request`` accepted ``params_b``
0.001 (200) where ``estimate request --params 0.001`` is refused (the request range starts at 0.01 billion); and the
table held two rows no flag or field used (``--training-accelerators``, ``--active-params``).
"""

from __future__ import annotations

import ast
import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from aifootprint.cli.validate import PARAMS, check_range
from aifootprint.errors import InputError
from aifootprint.limits import LIMITS, MAX_BILLIONS, Limit
from aifootprint.server.app import create_app
from aifootprint.server.config import ServerConfig

SRC = Path(__file__).resolve().parents[2] / "src" / "aifootprint"
REQ = {"model": "llama-3.1-8b", "input_tokens": 100, "output_tokens": 100}
#: (path, base body, field, CLI flag) of every estimate and impacts field bounded by the table
FIELDS = [
    ("/api/v1/estimate/request", {"input_tokens": 100, "output_tokens": 100}, "params_b", "--params (request)"),
    ("/api/v1/estimate/request", {"params_b": 8.0, "input_tokens": 100, "output_tokens": 100}, "active_params_b",
     "--active-params (request)"),
    ("/api/v1/estimate/request", REQ, "accelerators", "--accelerators (request)"),
    ("/api/v1/estimate/request", REQ, "batch", "--batch"),
    ("/api/v1/estimate/training", {}, "gpu_hours", "--gpu-hours"),
    ("/api/v1/estimate/training", {"days": 1.0}, "accelerators", "--accelerators"),
    ("/api/v1/estimate/training", {"accelerators": 8}, "days", "--days"),
    ("/api/v1/estimate/training", {"gpu_hours": 1000.0}, "power_w", "--power-w"),
    ("/api/v1/estimate/training", {}, "flops", "--flops"),
    ("/api/v1/estimate/training", {"params_b": 8.0, "tokens_b": 1000.0}, "mfu", "--mfu"),
    ("/api/v1/impacts", {}, "energy_kwh", "--energy-kwh"),
]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path = tmp_path_factory.mktemp("limits") / "a.sqlite3"
    with TestClient(create_app(ServerConfig(database_url=f"sqlite:///{path}")), raise_server_exceptions=False) as c:
        yield c


def _outside(flag: str) -> list[float]:
    lim = LIMITS[flag]
    out = [lim.low if lim.above else (lim.low - 1 if isinstance(lim.low, int) else lim.low / 2)]
    if math.isfinite(lim.high):
        out.append(lim.high * 2)
    return [v for v in out if v >= 0 or flag != "--energy-kwh"] if lim.low > 0 else [-1.0, *out[1:]]


def _cli_refuses(flag: str, value: float) -> bool:
    try:
        check_range(flag, value)
    except InputError:
        return True
    return False


@pytest.mark.parametrize(("path", "base", "field", "flag"), FIELDS)
def test_a_value_out_of_range_is_a_422_naming_the_field_and_the_range(api: TestClient, path: str,
                                                                      base: dict[str, object], field: str,
                                                                      flag: str) -> None:
    for value in _outside(flag):
        assert _cli_refuses(flag, value)
        body = {**base, field: int(value) if isinstance(LIMITS[flag].low, int) else float(value)}
        r = api.post(path, json=body)
        assert r.status_code == 422, (field, value, r.text)
        detail = r.json()["detail"]
        lim = LIMITS[flag]  # billions: the CLI's hint above 1e6 is the API's upper bound
        want = lim.accepted() if math.isfinite(lim.high) else Limit(lim.low, MAX_BILLIONS, lim.unit).accepted()
        assert detail.startswith(f"{field}: ") and want in detail, detail


@pytest.mark.parametrize(("path", "base", "field", "flag"), FIELDS)
def test_the_bounds_themselves_pass_the_api_check_as_the_cli_check(api: TestClient, path: str,
                                                                   base: dict[str, object], field: str,
                                                                   flag: str) -> None:
    """The range's own ends (the low end where it is included) are not refused for being out of range: the body
    may still be refused for another reason (a training run that is too large, say), never naming the range."""
    lim = LIMITS[flag]
    ends = ([] if lim.above else [lim.low]) + ([lim.high] if math.isfinite(lim.high) else [])
    for value in ends:
        assert not _cli_refuses(flag, value)
        body = {**base, field: int(value) if isinstance(lim.low, int) else float(value)}
        r = api.post(path, json=body)
        assert "out of range" not in r.text or f"{field}:" not in r.text, r.text


def test_a_request_model_below_the_cli_range_is_refused_by_both(api: TestClient) -> None:
    r = api.post("/api/v1/estimate/request", json={"params_b": 0.001, "input_tokens": 10, "output_tokens": 10})
    assert r.status_code == 422 and "accepted: 0.01 to 1,000,000 billion" in r.json()["detail"], r.text
    assert _cli_refuses("--params (request)", 0.001)


def test_nan_is_refused_with_the_range(api: TestClient) -> None:
    r = api.post("/api/v1/impacts", content=b'{"energy_kwh": NaN}', headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"] == "energy_kwh: must be a number, not NaN; accepted: 0 to " \
        "1e+14 kWh", r.text


def test_an_integer_beyond_any_float_is_a_422_not_a_500(api: TestClient) -> None:
    """A JSON integer of 400 digits cannot become a float: refused as out of range (was a 500 once the range check
    compared floats)."""
    body = b'{"model": "llama-3.1-8b", "input_tokens": 10, "output_tokens": 10, "batch": 1' + b"0" * 400 + b"}"
    r = api.post("/api/v1/estimate/request", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"] == "batch: inf is out of range; accepted: 1 to 100,000", r.text


def _strings(path: Path) -> set[str]:
    return {n.value for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def test_every_row_of_the_table_is_applied_somewhere() -> None:
    """Each row is a flag checked by the CLI (:data:`PARAMS`, or a literal in a check) or a field's range in the
    API: a row nothing reads is a bound that silently applies nowhere."""
    used = {flag for flags in PARAMS.values() for flag in flags.values()}
    for path in (*(SRC / "cli").glob("*.py"), SRC / "server" / "schemas.py"):
        if path.name != "validate.py":
            used |= _strings(path)
    measure_flags = {f"--{k.replace('_', '-')}" for k in ("hz", "cpu_tdp_w")}  # measure_run.py builds these names
    assert sorted(set(LIMITS) - used - measure_flags) == []


def test_the_cli_refuses_an_integer_beyond_any_float_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """``--batch 1`` followed by 400 zeros was an OverflowError traceback in the range check (the API's twin above)."""
    from aifootprint.cli.main import main

    big = "1" + "0" * 400
    assert main(["estimate", "request", "--model", "llama-3.1-8b", "--input-tokens", "10", "--output-tokens", "10",
                 "--batch", big]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "error: --batch (a number of 401 digits) is out of range; accepted: 1 to 100,000", err
