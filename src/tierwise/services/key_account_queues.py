"""What each role works on in the key-account process: its queue, one record, and the review list with
the cost-to-serve of the accounts on it.

A queue holds the records the person sees (:func:`tierwise.services.access.visible_clause`): a manager's
team's, an account manager's own, all for an analyst. Its parts are the nominations waiting for their
evidence, those under evaluation waiting for a manager's decision, the approved accounts whose review is
due (or that a run no longer qualifies), and every record seen. The cost-to-serve review list is the one
of :mod:`tierwise.services.cost_to_serve` on the store, reduced to the customers the person sees, each
with the decisions already taken on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import select

from tierwise.accounts.lifecycle import Move, Status, may
from tierwise.errors import NotFoundError, PermissionDeniedError, RecordError
from tierwise.i18n import N_, Message
from tierwise.services.access import require_action, restricted, visible_clause
from tierwise.services.acting_person import acting_person
from tierwise.services.archive_records import customer_for
from tierwise.services.context import ServiceContext
from tierwise.services.cost_to_serve import NOT_ALLOWED as COST_NOT_ALLOWED
from tierwise.services.cost_to_serve import CostReview, CostReviewEntry, cost_review, decide_service_cost
from tierwise.services.key_accounts import KeyAccountView, key_accounts, review_list
from tierwise.services.run_summaries import concentration_curve
from tierwise.store.account_models import KeyAccount, ServiceCostDecision
from tierwise.store.models import Customer

NO_KEY_ACCOUNT = N_("customer %(id)s has no key-account record")
NOT_ON_REVIEW = N_("customer %(id)s is not on the cost-to-serve review list")


@dataclass(frozen=True)
class KeyAccountQueue:
    """The key-account records one person works on, by what they wait for."""

    to_evaluate: tuple[KeyAccountView, ...]  # nominated: the evidence is to be gathered
    to_decide: tuple[KeyAccountView, ...]  # under evaluation: a manager approves or rejects
    reviews_due: tuple[KeyAccountView, ...]  # approved: review date passed, or a run no longer qualifies
    accounts: tuple[KeyAccountView, ...]  # every record the person sees


def key_account_queue(ctx: ServiceContext) -> KeyAccountQueue:
    """The acting person's key-account queue (only the customers they see)."""
    require_action(ctx, "customers.read")
    seen = key_accounts(ctx)
    return KeyAccountQueue(
        tuple(v for v in seen if v.status is Status.NOMINATED),
        tuple(v for v in seen if v.status is Status.UNDER_EVALUATION),
        tuple(review_list(ctx)),
        tuple(seen),
    )


def key_account(ctx: ServiceContext, customer_id: str) -> KeyAccountView:
    """The key-account record of ``customer_id`` (not found for a customer the person does not see)."""
    with ctx.store() as session:
        customer = customer_for(session, ctx, customer_id, "customers.read")
        row = session.scalar(select(KeyAccount).where(KeyAccount.customer_id == customer_id))
        if row is None:
            raise NotFoundError(Message(NO_KEY_ACCOUNT, {"id": customer_id}))
        return KeyAccountView.of(row, customer.name)


@dataclass(frozen=True)
class CostDecision:
    """A decision already taken on a customer of the cost-to-serve review list."""

    action: str
    comment: str
    decided_by: str
    decided_at: dt.datetime
    period_end: dt.date


@dataclass(frozen=True)
class CostReviewRow:
    """A customer of the cost-to-serve review list, as the person sees it."""

    entry: CostReviewEntry
    customer_name: str
    owner: str | None
    key_account: Status | None
    decisions: tuple[CostDecision, ...]  # latest first


@dataclass(frozen=True)
class VisibleCostReview:
    """The cost-to-serve review list reduced to the customers the person sees."""

    review: CostReview
    rows: tuple[CostReviewRow, ...]
    #: the whale curve of the person's customers over the review's periods: on gross profit, and redrawn on
    #: profit after the cost to serve (empty when the total is not positive)
    whale_gross: list[list[float]]
    whale_after_cost: list[list[float]]


def visible_cost_review(ctx: ServiceContext, *, as_of: dt.date | None = None) -> VisibleCostReview:
    """The cost-to-serve review list of the store (shipped ``cost-to-serve`` policy) for the acting person."""
    require_action(ctx, "customers.read")
    review = cost_review(ctx, ctx.settings.database_url, as_of=as_of)
    ids = [e.customer_id for e in review.entries]
    with ctx.store() as session:
        found = session.execute(
            select(Customer.customer_id, Customer.name, Customer.owner, KeyAccount.status)
            .join(KeyAccount, KeyAccount.customer_id == Customer.customer_id, isouter=True)
            .where(Customer.customer_id.in_(ids), visible_clause(ctx))
        ).all()
        known = {r.customer_id: r for r in found}
        decisions: dict[str, list[CostDecision]] = {}
        query = (
            select(ServiceCostDecision)
            .where(ServiceCostDecision.customer_id.in_(list(known)))
            .order_by(ServiceCostDecision.decided_at.desc(), ServiceCostDecision.id.desc())
        )
        for d in session.scalars(query):
            decisions.setdefault(d.customer_id, []).append(
                CostDecision(d.action, d.comment, d.decided_by, d.decided_at, d.period_end)
            )
    rows = tuple(
        CostReviewRow(
            e,
            known[e.customer_id].name,
            known[e.customer_id].owner,
            None if known[e.customer_id].status is None else Status(known[e.customer_id].status),
            tuple(decisions.get(e.customer_id, ())),
        )
        for e in review.entries
        if e.customer_id in known
    )
    profits = review.profits
    if restricted(ctx) is not None:
        with ctx.store() as session:
            seen = session.scalars(select(Customer.customer_id).where(visible_clause(ctx))).all()
        profits = profits.filter(pc.is_in(profits.column("customer_id"), value_set=pa.array(seen, pa.string())))
    gross, after = (np.asarray(profits.column(c).to_numpy(zero_copy_only=False), dtype=float) for c in PROFIT_COLUMNS)
    return VisibleCostReview(review, rows, concentration_curve(gross), concentration_curve(after))


PROFIT_COLUMNS = ("gross_profit", "profit_after_cost")


def cost_review_entry(ctx: ServiceContext, customer_id: str, *, as_of: dt.date | None = None) -> CostReviewEntry:
    """The entry of ``customer_id`` on the person's cost-to-serve review list (a :class:`RecordError` when it
    is not on it; not found for a customer the person does not see)."""
    with ctx.store() as session:
        customer_for(session, ctx, customer_id, "customers.read")
    found = visible_cost_review(ctx, as_of=as_of)
    entry = next((r.entry for r in found.rows if r.entry.customer_id == customer_id), None)
    if entry is None:
        raise RecordError(Message(NOT_ON_REVIEW, {"id": customer_id}))
    return entry


def decide_cost_review(
    ctx: ServiceContext, customer_id: str, action: str, comment: str | None, *, as_of: dt.date | None = None
) -> CostDecision:
    """Record a manager's decision on ``customer_id`` of their cost-to-serve review list (audited)."""
    with ctx.store() as session:
        person = acting_person(session, ctx)
    if not may(person.role, Move.APPROVE):  # refused before the review list is computed
        raise PermissionDeniedError(Message(COST_NOT_ALLOWED, {"user": person.name, "role": person.role}))
    row = decide_service_cost(ctx, cost_review_entry(ctx, customer_id, as_of=as_of), action, comment)
    return CostDecision(row.action, row.comment, row.decided_by, row.decided_at, row.period_end)
