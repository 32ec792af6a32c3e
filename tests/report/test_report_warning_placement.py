"""User-test findings on the report: best versus nominal labelled (14); only warnings that change a chart under
it, a dashed legend swatch for a dashed series, published labels not truncated (16)."""

from __future__ import annotations

import re
from collections.abc import Callable

from aifootprint.report.build import sector_data, split_warnings
from aifootprint.report.svg import Series, line_chart

SectionOf = Callable[[str, str], str]


def test_published_figures_that_are_inputs_are_not_called_reproduced(section: SectionOf, html: str) -> None:
    """IEA 2025's base case 945 TWh (2030, range 669–1,264) and 415 TWh (2024) are the default trajectory's own
    anchors: the report names them as inputs of the scenario, next to the median of the draws the line and table
    show, and never as "reproduced" (a match by construction is a consistency check, not a reproduction)."""
    sector = re.sub(r"<[^>]+>", "", section(html, "sector"))  # the source is a citation link [n]
    assert "published 945 (669–1,264) TWh/yr ([1]); an input of this scenario, not a reproduction; best (median " \
           "of the draws, the line and table):" in sector
    assert "published 415 TWh/yr ([1]); an input of this scenario, not a reproduction" in sector
    assert "reproduced" not in sector.replace("not a reproduction", "")
    assert "best (median of draws)" in sector


def test_a_computed_published_figure_is_still_called_reproduced() -> None:
    """de Vries 2023's 85.4–134 TWh (2027) is computed from servers × power × hours, not stated: reproduced."""
    from aifootprint.reference.registry import default_registry
    from aifootprint.report.build import published_rows
    from aifootprint.sector.outputs import published_checks

    _, res, _ = sector_data("devries-2023-nvidia-2027", 500, default_registry())
    rows = published_rows(res, published_checks(res))
    assert any("85.4–134 TWh/yr (DV23); bounds reproduced (inputs at their bounds): 85.4–134" in r for r in rows)


def test_carbon_and_water_warnings_are_not_under_the_energy_chart(section: SectionOf, html: str) -> None:
    """The IEA trajectory gives facility energy directly: the PUE, on-site WUE and grid-intensity warnings do not
    change the TWh chart; they appear with the equivalences, which use carbon and water."""
    flags = re.search(r'<p class="flag">(.*?)</p>', section(html, "sector"))
    assert flags is None or not re.search(r"\b(pue|wue_onsite|grid_intensity|PUE \(power usage effectiveness\)|"
                                          r"On-site water use \(WUE\)|Grid carbon intensity):", flags.group(1))
    eq = section(html, "equivalences")  # under their readable labels (the ids are not shown to readers)
    assert "On-site water use (WUE):" in eq and "Grid carbon intensity:" in eq


def test_pue_warning_stays_where_facility_energy_depends_on_it() -> None:
    """A supply scenario computes facility energy = IT energy × PUE: the PUE fallback stays under its chart."""
    from aifootprint.reference.registry import default_registry

    _, res, _ = sector_data("devries-2023-nvidia-2027", 500, default_registry())
    mine, other = split_warnings(res, "facility_energy_twh")
    assert any(w.subject == "pue" and w.code == "estimated-fallback" for w in mine)
    assert not any(w.subject == "pue" for w in other)


def test_dashed_series_has_a_dashed_legend_swatch() -> None:
    svg = line_chart("t", [Series("elasticity 0", [1, 2], [1, 1], dashed=True), Series("rises", [1, 2], [1, 2])],
                     "x", "y")
    swatches = re.findall(r'<line x1="(?:576)[^>]*stroke-width="2.5"[^>]*/>', svg)
    assert len(swatches) == 2
    assert 'stroke-dasharray="6,4"' in swatches[0] and "stroke-dasharray" not in swatches[1]


def test_published_labels_are_not_truncated(section: SectionOf, html: str) -> None:
    """"published: average ChatGPT query (OpenAI, …" was cut; every published label is now whole (one or two
    lines)."""
    texts = re.findall(r">([^<>]*)</text>", section(html, "per-request"))
    assert not any(t.endswith("…") for t in texts)
    assert "published: average ChatGPT query (OpenAI, June 2025)" in texts


def test_energy_chart_shows_no_carbon_or_water_factor_warnings(section: SectionOf, html: str) -> None:
    """The per-request chart is energy: the PUE warning stays (it changes the data-centre bars), the grid-intensity
    and on-site WUE warnings and assumptions go."""
    section = section(html, "per-request")
    assert "PUE (power usage effectiveness): no operator given" in section
    for name in ("grid_intensity", "wue_onsite", "ewif_offsite", "Grid carbon intensity", "On-site water use (WUE)",
                 "Off-site water of electricity (EWIF)"):
        assert f"{name}:" not in section and f"<li>{name} = " not in section, name


def test_warnings_are_routed_by_subject_not_by_text() -> None:
    """Issue 12: report sections were chosen by the warning's text prefix. A notice about the grid intensity whose
    text does not start with "grid_intensity:" still goes where carbon is shown, not under the energy chart."""
    from types import SimpleNamespace

    from aifootprint.notice import Notice

    grid = Notice("estimated-fallback", "World-average grid intensity used (no location)", "grid_intensity", "X")
    other = Notice("default-inputs", "inputs not given, defaults used: x = 1", "inputs")
    res = SimpleNamespace(warnings=(grid, other), scenario=SimpleNamespace(model="supply"))
    mine, elsewhere = split_warnings(res, "facility_energy_twh")
    assert mine == [other] and elsewhere == [grid]
