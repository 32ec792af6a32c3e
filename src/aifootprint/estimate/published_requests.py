"""Published per-request figures (``request_figures.csv``) beside a request estimate.

A figure is shown for a model when its ``model`` column is the model's key, or when it is a product-level figure of the
model's family published no earlier than the model (``Gemini (May 2025)`` for ``gemini-*``; ``ChatGPT (mid-2025)`` for
``gpt-4o*``, ChatGPT's default model family then), at the estimate's boundary or an unstated one; components of a
total (``component:`` rows) are left out. Published per-request figures are estimates too (Epoch AI's is a
back-of-the-envelope FLOP count; OpenAI's and Google's fleet averages do not state tokens or models), so nothing is
tuned to them: when one falls outside the estimate's 5–95 % range the result says so, names the drivers of the gap and,
where the publisher stated its assumptions, gives this estimator's value under them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from aifootprint.errors import InputError
from aifootprint.reference.registry import row_float

if TYPE_CHECKING:
    from aifootprint.notice import Notice
    from aifootprint.reference.registry import Registry, Row

    from .inference import RequestEstimator

#: Product named in ``request_figures.model`` -> model keys it covers (regular expression): the Gemini Apps median
#: covers the Gemini models (GO25); ChatGPT's default model in mid-2025 was GPT-4o (SA25 gives no model).
PRODUCTS = {"gemini": re.compile(r"gemini-.*"), "chatgpt": re.compile(r"gpt-4o")}
#: A stated input length in a figure's description ("with a 10k-token input").
_INPUT_RE = re.compile(r"(\d+(?:\.\d+)?)k-token input")
#: Batch sizes searched for a stated FLOP utilisation (powers of two up to this).
MAX_SEARCH_BATCH = 4096


@dataclass(frozen=True, slots=True)
class StatedAssumptions:
    """A publisher's own stated serving assumptions for one ``request_figures`` row."""

    total_params_b: float
    active_params_b: float
    hardware: str
    input_tokens: int
    output_tokens: int
    flop_utilisation: float
    precision: str
    source: str


#: Epoch AI's GPT-4o estimate (EP25; ``request_figures.csv`` notes of ``gpt-4o-epoch25``; facts.md "Epoch
#: assumptions"): 400B total / 100B active parameters, H100 at 989 TFLOP/s (dense BF16), 500 output tokens, 10 % FLOP
#: utilisation; its FLOP count (2 FLOP/param/token × 500 tokens) covers the output tokens only, so no input tokens.
STATED = {"gpt-4o-epoch25": StatedAssumptions(400.0, 100.0, "h100", 0, 500, 0.10, "bf16", "EP25")}


def matching_figures(key: str, year: int | None, boundary: str, registry: Registry | None = None) -> list[Row]:
    """``request_figures`` rows with an energy for model ``key`` (see the module docstring for the rules)."""
    from aifootprint.reference.registry import default_registry

    reg = registry or default_registry()
    if "request_figures" not in reg.datasets():
        return []
    out = []
    for r in reg.table("request_figures").rows:
        model = str(r.get("model") or "").strip().lower()
        if row_float(r, "energy_wh") is None or "component:" in str(r.get("description") or ""):
            continue
        if str(r.get("boundary") or "unknown") not in (boundary, "unknown"):
            continue
        product = PRODUCTS.get(model.split(" ")[0]) if model else None
        ryear = r.get("year")
        same = model == key.lower()
        family = (product is not None and product.fullmatch(key.lower()) is not None and isinstance(ryear, int)
                  and (year is None or ryear >= year))
        if same or family:
            out.append(r)
    return out


def _stated_input(row: Row) -> float | None:
    m = _INPUT_RE.search(str(row.get("description") or ""))
    return float(m.group(1)) * 1000.0 if m else None


def batch_for_utilisation(est: RequestEstimator, input_tokens: float, output_tokens: float, target: float
                          ) -> tuple[int, int, float] | None:
    """(batch, accelerators, utilisation): the smallest power-of-two batch whose decode step reaches FLOP
    utilisation ``target`` (FLOPs ÷ (step time × accelerators × dense peak)), with the accelerators chosen for that
    batch; when no batch up to :data:`MAX_SEARCH_BATCH` reaches it (per-sequence step overheads grow with the
    batch), the batch with the highest utilisation. None if nothing fits."""
    from .physics import llm_request
    from .sizing import accelerators_needed

    top: tuple[int, int, float] | None = None
    c, cal = est.costs, est.cal
    peak = cal.peak_flops(c.compute_dtype)
    b = 1
    while b <= MAX_SEARCH_BATCH:
        try:
            n = accelerators_needed(c, cal, b, input_tokens + output_tokens)
        except InputError:
            break
        t_step = llm_request(c, est.device, est.engine, float(n), float(b), float(input_tokens),
                             float(output_tokens))[2]
        util = b * c.linear_flops / (t_step * n * peak)
        if util >= target:
            return b, n, util
        if top is None or util > top[2]:
            top = (b, n, util)
        b *= 2
    return top


