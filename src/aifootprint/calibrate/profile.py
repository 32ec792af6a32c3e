"""Calibration profile of one accelerator: the TOML file, its validation, and how it is derived from micro-benchmarks.

A :class:`CalibrationProfile` holds what the estimator's power model needs about one physical GPU, measured on it:

* ``idle_power_w`` (P_idle): board power at rest with a CUDA context open;
* ``achieved_tflops_bf16`` and ``achieved_flops_fraction``: throughput of a large dense bf16 GEMM (and its share of
  the datasheet dense peak from the hardware registry);
* ``achieved_bandwidth_gb_per_s`` and ``achieved_bandwidth_fraction``: bytes moved per second by an HBM copy
  (read + write) and their share of the datasheet bandwidth;
* ``energy_pj_per_flop`` (e_flop) and ``energy_pj_per_byte`` (e_byte): marginal energy above idle;
* ``gemv_bandwidth_fraction`` (optional): the share of the datasheet bandwidth a small-batch GEMV (a decode step's
  weight read) reaches;
* provenance: ``device_name``, ``driver``, ``date`` (ISO), ``source`` and ``method_version``.

Derivation (:func:`derive_profile`), with each power P = energy ÷ duration of its window (energy counter, or
integrated power samples)::

    e_flop = (P_gemm - P_idle) / achieved FLOP/s        e_byte = (P_copy - P_idle) / achieved bytes/s

so that the power model ``P = P_idle + e_flop·FLOP/s + e_byte·bytes/s`` reproduces the three measured powers.
**The cap:** a large bf16 GEMM on H100/H200 runs at the board power limit (the 2026-11-26 micro-benchmarks: 692–696 W
mean by the energy counter at a 700 W limit), so the clocks drop and the achieved TFLOP/s is the *power-capped*
throughput (68–70 % of the datasheet peak). e_flop measured this way is the energy per FLOP at the cap; the model
then reaches the limit exactly at the achieved throughput, and the estimator caps step power at
``n·power_limit_w`` (the step takes longer instead). The GEMM's own memory traffic (three 8192² bf16 matrices per
2·8192³ FLOP, ≈ 2,700 FLOP per byte) is charged to e_flop: with e_byte ≈ 65–90 pJ/B it is < 3 % of the GEMM power.
The copy performs no FLOPs, so e_byte carries no compute term. Source of the reference readings: "aifootprint GPU
micro-benchmarks, 2026-11-26" (``../shared/data/gpu-microbench/SOURCE.md``, CC0).

Files are TOML, one flat table (``docs/calibrate.md``); read with :mod:`tomllib`, written by :func:`write_profile`
without a TOML library. Every value is checked: finite, in a physical range (:data:`FIELD_RANGES`), idle power below
the power limit; a bad file raises :class:`~aifootprint.errors.InputError` naming the field and the accepted range.
"""

from __future__ import annotations

import math
import os
import re
import stat
import tomllib
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import InputError
from ..fileio import read_input, replace_atomically

if TYPE_CHECKING:
    from ..result import Assumption

#: Version of the calibration method (benchmarks + derivation). Bump when either changes.
PROFILE_METHOD_VERSION = "calibrate-1"

#: Accepted ranges of the numeric fields: (name, low (exclusive), high (inclusive), unit). Wide physical bounds, meant
#: to catch unit mistakes (W vs mW, pJ vs J) and broken timers, not to judge a GPU: today's boards draw 30-150 W idle
#: and 70-1,200 W at their limit; dense bf16 reaches up to a few PFLOP/s; HBM up to 8 TB/s; a measured share above
#: 110 % of the datasheet peak means a wrong accelerator key or timer.
FIELD_RANGES: tuple[tuple[str, float, float, str], ...] = (
    ("idle_power_w", 0.0, 2_000.0, "W"),
    ("power_limit_w", 0.0, 3_000.0, "W"),
    ("achieved_tflops_bf16", 0.0, 50_000.0, "TFLOP/s"),
    ("achieved_flops_fraction", 0.0, 1.1, "of the datasheet peak"),
    ("achieved_bandwidth_gb_per_s", 0.0, 100_000.0, "GB/s"),
    ("achieved_bandwidth_fraction", 0.0, 1.1, "of the datasheet bandwidth"),
    ("energy_pj_per_flop", 0.0, 100.0, "pJ/FLOP"),
    ("energy_pj_per_byte", 0.0, 2_000.0, "pJ/byte"),
    ("gemv_bandwidth_fraction", 0.0, 1.1, "of the datasheet bandwidth"),
)

