"""The customer list: filtered, searched, sorted and paged in the store, among the customers one sees.

Every filter is a condition of one SQL query (bound parameters): the class per policy (in that policy's
latest saved run), owner, region, industry, kind, and a search on the name or the id (case-insensitive
"contains", ``%`` and ``_`` taken literally). The same conditions give the total count, so the count
never includes a customer the acting person may not see. Personal data is masked
(:mod:`tierwise.services.personal_data`).

Indexes that keep a page fast on a large store (migration 0006): ``customers (owner)`` and ``(team)`` for
the visibility rule, ``(region, customer_id)``, ``(industry, customer_id)``, ``(kind, customer_id)`` and
``(name, customer_id)`` for a filter or sort with the id as the tie-break, and ``assignments (run_id,
class, customer_id)`` for the class filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from tierwise.errors import UsageError
from tierwise.i18n import N_, Message
from tierwise.services.access import require_action, restricted, visible_clause
from tierwise.services.context import ServiceContext
from tierwise.services.paging import check_page
from tierwise.services.personal_data import shown
from tierwise.services.runs import store_engine
from tierwise.services.saved_classes import ranked_runs
from tierwise.store.models import Assignment, Customer

SortKey = Literal["customer_id", "name", "region", "industry", "kind", "owner", "class", "rank"]
SORT_KEYS: tuple[str, ...] = ("customer_id", "name", "region", "industry", "kind", "owner", "class", "rank")

CLASS_NEEDS_POLICY = N_("filtering or sorting by class needs the policy whose classes to read (policy=NAME)")
UNKNOWN_SORT = N_("unknown sort key %(key)s (keys: %(keys)s)")


@dataclass(frozen=True)
class CustomerRow:
    """One customer of the list (personal data masked; class and label of the policy asked for)."""

    customer_id: str
    name: str
    kind: str | None
    industry: str | None
    region: str | None
    owner: str | None
    team: str | None
    phone: str | None
    email: str | None
    id_number: str | None
    class_: str | None
    label: str | None
    rank: int | None


@dataclass(frozen=True)
class CustomerPage:
    """One page of the list and how many customers match in all."""

    total: int
    offset: int
    limit: int
    policy: str | None
    run_id: int | None  # the policy's latest saved run the classes come from
    rows: list[CustomerRow]


def list_customers(
    ctx: ServiceContext,
    *,
    policy: str | None = None,
    class_: str | None = None,
    owner: str | None = None,
    region: str | None = None,
    industry: str | None = None,
    kind: str | None = None,
    q: str | None = None,
    sort: str = "customer_id",
    descending: bool = False,
    offset: int = 0,
    limit: int = 50,
) -> CustomerPage:
    """The customers matching every filter given, sorted by ``sort``, ``limit`` of them from ``offset``."""
    require_action(ctx, "customers.read")
    check_page(offset, limit)
    if sort not in SORT_KEYS:
        raise UsageError(Message(UNKNOWN_SORT, {"key": repr(sort), "keys": ", ".join(SORT_KEYS)}))
    if policy is None and (class_ is not None or sort in ("class", "rank")):
        raise UsageError(Message(CLASS_NEEDS_POLICY))
    c, a = Customer, Assignment
    with Session(store_engine(ctx)) as session:
        run_id = _latest_run(session, policy) if policy is not None else None
        query = select(c, a.class_, a.label, a.rank).outerjoin(
            a, and_(a.customer_id == c.customer_id, a.run_id == run_id)
        )
        conditions = [
            column == value
            for column, value in ((c.owner, owner), (c.region, region), (c.industry, industry), (c.kind, kind))
            if value is not None
        ]
        if class_ is not None:
            conditions.append(a.class_ == class_)
        text = (q or "").strip()
        if text:
            conditions.append(
                or_(c.name.icontains(text, autoescape=True), c.customer_id.icontains(text, autoescape=True))
            )
        if restricted(ctx) is not None:
            conditions.append(visible_clause(ctx))
        query = query.where(*conditions)
        total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        column = {"class": a.class_, "rank": a.rank}.get(sort) or getattr(c, sort)
        order = column.desc() if descending else column.asc()
        page = query.order_by(column.is_(None), order, c.customer_id).offset(offset).limit(limit)
        rows = [
            CustomerRow(
                r.customer_id, r.name, r.kind, r.industry, r.region, r.owner, r.team, shown("phone", r.phone),
                shown("email", r.email), shown("id_number", r.id_number), code, label, rank,
            )
            for r, code, label, rank in session.execute(page)
        ]  # fmt: skip
    return CustomerPage(total, offset, limit, policy, run_id, rows)


def _latest_run(session: Session, policy: str) -> int | None:
    ranked = ranked_runs().subquery()
    return session.execute(
        select(ranked.c.run_id).where(ranked.c.policy_name == policy, ranked.c.recency == 1)
    ).scalar_one_or_none()
