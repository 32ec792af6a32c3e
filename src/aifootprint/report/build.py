"""The offline HTML report: one self-contained file (inline SVG and CSS, no script, no network).

:func:`render_page` assembles section HTML into the page; :func:`build_default_report` gathers the data:
the sector trajectory and sensitivity from the scenarios (:mod:`aifootprint.sector`), the rebound example,
training versus inference and per-request energy from the estimator when it is available (else from published
figures in ``training_runs.csv`` / ``request_figures.csv``, flagged as such), water per request by location
through the impacts core, and the equivalences.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from .._version import METHOD_VERSION, __version__
from ..errors import AifootprintError, DataError
from ..notice import Notice, to_notices
from ..reference.registry import DATA_VERSION, Registry, default_registry, row_float, row_str
from ..sector.equivalences import compare, countries, nearest_countries, parse_quantity
from .labels import equivalence_text, input_text, label, leading_ids, num
from .labels import quantity as with_unit
from .requests import (
    DEFAULT_MODEL,
    NOT_ENERGY,
    REQUEST_KEYS,
    REQUEST_TOKENS,
    WATER_LOCATIONS,
    Profile,
    estimator_available,
    keys_of,
    per_request_data,
    resolve_profile,
    water_data,
)
from .sections import (
    SPREAD_LABEL,
    EquivalenceBlock,
    Lifecycle,
    Notes,
    Rebound,
    Tornado,
    Trajectory,
    assumption_line,
    equivalences_section,
    has_spread,
    human_name,
    lifecycle_section,
    number_citations,
    per_request_section,
    rebound_section,
    sector_section,
    spread_text,
    tornado_section,
    water_section,
)
from .style import CSS
from .svg import PALETTE, Marker, RefLine
from .tasks_section import per_task_section

__all__ = ["DEFAULT_MODEL", "REQUEST_KEYS", "REQUEST_TOKENS", "WATER_LOCATIONS", "build_default_report",
           "lifecycle_data", "per_request_data", "render_page", "water_data"]

DEFAULT_SCENARIO = "iea-2025-data-centres"
#: Heading (and navigation link) of the rebound example's tornado.
REBOUND_SENSITIVITY = "Rebound: what matters most (sensitivity)"
REBOUND_SCENARIO = "ai-search-rebound"


def _heading(section_html: str) -> str:
    """The section's own ``<h2>`` text (escaped HTML), so a navigation link reads as the heading it leads to."""
    start = section_html.find("<h2>")
    return section_html[start + 4:section_html.index("</h2>", start)] if start >= 0 else ""


def render_page(title: str, sections: Sequence[tuple[str, str, str]], intro: str = "") -> str:
    """The full HTML page; ``sections`` are (id, heading, html)."""
    body, bibliography = number_citations("".join(html for _, _, html in sections))
    if bibliography:  # no citation: no References section
        sections = [*sections, ("references", "References", "")]
        body += ('<section id="references"><h2>References</h2><p>Every source cited as [n] under a chart, listed '
                 f'once.</p><ol class="bib">{"".join(bibliography)}</ol></section>')
    toc = "".join(f'<li><a href="#{escape(sid)}">{_heading(html) or escape(head)}</a></li>'
                  for sid, head, html in sections)
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
            f"<header><h1>{escape(title)}</h1><p>{intro}</p><nav><ul>{toc}</ul></nav></header>{body}"
            f"<footer>aifootprint {escape(__version__)} · method {escape(METHOD_VERSION)} · data "
            f"{escape(DATA_VERSION)} · low/best/high are the 5th/50th/95th percentiles · this file works offline "
            "(no scripts, no network).</footer></body></html>")


def _cite(reg: Registry, keys: Sequence[str], custom: dict[str, str] | None = None,
          skip_unknown: bool = False) -> list[str]:
    out = []
    for key in dict.fromkeys(k.strip() for ks in keys for k in ks.split(";") if k.strip()):
        if custom and key in custom:
            out.append(f"{key}: {custom[key]}")
            continue
        try:
            out.append(f"{key}: {reg.cite(key).format()}")
        except AifootprintError:  # unknown key / location: left out, never breaks the report
            if skip_unknown:
                continue
            out.append(f"{key}: (citation not in the registry)")
    return out


