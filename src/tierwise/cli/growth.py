"""Churn and prospects, for scripting: ``churn DATA`` (lost customers per quarter, lost against retained,
the win-back list) and ``prospects`` (qualification and look-alike scores on the store)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import typer
from rich.table import Table

from tierwise.cli.application import LangOption, app, console, say, service_context
from tierwise.cli.records import DbOption, JsonOption, OwnerOption, ViewerOption, date_option, day, echo_json
from tierwise.i18n import N_, Message
from tierwise.services.store_access import on_store


@app.command("churn")
def churn_command(
    data: Annotated[str, typer.Argument(help="A data folder or the store's database URL.")],
    as_of: Annotated[dt.datetime | None, date_option("The as-of date, YYYY-MM-DD (default: today).")] = None,
    multiple: Annotated[float, typer.Option("--multiple", min=1.0, help="Lost after N × the usual gap.")] = 3.0,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Lost customers per quarter, compared with the retained, and the win-back list."""
    from tierwise.services.churn import churn_analysis
    from tierwise.services.sources import is_database_url

    if is_database_url(data):
        with on_store(service_context(), data) as ctx:  # the store's class history and P(alive) too
            found = churn_analysis(ctx, data, as_of=day(as_of), gap_multiple=multiple)
    else:
        found = churn_analysis(service_context(), data, as_of=day(as_of), gap_multiple=multiple)
    if as_json:
        echo_json(found)
        return
    grid = Table(title=say(Message(N_("Win-back list as of %(date)s"), {"date": found.as_of.isoformat()})))
    for header in (N_("Customer"), N_("Last purchase"), N_("Lost on"), N_("Sales in its last year"), N_("Why")):
        grid.add_column(say(Message(header)))
    for w in found.win_back:
        grid.add_row(w.customer_id, w.last_purchase.isoformat(), w.lost_on.isoformat(),
                     f"{w.sales_12m_before:,.2f}", "; ".join(say(r) for r in w.reasons))  # fmt: skip
    console.print(grid)


@app.command("prospects")
def prospects_command(
    by: Annotated[Literal["score", "lookalike"], typer.Option("--by", help="score or lookalike.")] = "score",
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many prospects.")] = 50,
    grade: Annotated[str | None, typer.Option("--grade", help="Prospects of this grade only (A, B, C).")] = None,
    owner: OwnerOption = None,
    db: DbOption = None,
    viewer: ViewerOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Prospects scored against the qualified-customer profile, with their look-alike score; those marked
    "to develop" make the contact plan's new-account-development time."""
    from tierwise.services.prospects import qualify_prospects

    with on_store(service_context(), db, actor=viewer) as ctx:
        found = qualify_prospects(ctx, by=by, limit=limit, grade=grade, owner=owner)
    if as_json:
        echo_json(found)
        return
    grid = Table(title=say(Message(N_("Prospect qualification"))))
    for header in (N_("Customer"), N_("Account manager"), N_("Score"), N_("Grade"), N_("Look-alike"), N_("Why")):
        grid.add_column(say(Message(header)))
    for p in found:
        alike = "–" if p.lookalike is None else f"{p.lookalike:.2f}"
        if p.lookalike is not None and p.nearest_key_account:
            alike += f" ({p.nearest_key_account})"
        who = f"{p.name} ({p.customer_id})" + (f"\n{say(Message(N_('to develop')))}" if p.develop else "")
        grid.add_row(who, p.owner or "–", f"{p.score:g}", p.grade or "–", alike, "; ".join(say(r) for r in p.reasons))
    console.print(grid)
