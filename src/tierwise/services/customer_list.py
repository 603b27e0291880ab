"""The customer list: filtered, searched, sorted and paged in the store, among the customers one sees.

Every filter is a condition of one SQL query (bound parameters): the class per policy (in that policy's
latest saved run), owner, region, industry, kind, and a search on the name or the id (case-insensitive
"contains", ``%`` and ``_`` taken literally) or by a whole phone number, id number or e-mail address
through the keyed-hash columns of the sealed personal data (never the plain text, which the store does not
hold). The same conditions give the total count, so the count never includes a customer the acting
person may not see; it is exact, and counted over ``customers`` alone unless a class is asked for (the
run's classes join at most one row per customer, so they cannot change it). Personal data is masked
(:func:`tierwise.services.sealed_data.masked_value`: opened, then masked).

Indexes that keep a page fast at a million customers (bench/customer_list.py): ``customers (owner)`` and
``(team)`` for the visibility rule; ``(region | industry | kind, customer_id)`` and ``(name, customer_id)``
for a filter or a sort with the id as the tie-break (migration 0006); ``(region | industry | kind | owner |
team, name, customer_id)`` for a filter sorted by name, ``assignments (run_id, class, rank)`` and
``(run_id, rank)`` for a class sorted by rank (migration 0012); ``assignments (run_id, class,
customer_id)`` for the class filter and its count; the ``*_hash`` indexes for a search by phone, id number
or e-mail address. Migration 0016: ``(industry, kind, name, customer_id)`` and ``(owner | team, region,
name, customer_id)`` count two filters (and a manager's region) in the index alone and walk the page there;
``assignments (run_id, customer_id, class, rank)`` gives a class of an owner's customers from the indexes
(:func:`_keyed_page`), and its total is the count saved with the run per owner while it is exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, Row, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from tierwise.errors import UsageError
from tierwise.i18n import N_, Message
from tierwise.security.pii import Field, normalise
from tierwise.services.access import require_action, restricted, visible_clause
from tierwise.services.class_counts import customer_total, saved_class_total, saved_owner_class_total
from tierwise.services.context import ServiceContext
from tierwise.services.paging import check_page
from tierwise.services.runs import store_engine
from tierwise.services.saved_classes import ranked_runs
from tierwise.services.sealed_data import keyring_of, masked_value
from tierwise.store.customer_search import contains, search_candidates
from tierwise.store.models import Customer
from tierwise.store.run_models import Assignment
from tierwise.store.sealed import hash_column

SortKey = Literal["customer_id", "name", "region", "industry", "kind", "owner", "class", "rank"]
SORT_KEYS: tuple[str, ...] = ("customer_id", "name", "region", "industry", "kind", "owner", "class", "rank")
PHONE_LIKE = re.compile(r"\+?[\d\s()-]+")
MIN_PHONE_DIGITS = 7  # a landline without its area code; fewer digits is a part of an id, not a phone
ID_NUMBER_LIKE = re.compile(r"\d{15}|\d{17}[\dX]")  # a resident id number, 15 or 18 characters
NEVER_EMPTY = frozenset({"customer_id", "name"})  # NOT NULL columns of customers

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
        conditions = [
            column == value
            for column, value in ((c.owner, owner), (c.region, region), (c.industry, industry), (c.kind, kind))
            if value is not None
        ]
        text = (q or "").strip()
        if text:
            conditions.append(_search(ctx, session.get_bind().dialect.name, text))
        if restricted(ctx) is not None:
            conditions.append(visible_clause(ctx))
        everyone = not conditions  # no filter and no restriction: the store's own counts are exact
        joined = and_(a.customer_id == c.customer_id, a.run_id == run_id)
        columns = select(c, a.class_, a.label, a.rank)
        if class_ is not None:  # only customers with that class in the run: an inner join
            conditions.append(a.class_ == class_)
            query = columns.join(a, joined)
            saved = None
            if run_id is not None and everyone:
                saved = saved_class_total(session, run_id, class_)
            elif run_id is not None and (one := _one_owner(ctx, owner, (region, industry, kind, text))) is not None:
                saved = saved_owner_class_total(session, run_id, one, class_)
            counted = select(func.count()).select_from(c).join(a, joined)
        else:  # every customer, with their class when the run has one (at most one: the run's key)
            query = columns.outerjoin(a, joined)
            saved = customer_total(session) if everyone else None
            counted = select(func.count()).select_from(c)  # the outer join adds no row: not counted through
        total = saved if saved is not None else session.execute(counted.where(*conditions)).scalar_one()
        run_column = {"class": a.class_, "rank": a.rank}.get(sort)
        column = run_column if run_column is not None else getattr(c, sort)
        valued_everywhere = sort in NEVER_EMPTY or (sort == "class" and class_ is not None)
        if valued_everywhere or not everyone:
            # with a filter, the database finds the matching customers first and sorts them (walking the sort's
            # index would step over every customer the filter leaves out); customers without a value last
            order, tie = (column.desc(), c.customer_id.desc()) if descending else (column.asc(), c.customer_id.asc())
            first = [] if valued_everywhere else [column.is_(None)]
            terms = [*first, order, tie]
            if class_ is not None and not everyone:  # a class and another condition: the page's ids first
                found = _keyed_page(session, query.where(*conditions), terms, joined, offset, limit)
            else:
                found = list(session.execute(query.where(*conditions).order_by(*terms).offset(offset).limit(limit)))
        else:  # everyone sorted by a column that may be empty: two walks of indexes
            valued = query if run_column is None or class_ is not None else columns.join(a, joined)
            sorting = Sorting(column, a.customer_id if run_column is not None else c.customer_id, descending)
            found = _nulls_last_page(session, valued, query, conditions, sorting, offset, limit)
        ring = keyring_of(ctx.settings)
        rows = [
            CustomerRow(
                r.customer_id, r.name, r.kind, r.industry, r.region, r.owner, r.team,
                masked_value(ring, "phone", r.customer_id, r.phone),
                masked_value(ring, "email", r.customer_id, r.email),
                masked_value(ring, "id_number", r.customer_id, r.id_number), code, label, rank,
            )
            for r, code, label, rank in found
        ]  # fmt: skip
    return CustomerPage(total, offset, limit, policy, run_id, rows)


@dataclass(frozen=True)
class Sorting:
    """The column a page is sorted by, the id column that breaks its ties, and the direction of both."""

    column: Any
    tie: Any
    descending: bool

    def order(self) -> list[ColumnElement]:
        """ORDER BY terms: the column, then the id, both in the page's direction."""
        if self.descending:
            return [self.column.desc(), self.tie.desc()]
        return [self.column.asc(), self.tie.asc()]