def _assumption_lines(result: Any, site_factors: bool = False) -> list[str]:
    """The scenario's inputs for readers ("Demand growth: 0.1–0.5 per year — source"): those that change its energy,
    or (``site_factors``) the carbon and water factors, which go with the equivalences."""
    from ..sector.outputs import assumptions

    inputs = result.prepared.inputs
    lines = []
    for a in assumptions(result):
        carbon_water = a.name in NOT_ENERGY_IDS or (a.name == "pue" and result.scenario.model == "trajectory")
        if carbon_water != site_factors:
            continue
        value = input_text(inputs[a.name]) if a.name in inputs else num(a.value) if isinstance(a.value, float) \
            else str(a.value)
        lines.append(f"{label(a.name)}: {with_unit(value, a.unit)} — {a.source}")
    return lines


def sensitivity_rows(res: Any) -> list[tuple[str, float, float]]:
    """The run's one-at-a-time sensitivity as tornado rows, each input under its readable name with its unit."""
    inputs = res.prepared.inputs
    return [(human_name(s.name, inputs[s.name].unit if s.name in inputs else ""), s.output_at_p5, s.output_at_p95)
            for s in res.sensitivity]


def _country_refs(reg: Registry, values: Sequence[float]) -> tuple[list[RefLine], list[str]]:
    if "country_electricity" not in reg.datasets():
        return [], []
    table = countries(reg)
    picked: dict[str, tuple[str, float, str]] = {}
    for v in values:
        for e in nearest_countries(v, table, n=1):
            picked[e.label] = (e.label.replace("electricity of ", ""), e.reference_value, e.source)
    refs = [RefLine(name, twh, "#777") for name, twh, _ in picked.values()]
    return refs, [s for _, _, s in picked.values()]


def _bitcoin_ref(reg: Registry) -> tuple[list[RefLine], list[str]]:
    from ..sector.equivalences import bitcoin_rows

    rows = [r for r in bitcoin_rows(reg) if "digiconomist" in row_str(r, "description").lower()]
    return ([RefLine("Bitcoin (BECI)", row_float(rows[0], "value") or 0.0, PALETTE[2])], [row_str(rows[0], "source")]) \
        if rows else ([], [])


