"""Cost-to-serve on a data set (the store, a folder): profit after service cost per customer and period,
the review list of customers negative for N consecutive periods with reasons and a suggested action, and
a manager's decision on one of them (recorded with its audit row).

The computation is :mod:`tierwise.analytics.cost_to_serve`, set-based in the engine; only the review
list — the customers on it — is read back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from tierwise.accounts.lifecycle import Move, may
from tierwise.accounts.service_cost import Action, suggest
from tierwise.analytics.cost_policy import CostPolicy, load_cost_policy
from tierwise.analytics.cost_to_serve import complete_periods, loss_streaks, profit_after_cost
from tierwise.analytics.engine import Engine
from tierwise.errors import PermissionDeniedError, RecordError, UsageError
from tierwise.i18n import N_, Message
from tierwise.io.dataset import Dataset
from tierwise.io.source import DataSource
from tierwise.services.acting_person import acting_person
from tierwise.services.archive_records import optional_text, record_change, require_customer
from tierwise.services.context import ServiceContext
from tierwise.services.key_accounts import check_move
from tierwise.services.sources import open_source
from tierwise.store.account_models import ServiceCostDecision

REASONS = (
    ("gross_profit", N_("gross profit %(value)s")),
    ("discounts", N_("discounts %(value)s")),
    ("visit_cost", N_("%(count)s visits cost %(value)s")),
    ("order_cost", N_("%(count)s orders cost %(value)s")),
    ("complaint_cost", N_("%(count)s complaints cost %(value)s")),
    ("financing_cost", N_("payment delay costs %(value)s in financing")),
)
COUNTS = {"visit_cost": "visits", "order_cost": "orders", "complaint_cost": "complaints"}
NOT_ALLOWED = N_("%(user)s (%(role)s) may not decide on a customer's service cost")
NEEDS_COMMENT = N_("a decision on customer %(id)s needs a comment saying why")
UNKNOWN_ACTION = N_("unknown action %(action)s (actions: %(actions)s)")


PROFITS = pa.schema([("customer_id", pa.string()), ("gross_profit", pa.float64()), ("profit_after_cost", pa.float64())])


@dataclass(frozen=True)
class CostReviewEntry:
    """A customer negative after service cost in each of the last N complete periods."""

    customer_id: str
    loss_periods: int
    last_period: dt.date
    profit_after_cost: float  # summed over the loss periods
    parts: dict[str, float]  # gross profit, discounts and each cost, summed
    reasons: tuple[Message, ...]
    suggested: Action


@dataclass(frozen=True)
class CostReview:
    """The review list as of a date under a cost policy."""

    as_of: dt.date
    policy: str
    periods: tuple[dt.date, ...]  # the starts of the complete periods looked at, oldest first
    entries: tuple[CostReviewEntry, ...]  # the largest loss first
    #: ``customer_id, gross_profit, profit_after_cost`` of every customer over the periods (the whale curve's)
    profits: pa.Table = field(default_factory=lambda: PROFITS.empty_table())


def cost_review(
    ctx: ServiceContext,
    data: DataSource | Dataset | str,
    *,
    as_of: dt.date | None = None,
    policy: CostPolicy | str | Path = "cost-to-serve",
    loss_periods: int | None = None,
) -> CostReview:
    """Customers whose profit after service cost was negative in each of the last ``loss_periods``
    complete periods (default: the policy's), as of ``as_of`` (default: today)."""
    chosen = policy if isinstance(policy, CostPolicy) else load_cost_policy(policy)
    day = as_of or ctx.now().date()
    periods = complete_periods(day, chosen.period, loss_periods or chosen.review.loss_periods)
    dataset = data if isinstance(data, Dataset) else open_source(data).open(ctx.settings)
    try:
        eng = Engine.for_dataset(dataset, ctx.engine, ctx.settings)
        tables = eng.tables(dataset)
        if "transactions" not in tables:
            return CostReview(day, chosen.name, tuple(periods), ())
        per_period = profit_after_cost(tables, chosen, day, periods)
        streaks = loss_streaks(per_period, periods)
        rows = eng.to_pyarrow(streaks.order_by(["profit_after_cost", "customer_id"])).to_pylist()
        summed = per_period.group_by("customer_id").aggregate(
            gross_profit=per_period.gross_profit.sum(), profit_after_cost=per_period.profit_after_cost.sum()
        )
        profits = eng.to_pyarrow(summed.order_by("customer_id")).cast(PROFITS)
    finally:
        if not isinstance(data, Dataset):
            dataset.con.close()
    return CostReview(day, chosen.name, tuple(periods), tuple(_entry(r) for r in rows), profits)


def _entry(row: dict) -> CostReviewEntry:
    parts = {k: round(float(row[k]), 2) for k, _ in REASONS}
    reasons = tuple(
        Message(text, {"value": f"{parts[k]:,.2f}", "count": int(row[COUNTS[k]]) if k in COUNTS else 0})
        for k, text in REASONS
        if parts[k] or k == "gross_profit"
    )
    return CostReviewEntry(
        row["customer_id"],
        int(row["loss_periods"]),
        row["last_period"],
        round(float(row["profit_after_cost"]), 2),
        parts,
        reasons,
        suggest(**parts),
    )


def decide_service_cost(
    ctx: ServiceContext, entry: CostReviewEntry, action: Action | str, comment: str | None
) -> ServiceCostDecision:
    """Record a manager's decision on a customer of the review list (a manager of its team, with a comment)."""
    try:
        chosen = Action(action)
    except ValueError:
        raise UsageError(
            Message(UNKNOWN_ACTION, {"action": repr(action), "actions": ", ".join(a.value for a in Action)})
        ) from None
    text = optional_text(comment)
    if text is None:
        raise RecordError(Message(NEEDS_COMMENT, {"id": entry.customer_id}))
    now = ctx.now()
    with ctx.store() as session, session.begin():
        customer = require_customer(session, entry.customer_id, ctx)
        person = acting_person(session, ctx)
        if not may(person.role, Move.APPROVE):
            raise PermissionDeniedError(Message(NOT_ALLOWED, {"user": person.name, "role": person.role}))
        check_move(session, ctx, Move.APPROVE, customer, None)  # a manager of the customer's team
        row = ServiceCostDecision(
            customer_id=entry.customer_id, period_end=entry.last_period, action=chosen.value, comment=text,
            loss_periods=entry.loss_periods, profit_after_cost=entry.profit_after_cost, decided_by=person.name,
            decided_at=now,
        )  # fmt: skip
        session.add(row)
        session.flush()
        after = {"action": chosen.value, "comment": text, "suggested": entry.suggested.value, **entry.parts,
                 "loss_periods": entry.loss_periods, "last_period": entry.last_period}  # fmt: skip
        record_change(
            session, ctx, action="service_cost.decide", target_type="customer", target_id=entry.customer_id,
            after=after,
        )  # fmt: skip
        return row
