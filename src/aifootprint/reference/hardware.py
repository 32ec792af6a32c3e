"""Typed access to the accelerator and server tables (``accelerators.csv``, ``servers.csv``).

Values come from the shipped data (built by ``scripts/build_hardware_data.py``); every row cites its sources
(keys into ``data/sources/hardware_models.csv``): GPU specifications from winston-zhang-orz/gpu-specs
(GPU-SPECS-A, Apache-2.0) and astroC86/gpu-datasheet (GPU-DATASHEET-B), which compile vendor datasheets; power
and embodied figures as cited per row (e.g. NV-PCF-H100 for the H100's 164 kgCO2e, BL22 for BLOOM's A100
assumptions). Throughput is *dense* tensor throughput: NVIDIA datasheets headline 2:4-sparse figures (2x dense).

Names are matched case-insensitively, with vendor prefixes, spaces and underscores tolerated and aliases
accepted ("NVIDIA H100 80GB HBM3", "h100-sxm", "A100_SXM4_80GB"). An unknown name raises
:class:`~aifootprint.errors.InputError` listing close matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import DataError, unknown_choice
from .registry import Registry, Row, default_registry, provenance, row_float, row_int, row_str

__all__ = [
    "Accelerator",
    "Server",
    "get_accelerator",
    "get_server",
    "list_accelerators",
    "list_servers",
    "normalize_name",
]

_VENDOR_PREFIXES = ("nvidia-", "amd-", "google-", "tesla-", "cloud-")


def normalize_name(name: str) -> str:
    """Lower-case, trim, and turn runs of spaces/underscores into single hyphens."""
    return re.sub(r"[\s_]+", "-", name.strip().lower())


def _required_int(row: Row, column: str) -> int:
    value = row_int(row, column)
    if value is None:
        raise DataError(f"row {row.get('key')!r}: column {column!r} is empty")
    return value


@dataclass(frozen=True)
class Accelerator:
    """One accelerator (GPU/TPU). Power is the nameplate maximum; throughput is dense (no sparsity).

    ``None`` means the value is not published (see ``notes``), never zero.
    """

    key: str
    name: str
    vendor: str
    kind: str
    aliases: tuple[str, ...]
    max_power_w: float | None
    idle_power_w: float | None
    bf16_dense_tflops: float | None
    fp8_dense_tflops: float | None
    memory_gb: float | None
    bandwidth_gb_per_s: float | None
    #: GPU-to-GPU bandwidth per GPU and direction inside one server (NVLink, else PCIe x16) [GB/s]
    interconnect_gb_per_s: float | None
    embodied_carbon_kg: float | None
    release_year: int | None
    sources: tuple[str, ...]
    year: int
    licence: str
    status: str
    notes: str

    @classmethod
    def from_row(cls, row: Row) -> Accelerator:
        """Build from an ``accelerators.csv`` row."""
        aliases = tuple(a for a in (normalize_name(x) for x in row_str(row, "aliases").split("|")) if a)
        return cls(
            key=row_str(row, "key"),
            name=row_str(row, "name"),
            vendor=row_str(row, "vendor"),
            kind=row_str(row, "kind"),
            aliases=aliases,
            max_power_w=row_float(row, "max_power_w"),
            idle_power_w=row_float(row, "idle_power_w"),
            bf16_dense_tflops=row_float(row, "bf16_dense_tflops"),
            fp8_dense_tflops=row_float(row, "fp8_dense_tflops"),
            memory_gb=row_float(row, "memory_gb"),
            bandwidth_gb_per_s=row_float(row, "bandwidth_gb_per_s"),
            interconnect_gb_per_s=row_float(row, "interconnect_gb_per_s"),
            embodied_carbon_kg=row_float(row, "embodied_carbon_kg"),
            release_year=row_int(row, "release_year"),
            **provenance(row),
        )

    @property
    def estimated(self) -> bool:
        """True when the row is derived or an assumption (status D or E) rather than a published spec."""
        return self.status in ("D", "E")


@dataclass(frozen=True)
class Server:
    """A server (or rack) configuration: accelerator key and count, power, embodied carbon without accelerators."""

    key: str
    name: str
    accelerator: str
    accelerators_per_server: int
    max_power_w: float | None
    host_power_w: float | None
    embodied_carbon_kg_excl_accelerators: float | None
    sources: tuple[str, ...]
    year: int
    licence: str
    status: str
    notes: str

    @classmethod
    def from_row(cls, row: Row) -> Server:
        """Build from a ``servers.csv`` row."""
        return cls(
            key=row_str(row, "key"),
            name=row_str(row, "name"),
            accelerator=row_str(row, "accelerator"),
            accelerators_per_server=_required_int(row, "accelerators_per_server"),
            max_power_w=row_float(row, "max_power_w"),
            host_power_w=row_float(row, "host_power_w"),
            embodied_carbon_kg_excl_accelerators=row_float(row, "embodied_carbon_kg_excl_accelerators"),
            **provenance(row),
        )

    def accelerator_spec(self, registry: Registry | None = None) -> Accelerator:
        """The :class:`Accelerator` this server holds."""
        return get_accelerator(self.accelerator, registry)


def list_accelerators(registry: Registry | None = None) -> list[Accelerator]:
    """All accelerators, in file order."""
    reg = registry or default_registry()
    return [Accelerator.from_row(r) for r in reg.table("accelerators").rows]


def list_servers(registry: Registry | None = None) -> list[Server]:
    """All servers, in file order."""
    reg = registry or default_registry()
    return [Server.from_row(r) for r in reg.table("servers").rows]


def _candidates(name: str) -> list[str]:
    norm = normalize_name(name)
    out = [norm]
    for prefix in _VENDOR_PREFIXES:
        if norm.startswith(prefix):
            out.append(norm.removeprefix(prefix))
    return out


def get_accelerator(name: str, registry: Registry | None = None) -> Accelerator:
    """The accelerator called ``name`` (key or alias, case-insensitive, vendor prefix optional).

    Raises :class:`~aifootprint.errors.InputError` naming close matches when nothing fits.
    """
    items = list_accelerators(registry)
    by_name: dict[str, Accelerator] = {}
    for acc in items:
        by_name.setdefault(acc.key, acc)
    for acc in items:
        for alias in acc.aliases:
            by_name.setdefault(alias, acc)
    for cand in _candidates(name):
        if cand in by_name:
            return by_name[cand]
    raise unknown_choice("accelerator", name, by_name)


def get_server(name: str, registry: Registry | None = None) -> Server:
    """The server called ``name`` (key, case-insensitive); InputError with close matches otherwise."""
    items = {s.key: s for s in list_servers(registry)}
    for cand in _candidates(name):
        if cand in items:
            return items[cand]
    raise unknown_choice("server", name, items)
