"""``tierwise plan --month 2026-03 [--owner NAME]`` and ``tierwise alerts [--owner NAME]``, on the store."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from tierwise.accounts.care import CARE_NAMES
from tierwise.archive.alerts import KIND_NAMES, AlertKind
from tierwise.archive.contact import STATUS_NAMES, ContactStatus
from tierwise.archive.months import Month
from tierwise.cli.application import LangOption, app, console, language, service_context
from tierwise.cli.records import DbOption, JsonOption, OwnerOption, echo_json
from tierwise.i18n import Formats, gettext_for, translate
from tierwise.services.store_access import on_store

NONE = "–"


@app.command()
def plan(
    month: Annotated[str, typer.Option("--month", help="The month, YYYY-MM.")],
    owner: OwnerOption = None,
    policy: Annotated[
        list[str] | None, typer.Option("--policy", help="Follow only this policy's cadence (repeatable).")
    ] = None,
    new_accounts: Annotated[
        int | None, typer.Option("--new-accounts", help="New accounts to develop this month (default: recommended).")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """The contact plan: per account manager, who is due, overdue (by how many days) or on track this month,
    and the month's time allocation scaled to the manager's prospect grades."""
    from tierwise.services.plan import contact_plan

    chosen = Month.parse(month)
    with on_store(service_context(), db) as ctx:
        result = contact_plan(ctx, chosen, owner=owner, policies=policy or None, new_accounts=new_accounts)
    if as_json:
        echo_json(result)
        return
    lang_ = language()
    _, fmt = gettext_for(lang_), Formats(lang_)
    console.print(
        _("Contact plan of %(month)s seen from %(day)s: %(days)s working days (Mon–Fri, holidays not counted)",
          month=str(chosen), day=fmt.date(result.reference), days=result.working_days),
        highlight=False,
    )  # fmt: skip
    if not result.policies:
        console.print(_("No saved run has classes with a cadence: save a run first (tierwise classify --save)."))
    for manager in result.managers:
        who = manager.owner or _("(no account manager)")
        grid = Table(
            title=_("%(owner)s: %(overdue)s overdue, %(due)s due, %(on_track)s on track; %(visits)s contacts needed",
                    owner=who, overdue=manager.count(ContactStatus.OVERDUE), due=manager.count(ContactStatus.DUE),
                    on_track=manager.count(ContactStatus.ON_TRACK), visits=manager.visits_needed),
            title_justify="left",
        )  # fmt: skip
        for header in (
            _("Customer"),
            _("Class"),
            _("Cadence"),
            _("Last contact"),
            _("Due"),
            _("Status"),
            _("Days overdue"),
        ):
            grid.add_column(header, justify="right" if header == _("Days overdue") else "left")
        for e in manager.entries:
            grid.add_row(
                f"{e.name or e.customer_id} ({e.customer_id})", f"{e.policy}: {e.class_label[lang_]}",
                e.cadence[lang_], fmt.date(e.last_contact), fmt.date(e.due_date), _(STATUS_NAMES[e.status]),
                str(e.days_overdue) if e.days_overdue else NONE,
            )  # fmt: skip
        console.print(grid)
        allocation = Table(
            title=_("Time this month (%(policy)s)", policy=result.allocation_policy), title_justify="left"
        )
        for header in (_("Group"), _("Accounts"), _("Recommended"), _("Days")):
            allocation.add_column(header, justify="left" if header == _("Group") else "right")
        for line in manager.allocation.lines:
            recommended = _("%(accounts)s accounts, %(days)s days", accounts=line.recommended_accounts,
                            days=fmt.number(line.recommended_days, 1))  # fmt: skip
            held = str(line.accounts) if line.counted else _("%(n)s (recommended)", n=line.accounts)
            allocation.add_row(line.label[lang_], held, recommended, fmt.number(line.days, 1))
        allocation.add_row(_("Total"), "", "", fmt.number(manager.allocation.total_days, 1))
        console.print(allocation)
        if result.allocation_as_of is None:
            console.print(
                _("No saved run of %(policy)s: the recommendation is shown unscaled.", policy=result.allocation_policy)
            )
        if manager.care:
            care = Table(title=_("Care this month"), title_justify="left")
            for header in (_("Date"), _("Occasion"), _("Customer"), _("Contact")):
                care.add_column(header)
            for c in manager.care:
                occasion = _(CARE_NAMES[c.kind])
                if c.years:
                    occasion = _("%(occasion)s (%(years)s years)", occasion=occasion, years=c.years)
                care.add_row(fmt.date(c.date), occasion, f"{c.customer_name} ({c.customer_id})", c.contact or NONE)
            console.print(care)
        if manager.allocation.exceeds:
            console.print(
                "[bold yellow]"
                + _("Warning: the plan needs %(needed)s days; %(month)s has %(days)s working days (%(short)s short).",
                    needed=fmt.number(manager.allocation.total_days, 1), month=str(chosen),
                    days=manager.allocation.working_days, short=fmt.number(manager.allocation.shortfall, 1))
                + "[/]",
                highlight=False,
            )  # fmt: skip


@app.command()
def alerts(
    owner: OwnerOption = None,
    kind: Annotated[
        list[AlertKind] | None, typer.Option("--kind", help="Only alerts of this kind (repeatable).")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Today's alerts: each names the customer, the fact and its date, and how to clear it."""
    from tierwise.services.alerts import alerts as find_alerts

    with on_store(service_context(), db) as ctx:
        found = find_alerts(ctx, owner=owner, kinds=kind or None)
    lang_ = language()
    if as_json:
        echo_json(
            [
                {
                    "kind": a.kind.value,
                    "customer_id": a.customer_id,
                    "customer": a.customer_name,
                    "owner": a.owner,
                    "date": a.date.isoformat(),
                    "fact": translate(a.fact(), lang_),
                    "clear": translate(a.clear(), lang_),
                }
                for a in found
            ]
        )
        return
    _ = gettext_for(lang_)
    if not found:
        console.print(_("No alerts."))
        return
    grid = Table(title=_("%(n)s alert(s)", n=len(found)), title_justify="left", show_lines=True)
    for header in (_("Alert"), _("Customer"), _("Account manager"), _("Fact"), _("To clear it")):
        grid.add_column(header)
    for a in found:
        grid.add_row(
            _(KIND_NAMES[a.kind]), f"{a.customer_name} ({a.customer_id})", a.owner or NONE,
            translate(a.fact(), lang_), translate(a.clear(), lang_),
        )  # fmt: skip
    console.print(grid)
