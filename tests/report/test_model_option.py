"""``--model``: the right-sizing chart, the boundary breakdown and the water chart follow the chosen model, with the
numbers of :class:`~aifootprint.estimate.RequestEstimator` for the report's task profile (1,000 input / 500 output
tokens, estimator defaults: H100, batch 64, bf16)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aifootprint.cli.main import main
from aifootprint.errors import InputError
from aifootprint.estimate.compare import DEFAULT_LADDER
from aifootprint.estimate.inference import RequestConfig, RequestEstimator
from aifootprint.impacts import assess, resolve_site
from aifootprint.reference.registry import Registry
from aifootprint.report.build import build_default_report
from aifootprint.report.requests import (
    DEFAULT_MODEL,
    REQUEST_TOKENS,
    WATER_LOCATIONS,
    Profile,
    per_request_data,
    resolve_profile,
    water_data,
)
from aifootprint.sector.equivalences import fmt
from aifootprint.uncertainty import Uncertain

REL = 1e-6


@pytest.fixture(scope="module")
def qwen_html() -> str:
    return build_default_report(model="qwen3-14b", draws=2_000)


def _section(html: str, sid: str) -> str:
    m = re.search(rf'<section id="{sid}">.*?</section>', html, flags=re.S)
    assert m is not None, sid
    return m.group(0)


def _energy(model: str, boundary: str = "datacenter") -> Uncertain:
    res = RequestEstimator(model, RequestConfig(boundary=boundary)).result(*REQUEST_TOKENS)
    return Uncertain.from_any(res.values["energy_wh"])


def _it_wh(model: str) -> Uncertain:
    est = RequestEstimator(model, RequestConfig())
    return Uncertain.from_any(est.result(*REQUEST_TOKENS).values["energy_wh"]) / est.site().pue_value


def test_profile_resolves_aliases_and_rejects_unknown_models(reg: Registry) -> None:
    assert resolve_profile(None, reg) == Profile(DEFAULT_MODEL)
    assert resolve_profile("Qwen/Qwen3-14B", reg).model == "qwen3-14b"
    with pytest.raises(InputError, match="did you mean"):
        resolve_profile("qwen3-14bx", reg)


def test_right_sizing_highlights_the_model_with_estimator_numbers(reg: Registry) -> None:
    pr = per_request_data(reg, resolve_profile("qwen3-14b", reg))
    mine = [b for b in pr.bars if b.emphasis and ", 14.8 B" in b.label]
    assert len(mine) == 1 and "qwen3-14b" in mine[0].label
    want = _energy("qwen3-14b")
    assert mine[0].value == pytest.approx(want.best, rel=REL)
    assert (mine[0].low, mine[0].high) == pytest.approx((want.low, want.high), rel=REL)
    assert [r.boundary for r in pr.boundaries] == ["accelerator", "server", "datacenter"]
    for row in pr.boundaries:
        e = _energy("qwen3-14b", row.boundary)
        assert (row.low, row.best, row.high) == pytest.approx((e.low, e.best, e.high), rel=REL)
        point = RequestEstimator("qwen3-14b", RequestConfig(boundary=row.boundary)).estimate(*REQUEST_TOKENS)
        assert row.terms == pytest.approx(point.breakdown_wh(), rel=REL)
    assert any("model qwen3-14b (chosen with --model)" in a for a in pr.notes.assumptions)


def test_model_outside_the_ladder_is_added(reg: Registry) -> None:
    assert "mistral-7b" not in DEFAULT_LADDER
    pr = per_request_data(reg, resolve_profile("mistral-7b", reg))
    ladder = [b for b in pr.bars if b.note.startswith("data-centre boundary")]
    assert len(ladder) == len(DEFAULT_LADDER) + 1
    assert [b.label for b in ladder if b.emphasis] == [b.label for b in ladder if "mistral-7b" in b.label]
    assert ladder[[b.emphasis for b in ladder].index(True)].value == pytest.approx(_energy("mistral-7b").best,
                                                                                  rel=REL)


def test_water_uses_the_models_it_energy(reg: Registry) -> None:
    """water = E_IT × (WUE + PUE × EWIF) per location (Li et al. 2023), E_IT from the estimator."""
    wd = water_data(reg, profile=resolve_profile("qwen3-14b", reg))
    it = _it_wh("qwen3-14b")
    assert wd.energy_wh == pytest.approx(it.best, rel=REL)
    assert wd.model == "qwen3-14b" and "qwen3-14b" in wd.title
    by_loc = {b.note.strip("()"): b for b in wd.bars}
    assert set(by_loc) == set(WATER_LOCATIONS)
    for loc, bar in by_loc.items():
        ml = Uncertain.from_any(assess(it / 1000.0, resolve_site(loc, "microsoft", registry=reg)).water_l) * 1000.0
        assert (bar.low, bar.value, bar.high) == pytest.approx((ml.low, ml.best, ml.high), rel=REL)
    assert any("1,000 input / 500 output tokens, batch 64" in a and "H100" in a for a in wd.notes.assumptions)


def test_model_changes_the_report(qwen_html: str) -> None:
    pr = _section(qwen_html, "per-request")
    water = _section(qwen_html, "water")
    dc = _energy("qwen3-14b")
    assert "<strong>qwen3-14b</strong> (highlighted ▶)" in pr and f"{fmt(dc.best)} Wh" in pr
    assert "qwen3-14b: energy per request by measurement boundary" in pr
    assert f"The same qwen3-14b request ({fmt(_it_wh('qwen3-14b').best)} Wh of IT energy)" in water
    assert "chosen with --model" in water and "batch 64" in water
    assert "Per-request charts: <strong>qwen3-14b</strong>" in qwen_html


def test_default_model_is_named_under_the_charts() -> None:
    html = build_default_report(draws=2_000)
    for sid in ("per-request", "water"):
        s = _section(html, sid)
        assert f"model {DEFAULT_MODEL} (default model; choose another with --model)" in s, sid


def test_closed_model_shows_range_and_estimated_flag(reg: Registry) -> None:
    prof = resolve_profile("gpt-4o", reg)
    pr = per_request_data(reg, prof)
    wd = water_data(reg, profile=prof)
    for flags in (pr.notes.flags, wd.notes.flags):
        assert any(f.startswith("gpt-4o is estimated (parameter count not published") for f in flags), flags
    dc = next(r for r in pr.boundaries if r.boundary == "datacenter")
    assert dc.low < dc.best < dc.high
    assert wd.energy_wh == pytest.approx(_it_wh("gpt-4o").best, rel=REL)


def test_headline_table_and_ladder_bar_use_one_site(reg: Registry) -> None:
    """User-test finding 3: for gpt-4o the headline (table, data-centre row) and the highlighted ladder bar are the
    same number, computed at the ladder's one site (world average, industry-average PUE); the note under the chart
    names that site and gives `estimate request`'s number at OpenAI's defaults (PUE 1.2, api_providers.csv)."""
    pr = per_request_data(reg, resolve_profile("gpt-4o", reg))
    dc = next(r for r in pr.boundaries if r.boundary == "datacenter")
    bar = next(b for b in pr.bars if b.label.startswith("▶ gpt-4o,"))
    assert (bar.value, bar.low, bar.high) == pytest.approx((dc.best, dc.low, dc.high), rel=REL)
    world = resolve_site(None, None, None, reg)
    at_world = RequestEstimator("gpt-4o", RequestConfig(), reg, site=world).result(*REQUEST_TOKENS)
    assert dc.best == pytest.approx(Uncertain.from_any(at_world.values["energy_wh"]).best, rel=REL)
    line = next(a for a in pr.notes.assumptions if a.startswith("site of every bar"))
    assert "site of every bar, the headline and the table: the world average (WORLD), PUE 1.56 — " in line, line
    assert "OpenAI's data-centre defaults — United States (US), PUE 1.2 — and gives" in line, line
    assert "(zone " not in line  # was "WORLD (zone WORLD)"
    assert f"gives about {fmt(_energy('gpt-4o').best)} Wh instead of {fmt(dc.best)} Wh here" in line
    open_model = per_request_data(reg, resolve_profile("llama-3.1-70b", reg))
    assert not any("without --location" in a for a in open_model.notes.assumptions)


def test_provider_with_an_uncertain_pue_is_written(reg: Registry) -> None:
    """Anthropic's data-centre defaults give a PUE range (1.09–1.14, api_providers.csv), an uncertain quantity: the
    note under the per-request chart writes its median and 5th–95th percentile and names the developer as
    written. Before, ``format(pue, "g")`` raised a TypeError and `report --model` stopped with a traceback for
    every one of the 11 Anthropic models (claude-3-haiku … claude-opus-4.1)."""
    pr = per_request_data(reg, resolve_profile("claude-3-haiku", reg))
    line = next(a for a in pr.notes.assumptions if a.startswith("site of every bar"))
    assert "Anthropic's data-centre defaults — United States (US), PUE 1.12 (1.10–1.13) — and gives" in line, line
    assert "gives about" in line and " Wh instead of " in line


def test_cli_unknown_model_exits_2_without_writing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.html"
    assert main(["report", "--model", "no-such-model", "--out", str(out), "--draws", "1000"]) == 2
    assert not out.exists()
    assert "unknown model 'no-such-model'" in capsys.readouterr().err


def test_cli_model_writes_the_models_report(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert main(["report", "--model", "gpt-4o", "--out", str(out), "--draws", "1000"]) == 0
    html = out.read_text(encoding="utf-8")
    assert "<strong>gpt-4o</strong> (highlighted ▶)" in html and "The same gpt-4o request" in html
