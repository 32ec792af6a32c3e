"""Request bodies of the REST API (pydantic v2): every field bounded, every number finite and in range.

Unknown fields are rejected (``extra="forbid"``) so a typo is a 422 with the field's name, not a silent default.
The caps below are the API's documented limits (see docs/server.md); a body beyond them is a 4xx, never a 500.
Types are strict (``"100"`` or ``true`` is not a number, ``1`` is not a boolean), and the estimate and impact inputs
share their bounds with the CLI's flags (:data:`aifootprint.limits.LIMITS`, the site factors'
:data:`aifootprint.impacts.site.OVERRIDE_RANGES`), so the same value is accepted or refused by both.
"""

from __future__ import annotations

import functools
import math
from typing import Annotated, Any, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from ..impacts.site import OVERRIDE_RANGES
from ..limits import LIMITS, MAX_BILLIONS, MAX_SEED, Limit, as_float
from ..numfmt import exact

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

#: Query and path text (host names, device names): printable, no control characters (NUL is refused by PostgreSQL).
PRINTABLE_PATTERN = r"^[^\x00-\x1f\x7f]+$"

#: Project names, run ids and batch ids: a letter or digit, then letters, digits, ``_ . : -``.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$"
Name = Annotated[str, Field(min_length=1, max_length=100, pattern=ID_PATTERN)]
RunId = Annotated[str, Field(min_length=1, max_length=64, pattern=ID_PATTERN)]
BatchId = Annotated[str, Field(min_length=1, max_length=100, pattern=ID_PATTERN)]
#: device names as the sensors write them (``gpu:0``, ``cpu:package-0``, ``ram``): printable, no control characters
Device = Annotated[str, Field(min_length=1, max_length=100, pattern=PRINTABLE_PATTERN)]
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


def _refuse(message: str) -> PydanticCustomError:
    """A validation error whose message is ``message`` as it is (no "Value error, " before it)."""
    return PydanticCustomError("value_error", message)


class InLimit:
    """A field's accepted range (a :class:`~aifootprint.limits.Limit`): a value outside it (NaN and infinities
    included) is refused with the range in the CLI's words, ``"batch: 0 is out of range; accepted: 1 to 100,000"``
    (the field's name comes from the error's location), and the bounds are in the OpenAPI schema."""

    __slots__ = ("limit",)

    def __init__(self, limit: Limit) -> None:
        self.limit = limit

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        out = handler(schema)
        out["exclusiveMinimum" if self.limit.above else "minimum"] = self.limit.low
        if math.isfinite(self.limit.high):
            out["maximum"] = self.limit.high
        return out

    def _check(self, value: Any) -> Any:
        v = as_float(value)  # a JSON integer beyond any float (400 digits) is inf: out of every range
        if self.limit.holds(v):
            return value
        if math.isnan(v):  # as the CLI's check_range words it
            raise _refuse(f"must be a number, not NaN; {self.limit.accepted()}")
        raise _refuse(f"{exact(v)} is out of range; {self.limit.accepted()}")


def _limit(flag: str, high: float | None = None) -> InLimit:
    """The CLI's accepted range of ``flag`` (:data:`~aifootprint.limits.LIMITS`; the low end excluded where the
    CLI's is), with ``high`` instead of its upper bound when given."""
    limit = LIMITS[flag]
    return InLimit(limit if high is None else Limit(limit.low, high, limit.unit, limit.above))


def _site(name: str) -> InLimit:
    """The library's range of a site factor (``pue``, ``intensity_g_per_kwh``, …)."""
    return InLimit(Limit(*OVERRIDE_RANGES[name]))


@functools.cache
def _text_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of ``model`` that the NUL check reads, once per class: all but numbers and text checked by a pattern
    (every pattern here refuses control characters, NUL among them, before the check runs): reading every field of
    every row put the check on the ingest path of each sample batch."""
    return tuple(name for name, info in model.model_fields.items() if _admits_str(info.annotation)
                 and not (info.annotation is str and any(getattr(m, "pattern", None) for m in info.metadata)))


def _admits_str(annotation: Any) -> bool:
    """Whether a field of this type can hold a str (``str``, ``str | None``, ``Annotated[str, …]``)."""
    return annotation is str or any(_admits_str(a) for a in get_args(annotation))


class Body(BaseModel):
    """A request body: unknown fields refused, types strict, and no text field holding a NUL character."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    @model_validator(mode="after")
    def _no_nul(self) -> Body:
        # PostgreSQL text cannot hold U+0000: stored there it was a 500 ("internal error"), on SQLite it was kept
        for name in _text_fields(type(self)):
            value = getattr(self, name)
            if isinstance(value, str) and "\x00" in value:
                raise _refuse(f"{name}: contains a NUL character (\\u0000); accepted: text without NUL")
        return self


class ProjectIn(Body):
    name: Name
    description: Text = ""


