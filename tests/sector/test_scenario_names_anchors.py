"""Scenario names and anchors: an empty scenario ``name`` ran; a ``by_year`` anchor no scenario year uses (2010 beside
a 2024 anchor) was silently ignored; docs/scenarios.md cited ``mine.toml:11:`` for an error that is at line 21 of its
own example. Each test failed before its fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aifootprint.errors import InputError
from aifootprint.sector.scenario import load_builtin, parse_scenario

DOC = Path(__file__).resolve().parents[2] / "docs" / "scenarios.md"


def _iea(text_change: tuple[str, str]) -> str:
    text = load_builtin("iea-2025-data-centres").text
    old, new = text_change
    assert old in text
    return text.replace(old, new, 1)


def test_empty_name_is_refused_with_its_line() -> None:
    text = _iea(('name = "iea-2025-data-centres"', 'name = "  "'))
    line = text.splitlines().index('name = "  "') + 1
    with pytest.raises(InputError, match=rf"^x\.toml:{line}: field 'scenario\.name': empty name"):
        parse_scenario(text, "x.toml")


def test_unused_by_year_anchor_is_refused_with_its_line() -> None:
    text = _iea(("2024 = 415", "2010 = 100\n2024 = 415"))
    line = text.splitlines().index("2010 = 100") + 1
    with pytest.raises(InputError, match=rf"^x\.toml:{line}: field 'inputs\.facility_energy_twh\.by_year\.2010': "
                                         r"anchor 2010 is outside the scenario years 2024\.\.2030 and has no effect"):
        parse_scenario(text, "x.toml")
    with pytest.raises(InputError, match="anchor 2040 is outside"):
        parse_scenario(_iea(("2030 = {", "2040 = 2000\n2030 = {")), "x.toml")


def test_anchors_that_are_used_outside_the_years_still_parse() -> None:
    # the nearest anchor on each side feeds the interpolation
    parse_scenario(_iea(("2024 = 415", "2020 = 300")), "x.toml")
    narrowed = _iea(("years = { start = 2024, end = 2030 }", "years = { start = 2025, end = 2029 }"))
    with pytest.raises(InputError, match=r"field 'published\.0\.year': 2024 is not a scenario year \(2025\.\.2029\)"):
        parse_scenario(narrowed, "x.toml")  # its published 2024 and 2030 figures would never be compared
    parse_scenario(narrowed.split("[[published]]")[0], "x.toml")


def _doc_example() -> str:
    m = re.search(r"```toml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert m
    return m.group(1)


def test_doc_example_parses_and_shipment_anchors_before_the_years_count() -> None:
    sc = parse_scenario(_doc_example(), "mine.toml")
    assert sc.inputs["shipments_servers"].by_year[0][0] < sc.years[0]


@pytest.mark.parametrize(("change", "prefix"), [
    (("range = [6.5, 10.2]", "range = [10.2, 6.5]"), "mine.toml:21: field 'inputs.server_power_kw': range: low 10.2"),
])
def test_doc_error_lines_are_those_of_its_example(change: tuple[str, str], prefix: str) -> None:
    doc = DOC.read_text(encoding="utf-8")
    assert f"`{prefix}" in doc
    text = _doc_example().replace(*change)
    with pytest.raises(InputError) as exc:
        parse_scenario(text, "mine.toml")
    assert str(exc.value).startswith(prefix), exc.value


def test_doc_source_and_location_lines_are_those_of_its_example() -> None:
    doc = DOC.read_text(encoding="utf-8")
    ex = _doc_example().splitlines()
    src = next(i for i, s in enumerate(ex, 1) if s.startswith('source = "DV23"'))
    loc = next(i for i, s in enumerate(ex, 1) if s.startswith("location ="))
    assert f"`mine.toml:{src}: field 'inputs.server_power_kw.source'" in doc
    assert f"`mine.toml:{loc}: field 'scenario.location'" in doc
