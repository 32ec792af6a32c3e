"""Per-request data of the report: the right-sizing ladder (with the chosen model highlighted and its boundary
breakdown) and water per request by location, both for one task profile of the estimator.

The profile is the report's request: 1,000 input and 500 output tokens (500 output tokens as Epoch AI, EP25; the
input length is an assumption), served with the estimator's default :class:`~aifootprint.estimate.RequestConfig`
(H100, batch 64 (ECO), bf16, accelerator count chosen to fit). Without ``--model`` the model is
:data:`DEFAULT_MODEL`.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ..errors import AifootprintError
from ..notice import to_notices
from ..reference.registry import Registry, row_float, row_str
from .labels import num
from .sections import BoundaryRow, Notes, PerRequest, WaterByLocation, assumption_line
from .svg import PALETTE, Bar

if TYPE_CHECKING:
    from ..estimate.inference import RequestConfig

#: Model used when ``--model`` is not given: a widely deployed open-weight model (registry key).
DEFAULT_MODEL = "llama-3.1-70b"
#: Tokens per request: 1,000 input (assumption) and 500 output (Epoch AI's typical ChatGPT reply, EP25).
REQUEST_TOKENS = (1000.0, 500.0)
#: Published request figures shown in the per-request chart (drawn smallest first, after the estimates).
REQUEST_KEYS = ("php24-text-classification", "php24-text-generation", "gemini-apps-median-2025-accelerator",
                "gemini-apps-median-2025", "gpt-4o-epoch25", "chatgpt-openai-2025", "samsi23-llama-65b",
                "chatgpt-dv23", "php24-image-generation", "bloom-api-2022", "li23-llama-3-70b", "li23-falcon-180b",
                "gpt-4o-epoch25-100k-input")
#: Locations of the water chart (grid zones of the impacts core).
WATER_LOCATIONS = ("IE", "US-TX", "US", "IN", "FR", "WORLD", "SE", "US-WA")
#: Li et al. 2023's "medium-sized" GPT-3 request (LI23): server energy used by the water chart without the estimator.
PUBLISHED_REQUEST_WH = 4.0
HIGHLIGHT = PALETTE[2]
BOUNDARY_COLORS: Mapping[str, str] = MappingProxyType({"accelerator": PALETTE[3], "server": PALETTE[0],
                                                       "datacenter": PALETTE[1]})


#: Site factors that change carbon or water but not energy: left out under the energy chart (user-test finding 16).
NOT_ENERGY = ("grid_intensity", "wue_onsite", "ewif_offsite")


def estimator_available() -> bool:
    """True when :mod:`aifootprint.estimate` exposes the life-cycle and compare-models functions."""
    try:
        lc = importlib.import_module("aifootprint.estimate.lifecycle")
        cm = importlib.import_module("aifootprint.estimate.compare")
    except Exception:  # any import failure means "not available": the report falls back to published figures
        return False
    return hasattr(lc, "estimate_lifecycle") and hasattr(cm, "compare_models")


@dataclass(frozen=True)
class Profile:
    """The report's request: model (registry key), tokens and serving configuration."""

    model: str = DEFAULT_MODEL
    input_tokens: float = REQUEST_TOKENS[0]
    output_tokens: float = REQUEST_TOKENS[1]
    chosen: bool = False  # True when the user named the model (--model)
    config: RequestConfig | None = field(default=None, compare=False)

    def cfg(self, **changes: Any) -> RequestConfig:
        from dataclasses import replace

        from ..estimate.inference import RequestConfig

        return replace(self.config or RequestConfig(), **changes)

    def describe(self, accelerators: int | None = None) -> str:
        """One line: model, tokens, batch, hardware, precision."""
        c = self.cfg()
        n = f"{accelerators} × " if accelerators else ""
        who = "chosen with --model" if self.chosen else "default model; choose another with --model"
        return (f"model {self.model} ({who}); task profile: {self.input_tokens:,.0f} input / "
                f"{self.output_tokens:,.0f} output tokens, batch {c.batch} concurrent sequences, "
                f"{n}{c.hardware.upper()}, {c.precision or 'native'} (estimator defaults; batch 64 as EcoLogits, ECO)")