def sector_data(scenario: str, draws: int, reg: Registry) -> tuple[Trajectory, Any, list[str]]:
    """Run the scenario and build the trajectory section data (with published markers from the built-ins)."""
    from ..sector.montecarlo import run
    from ..sector.outputs import published_checks
    from ..sector.scenario import load_builtin, load_scenario

    res = run(load_scenario(scenario), draws=draws, registry=reg)
    output = chart_output(res)
    q = res.quantiles[output]
    years = list(res.years)
    refs, ref_src = _country_refs(reg, [float(q[0, 1]), float(q[-1, 1]), float(q[-1, 2])])
    btc, btc_src = _bitcoin_ref(reg)
    it_only = {"it_energy_twh": " (IT)"} if output == "facility_energy_twh" else {}
    markers = [_published_marker(p, f"{p.source} {p.year}{it_only.get(p.output, '')}")
               for p in res.scenario.published if p.output in ("facility_energy_twh", "it_energy_twh")]
    if len(years) == 1 and has_spread(float(q[0, 0]), float(q[0, 2])):  # no bar of zero height: it drew as a second
        markers.append(Marker(SPREAD_LABEL, years[0], float(q[0, 0]), float(q[0, 2]), PALETTE[0]))  # dot
    extra_src: list[str] = []
    if res.scenario.model == "trajectory":
        for name, out in (("devries-2023-nvidia-2027", "it_energy_twh"), ("devries-gao-2025-ai-power",
                                                                          "it_energy_twh")):
            sc = load_builtin(name)
            for p in sc.published:
                if p.output == out and years[0] <= p.year <= years[-1]:
                    lo = p.low if p.low is not None else p.value or 0.0
                    hi = p.high if p.high is not None else p.value or 0.0
                    markers.append(Marker(f"AI only, {p.source} {p.year}", p.year, lo, hi, PALETTE[1]))
                    extra_src.append(p.source)
    rows = published_rows(res, published_checks(res))
    chart_w, _ = split_warnings(res, output)  # the others go with the equivalences
    notes = Notes(_cite(reg, [*res.scenario.source_keys(), *extra_src, *ref_src, *btc_src],
                        dict(res.scenario.custom_sources)),
                  [*rows, *_assumption_lines(res), *res.scenario.notes], chart_w)
    quantity, extra = "electricity", ""
    drawn = any(m.label != SPREAD_LABEL for m in markers)  # published figures on the chart
    if output == "it_energy_twh":
        quantity = "IT (server) electricity"
        fac = res.at("facility_energy_twh", years[-1])
        when = f" in {years[-1]}" if len(years) > 1 else ""
        extra = (f"The published figures are IT (server) energy, so the chart shows IT energy"
                 f"{' beside them' if drawn else ''}. With the data-centre overhead (facility = IT × PUE) it would be "
                 f"{num(fac['best'])} TWh/yr{when} ({spread_text(fac['low'], fac['high'])}).")
    other = list(dict.fromkeys(label(p.output) for p in res.scenario.published
                               if p.output not in ("facility_energy_twh", "it_energy_twh")))
    if other and not drawn:  # e.g. li-2023-water-2027: its figures are water, which this chart does not show
        extra += (f"{' ' if extra else ''}None of this scenario's published figures is drawn: they are other "
                  f"quantities or units ({'; '.join(other)}), each compared with this package's value in the notes "
                  "under the table.")
    traj = Trajectory(res.scenario.title, years, [float(v) for v in q[:, 1]], [float(v) for v in q[:, 0]],
                      [float(v) for v in q[:, 2]], "TWh/yr", [*refs, *btc], markers, notes, quantity, extra)
    return traj, res, rows


def _published_marker(p: Any, label: str) -> Marker:
    """A published figure as an error bar: its range, its value, or a one-sided bound drawn as a point and
    labelled as such (an 'up to' figure is not a range from zero)."""
    values = [v for v in (p.low, p.value, p.high) if v is not None]
    side = " (upper bound)" if p.high is not None and p.low is None and p.value is None else \
        " (lower bound)" if p.low is not None and p.high is None and p.value is None else ""
    return Marker(label + side, p.year, min(values), max(values))


#: Outputs that are IT (server) energy or power, before the data-centre overhead (PUE).
IT_OUTPUTS = frozenset({"it_energy_twh", "it_power_gw", "it_energy_mwh_per_day"})


def chart_output(res: Any) -> str:
    """The energy output the sector chart shows: ``it_energy_twh`` when the scenario computes IT energy and its
    published figures are IT figures only (supply scenarios such as de Vries 2023, which apply no PUE), so that IT
    is compared with IT; else ``facility_energy_twh``."""
    published = {p.output for p in res.scenario.published}
    if ("it_energy_twh" in res.quantiles and res.scenario.model != "trajectory" and published & IT_OUTPUTS
            and "facility_energy_twh" not in published):
        return "it_energy_twh"
    return "facility_energy_twh"


def published_rows(res: Any, checks: Sequence[Any]) -> list[str]:
    """One line per published figure, naming what was reproduced: the *nominal* value (every input at its stated
    value, what the source computes) or the corner *bounds*, next to the *best* value (median of the draws). A figure
    that the scenario states as an input (:attr:`~aifootprint.sector.outputs.PublishedCheck.from_input`) is named as
    such: matching it is no reproduction."""
    rows = []
    for c in checks:
        p = c.published
        head = f"{label(p.output)} {p.year}: published "
        pub = "–".join(num(v) for v in (p.low, p.high) if v is not None)
        if c.from_input:  # the scenario states the figure (e.g. IEA's 945 TWh anchor): matching it proves nothing
            shown = " ".join(x for x in (num(p.value) if p.value is not None else "", f"({pub})" if pub else "") if x)
            rows.append(f"{head}{shown} {p.unit} ({p.source}); an input of this scenario, not a reproduction; best "
                        f"(median of the draws, the line and table): {num(res.at(p.output, p.year)['best'])}")
            continue
        if p.low is not None or p.high is not None:
            rep = "–".join(num(v) for v in (c.reproduced_low, c.reproduced_high) if v is not None)
            rows.append(f"{head}{pub} {p.unit} ({p.source}); bounds reproduced (inputs at their bounds): {rep}")
        if p.value is not None:
            median = res.at(p.output, p.year)["best"]
            rows.append(f"{head}{num(p.value)} {p.unit} ({p.source}); nominal reproduced (inputs at their stated "
                        f"values): {num(c.reproduced_value or 0.0)}; best (median of the draws, the line and table): "
                        f"{num(median)}")
    return rows


