"""Shared fixtures of the report tests: the shipped registry, the default report (built once per session) and a
section of it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from aifootprint.reference.registry import Registry, default_registry
from aifootprint.report.build import build_default_report


def section_of(page: str, sid: str) -> str:
    """The HTML of ``<section id="sid">`` in ``page``."""
    start = page.index(f'<section id="{sid}">')
    return page[start:page.index("</section>", start)]


@pytest.fixture(scope="session")
def reg() -> Registry:
    """The shipped registry (one cached instance)."""
    return default_registry()


@pytest.fixture(scope="session")
def page() -> str:
    """The default report at 5,000 draws (enough for stable text; the Chromium test builds its own at 20,000)."""
    return build_default_report(draws=5_000)


@pytest.fixture(scope="session")
def section() -> Callable[[str, str], str]:
    return section_of


@pytest.fixture(scope="session")
def html(page: str) -> str:
    """The default report, under the name some tests give it."""
    return page
