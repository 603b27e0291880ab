"""Profit after cost-to-serve per customer and period, set-based in the engine (Ibis), and the customers
whose profit after service cost has been negative for N consecutive complete periods.

Per customer and period: gross profit (``profit``, else ``amount − cost``; a line with neither brings
none), discounts (sales × the channel's rate), orders (distinct transaction ids, and each row without
one) × the cost per order, visit cards × the cost per visit, complaint cards × the cost per complaint,
and financing: each invoice issued in the period × the annual rate × the days from its invoice date to
its payment (or to the as-of date while unpaid) / 365. Each source becomes rows of one shape, unioned
and summed by customer and period: one aggregation, no loop over customers.

Complete periods are those that end on or before the as-of date; "the last N" are counted back from the
latest of them. A period without activity is not a loss.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from tierwise.analytics.cost_policy import CostPolicy

PARTS = ("gross_profit", "sales", "discounts", "orders", "visits", "complaints", "financing_cost")
_UNIT = {"month": "M", "quarter": "Q", "year": "Y"}
_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def period_start(day: dt.date, period: str) -> dt.date:
    """The first day of the period holding ``day``.

    >>> period_start(dt.date(2026, 5, 17), "quarter"), period_start(dt.date(2026, 5, 17), "year")
    (datetime.date(2026, 4, 1), datetime.date(2026, 1, 1))
    """
    months = _MONTHS[period]
    month = (day.month - 1) // months * months + 1
    return dt.date(day.year, month, 1)


def shift(start: dt.date, period: str, by: int) -> dt.date:
    """The start of the period ``by`` periods after the one starting on ``start`` (negative: before)."""
    index = start.year * 12 + start.month - 1 + by * _MONTHS[period]
    return dt.date(index // 12, index % 12 + 1, 1)


def complete_periods(as_of: dt.date, period: str, count: int) -> list[dt.date]:
    """The starts of the last ``count`` periods that end on or before ``as_of``, oldest first.

    >>> complete_periods(dt.date(2026, 3, 31), "quarter", 2)
    [datetime.date(2025, 10, 1), datetime.date(2026, 1, 1)]
    >>> complete_periods(dt.date(2026, 3, 30), "quarter", 2)
    [datetime.date(2025, 7, 1), datetime.date(2025, 10, 1)]
    """
    current = period_start(as_of, period)
    last = current if shift(current, period, 1) - dt.timedelta(days=1) == as_of else shift(current, period, -1)
    return [shift(last, period, -k) for k in range(count - 1, -1, -1)]


def _shape(table: ir.Table, date: ir.Column, period: str, **values: ir.Value) -> ir.Table:
    zero = ibis.literal(0.0, "float64")
    columns = {p: values.get(p, zero).cast("float64") for p in PARTS}
    return table.select(
        customer_id=table.customer_id, period_start=date.truncate(_UNIT[period]).cast("date"), **columns
    )


def _between(date: ir.Column, start: dt.date, end: dt.date) -> ir.BooleanValue:
    return (date >= ibis.literal(start)) & (date < ibis.literal(end))


def profit_after_cost(
    tables: dict[str, ir.Table], policy: CostPolicy, as_of: dt.date, periods: list[dt.date]
) -> ir.Table:
    """``customer_id, period_start`` with :data:`PARTS`, the service costs and ``profit_after_cost``, for
    the periods starting on the dates of ``periods`` (consecutive, oldest first)."""
    start, end = periods[0], shift(periods[-1], policy.period, 1)
    parts = []
    t = tables["transactions"]
    t = t.filter(_between(t.date, start, end))
    rate = ibis.literal(policy.discounts.default)
    if policy.discounts.by_channel:
        rate = ibis.cases(*[(t.channel == k, v) for k, v in policy.discounts.by_channel.items()], else_=rate)
    gross = ibis.coalesce(t.profit, t.amount - t.cost, 0.0)
    parts.append(_shape(t, t.date, policy.period, gross_profit=gross, sales=t.amount, discounts=t.amount * rate))
    orders = t.group_by(t.customer_id, t.transaction_id).aggregate(date=t.date.min(), rows=t.count())
    order_count = ibis.ifelse(orders.transaction_id.isnull(), orders.rows, 1)
    parts.append(_shape(orders, orders.date, policy.period, orders=order_count))
    for name, column in (("visits", "visits"), ("complaints", "complaints")):
        if name in tables:
            c = tables[name]
            c = c.filter(_between(c.date, start, end))
            parts.append(_shape(c, c.date, policy.period, **{column: ibis.literal(1.0)}))
    if "receivables" in tables and policy.financing.annual_rate:
        r = tables["receivables"]
        r = r.filter(_between(r.invoice_date, start, end))
        day = ibis.literal(as_of)
        settled = ibis.ifelse(r.paid_date.notnull() & (r.paid_date < day), r.paid_date, day)
        days = ibis.greatest(settled.delta(r.invoice_date, unit="day"), 0)
        cost = r.amount * policy.financing.annual_rate * days / 365.0
        parts.append(_shape(r, r.invoice_date, policy.period, financing_cost=cost))
    union = ibis.union(*parts, distinct=False)
    summed = union.group_by("customer_id", "period_start").aggregate(**{p: union[p].sum() for p in PARTS})
    c = policy.costs
    return summed.mutate(
        order_cost=summed.orders * c.per_order,
        visit_cost=summed.visits * c.per_visit,
        complaint_cost=summed.complaints * c.per_complaint,
    ).mutate(
        profit_after_cost=lambda s: (
            s.gross_profit - s.discounts - s.order_cost - s.visit_cost - s.complaint_cost - s.financing_cost
        ).round(2)
    )


def loss_streaks(per_period: ir.Table, periods: list[dt.date]) -> ir.Table:
    """Customers negative after service cost in every one of ``periods``, with the sums over them."""
    neg = per_period.filter(per_period.profit_after_cost < 0)
    sums = ["gross_profit", "sales", "discounts", "order_cost", "visit_cost", "complaint_cost", "financing_cost",
            "profit_after_cost", "orders", "visits", "complaints"]  # fmt: skip
    grouped = neg.group_by("customer_id").aggregate(
        loss_periods=neg.count(), last_period=neg.period_start.max(), **{s: neg[s].sum() for s in sums}
    )
    return grouped.filter(grouped.loss_periods == len(periods))