def resolve_profile(model: str | None, registry: Registry | None = None, available: bool | None = None) -> Profile:
    """The report's profile for ``model`` (registry name or alias; ``None`` = :data:`DEFAULT_MODEL`).

    Raises :class:`~aifootprint.errors.InputError` with close matches when the model is unknown (only checked
    when the estimator is available)."""
    if model is None:
        return Profile()
    if not (estimator_available() if available is None else available):
        return Profile(model, chosen=True)
    from ..estimate.models import resolve

    return Profile(resolve(model, registry).key, chosen=True)


def keys_of(assumptions: Sequence[Any]) -> list[str]:
    """Source keys named at the start of the assumptions' sources."""
    keys: list[str] = []
    for a in assumptions:
        first = str(a.source).split(" ")[0].strip("();,")
        keys.extend(k for k in first.split(";") if k and k.replace("-", "").isalnum() and k.upper() == k)
    return keys


def _estimated_note(est: Any, notices: Sequence[Any]) -> list[str]:
    from aifootprint.notice import ESTIMATED, to_notices

    estimated = [n.message for n in to_notices(notices) if n.subject == ESTIMATED]  # routed on the subject
    if not estimated:
        return []
    why = "; ".join(w.removeprefix("estimated: ") for w in estimated)
    rng = " The range covers the published parameter-count estimates and the model error." if est.model.is_range \
        else ""
    return [f"{est.model.key} is estimated ({why}).{rng}"]


def _ladder(profile: Profile, reg: Registry) -> list[str]:
    from ..estimate.compare import DEFAULT_LADDER

    return list(DEFAULT_LADDER) if profile.model in DEFAULT_LADDER else [*DEFAULT_LADDER, profile.model]


def pue_text(pue: Any) -> str:
    """A site's PUE for readers: a point as its value ("1.2", "1.56"); an uncertain PUE (a provider's range, e.g.
    Anthropic's cloud partners) as its median with the 5th–95th percentile ("1.12 (1.10–1.13)"). Before, an
    uncertain PUE went through ``format(x, "g")`` and every Anthropic model's report stopped with a TypeError."""
    from ..uncertainty import Uncertain

    u = Uncertain.from_any(pue)
    if u.is_point:
        return f"{u.best:g}"
    return f"{num(u.best)} ({num(u.low)}–{num(u.high)})"


def zone_name(zone: str, reg: Registry) -> str:
    """A grid zone's name in the registry (``grid_intensity.csv``), "" when it has none."""
    return row_str(reg.table("grid_intensity").find(zone) or {}, "name")


def place(zone: str, reg: Registry) -> str:
    """A grid zone for readers: its name with the code ("the world average (WORLD)", "United States (US)"), the
    code alone when the registry has no name (the note said "WORLD (zone WORLD)")."""
    if zone == "WORLD":
        return "the world average (WORLD)"
    name = zone_name(zone, reg)
    return f"{name} ({zone})" if name and name != zone else zone


def same_site_line(profile: Profile, site: Any, reg: Registry, best_wh: float) -> str:
    """Under the per-request chart: the one site of every bar and of the table; when ``estimate request`` would
    use another site for this model (a closed model's provider defaults), its number, so the gap is explained."""
    from ..estimate.inference import RequestEstimator

    line = (f"site of every bar, the headline and the table: {place(site.zone, reg)}, PUE "
            f"{pue_text(site.pue_value)} — {site.pue.source}{' [estimated]' if site.pue.estimated else ''}; the same "
            "site for all models, so the ladder compares models, not data centres")
    own = RequestEstimator(profile.model, profile.cfg(boundary="datacenter"), reg)
    own_site = own.site()
    if (own_site.zone, own_site.pue_value) != (site.zone, site.pue_value):
        from ..uncertainty import Uncertain

        own_wh = Uncertain.from_any(own.result(profile.input_tokens, profile.output_tokens).values["energy_wh"]).best
        who = own.model.developer or own.model.provider or "its provider"
        line += (f". `aifootprint estimate request --model {profile.model}` without --location uses {who}'s "
                 f"data-centre defaults — {place(own_site.zone, reg)}, PUE {pue_text(own_site.pue_value)} — and "
                 f"gives about {num(own_wh)} Wh instead of {num(best_wh)} Wh here")
    return line


