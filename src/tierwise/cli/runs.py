"""Commands: ``tierwise runs list | show ID | history CUSTOMER | diff A B | up-or-out`` — the saved runs."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.table import Table

from tierwise.cli.application import LangOption, _, app, console, formats, language, service_context
from tierwise.errors import UsageError
from tierwise.i18n import N_, Message
from tierwise.services.run_diffs import diff_runs
from tierwise.services.run_history import class_as_of, customer_history, up_or_out
from tierwise.services.runs import list_runs, show_run
from tierwise.services.sources import open_source

runs_app = typer.Typer(name="runs", help="Saved runs (评估批次): list, show, compare, histories.", no_args_is_help=True)
app.add_typer(runs_app)

Rows = Annotated[int, typer.Option("--rows", help="Customers to show.")]
PolicyName = Annotated[str | None, typer.Option("--policy", help="Only the runs of this policy (its name).")]


@runs_app.command("list")
def list_command(policy: PolicyName = None, lang: LangOption = None) -> None:
    """The saved runs, newest as-of date first."""
    grid = Table(title=_("saved runs"), title_justify="left")
    for header in (
        "id",
        N_("policy"),
        N_("version"),
        N_("as of"),
        N_("customers"),
        N_("engine"),
        N_("user"),
        N_("saved at"),
        N_("data"),
    ):
        right = header in ("id", "customers")
        grid.add_column(_(header), justify="right" if right else "left", overflow="fold", no_wrap=header != "data")
    f = formats()
    for r in list_runs(service_context(), policy=policy):
        grid.add_row(
            str(r.id),
            r.policy,
            r.policy_version,
            r.as_of.isoformat(),
            f.number(r.customers),
            r.engine,
            r.actor,
            f"{r.created_at:%Y-%m-%d %H:%M:%S}",
            r.data_source,
        )
    console.print(grid)


@runs_app.command("show")
def show_command(
    run_id: Annotated[int, typer.Argument(help="The run's id.")], lang: LangOption = None, rows: Rows = 10
) -> None:
    """One saved run: what it was made from, customers per class, the top customers and why."""
    detail = show_run(service_context(), run_id, lang=language())
    r = detail.run
    f = formats()
    console.print(
        _(
            "run %(id)s: %(policy)s v%(version)s (sha256 %(hash)s) as of %(as_of)s · %(customers)s customers · "
            "%(engine)s · saved by %(actor)s at %(saved)s",
            id=r.id,
            policy=r.policy,
            version=r.policy_version,
            hash=r.policy_hash[:12],
            as_of=str(r.as_of),
            customers=f.number(r.customers),
            engine=r.engine,
            actor=r.actor,
            saved=f"{r.created_at:%Y-%m-%d %H:%M:%S}",
        ),
        soft_wrap=True,
    )
    console.print(
        _("data: %(source)s (fingerprint %(fingerprint)s)", source=r.data_source, fingerprint=r.data_fingerprint[:12]),
        soft_wrap=True,
    )
    grid = Table(title=_("classes"), title_justify="left")
    for header in (N_("class"), N_("label"), N_("customers")):
        grid.add_column(_(header), justify="right" if header == "customers" else "left")
    for c in detail.classes:
        grid.add_row(c.code, c.label, f.number(c.customers))
    console.print(grid)
    top = Table(title=_("Top customers and why"), title_justify="left")
    for header in (N_("rank"), "customer_id", N_("class"), N_("reasons")):
        top.add_column(_(header), justify="right" if header == "rank" else "left", overflow="fold")
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
    lang: LangOption = None,
) -> None:
    """A customer's class in every saved run, with the reasons; or, with --as-of, the class on that date."""
    ctx = service_context()
    if as_of is not None:
        if policy is None:
            raise UsageError(Message("--as-of needs --policy NAME"))
        entry = class_as_of(ctx, customer, policy, as_of.date())
        if entry is None:
            console.print(
                _(
                    "%(customer)s: no saved %(policy)s run on or before %(day)s holds this customer",
                    customer=customer,
                    policy=policy,
                    day=str(as_of.date()),
                )
            )
            raise typer.Exit(1)
        history = [entry]
    else:
        history = customer_history(ctx, customer, policy=policy)
    grid = Table(title=_("%(customer)s: saved classes", customer=customer), title_justify="left")
    for header in (N_("run"), N_("policy"), N_("as of"), N_("class"), N_("computed"), N_("reasons")):
        grid.add_column(_(header), overflow="fold", no_wrap=header != "reasons")
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
    lang: LangOption = None,
    rows: Rows = 20,
) -> None:
    """Who moved between two saved runs of one policy: the migration matrix and the movers with both reasons."""
    diff = diff_runs(service_context(), before, after, lang=language())
    classes = sorted({c.from_class for c in diff.matrix} | {c.to_class for c in diff.matrix})
    counts = {(c.from_class, c.to_class): c.customers for c in diff.matrix}
    grid = Table(
        title=_(
            "%(policy)s: run %(before)s (%(from_day)s) → run %(after)s (%(to_day)s)",
            policy=diff.after.policy,
            before=before,
            from_day=str(diff.before.as_of),
            after=after,
            to_day=str(diff.after.as_of),
        ),
        title_justify="left",
    )
    grid.add_column(_("from \\ to"))
    for c in classes:
        grid.add_column(c, justify="right")
    for f in classes:
        grid.add_row(f, *(f"{counts.get((f, t), 0):,}" if counts.get((f, t)) else "·" for t in classes))
    console.print(grid)
    directions = diff.movers.column("direction").to_pylist()
    console.print(
        _(
            "%(customers)s customers moved: %(up)s up, %(down)s down, %(new)s new, %(gone)s gone",
            customers=formats().number(diff.movers.num_rows),
            **{d: directions.count(d) for d in ("up", "down", "new", "gone")},
        )
    )
    movers = Table(title=_("movers"), title_justify="left")
    for header in ("customer_id", N_("from"), N_("to"), N_("why then"), N_("why now")):
        movers.add_column(_(header), overflow="fold")
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
    lang: LangOption = None,
) -> None:
    """The up-or-out list: customers downgraded since the previous run, and (with --data) those at risk."""
    review = up_or_out(
        service_context(), run_id=run, policy=policy, data=open_source(data) if data else None, p_alive_below=below
    )
    r = review.run
    since = (
        _("since run %(id)s (%(as_of)s)", id=review.previous.id, as_of=str(review.previous.as_of))
        if review.previous
        else _("(the policy's first run)")
    )
    grid = Table(
        title=_(
            "up or out: run %(id)s %(policy)s as of %(as_of)s %(since)s",
            id=r.id,
            policy=r.policy,
            as_of=str(r.as_of),
            since=since,
        ),
        title_justify="left",
    )
    for header in ("customer_id", "why", "was", "is", "P(alive)", "reasons"):
        grid.add_column(_(header), overflow="fold", justify="right" if header == "P(alive)" else "left")
    f = formats()
    whys = {"downgraded": N_("downgraded"), "at_risk": N_("at risk")}
    for e in review.entries:
        grid.add_row(
            e.customer_id,
            _(whys[e.why]),
            e.previous_label or "",
            e.label or e.class_,
            "" if e.p_alive is None else f.percent(e.p_alive),
            "\n".join(e.reasons),
        )
    console.print(grid)
    console.print(_("%(customers)s customers to review", customers=f.number(len(review.entries))))
