"""The customer archive's commands, for scripting: ``card show``, ``visit add``, ``complaint add|status``,
``survey add`` and ``surveys summary``. Each calls one service on the store (``--db`` or
``TIERWISE_DATABASE_URL``); changes are recorded as ``--as`` (default: system)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import typer
from rich.table import Table

from tierwise.cli.application import LangOption, app, console, language, say, service_context
from tierwise.cli.records import AsOption, DbOption, JsonOption, OwnerOption, date_option, day, echo_json
from tierwise.i18n import N_, Formats, Message, gettext_for
from tierwise.services.store_access import on_store

card_app = typer.Typer(name="card", help="Customer cards: the profile card (档案卡).", no_args_is_help=True)
visit_app = typer.Typer(name="visit", help="Visit cards (访问履历卡).", no_args_is_help=True)
complaint_app = typer.Typer(name="complaint", help="Complaint cards (抱怨管理卡).", no_args_is_help=True)
survey_app = typer.Typer(name="survey", help="Satisfaction survey answers.", no_args_is_help=True)
surveys_app = typer.Typer(name="surveys", help="Survey results.", no_args_is_help=True)
for sub in (card_app, visit_app, complaint_app, survey_app, surveys_app):
    app.add_typer(sub)

CustomerArg = Annotated[str, typer.Argument(help="The customer's id.")]
DateOption = Annotated[dt.datetime | None, date_option("The date, YYYY-MM-DD (default: today).")]
NONE = "–"


@card_app.command("show")
def card_show(
    customer: CustomerArg,
    db: DbOption = None,
    no_value: Annotated[bool, typer.Option("--no-value", help="Skip CLV and P(alive) (no model fit).")] = False,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """The profile card: record, contacts, latest class per policy with reasons, CLV, P(alive), credit, cards."""
    from tierwise.services.cards import profile_card

    with on_store(service_context(), db) as ctx:
        card = profile_card(ctx, customer, with_value=not no_value)
    if as_json:
        echo_json(card)
        return
    lang_ = language()
    _, fmt = gettext_for(lang_), Formats(lang_)
    r = card.record
    console.print(f"[bold]{r.name}[/] ({r.customer_id})", highlight=False)
    console.print(
        _("owner %(owner)s, team %(team)s, region %(region)s, industry %(industry)s",
          owner=r.owner or NONE, team=r.team or NONE, region=r.region or NONE, industry=r.industry or NONE),
        highlight=False,
    )  # fmt: skip
    people = Table(title=_("Contacts"), title_justify="left")
    for header in (_("Name"), _("Title"), _("Role in the purchase"), _("Attitude")):
        people.add_column(header)
    for p in card.contacts:
        people.add_row(p.name, p.title or NONE, p.purchase_role or NONE, p.attitude or NONE)
    console.print(people)
    classes = Table(title=_("Class per policy (latest saved run)"), title_justify="left")
    for header in (_("Policy"), _("Class"), _("As of"), _("Reasons")):
        classes.add_column(header)
    for c in card.classes:
        classes.add_row(c.policy, c.label or c.code, fmt.date(c.as_of), "; ".join(c.reasons))
    console.print(classes)
    if card.value is not None:
        v = card.value
        console.print(
            _("value models as of %(date)s: CLV (12 months) %(clv)s, P(alive) %(p)s, expected purchases %(n)s",
              date=fmt.date(v.as_of), clv=fmt.money(v.clv_12m), p=fmt.number(v.p_alive, 2),
              n=fmt.number(v.expected_purchases_12m, 1)),
            highlight=False,
        )  # fmt: skip
    if card.credit is not None:
        cr = card.credit
        console.print(
            _("credit as of %(date)s: paid in %(days)s days, overdue %(overdue)s (up to %(late)s days), open %(open)s",
              date=fmt.date(cr.as_of), days=fmt.number(cr.collection_days, 1), overdue=fmt.money(cr.overdue_amount),
              late=cr.max_days_overdue, open=fmt.money(cr.open_receivables)),
            highlight=False,
        )  # fmt: skip
    visits = Table(title=_("Latest visits"), title_justify="left")
    for header in (
        _("Date"),
        _("People met"),
        _("Channel"),
        _("Content"),
        _("Progress"),
        _("Next step"),
        _("Next visit"),
    ):
        visits.add_column(header)
    for v in card.visits:
        visits.add_row(
            fmt.date(v.date), v.contact_person or NONE, v.channel or NONE, v.content or NONE,
            v.progress or NONE, v.next_step or NONE, fmt.date(v.next_visit_date),
        )  # fmt: skip
    console.print(visits)
    complaints = Table(title=_("Complaints"), title_justify="left")
    for header in (_("Complaint"), _("Date"), _("Category"), _("Status"), _("Resolved")):
        complaints.add_column(header)
    for c in card.complaints:
        complaints.add_row(
            c.complaint_id, fmt.date(c.date), c.category or NONE, c.status.value, fmt.date(c.resolved_date)
        )
    console.print(complaints)


@visit_app.command("add")
def visit_add(
    customer: CustomerArg,
    date: DateOption = None,
    contact: Annotated[str | None, typer.Option("--contact", help="The people met.")] = None,
    channel: Annotated[str | None, typer.Option("--channel", help="visit, phone, video, …")] = None,
    content: Annotated[str | None, typer.Option("--content", help="What was discussed.")] = None,
    progress: Annotated[str | None, typer.Option("--progress", help="The progress made.")] = None,
    next_step: Annotated[str | None, typer.Option("--next-step", help="The next step.")] = None,
    next_date: Annotated[dt.datetime | None, date_option("The next visit date, YYYY-MM-DD.")] = None,
    db: DbOption = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Record a visit card."""
    from tierwise.services.visits import add_visit

    with on_store(service_context(), db, actor=actor) as ctx:
        card = add_visit(
            ctx, customer, day(date, ctx.now().date()), contact_person=contact, channel=channel, content=content,
            progress=progress, next_step=next_step, next_visit_date=day(next_date),
        )  # fmt: skip
    if as_json:
        echo_json(card)
        return
    params = {"id": card.id, "customer": customer, "date": card.date.isoformat()}
    console.print(
        say(Message(N_("visit %(id)s of customer %(customer)s on %(date)s recorded"), params)), highlight=False
    )