#: Site-factor warnings (by :attr:`~aifootprint.notice.Notice.subject`) and the outputs they change
#: (``aifootprint.sector.models``: facility = IT × PUE; carbon from the grid intensity; water from on-site WUE and
#: off-site EWIF).
_FACTOR_OUTPUTS = {"pue": ("facility_energy_twh", "carbon_t", "water_consumption_l"),
                   "grid_intensity": ("carbon_t",), "carbon_t": ("carbon_t",),
                   "wue_onsite": ("water_consumption_l",), "ewif_offsite": ("water_consumption_l",)}


def split_warnings(res: Any, output: str) -> tuple[list[Notice], list[Notice]]:
    """The run's warnings that can change ``output`` (shown under its chart) and the others (shown where carbon
    and water are used), routed by their subject. A trajectory scenario gives facility energy directly: its PUE
    changes only IT energy."""
    mine: list[Notice] = []
    other: list[Notice] = []
    for n in to_notices(res.warnings):
        outs = _FACTOR_OUTPUTS.get(n.subject)
        if n.subject == "pue" and res.scenario.model == "trajectory":
            outs = ("it_energy_twh", "water_consumption_l")
        (mine if outs is None or output in outs else other).append(n)
    return mine, other


def rebound_elasticities(steps: int = 4) -> tuple[float, ...]:
    """Elasticities drawn in the rebound chart: ``steps`` evenly spaced values over
    :data:`aifootprint.sector.rebound.ASSUMED_ELASTICITY_RANGE` (an assumption, not a published estimate)."""
    from ..sector.rebound import ASSUMED_ELASTICITY_RANGE

    lo, hi = ASSUMED_ELASTICITY_RANGE
    return tuple(lo + (hi - lo) * i / (steps - 1) for i in range(steps))


#: The ICT rebound reviews named by :data:`aifootprint.sector.rebound.NO_PUBLISHED_ELASTICITY` (not in the
#: registry's source tables): cited in full in the report's bibliography.
REBOUND_REVIEWS = {
    "GOSSART15": "C. Gossart, 'Rebound Effects and ICT: A Review of the Literature', in L. M. Hilty, B. Aebischer "
                 "(eds.), ICT Innovations for Sustainability, Advances in Intelligent Systems and Computing 310, "
                 "Springer, 2015, pp. 435–448, doi:10.1007/978-3-319-09228-7_26",
    "COROAMA19": "V. C. Coroamă, F. Mattern, 'Digital Rebound – Why Digitalization Will Not Redeem Us Our "
                 "Environmental Sins', Proceedings of the 6th International Conference on ICT for Sustainability "
                 "(ICT4S 2019), CEUR-WS 2382, 2019",
}


