"""Commands: ``tierwise runs list | show ID | history CUSTOMER | diff A B | up-or-out`` — the saved runs."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.table import Table

from tierwise.cli.application import app, console, pick_language, service_context
from tierwise.services.run_history import class_as_of, customer_history, up_or_out
from tierwise.services.runs import diff_runs, list_runs, show_run
from tierwise.services.sources import open_source

runs_app = typer.Typer(name="runs", help="Saved runs (评估批次): list, show, compare, histories.", no_args_is_help=True)
app.add_typer(runs_app)

Lang = Annotated[str | None, typer.Option("--lang", help="Labels: en or zh.")]
Rows = Annotated[int, typer.Option("--rows", help="Customers to show.")]
PolicyName = Annotated[str | None, typer.Option("--policy", help="Only the runs of this policy (its name).")]


@runs_app.command("list")
def list_command(policy: PolicyName = None) -> None:
    """The saved runs, newest as-of date first."""
    grid = Table(title="saved runs / 评估批次", title_justify="left")
    for header in ("id", "policy", "version", "as of", "customers", "engine", "user", "saved at", "data"):
        right = header in ("id", "customers")
        grid.add_column(header, justify="right" if right else "left", overflow="fold", no_wrap=header != "data")
    for r in list_runs(service_context(), policy=policy):
        grid.add_row(
            str(r.id),
            r.policy,
            r.policy_version,
            r.as_of.isoformat(),
            f"{r.customers:,}",
            r.engine,
            r.actor,
            f"{r.created_at:%Y-%m-%d %H:%M:%S}",
            r.data_source,
        )
    console.print(grid)


@runs_app.command("show")
def show_command(
    run_id: Annotated[int, typer.Argument(help="The run's id.")], lang: Lang = None, rows: Rows = 10
) -> None:
    """One saved run: what it was made from, customers per class, the top customers and why."""
    detail = show_run(service_context(), run_id, lang=pick_language(lang))
    r = detail.run
    console.print(
        f"run {r.id}: {r.policy} v{r.policy_version} (sha256 {r.policy_hash[:12]}) as of {r.as_of} · "
        f"{r.customers:,} customers · {r.engine} · saved by {r.actor} at {r.created_at:%Y-%m-%d %H:%M:%S}",
        soft_wrap=True,
    )
    console.print(f"data: {r.data_source} (fingerprint {r.data_fingerprint[:12]})", soft_wrap=True)
    grid = Table(title="classes", title_justify="left")
    for header in ("class", "label", "customers"):
        grid.add_column(header, justify="right" if header == "customers" else "left")
    for c in detail.classes:
        grid.add_row(c.code, c.label, f"{c.customers:,}")
    console.print(grid)
    top = Table(title="top customers and why", title_justify="left")
    for header in ("rank", "customer_id", "class", "reasons"):
        top.add_column(header, justify="right" if header == "rank" else "left", overflow="fold")
    for a in detail.assignments.slice(0, rows).to_pylist():
        top.add_row(str(a["rank"]), a["customer_id"], a["label"] or a["class"], "\n".join(a["reasons"] or []))
    console.print(top)


@runs_app.command("history")
def history_command(
    customer: Annotated[str, typer.Argument(help="The customer's id.")],
    policy: PolicyName = None,
    as_of: Annotated[
        dt.datetime | None,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="Only the class as of this date (needs --policy)."),
    ] = None,
) -> None:
    """A customer's class in every saved run, with the reasons; or, with --as-of, the class on that date."""
    ctx = service_context()
    if as_of is not None:
        if policy is None:
            raise typer.BadParameter("--as-of needs --policy NAME", param_hint="--as-of")
        entry = class_as_of(ctx, customer, policy, as_of.date())
        if entry is None:
            console.print(f"{customer}: no saved {policy} run on or before {as_of.date()} holds this customer")
            raise typer.Exit(1)
        history = [entry]
    else:
        history = customer_history(ctx, customer, policy=policy)
    grid = Table(title=f"{customer}: saved classes / 等级履历", title_justify="left")
    for header in ("run", "policy", "as of", "class", "computed", "reasons"):
        grid.add_column(header, overflow="fold", no_wrap=header != "reasons")
    for h in history:
        computed = h.computed_class if h.computed_class and h.computed_class != h.class_ else ""
        grid.add_row(
            str(h.run_id),
            f"{h.policy} v{h.policy_version}",
            h.as_of.isoformat(),
            h.class_,
            computed,
            "\n".join(h.reasons),
        )
    console.print(grid)


