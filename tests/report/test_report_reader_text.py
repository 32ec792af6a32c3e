"""Review of the report in Chromium (audit D): what readers see — tables that scroll in their own box, labels instead
of identifiers, [n] citations instead of source keys, one number format without scientific notation, notes that
belong to their chart, legends for every colour, navigation that matches the headings."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable

from aifootprint.report.labels import dist_text, label, num, quantity, reader_text
from aifootprint.report.sections import number_citations
from aifootprint.report.svg import PALETTE
from aifootprint.sector.distributions import Dist

SectionOf = Callable[[str, str], str]


def _notes(section: str) -> str:
    """The visible text of a section's notes (sources, flags, assumptions), tags removed."""
    return htmllib.unescape(re.sub(r"<[^>]+>", "", section[section.index('<div class="notes">'):]))


def _visible(page: str) -> str:
    body = re.sub(r"<style>.*?</style>|<title>.*?</title>", "", page, flags=re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", body))


# ------------------------------------------------------------------------------------------------- 1, 2: tables
def test_every_table_scrolls_in_its_own_box_and_is_styled(section: SectionOf, page: str) -> None:
    tables = re.findall(r"(.{0,30})<table class=\"([^\"]*)\"", page)
    assert len(tables) >= 4
    for before, cls in tables:
        assert before.endswith('<div class="table-wrap">'), before
        assert "data" in cls.split(), cls  # the per-task table too
    assert '<table class="data tasks">' in section(page, "per-task")


def test_every_chart_has_a_wide_and_a_narrow_drawing(page: str) -> None:
    """No "scroll sideways" hint any more (issue 12): each chart figure holds its wide drawing and its narrow one."""
    assert "scroll-hint" not in page and "scroll it sideways" not in page
    figures = re.findall(r"<figure>(.*?)</figure>", page, flags=re.S)
    charts = [f for f in figures if "<svg" in f]
    assert len(charts) >= 7
    for fig in charts:
        assert re.findall(r'<svg [^>]*class="(chart \w+)"', fig) == ["chart wide", "chart narrow"]
    assert any(f.startswith('<div class="eqs">') for f in figures)  # the equivalences are text


# ------------------------------------------------------------------------------------------------- 3: labels
RAW_IDS = ("facility_energy_twh", "intensity_g_per_kwh", "wue_onsite_l_per_kwh", "ewif_l_per_kwh",
           "requests_per_day", "demand_growth_fraction", "active_params_b", "compute_fraction",
           "engine_seq_overhead_s", "band_5_95_factors", "rebound_elasticity", "grid_intensity", "wue_onsite",
           "power_w_per_accelerator")


def test_readers_see_labels_not_identifiers(section: SectionOf, page: str) -> None:
    text = _visible(page)
    for raw in RAW_IDS:
        assert raw not in text, raw
    assert not re.search(r"\b(pue|training): ", text)
    assert "range(" not in text and "triangular(" not in text
    rebound = _notes(section(page, "rebound"))
    assert "Demand growth: 0.100–0.500 per year" in rebound
    assert "Spearman rank correlation of Rebound elasticity with the result" in _notes(
        section(page, "rebound-sensitivity"))


def test_label_table_and_fallback() -> None:
    assert label("intensity_g_per_kwh") == label("grid_intensity") == "Grid carbon intensity"
    assert label("training: pue") == "Training: PUE (power usage effectiveness)"
    assert label("cooling_overhead_kw") == "Cooling overhead"  # unknown id: words, unit suffix dropped
    assert reader_text("training: grid_intensity: implied") == "Training: Grid carbon intensity: implied"
    assert reader_text("gpt-4o: estimated: parameter count") == "gpt-4o: estimated: parameter count"
    assert dist_text(Dist("range", (0.1, 0.5))) == "0.100–0.500"
    assert dist_text(Dist("triangular", (669.0, 945.0, 1264.0))) == "669–1,264, most likely 945"


# ------------------------------------------------------------------------------------------------- 4: citations
def test_source_keys_are_numbered_links(section: SectionOf, page: str) -> None:
    notes = "".join(_notes(section(page, s)) for s in ("sector", "lifecycle", "per-request", "equivalences"))
    assert not re.search(r"\b[A-Z][A-Z0-9-]+;[A-Z]", notes), "keys joined by ';' shown to readers"
    eq = section(page, "equivalences")
    assert "[CC-OWID]" not in eq and re.search(r'<span class="src"><a class="ref" href="#ref-\d+"', eq)
    assert "UPTIME" not in _notes(section(page, "equivalences"))


def test_bibliography_is_complete_linked_and_lists_in_order(page: str) -> None:
    bib = page.split('<ol class="bib">', 1)[1]
    assert "Gossart" in bib and "Coroamă" in bib and "ICT4S 2019" in bib
    assert "task_models.csv" not in bib and "arXiv:2505.06371" in bib and "HF-ENCODERS" in bib
    assert re.search(r'<a href="https://arxiv\.org/abs/2311\.16863">', bib)
    for cites in re.findall(r'<p class="cites">(.*?)</p>', page):
        numbers = [int(n) for n in re.findall(r'href="#ref-(\d+)"', cites)]
        assert numbers == sorted(numbers), numbers


def test_unknown_key_like_words_stay_text() -> None:
    body, bib = number_citations('<cite data-ref="A1">A1: full</cite> <cite data-ref="A1" class="key">A1</cite> '
                                 '<cite data-ref="U.S" class="key">U.S</cite>')
    assert body.count('href="#ref-1"') == 2 and body.endswith(" U.S") and len(bib) == 1


# ------------------------------------------------------------------------------------------------- 5: numbers
def test_one_number_format_without_scientific_notation(page: str) -> None:
    assert num(9e9) == "9.00 billion" and num(1.5e6) == "1.50 million" and quantity(5.824e-05, "s") == "58.2 µs"
    assert quantity(9e9, "requests/day") == "9 billion requests/day" and quantity(64.0, "") == "64"  # stated
    assert [num(v) for v in (10.0, 5.0, 0.5, 0.001, 0.01, 0.0, 50.0, 100.0, 1.8, 3.908)] == \
        ["10.0", "5.00", "0.500", "0.00100", "0.0100", "0", "50.0", "100", "1.80", "3.91"]
    text = _visible(page)
    assert not re.search(r"\d(\.\d+)?e[+-]\d", text), re.search(r".{30}\d(\.\d+)?e[+-]\d.{30}", text)
    assert "9 billion requests/day" in text
    wide = "".join(re.findall(r'<svg [^>]*class="chart wide".*?</svg>', page, flags=re.S))
    narrow = "".join(re.findall(r'<svg [^>]*class="chart narrow".*?</svg>', page, flags=re.S))  # values: "end"
    ticks = re.findall(r'text-anchor="(?:middle|end)" fill="#222">([0-9.,]+)</text>', wide)
    ticks += re.findall(r'text-anchor="middle" fill="#222">([0-9.,]+)</text>', narrow)
    assert ticks and not [t for t in ticks if re.fullmatch(r"[0-9,]*\.[0-9]*0", t)], ticks
    assert "3.908" not in text and "1.4769" not in text


# ------------------------------------------------------------------------------------------------- 6: notes placement
def test_energy_charts_list_only_their_inputs(section: SectionOf, page: str) -> None:
    lifecycle = section(page, "lifecycle")
    items = re.findall(r"<li>", lifecycle[lifecycle.index('<div class="notes">'):])
    assert len(items) <= 16, len(items)
    for sid in ("lifecycle", "rebound", "sector"):
        notes = _notes(section(page, sid))
        for factor in ("Grid carbon intensity", "On-site water use (WUE)", "Off-site water of electricity"):
            assert factor not in notes, (sid, factor)
    eq = _notes(section(page, "equivalences"))
    assert "Grid carbon intensity: 475 gCO2e/kWh" in eq and "On-site water use (WUE): 1.80 L/kWh" in eq
    assert _notes(section(page, "rebound")).lower().count("no published demand elasticity") == 1


# ------------------------------------------------------------------------------------------------- 7, 8: legends
def test_per_task_colours_match_and_have_a_legend(section: SectionOf, page: str) -> None:
    svg = section(page, "per-task").split("<figure>", 1)[1].split("</figure>", 1)[0]
    assert f'fill="{PALETTE[1]}"' not in svg and 'fill="#999"' in svg
    assert "published (Luccioni et al. 2024)" in svg and "estimate, their setup" in svg


def test_bar_labels_have_one_size_per_chart(section: SectionOf, page: str) -> None:
    for sid in ("per-request", "per-task"):
        wide, narrow = section(page, sid).split("<figure>", 1)[1].split("</figure>", 1)[0].split("</svg>")[:2]
        sizes = set(re.findall(r'font-size="(\d+)" text-anchor="end"', wide))  # labels right-aligned in a column
        assert len(sizes) == 1, (sid, sizes)
        sizes = set(re.findall(r'font-size="(\d+)" text-anchor="start"', narrow))  # labels above their bars
        assert sizes == {"13"}, (sid, sizes)
    assert "(mean of models) (Luccioni" not in page


def test_sector_legend_names_the_error_bars(section: SectionOf, page: str) -> None:
    svg = section(page, "sector").split("<figure>", 1)[1]
    assert ">published estimate</text>" in svg and ">AI only, published</text>" in svg


# ------------------------------------------------------------------------------------------------- 9: small
def test_navigation_headings_and_equivalence_wording(section: SectionOf, page: str) -> None:
    nav = re.findall(r'<li><a href="#([^"]+)">(.*?)</a></li>', page.split("<nav>", 1)[1].split("</nav>", 1)[0])
    for sid, text in nav:
        if sid != "references":
            assert f"<h2>{text}</h2>" in section(page, sid), (sid, text)
    assert "Rebound: what matters most (sensitivity)" in dict(nav).values()
    assert not re.search(r'aria-label="[^"]*training vs serving: training vs inference', page)
    assert "× km by" not in page and "trillion km by passenger car" in page
