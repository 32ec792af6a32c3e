"""Citable sources and dataset metadata of the registry (:mod:`.registry` loads this module on first use:
``aifootprint measure`` reads tables but never their sidecar metadata or the sources' texts)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Source:
    """A citable source."""

    key: str
    citation: str
    url: str
    licence: str
    status: str = ""

    def format(self) -> str:
        """One-line human citation."""
        parts = [self.citation]
        if self.url:
            parts.append(self.url)
        if self.licence:
            parts.append(f"licence: {self.licence}")
        return ". ".join(p.rstrip(".") for p in parts) + "."


@dataclass(frozen=True)
class DatasetMeta:
    """Sidecar metadata of a dataset."""

    name: str
    title: str
    description: str
    key: str
    builder: str
    credit: str
    columns: Mapping[str, str] = field(default_factory=dict)
