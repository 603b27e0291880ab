"""Commands: classify, policies, policy show, pareto — explained classification and Pareto analysis."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tierwise.cli.application import (
    LangOption,
    _,
    app,
    check_out,
    console,
    formats,
    language,
    policy_ref,
    service_context,
)
from tierwise.errors import UsageError
from tierwise.i18n import N_, Message, translate
from tierwise.policy_files import PolicyRef
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


def _money(value: float | None) -> str:
    return formats().number(value)


def _share(value: float | None) -> str:
    return formats().percent(value)


@app.command("classify")
def classify_command(
    data: Annotated[str, typer.Argument(help="A data set folder, one table file, or 'demo'.")],
    policy: Annotated[
        str, typer.Option("--policy", help="A shipped policy name (see `tierwise policies`) or a YAML file.")
    ],
    as_of: AsOf = None,
    lang: LangOption = None,
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
    lang = language()
    ref = policy_ref(policy)
    _refuse_triage(ref)
    if what_if is not None:
        if save:
            raise UsageError(Message("--what-if saves nothing: leave out --save"))
        _what_if(data, ref, what_if, as_of, lang, ctx, rows)
        return
    check_out(out)
    saved_as = None
    with console.status(_("classifying by %(policy)s…", policy=policy)):
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
    grid = Table(title=f"{p.name} v{p.version} · {p.description[lang]}", title_justify="left")
    for name, right in (
        (_("class"), False),
        (_("customers"), True),
        (_("share"), True),
        (_("12-month sales"), True),
        (_("share of sales"), True),
        (_("cadence"), False),
    ):
        grid.add_column(name, justify="right" if right else "left")
    for row in result.summary:
        spec = next((c for c in p.classes if c.code == row.code), None)
        cadence = spec.cadence.text[lang] if spec and spec.cadence else "—"
        grid.add_row(
            row.label,
            formats().number(row.customers),
            _share(row.customer_share),
            _money(row.sales),
            _share(row.sales_share),
            cadence,
        )
    console.print(grid)
    console.print(
        _(
            "%(customers)s customers as of %(as_of)s (%(engine)s)",
            customers=formats().number(result.assignments.num_rows),
            as_of=str(result.as_of),
            engine=result.engine,
        )
    )
    if saved_as is not None:
        console.print(_("saved as run %(id)s (tierwise runs show %(id)s)", id=saved_as.id))
    for finding in result.findings:
        console.print("[yellow]" + _("note:") + "[/] " + translate(finding.message, lang))
    if out is not None:
        console.print(f"→ {out}")
        return
    top = Table(title=_("Top customers and why"), title_justify="left")
    for name, right in ((_("rank"), True), (_("customer"), False), (_("class"), False), (_("score"), True)):
        top.add_column(name, justify="right" if right else "left", overflow="fold")
    top.add_column(_("reasons"), overflow="fold")
    for record in result.assignments.slice(0, rows).to_pylist():
        score = formats().number(record["score"], 2)
        top.add_row(str(record["rank"]), record["customer_id"], record["label"], score, "\n".join(record["reasons"]))
    console.print(top)


def _refuse_triage(ref: PolicyRef) -> None:
    """A triage policy cannot classify: say which command runs it."""
    loaded = read_policy(ref)
    if isinstance(loaded, TriagePolicyInfo):
        raise UsageError(
            Message(
                "policy %(policy)s routes walk-in customers (method: triage); run it with `tierwise triage --policy "
                "%(name)s --json '{…}'`, not with classify",
                {"policy": repr(loaded.name), "name": loaded.name},
            )
        )


def _what_if(data: str, ref: PolicyRef, edited: str, as_of: dt.datetime | None, lang: str, ctx, rows: int) -> None:
    policy = ref.source
    with console.status(_("comparing %(policy)s with %(edited)s…", policy=policy, edited=edited)):
        moved, day = what_if_dataset(
            ctx, open_source(data), ref, policy_ref(edited), as_of=as_of.date() if as_of else None, lang=lang
        )
    directions = moved.column("direction").to_pylist()
    words = {"up": N_("%(n)s up"), "down": N_("%(n)s down"), "new": N_("%(n)s new"), "gone": N_("%(n)s gone")}
    counts = ", ".join(_(words[d], n=directions.count(d)) for d in words if d in directions)
    console.print(
        _(
            "as of %(as_of)s: %(customers)s customers would move if %(edited)s replaced %(policy)s",
            as_of=str(day),
            customers=formats().number(moved.num_rows),
            edited=edited,
            policy=policy,
        )
        + (f" ({counts})" if counts else "")
    )
    grid = Table(title=_("who would move"), title_justify="left")
    for name in (_("customer"), _("from"), _("to"), _("why now"), _("why then")):
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
    lang: LangOption = None,
    names: Annotated[bool, typer.Option("--names", help="Print only the names, one a line (for scripts).")] = False,
) -> None:
    """List the shipped policies: name, version, method and what each does."""
    if names:
        typer.echo("\n".join(shipped_policy_names()))
        return
    lang = language()
    grid = Table(title=_("shipped policies"), title_justify="left")
    for name in (_("name"), _("version"), _("method"), _("classes"), _("description")):
        grid.add_column(name, overflow="fold")
    for p in list_policies():
        grid.add_row(p.name, str(p.version), p.method, ", ".join(p.classes), p.description[lang])
    console.print(grid)
    console.print("tierwise policy show NAME · tierwise classify DATA --policy NAME|FILE.yaml", highlight=False)


@policy_app.command("show")
def show_command(
    name: Annotated[str, typer.Argument(help="A shipped policy name or a YAML file.")],
    lang: LangOption = None,
    yaml: Annotated[bool, typer.Option("--yaml", help="Print the policy file itself (to copy and edit).")] = False,
) -> None:
    """Show one policy: classes with labels and contact cadence, criteria, time allocation."""
    lang = language()
    ref = policy_ref(name)
    p = read_policy(ref)
    if yaml:
        console.print(read_policy_yaml(ref), markup=False, highlight=False, soft_wrap=True)
        return
    console.print(f"[bold]{p.name}[/] v{p.version} · {p.description[lang]}", soft_wrap=True)
    if isinstance(p, TriagePolicyInfo):
        console.print(
            _(
                "walk-in triage: run it with `tierwise triage --policy %(name)s --json '{…}'`; "
                "`tierwise policy show %(name)s --yaml` prints every bound",
                name=p.name,
            )
        )
        return
    classes = Table(title=_("classes (best first)"), title_justify="left")
    for col in (_("code"), _("label"), _("cadence"), _("note")):
        classes.add_column(col, overflow="fold")
    for c in p.classes:
        classes.add_row(
            c.code, c.label[lang], c.cadence.text[lang] if c.cadence else "—", c.note[lang] if c.note else ""
        )
    console.print(classes)
    console.print(_("criteria (the highest class any grants wins):"))
    for crit in p.criteria:
        console.print(f"  • {crit.name}: {describe_criterion(crit, p, lang)}", soft_wrap=True)
    if p.default_class:
        console.print("  " + _("otherwise: %(label)s", label=p.class_spec(p.default_class).label[lang]))
    if p.grace_runs:
        console.print(
            _("grace period: a downgrade takes effect after %(runs)s consecutive runs below", runs=p.grace_runs)
        )
    if p.time_allocation:
        alloc = Table(title=_("monthly time allocation"), title_justify="left")
        alloc.add_column(_("group"))
        for col in (_("accounts"), _("days per month")):
            alloc.add_column(col, justify="right")
        for a in p.time_allocation:
            alloc.add_row(a.label[lang], str(a.accounts), f"{a.days_per_month:g}")
        console.print(alloc)


@app.command("pareto")
def pareto_command(
    data: Annotated[str, typer.Argument(help="A data set folder, one table file, or 'demo'.")],
    as_of: AsOf = None,
    engine: EngineName = None,
    lang: LangOption = None,
) -> None:
    """Pareto analysis of 12-month sales and profit: Gini, top-20 % share, the 80/20 point, the whale curve."""
    ctx = service_context(engine)
    with console.status(_("computing the Pareto analysis…")):
        s, curve, day = pareto_dataset(ctx, open_source(data), as_of=as_of.date() if as_of else None)
    title = _(
        "Pareto analysis as of %(as_of)s · %(customers)s active customers",
        as_of=str(day),
        customers=formats().number(s.customers),
    )
    grid = Table(title=title, title_justify="left")
    grid.add_column(_("figure"))
    grid.add_column(_("value"), justify="right")
    grid.add_row(_("12-month sales"), _money(s.total_sales))
    grid.add_row(_("Gini coefficient of sales"), formats().number(s.gini, 3))
    grid.add_row(_("share of sales from the top 20 %% of customers"), _share(s.top20_sales_share))
    grid.add_row(_("80/20 point: share of customers making 80 %% of sales"), _share(s.point_80_20))
    if s.total_profit is not None:
        grid.add_row(_("12-month profit"), _money(s.total_profit))
        grid.add_row(_("share of profit from the most profitable 20 %%"), _share(s.top20_profit_share))
        grid.add_row(
            _("profit peak on the whale curve"),
            _(
                "%(profit)s of profit with %(customers)s of customers",
                profit=_share(s.profit_peak_share),
                customers=_share(s.profit_peak_at),
            ),
        )
        grid.add_row(_("profit of the least profitable 30 %%"), _money(s.bottom30_profit))
    console.print(grid)
    if s.total_profit is not None and s.bottom30_profit is not None and s.bottom30_profit < 0:
        console.print(
            _(
                "80/20/30: the top 20 %% of customers bring %(profit)s of profit; "
                "the bottom 30 %% cost %(loss)s of it.",
                profit=_share(s.top20_profit_share),
                loss=_money(-s.bottom30_profit),
            )
        )
