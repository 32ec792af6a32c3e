"""Every figure of the index, computed from the registry and the built-in scenarios through the library APIs.

Nothing is typed in here: per-request energy, carbon and water come from :func:`aifootprint.estimate.compare_models`
and :class:`aifootprint.estimate.RequestEstimator` (which use :mod:`aifootprint.impacts`), published per-request
figures from ``request_figures.csv``, the sector trajectories from :func:`aifootprint.sector.montecarlo.run` on the
built-in scenarios, and the comparisons from :mod:`aifootprint.sector.equivalences` (``country_electricity.csv`` and
the Bitcoin rows of ``sector_figures.csv``). A section that cannot be computed (its data missing in an older data
version, an estimator error) is kept with ``missing`` saying why, never filled with a stand-in number.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .._version import METHOD_VERSION, __version__
from ..errors import AifootprintError
from ..reference.registry import DATA_VERSION, Registry, default_registry, row_float, row_str, source_keys
from .model import Figure, IndexData, Section, Series

#: Built-in scenarios of the sector section: all data centres (IEA 2025), AI servers only (de Vries-Gao 2025;
#: de Vries 2023's 1.5 million NVIDIA servers in 2027) and AI's water in 2027 (Li et al. 2023).
SECTOR_SCENARIOS = ("iea-2025-data-centres", "devries-gao-2025-ai-power", "devries-2023-nvidia-2027",
                    "li-2023-water-2027")

#: A sector scenario's last-year electricity for the comparisons: (label, TWh/yr, source keys, boundary).
Total = tuple[str, float, list[str], str]


@dataclass(frozen=True)
class IndexConfig:
    """What the index computes. ``models=None``: the compare-models default ladder
    (:data:`aifootprint.estimate.compare.DEFAULT_LADDER`); ``water_model=None``: the report's default model. The
    request is the HTML report's (:data:`aifootprint.report.requests.REQUEST_TOKENS`: 1,000 input tokens, an
    assumption, and 500 output tokens, Epoch AI's typical reply, EP25). ``seed``: any fixed value, so that the same
    data and code give the same page."""

    draws: int = 20_000
    models: tuple[str, ...] | None = None
    water_model: str | None = None
    scenarios: tuple[str, ...] = SECTOR_SCENARIOS
    seed: int = 20_251_203


def known_keys(reg: Registry, texts: Iterable[str]) -> list[str]:
    """Registry source keys found in ``texts`` (source cells, assumption sources), in order, unique."""
    known = reg.sources()
    out: list[str] = []
    for text in texts:
        for word in str(text).replace(";", " ").replace(",", " ").split():
            key = word.strip("()[].:")
            if key in known and key not in out:
                out.append(key)
    return out


def _range(value: Any) -> tuple[float, float | None, float | None]:
    """(best, low, high) of an Uncertain / {low,best,high} dict / number; no range for a point value."""
    from ..uncertainty import Uncertain

    if isinstance(value, dict):  # the output contract's {"low", "best", "high"}
        best, low, high = float(value["best"]), float(value["low"]), float(value["high"])
        return (best, None, None) if low == high else (best, low, high)
    u = Uncertain.from_any(value)
    if u.is_point:
        return float(u.best), None, None
    return float(u.best), float(u.low), float(u.high)


def _band(a: dict[str, float], factor: float = 1.0) -> dict[str, Any]:
    """best/low/high of a sector ``RunResult.at`` dict, scaled; no range when the draws do not vary."""
    same = a["low"] == a["high"]
    return {"best": a["best"] * factor, "low": None if same else a["low"] * factor,
            "high": None if same else a["high"] * factor}


def _scaled(value: Any, factor: float) -> tuple[float, float | None, float | None]:
    best, low, high = _range(value)
    return best * factor, None if low is None else low * factor, None if high is None else high * factor


def _text(warning: Any) -> str:
    """A warning of a result's JSON (a string, or a structured notice ``{code, subject, message, source}``)."""
    return str(warning.get("message", "")) if isinstance(warning, dict) else str(warning)


def _request_method(inputs: dict[str, Any]) -> str:
    return ("aifootprint estimator (roofline prefill/decode + power model, 5–95 % band from the measured "
            f"out-of-sample error): "
            f"{inputs.get('hardware', '').upper()}, batch {inputs.get('batch')}, {inputs.get('precision')}, "
            f"{inputs.get('input_tokens', 0):,.0f} input / {inputs.get('output_tokens', 0):,.0f} output tokens, "
            f"{inputs.get('boundary')} boundary, site {inputs.get('location')} (operator {inputs.get('operator')})")


