"""Shipped reference data with provenance (see :mod:`aifootprint.reference.registry`)."""

from __future__ import annotations

from .._lazy import lazy_getattr

TYPE_CHECKING = False  # the names below are imported on first use
if TYPE_CHECKING:
    from .registry import DATA_VERSION, Registry, Table, default_registry
    from .sources import Source

__all__ = ["DATA_VERSION", "Registry", "Source", "Table", "default_registry"]

__getattr__ = lazy_getattr(__name__, {"DATA_VERSION": "registry", "Registry": "registry", "Source": "sources",
                                      "Table": "registry", "default_registry": "registry"})
