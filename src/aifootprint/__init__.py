"""aifootprint: real, cited numbers on the electricity, carbon and water footprint of AI.

Nothing heavy is imported here: the public names below are loaded on first use (PEP 562), so
``import aifootprint`` stays fast (no numpy) and has no side effects.
"""

from __future__ import annotations

import importlib

from ._version import METHOD_VERSION as METHOD_VERSION
from ._version import __version__ as __version__

# public name -> module that defines it
_LAZY = {
    "Uncertain": "aifootprint.uncertainty",
    "Result": "aifootprint.result",
    "Assumption": "aifootprint.result",
    "InputError": "aifootprint.errors",
    "Registry": "aifootprint.reference.registry",
    "DATA_VERSION": "aifootprint.reference.registry",
    "default_registry": "aifootprint.reference.registry",
    "resolve_site": "aifootprint.impacts",
    "assess": "aifootprint.impacts",
    "SiteOverrides": "aifootprint.impacts",
    "Tracker": "aifootprint.measure",
    "track": "aifootprint.measure",
}

TYPE_CHECKING = False  # typing is not imported at run time (``import aifootprint`` stays cheap)
if TYPE_CHECKING:
    from typing import Any

__all__ = sorted([*_LAZY, "METHOD_VERSION", "__version__"])


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'aifootprint' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return __all__