def request_section(reg: Registry, cfg: IndexConfig) -> Section:
    """Energy, carbon and water per request for the right-sizing ladder, one site, data-centre boundary."""
    from ..estimate.compare import compare_models
    from ..report.requests import REQUEST_TOKENS

    res = compare_models(cfg.models, *REQUEST_TOKENS, registry=reg).to_dict()
    method = _request_method(res["inputs"])
    site_keys = known_keys(reg, [a["source"] for a in res["assumptions"]])
    prefixes = tuple(f"{r['model']}: " for r in res["models"])
    site_warn = [_text(w) for w in res["warnings"] if not _text(w).startswith(prefixes)]  # the site's fallbacks
    figures: list[Figure] = []
    for row in res["models"]:
        keys = known_keys(reg, [a["source"] for a in row["assumptions"]])
        keys += [k for k in site_keys if k not in keys]
        warn = [_text(w) for w in res["warnings"] if _text(w).startswith(f"{row['model']}: ")] + site_warn
        name = row["model"] + (" (parameters estimated)" if row["estimated"] else "")
        base = Figure("", "request", name, "", "", 0.0, boundary="datacenter", sources=keys, method=method,
                      warnings=warn)
        for qty, label, unit, factor in (("energy_wh", "energy", "Wh", 1.0), ("carbon_g", "carbon", "gCO2e", 1.0),
                                         ("water_l", "water", "mL", 1000.0)):
            best, low, high = _scaled(row[qty], factor)
            figures.append(replace(base, id=f"request.{row['model']}.{qty}", label=label, unit=unit, best=best,
                                   low=low, high=high))
    notes = [f"one request = {REQUEST_TOKENS[0]:,.0f} input + {REQUEST_TOKENS[1]:,.0f} output tokens (500 output "
             "tokens as Epoch AI, EP25; the input length is an assumption)",
             "ranges: 5th–95th percentile (model error; parameter-count range for closed models)",
             "the same site for every model, so the ranking compares models, not data centres"]
    return Section("request", "Energy, carbon and water per request", "Estimated for one chat request across model "
                   "sizes, whole data centre (accelerators, host, idle machines and cooling overhead).",
                   figures, notes=notes, chart="bars")


def published_section(reg: Registry, keys: Sequence[str] | None = None) -> Section:
    """Published per-request figures (``request_figures.csv``), each with its own boundary and source."""
    from ..report.requests import REQUEST_KEYS

    table = reg.table("request_figures")
    figures: list[Figure] = []
    for key in keys or REQUEST_KEYS:
        row = table.find(key)
        if row is None:
            continue
        value = row_float(row, "energy_wh")
        low, high = row_float(row, "energy_wh_low"), row_float(row, "energy_wh_high")
        if value is None and low is not None and high is not None:
            value = (low * high) ** 0.5  # geometric middle of a published range
        if value is None:
            continue
        figures.append(Figure(id=f"published.{key}.energy_wh", section="published", group=row_str(row, "description"),
                              label="energy", unit="Wh", best=value, low=low, high=high,
                              boundary=row_str(row, "boundary") or "unknown", sources=source_keys(row),
                              method=f"published ({row_str(row, 'year')}): {row_str(row, 'notes')}".rstrip(": "),
                              kind="published"))
    figures.sort(key=lambda f: f.best)
    return Section("published", "Published per-request figures", "What providers and researchers have published, "
                   "each at its own boundary (accelerator only, server, or whole data centre).", figures,
                   notes=["a range without a central value is drawn at its geometric middle"], chart="bars")