def rebound_data(reg: Registry, draws: int) -> tuple[Rebound, Tornado]:
    """The demand-side rebound example: paths for several elasticities, and its tornado."""
    from ..sector.montecarlo import run
    from ..sector.rebound import breakeven_elasticity, rebound_paths
    from ..sector.scenario import load_builtin

    sc = load_builtin(REBOUND_SCENARIO)
    res = run(sc, draws=min(draws, 50_000), registry=reg)
    growth = sc.inputs["demand_growth_fraction"].at(sc.years[0]).nominal
    gain = sc.inputs["efficiency_gain_fraction"].at(sc.years[0]).nominal
    base = float(res.nominal["facility_energy_twh"][0])
    paths = rebound_paths(base, growth, gain, rebound_elasticities(), sc.years)
    notes = Notes(_cite(reg, [*sc.source_keys(), "LU25", *REBOUND_REVIEWS], dict(REBOUND_REVIEWS)),
                  [*_assumption_lines(res), *sc.notes, "the ICT rebound reviews give no elasticity either: they are "
                   f"qualitative ({'; '.join(REBOUND_REVIEWS)})"])
    reb = Rebound(sc.title, list(sc.years), [(p.elasticity, list(p.energy), p.rises_despite_efficiency) for p in paths],
                  "TWh/yr", growth, gain, breakeven_elasticity(growth, gain), notes)
    rows = sensitivity_rows(res)
    spearman = [f"Spearman rank correlation of {name} with the result: {s.spearman:+.2f}"
                for s, (name, _, _) in zip(res.sensitivity, rows, strict=True)]
    tor = Tornado(f"{sc.title}, {sc.years[-1]}", rows, float(res.nominal["facility_energy_twh"][-1]), "TWh/yr",
                  Notes(notes.sources, [*spearman, "bars: one-at-a-time swing, others nominal"]))
    return reb, tor


#: Deployment assumed for the life-cycle chart: ChatGPT's early-2023 traffic (195 M requests/day, DV23), 1,000
#: input and 500 output tokens per request (Epoch AI's 500 output tokens, EP25; the input length is an assumption).
LIFECYCLE_REQUESTS_PER_DAY = 195_000_000
DEFAULT_LIFECYCLE_MODEL = DEFAULT_MODEL


def _estimator_available() -> bool:
    """True when :mod:`aifootprint.estimate` exposes the life-cycle and compare-models functions."""
    return estimator_available()


#: The published training run shown when the estimator cannot run (``training_runs.csv``; PA21).
PUBLISHED_TRAINING_RUN = "gpt-3"


def published_training_run(reg: Registry) -> tuple[float, str, str]:
    """GPT-3's training energy [MWh], its source keys and a description, from the registry's ``training_runs``
    row (Patterson et al. 2021, PA21). Raises :class:`DataError` when the row or its energy is missing: the
    report never falls back to a number typed into the code."""
    row = reg.table("training_runs").find(PUBLISHED_TRAINING_RUN) if "training_runs" in reg.datasets() else None
    energy_mwh = row_float(row, "energy_mwh") if row is not None else None
    if row is None or energy_mwh is None or energy_mwh <= 0:
        raise DataError(f"training_runs.csv has no energy_mwh for {PUBLISHED_TRAINING_RUN!r}: the report's "
                        "published training-versus-inference fallback needs it (Patterson et al. 2021)")
    parts = [f"{row_float(row, 'accelerator_count') or 0:,.0f} {row_str(row, 'hardware').upper()}",
             f"{row_float(row, 'duration_days') or 0:g} days", f"PUE {row_float(row, 'pue') or 0:g}"]
    what = ", ".join(p for p in parts if not p.startswith(("0 ", "0 days", "PUE 0")))
    return energy_mwh, row_str(row, "source"), f"{row_str(row, 'model').upper()}, {what}"


def _published_lifecycle(reg: Registry, flags: list[str]) -> Lifecycle:
    training_mwh, train_src, what = published_training_run(reg)
    from ..sector.montecarlo import run
    from ..sector.scenario import load_builtin

    sc = load_builtin("devries-2023-chatgpt")
    chat = run(sc, draws=1, sensitivity=False)
    per_day = chat.at("it_energy_mwh_per_day", 2023)["nominal"]
    servers = sc.inputs["servers"].at(2023).nominal
    server_kw = sc.inputs["server_power_kw"].at(2023).nominal
    notes = Notes(_cite(reg, [train_src, *sc.source_keys()]),
                  [f"training energy {num(training_mwh)} MWh ({what}; training_runs.csv, {train_src})",
                   f"inference {num(per_day)} MWh/day = {servers:,.0f} HGX A100 servers × {server_kw:g} kW × 24 h "
                   "(full power, no PUE)"],
                  flags)
    return Lifecycle("GPT-3 training vs ChatGPT serving (2023)", training_mwh, per_day, 7, notes)