@complaint_app.command("add")
def complaint_add(
    customer: CustomerArg,
    description: Annotated[str, typer.Option("--description", help="What the customer complains about.")],
    date: DateOption = None,
    category: Annotated[str | None, typer.Option("--category", help="quality, delivery, service, billing, …")] = None,
    cause: Annotated[str | None, typer.Option("--cause", help="The cause, when known.")] = None,
    db: DbOption = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Record a complaint card (it starts open)."""
    from tierwise.services.complaints import add_complaint

    with on_store(service_context(), db, actor=actor) as ctx:
        card = add_complaint(
            ctx, customer, day(date, ctx.now().date()), description=description, category=category, cause=cause
        )
    if as_json:
        echo_json(card)
        return
    params = {"id": card.complaint_id, "customer": customer}
    console.print(
        say(Message(N_("complaint %(id)s of customer %(customer)s recorded (open)"), params)), highlight=False
    )


@complaint_app.command("status")
def complaint_status(
    complaint: Annotated[str, typer.Argument(help="The complaint's id (K12, or the id the data gave).")],
    status: Annotated[str, typer.Argument(help="open, in_progress, resolved or closed (open again: reopen).")],
    resolution: Annotated[str | None, typer.Option("--resolution", help="How it was resolved.")] = None,
    cause: Annotated[str | None, typer.Option("--cause", help="The cause found.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note kept with the change.")] = None,
    db: DbOption = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Move a complaint to another status: open → in_progress → resolved → closed, or reopen it."""
    from tierwise.services.complaints import change_status

    with on_store(service_context(), db, actor=actor) as ctx:
        card = change_status(ctx, complaint, status, resolution=resolution, cause=cause, note=note)
    if as_json:
        echo_json(card)
        return
    params = {"id": card.complaint_id, "status": card.status.value}
    console.print(say(Message(N_("complaint %(id)s is now %(status)s"), params)), highlight=False)


@survey_app.command("add")
def survey_add(
    customer: CustomerArg,
    date: DateOption = None,
    csat: Annotated[int | None, typer.Option("--csat", help="Satisfaction 1–5.")] = None,
    nps: Annotated[int | None, typer.Option("--nps", help="How likely to recommend us, 0–10.")] = None,
    comment: Annotated[str | None, typer.Option("--comment", help="The customer's words.")] = None,
    db: DbOption = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Record a survey answer."""
    from tierwise.services.surveys import add_survey

    with on_store(service_context(), db, actor=actor) as ctx:
        record = add_survey(ctx, customer, day(date, ctx.now().date()), csat=csat, nps=nps, comment=comment)
    if as_json:
        echo_json(record)
        return
    params = {"customer": customer, "date": record.date.isoformat()}
    console.print(say(Message(N_("survey of customer %(customer)s on %(date)s recorded"), params)), highlight=False)


@surveys_app.command("summary")
def surveys_summary(
    by: Annotated[
        Literal["owner", "class"], typer.Option("--by", help="Group by account manager or by class.")
    ] = "owner",
    policy: Annotated[
        str | None, typer.Option("--policy", help="The policy whose classes group (with --by class).")
    ] = None,
    owner: OwnerOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Average CSAT, NPS and their change by quarter, per account manager or per class."""
    from tierwise.services.surveys import survey_summary

    with on_store(service_context(), db) as ctx:
        summary = survey_summary(ctx, by, policy=policy, owner=owner)
    if as_json:
        echo_json(summary)
        return
    _, fmt = gettext_for(language()), Formats(language())
    grid = Table(title=_("Surveys by quarter"), title_justify="left")
    first = _("Account manager") if by == "owner" else _("Class of %(policy)s", policy=policy)
    for header in (first, _("Quarter"), _("Answers"), _("Average CSAT"), _("NPS"), _("CSAT change"), _("NPS change")):
        grid.add_column(header, justify="left" if header in (first,) else "right")
    for q in summary.quarters:
        grid.add_row(
            q.group or NONE, q.quarter, str(q.answers), fmt.number(q.avg_csat, 2), fmt.number(q.nps, 1),
            _signed(fmt, q.csat_change, 2), _signed(fmt, q.nps_change, 1),
        )  # fmt: skip
    console.print(grid)


def _signed(fmt: Formats, value: float | None, digits: int) -> str:
    if value is None:
        return NONE
    return ("+" if value > 0 else "") + fmt.number(value, digits)