def _sector_one(reg: Registry, name: str, cfg: IndexConfig) -> tuple[list[Figure], Series, list[str], float, str]:
    from ..report.build import chart_output
    from ..sector.montecarlo import run
    from ..sector.scenario import load_builtin

    res = run(load_builtin(name), draws=cfg.draws, seed=cfg.seed, registry=reg, sensitivity=False)
    sc = res.scenario
    output = chart_output(res)
    years = list(res.years)
    q = res.quantiles[output]
    keys = known_keys(reg, [*sc.source_keys(), *(p.source for p in sc.published)])
    what = "IT (server) electricity" if output == "it_energy_twh" else "electricity (facility, IT × PUE)"
    method = (f"aifootprint sector Monte Carlo ({cfg.draws:,} draws, seed {cfg.seed}) of the built-in scenario "
              f"'{name}' ({sc.model} model); {what}")
    markers = [{"label": f"{p.source} {p.year}", "x": p.year, "value": p.value, "low": p.low, "high": p.high,
                "source": p.source} for p in sc.published if p.output == output]
    series = Series(f"sector.{name}", sc.title, "TWh/yr", years, [float(v) for v in q[:, 1]],
                    [float(v) for v in q[:, 0]], [float(v) for v in q[:, 2]], keys, method, markers)
    warnings = [f"{name}: {w}" for w in res.warnings]  # the section lists the scenarios' warnings together
    figs: list[Figure] = []
    base = Figure("", "sector", sc.title, "", "", 0.0, boundary="IT" if output == "it_energy_twh" else "facility",
                  sources=keys, method=method, warnings=warnings)
    # a supply model turns the year's installed power into energy at 8,760 h: an annual rate, not a calendar total
    rate = " (power × 8,760 h)" if sc.model == "supply" else ""
    for year in dict.fromkeys((years[0], years[-1])):
        figs.append(replace(base, id=f"sector.{name}.{output}.{year}", label=f"electricity {year}{rate}",
                            unit="TWh/yr", **_band(res.at(output, year))))
    for out, label, unit, factor in (("carbon_t", "carbon", "Mt CO2e/yr", 1e-6),
                                     ("water_consumption_l", "water consumed", "billion m³/yr", 1e-12),
                                     ("water_withdrawal_l", "water withdrawn", "billion m³/yr", 1e-12)):
        if out in res.quantiles:
            figs.append(replace(base, id=f"sector.{name}.{out}.{years[-1]}", label=f"{label} {years[-1]}",
                                unit=unit, **_band(res.at(out, years[-1]), factor)))
    last = res.at(output, years[-1])["best"]
    return figs, series, warnings, float(last), f"{sc.title}, {years[-1]} ({base.boundary})"


def sector_section(reg: Registry, cfg: IndexConfig) -> tuple[Section, list[Total]]:
    """Sector trajectories with their 5th–95th percentile band; also returns (label, TWh/yr, source keys,
    boundary) of each scenario's last year for the comparisons."""
    figures: list[Figure] = []
    series: list[Series] = []
    notes = [f"band: 5th–95th percentile of {cfg.draws:,} Monte Carlo draws of each scenario's uncertain inputs",
             "the IEA scenario covers all data centres (AI is a part of them); de Vries-Gao 2025 and de Vries 2023 "
             "cover AI servers only (IT energy, no cooling overhead); Li et al. 2023 applies a PUE to de Vries "
             "2023's servers and gives their water (withdrawal and consumption, on site and for the electricity)",
             "the supply scenarios' electricity is the year's installed power × 8,760 h, an annual rate: de Vries-Gao "
             "2025's is the rate of the power installed by the end of 2025, not the electricity used during calendar "
             "2025 (lower, as the capacity ramped up during the year)"]
    totals: list[Total] = []
    for name in cfg.scenarios:
        figs, ser, _, last, label = _sector_one(reg, name, cfg)
        figures.extend(figs)
        series.append(ser)
        totals.append((label, last, list(ser.sources), figs[0].boundary))
    lede = ("Electricity of data centres and of AI servers, with the 5th–95th percentile band of the scenario's "
            "uncertain inputs; dots: the figures the sources published.")
    return Section("sector", "Sector trajectory", lede, figures, series, notes, chart="lines", table="long"), totals


def water_section(reg: Registry, cfg: IndexConfig) -> Section:
    """One request of the report's default model at several locations: energy, carbon and water consumed."""
    from ..estimate.inference import RequestConfig, RequestEstimator
    from ..report.requests import DEFAULT_MODEL, REQUEST_TOKENS, WATER_LOCATIONS

    model = cfg.water_model or DEFAULT_MODEL
    figures: list[Figure] = []
    method = ""
    for loc in WATER_LOCATIONS:
        res = RequestEstimator(model, RequestConfig(location=loc), reg).result(*REQUEST_TOKENS).to_dict()
        method = _request_method(res["inputs"]).replace(f"site {res['inputs']['location']}", "site per row")
        name = row_str(reg.table("grid_intensity").find(res["inputs"]["zone"]) or {}, "name") or loc
        keys = known_keys(reg, [a["source"] for a in res["assumptions"]])
        base = Figure("", "water", f"{name} ({loc})", "", "", 0.0, boundary="datacenter", sources=keys,
                      method=method, warnings=[_text(w) for w in res["warnings"]])
        for qty, label, unit, factor in (("water_l", "water", "mL", 1000.0), ("energy_wh", "energy", "Wh", 1.0),
                                         ("carbon_g", "carbon", "gCO2e", 1.0)):
            best, low, high = _scaled(res[qty], factor)
            figures.append(replace(base, id=f"water.{model}.{loc}.{qty}", label=label, unit=unit, best=best,
                                   low=low, high=high))
    figures.sort(key=lambda f: (f.label != "water", f.best))
    order = list(dict.fromkeys(f.group for f in figures))
    figures.sort(key=lambda f: order.index(f.group))
    return Section("water", f"Water per request by location ({model})", "Water consumed on site (cooling) and "
                   "off site (electricity generation), Li et al. 2023's method, for the same request in different "
                   "places.", figures, notes=["water = E × (WUE on-site + PUE × EWIF off-site), consumption"],
                   chart="bars")


