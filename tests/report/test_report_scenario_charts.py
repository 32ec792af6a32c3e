"""Second user test on the report: IT energy beside IT figures for supply scenarios, a headline without the year
twice, the band legend only with a band, marker labels that do not overlap (finding 2); the estimator's comparisons
with published figures kept for a closed model, report wording for a model without a training run (4); published
bars sorted (14)."""

from __future__ import annotations

import html
import re

import pytest

from aifootprint.reference.registry import Registry
from aifootprint.report.build import chart_output, lifecycle_data, sector_data
from aifootprint.report.requests import per_request_data, resolve_profile
from aifootprint.report.sections import sector_section
from aifootprint.report.svg import label_box


def _lede(html: str) -> str:
    m = re.search(r'<p class="lede">(.*?)</p>', html, flags=re.S)
    assert m is not None
    return m.group(1)


def test_it_scenario_is_plotted_as_it_energy(reg: Registry) -> None:
    """de Vries 2023 (DV23): 1.5 M servers at 6.5–10.2 kW, no PUE -> 85.4–134 TWh/yr of IT energy in 2027. The chart
    shows IT energy (median about 110, p5–p95 inside the published range), not facility energy × PUE 1.56."""
    traj, res, _ = sector_data("devries-2023-nvidia-2027", 5_000, reg)
    assert chart_output(res) == "it_energy_twh"
    assert traj.best[0] == pytest.approx(res.at("it_energy_twh", 2027)["best"])
    assert 85.4 <= traj.low[0] < traj.best[0] < traj.high[0] <= 134.0
    html = sector_section(traj)
    assert "IT (server) electricity [TWh/yr]" in html
    assert "would be 171 TWh/yr" in _lede(html)  # facility energy named in words, not plotted beside DV23
    assert "DV23 2027" in html and "DV23 2027 (IT)" not in html


def test_facility_scenarios_keep_facility_energy(reg: Registry) -> None:
    _, res, _ = sector_data("iea-2025-data-centres", 2_000, reg)
    assert chart_output(res) == "facility_energy_twh"


def test_single_year_headline_and_legend(reg: Registry) -> None:
    """One year: no 'X in 2027 → X in 2027', and no '5–95 % band' legend entry where no band is drawn."""
    traj, _, _ = sector_data("devries-2023-nvidia-2027", 2_000, reg)
    html = sector_section(traj)
    assert "→" not in _lede(html)
    assert _lede(html).count("in 2027 (5th–95th percentile") == 1
    assert "5–95 % band" not in html and "<polygon" not in html
    multi, _, _ = sector_data("iea-2025-data-centres", 2_000, reg)
    assert "5–95 % band" in sector_section(multi) and "→" in _lede(sector_section(multi))


def _marker_boxes(svg: str, size: int) -> tuple[list[tuple[float, float, float, float]],
                                               list[tuple[float, float, float, float]]]:
    bars = [(float(x) - 8, min(float(a), float(b)), float(x) + 8, max(float(a), float(b))) for x, a, _, b in
            re.findall(r'<g stroke="[^"]+" stroke-width="3"><title>[^<]*</title><line x1="([\d.]+)" y1="([\d.]+)" '
                       r'x2="([\d.]+)" y2="([\d.]+)"/>', svg)]
    labels = [label_box(float(x), float(y), text, anchor, size) for x, y, anchor, text in
              re.findall(rf'<text x="([\d.]+)" y="([\d.]+)" font-size="{size}" text-anchor="(\w+)" fill="(?!#222)[^"]*"'
                         r'[^>]*>([^<]*)</text>', svg)]
    return bars, labels


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("scenario", ["devries-2023-nvidia-2027", "devries-2023-google-search-ai",
                                      "iea-2025-data-centres", "devries-2023-chatgpt", "ai-search-rebound"])
def test_marker_labels_overlap_no_label_or_bar(reg: Registry, scenario: str) -> None:
    """'5th–95th percentile' was drawn over 'DV23 2027 (IT)' and its error bar. Both drawings: the wide one
    (11-unit marker labels, reference labels in the margin) and the narrow one (13 units, reference labels on the
    plot, or in the legend where the plot has no room)."""
    traj, _, _ = sector_data(scenario, 2_000, reg)
    html = sector_section(traj)
    wide, narrow = html.split("</svg>")[:2]
    bars, labels = _marker_boxes(wide, 11)
    assert len(labels) == len(traj.markers)
    for i, a in enumerate(labels):
        assert not any(_overlap(a, b) for b in labels[i + 1:]), scenario
        assert not any(_overlap(a, b) for b in bars), scenario
    bars, labels = _marker_boxes(narrow, 13)  # marker and reference labels (coloured; the legend's are #222)
    assert len(labels) >= len(traj.markers) + (len(traj.refs) > 0)
    for i, a in enumerate(labels):
        assert not any(_overlap(a, b) for b in labels[i + 1:]), scenario
        assert not any(_overlap(a, b) for b in bars), scenario


