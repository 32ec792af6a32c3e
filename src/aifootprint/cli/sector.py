"""``aifootprint scenario …``, ``aifootprint compare AMOUNT`` and ``aifootprint report``.

Heavy modules (numpy, the sector engine, the report) are imported inside the commands.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import typer

scenario_app = typer.Typer(help="Sector projections: list, show and run scenarios (Monte Carlo).",
                           no_args_is_help=True)

_PROGRESS_FROM_DRAWS = 300_000


@scenario_app.command("list")
def scenario_list(json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List the built-in scenarios."""
    import json

    from ..sector.scenario import builtin_names, load_builtin

    rows = [load_builtin(n) for n in builtin_names()]
    if json_out:
        typer.echo(json.dumps([{"name": s.name, "title": s.title, "model": s.model, "years": list(s.years),
                                "sources": list(s.sources)} for s in rows], indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.padding import Padding

    console = Console(highlight=False)
    console.print("[bold]built-in scenarios[/] (details: aifootprint scenario show NAME)")
    for s in rows:
        years = f"{s.years[0]}" if len(s.years) == 1 else f"{s.years[0]}–{s.years[-1]}"
        console.print(f"[bold]{s.name}[/]  [dim]{s.model}, {years}[/]", overflow="ellipsis", no_wrap=True)
        console.print(Padding(s.title, (0, 0, 0, 4)))


@scenario_app.command("show")
def scenario_show(
    name: Annotated[str, typer.Argument(help="Built-in scenario name or path to a scenario TOML file.")],
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    toml_out: Annotated[bool, typer.Option("--toml", help="Print the TOML file (to copy and edit).")] = False,
) -> None:
    """Show a scenario's inputs, sources and published figures."""
    import json

    from .validate import one_of

    one_of({"--json": json_out, "--toml": toml_out})
    from ..sector.scenario import builtin_names, load_scenario

    sc = load_scenario(name)
    if toml_out:
        if sc.path.startswith("builtin:"):
            from importlib import resources

            stem = sc.path.split(":", 1)[1]
            assert stem in builtin_names()
            typer.echo((resources.files("aifootprint.sector") / "builtin" / f"{stem}.toml").read_text("utf-8"))
        else:
            typer.echo(Path(sc.path).read_text(encoding="utf-8"))
        return
    if json_out:
        typer.echo(json.dumps(sc.to_dict(), indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    span = f"year {sc.years[0]}" if len(sc.years) == 1 else f"years {sc.years[0]}–{sc.years[-1]}"
    console.print(f"[bold]{sc.title}[/] ({sc.name}, model {sc.model}, {span})")
    if sc.description:  # reflowed: the TOML's hard line breaks are not the terminal's
        for para in re.split(r"\n\s*\n", sc.description):
            console.print(" ".join(para.split()))
    table = Table(title="inputs", header_style="bold")
    for col in ("input", "value", "unit", "source", "note"):
        table.add_column(col, no_wrap=col == "input")
    for inp in sc.inputs.values():
        table.add_row(inp.name, inp.describe(), inp.unit, inp.source, inp.note)
    console.print(table)
    for p in sc.published:
        console.print(f"published: {p.output} {p.year} = {published_text(p)} {p.unit} ({p.source})")
    for n in sc.notes:
        console.print(f"note: {n}")
    if sc.location:
        console.print(f"location for carbon and water: {sc.location}")


def published_text(p: Any) -> str:
    """A published figure as written: ``945 (669–1,264)`` (value and range), ``62,400–80,000``, ``…–29.2`` (one
    end only), ``564``; a low of 0 is shown as 0."""
    from ..sector.equivalences import fmt

    span = "" if p.low is None and p.high is None else \
        f"{'…' if p.low is None else fmt(p.low)}–{'…' if p.high is None else fmt(p.high)}"
    if p.value is None:
        return span
    return f"{fmt(p.value)} ({span})" if span else fmt(p.value)


def _run(name: str, draws: int, seed: int, quiet: bool) -> Any:
    from ..sector.montecarlo import run
    from ..sector.scenario import load_scenario

    sc = load_scenario(name)
    if quiet or draws < _PROGRESS_FROM_DRAWS:
        return run(sc, draws=draws, seed=seed)
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(f"{sc.name}: {draws:,} draws", total=draws)
        return run(sc, draws=draws, seed=seed, progress=lambda done, total: bar.update(task, completed=done))


@scenario_app.command("run")
def scenario_run(
    name: Annotated[str, typer.Argument(help="Built-in scenario name or path to a scenario TOML file.")],
    draws: Annotated[int, typer.Option(help="Monte Carlo draws (100 to 10,000,000; 100,000 to 1,000,000 "
                                            "recommended).")] = 100_000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same numbers).")] = 20231010,
    json_out: Annotated[bool, typer.Option("--json", help="Print the JSON result.")] = False,
    csv_out: Annotated[bool, typer.Option("--csv", help="Print one CSV row per output and year.")] = False,
) -> None:
    """Run a scenario: per-year low/best/high (5th/50th/95th percentiles), published figures, sensitivity."""
    from ..sector.outputs import published_checks, to_csv, to_result
    from .validate import check_range, one_of

    one_of({"--json": json_out, "--csv": csv_out})
    check_range("--draws", draws)
    result = _run(name, draws, seed, quiet=json_out or csv_out)
    if csv_out:
        typer.echo(to_csv(result), nl=False)
        return
    if json_out:
        typer.echo(to_result(result).to_json())
        return
    _print_run(result, published_checks(result))


#: What the columns mean, printed with every run (best and nominal differ: median of the draws vs inputs as stated).
BEST_VS_NOMINAL = ("best = median of the draws (50th percentile); low/high = 5th/95th percentiles; "
                   "nominal = every input at its stated value (what the source computes)")


def _output_table(key: str, unit: str, result: Any) -> Any:
    """One narrow table per output: years as rows, best / low / high as columns (fits 80 columns)."""
    from rich.markup import escape
    from rich.table import Table

    from ..sector.equivalences import fmt

    table = Table(title=escape(f"{key} [{unit}]"), title_justify="left", header_style="bold")
    table.add_column("year")
    for col in ("best (median)", "low (p5)", "high (p95)"):
        table.add_column(col, justify="right", no_wrap=True)
    for y in result.years:
        v = result.at(key, y)
        table.add_row(str(y), fmt(v["best"]), fmt(v["low"]), fmt(v["high"]))
    return table


def _print_run(result: Any, checks: list[Any]) -> None:
    from rich.console import Console

    from ..sector.equivalences import fmt
    from ..sector.models import OUTPUT_UNITS

    console = Console(highlight=False)
    sc = result.scenario
    console.print(f"[bold]{sc.title}[/] — {result.draws:,} draws, seed {result.seed}")
    console.print(BEST_VS_NOMINAL)
    for key, unit in OUTPUT_UNITS.items():
        if key in result.quantiles:
            console.print(_output_table(key, unit, result))
    for c in checks:
        p = c.published
        if c.from_input:  # the scenario states the figure: matching it proves nothing
            median = result.at(p.output, p.year)["best"]
            console.print(f"published {p.output} {p.year}: {published_text(p)} {p.unit} ({p.source}); an input of "
                          f"this scenario, not a reproduction; best (median of the draws): {fmt(median)}")
            continue
        if p.low is not None or p.high is not None:
            pub = "–".join(fmt(v) for v in (p.low, p.high) if v is not None)
            rep = "–".join(fmt(v) for v in (c.reproduced_low, c.reproduced_high) if v is not None)
            console.print(f"published {p.output} {p.year}: {pub} {p.unit} ({p.source}); bounds reproduced: {rep} "
                          f"(max difference {100 * c.max_rel_diff:.1f} %)")
        if p.value is not None:
            median = result.at(p.output, p.year)["best"]
            console.print(f"published {p.output} {p.year}: {fmt(p.value)} {p.unit} ({p.source}); nominal "
                          f"(inputs at their stated values) reproduced: {fmt(c.reproduced_value)} (difference "
                          f"{100 * c.max_rel_diff:.1f} %); best (median of the draws): {fmt(median)}")
    if result.sensitivity:
        console.print(f"sensitivity of facility_energy_twh in {result.years[-1]} (5th→95th percentile swing):")
        for s in result.sensitivity:
            console.print(f"  {s.name:<28} {fmt(s.output_at_p5)} → {fmt(s.output_at_p95)} TWh/yr "
                          f"(Spearman {s.spearman:+.2f}; source {s.source})")
    from rich.markup import escape

    for w in result.warnings:
        console.print(f"[yellow]warning:[/] {escape(str(w))}")


def compare(
    amount: Annotated[list[str], typer.Argument(help="An amount with its unit: 85 TWh, 500 ml, 552 t, 23 GW …")],
    json_out: Annotated[bool, typer.Option("--json", help="Print the JSON result.")] = False,
) -> None:
    """Express an energy, carbon or water amount as countries, Bitcoin, households, bottles, km by car …"""
    from ..errors import InputError
    from ..result import Result
    from ..sector.equivalences import HOURS_PER_YEAR, compare_text, fmt

    unknown = [a for a in amount if a.startswith("-") and not re.match(r"-[\d.]", a)]
    if unknown:
        raise InputError(f"no such option: {unknown[0]} (see `aifootprint compare --help`)")
    q, eqs = compare_text(" ".join(amount))
    if json_out:
        from ..notice import Notice
        from ..result import Assumption

        res = Result("equivalences", {"amount": q.text, "kind": q.kind, f"value_{q.unit_suffix}": q.value,
                                      "unit": q.unit},
                     {"equivalences": [e.to_dict() for e in eqs]},
                     [Assumption(e.label, e.reference_value, e.reference_unit, e.source) for e in eqs],
                     [Notice("assumption", f"power annualised at {HOURS_PER_YEAR:,.0f} h (365-day year, DV23)",
                             "hours_per_year", "DV23")] if q.kind == "power" else [])
        typer.echo(res.to_json())
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    extra = f" (= {fmt(q.value * HOURS_PER_YEAR / 1e9)} TWh per year at full power)" if q.kind == "power" else ""
    console.print(f"[bold]{q.text}[/]{extra} is about:")
    bullets = Table.grid(padding=(0, 1))  # a hanging indent: wrapped lines start under the text, not the bullet
    bullets.add_column(no_wrap=True)
    bullets.add_column()
    for e in eqs:
        year = f", {e.year}" if e.year else ""
        line = Text(e.text)
        line.append(f"  [{e.source}{year}]", style="dim")
        bullets.add_row("  •", line)
    if eqs:
        console.print(bullets)
    if not eqs:  # the references exist: this amount is zero, or too small for any to read as a multiple
        console.print("  (zero: nothing to compare)" if q.value == 0 else
                      "  (no reference amount at a readable multiple: per-use ones are shown from 1/1,000 to "
                      "1,000,000 times, annual ones from a millionth; see `aifootprint data show equivalences`)"
                      if q.kind in ("energy", "power") else "  (no reference amounts available)")


def report(
    out: Annotated[str, typer.Option("--out", help="Where to write the HTML file (a regular file; a symlink is "
                                     "written through; - for standard output). An existing file is replaced only "
                                     "with --force.")] = "aifootprint-report.html",
    scenario: Annotated[str | None, typer.Option(help="Scenario name or TOML file for the sector chart.")] = None,
    model: Annotated[str | None, typer.Option(
        help="Model (registry name) for the life-cycle, per-request and water charts; default llama-3.1-70b. "
             "Unknown names exit 2 with suggestions, before anything is written.")] = None,
    draws: Annotated[int, typer.Option(help="Monte Carlo draws for the sector chart (100 to 10,000,000).")
                     ] = 100_000,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file at --out.")] = False,
) -> None:
    """Write one self-contained HTML report (works offline: inline SVG and CSS, no network)."""
    from ..fileio import output_target, write_output
    from ..report.build import build_default_report
    from .validate import check_range

    check_range("--draws", draws)
    kept = {} if scenario is None else {scenario: "the scenario file"}  # an input, never overwritten
    output_target(out, force=force, protect=kept)  # before the minutes of work: a bad or existing path fails at once
    html = build_default_report(scenario=scenario, model=model, draws=draws)
    where = write_output(out, html, force=force, protect=kept)
    if out != "-":
        typer.echo(f"wrote {where} ({len(html.encode('utf-8')) / 1024:.0f} kB)")


def register(app: typer.Typer) -> None:
    """Add ``scenario`` (list | show | run), ``compare`` and ``report``."""
    app.add_typer(scenario_app, name="scenario")
    # a negative amount ("-85 TWh") is an argument to refuse with a clear message, not an unknown option "-8"
    app.command("compare", context_settings={"ignore_unknown_options": True})(compare)
    app.command("report")(report)
