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
from tierwise.cli.application import app, console
from tierwise.cli.reading import MapOption, open_for_command
from tierwise.config import Settings
from tierwise.errors import UsageError
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
Lang = Annotated[str, typer.Option("--lang", help="Labels and reasons: en or zh.")]


def _check(engine: str, lang: str) -> None:
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    if lang not in ("en", "zh"):
        raise UsageError(f"unknown language {lang!r}: choose en or zh")


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
    lang: Lang = "en",
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
    _check(engine, lang)
    settings = Settings(engine=engine, lang=lang)
    resolve_policy(policy)  # an unknown policy is a usage error before any data is read
    if what_if is not None:
        resolve_policy(what_if)
    if out is not None and out.suffix.lower() not in OUT_SUFFIXES:
        raise UsageError(f"--out {out}: the file must end in {', '.join(OUT_SUFFIXES)}")
    with console.status("reading the data set…"):
        dataset = open_for_command(data, settings, header_map)
    if what_if is not None:
        _what_if(dataset, policy, what_if, as_of, lang, engine, rows)
        return
    with console.status(f"classifying by {policy}…"):
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
        spec = next((c for c in p.classes if c.code == row["class"]), None)
        cadence = spec.cadence.text[lang] if spec and spec.cadence else "—"
        grid.add_row(
            row["label"],
            f"{row['customers']:,}",
            _share(row["customer_share"]),
            _money(row["sales"]),
            _share(row["sales_share"]),
            cadence,
        )
    console.print(grid)
    console.print(f"{result.assignments.num_rows:,} customers as of {result.as_of} ({result.engine})")
    for note in result.notes:
        console.print(f"[yellow]note:[/] {note}")
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


def _what_if(
    data: Dataset, policy: str, edited: str, as_of: dt.datetime | None, lang: str, engine: str, rows: int
) -> None:
    with console.status(f"comparing {policy} with {edited}…"):
        moved, day = what_if_dataset(
            data, policy, edited, as_of=as_of.date() if as_of else None, lang=lang, engine=engine
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
    lang: Lang = "en",
    names: Annotated[bool, typer.Option("--names", help="Print only the names, one a line (for scripts).")] = False,
) -> None:
    """List the shipped policies: name, version, method and what each does."""
    if names:
        typer.echo("\n".join(shipped_policies()))
        return
    grid = Table(title="shipped policies", title_justify="left")
    for name in ("name", "version", "method", "classes", "description"):
        grid.add_column(name, overflow="fold")
    for name in shipped_policies():
        p = load_policy(name)
        if isinstance(p, TriagePolicyInfo):
            grid.add_row(p.name, str(p.version), "triage", "vip, potential_vip, ordinary, assess", p.description[lang])
            continue
        grid.add_row(p.name, str(p.version), p.summary_method, ", ".join(p.class_codes), p.description[lang])
    console.print(grid)
    console.print("tierwise policy show NAME · tierwise classify DATA --policy NAME|FILE.yaml")


@policy_app.command("show")
def show_command(
    name: Annotated[str, typer.Argument(help="A shipped policy name or a YAML file.")],
    lang: Lang = "en",
    yaml: Annotated[bool, typer.Option("--yaml", help="Print the policy file itself (to copy and edit).")] = False,
) -> None:
    """Show one policy: classes with labels and contact cadence, criteria, time allocation."""
    if lang not in ("en", "zh"):
        raise UsageError(f"unknown language {lang!r}: choose en or zh")
    p = load_policy(name)
    if yaml:
        console.print(policy_text(name)[0], markup=False, highlight=False, soft_wrap=True)
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


SYMBOLS = {"at_least": "≥", "above": ">", "at_most": "≤", "below": "<"}


def describe_criterion(crit, policy: Policy, lang: str) -> str:
    """One line describing a criterion for people (``thresholds on 12-month spend: diamond ≥ 5,000,000; …``)."""
    label = lambda code: policy.class_spec(code).label[lang]  # noqa: E731
    method = crit.method
    if method == "thresholds":
        name = indicator_label(crit.indicator, lang, crit.label)
        parts = [f"{label(b.class_)} {SYMBOLS[b.kind]} {format_constant(b.value)}" for b in crit.bounds]
        tail = f"; else {label(crit.otherwise)}" if crit.otherwise else ""
        return f"thresholds on {name}: " + "; ".join(parts) + tail
    if method == "mapping":
        return f"{indicator_label(crit.indicator, lang)}: " + "; ".join(
            f"{e.label[lang] if e.label else e.value} → {label(e.class_)}" for e in crit.map
        )
    if method == "rules":
        conds = f" {crit.match} of: " + "; ".join(_condition(c, lang) for c in crit.conditions)
        return f"{label(crit.class_)} when{conds}"
    if method == "abc":
        return (
            f"ABC on {indicator_label(crit.indicator, lang)}: A while the cumulative share before the "
            f"customer < {crit.a:.0%}, B < {crit.b:.0%}, else C"
        )
    if method == "rfm":
        names = ", ".join(indicator_label(n, lang) for n in (crit.recency, crit.frequency, crit.monetary))
        return f"RFM quintile scores on {names}; {len(crit.segments)} segments, else {label(crit.otherwise)}"
    if method == "quantiles":
        return f"quantiles of {indicator_label(crit.indicator, lang)}: " + "; ".join(
            f"{label(b.class_)} {b.share:.0%}" for b in crit.bins
        )
    names = ", ".join(indicator_label(w.indicator, lang) for w in crit.indicators)
    if method == "scorecard":
        how = "TOPSIS closeness" if crit.topsis else "weighted score"
        return f"{how} of {names}, weights {crit.weights}"
    return f"k-means on {names} into {', '.join(label(c) for c in crit.classes)}"


def _unit(name: str) -> str:
    found = INDICATORS.get(name) or PROSPECT_INDICATORS.get(name)
    return found.unit if found else "label"


OPS = {">=": "≥", "<=": "≤", "==": "=", "!=": "≠", "not_in": "not in"}


def _condition(cond, lang: str) -> str:
    name = indicator_label(cond.indicator, lang)
    if cond.value is None:
        return f"{name} {cond.op}"
    value = (
        ", ".join(cond.value)
        if isinstance(cond.value, list)
        else (
            str(cond.value).lower()
            if isinstance(cond.value, bool)
            else format_constant(cond.value, _unit(cond.indicator), lang)
        )
    )
    return f"{name} {OPS.get(cond.op, cond.op)} {value}"


@app.command("pareto")
def pareto_command(
    data: Annotated[str, typer.Argument(help="A data set folder, one table file, or 'demo'.")],
    as_of: AsOf = None,
    engine: EngineName = "duckdb",
    header_map: MapOption = None,
) -> None:
    """Pareto analysis of 12-month sales and profit: Gini, top-20 % share, the 80/20 point, the whale curve."""
    _check(engine, "en")
    settings = Settings(engine=engine)
    with console.status("reading the data set…"):
        dataset = open_for_command(data, settings, header_map, needs=("transactions",), command="tierwise pareto")
    with console.status("computing the Pareto analysis…"):
        s, curve, day = pareto_dataset(dataset, as_of=as_of.date() if as_of else None, engine=engine, settings=settings)
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
