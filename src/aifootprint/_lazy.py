"""PEP 562 lazy exports: a package lists ``{public name: submodule}`` and gets a module ``__getattr__`` that imports
the submodule on first use (so importing the package does no work)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping

TYPE_CHECKING = False  # typing is not imported at run time
if TYPE_CHECKING:
    from typing import Any


def lazy_getattr(package: str, exports: Mapping[str, str], base: str | None = None) -> Callable[[str], Any]:
    """Module ``__getattr__`` for ``package``: ``exports`` maps a public name to its submodule, named relative to
    ``base`` (default: ``package`` itself; a plain module passes its ``__package__`` to name its siblings)."""
    where = package if base is None else base

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{where}.{module}"), name)

    return __getattr__
