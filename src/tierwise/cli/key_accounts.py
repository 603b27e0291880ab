"""Key-account commands, for scripting: ``key-account nominate|from-run|evaluate|approve|reject|assign|review|
list|review-list``. Each calls one service on the store (``--db`` or ``TIERWISE_DATABASE_URL``) as ``--as``
(default: system); the service checks the user's role and team and writes the audit row."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from tierwise.accounts.lifecycle import STATUS_NAMES, Status
from tierwise.cli.application import LangOption, app, console, say, service_context
from tierwise.cli.records import AsOption, DbOption, JsonOption, echo_json
from tierwise.errors import UsageError
from tierwise.i18n import N_, Message
from tierwise.services.store_access import on_store

ka_app = typer.Typer(name="key-account", help="Key accounts (大客户): nomination to review.", no_args_is_help=True)
app.add_typer(ka_app)

CustomerArg = Annotated[str, typer.Argument(help="The customer's id.")]
CommentOption = Annotated[str | None, typer.Option("--comment", help="Why (required for decisions and reviews).")]
NOW_STATUS = N_("key account %(id)s: %(status)s")


def _done(view, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    if as_json:
        echo_json(view)
        return
    status = say(Message(STATUS_NAMES[view.status]))
    console.print(say(Message(NOW_STATUS, {"id": view.customer_id, "status": status})), highlight=False)


@ka_app.command("nominate")
def nominate_command(
    customer: CustomerArg,
    reason: Annotated[list[str], typer.Option("--reason", help="Why it should be a key account (repeatable).")],
    db: DbOption = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Nominate a customer by hand, with the reasons."""
    from tierwise.services.key_accounts import nominate

    with on_store(service_context(), db, actor=actor) as ctx:
        _done(nominate(ctx, customer, reason), as_json)


@ka_app.command("from-run")
def from_run_command(
    run: Annotated[int, typer.Argument(help="A saved run of a key-account policy (tierwise runs list).")],
    db: DbOption = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Nominate the key class of a saved run; approved accounts it no longer qualifies go on the review list."""
    from tierwise.services.key_account_runs import nominate_from_run

    with on_store(service_context(), db, actor=actor) as ctx:
        done = nominate_from_run(ctx, run)
    if as_json:
        echo_json(done)
        return
    for text, ids in (
        (N_("nominated: %(ids)s"), done.nominated),
        (N_("already key-account records: %(ids)s"), done.already),
        (N_("rejected or withdrawn, not reopened: %(ids)s"), done.not_reopened),
        (N_("on the review list: %(ids)s"), done.to_review),
        (N_("not in the customers table: %(ids)s"), done.unknown),
    ):
        console.print(say(Message(text, {"ids": ", ".join(ids) or "–"})), highlight=False)


@ka_app.command("evaluate")
def evaluate_command(
    customers: Annotated[list[str], typer.Argument(help="The customers' ids.")],
    db: DbOption = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Put nominated accounts under evaluation, gathering their evidence from the store."""
    from tierwise.services.key_accounts import evaluate

    with on_store(service_context(), db, actor=actor) as ctx:
        views = evaluate(ctx, customers)
    if as_json:
        echo_json(views)
        return
    for view in views:
        _done(view, False)


def _decide(
    customer: str, approve: bool, comment: str | None, db: str | None, actor: str | None, as_json: bool
) -> None:
    from tierwise.services.key_accounts import decide

    with on_store(service_context(), db, actor=actor) as ctx:
        _done(decide(ctx, customer, approve=approve, comment=comment), as_json)


@ka_app.command("approve")
def approve_command(
    customer: CustomerArg,
    comment: CommentOption = None,
    db: DbOption = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Approve an account under evaluation (a manager of its team)."""
    _decide(customer, True, comment, db, actor, as_json)


@ka_app.command("reject")
def reject_command(
    customer: CustomerArg,
    comment: CommentOption = None,
    db: DbOption = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Reject an account under evaluation (a manager of its team)."""
    _decide(customer, False, comment, db, actor, as_json)


@ka_app.command("assign")
def assign_command(
    customer: CustomerArg,
    owner: Annotated[str, typer.Option("--owner", help="The account's owner (a user).")],
    team: Annotated[str, typer.Option("--team", help="The team serving it.")],
    member: Annotated[list[str] | None, typer.Option("--member", help="USER=ROLE on our side (repeatable).")] = None,
    every: Annotated[int, typer.Option("--every", help="Days between reviews (default a quarter).")] = 91,
    db: DbOption = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Give an approved account its owner, team, people and review interval."""
    from tierwise.services.key_accounts import assign

    members = {}
    for item in member or []:
        user, sep, role = item.partition("=")
        if not sep or not user.strip() or not role.strip():
            raise UsageError(Message(N_("--member %(value)s: write USER=ROLE"), {"value": item}))
        members[user.strip()] = role.strip()
    with on_store(service_context(), db, actor=actor) as ctx:
        _done(assign(ctx, customer, owner=owner, team=team, members=members, review_every_days=every), as_json)


@ka_app.command("review")
def review_command(
    customer: CustomerArg,
    comment: CommentOption = None,
    withdraw: Annotated[bool, typer.Option("--withdraw", help="End the key-account status.")] = False,
    db: DbOption = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Review an approved account: keep it (next review date moves on) or withdraw it."""
    from tierwise.services.key_accounts import review

    with on_store(service_context(), db, actor=actor) as ctx:
        _done(review(ctx, customer, comment=comment, keep=not withdraw), as_json)


def _table(views, title: str) -> None:  # type: ignore[no-untyped-def]
    grid = Table(title=say(Message(title)), title_justify="left")
    for header in (N_("Customer"), N_("Status"), N_("Owner"), N_("Team"), N_("Next review"), N_("Why")):
        grid.add_column(say(Message(header)))
    for v in views:
        why = "; ".join(v.review_reasons or v.nomination_reasons)
        review = v.next_review_date.isoformat() if v.next_review_date else "–"
        grid.add_row(
            f"{v.customer_name} ({v.customer_id})", say(Message(STATUS_NAMES[v.status])), v.owner or "–",
            v.team or "–", review, why,
        )  # fmt: skip
    console.print(grid)


@ka_app.command("list")
def list_command(
    status: Annotated[Status | None, typer.Option("--status", help="One queue only.")] = None,
    team: Annotated[str | None, typer.Option("--team", help="One team only.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Key-account records, by customer (a queue with --status)."""
    from tierwise.services.key_accounts import key_accounts

    with on_store(service_context(), db) as ctx:
        views = key_accounts(ctx, status=status, team=team)
    if as_json:
        echo_json(views)
    else:
        _table(views, N_("Key accounts"))


@ka_app.command("review-list")
def review_list_command(
    team: Annotated[str | None, typer.Option("--team", help="One team only.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Approved accounts waiting for review: dropped by a run, or past their review date."""
    from tierwise.services.key_accounts import review_list

    with on_store(service_context(), db) as ctx:
        views = review_list(ctx, team=team)
    if as_json:
        echo_json(views)
    else:
        _table(views, N_("Key accounts to review"))