def lifecycle_data(reg: Registry, model: str | None, profile: Profile | None = None) -> Lifecycle:
    """Training vs inference from the estimator (``estimate_lifecycle``) at ChatGPT-2023 traffic; if the
    estimator is missing or cannot handle the model, GPT-3 training (PA21) vs ChatGPT serving in early 2023
    (DV23), flagged as published figures."""
    published = ("published figures shown: GPT-3 training energy (Patterson et al. 2021) and ChatGPT serving "
                 "energy in early 2023 (de Vries 2023); ChatGPT then ran GPT-3.5, so this pairs two published "
                 "figures for illustration.")
    if not _estimator_available():
        return _published_lifecycle(reg, ["Estimator not available: " + published])
    from ..estimate.lifecycle import Deployment, estimate_lifecycle
    from ..estimate.training_runs import NoPublishedRun
    from ..uncertainty import best

    prof = profile or Profile(model or DEFAULT_LIFECYCLE_MODEL, chosen=model is not None)
    name = prof.model
    try:
        res = estimate_lifecycle(name, Deployment(LIFECYCLE_REQUESTS_PER_DAY, prof.input_tokens, prof.output_tokens,
                                                  days=3650), config=prof.cfg(boundary="datacenter"), registry=reg)
    except NoPublishedRun as exc:  # its message carries CLI flags, no use in a report: write the reason only
        reason = exc.reason[:1].upper() + exc.reason[1:]
        return _published_lifecycle(reg, [f"{reason} in the registry (its training energy cannot be estimated "
                                          "without one); the life-cycle chart uses "
                                          + published.removeprefix("published figures shown: ")])
    except AifootprintError as exc:
        return _published_lifecycle(reg, [f"Estimator could not run model {name!r} ({exc}): " + published])
    v = res.values
    training_mwh = best(v["training_energy_kwh"]) / 1000.0
    req_wh = best(v["request_energy_wh"])
    per_day = req_wh * LIFECYCLE_REQUESTS_PER_DAY / 1e6
    be = training_mwh / per_day if per_day > 0 else float("inf")
    days = int(min(3650, max(7, 3 * be))) if be < 3650 else 3650
    notes = Notes(_cite(reg, ["DV23", "EP25", *keys_of(res.assumptions)], skip_unknown=True),
                  [prof.describe(),
                   f"deployment: {LIFECYCLE_REQUESTS_PER_DAY:,} requests/day (ChatGPT, early 2023, DV23), "
                   f"{prof.input_tokens:,.0f} input / {prof.output_tokens:,.0f} output tokens (500 output tokens "
                   "as EP25; input length assumed), no growth",
                   f"energy per request {num(req_wh)} Wh at the data-centre boundary (estimator)",
                   f"training {num(training_mwh)} MWh (estimator, from the published training run)",
                   *(assumption_line(a) for a in res.assumptions if a.name in LIFECYCLE_INPUTS),
                   "accelerator power model: fitted to the ML.ENERGY Leaderboard v3.0 (MLE-FIT); every parameter: "
                   f"`aifootprint estimate request --model {name}`"],
                  [w for w in res.warnings if not NOT_ENERGY_IDS & set(leading_ids(str(w)))])
    return Lifecycle(str(res.inputs["model"]), training_mwh, per_day, days, notes)


#: Estimator inputs listed under the (energy-only) training-versus-inference chart: those that set its two numbers,
#: energy per request and training energy. Carbon and water factors and the calibration's internals are left out
#: (``aifootprint estimate request`` / ``estimate training`` print them all).
LIFECYCLE_INPUTS = frozenset({"active_params_b", "total_params_b", "batch", "precision", "band_5_95_factors",
                              "host_power_w_per_accelerator", "idle_fraction", "pue",
                              "training: power_w_per_accelerator", "training: method", "training: pue"})
#: Site factors that change carbon or water but not energy (ids as in warnings and assumptions).
NOT_ENERGY_IDS = frozenset({*NOT_ENERGY, "intensity_g_per_kwh", "wue_onsite_l_per_kwh", "ewif_l_per_kwh"})