class SiteIn(Body):
    """Site factors of a run (as ``aifootprint measure --operator/--pue/…``); omitted: from ``location``."""

    operator: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    pue: Annotated[float, _site("pue")] | None = None
    wue_l_per_kwh: Annotated[float, _site("wue_l_per_kwh")] | None = None
    ewif_l_per_kwh: Annotated[float, _site("ewif_l_per_kwh")] | None = None
    intensity_g_per_kwh: Annotated[float, _site("intensity_g_per_kwh")] | None = None


def _unique_devices(devices: list[DeviceIn]) -> list[DeviceIn]:
    seen: set[str] = set()
    for d in devices:
        if d.device in seen:
            raise _refuse(f"device {d.device!r} is declared twice; accepted: each device once")
        seen.add(d.device)
    return devices


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
    devices: Annotated[list[DeviceIn], Field(max_length=MAX_DEVICES), AfterValidator(_unique_devices)] = []


class SampleIn(Body):
    device: Device
    t_s: RelS
    energy_j: EnergyJ | None = None
    power_w: PowerW | None = None

    @model_validator(mode="after")
    def _has_a_reading(self) -> SampleIn:
        if self.energy_j is None and self.power_w is None:
            raise _refuse(f"sample of {self.device!r} at t_s={self.t_s:g} has neither energy_j nor power_w; "
                          "accepted: a sample with energy_j (cumulative J), power_w (W) or both")
        return self


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

    @model_validator(mode="after")
    def _ends_after_start(self) -> RequestIn:
        if self.end_s < self.start_s:
            raise _refuse(f"request {self.request_id!r}: end_s ({self.end_s:g}) is before start_s "
                          f"({self.start_s:g}); accepted: end_s >= start_s")
        return self


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
#: Billions of parameters or tokens (a training run's): the CLI's range, up to :data:`aifootprint.limits.MAX_BILLIONS`.
Billions = Annotated[float, _limit("--params", MAX_BILLIONS)]
#: A request's model size in billions: the CLI's ``--params (request)`` range (10 M parameters at least).
RequestBillions = Annotated[float, _limit("--params (request)", MAX_BILLIONS)]


class EstimateRequestIn(Body):
    model: Short | None = None
    params_b: RequestBillions | None = None
    active_params_b: RequestBillions | None = None
    input_tokens: Annotated[int, Field(ge=0, le=10_000_000)]
    output_tokens: Annotated[int, Field(ge=0, le=10_000_000)]
    hardware: Annotated[str, Field(max_length=64)] = "h100"
    accelerators: Annotated[int, _limit("--accelerators (request)")] | None = None
    batch: Annotated[int, _limit("--batch")] | None = None
    #: None: the model's native serving precision from the registry, as the CLI's ``--precision`` (was "bf16":
    #: gpt-4o came out at 16 × H100 in bf16 here and 8 × H100 in fp8 from the CLI)
    precision: Annotated[str, Field(max_length=16)] | None = None
    #: a serving-engine profile (:mod:`aifootprint.estimate.engines`), as the CLI's ``--engine``; None: the default
    engine: Annotated[str, Field(max_length=32)] | None = None
    boundary: Annotated[str, Field(max_length=16)] = "datacenter"
    location: Loc | None = None
    operator: Loc | None = None


class EstimateTrainingIn(Body):
    model: Short | None = None
    hardware: Annotated[str, Field(max_length=64)] | None = None
    gpu_hours: Annotated[float, _limit("--gpu-hours")] | None = None
    accelerators: Annotated[int, _limit("--accelerators")] | None = None
    days: Annotated[float, _limit("--days")] | None = None
    power_w: Annotated[float, _limit("--power-w")] | None = None
    params_b: Billions | None = None
    tokens_b: Billions | None = None
    flops: Annotated[float, _limit("--flops")] | None = None
    mfu: Annotated[float, _limit("--mfu")] | None = None
    precision: Annotated[str, Field(max_length=16)] | None = None
    boundary: Annotated[str, Field(max_length=16)] | None = None
    location: Loc | None = None
    operator: Loc | None = None
    pue: Annotated[float, _site("pue")] | None = None

    @model_validator(mode="after")
    def _precision_needs_the_flops_path(self) -> EstimateTrainingIn:
        flops_path = self.params_b is not None or self.tokens_b is not None or self.flops is not None
        if self.precision is not None and self.model is None and not flops_path:
            raise _refuse(f"precision {self.precision!r} has no effect without the FLOPs path (it sets the peak "
                          "FLOP/s used with params_b and tokens_b, or flops); drop it")
        return self


class ImpactsIn(SiteIn):
    energy_kwh: Annotated[float, _limit("--energy-kwh")]
    location: Loc | None = None
    market_intensity_g_per_kwh: Annotated[float, _site("market_intensity_g_per_kwh")] | None = None


class ScenarioRunIn(Body):
    """A built-in scenario by name (never a file path)."""

    name: Name
    draws: Annotated[int, Field(ge=100, le=MAX_DRAWS)] = 2_000
    seed: Annotated[int, Field(ge=0, le=MAX_SEED)] = 20231010  # the CLI's and the library's range