_TEXT_FIELDS = ("accelerator", "device_name", "driver", "date", "source", "method_version")
_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9.\-]*$")
_MAX_TEXT = 500


@dataclass(frozen=True)
class CalibrationProfile:
    """Measured power-model parameters of one accelerator (see the module docstring). Validated on construction."""

    accelerator: str
    device_name: str
    driver: str
    date: str
    source: str
    idle_power_w: float
    power_limit_w: float
    achieved_tflops_bf16: float
    achieved_flops_fraction: float
    achieved_bandwidth_gb_per_s: float
    achieved_bandwidth_fraction: float
    energy_pj_per_flop: float
    energy_pj_per_byte: float
    gemv_bandwidth_fraction: float | None = None
    method_version: str = PROFILE_METHOD_VERSION

    def __post_init__(self) -> None:
        _validate(self, where="calibration profile")

    @property
    def energy_per_flop_j(self) -> float:
        """e_flop in J/FLOP."""
        return self.energy_pj_per_flop * 1e-12

    @property
    def energy_per_byte_j(self) -> float:
        """e_byte in J/byte."""
        return self.energy_pj_per_byte * 1e-12

    @property
    def achieved_flops_per_s(self) -> float:
        """Achieved dense bf16 throughput in FLOP/s."""
        return self.achieved_tflops_bf16 * 1e12

    @property
    def achieved_bytes_per_s(self) -> float:
        """Achieved HBM bandwidth in bytes/s."""
        return self.achieved_bandwidth_gb_per_s * 1e9

    def to_dict(self) -> dict[str, Any]:
        """Field name -> value (``gemv_bandwidth_fraction`` is ``None`` when not measured)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def assumptions(self) -> list[Assumption]:
        """The measured terms as result assumptions, each citing the profile (device, date, source), for estimates
        to list in their ``assumptions``."""
        from ..result import Assumption

        src = f"calibration profile {self.accelerator} ({self.device_name}, driver {self.driver}, {self.date}): " \
              f"{self.source}"
        terms = [(name, unit) for name, _low, _high, unit in FIELD_RANGES]
        return [Assumption(f"calibration_{name}", getattr(self, name), unit, src) for name, unit in terms
                if getattr(self, name) is not None]


def _range_text(low: float, high: float, unit: str) -> str:
    return f"a finite number > {low:g} and <= {high:g} ({unit})"


def _validate(p: CalibrationProfile, where: str) -> None:
    for name in _TEXT_FIELDS:
        value = getattr(p, name)
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"{where}: field {name!r} must be a non-empty string, got {value!r}")
        if len(value) > _MAX_TEXT or any(ord(c) < 32 or ord(c) == 127 for c in value):
            raise InputError(f"{where}: field {name!r} must be one line of at most {_MAX_TEXT} characters")
    if not _KEY_RE.match(p.accelerator):
        raise InputError(f"{where}: field 'accelerator' = {p.accelerator!r} is not a registry key; accepted: a key "
                         "from `aifootprint data show accelerators` such as 'h100' or 'h200'")
    try:
        date.fromisoformat(p.date)
    except ValueError:
        raise InputError(f"{where}: field 'date' = {p.date!r} is not a date; accepted: YYYY-MM-DD") from None
    for name, low, high, unit in FIELD_RANGES:
        value = getattr(p, name)
        if value is None and name == "gemv_bandwidth_fraction":
            continue
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        if not ok or not low < value <= high:
            raise InputError(f"{where}: field {name!r} = {value!r} is out of range; accepted: "
                             f"{_range_text(low, high, unit)}")
    if p.idle_power_w >= p.power_limit_w:
        raise InputError(f"{where}: idle_power_w ({p.idle_power_w:g} W) must be below power_limit_w "
                         f"({p.power_limit_w:g} W)")


# ---------------------------------------------------------------------------------------------------------- TOML I/O


def profile_from_mapping(data: dict[str, Any], where: str = "calibration profile") -> CalibrationProfile:
    """Build a profile from a parsed TOML table; unknown or missing fields raise :class:`InputError`."""
    names = [f.name for f in fields(CalibrationProfile)]
    unknown = sorted(set(data) - set(names))
    if unknown:
        raise InputError(f"{where}: unknown field(s) {', '.join(map(repr, unknown))}; accepted: {', '.join(names)}")
    optional = {"gemv_bandwidth_fraction"}
    missing = [n for n in names if n not in data and n not in optional]
    if missing:
        raise InputError(f"{where}: missing field(s) {', '.join(map(repr, missing))}")
    values = dict(data)
    if isinstance(values.get("date"), date):  # a TOML date literal
        values["date"] = values["date"].isoformat()
    for name, *_ in FIELD_RANGES:  # TOML integers are fine where a float is expected
        v = values.get(name)
        if isinstance(v, int) and not isinstance(v, bool):
            values[name] = float(v)
    try:
        profile = CalibrationProfile(**values)
    except InputError as exc:
        raise InputError(str(exc).replace("calibration profile", where, 1)) from None
    return profile


def read_profile(path: str | os.PathLike[str]) -> CalibrationProfile:
    """Read and validate a calibration profile (TOML). Raises :class:`InputError` with the file name on any fault."""
    p = Path(path)
    if "\0" in str(p):  # the OS refuses it with ValueError, not OSError
        raise InputError(f"calibration profile {str(p)!r}: the path contains a NUL character; accepted: a file name")
    try:
        raw = read_input(p, "calibration profile")
    except FileNotFoundError:
        raise InputError(f"calibration profile {str(p)!r} does not exist; create one with `aifootprint calibrate "
                         "--out FILE` (or --from-csv)") from None
    except OSError as exc:
        raise InputError(f"calibration profile {str(p)!r} cannot be read: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"calibration profile {str(p)!r} is not valid TOML: {exc}") from None
    return profile_from_mapping(data, where=f"calibration profile {str(p)!r}")


def _toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml_float(value: float) -> str:
    return repr(float(value))  # finite (validated): repr is valid TOML (e.g. 120.11, 6.49e-11)


def profile_to_toml(profile: CalibrationProfile) -> str:
    """The TOML text of a profile (a commented header, then one ``key = value`` line per field)."""
    lines = [
        "# aifootprint calibration profile: measured power-model parameters of one accelerator.",
        "# Written by `aifootprint calibrate`; fields and method: docs/calibrate.md.",
        "# Use it with `aifootprint estimate ... --calibration FILE` or the [calibration] table of the user config.",
    ]
    for f in fields(profile):
        value = getattr(profile, f.name)
        if value is None:
            continue
        lines.append(f"{f.name} = {_toml_str(value) if isinstance(value, str) else _toml_float(value)}")
    return "\n".join(lines) + "\n"


def check_writable(path: Path, force: bool) -> None:
    """Refuse to write over an existing file (unless ``force``) and never over a device, link or folder."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        if not path.parent.is_dir():
            raise InputError(f"cannot write {str(path)!r}: folder {str(path.parent)!r} does not exist") from None
        return
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISREG(st.st_mode):
        raise InputError(f"refusing to write {str(path)!r}: it exists and is not a regular file (a link, device or "
                         "folder); accepted: a new file name, or an existing regular file with --force")
    from aifootprint.fileio import database_of

    database = database_of(path)
    if database is not None:
        raise InputError(f"refusing to write {str(path)!r}: it is {database}, which is never overwritten, not even "
                         "with --force; accepted: another file name")
    if not force:
        raise InputError(f"refusing to overwrite {str(path)!r}; accepted: a new file name, or --force to replace it")


