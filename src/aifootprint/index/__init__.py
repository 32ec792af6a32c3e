"""The living AI energy index: the current best numbers, each with its source, method and data version.

Lazy re-exports only (PEP 562). :func:`build_index` computes the figures from the registry and the built-in
scenarios; :func:`render_index` turns them into one HTML page; :func:`write_site` writes the static site
(``aifootprint index --out DIR``); the server serves the same page at ``/index``.
"""

from __future__ import annotations

from .._lazy import lazy_getattr

_EXPORTS = {
    "IndexConfig": "figures",
    "build_index": "figures",
    "IndexData": "model",
    "render_index": "render",
    "write_site": "site",
    "compare_snapshot": "changes",
    "load_previous": "changes",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_getattr(__name__, _EXPORTS)
