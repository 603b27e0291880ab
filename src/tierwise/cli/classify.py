"""Commands: classify, policies, policy show, pareto — explained classification and Pareto analysis."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tierwise.analytics.classify.policy import (
    Policy,
    TriagePolicyInfo,
    load_policy,
    policy_text,
    shipped_policies,
)
from tierwise.analytics.classify.prospects import PROSPECT_INDICATORS
from tierwise.analytics.classify.reasons import format_constant, indicator_label
from tierwise.analytics.engine import ENGINES
from tierwise.analytics.registry import INDICATORS
from tierwise.cli.application import LangOption, _, app, console, formats, language
from tierwise.cli.reading import MapOption, open_for_command
from tierwise.config import Settings
from tierwise.errors import UsageError
from tierwise.i18n import N_, Formats, Message, translate
from tierwise.io.dataset import Dataset
from tierwise.io.writers import write_table
from tierwise.services.classification import classify_dataset, pareto_dataset, resolve_policy, what_if_dataset

OUT_SUFFIXES = (".csv", ".parquet", ".xlsx")
policy_app = typer.Typer(help="Show one policy.", no_args_is_help=True)
app.add_typer(policy_app, name="policy")

AsOf = Annotated[
    dt.datetime | None,
    typer.Option(
        "--as-of", formats=["%Y-%m-%d"], help="As-of date, YYYY-MM-DD (default: the latest transaction date)."
    ),
]
EngineName = Annotated[str, typer.Option("--engine", help="Analytics engine: duckdb or spark.")]


def _check(engine: str) -> None:
    if engine not in ENGINES:
        raise UsageError(
            Message(
                "unknown engine %(engine)s: choose one of %(engines)s",
                {"engine": repr(engine), "engines": ", ".join(ENGINES)},
            )
        )


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
    engine: EngineName = "duckdb",
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the assignments to FILE.csv, .parquet or .xlsx.")
    ] = None,
    rows: Annotated[int, typer.Option("--rows", help="Customers to show with their reasons.")] = 10,
    what_if: Annotated[
        str | None,
        typer.Option("--what-if", help="An edited copy of the policy (YAML file): list who would move, save nothing."),
    ] = None,
    header_map: MapOption = None,
) -> None:
    """Classify every customer by a policy: class, score, rank and the reasons, as of a date.

    Prints the customers and 12-month sales per class, and the top customers with their reasons;
    --out writes one row per customer (reasons as JSON in CSV, a list in Parquet)."""
    _check(engine)
    lang = language()
    settings = Settings(engine=engine, lang=lang)
    resolve_policy(policy)  # an unknown policy is a usage error before any data is read
    if what_if is not None:
        resolve_policy(what_if)
    if out is not None and out.suffix.lower() not in OUT_SUFFIXES:
        raise UsageError(
            Message(
                "--out %(out)s: the file must end in %(out_suffixes)s",
                {"out": out, "out_suffixes": ", ".join(OUT_SUFFIXES)},
            )
        )
    with console.status(_("reading the data set…")):
        dataset = open_for_command(data, settings, header_map)
    if what_if is not None:
        _what_if(dataset, policy, what_if, as_of, lang, engine, rows)
        return
    with console.status(_("classifying by %(policy)s…", policy=policy)):
        result = classify_dataset(
            dataset,
            policy,
            as_of=as_of.date() if as_of else None,
            lang=lang,
            engine=engine,
            settings=settings,
        )
        if out is not None:
            encoding = "gb18030" if lang == "zh" and out.suffix.lower() == ".csv" else "utf-8"
            write_table(result.assignments, out, encoding=encoding)
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
        spec = next((c for c in p.classes if c.code == row["class"]), None)
        cadence = spec.cadence.text[lang] if spec and spec.cadence else "—"
        grid.add_row(
            row["label"],
            formats().number(row["customers"]),
            _share(row["customer_share"]),
            _money(row["sales"]),
            _share(row["sales_share"]),
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
    for note in result.notes:
        console.print("[yellow]" + _("note:") + "[/] " + translate(note, lang))
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


def _what_if(
    data: Dataset, policy: str, edited: str, as_of: dt.datetime | None, lang: str, engine: str, rows: int
) -> None:
    with console.status(_("comparing %(policy)s with %(edited)s…", policy=policy, edited=edited)):
        moved, day = what_if_dataset(
            data, policy, edited, as_of=as_of.date() if as_of else None, lang=lang, engine=engine
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
        typer.echo("\n".join(shipped_policies()))
        return
    grid = Table(title=_("shipped policies"), title_justify="left")
    for name in (_("name"), _("version"), _("method"), _("classes"), _("description")):
        grid.add_column(name, overflow="fold")
    for name in shipped_policies():
        p = load_policy(name)
        if isinstance(p, TriagePolicyInfo):
            grid.add_row(p.name, str(p.version), "triage", "vip, potential_vip, ordinary, assess", p.description[lang])
            continue
        grid.add_row(p.name, str(p.version), p.summary_method, ", ".join(p.class_codes), p.description[lang])
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
    p = load_policy(name)
    if yaml:
        console.print(policy_text(name)[0], markup=False, highlight=False, soft_wrap=True)
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


SYMBOLS = {"at_least": "≥", "above": ">", "at_most": "≤", "below": "<"}


def describe_criterion(crit, policy: Policy, lang: str) -> str:
    """One line describing a criterion for people (``thresholds on 12-month spend: diamond ≥ 5,000,000; …``)."""
    label = lambda code: policy.class_spec(code).label[lang]  # noqa: E731
    f = Formats(lang)
    _ = lambda msgid, **params: translate(Message(msgid, params), lang)  # noqa: E731 - in the policy's language
    sep = _("; ")
    method = crit.method
    if method == "thresholds":
        name = indicator_label(crit.indicator, lang, crit.label)
        parts = sep.join(f"{label(b.class_)} {SYMBOLS[b.kind]} {format_constant(b.value)}" for b in crit.bounds)
        if crit.otherwise:
            return _(
                "thresholds on %(name)s: %(bounds)s; else %(otherwise)s",
                name=name,
                bounds=parts,
                otherwise=label(crit.otherwise),
            )
        return _("thresholds on %(name)s: %(bounds)s", name=name, bounds=parts)
    if method == "mapping":
        return (
            indicator_label(crit.indicator, lang)
            + _(": ")
            + sep.join(f"{e.label[lang] if e.label else e.value} → {label(e.class_)}" for e in crit.map)
        )
    if method == "rules":
        conds = sep.join(_condition(c, lang) for c in crit.conditions)
        if crit.match == "all":
            return _("%(class)s when all of: %(conditions)s", **{"class": label(crit.class_), "conditions": conds})
        return _("%(class)s when any of: %(conditions)s", **{"class": label(crit.class_), "conditions": conds})
    if method == "abc":
        return _(
            "ABC on %(name)s: A while the cumulative share before the customer < %(a)s, B < %(b)s, else C",
            name=indicator_label(crit.indicator, lang),
            a=f.percent(crit.a, 0),
            b=f.percent(crit.b, 0),
        )
    if method == "rfm":
        names = _(", ").join(indicator_label(n, lang) for n in (crit.recency, crit.frequency, crit.monetary))
        return _(
            "RFM quintile scores on %(names)s; %(segments)s segments, else %(otherwise)s",
            names=names,
            segments=len(crit.segments),
            otherwise=label(crit.otherwise),
        )
    if method == "quantiles":
        return _(
            "quantiles of %(name)s: %(bins)s",
            name=indicator_label(crit.indicator, lang),
            bins=sep.join(f"{label(b.class_)} {f.percent(b.share, 0)}" for b in crit.bins),
        )
    names = _(", ").join(indicator_label(w.indicator, lang) for w in crit.indicators)
    if method == "scorecard":
        if crit.topsis:
            return _("TOPSIS closeness of %(names)s, weights %(weights)s", names=names, weights=crit.weights)
        return _("weighted score of %(names)s, weights %(weights)s", names=names, weights=crit.weights)
    return _("k-means on %(names)s into %(classes)s", names=names, classes=_(", ").join(label(c) for c in crit.classes))


def _unit(name: str) -> str:
    found = INDICATORS.get(name) or PROSPECT_INDICATORS.get(name)
    return found.unit if found else "label"


OPS = {">=": "≥", "<=": "≤", "==": "=", "!=": "≠"}
#: the ops written as words
WORDED = {
    "in": N_("%(name)s in %(value)s"),
    "not_in": N_("%(name)s not in %(value)s"),
    "missing": N_("%(name)s missing"),
    "present": N_("%(name)s present"),
}


def _condition(cond, lang: str) -> str:
    name = indicator_label(cond.indicator, lang)
    if cond.value is None:
        return translate(Message(WORDED[cond.op], {"name": name}), lang)
    value = (
        ", ".join(cond.value)
        if isinstance(cond.value, list)
        else (
            str(cond.value).lower()
            if isinstance(cond.value, bool)
            else format_constant(cond.value, _unit(cond.indicator), lang)
        )
    )
    if cond.op in WORDED:
        return translate(Message(WORDED[cond.op], {"name": name, "value": value}), lang)
    return f"{name} {OPS.get(cond.op, cond.op)} {value}"


@app.command("pareto")
def pareto_command(
    data: Annotated[str, typer.Argument(help="A data set folder, one table file, or 'demo'.")],
    as_of: AsOf = None,
    engine: EngineName = "duckdb",
    lang: LangOption = None,
    header_map: MapOption = None,
) -> None:
    """Pareto analysis of 12-month sales and profit: Gini, top-20 % share, the 80/20 point, the whale curve."""
    _check(engine)
    settings = Settings(engine=engine)
    with console.status(_("reading the data set…")):
        dataset = open_for_command(data, settings, header_map, needs=("transactions",), command="tierwise pareto")
    with console.status(_("computing the Pareto analysis…")):
        s, curve, day = pareto_dataset(dataset, as_of=as_of.date() if as_of else None, engine=engine, settings=settings)
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