def estimated_bars(profile: Profile, reg: Registry, cite: Any) -> PerRequest:
    """Estimator bars: the ladder at the data-centre boundary (chosen model highlighted), then the chosen model
    at each boundary with its breakdown. Raises AifootprintError when the estimator fails."""
    from ..estimate.boundary import BOUNDARIES
    from ..estimate.compare import compare_models
    from ..estimate.inference import RequestEstimator
    from ..impacts import resolve_site
    from ..uncertainty import Uncertain

    tokens = (profile.input_tokens, profile.output_tokens)
    cfg = profile.cfg()
    # One site for every number of this chart: the ladder's (compare_models: the given location/operator, else the
    # world average with the industry-average PUE), so the headline, the table and the highlighted bar agree.
    site = resolve_site(cfg.location, cfg.operator, None, reg)
    cmp = compare_models(_ladder(profile, reg), *tokens, config=cfg, registry=reg)
    bars: list[Bar] = []
    for row in cmp.values["models"]:
        e = Uncertain.from_any(row["energy_wh"])
        tag = " (estimated)" if row["estimated"] else ""
        mine = row["model"] == profile.model
        label = f"{'▶ ' if mine else ''}{row['model']}, {num(row['total_params_b'])} B{tag}"
        bars.append(Bar(label, e.best, e.low, e.high, HIGHLIGHT if mine else PALETTE[1],
                        "data-centre boundary" + (" (this report's model)" if mine else ""), emphasis=mine))
    rows: list[BoundaryRow] = []
    flags: list[str] = []
    n_acc: int | None = None
    site_line = ""
    model_keys: list[str] = []
    for boundary in BOUNDARIES:
        est = RequestEstimator(profile.model, profile.cfg(boundary=boundary), reg, site=site)
        res = est.result(*tokens)
        e = Uncertain.from_any(res.values["energy_wh"])
        n_acc = int(res.values["accelerators"])
        rows.append(BoundaryRow(boundary, e.low, e.best, e.high, dict(res.values["breakdown_wh"])))
        bars.append(Bar(f"▶ {profile.model} @ {boundary}", e.best, e.low, e.high,
                        BOUNDARY_COLORS[boundary], f"{boundary} boundary", emphasis=True))
        if boundary == "datacenter":
            flags.extend(_estimated_note(est, res.warnings))
            model_keys = [*est.model.sources, *keys_of(res.assumptions)]
            site_line = same_site_line(profile, site, reg, e.best)
    assumptions = [
        profile.describe(n_acc),
        f"every model in the ladder: the same profile (each with the accelerators it needs); red bars = data-centre "
        f"boundary; highlighted (▶, amber): {profile.model}",
        f"{profile.model} at three boundaries (teal accelerator only, blue + host server, red + idle machines and "
        "data-centre overhead, GO25's split); table terms are point estimates at the best parameter count, totals "
        "the median (5th–95th percentile) with the model error",
        site_line,
        *(assumption_line(a) for a in cmp.assumptions if a.name not in NOT_ENERGY),
    ]
    # the model's own "estimated" warning is in the flag above; its comparisons with published figures stay
    warned = [n for n in to_notices(cmp.warnings) if not (flags and n.subject == profile.model
                                                          and "published figure" not in n.message)
              and n.subject not in NOT_ENERGY]
    notes = Notes(cite(["GO25", "EP25", *keys_of(cmp.assumptions), *model_keys]), [a for a in assumptions if a],
                  [*flags, *warned])
    title = f"Energy per request: {len(cmp.values['models'])} models and {profile.model}'s boundaries"
    return PerRequest(title, bars, notes, rows, profile.model)


