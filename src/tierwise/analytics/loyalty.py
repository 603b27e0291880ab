"""Loyalty per segment (a class of a run, an owner…), set-based in the engine: the repeat rate and the
retention of first-purchase cohorts.

A *segment table* has the columns ``customer_id, segment`` (one row per customer). A *purchase day* is a
day on which a customer bought more than it returned (the day's net amount is positive), on or before the
as-of date. The repeat rate of a segment is the share of its buyers with two purchase days or more. A
customer's cohort is the quarter of its first purchase day; its cohort is *retained* in the quarter
``offset`` quarters later when it has a purchase day in that quarter (offset 0 is the cohort's own quarter,
so its retention is 1).
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir


def purchase_days(transactions: ir.Table, as_of: dt.date) -> ir.Table:
    """``customer_id, date, amount``: one row per customer and day with a positive net amount by ``as_of``."""
    t = transactions.filter(transactions.date <= ibis.literal(as_of))
    days = t.group_by("customer_id", "date").aggregate(amount=t.amount.sum())
    return days.filter(days.amount > 0)


def repeat_rate(transactions: ir.Table, segments: ir.Table, as_of: dt.date) -> ir.Table:
    """``segment, customers, repeat_customers, repeat_rate`` per segment, over its customers with a purchase."""
    days = purchase_days(transactions, as_of)
    per = days.group_by("customer_id").aggregate(days=days.count())
    joined = per.join(segments, "customer_id")
    out = joined.group_by("segment").aggregate(
        customers=joined.count(), repeat_customers=(joined.days >= 2).cast("int64").sum()
    )
    return out.mutate(repeat_rate=out.repeat_customers.cast("float64") / out.customers)


def _quarter_index(date: ir.DateValue) -> ir.IntegerValue:
    return date.year() * 4 + date.quarter() - 1


def cohort_retention(transactions: ir.Table, segments: ir.Table, as_of: dt.date) -> ir.Table:
    """``segment, cohort, offset, cohort_customers, active, retention``: per segment and first-purchase
    quarter (``cohort``, its first day), the customers active ``offset`` quarters later (only cells with
    at least one active customer; the others are 0)."""
    days = purchase_days(transactions, as_of).join(segments, "customer_id")
    days = days.mutate(quarter=_quarter_index(days.date))
    first = days.group_by("customer_id").aggregate(cohort_quarter=days.quarter.min(), cohort=days.date.min())
    first = first.mutate(cohort=first.cohort.truncate("Q"))
    active = days.select("customer_id", "segment", "quarter").distinct().join(first, "customer_id")
    active = active.mutate(offset=active.quarter - active.cohort_quarter)
    cells = active.group_by("segment", "cohort", "offset").aggregate(active=active.count())
    sizes = cells.filter(cells.offset == 0).select("segment", "cohort", cohort_customers=cells.active)
    out = cells.join(sizes, ["segment", "cohort"])
    return out.mutate(retention=out.active.cast("float64") / out.cohort_customers).select(
        "segment", "cohort", "offset", "cohort_customers", "active", "retention"
    )
