"""``aifootprint.impacts`` re-exports lazily: ``measure`` needs the site and the core, not the hourly-profile reader
or the embodied-carbon module; every exported name still resolves."""

from __future__ import annotations

import subprocess
import sys

import aifootprint.impacts as impacts


def test_site_and_core_load_without_the_profile_reader() -> None:
    code = ("import sys\nfrom aifootprint.impacts import assess, resolve_site\n"
            "print(sorted(m for m in sys.modules if m.startswith('aifootprint.impacts.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "['aifootprint.impacts.core', 'aifootprint.impacts.site']"


def test_every_exported_name_resolves() -> None:
    for name in impacts.__all__:
        assert getattr(impacts, name) is not None, name
    assert impacts.assess.__module__ == "aifootprint.impacts.core"
