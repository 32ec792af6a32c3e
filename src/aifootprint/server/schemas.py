"""Request bodies of the REST API (pydantic v2): every field bounded, every number finite and in range.

Unknown fields are rejected (``extra="forbid"``) so a typo is a 422 with the field's name, not a silent default.
The caps below are the API's documented limits (see docs/server.md); a body beyond them is a 4xx, never a 500.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

#: Largest number of rows in one batch (samples, windows or requests). These caps are design limits, not measured
#: figures: they bound one request's work and memory (5,000 rows ≈ 8 minutes of 10 Hz samples, under
#: ``Limits.max_body_bytes``), while the uploader sends 2,000 (client.BATCH_ROWS).
MAX_BATCH_ROWS = 5_000
#: Largest number of devices declared by one run.
MAX_DEVICES = 256
#: Largest Monte Carlo draws of ``scenario/run`` on the server (the CLI allows more; a server must stay responsive).
MAX_DRAWS = 20_000
#: 2100-01-01 UTC: no measurement is dated later (Unix seconds).
MAX_UNIX_S = 4_102_444_800.0
#: 10 years in seconds: longest run-relative time.
MAX_T_S = 315_360_000.0

#: Project names, run ids and batch ids: a letter or digit, then letters, digits, ``_ . : -``.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$"
Name = Annotated[str, Field(min_length=1, max_length=100, pattern=ID_PATTERN)]
RunId = Annotated[str, Field(min_length=1, max_length=64, pattern=ID_PATTERN)]
BatchId = Annotated[str, Field(min_length=1, max_length=100, pattern=ID_PATTERN)]
#: device names as the sensors write them (``gpu:0``, ``cpu:package-0``, ``ram``): printable, no control characters
Device = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")]
Text = Annotated[str, Field(max_length=2000)]
Short = Annotated[str, Field(max_length=200)]
Unix = Annotated[float, Field(ge=0.0, le=MAX_UNIX_S, allow_inf_nan=False)]
RelS = Annotated[float, Field(ge=0.0, le=MAX_T_S, allow_inf_nan=False)]
EnergyJ = Annotated[float, Field(ge=0.0, le=1e18, allow_inf_nan=False)]
PowerW = Annotated[float, Field(ge=0.0, le=1e7, allow_inf_nan=False)]
Tokens = Annotated[int, Field(ge=0, le=100_000_000)]


#: Deepest nesting accepted in free-form JSON fields (a window's measurement, a run's summary).
MAX_JSON_DEPTH = 12


def _plain_json(value: Any, depth: int = 0) -> Any:
    """Reject non-finite numbers (``NaN``/``Infinity`` parse in Python's json) and deep nesting in free-form JSON."""
    import math

    if depth > MAX_JSON_DEPTH:
        raise ValueError(f"nested deeper than {MAX_JSON_DEPTH} levels")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("numbers must be finite (NaN and Infinity are not accepted)")
    if isinstance(value, dict):
        for v in value.values():
            _plain_json(v, depth + 1)
    elif isinstance(value, list):
        for v in value:
            _plain_json(v, depth + 1)
    return value


FreeJson = Annotated[dict[str, Any], AfterValidator(_plain_json)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProjectIn(Body):
    name: Name
    description: Text = ""


class SiteIn(Body):
    """Site factors of a run (as ``aifootprint measure --operator/--pue/…``); omitted: from ``location``."""

    operator: Annotated[str, Field(max_length=64)] | None = None
    pue: Annotated[float, Field(ge=1.0, le=5.0, allow_inf_nan=False)] | None = None
    wue_l_per_kwh: Annotated[float, Field(ge=0.0, le=100.0, allow_inf_nan=False)] | None = None
    ewif_l_per_kwh: Annotated[float, Field(ge=0.0, le=1000.0, allow_inf_nan=False)] | None = None
    intensity_g_per_kwh: Annotated[float, Field(ge=0.0, le=5000.0, allow_inf_nan=False)] | None = None


class DeviceIn(Body):
    device: Device
    component: Annotated[str, Field(pattern=r"^(gpu|cpu|ram|other)$")] = "other"
    physical_id: Short = ""
    method: Short = ""
    estimated: bool = False
    owned: bool = True


class RunIn(Body):
    run_id: RunId
    project: Name
    name: Short = "run"
    host: Annotated[str, Field(min_length=1, max_length=255)]
    started_at: Unix
    location: Annotated[str, Field(max_length=64)] | None = None
    site: SiteIn = SiteIn()
    hz: Annotated[float, Field(ge=0.0, le=1000.0, allow_inf_nan=False)] = 0.0
    command: Text = ""
    job_id: Short = ""
    method_version: Annotated[str, Field(max_length=64)] = ""
    data_version: Annotated[str, Field(max_length=64)] = ""
    devices: Annotated[list[DeviceIn], Field(max_length=MAX_DEVICES)] = []


class SampleIn(Body):
    device: Device
    t_s: RelS
    energy_j: EnergyJ | None = None
    power_w: PowerW | None = None


class WindowIn(Body):
    name: Short
    start_s: RelS
    duration_s: RelS
    energy_j: EnergyJ
    measurement: FreeJson = {}


class RequestIn(Body):
    request_id: Short
    start_s: RelS
    end_s: RelS
    prefill_tokens: Tokens
    decode_tokens: Tokens
    energy_j: EnergyJ


class SamplesBatch(Body):
    batch_id: BatchId
    samples: Annotated[list[SampleIn], Field(max_length=MAX_BATCH_ROWS)]


class WindowsBatch(Body):
    batch_id: BatchId
    windows: Annotated[list[WindowIn], Field(max_length=MAX_BATCH_ROWS)]


class RequestsBatch(Body):
    batch_id: BatchId
    requests: Annotated[list[RequestIn], Field(max_length=MAX_BATCH_ROWS)]


class FinishIn(Body):
    ended_at: Unix
    exit_code: Annotated[int, Field(ge=-1024, le=1024)] | None = None
    summary: FreeJson | None = None


# -- estimates (same inputs as the CLI commands of the same name) --------------------------------------------------
Loc = Annotated[str, Field(max_length=64)]
Billions = Annotated[float, Field(gt=0.0, le=1e6, allow_inf_nan=False)]


class EstimateRequestIn(Body):
    model: Short | None = None
    params_b: Billions | None = None
    active_params_b: Billions | None = None
    input_tokens: Annotated[int, Field(ge=0, le=10_000_000)]
    output_tokens: Annotated[int, Field(ge=0, le=10_000_000)]
    hardware: Annotated[str, Field(max_length=64)] = "h100"
    accelerators: Annotated[int, Field(ge=1, le=100_000)] | None = None
    batch: Annotated[int, Field(ge=1, le=100_000)] | None = None
    precision: Annotated[str, Field(max_length=16)] = "bf16"
    boundary: Annotated[str, Field(max_length=16)] = "datacenter"
    location: Loc | None = None
    operator: Loc | None = None


class EstimateTrainingIn(Body):
    model: Short | None = None
    hardware: Annotated[str, Field(max_length=64)] | None = None
    gpu_hours: Annotated[float, Field(gt=0.0, le=1e12, allow_inf_nan=False)] | None = None
    accelerators: Annotated[int, Field(ge=1, le=10_000_000)] | None = None
    days: Annotated[float, Field(gt=0.0, le=36_500.0, allow_inf_nan=False)] | None = None
    power_w: Annotated[float, Field(gt=0.0, le=1e5, allow_inf_nan=False)] | None = None
    params_b: Billions | None = None
    tokens_b: Billions | None = None
    flops: Annotated[float, Field(gt=0.0, le=1e32, allow_inf_nan=False)] | None = None
    mfu: Annotated[float, Field(gt=0.0, le=1.0, allow_inf_nan=False)] | None = None
    precision: Annotated[str, Field(max_length=16)] | None = None
    boundary: Annotated[str, Field(max_length=16)] | None = None
    location: Loc | None = None
    operator: Loc | None = None
    pue: Annotated[float, Field(ge=1.0, le=5.0, allow_inf_nan=False)] | None = None


class ImpactsIn(SiteIn):
    energy_kwh: Annotated[float, Field(ge=0.0, le=1e15, allow_inf_nan=False)]
    location: Loc | None = None
    market_intensity_g_per_kwh: Annotated[float, Field(ge=0.0, le=5000.0, allow_inf_nan=False)] | None = None


class ScenarioRunIn(Body):
    """A built-in scenario by name (never a file path)."""

    name: Name
    draws: Annotated[int, Field(ge=100, le=MAX_DRAWS)] = 2_000
    seed: Annotated[int, Field(ge=0, le=2**32 - 1)] = 20231010
