"""The living AI energy index: figures from the library, provenance on each, escaping, the change table."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aifootprint.estimate.compare import compare_models
from aifootprint.index.changes import compare_snapshot, load_previous, snapshot, version_key
from aifootprint.index.figures import IndexConfig, build_index
from aifootprint.index.model import Figure, IndexData, Section
from aifootprint.index.render import render_index
from aifootprint.reference.registry import DATA_VERSION, default_registry
from aifootprint.report.requests import REQUEST_TOKENS

CFG = IndexConfig(draws=2_000)


@pytest.fixture(scope="module")
def data() -> IndexData:
    return build_index(config=CFG)


def test_every_figure_has_source_method_and_version(data: IndexData) -> None:
    """Each figure names registry sources that resolve to a citation, a method and the data version; no section
    fell back to 'missing' on the shipped data."""
    known = default_registry().sources()
    assert [s.missing for s in data.sections] == [""] * len(data.sections)
    assert {s.id for s in data.sections} >= {"request", "published", "sector", "water", "compare"}
    for f in data.figures():
        assert f.sources, f.id
        assert all(k in known for k in f.sources), f.id
        assert f.method, f.id
        # an amount of energy, carbon or water: positive; a band has both ends and strictly contains the best
        # (a collapsed or one-sided band would mean the spread was lost on the way)
        assert (f.low is None) == (f.high is None), f.id
        assert f.best > 0 if f.low is None or f.high is None else 0 < f.low < f.best < f.high, f.id
    assert data.data_version == DATA_VERSION
    assert set(data.sources) == {k for f in data.figures() for k in f.sources} | \
        {k for s in data.sections for ser in s.series for k in ser.sources}


def test_request_figures_are_the_estimators(data: IndexData) -> None:
    """Consistency check (not a reproduction): the index shows exactly what compare-models computes for the same
    request (1,000 input / 500 output tokens), water converted from L to mL."""
    rows = {r["model"]: r for r in compare_models(None, *REQUEST_TOKENS).to_dict()["models"]}
    figs = {f.id: f for f in data.figures()}
    for model in ("llama-3.1-8b", "llama-3.1-70b", "gpt-4o"):
        assert figs[f"request.{model}.energy_wh"].best == pytest.approx(rows[model]["energy_wh"]["best"], rel=1e-12)
        assert figs[f"request.{model}.water_l"].best == pytest.approx(rows[model]["water_l"]["best"] * 1000, rel=1e-12)


def test_published_and_sector_figures_pinned(data: IndexData) -> None:
    """Published figures pass through unchanged: de Vries 2023's 2.9 Wh per ChatGPT request (DV23); the IEA 2025
    base case starts at 415 TWh in 2024 (IEA25, an input of the scenario, shown as a point) and is 945 TWh in 2030
    nominally, the median of the draws within 5 % of it."""
    figs = {f.id: f for f in data.figures()}
    dv23 = figs["published.chatgpt-dv23.energy_wh"]
    assert (dv23.best, dv23.boundary, list(dv23.sources), dv23.kind) == (2.9, "server", ["DV23"], "published")
    iea24 = figs["sector.iea-2025-data-centres.facility_energy_twh.2024"]
    assert iea24.best == pytest.approx(415.0, rel=1e-9)
    assert iea24.low is None
    assert figs["sector.iea-2025-data-centres.facility_energy_twh.2030"].best == pytest.approx(945.0, rel=0.05)


def test_page_escapes_data_and_has_no_inline_script() -> None:
    """A hostile label is escaped in the HTML and in the embedded JSON; the only scripts are the bundled files
    and the JSON data block."""
    evil = '</script><script>alert(1)</script><img src=x onerror=alert(2)>'
    fig = Figure("x", "request", evil, "energy", "Wh", 1.0, 0.5, 2.0, boundary="server", sources=("DV23",),
                 method=evil)
    data = IndexData([Section("request", evil, evil, [fig], chart="bars")], {"DV23": evil}, "1", "1", "1")
    page = render_index(data, compare_snapshot(data, None))
    assert "<img" not in page and "alert(1)</script>" not in page
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S)
    assert [attrs for attrs, _ in scripts] == [' type="application/json" id="index-data"',
                                               ' src="assets/chart.umd.min.js"', ' src="assets/charts.js"',
                                               ' src="assets/index.js"']
    payload = json.loads(scripts[0][1])
    assert payload["request"]["bars"][0]["group"] == evil


def test_change_table() -> None:
    """Changed, new and removed figures and data files against a snapshot; no snapshot -> the page says only one
    data version is known."""
    mk = lambda i, v: Figure(i, "s", i, "q", "Wh", v, sources=("DV23",), method="m")  # noqa: E731
    now = IndexData([Section("s", "S", "", [mk("a", 2.0), mk("b", 1.0), mk("c", 3.0)])], {}, "2026.12.1", "1", "1",
                    {"t1": {"rows": 3, "sha256": "x"}, "t2": {"rows": 1, "sha256": "y"}})
    before = IndexData([Section("s", "S", "", [mk("a", 1.0), mk("b", 1.0), mk("d", 5.0)])], {}, "2026.11.2", "1",
                       "1", {"t1": {"rows": 2, "sha256": "z"}, "t3": {"rows": 1, "sha256": "w"}})
    ch = compare_snapshot(now, snapshot(before))
    got = {(c.id, c.status, c.before, c.after) for c in ch.figures}
    assert got == {("a", "changed", 1.0, 2.0), ("c", "new", None, 3.0), ("d", "removed", 5.0, None)}
    assert ch.unchanged == 1
    assert next(c for c in ch.figures if c.id == "a").rel_change == pytest.approx(1.0)
    assert set(ch.datasets) == {("t1", "changed", 2, 3), ("t2", "new", None, 1), ("t3", "removed", 1, None)}
    assert "+100.0 %" in render_index(now, ch) and ch.same_code
    assert "so a change comes from the data" in render_index(now, ch)
    older_code = {**snapshot(before), "code_sha256": "0" * 64}
    assert "may come from the method as well" in render_index(now, compare_snapshot(now, older_code))
    assert "Only one data version (2026.12.1)" in render_index(now, compare_snapshot(now, None))


def test_previous_snapshot_choice() -> None:
    """The newest snapshot *before* the current data version is used (versions compare numerically)."""
    snaps = {v: {"data_version": v} for v in ("2026.9.1", "2026.11.1", "2026.11.10", "2027.1.1")}
    assert load_previous("2026.11.10", snaps) == {"data_version": "2026.11.1"}
    assert load_previous("2026.9.1", snaps) is None
    assert version_key("2026.11.10") > version_key("2026.11.9")
    shipped = load_previous(DATA_VERSION)
    assert shipped is not None and version_key(shipped["data_version"]) < version_key(DATA_VERSION)


def test_per_task_section_from_the_library_table() -> None:
    """The per-task section shows the library table's rows as they are (estimate and published side by side,
    published with its registry boundary and source); no table -> no section."""
    from aifootprint.index.figures import per_task_section

    def fake_table(setup: str = "served", registry: object = None) -> list[dict[str, object]]:
        return [{"task": "text classification", "our_task": "classification", "published_wh_per_1000": 2.0,
                 "estimate_wh_per_1000": 1.5, "models": "llama-3.1-8b", "source": "PHP24",
                 "key": "php24-text-classification", "setup": setup, "hardware": "h100", "boundary": "datacenter"},
                {"task": "object detection", "our_task": None, "published_wh_per_1000": 38.0,
                 "estimate_wh_per_1000": None, "models": "", "source": "PHP24", "key": "", "setup": setup,
                 "hardware": "h100", "boundary": "datacenter"}]

    section = per_task_section(default_registry(), fake_table)
    assert section is not None
    got = {(f.group, f.label, f.best, f.kind) for f in section.figures}
    assert got == {("text classification", "estimate (served setup)", 1.5, "estimate"),
                   ("text classification", "estimate (php24 setup)", 1.5, "estimate"),
                   ("text classification", "published", 2.0, "published"),
                   ("object detection", "published", 38.0, "published")}
    pub = next(f for f in section.figures if f.group == "text classification" and f.kind == "published")
    assert (pub.boundary, list(pub.sources)) == ("server", ["PHP24"])
    assert per_task_section(default_registry(), lambda registry=None: []) is None


@given(st.dictionaries(st.sampled_from("abcdefgh"), st.floats(0.001, 1e6), max_size=8),
       st.dictionaries(st.sampled_from("abcdefgh"), st.floats(0.001, 1e6), max_size=8))
def test_change_table_accounts_for_every_figure(now: dict[str, float], before: dict[str, float]) -> None:
    """Every current figure is unchanged, changed or new; every previous one not current is removed."""
    mk = lambda d: IndexData([Section("s", "S", "", [Figure(k, "s", k, "q", "Wh", v) for k, v in d.items()])],  # noqa: E731
                             {}, "2", "1", "1")
    ch = compare_snapshot(mk(now), snapshot(mk(before)))
    status = {c.id: c.status for c in ch.figures}
    assert ch.unchanged + sum(s in ("changed", "new") for s in status.values()) == len(now)
    assert {k for k, s in status.items() if s == "removed"} == set(before) - set(now)
    assert {k for k, s in status.items() if s == "new"} == set(now) - set(before)


@given(st.text())
def test_script_json_never_closes_the_element(text: str) -> None:
    """Any text survives the JSON data block unchanged and cannot end the script element or open a tag."""
    from aifootprint.index.render import json_for_script

    out = json_for_script({"t": text})
    assert "<" not in out and ">" not in out
    assert json.loads(out) == {"t": text}


def test_other_draws_leave_the_monte_carlo_figures_out_of_the_change_table(data: IndexData) -> None:
    """The fixture uses 2,000 draws; the shipped snapshot was computed with IndexConfig()'s 20,000. Before, every
    sector figure and scenario total was listed as "changed" by the draws alone (IEA 2030: 956.5 -> 958.4 TWh,
    +0.2 %, at 5,000 draws). Now they are counted as not compared and the page says why; the data-driven figures
    are still compared."""
    previous = load_previous(DATA_VERSION)
    assert previous is not None
    ch = compare_snapshot(data, previous)
    listed = {c.id for c in ch.figures}
    assert not any(i.startswith("sector.") or (i.startswith("compare.") and not i.startswith("compare.bitcoin."))
                   for i in listed), listed
    assert ch.not_compared >= sum(1 for f in data.figures() if f.section == "sector")
    assert "2,000 draws, seed 20251203 here and 20,000 draws, seed 20251203 in the snapshot" in ch.monte_carlo_note
    assert f"{ch.not_compared} figures not compared" in render_index(data, ch)
    assert ch.unchanged + len([c for c in ch.figures if c.status != "removed"]) + ch.not_compared == \
        len(data.figures())


def test_same_draws_compare_the_monte_carlo_figures() -> None:
    """With the snapshot's settings the sector figures are compared as before (recorded in new snapshots)."""
    fig = Figure("sector.s.e.2030", "sector", "S", "electricity 2030", "TWh/yr", 2.0, sources=("IEA25",), method="m")
    now = IndexData([Section("sector", "S", "", [fig])], {}, "2026.12.9", "1", "1", {}, {"draws": 10, "seed": 1})
    before = snapshot(IndexData([Section("sector", "S", "", [Figure(**{**fig.__dict__, "best": 1.0})])], {},
                                "2026.12.8", "1", "1", {}, {"draws": 10, "seed": 1}))
    assert before["monte_carlo"] == {"draws": 10, "seed": 1}
    ch = compare_snapshot(now, before)
    assert [(c.id, c.status) for c in ch.figures] == [("sector.s.e.2030", "changed")] and ch.not_compared == 0
    ch = compare_snapshot(now, {**before, "monte_carlo": {"draws": 20, "seed": 1}})
    assert (ch.figures, ch.not_compared) == ((), 1)


