"""The report's "per task" section: Wh per 1,000 inferences by task, the published figures beside the estimates.

Data: :func:`aifootprint.estimate.tasks.published.task_table` in two setups — Luccioni et al. 2024's (A100, batch 1,
8-GPU node; the comparison with their published figures) and batched serving on an H100 at the data-centre boundary
(the estimators' defaults). Published tasks that have no estimator here are listed with their figure only.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from .labels import num
from .sections import Notes, _section, table_wrap
from .svg import PALETTE, Bar, bar_chart, variants

if TYPE_CHECKING:
    from aifootprint.reference.registry import Registry

SECTION_ID = "per-task"
TITLE = "Energy per task"


def _cell(v: float | None) -> str:
    return "–" if v is None else num(v)


#: The per-task table's columns (header text; on a phone each cell is labelled with it, :mod:`.style`).
COLUMNS = ("task", "published (PHP24, A100)", "estimate, their setup", "estimate, served (H100, data centre)",
           "models")


def _models(names: str) -> str:
    """The models cell: each model id kept on one line (an id is never broken at its hyphens), the list wrapping
    between ids."""
    ids = [f'<span class="id">{escape(m.strip())}</span>' for m in names.split(",") if m.strip()]
    return f"<span>{', '.join(ids)}</span>" if ids else ""


def _table(rows: list[dict[str, Any]], served: dict[str, float | None]) -> str:
    """Wh per 1,000 inferences by task. Text left-aligned, numbers right-aligned; no word is broken inside: on a
    phone (:mod:`.style`) each row is a block of labelled lines instead of a row of five columns."""
    text = ' class="text"'
    head = "".join(f'<th{text if c in ("task", "models") else ""}>{escape(c)}</th>' for c in COLUMNS)
    body = []
    for r in rows:
        values = (r["published_wh_per_1000"], r["estimate_wh_per_1000"], served.get(r["task"]))
        nums = "".join(f'<td class="num" data-label="{escape(c)}">{_cell(v)}</td>'
                       for c, v in zip(COLUMNS[1:4], values, strict=True))
        body.append(f'<tr><td class="text">{escape(r["task"])}</td>{nums}<td class="text" data-label="models">'
                    f'{_models(str(r["models"]))}</td></tr>')
    return table_wrap('<table class="data tasks"><caption>Wh per 1,000 inferences</caption>'
                      f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")


#: Colour of published figures next to estimates (as in the per-request chart).
PUBLISHED_GREY = "#999"
#: Sources of the estimates besides the tasks' model cards: the ML.ENERGY Leaderboard v3.0 fits (Chung et al.,
#: NeurIPS 2025 D&B, arXiv:2505.06371) of the task calibration and of the accelerators.
FIT_KEYS = ("MLE-TASK-FIT", "MLE-FIT")


def _sources(rows: list[dict[str, Any]], registry: Registry | None) -> list[str]:
    """Full citations (numbered on the page): the published figures (PHP24), the ML.ENERGY fits and the model
    cards of the models named in the table (``task_models.csv``'s sources)."""
    from aifootprint.errors import AifootprintError
    from aifootprint.reference.registry import default_registry, row_str

    reg = registry or default_registry()
    keys = ["PHP24", *FIT_KEYS]
    models = reg.table("task_models") if "task_models" in reg.datasets() else None
    for r in rows:
        for name in filter(None, (m.strip() for m in str(r["models"]).split(","))):
            row = models.find(name) if models is not None else None
            if row is not None:
                keys.extend(k for k in row_str(row, "source").split(";") if k)
    out = []
    for key in dict.fromkeys(keys):
        try:
            out.append(f"{key}: {reg.cite(key).format()}")
        except AifootprintError:  # a key the registry lacks is left out; the report never breaks on it
            continue
    return out


def per_task_section(registry: Registry | None = None) -> list[tuple[str, str, str]]:
    """``[(id, title, html)]`` for the report (empty when the task data cannot be computed)."""
    from aifootprint.errors import AifootprintError
    from aifootprint.estimate.tasks.published import task_table

    try:
        php = task_table("php24", registry=registry)
        served_rows = task_table("served", "h100", registry)
    except AifootprintError:
        return []
    served = {r["task"]: r["estimate_wh_per_1000"] for r in served_rows}
    bars: list[Bar] = []
    for r in php:
        if r["published_wh_per_1000"]:
            bars.append(Bar(f"{r['task']}: published", r["published_wh_per_1000"], color=PUBLISHED_GREY))
        if r["estimate_wh_per_1000"]:
            bars.append(Bar(f"{r['task']}: estimate (their setup)", r["estimate_wh_per_1000"], color=PALETTE[0]))
    legend = [("published (Luccioni et al. 2024)", PUBLISHED_GREY), ("estimate, their setup", PALETTE[0])]
    figure = variants(lambda lay: bar_chart("Energy per 1,000 inferences by task (log scale)", bars,
                                            "Wh per 1,000 inferences", log_x=True, legend=legend, layout=lay))
    lede = ("Generating an image costs about a thousand times a text classification (Luccioni et al. 2024, "
            "88 models on 8× A100). Our estimates for the same tasks, in their setup (batch 1, one busy GPU of an "
            "8-GPU node, idle GPUs and host counted), keep the published ordering; batched serving costs far less "
            "per inference.")
    notes = Notes(
        sources=_sources(php, registry),
        assumptions=["representative models per task (table); 128-token texts; 10 new tokens for text generation",
                     "their setup: A100-SXM4-80GB at batch 1; 7 idle GPUs at the registry's idle power; host share "
                     "of the reference server for all 8 GPUs"],
        flags=["classification, embedding and transcription are not validated per configuration (no measured "
               "data): order of magnitude only"])
    return [(SECTION_ID, TITLE, _section(SECTION_ID, TITLE, escape(lede), figure, notes,
                                         extra=_table(php, served)))]
