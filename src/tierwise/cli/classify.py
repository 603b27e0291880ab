"""Commands: classify, policies, policy show, pareto — explained classification and Pareto analysis."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tierwise.cli.application import app, check_out, console, pick_language, policy_ref, service_context
from tierwise.errors import UsageError
from tierwise.services.classification import classify_dataset, pareto_dataset, what_if_dataset
from tierwise.services.output import write_result
from tierwise.services.policies import (
    TriagePolicyInfo,
    describe_criterion,
    list_policies,
    read_policy,
    read_policy_yaml,
    shipped_policy_names,
)
from tierwise.services.sources import open_source

policy_app = typer.Typer(help="Show one policy.", no_args_is_help=True)
app.add_typer(policy_app, name="policy")

AsOf = Annotated[
    dt.datetime | None,
    typer.Option(
        "--as-of", formats=["%Y-%m-%d"], help="As-of date, YYYY-MM-DD (default: the latest transaction date)."
    ),
]
EngineName = Annotated[str | None, typer.Option("--engine", help="Analytics engine: duckdb or spark.")]
Lang = Annotated[str | None, typer.Option("--lang", help="Labels and reasons: en or zh.")]


def _money(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


@app.command("classify")
def classify_command(
    data: Annotated[str, typer.Argument(help="A data set folder, one table file, or 'demo'.")],
    policy: Annotated[
        str, typer.Option("--policy", help="A shipped policy name (see `tierwise policies`) or a YAML file.")
    ],
    as_of: AsOf = None,
    lang: Lang = None,
    engine: EngineName = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the assignments to FILE.csv, .parquet or .xlsx.")
    ] = None,
    rows: Annotated[int, typer.Option("--rows", help="Customers to show with their reasons.")] = 10,
    what_if: Annotated[
        str | None,
        typer.Option("--what-if", help="An edited copy of the policy (YAML file): list who would move, save nothing."),
    ] = None,
    save: Annotated[
        bool, typer.Option("--save", help="Save the run and its assignments in the store (TIERWISE_DATABASE_URL).")
    ] = False,
) -> None:
    """Classify every customer by a policy: class, score, rank and the reasons, as of a date.

    Prints the customers and 12-month sales per class, and the top customers with their reasons;
    --out writes one row per customer (reasons as JSON in CSV, a list in Parquet)."""
    ctx = service_context(engine)
    lang = pick_language(lang)
    ref = policy_ref(policy)
    _refuse_triage(ref)
    if what_if is not None:
        if save:
            raise UsageError("--what-if saves nothing: leave out --save")
        _what_if(data, ref, what_if, as_of, lang, ctx, rows)
        return
    check_out(out)
    saved_as = None
    with console.status(f"classifying by {policy}…"):
        day = as_of.date() if as_of else None
        if save:
            from tierwise.services.runs import save_run  # the store (SQLAlchemy): only when saving

            saved = save_run(ctx, open_source(data), ref, as_of=day, lang=lang)
            result, saved_as = saved.result, saved.run
        else:
            result = classify_dataset(ctx, open_source(data), ref, as_of=day, lang=lang)
        if out is not None:
            write_result(result.assignments, out, lang=lang)
    p = result.policy
    zh = lang == "zh"
    grid = Table(title=f"{p.name} v{p.version} · {p.description[lang]}", title_justify="left")
    for name, right in (
        ("类别" if zh else "class", False),
        ("客户数" if zh else "customers", True),
        ("占比" if zh else "share", True),
        ("近12个月销售额" if zh else "12-month sales", True),
        ("销售额占比" if zh else "share of sales", True),
        ("维护频率" if zh else "cadence", False),
    ):
        grid.add_column(name, justify="right" if right else "left")
    for row in result.summary:
        spec = next((c for c in p.classes if c.code == row.code), None)
        cadence = spec.cadence.text[lang] if spec and spec.cadence else "—"
        grid.add_row(
            row.label,
            f"{row.customers:,}",
            _share(row.customer_share),
            _money(row.sales),
            _share(row.sales_share),
            cadence,
        )
    console.print(grid)
    console.print(f"{result.assignments.num_rows:,} customers as of {result.as_of} ({result.engine})")
    if saved_as is not None:
        console.print(f"saved as run {saved_as.id} (tierwise runs show {saved_as.id})")
    for finding in result.findings:
        console.print(f"[yellow]note:[/] {finding.message.msgid % finding.message.params}")
    if out is not None:
        console.print(f"→ {out}")
        return
    top = Table(title="排名靠前的客户及依据" if zh else "Top customers and why", title_justify="left")
    for name in ("rank", "customer_id", "class", "score", "reasons"):
        top.add_column(name, justify="right" if name in ("rank", "score") else "left", overflow="fold")
    for record in result.assignments.slice(0, rows).to_pylist():
        score = "—" if record["score"] is None else f"{record['score']:,.2f}"
        top.add_row(str(record["rank"]), record["customer_id"], record["label"], score, "\n".join(record["reasons"]))
    console.print(top)


def _refuse_triage(ref) -> None:
    """A triage policy cannot classify: say which command runs it."""
    loaded = read_policy(ref)
    if isinstance(loaded, TriagePolicyInfo):
        raise UsageError(
            f"policy {loaded.name!r} routes walk-in customers (method: triage); run it with "
            f"`tierwise triage --policy {loaded.name} --json '{{…}}'`, not with classify"
        )


def _what_if(data: str, ref, edited: str, as_of: dt.datetime | None, lang: str, ctx, rows: int) -> None:
    policy = ref.source
    with console.status(f"comparing {policy} with {edited}…"):
        moved, day = what_if_dataset(
            ctx, open_source(data), ref, policy_ref(edited), as_of=as_of.date() if as_of else None, lang=lang
        )
    directions = moved.column("direction").to_pylist()
    counts = ", ".join(f"{directions.count(d)} {d}" for d in ("up", "down", "new", "gone") if d in directions)
    console.print(
        f"as of {day}: {moved.num_rows:,} customers would move if {edited} replaced {policy}"
        + (f" ({counts})" if counts else "")
    )
    grid = Table(title="who would move", title_justify="left")
    for name in ("customer_id", "from", "to", "why now", "why then"):
        grid.add_column(name, overflow="fold")
    for r in moved.slice(0, rows).to_pylist():
        grid.add_row(
            r["customer_id"],
            r["from_label"],
            r["to_label"],
            "\n".join(r["from_reasons"] or []),
            "\n".join(r["to_reasons"] or []),
        )
    if moved.num_rows:
        console.print(grid)


@app.command("policies")
def policies_command(
    lang: Lang = None,
    names: Annotated[bool, typer.Option("--names", help="Print only the names, one a line (for scripts).")] = False,
) -> None:
    """List the shipped policies: name, version, method and what each does."""
    if names:
        typer.echo("\n".join(shipped_policy_names()))
        return
    lang = pick_language(lang)
    grid = Table(title="shipped policies", title_justify="left")
    for name in ("name", "version", "method", "classes", "description"):
        grid.add_column(name, overflow="fold")
    for p in list_policies():
        grid.add_row(p.name, str(p.version), p.method, ", ".join(p.classes), p.description[lang])
    console.print(grid)
    console.print("tierwise policy show NAME · tierwise classify DATA --policy NAME|FILE.yaml")


@policy_app.command("show")
def show_command(
    name: Annotated[str, typer.Argument(help="A shipped policy name or a YAML file.")],
    lang: Lang = None,
    yaml: Annotated[bool, typer.Option("--yaml", help="Print the policy file itself (to copy and edit).")] = False,
) -> None:
    """Show one policy: classes with labels and contact cadence, criteria, time allocation."""
    lang = pick_language(lang)
    ref = policy_ref(name)
    p = read_policy(ref)
    if yaml:
        console.print(read_policy_yaml(ref), markup=False, highlight=False, soft_wrap=True)
        return
    console.print(f"[bold]{p.name}[/] v{p.version} · {p.description[lang]}", soft_wrap=True)
    if isinstance(p, TriagePolicyInfo):
        console.print(
            f"walk-in triage: run it with `tierwise triage --policy {p.name} --json '{{…}}'`; "
            f"`tierwise policy show {p.name} --yaml` prints every bound"
        )
        return
    classes = Table(title="classes (best first)", title_justify="left")
    for col in ("code", "label", "cadence", "note"):
        classes.add_column(col, overflow="fold")
    for c in p.classes:
        classes.add_row(
            c.code, c.label[lang], c.cadence.text[lang] if c.cadence else "—", c.note[lang] if c.note else ""
        )
    console.print(classes)
    console.print("criteria (the highest class any grants wins):")
    for crit in p.criteria:
        console.print(f"  • {crit.name}: {describe_criterion(crit, p, lang)}", soft_wrap=True)
    if p.default_class:
        console.print(f"  otherwise: {p.class_spec(p.default_class).label[lang]}")
    if p.grace_runs:
        console.print(f"grace period: a downgrade takes effect after {p.grace_runs} consecutive runs below")
    if p.time_allocation:
        alloc = Table(title="monthly time allocation", title_justify="left")
        for col in ("group", "accounts", "days per month"):
            alloc.add_column(col, justify="left" if col == "group" else "right")
        for a in p.time_allocation:
            alloc.add_row(a.label[lang], str(a.accounts), f"{a.days_per_month:g}")
        console.print(alloc)


@app.command("pareto")
def pareto_command(
    data: Annotated[str, typer.Argument(help="A data set folder, one table file, or 'demo'.")],
    as_of: AsOf = None,
    engine: EngineName = None,
) -> None:
    """Pareto analysis of 12-month sales and profit: Gini, top-20 % share, the 80/20 point, the whale curve."""
    ctx = service_context(engine)
    with console.status("computing the Pareto analysis…"):
        s, curve, day = pareto_dataset(ctx, open_source(data), as_of=as_of.date() if as_of else None)
    grid = Table(title=f"Pareto analysis as of {day} · {s.customers:,} active customers", title_justify="left")
    grid.add_column("figure")
    grid.add_column("value", justify="right")
    grid.add_row("12-month sales", _money(s.total_sales))
    grid.add_row("Gini coefficient of sales", f"{s.gini:.3f}")
    grid.add_row("share of sales from the top 20 % of customers", _share(s.top20_sales_share))
    grid.add_row("80/20 point: share of customers making 80 % of sales", _share(s.point_80_20))
    if s.total_profit is not None:
        grid.add_row("12-month profit", _money(s.total_profit))
        grid.add_row("share of profit from the most profitable 20 %", _share(s.top20_profit_share))
        grid.add_row(
            "profit peak on the whale curve",
            f"{_share(s.profit_peak_share)} of profit with {_share(s.profit_peak_at)} of customers",
        )
        grid.add_row("profit of the least profitable 30 %", _money(s.bottom30_profit))
    console.print(grid)
    if s.total_profit is not None and s.bottom30_profit is not None and s.bottom30_profit < 0:
        console.print(
            f"80/20/30: the top 20 % of customers bring {_share(s.top20_profit_share)} of profit; the "
            f"bottom 30 % cost {_money(-s.bottom30_profit)} of it."
        )