def comparisons_section(reg: Registry, totals: Sequence[Total]) -> Section:
    """The sector's last-year electricity next to countries' generation and Bitcoin's consumption."""
    from ..sector.equivalences import bitcoin_rows, countries, nearest_countries

    figures: list[Figure] = []
    table = countries(reg)
    seen: set[str] = set()
    for label, twh, keys, boundary in totals:
        figures.append(Figure(id=f"compare.{label}", section="compare", group=label, label="electricity",
                              unit="TWh/yr", best=twh, sources=keys, boundary=boundary,
                              method="best value (median) of the sector scenario above"))
        for eq in nearest_countries(twh, table, n=1):
            if eq.label in seen:
                continue
            seen.add(eq.label)
            name = eq.label.removeprefix("electricity of ")
            figures.append(Figure(id=f"compare.country.{name}", section="compare", group=f"{name} (all electricity "
                                  f"generated, {eq.year})", label="electricity", unit="TWh/yr",
                                  best=eq.reference_value, sources=known_keys(reg, [eq.source]),
                                  method=f"country_electricity.csv; {label}: {eq.text}", kind="published"))
    for row in bitcoin_rows(reg):
        value = row_float(row, "value")
        if value is None:
            continue
        ratios = "; ".join(f"{label} = {twh / value:.2g} × this" for label, twh, _, _ in totals)
        # the year the figure is for (CBECI's 95.5 TWh is 2022's, published 2023), as the countries' rows show it
        year = row.get("figure_year")
        published = row_str(row, "year")
        when, what = (str(year), f"figure for {year}") if isinstance(year, int) else \
            (f"undated, published {published}", "undated figure")
        figures.append(Figure(id=f"compare.bitcoin.{row_str(row, 'key')}", section="compare",
                              group=f"{row_str(row, 'description')} ({when})", label="electricity", unit="TWh/yr",
                              best=value, sources=source_keys(row),
                              method=f"sector_figures.csv ({what}; published {published}); {ratios}",
                              kind="published"))
    figures.sort(key=lambda f: f.best)
    return Section("compare", "Comparisons: countries and Bitcoin", "The sector figures above next to the annual "
                   "electricity of the nearest countries and of the Bitcoin network.", figures, chart="bars")


def library_task_table() -> Callable[..., list[dict[str, Any]]] | None:
    """The library's per-task table (:func:`aifootprint.estimate.tasks.task_table`, issue 11), or None when this
    version of the library has none."""
    import importlib

    try:
        module = importlib.import_module("aifootprint.estimate.tasks")
    except ImportError:
        return None
    table = getattr(module, "task_table", None)
    return table if callable(table) else None


def _model_keys(reg: Registry, models: str) -> list[str]:
    keys: list[str] = []
    for name in (m.strip() for m in models.split(",") if m.strip()):
        for dataset in ("task_models", "models"):
            row = reg.table(dataset).find(name) if dataset in reg.datasets() else None
            if row is not None:
                keys.extend(k for k in source_keys(row) if k not in keys)
                break
    return keys


#: Setups of the library's per-task table shown side by side: batched serving on the estimator's default
#: accelerator at the data-centre boundary, and Luccioni et al. 2024's measurement setup (one A100, batch 1,
#: server boundary), which is the one comparable with their published figures.
TASK_SETUPS = ("served", "php24")


def _task_rows(fn: Callable[..., list[dict[str, Any]]], reg: Registry) -> list[dict[str, Any]]:
    import inspect

    if "setup" not in inspect.signature(fn).parameters:
        return list(fn(registry=reg))
    return [row for setup in TASK_SETUPS for row in fn(setup=setup, registry=reg)]