def test_closed_model_keeps_the_published_figure_warnings(reg: Registry) -> None:
    """`report --model gpt-4o`: the estimate (about 1.5–2.6 Wh) is far above Epoch AI's 0.3 Wh (EP25) and OpenAI's
    0.34 Wh (SA25); the estimator's warnings saying so are shown under the chart, as in the CLI."""
    pr = per_request_data(reg, resolve_profile("gpt-4o", reg))
    published = [str(f) for f in pr.notes.flags if "published figure" in str(f)]
    assert any("EP25" in f for f in published) and any("SA25" in f for f in published)
    assert any(str(f).startswith("gpt-4o is estimated") for f in pr.notes.flags)


def test_published_bars_are_sorted(reg: Registry) -> None:
    """The published bars read 0.300, 0.340, 0.300: they are now drawn smallest first."""
    pr = per_request_data(reg, resolve_profile("gpt-4o", reg))
    values = [b.value for b in pr.bars if b.label.startswith("published:")]
    assert len(values) >= 5
    assert values == sorted(values)


def test_lifecycle_without_training_run_uses_report_wording(reg: Registry) -> None:
    """No training run for gpt-4o: the note says so in report terms, with no CLI flag hint."""
    lc = lifecycle_data(reg, "gpt-4o")
    text = " ".join(lc.notes.flags)
    assert "No published training run for gpt-4o in the registry" in text
    assert "the life-cycle chart uses GPT-3 training energy" in text
    assert "--training" not in text and "give the training run" not in text


def test_one_sided_published_figure_is_a_labelled_bound(reg: Registry) -> None:
    """DV23 gives only an upper figure for AI in every Google search (29.2 TWh/yr): drawn at 29.2 and labelled as
    an upper bound, not as a range from 0."""
    traj, _, _ = sector_data("devries-2023-google-search-ai", 2_000, reg)
    marker = next(m for m in traj.markers if m.label.startswith("DV23"))
    assert marker.label == "DV23 2023 (upper bound)"
    assert marker.low == marker.high == pytest.approx(29.2)


def test_year_without_spread_draws_no_percentile_dot(reg: Registry) -> None:
    """``devries-2023-chatgpt`` and ``devries-gao-2025-ai-power`` fix every input of their energy: p5 = median = p95.
    The zero-height "percentile bar" was drawn as a second, larger dot beside the median, labelled "5th–95th
    percentile" (it read as another estimate), and the lede said "(5th–95th percentile 0.206–0.206)". Now no such
    marker, one dot (the median) where nothing is published, and the lede says there is no spread."""
    for scenario, dots in (("devries-2023-chatgpt", 1), ("devries-gao-2025-ai-power", 2)):
        traj, _, _ = sector_data(scenario, 2_000, reg)
        assert traj.low[0] == traj.high[0], scenario  # the premise: no spread
        assert not any(m.label == "5th–95th percentile" for m in traj.markers), scenario
        page = sector_section(traj)
        wide = page.split("</svg>")[0]
        assert wide.count("<circle") == dots, (scenario, wide.count("<circle"))  # median (+ the published point)
        assert "5th–95th percentile</text>" not in page
        lede = _lede(page)
        assert "no spread: every input this figure depends on is a fixed value" in lede, lede
        assert not re.search(r"percentile ([\d.,]+)–\1\b", lede), lede
    traj, _, _ = sector_data("devries-2023-nvidia-2027", 2_000, reg)  # a spread: the bar and the range stay
    assert any(m.label == "5th–95th percentile" for m in traj.markers)
    assert "(5th–95th percentile" in _lede(sector_section(traj))


def test_lede_names_bars_only_when_published_bars_are_drawn(reg: Registry) -> None:
    """The lede said "bars: published estimates" for scenarios whose published figures are not on the chart
    (``li-2023-water-2027``: water; ``devries-2023-chatgpt``: MWh/day and Wh per request). Now it says none is drawn
    and names them; where bars are drawn it still names the bars."""
    for scenario, names in (("li-2023-water-2027", "(Water withdrawal; Water consumed)"),
                            ("devries-2023-chatgpt", "(IT electricity per day; Energy per request)")):
        traj, _, _ = sector_data(scenario, 2_000, reg)
        lede = html.unescape(_lede(sector_section(traj)))
        assert "bars: published estimates" not in lede and "beside them" not in lede, lede
        assert f"None of this scenario's published figures is drawn: they are other quantities or units {names}" \
            in lede, lede
    for scenario in ("iea-2025-data-centres", "devries-2023-nvidia-2027", "devries-gao-2025-ai-power"):
        lede = _lede(sector_section(sector_data(scenario, 2_000, reg)[0]))
        assert "; bars: published estimates." in lede and "None of this scenario's" not in lede, scenario
