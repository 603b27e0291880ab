"""The contact plan (``tierwise plan --month 2026-03``): per account manager, who is due, overdue, on track.

Each customer's class comes from the latest saved run of every policy whose classes have a cadence
(``cadence.every_days``); the visit cards give its last contact (the latest visit on or before the plan's
reference day) and the next visit promised on them: a customer is due at its last contact plus the cadence, or
on the promised next visit date when that comes earlier (and after the last contact). The rule of
:mod:`tierwise.archive.contact` is applied in one SQL query on the store, set-based: a customer classed by
several policies follows the one that makes it due first (the tightest cadence). Per manager the plan adds the
month's time allocation of the prospect-grade policy (seed 003) scaled to the manager's real A/B/C counts in
that policy's latest saved run (:mod:`tierwise.archive.allocation`) and its new-account development to the
manager's qualified prospects (:func:`tierwise.services.prospects.development_counts`: graded A or B by the
qualified-customer profile, with no purchase and no open opportunity yet), against the month's
Monday-to-Friday working days, and the month's care calendar (:mod:`tierwise.services.care`): the birthdays,
anniversaries and holidays to greet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import and_, case, func, literal, null, select

from tierwise.analytics.classify.policy import Text, load_policy
from tierwise.archive.allocation import MonthAllocation, scale_allocation
from tierwise.archive.contact import ContactStatus, PlanWindow
from tierwise.archive.months import Month
from tierwise.services.access import require_action, restricted, visible_clause
from tierwise.services.care import CareDate, care_dates
from tierwise.services.context import ServiceContext
from tierwise.services.day_numbers import date_of, day_number, day_of
from tierwise.services.prospects import DEVELOPMENT_PROFILE, development_counts
from tierwise.services.saved_classes import SavedRun, latest_runs
from tierwise.store.models import Customer, Visit
from tierwise.store.run_models import Assignment

ALLOCATION_POLICY = "prospect-grade"
NEW_ACCOUNTS = "new"  # the allocation group of new-account development
_STATUS_ORDER = {ContactStatus.OVERDUE: 0, ContactStatus.DUE: 1, ContactStatus.ON_TRACK: 2}


class PlanEntry(NamedTuple):
    """One customer in a manager's plan (a named tuple: the whole company's plan makes one per customer)."""

    customer_id: str
    name: str | None
    policy: str
    class_code: str
    class_label: Text
    every_days: int
    cadence: Text
    last_contact: dt.date | None
    due_date: dt.date
    status: ContactStatus
    days_overdue: int
    visits_needed: int


@dataclass(frozen=True)
class ManagerPlan:
    """One account manager's month: the customers by status and the time allocation."""

    owner: str | None
    entries: tuple[PlanEntry, ...]  # overdue (most days first), then due, then on track
    allocation: MonthAllocation
    care: tuple[CareDate, ...] = ()  # the month's greetings due: birthdays, anniversaries, holidays

    def count(self, status: ContactStatus) -> int:
        """How many customers have ``status``."""
        return sum(1 for e in self.entries if e.status is status)

    @property
    def visits_needed(self) -> int:
        """Contacts the cadences ask for in the rest of the month."""
        return sum(e.visits_needed for e in self.entries)


@dataclass(frozen=True)
class ContactPlan:
    """The plan of one month."""

    month: Month
    reference: dt.date  # today moved into the month: overdue counts from here
    working_days: int
    policies: tuple[str, ...]  # the policies whose cadences the plan follows
    allocation_policy: str
    allocation_as_of: dt.date | None  # its saved run's as-of date; None: the recommendation unscaled
    managers: tuple[ManagerPlan, ...]
    development_profile: str = DEVELOPMENT_PROFILE  # the profile that counts the prospects to develop


def contact_plan(
    ctx: ServiceContext,
    month: Month,
    *,
    owner: str | None = None,
    policies: Sequence[str] | None = None,
    new_accounts: int | None = None,
) -> ContactPlan:
    """The contact plan of ``month`` (``owner``: one manager; ``policies``: only these cadences).

    ``new_accounts``: how many new accounts the manager develops this month (default: their qualified
    prospects to develop).
    """
    require_action(ctx, "plan.read")
    window = PlanWindow.for_month(month, ctx.now().date())
    seen = visible_clause(ctx) if restricted(ctx) is not None else None  # only the customers one sees
    with ctx.store() as session:
        runs = {name: found[0] for name, found in latest_runs(session, policies).items()}
        with_cadence = {n: r for n, r in runs.items() if any(c.cadence for c in r.policy.classes)}
        query = _plan_query(with_cadence, window, owner, seen) if with_cadence else None
        rows = session.connection().execute(query).all() if query is not None else []
        allocation_run = latest_runs(session, [ALLOCATION_POLICY]).get(ALLOCATION_POLICY, [None])[0]
        counts = _grade_counts(session, allocation_run, owner, seen)
        care: dict[str | None, list[CareDate]] = {}
        for greeting in care_dates(session, month.first, month.last, owner, seen=seen):
            care.setdefault(greeting.owner, []).append(greeting)
    specs = {(name, c.code): c for name, run in with_cadence.items() for c in run.policy.classes}
    statuses = {s.value: s for s in ContactStatus}
    entries: dict[str | None, list[PlanEntry]] = {}
    for cid, name, who, policy, code, every, last, due_day, status, days, needed in rows:  # the rows as results
        spec = specs[(policy, code)]
        entry = PlanEntry(
            cid, name, policy, code, spec.label, every, spec.cadence.text, last, date_of(due_day), statuses[status],
            days, needed,
        )  # fmt: skip
        entries.setdefault(who, []).append(entry)
    grading = load_policy(ALLOCATION_POLICY) if allocation_run is None else allocation_run.policy
    groups = grading.time_allocation or []
    develop = development_counts(ctx, owner=owner) if new_accounts is None else {}
    everyone = set(entries) | set(counts) | set(care) | set(develop)
    owners = [owner] if owner is not None else sorted(everyone, key=lambda o: (o is None, o or ""))
    managers = []
    for name in owners:
        # with a saved run every grade is counted (0 when the manager has none); without, the recommendation
        held = {} if allocation_run is None else {g: counts.get(name, {}).get(g, 0) for g in grading.class_codes}
        held[NEW_ACCOUNTS] = new_accounts if new_accounts is not None else develop.get(name, 0)
        mine = sorted(entries.get(name, []), key=lambda e: (_STATUS_ORDER[e.status], -e.days_overdue, e.due_date))
        allocation = scale_allocation(groups, held, month.working_days)
        managers.append(ManagerPlan(name, tuple(mine), allocation, tuple(care.get(name, []))))
    return ContactPlan(
        month,
        window.reference,
        month.working_days,
        tuple(sorted(with_cadence)),
        ALLOCATION_POLICY,
        None if allocation_run is None else allocation_run.as_of,
        tuple(managers),
    )