def equivalence_data(res: Any, reg: Registry) -> tuple[list[EquivalenceBlock], Notes]:
    """Equivalences of the scenario's last-year best energy, carbon and water, with the carbon and water factors."""
    from ..sector.outputs import assumptions

    year = res.years[-1]
    blocks: list[EquivalenceBlock] = []
    keys: list[str] = []
    amounts = [("facility_energy_twh", "TWh", 1.0, "electricity"), ("carbon_t", "t", 1.0, "CO2e"),
               ("water_consumption_l", "L", 1.0, "water consumed")]
    for key, unit, scale, what in amounts:
        if key not in res.quantiles:
            continue
        best = res.at(key, year)["best"] * scale
        q = parse_quantity(f"{best:.6g} {unit}")
        eqs = compare(q, reg)
        blocks.append(EquivalenceBlock(f"{num(best)} {unit} of {what} ({year})",
                                       [(equivalence_text(e), e.source) for e in eqs]))
        keys.extend(e.source for e in eqs)
    _, factor_w = split_warnings(res, "facility_energy_twh")
    return blocks, Notes(_cite(reg, [*keys, *(a.source for a in assumptions(res) if a.name in NOT_ENERGY_IDS)],
                               skip_unknown=True),
                         ["best values (median of the draws) of the sector scenario's last year",
                          *_assumption_lines(res, site_factors=True)], factor_w)


def build_default_report(scenario: str | None = None, model: str | None = None, draws: int = 100_000,
                         registry: Registry | None = None) -> str:
    """The report with sensible defaults: IEA 2025 sector trajectory, rebound example, life cycle, per-request
    energy, water by location and equivalences."""
    reg = registry or default_registry()
    available = _estimator_available()
    profile = resolve_profile(model, reg, available)  # unknown model: InputError before any work

    def cite(keys: Sequence[str]) -> list[str]:
        return _cite(reg, keys, skip_unknown=True)

    traj, res, _ = sector_data(scenario or DEFAULT_SCENARIO, draws, reg)
    reb, tor = rebound_data(reg, draws)
    sections = [("sector", "Sector trajectory", sector_section(traj))]
    if len(res.sensitivity) >= 2:
        rows = sensitivity_rows(res)
        what = ", facility electricity (IT × PUE)" if chart_output(res) == "it_energy_twh" else ""
        own = Tornado(f"{res.scenario.title}, {res.years[-1]}{what}", rows,
                      float(res.nominal["facility_energy_twh"][-1]), "TWh/yr", Notes(traj.notes.sources))
        sections.append(("sensitivity", "What matters most (sensitivity)", tornado_section(own)))
    sections.append(("rebound", "Rebound (Jevons' paradox)", rebound_section(reb)))
    sections.append(("rebound-sensitivity", REBOUND_SENSITIVITY, tornado_section(tor, "rebound-sensitivity",
                                                                               REBOUND_SENSITIVITY)))
    sections.append(("lifecycle", "Training versus inference", lifecycle_section(lifecycle_data(reg, model, profile))))
    pr = per_request_data(reg, profile, cite, available)
    if pr.bars:
        sections.append(("per-request", "Energy per request", per_request_section(pr)))
    wd = water_data(reg, None, profile, cite, available)
    if wd.bars:
        sections.append(("water", "Water per request by location", water_section(wd)))
    sections += per_task_section(reg)
    blocks, eq_notes = equivalence_data(res, reg)
    sections.append(("equivalences", "Equivalences", equivalences_section(blocks, eq_notes)))
    intro = ("Electricity, carbon and water of AI and data centres, with every number's source under its chart. "
             f"Sector scenario: <strong>{escape(res.scenario.title)}</strong> ({res.draws:,} Monte Carlo draws). "
             f"Per-request charts: <strong>{escape(profile.model)}</strong> ({profile.input_tokens:,.0f} input / "
             f"{profile.output_tokens:,.0f} output tokens{'' if profile.chosen else '; default model'}).")
    return render_page("aifootprint report: the footprint of AI", sections, intro)