@runs_app.command("diff")
def diff_command(
    before: Annotated[int, typer.Argument(help="The earlier run's id.")],
    after: Annotated[int, typer.Argument(help="The later run's id.")],
    lang: Lang = None,
    rows: Rows = 20,
) -> None:
    """Who moved between two saved runs of one policy: the migration matrix and the movers with both reasons."""
    diff = diff_runs(service_context(), before, after, lang=pick_language(lang))
    classes = sorted({c.from_class for c in diff.matrix} | {c.to_class for c in diff.matrix})
    counts = {(c.from_class, c.to_class): c.customers for c in diff.matrix}
    grid = Table(
        title=f"{diff.after.policy}: run {before} ({diff.before.as_of}) → run {after} ({diff.after.as_of})",
        title_justify="left",
    )
    grid.add_column("from \\ to")
    for c in classes:
        grid.add_column(c, justify="right")
    for f in classes:
        grid.add_row(f, *(f"{counts.get((f, t), 0):,}" if counts.get((f, t)) else "·" for t in classes))
    console.print(grid)
    directions = diff.movers.column("direction").to_pylist()
    console.print(
        f"{diff.movers.num_rows:,} customers moved: "
        + ", ".join(f"{directions.count(d)} {d}" for d in ("up", "down", "new", "gone"))
    )
    movers = Table(title="movers", title_justify="left")
    for header in ("customer_id", "from", "to", "why then", "why now"):
        movers.add_column(header, overflow="fold")
    for m in diff.movers.slice(0, rows).to_pylist():
        movers.add_row(
            m["customer_id"],
            m["from_label"],
            m["to_label"],
            "\n".join(m["from_reasons"] or []),
            "\n".join(m["to_reasons"] or []),
        )
    if diff.movers.num_rows:
        console.print(movers)


@runs_app.command("up-or-out")
def up_or_out_command(
    run: Annotated[int | None, typer.Option("--run", help="The run to review (default: the latest).")] = None,
    policy: PolicyName = None,
    data: Annotated[
        str | None, typer.Option("--data", help="The data set: also list best-class customers the value model flags.")
    ] = None,
    below: Annotated[float, typer.Option("--below", help="P(alive) under which a customer is at risk.")] = 0.5,
) -> None:
    """The up-or-out list: customers downgraded since the previous run, and (with --data) those at risk."""
    review = up_or_out(
        service_context(), run_id=run, policy=policy, data=open_source(data) if data else None, p_alive_below=below
    )
    since = (
        f"since run {review.previous.id} ({review.previous.as_of})" if review.previous else "(the policy's first run)"
    )
    grid = Table(
        title=f"up or out: run {review.run.id} {review.run.policy} as of {review.run.as_of} {since}",
        title_justify="left",
    )
    for header in ("customer_id", "why", "was", "is", "P(alive)", "reasons"):
        grid.add_column(header, overflow="fold", justify="right" if header == "P(alive)" else "left")
    for e in review.entries:
        grid.add_row(
            e.customer_id,
            e.why,
            e.previous_label or "",
            e.label or e.class_,
            "" if e.p_alive is None else f"{e.p_alive:.1%}",
            "\n".join(e.reasons),
        )
    console.print(grid)
    console.print(f"{len(review.entries):,} customers to review")