def per_task_section(reg: Registry, table: Callable[..., list[dict[str, Any]]] | None = None) -> Section | None:
    """Wh per 1,000 inferences by task: the library's estimates (per setup) beside the published figure
    (Luccioni et al. 2024). ``None`` when the library has no per-task table: the page leaves the section out
    rather than show numbers that no library function computed."""
    fn = table or library_task_table()
    if fn is None:
        return None
    figures: dict[str, Figure] = {}
    for row in _task_rows(fn, reg):
        task = str(row["task"])
        setup = str(row.get("setup", ""))
        where = f"{str(row.get('hardware', '')).upper()}, {row.get('boundary', '')} boundary"
        if row.get("estimate_wh_per_1000") is not None:
            fid = f"task.{task}.estimate.{setup}"
            figures[fid] = Figure(fid, "task", task, f"estimate ({setup} setup)", "Wh per 1,000",
                                  float(row["estimate_wh_per_1000"]), boundary=str(row.get("boundary", "")),
                                  sources=_model_keys(reg, str(row.get("models", ""))),
                                  method=f"aifootprint task estimators ({setup} setup: {where}), mean of "
                                         f"{row.get('models')}")
        if row.get("published_wh_per_1000") is not None:
            pub = reg.table("request_figures").find(str(row.get("key", ""))) or {}
            fid = f"task.{task}.published"
            figures[fid] = Figure(fid, "task", task, "published", "Wh per 1,000",
                                  float(row["published_wh_per_1000"]), boundary=row_str(pub, "boundary"),
                                  sources=known_keys(reg, [str(row.get("source", ""))]),
                                  method=f"published (request_figures.csv {row.get('key', '')})", kind="published")
    if not figures:
        return None
    shown = sorted(figures.values(), key=lambda f: (f.group, f.label))
    return Section("task", "Per task: Wh per 1,000 inferences", "The library's estimates for each task (batched "
                   "serving, and Luccioni et al. 2024's own setup) beside the figure they measured.", shown,
                   notes=["compare the published figure with the estimate of the same setup (php24: one A100 at "
                          "batch 1, server boundary); the served setup is what a batched deployment draws",
                          "the boundary and hardware of each estimate are in its method"],
                   chart="bars", table="long")


def dataset_fingerprints(reg: Registry) -> dict[str, dict[str, Any]]:
    """Rows and SHA-256 of each shipped data file (the change table lists the data files that changed)."""
    out: dict[str, dict[str, Any]] = {}
    for name in reg.datasets():
        data = (reg.data_dir / f"{name}.csv").read_bytes()
        out[name] = {"rows": max(0, data.count(b"\n") - 1), "sha256": hashlib.sha256(data).hexdigest()}
    return out


def _guarded(sid: str, title: str, build: Callable[[], Section]) -> Section:
    try:
        return build()
    except (AifootprintError, LookupError, ImportError, ValueError, TypeError) as exc:  # data or API of this version
        return Section(sid, title, "", missing=f"not computed with this data: {exc}")


def build_index(registry: Registry | None = None, config: IndexConfig | None = None,
                data_version: str = DATA_VERSION) -> IndexData:
    """Compute every section of the index (``data_version`` labels the registry; the shipped one by default)."""
    reg = registry or default_registry()
    cfg = config or IndexConfig()
    totals: list[Total] = []

    def sector() -> Section:
        section, found = sector_section(reg, cfg)
        totals.extend(found)
        return section

    sections = [_guarded("request", "Energy, carbon and water per request", lambda: request_section(reg, cfg)),
                _guarded("published", "Published per-request figures", lambda: published_section(reg))]
    if library_task_table() is not None:
        sections.append(_guarded("task", "Per task: Wh per 1,000 inferences",
                                 lambda: per_task_section(reg) or Section("task", "Per task", "", missing="empty")))
    sections += [_guarded("sector", "Sector trajectory", sector),
                 _guarded("water", "Water per request by location", lambda: water_section(reg, cfg)),
                 _guarded("compare", "Comparisons: countries and Bitcoin", lambda: comparisons_section(reg, totals))]
    used = dict.fromkeys(k for s in sections for f in s.figures for k in f.sources)
    used.update(dict.fromkeys(k for s in sections for ser in s.series for k in ser.sources))
    sources: dict[str, str] = {}
    for key in used:
        try:
            sources[key] = reg.cite(key).format()
        except AifootprintError:
            sources[key] = "(citation not in the registry)"
    return IndexData(sections, sources, data_version, METHOD_VERSION, __version__, dataset_fingerprints(reg),
                     {"draws": cfg.draws, "seed": cfg.seed})