def _plan_query(runs: dict[str, SavedRun], window: PlanWindow, owner: str | None, seen: Any = None):
    """One row per customer: its tightest cadence, last contact, due day, status, days overdue, visits needed."""
    a = Assignment
    every = case(
        *[
            (and_(a.run_id == run.run_id, a.class_ == spec.code), spec.cadence.every_days)
            for run in runs.values()
            for spec in run.policy.classes
            if spec.cadence is not None
        ],
        else_=null(),
    )
    since = case(*[(a.run_id == run.run_id, day_of(run.as_of)) for run in runs.values()])
    policy = case(*[(a.run_id == run.run_id, name) for name, run in runs.items()])
    reference, last = day_of(window.reference), day_of(window.month.last)
    contacts = select(
        Visit.customer_id, func.max(Visit.date).label("last_contact"), func.max(Visit.next_visit_date).label("promised")
    ).where(Visit.date <= window.reference)
    if owner is not None:  # only the manager's visits are read
        mine = select(Customer.customer_id).where(Customer.owner == owner)
        contacts = contacts.where(Visit.customer_id.in_(mine))
    visits = contacts.group_by(Visit.customer_id).subquery()
    by_cadence = day_number(visits.c.last_contact) + every
    promised = day_number(visits.c.promised)
    promise_first = and_(  # a next visit promised after the last contact, before the cadence would ask
        visits.c.promised.is_not(None), promised > day_number(visits.c.last_contact), promised < by_cadence
    )
    query = (
        select(
            a.customer_id,
            a.class_.label("class_code"),
            policy.label("policy"),
            every.label("every_days"),
            Customer.name,
            Customer.owner,
            visits.c.last_contact,
            case(
                (visits.c.last_contact.is_(None), since),
                (promise_first, day_number(visits.c.promised)),  # the visit card's next visit date comes first
                else_=by_cadence,
            ).label("due_day"),
        )
        .join(Customer, Customer.customer_id == a.customer_id, isouter=True)
        .join(visits, visits.c.customer_id == a.customer_id, isouter=True)
        .where(a.run_id.in_([r.run_id for r in runs.values()]))
    )
    if owner is not None:
        query = query.where(Customer.owner == owner)
    if seen is not None:
        query = query.where(seen)
    base = query.subquery()
    order = (base.c.due_day, base.c.every_days, base.c.policy)
    pick = func.row_number().over(partition_by=base.c.customer_id, order_by=order)
    tightest = select(base, pick.label("pick")).where(base.c.every_days.is_not(None)).subquery()
    due = tightest.c.due_day
    start = case((due > reference, due), else_=literal(reference))
    return select(
        tightest.c.customer_id,
        tightest.c.name,
        tightest.c.owner,
        tightest.c.policy,
        tightest.c.class_code,
        tightest.c.every_days,
        tightest.c.last_contact,
        due.label("due_day"),
        case((due < reference, "overdue"), (due <= last, "due"), else_="on_track").label("status"),
        case((due < reference, reference - due), else_=0).label("days_overdue"),
        case((due > last, 0), else_=1 + (literal(last) - start) // tightest.c.every_days).label("visits_needed"),
    ).where(tightest.c.pick == 1)


def _grade_counts(
    session: Any, run: SavedRun | None, owner: str | None, seen: Any = None
) -> dict[str | None, dict[str, int]]:
    """Per owner, the customers per class of ``run`` (the prospect grades)."""
    if run is None:
        return {}
    query = (
        select(Customer.owner, Assignment.class_, func.count())
        .join(Customer, Customer.customer_id == Assignment.customer_id, isouter=True)
        .where(Assignment.run_id == run.run_id)
        .group_by(Customer.owner, Assignment.class_)
    )
    if owner is not None:
        query = query.where(Customer.owner == owner)
    if seen is not None:
        query = query.where(seen)
    out: dict[str | None, dict[str, int]] = {}
    for who, code, n in session.execute(query):
        out.setdefault(who, {})[code] = n
    return out
