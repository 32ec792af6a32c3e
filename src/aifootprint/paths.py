"""Where aifootprint keeps the user's data: one rule for every component (run store, server database, caches).

``$AIFOOTPRINT_HOME`` when set, else ``$XDG_DATA_HOME/aifootprint`` (XDG Base Directory Specification 0.8: the
variable counts only when it is an absolute path), else ``~/.local/share/aifootprint``. Standard library only: the
``measure`` path imports it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


def data_home(environ: Mapping[str, str] | None = None, home: Path | None = None) -> Path:
    """The user's aifootprint data directory (module docstring); ``environ`` and ``home`` default to the process's."""
    env = os.environ if environ is None else environ
    own = env.get("AIFOOTPRINT_HOME")
    if own:
        return Path(own)
    xdg = env.get("XDG_DATA_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "aifootprint"
    return (home or Path.home()) / ".local" / "share" / "aifootprint"
