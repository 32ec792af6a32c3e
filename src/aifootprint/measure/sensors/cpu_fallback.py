"""Estimated CPU power when no energy counter can be read: utilisation x TDP, **flagged as estimated**.

Power = busy fraction of all CPUs (from ``/proc/stat``, between two reads) x the processor's TDP. This is the
Green Algorithms model (Lannelongue, Grealey, Inouye, *Green Algorithms: Quantifying the Carbon Footprint of
Computation*, Adv. Sci. 2021, https://doi.org/10.1002/advs.202100707; data CC-BY-4.0): power = cores x TDP per core
x usage factor. The TDP comes from the user (``cpu_tdp_w``), else from the reference registry when it lists the
processor, else from Green Algorithms' default of :data:`DEFAULT_TDP_PER_CORE_W` per physical core (row ``Any`` of
``data/latest/TDP_cpu.csv``, data v3.0, commit 30df2fe). TDP is a thermal design limit, not a measurement, so the
figure can be off either way; every output built on it says so.

The registry lookup (:func:`lookup_cpu_tdp`) normalises the ``/proc/cpuinfo`` "model name" with :func:`cpu_key`
(the same function that builds the ``key`` column of the ``cpus`` table, see ``scripts/build_cpu_data.py``), tries
an exact key match, then a conservative token match, and otherwise keeps the per-core default with a warning that
names the model that was not found. The table's TDP is per chip: it is multiplied by the number of sockets on
bare metal; inside a virtual machine (``hypervisor`` flag) it is apportioned to the visible cores when the table
knows the chip's core count, and the per-core default is used otherwise (a whole-chip TDP would overstate a small VM).

The proc root is injectable (tests build a fake ``/proc``).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ...notice import Notice
from .base import Component, PersistentFile, Reading, SensorError, read_text

TYPE_CHECKING = False  # typing is not imported at run time (`aifootprint measure` never needs it)
if TYPE_CHECKING:
    from ...reference.registry import Row, Table

#: Green Algorithms default TDP per core when the CPU model is unknown: 12.0 W/core (``TDP_cpu.csv`` row ``Any``,
#: Green Algorithms calculator data v3.0, commit 30df2fe, CC-BY-4.0; Lannelongue et al. 2021).
DEFAULT_TDP_PER_CORE_W = 12.0
DEFAULT_PROC = "/proc"
#: Citation of :data:`DEFAULT_TDP_PER_CORE_W` (source key GA-CPU in ``data/sources/cpus.csv``).
DEFAULT_TDP_CITATION = "GA-CPU: Lannelongue et al. 2021, Green Algorithms data v3.0 (CC-BY-4.0)"


def read_cpu_times(proc_root: str = DEFAULT_PROC, reader: PersistentFile | None = None) -> tuple[float, float]:
    """Return (busy jiffies, total jiffies) summed over all CPUs from ``<proc_root>/stat``.

    Busy excludes ``idle`` and ``iowait``; ``guest`` columns are already inside ``user``/``nice`` (proc(5)).
    """
    text = reader() if reader is not None else read_text(os.path.join(proc_root, "stat"))
    for line in text.splitlines():
        if line.startswith("cpu "):
            fields = [float(x) for x in line.split()[1:9]]
            fields += [0.0] * (8 - len(fields))
            idle = fields[3] + fields[4]
            total = sum(fields)
            return total - idle, total
    raise SensorError(f"no aggregate 'cpu' line in {proc_root}/stat")


def cpu_model_and_cores(proc_root: str = DEFAULT_PROC) -> tuple[str, int]:
    """CPU model name and number of physical cores (distinct (physical id, core id) pairs) from cpuinfo.

    Falls back to ``os.cpu_count()`` logical CPUs when cpuinfo has no topology (VMs, containers, non-x86).
    """
    try:
        text = read_text(os.path.join(proc_root, "cpuinfo"))
    except OSError:
        return "", os.cpu_count() or 1
    model, phys, cores = "", "0", set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if key == "model name" and not model:
            model = value
        elif key == "physical id":
            phys = value
        elif key == "core id":
            cores.add((phys, value))
    return model, len(cores) or os.cpu_count() or 1


#: The CPU estimate re-reads ``/proc/stat`` at most this often [s] (the kernel builds the whole file, interrupt counts
#: included, on every read): the busy fraction is an average between two reads either way, so the energy integrated
#: is the same; only a window edge's share of the estimate is resolved to this period instead of the sampling one.
#: The sensor says so (``refresh_s``): the tracker's sampler then reads it at this period, not ``hz`` times a second.
REFRESH_S = 0.5
#: A read at least this fraction of ``refresh_s`` after the previous one re-reads ``/proc/stat``: a sampler reading
#: every ``refresh_s`` (give or take its own slack of a quarter tick) always gets a fresh value, never the last one.
REFRESH_SLACK = 0.9


class CpuEstimateSensor:
    """Power = CPU busy fraction x ``tdp_w``. No counter: the tracker integrates the power samples."""

    component: Component = "cpu"
    method = "tdp-x-utilisation"
    estimated = True

    def __init__(self, tdp_w: float | Callable[[], CpuTdp], *, proc_root: str = DEFAULT_PROC,
                 tdp_source: str = "", refresh_s: float = REFRESH_S) -> None:
        """``tdp_w``: the TDP [W], or a function finding it (called on the first read, i.e. on the sampler thread,
        so that ``Tracker.start()`` never pays for the ``cpus`` table lookup). ``refresh_s``: see
        :data:`REFRESH_S`."""
        self._refresh_s = refresh_s
        self._read_at = -1e18
        self._resolve: Callable[[], CpuTdp] | None = None
        if callable(tdp_w):
            self._resolve, tdp_w = tdp_w, 0.0
        elif not tdp_w > 0:
            raise ValueError(f"CPU TDP must be > 0 W, got {tdp_w}")
        self.device = "cpu"
        self.physical_id = "cpu:estimate"
        self.tdp_w = tdp_w
        self.label = cpu_model_and_cores(proc_root)[0] or "CPU"
        self.tdp_source = tdp_source
        self.assumptions: list[tuple[str, float, str, str]] = []
        self.notices: list[Notice] = []
        self._proc_root = proc_root
        self._stat = PersistentFile(os.path.join(proc_root, "stat"))
        self._last = read_cpu_times(proc_root, self._stat)
        self._last_fraction = 0.0
        self._reading = Reading(power_w=0.0)  # reused while the busy fraction is unchanged (no per-sample object)

    @property
    def counter_update_s(self) -> float | None:
        return None

    @property
    def refresh_s(self) -> float:
        """The reading changes at most this often [s] (:data:`REFRESH_S`): the tracker reads it no faster."""
        return self._refresh_s

    def utilisation(self) -> float:
        """Busy fraction of all CPUs since the previous call (the previous value if no time has passed)."""
        now = time.monotonic()
        if now - self._read_at < REFRESH_SLACK * self._refresh_s:
            return self._last_fraction
        self._read_at = now
        try:
            busy, total = read_cpu_times(self._proc_root, self._stat)
        except (OSError, ValueError) as exc:
            raise SensorError(f"cpu: cannot read {self._proc_root}/stat: {exc}") from exc
        d_busy, d_total = busy - self._last[0], total - self._last[1]
        if d_total > 0:
            self._last = (busy, total)
            self._last_fraction = min(1.0, max(0.0, d_busy / d_total))
        return self._last_fraction

    @property
    def power_limit_w(self) -> float | None:
        return self.tdp_w or None

    def _resolve_tdp(self) -> None:
        assert self._resolve is not None
        found, self._resolve = self._resolve(), None
        self.tdp_w, self.tdp_source = found.tdp_w, found.source
        self.assumptions.append(("cpu_tdp", found.tdp_w, "W", found.source))
        if found.warning:
            code = "cpu-tdp-approximate" if found.match == "fuzzy" else "cpu-tdp-default"
            self.notices.append(Notice(code, found.warning, "cpu", found.source))

    def read(self) -> Reading:
        if self._resolve is not None:
            self._resolve_tdp()
        power = self.utilisation() * self.tdp_w
        if power != self._reading.power_w:
            self._reading = Reading(power_w=power)
        return self._reading

    def close(self) -> None:
        self._stat.close()


# ------------------------------------------------------------------------------------------- TDP lookup

# patterns as text: compiled (and cached by ``re``) on the first lookup, not when the tracker imports this module
_MARKS = r"\((?:r|tm|c)\)"
#: Where a cpuinfo model name stops naming the chip: clock (``@ 2.90GHz``), integrated graphics.
_TAIL = r"@|\swith\s|\sw/|\sradeon\b"
_DROP = frozenset({"intel", "amd", "cpu", "processor", "genuine"})
_CORES = r"\d+-cores?"
_ORDINAL = r"\d+(?:st|nd|rd|th)"


def cpu_key(name: str) -> str:
    """Normalised CPU model name, the ``key`` of the ``cpus`` table; also applied to cpuinfo model names.

    Lower case; (R)/(TM)/®/™, odd spaces, the vendor words ``Intel``/``AMD``, ``CPU``, ``Processor``, ``N-Core``
    and ``Nth Gen`` dropped; the text after ``@``, `` with ``, `` w/ `` or `` Radeon`` (clock, graphics) cut:
    ``"Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz"`` -> ``"xeon platinum 8375c"``,
    ``"AMD EPYC 7R13 Processor"`` -> ``"epyc 7r13"``.
    """
    text = name.replace("\u200b", "").replace("®", " ").replace("™", " ")
    import unicodedata

    text = re.sub(_MARKS, " ", unicodedata.normalize("NFKC", text).lower())
    text = re.split(_TAIL, text, maxsplit=1)[0].replace("core2", "core 2")
    words = text.split()
    out: list[str] = []
    for i, word in enumerate(words):
        if word in _DROP or re.fullmatch(_CORES, word):
            continue
        if re.fullmatch(_ORDINAL, word) and i + 1 < len(words) and words[i + 1] == "gen":
            continue
        if word == "gen" and i > 0 and re.fullmatch(_ORDINAL, words[i - 1]):
            continue
        out.append(word)
    return " ".join(out)


def _tokens(key: str) -> tuple[frozenset[str], frozenset[str]]:
    """(tokens with a digit, tokens without) of a key; hyphens separate tokens (``i7-920`` = ``i7 920``)."""
    words = [w.strip(".") for w in re.findall(r"[a-z0-9+.]+", key.replace("-", " "))]
    words = [w for w in words if w]
    return (frozenset(w for w in words if any(c.isdigit() for c in w)),
            frozenset(w for w in words if not any(c.isdigit() for c in w)))


def match_cpu(model: str, rows: Sequence[Row]) -> tuple[str, list[Row]]:
    """Find ``model`` among ``cpus`` rows: ``("exact", [row])``, ``("fuzzy", rows)``, ``("ambiguous", rows)``
    or ``("none", [])``.

    Fuzzy (conservative): the same set of digit-bearing tokens, one of them with at least three digits (a model
    number, not just "Ryzen 5"), and the other words of one name contained in the other's (``Core i7 920`` =
    ``Core i7-920``; ``Ryzen 5 3500`` = ``Ryzen 5 3500 (OEM Only)``; ``Xeon Gold 6248`` != ``6248R``;
    ``E5-2686 v4`` != ``E5-2686``). Candidates that disagree on the TDP make the match ambiguous (no match).
    """
    key = cpu_key(model)
    if not key:
        return "none", []
    for row in rows:
        if str(row.get("key", "")) == key:
            return "exact", [row]
    digits, words = _tokens(key)
    if not any(sum(c.isdigit() for c in t) >= 3 for t in digits):
        return "none", []
    found = []
    for row in rows:
        d, w = _tokens(str(row.get("key", "")))
        if d == digits and (w <= words or words <= w):
            found.append(row)
    if not found:
        return "none", []
    return ("fuzzy" if len({row.get("tdp_w") for row in found}) == 1 else "ambiguous"), found


@dataclass(frozen=True)
class CpuTdp:
    """TDP used by the CPU estimate [W], its citation, how it was found and a warning ('' when none).

    ``match``: ``exact`` / ``fuzzy`` (from the ``cpus`` table) or ``default`` (per-core default).
    """

    tdp_w: float
    source: str
    match: str
    key: str = ""
    warning: str = ""


@dataclass(frozen=True)
class CpuInfo:
    """What the TDP lookup needs from ``/proc/cpuinfo``."""

    model: str
    cores: int
    sockets: int = 1
    virtual: bool = False


def read_cpu_info(proc_root: str = DEFAULT_PROC) -> CpuInfo:
    """Model name, physical cores, sockets (distinct ``physical id``) and the ``hypervisor`` flag from cpuinfo."""
    model, cores = cpu_model_and_cores(proc_root)
    try:
        text = read_text(os.path.join(proc_root, "cpuinfo"))
    except OSError:
        return CpuInfo(model, cores)
    sockets, virtual = set(), False
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "physical id":
            sockets.add(value.strip())
        elif key == "flags" and "hypervisor" in value.split():
            virtual = True
    return CpuInfo(model, cores, max(1, len(sockets)), virtual)


def _cpus_table() -> Table | None:
    from ...reference.registry import default_registry

    registry = default_registry()
    return registry.table("cpus") if "cpus" in registry.datasets() else None


def resolve_cpu_tdp(info: CpuInfo, table: Table | None = None) -> CpuTdp:
    """The CPU's TDP from the ``cpus`` table (``table``, else the shipped one), else the cited per-core default.

    The default and approximate matches carry a warning naming the cpuinfo model; the default's source is
    flagged ``[estimated fallback]``.
    """
    from ...errors import AifootprintError

    default_w = DEFAULT_TDP_PER_CORE_W * info.cores
    default = (f"Green Algorithms default {DEFAULT_TDP_PER_CORE_W} W/core x {info.cores} cores, "
               f"{DEFAULT_TDP_CITATION} [estimated fallback]")
    use_default = (f"the TDP used is the Green Algorithms default {DEFAULT_TDP_PER_CORE_W} W/core x {info.cores} "
                   f"cores = {default_w:g} W; pass --cpu-tdp-w to give the real TDP")
    if not info.model:
        return CpuTdp(default_w, default, "default", warning=f"cpu: no model name in /proc/cpuinfo; {use_default}")
    try:
        table = table if table is not None else _cpus_table()
    except (AifootprintError, OSError) as exc:
        return CpuTdp(default_w, default, "default", warning=f"cpu: cpus table unreadable ({exc}); {use_default}")
    how, rows = match_cpu(info.model, table.rows) if table is not None else ("none", [])
    if how == "none":
        return CpuTdp(default_w, default, "default",
                      warning=f"cpu: model {info.model!r} not found in the cpus table; {use_default}")
    if how == "ambiguous":
        listed = ", ".join(f"{r.get('name')} {r.get('tdp_w')} W" for r in rows[:4])
        return CpuTdp(default_w, default, "default", warning=f"cpu: model {info.model!r} matches several cpus "
                      f"entries with different TDPs ({listed}); {use_default}")
    return _from_row(info, rows[0], how, default_w, default)


def _from_row(info: CpuInfo, row: Row, how: str, default_w: float, default: str) -> CpuTdp:
    """Scale the per-chip TDP of a table row to this machine (sockets, or the VM's share of the chip)."""
    from ...reference.registry import row_float

    chip_w = row_float(row, "tdp_w") or 0.0
    key, name = str(row.get("key")), str(row.get("name"))
    cite = f"cpus table {key!r}: {chip_w:g} W per chip ({row.get('source')}, {row.get('year')})"
    chip_cores = row.get("cores")
    fuzzy = (f"cpu: model {info.model!r} matched approximately to {name!r} in the cpus table "
             f"({chip_w:g} W per chip); pass --cpu-tdp-w to override") if how == "fuzzy" else ""
    if not info.virtual:
        return CpuTdp(chip_w * info.sockets, f"{cite} x {info.sockets} socket(s), {how} match", how, key, fuzzy)
    if isinstance(chip_cores, int) and chip_cores > 0:
        share = min(1.0, info.cores / chip_cores)
        return CpuTdp(chip_w * share, f"{cite} x {info.cores}/{chip_cores} cores (virtual machine), {how} match",
                      how, key, fuzzy)
    return CpuTdp(default_w, default, "default", key, warning=(
        f"cpu: model {info.model!r} is {name!r} ({chip_w:g} W per chip) in the cpus table, but this is a virtual "
        f"machine and the chip's core count is unknown, so its share of the chip TDP cannot be computed; the TDP "
        f"used is the Green Algorithms default {DEFAULT_TDP_PER_CORE_W} W/core x {info.cores} cores = "
        f"{default_w:g} W; pass --cpu-tdp-w to override"))


def lookup_cpu_tdp(proc_root: str = DEFAULT_PROC, table: Table | None = None) -> CpuTdp:
    """:func:`resolve_cpu_tdp` for the CPU described by ``<proc_root>/cpuinfo``."""
    return resolve_cpu_tdp(read_cpu_info(proc_root), table)
