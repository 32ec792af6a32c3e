"""Package and methodology versions (reported in every result)."""

from __future__ import annotations

__version__ = "0.3.0"
#: Version of the calculation methods. Bump the minor part when a default result moves by more than 5 %
#: (and add a CHANGELOG line saying why); bump the major part when an output key changes meaning.
METHOD_VERSION = "0.3.0"