def published_label(description: str) -> str:
    """A published figure's description without saying the same thing twice: "image generation (mean of models)
    (Luccioni et al. 2024, mean over models)" -> "image generation (Luccioni et al. 2024, mean over models)"."""
    return description.replace(" (mean of models)", "") if "mean over models" in description else description


def per_request_data(reg: Registry, profile: Profile | None = None, cite: Any = None,
                     available: bool | None = None) -> PerRequest:
    """Per-request energy across model sizes (estimator) with the chosen model highlighted and its boundary
    breakdown, plus published figures for context; published figures only when the estimator is not available
    (flagged)."""
    prof = profile or Profile()
    cite = cite or (lambda keys: list(dict.fromkeys(keys)))
    base = PerRequest("Energy per request", [], Notes())
    flags: list[str] = []
    if estimator_available() if available is None else available:
        try:
            base = estimated_bars(prof, reg, cite)
        except AifootprintError as exc:
            flags.append(f"Estimator failed ({exc}): published per-request figures only.")
    else:
        flags.append("Estimator not available: published per-request figures (request_figures.csv) shown instead "
                     "of estimates across model sizes; --model is not used here.")
    bars = list(base.bars)
    keys: list[str] = []
    table = reg.table("request_figures") if "request_figures" in reg.datasets() else None
    rows = [r for r in (table.find(k) for k in REQUEST_KEYS) if r is not None] if table is not None else []
    colors = {**BOUNDARY_COLORS, "unknown": "#999"}
    published: list[Bar] = []
    for r in rows:
        value = row_float(r, "energy_wh")
        lo, hi = row_float(r, "energy_wh_low"), row_float(r, "energy_wh_high")
        if value is None and lo is not None and hi is not None:
            value = (lo * hi) ** 0.5
        if value is None:
            continue
        boundary = row_str(r, "boundary") or "unknown"
        label = "published: " + published_label(row_str(r, "description"))  # long ones wrap (svg.wrap_label)
        color = "#999" if base.bars else colors.get(boundary, "#999")
        published.append(Bar(label, value, lo, hi, color, f"boundary: {boundary}"))
        keys.append(row_str(r, "source"))
    bars.extend(sorted(published, key=lambda b: b.value))  # published figures smallest first
    notes = Notes([*base.notes.sources, *(s for s in cite(keys) if s not in base.notes.sources)],
                  [*base.notes.assumptions, "published figures (grey when shown next to estimates): boundary as "
                   "stated by each source — teal accelerator only, blue server, red whole data centre"],
                  [*flags, *base.notes.flags])
    return PerRequest(base.title, bars, notes, base.boundaries, base.model)


@dataclass(frozen=True)
class RequestIT:
    """IT (server) energy of one request of the profile [Wh], with its range and provenance lines."""

    it_wh: Any  # Uncertain
    lines: Sequence[str]
    flags: Sequence[str]
    keys: Sequence[str]


def request_it_energy(profile: Profile, reg: Registry) -> RequestIT:
    """The profile's IT energy per request from the estimator (data-centre boundary without the PUE overhead:
    accelerators + host + idle machines) = facility energy ÷ the estimator site's PUE."""
    from ..estimate.inference import RequestEstimator
    from ..uncertainty import Uncertain

    est = RequestEstimator(profile.model, profile.cfg(boundary="datacenter"), reg)
    res = est.result(profile.input_tokens, profile.output_tokens)
    it = Uncertain.from_any(res.values["energy_wh"]) / est.site().pue_value
    lines = [profile.describe(int(res.values["accelerators"])),
             f"IT energy per request {num(it.best)} Wh (5th–95th percentile {num(it.low)}–{num(it.high)}): "
             "accelerators + host + idle machines, from the estimator; the location's PUE is applied below"]
    site_factors = {f.name for f in est.site().factors()} - {"pue"}  # grid/water of the estimator's site: unused
    used = [a for a in res.assumptions if a.name not in site_factors]
    return RequestIT(it, lines, _estimated_note(est, res.warnings), [*est.model.sources, *keys_of(used)])


