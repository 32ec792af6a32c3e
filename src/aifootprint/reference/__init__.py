"""Shipped reference data with provenance (see :mod:`aifootprint.reference.registry`)."""

from __future__ import annotations

from .registry import DATA_VERSION, Registry, Source, Table, default_registry

__all__ = ["DATA_VERSION", "Registry", "Source", "Table", "default_registry"]