def _under_stated(est: RequestEstimator, st: StatedAssumptions) -> str:
    """This estimator's best energy under a publisher's stated assumptions only, as a sentence ('' if it cannot
    run): the publisher's parameters, hardware, precision, tokens and utilisation, the estimator's default
    data-centre site for the model; nothing from the user's request, so the figure is the same for every request
    (user test 2026-11-26 #2, finding 5)."""
    from .inference import RequestConfig, RequestEstimator, with_config
    from .models import with_params

    m = est.model
    arch = with_params(m.best, st.total_params_b, st.active_params_b)
    model = replace(m, best=arch, low=arch, high=arch)
    base = RequestEstimator(model, RequestConfig(hardware=st.hardware, precision=st.precision, boundary="datacenter"),
                            est.registry)
    found = batch_for_utilisation(base, st.input_tokens, st.output_tokens, st.flop_utilisation)
    if found is None:
        return ""
    b, n, util = found
    wh = with_config(base, batch=b).estimate(st.input_tokens, st.output_tokens).energy_wh
    how = (f"reached here at batch {b} on {n} accelerators" if util >= st.flop_utilisation else
           f"which this calibrated roofline does not reach: at most {100 * util:.1f} %, at batch {b} on {n} "
           "accelerators, used here")
    return (f" Under {st.source}'s stated assumptions only ({st.total_params_b:g}B total / {st.active_params_b:g}B "
            f"active, {st.hardware.upper()}, {st.precision}, {st.input_tokens} input / {st.output_tokens} output "
            f"tokens, {100 * st.flop_utilisation:g} % FLOP utilisation, {how}; data-centre boundary) this estimator "
            f"gives {wh:.2g} Wh, whatever the request above.")


def _model_year(key: str, registry: Registry | None) -> int | None:
    from aifootprint.reference.registry import default_registry

    row = (registry or default_registry()).table("models").find(key)
    year = row.get("year") if row is not None else None
    return year if isinstance(year, int) else None


def figures_for(est: RequestEstimator) -> list[Row]:
    """The ``request_figures`` rows shown beside this estimator's results (see :func:`matching_figures`)."""
    return matching_figures(est.model.key, _model_year(est.model.key, est.registry), est.config.boundary,
                            est.registry)


class FigureSet:
    """The published figures shown beside one estimator's results (:func:`figures_for`), with everything in their
    block entries and warnings that does not depend on the request prepared once (kept by
    :class:`.request_result.ResultCache`)."""

    __slots__ = ("est", "items", "short_limit", "stated")

    def __init__(self, est: RequestEstimator, rows: list[Row] | None = None) -> None:
        self.est = est
        rows = figures_for(est) if rows is None else rows
        stated = [_stated_input(r) for r in rows]
        # a figure without a stated input length is a typical (short) query when its publisher gave separate figures
        # for long inputs: compare it only below half the shortest of those
        long_inputs = [x for x in stated if x is not None]
        self.short_limit = min(long_inputs) / 2.0 if long_inputs else float("inf")
        cfg = est.config
        #: per figure: (key, energy_wh, stated input, block entry without the per-request keys, warning text after
        #: the range, warning text after the accelerator count)
        self.items: list[tuple[str, float, float | None, dict[str, Any], str, str]] = []
        for r, stated_in in zip(rows, stated, strict=True):
            value = row_float(r, "energy_wh") or 0.0
            key = str(r.get("key"))
            block: dict[str, Any] = {"key": key, "description": r.get("description"), "energy_wh": value,
                     "boundary": r.get("boundary"), "source": r.get("source"), "year": r.get("year"),
                     "input_tokens": stated_in}
            mid = (f" Wh): {r.get('description')} = {value:g} Wh ({r.get('source')}, {r.get('year')}; boundary "
                   f"{r.get('boundary')}). Published per-request figures are estimates too; the main drivers of the "
                   f"gap are the batch size (here {cfg.batch} concurrent sequences), the precision "
                   f"({est.precision}), the accelerator count (")
            tail = (f", set by the weights and the KV cache) and the boundary ({cfg.boundary}: host, idle and PUE "
                    "included).")
            self.items.append((key, value, stated_in, block, mid, tail))
        #: request-independent sentences under a publisher's stated assumptions, computed on first need
        self.stated: dict[str, str] = {}

    def compare(self, input_tokens: float, accelerators: int, low: float, high: float
                ) -> tuple[list[dict[str, Any]], list[Notice]]:
        """The ``published_figures`` block and one notice per comparable figure outside [low, high] Wh, for a request
        of ``input_tokens`` served on ``accelerators`` (code ``published-outside-range``, the figure's key as subject,
        its source)."""
        from aifootprint.notice import Notice

        block: list[dict[str, Any]] = []
        warnings: list[Notice] = []
        for key, value, stated_in, entry, mid, tail in self.items:
            comparable = (input_tokens < self.short_limit if stated_in is None
                          else 0.5 <= (input_tokens + 1.0) / (stated_in + 1.0) <= 2.0)
            inside = low <= value <= high
            block.append({**entry, "comparable": comparable, "within_range": inside})
            if not comparable or inside:
                continue
            text = f"published figure outside the 5–95 % range ({low:.2g}–{high:.2g}{mid}{accelerators}{tail}"
            st = STATED.get(key)
            if st is not None:
                if key not in self.stated:
                    self.stated[key] = _under_stated(self.est, st)
                text += self.stated[key]
            warnings.append(Notice("published-outside-range", text, key, str(entry.get("source") or "")))
        return block, warnings