def water_data(reg: Registry, energy_wh: float | None = None, profile: Profile | None = None,
               cite: Any = None, available: bool | None = None) -> WaterByLocation:
    """Water consumed per request (Li et al. 2023 method) at several locations, through the impacts core, for the
    profile's IT energy from the estimator (or ``energy_wh`` when given; Li et al.'s 4 Wh when the estimator is
    not available, flagged)."""
    from ..impacts import assess, resolve_site
    from ..uncertainty import Uncertain

    prof = profile or Profile()
    cite = cite or (lambda keys: list(dict.fromkeys(keys)))
    lines: list[str] = []
    flags: list[str] = []
    keys: list[str] = ["LI23"]
    model = prof.model
    energy: Any
    if energy_wh is not None:
        energy, model = energy_wh, "given"
        lines.append(f"{num(energy_wh)} Wh of server energy per request (given)")
    elif estimator_available() if available is None else available:
        try:
            req = request_it_energy(prof, reg)
            energy = req.it_wh
            lines.extend(req.lines)
            flags.extend(req.flags)
            keys.extend(req.keys)
        except AifootprintError as exc:
            energy, model = PUBLISHED_REQUEST_WH, "published"
            flags.append(f"Estimator could not run model {prof.model!r} ({exc}): Li et al.'s 4 Wh request used.")
    else:
        energy, model = PUBLISHED_REQUEST_WH, "published"
        flags.append("Estimator not available: Li et al. 2023's 'medium-sized' GPT-3 request (4 Wh of server "
                     "energy) used instead of the model's estimate.")
    if model == "published":
        lines.append(f"{num(PUBLISHED_REQUEST_WH)} Wh of server energy per request (Li et al. 2023's "
                     "'medium-sized' GPT-3 request)")
    bars: list[Bar] = []
    factors: list[str] = []
    for loc in WATER_LOCATIONS:
        try:
            site = resolve_site(loc, "microsoft", registry=reg)
        except AifootprintError:  # unknown key / location: left out, never breaks the report
            continue
        water = Uncertain.from_any(assess(energy / 1000.0, site).water_l) * 1000.0
        name = zone_name(site.zone, reg) or loc
        lo, hi = (None, None) if water.is_point else (water.low, water.high)
        bars.append(Bar(name, water.best, lo, hi, note=f"({loc})"))
        keys.extend(f.source for f in site.factors())
        pue, wue, ewif = (float(Uncertain.from_any(v).best) for v in (site.pue_value, site.wue_l_per_kwh,
                                                                       site.ewif_l_per_kwh))
        factors.append(f"{name}: PUE {num(pue)}, WUE {num(wue)} L/kWh, EWIF {num(ewif)} L/kWh")
    bars.sort(key=lambda b: b.value)
    notes = Notes(cite(keys),
                  [*lines,
                   "water = E × (WUE on-site + PUE × EWIF off-site), consumption (Li et al. 2023); Microsoft "
                   "data-centre PUE/WUE (the operator Li et al. use)" + ("; lines: 5th–95th percentile of the "
                                                                        "request's energy" if bars and bars[0].low
                                                                        is not None else ""),
                   "Li et al. 2023 Table 1 for comparison (4 Wh GPT-3 request): U.S. average 16.9 mL, Washington "
                   "47.5 mL, Ireland 7.1 mL (Microsoft's 2023 location-level WUE)", *factors], flags)
    e_best = float(Uncertain.from_any(energy).best)
    title = f"Water consumed per request: {model}" if model not in ("given", "published") else \
        "Water consumed per request"
    return WaterByLocation(title, e_best, bars, notes, model)