def _one_owner(ctx: ServiceContext, owner: str | None, others: tuple[str | None, ...]) -> str | None:
    """The account manager whose customers alone the list's conditions leave (an owner filter and nothing
    else, or an account manager's own customers with no other filter or that owner), else ``None``."""
    if any(others):
        return None
    seen = restricted(ctx)
    if seen is None:
        return owner
    if seen.nothing or seen.teams or len(seen.owners) != 1:
        return None
    (own,) = seen.owners
    return own if owner in (None, own) else None


def _keyed_page(
    session: Session,
    matching: Select,
    terms: list[ColumnElement],
    joined: ColumnElement[bool],
    offset: int,
    limit: int,
) -> list[Row]:
    """A page of a class of a run among the customers of other conditions: the ids of the page first, then
    their rows.

    The ids come from the indexes alone (``customers (owner | region | …, name, customer_id)`` and
    ``assignments (run_id, customer_id, class, rank)``), sorted and cut to the page; only the page's
    customers and assignments are then read in full (an account manager's class otherwise reads every
    one of their customers' rows and assignments before the sort keeps 50).
    """
    c, a = Customer, Assignment
    ids = matching.with_only_columns(c.customer_id).order_by(*terms).offset(offset).limit(limit).subquery()
    rows = select(c, a.class_, a.label, a.rank).join(ids, ids.c.customer_id == c.customer_id).join(a, joined)
    return list(session.execute(rows.order_by(*terms)))


def _nulls_last_page(
    session: Session,
    valued: Select,
    every: Select,
    conditions: list[ColumnElement[bool]],
    sorting: Sorting,
    offset: int,
    limit: int,
) -> list[Row]:
    """A page sorted by a column that may be empty, the customers without a value last (by id).

    Two ordered walks instead of one sort of every match: the customers with a value, in the order of the
    column's index (``valued``), then the others by id (``every`` without a value); the second is read only
    by a page past the first (its offset is the first's count, counted only when the page holds none of it).
    """
    column = sorting.column
    page = list(
        session.execute(
            valued.where(*conditions, column.is_not(None)).order_by(*sorting.order()).offset(offset).limit(limit)
        )
    )
    if len(page) == limit:
        return page
    skip = 0
    if not page and offset:
        counted = select(func.count()).select_from(valued.where(*conditions, column.is_not(None)).subquery())
        skip = max(offset - session.execute(counted).scalar_one(), 0)
    last = Customer.customer_id.desc() if sorting.descending else Customer.customer_id.asc()
    rest = every.where(*conditions, column.is_(None)).order_by(last).offset(skip).limit(limit - len(page))
    return page + list(session.execute(rest))


def _search(ctx: ServiceContext, dialect: str, text: str) -> ColumnElement[bool]:
    """A part of the name or the id (case-insensitive, ``%`` and ``_`` literal), or a whole phone number, id
    number or e-mail address: those are compared by their keyed hash only, never as text. The trigram index
    (:mod:`tierwise.store.customer_search`) finds the candidates of a part; the comparison decides."""
    part: ColumnElement[bool] = or_(contains(Customer.name, text), contains(Customer.customer_id, text))
    candidates = search_candidates(dialect, text)
    found = [part if candidates is None else and_(candidates, part)]
    ring = keyring_of(ctx.settings)
    for field in personal_fields_like(text):
        found.append(getattr(Customer, hash_column(field)).in_(ring.search_hashes(field, text)))
    return or_(*found)


def personal_fields_like(text: str) -> list[Field]:
    """The personal-data fields ``text`` could be a whole value of (so the search compares their hashes).

    >>> personal_fields_like("+86 138-1234-5678"), personal_fields_like("11010119900101123x")
    (['phone'], ['id_number'])
    >>> personal_fields_like("z@example.com"), personal_fields_like("宏昌"), personal_fields_like("C00012")
    (['email'], [], [])
    """
    fields: list[Field] = []
    if PHONE_LIKE.fullmatch(text) and len(normalise("phone", text)) >= MIN_PHONE_DIGITS:
        fields.append("phone")
    if ID_NUMBER_LIKE.fullmatch(normalise("id_number", text)):
        fields.append("id_number")
    if "@" in text:
        fields.append("email")
    return fields


def _latest_run(session: Session, policy: str) -> int | None:
    ranked = ranked_runs().subquery()
    return session.execute(
        select(ranked.c.run_id).where(ranked.c.policy_name == policy, ranked.c.recency == 1)
    ).scalar_one_or_none()