def write_text_file(text: str, path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Write ``text`` to ``path`` atomically (a temporary file in the same folder, then a rename), following
    :func:`check_writable`: an existing file is replaced only with ``force``; links, devices and folders never are."""
    target = Path(path)
    check_writable(target, force)
    replace_atomically(target, text.encode("utf-8"))
    return target


def write_profile(profile: CalibrationProfile, path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Write ``profile`` as TOML to ``path`` (:func:`write_text_file`: atomic, no overwrite without ``force``)."""
    return write_text_file(profile_to_toml(profile), path, force=force)


# -------------------------------------------------------------------------------------------------------- derivation


@dataclass(frozen=True)
class BenchWindow:
    """One timed micro-benchmark window: its duration, the board energy over it, and the work it did."""

    duration_s: float
    energy_j: float
    flops: float = 0.0
    bytes_moved: float = 0.0

    @property
    def power_w(self) -> float:
        """Mean board power over the window (energy ÷ duration)."""
        return self.energy_j / self.duration_s

    @property
    def flops_per_s(self) -> float:
        return self.flops / self.duration_s

    @property
    def bytes_per_s(self) -> float:
        return self.bytes_moved / self.duration_s


@dataclass(frozen=True)
class MicrobenchReadings:
    """The readings of one calibration run on one device (idle, GEMM, copy, optional small-batch GEMV)."""

    device_name: str
    driver: str
    date: str
    power_limit_w: float
    idle: BenchWindow
    gemm: BenchWindow
    copy: BenchWindow
    gemv: BenchWindow | None = None


class Datasheet(Protocol):
    """What :func:`derive_profile` needs from the registry's accelerator record."""

    @property
    def key(self) -> str: ...
    @property
    def bf16_dense_tflops(self) -> float | None: ...
    @property
    def bandwidth_gb_per_s(self) -> float | None: ...


#: Largest relative disagreement accepted between a profile's achieved rate and its fraction of the datasheet peak
#: (:func:`check_against_datasheet`). :func:`derive_profile` writes one as the other ÷ the registry's peak, so they
#: agree exactly unless the file was edited or the registry's datasheet row was corrected since; 10 % leaves room
#: for the latter and catches a fraction typed in percent or a rate in the wrong unit.
DATASHEET_TOLERANCE = 0.10


class PowerDatasheet(Datasheet, Protocol):
    """A :class:`Datasheet` with the board power limit (registry ``max_power_w``)."""

    @property
    def max_power_w(self) -> float | None: ...


def check_against_datasheet(profile: CalibrationProfile, datasheet: PowerDatasheet, where: str) -> None:
    """Raise :class:`InputError` when ``profile`` contradicts the registry datasheet of its accelerator: an achieved
    rate that is not its stated fraction of the datasheet peak (within :data:`DATASHEET_TOLERANCE`), or a power
    limit above the board's maximum (by more than the same tolerance). Each field alone passed its range check; an
    edited fraction (0.0001 beside 665 TFLOP/s) would otherwise make every step thousands of times longer."""
    pairs = (("achieved_tflops_bf16", profile.achieved_tflops_bf16, "achieved_flops_fraction",
              profile.achieved_flops_fraction, datasheet.bf16_dense_tflops, "TFLOP/s"),
             ("achieved_bandwidth_gb_per_s", profile.achieved_bandwidth_gb_per_s, "achieved_bandwidth_fraction",
              profile.achieved_bandwidth_fraction, datasheet.bandwidth_gb_per_s, "GB/s"))
    for rate_name, rate, frac_name, frac, peak, unit in pairs:
        if peak and abs(rate / (frac * float(peak)) - 1.0) > DATASHEET_TOLERANCE:
            raise InputError(f"{where}: {rate_name} = {rate:g} {unit} is {rate / float(peak):.1%} of the datasheet "
                             f"{float(peak):g} {unit} of {datasheet.key}, but {frac_name} = {frac:g}; accepted: "
                             f"fields that agree within {DATASHEET_TOLERANCE:.0%} (as `aifootprint calibrate` writes "
                             "them)")
    limit = datasheet.max_power_w
    if limit and profile.power_limit_w > float(limit) * (1.0 + DATASHEET_TOLERANCE):
        raise InputError(f"{where}: power_limit_w = {profile.power_limit_w:g} W is above the {float(limit):g} W "
                         f"maximum of {datasheet.key}'s datasheet; accepted: a limit up to "
                         f"{float(limit) * (1.0 + DATASHEET_TOLERANCE):g} W")


def _check_window(name: str, w: BenchWindow, need: str = "") -> None:
    values = {"duration_s": w.duration_s, "energy_j": w.energy_j, "flops": w.flops, "bytes_moved": w.bytes_moved}
    for field_name, v in values.items():
        if not math.isfinite(v) or v < 0 or (field_name == "duration_s" and v <= 0):
            raise InputError(f"micro-benchmark {name!r}: {field_name} = {v!r}; accepted: a finite number "
                             f"{'> 0' if field_name == 'duration_s' else '>= 0'}")
    if need and getattr(w, need) <= 0:
        raise InputError(f"micro-benchmark {name!r}: {need} must be > 0 (the work the benchmark did)")


def derive_profile(readings: MicrobenchReadings, datasheet: Datasheet, source: str) -> CalibrationProfile:
    """Power-model parameters from micro-benchmark readings (method and cap: module docstring).

    Raises :class:`InputError` when the readings cannot give a model: a loaded benchmark that draws no more than
    idle, a datasheet without bf16 peak or bandwidth.
    """
    _check_window("idle", readings.idle)
    _check_window("matmul_bf16", readings.gemm, "flops")
    _check_window("hbm_copy", readings.copy, "bytes_moved")
    if readings.gemv is not None:
        _check_window("gemv_bf16", readings.gemv, "bytes_moved")
    peak_tflops, peak_bw = datasheet.bf16_dense_tflops, datasheet.bandwidth_gb_per_s
    if not peak_tflops or not peak_bw:
        raise InputError(f"accelerator {datasheet.key!r} has no datasheet bf16 throughput or bandwidth in the "
                         "registry, so achieved fractions cannot be computed; accepted: an accelerator with both")
    p_idle = readings.idle.power_w
    for name, w in (("matmul_bf16", readings.gemm), ("hbm_copy", readings.copy)):
        if w.power_w <= p_idle:
            raise InputError(f"micro-benchmark {name!r} drew {w.power_w:.1f} W, not more than idle "
                             f"({p_idle:.1f} W): the GPU was not loaded (wrong device, or busy during the idle window)")
    e_flop = (readings.gemm.power_w - p_idle) / readings.gemm.flops_per_s
    e_byte = (readings.copy.power_w - p_idle) / readings.copy.bytes_per_s
    tflops = readings.gemm.flops_per_s / 1e12
    gb_per_s = readings.copy.bytes_per_s / 1e9
    gemv_fraction = None if readings.gemv is None else readings.gemv.bytes_per_s / 1e9 / peak_bw
    return CalibrationProfile(
        accelerator=datasheet.key,
        device_name=readings.device_name,
        driver=readings.driver,
        date=readings.date,
        source=source,
        idle_power_w=p_idle,
        power_limit_w=readings.power_limit_w,
        achieved_tflops_bf16=tflops,
        achieved_flops_fraction=tflops / peak_tflops,
        achieved_bandwidth_gb_per_s=gb_per_s,
        achieved_bandwidth_fraction=gb_per_s / peak_bw,
        energy_pj_per_flop=e_flop * 1e12,
        energy_pj_per_byte=e_byte * 1e12,
        gemv_bandwidth_fraction=gemv_fraction,
    )