def test_bitcoin_rows_name_the_year_of_the_figure(data: IndexData) -> None:
    """CBECI's 95.5 TWh is the 2022 figure (published 2023, sector_figures.csv figure_year 2022): the row says
    2022, as the countries' rows say their year. Before, it showed only "sector_figures.csv (2023)", the
    publication year. BECI's page copy is undated and says so."""
    figs = {f.id: f for f in data.figures()}
    cbeci = figs["compare.bitcoin.cbeci-bitcoin-2022"]
    assert cbeci.best == 95.5 and cbeci.group.endswith("(2022)")
    assert cbeci.method.startswith("sector_figures.csv (figure for 2022; published 2023)")
    beci = figs["compare.bitcoin.beci-bitcoin-electricity"]
    assert beci.group.endswith("(undated, published 2023)")
    sector = [w for f in data.figures() if f.section == "sector" for w in f.warnings]
    assert sector and all(w.split(":")[0] in IndexConfig().scenarios for w in sector)


def test_supply_scenarios_are_labelled_as_annual_rates(data: IndexData) -> None:
    """de Vries-Gao 2025's 23 GW by end-2025 x 8,760 h = 201 TWh/yr is a rate, not the electricity of calendar
    2025 (which the same paper puts lower): the row says "power × 8,760 h" and a note explains it. Before, it read
    "electricity 2025: 201". IEA's trajectory is a calendar-year total and keeps its plain label."""
    figs = {f.id: f for f in data.figures()}
    dv25 = figs["sector.devries-gao-2025-ai-power.it_energy_twh.2025"]
    assert dv25.label == "electricity 2025 (power × 8,760 h)" and dv25.best == pytest.approx(23 * 8.76)
    assert figs["sector.iea-2025-data-centres.facility_energy_twh.2030"].label == "electricity 2030"
    sector = next(s for s in data.sections if s.id == "sector")
    assert any("not the electricity used during calendar 2025" in n for n in sector.notes)
