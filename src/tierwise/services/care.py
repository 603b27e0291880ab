"""The care calendar on the store, per account manager: contact birthdays, customer anniversaries and the
Chinese holidays in a window (the contact plan shows the month's as its due list).

Birthdays are those of every contact of a manager's customers; anniversaries those of every customer with
its ``created_at`` date (one year or more); the holidays are for the approved key accounts. The manager is
the key account's owner when it has one, else the customer's. Each kind is one SQL query: the window's
days are a small table of (month, day, date) joined to the store's dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, cast, extract, func, literal, select, union_all
from sqlalchemy.orm import Session

from tierwise.accounts.care import CareKind, calendar_days, holidays_between
from tierwise.accounts.lifecycle import KEPT
from tierwise.errors import UsageError
from tierwise.i18n import N_, Message
from tierwise.services.access import require_action, restricted, visible_clause
from tierwise.services.context import ServiceContext
from tierwise.store.account_models import KeyAccount
from tierwise.store.models import Contact, Customer

LONGEST = 366
TOO_LONG = N_("a care calendar covers at most %(days)s days, not %(from)s to %(to)s")


@dataclass(frozen=True)
class CareDate:
    """One greeting due: on which date, why, for which customer (and contact), by which manager."""

    date: dt.date
    kind: CareKind
    customer_id: str
    customer_name: str
    owner: str | None
    contact: str | None  # the contact whose birthday it is
    years: int | None  # years as a customer, on an anniversary


def care_calendar(ctx: ServiceContext, start: dt.date, end: dt.date, *, owner: str | None = None) -> list[CareDate]:
    """Every greeting due from ``start`` to ``end`` inclusive (``owner``: one manager's), by date."""
    require_action(ctx, "plan.read")
    seen = visible_clause(ctx) if restricted(ctx) is not None else None
    with ctx.store() as session:
        return care_dates(session, start, end, owner, seen=seen)


def care_dates(
    session: Session, start: dt.date, end: dt.date, owner: str | None = None, *, seen: Any = None
) -> list[CareDate]:
    """:func:`care_calendar` in an open session (the contact plan's); ``seen``: a condition on the customers
    the acting person may see (:func:`tierwise.services.access.visible_clause`)."""
    if (end - start).days + 1 > LONGEST or end < start:
        params = {"days": LONGEST, "from": start.isoformat(), "to": end.isoformat()}
        raise UsageError(Message(TOO_LONG, params))
    days = _days_table(start, end)
    manager = func.coalesce(KeyAccount.owner, Customer.owner)
    base = select(Customer.customer_id, Customer.name, manager.label("owner")).join(
        KeyAccount, KeyAccount.customer_id == Customer.customer_id, isouter=True
    )
    if owner is not None:
        base = base.where(manager == owner)
    if seen is not None:
        base = base.where(seen)
    out: list[CareDate] = []
    births = base.add_columns(Contact.name.label("contact"), days.c.on).join(
        Contact, Contact.customer_id == Customer.customer_id
    ).join(days, _same_day(Contact.birthday, days))  # fmt: skip
    for r in session.execute(births):
        out.append(CareDate(_date(r.on), CareKind.BIRTHDAY, r.customer_id, r.name, r.owner, r.contact, None))
    since = base.add_columns(Customer.created_at, days.c.on).join(days, _same_day(Customer.created_at, days))
    for r in session.execute(since):
        on = _date(r.on)
        if on.year > r.created_at.year:
            years = on.year - r.created_at.year
            out.append(CareDate(on, CareKind.ANNIVERSARY, r.customer_id, r.name, r.owner, None, years))
    holidays = holidays_between(start, end)
    if holidays:
        for r in session.execute(base.where(KeyAccount.status.in_(list(KEPT)))):
            out.extend(CareDate(on, kind, r.customer_id, r.name, r.owner, None, None) for kind, on in holidays)
    order = list(CareKind)
    return sorted(out, key=lambda c: (c.date, order.index(c.kind), c.customer_id, c.contact or ""))


def _days_table(start: dt.date, end: dt.date) -> Any:
    rows = [
        select(
            literal(m, Integer).label("m"),
            literal(d, Integer).label("d"),
            literal(on.isoformat()).label("on"),
        )
        for m, d, on in calendar_days(start, end)
    ]
    return union_all(*rows).subquery("care_days")


def _same_day(column: Any, days: Any) -> Any:
    return (cast(extract("month", column), Integer) == days.c.m) & (cast(extract("day", column), Integer) == days.c.d)


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
