"""Churn (客户流失分析): which customers are lost as of a date, when they were lost, and how they behaved
before leaving, set-based in the engine.

A customer with two purchase days or more has a usual inter-purchase time: (last − first) / (days − 1).
It is lost from the day ``N ×`` that time has passed since its last purchase (``lost_on``), when that day
is on or before the as-of date. Its behaviour before leaving is read up to its reference day — the last
purchase for the lost, the as-of date for the others: complaints in the year before it, the last NPS
answer, and declining sales (the half-year before the reference sold less than the half-year before that).
Customers with a single purchase day have no usual time and are judged by P(alive) alone (in the service).
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

HALF_YEAR = 182


def churn_facts(tables: dict[str, ir.Table], as_of: dt.date, gap_multiple: float) -> ir.Table:
    """One row per customer with purchases by ``as_of``: ``customer_id, first_purchase, last_purchase,
    purchase_days, usual_gap_days, lost_on, lost, sales_12m_before, recent_sales, earlier_sales, declining,
    complaints_year, last_nps``."""
    day = ibis.literal(as_of)
    t = tables["transactions"]
    t = t.filter(t.date <= day)
    days = t.group_by("customer_id", "date").aggregate(amount=t.amount.sum())
    per = days.group_by("customer_id").aggregate(
        first_purchase=days.date.min(), last_purchase=days.date.max(), purchase_days=days.count()
    )
    span = per.last_purchase.delta(per.first_purchase, unit="day")
    gap = ibis.ifelse(per.purchase_days >= 2, span.cast("float64") / (per.purchase_days - 1), ibis.null("float64"))
    per = per.mutate(usual_gap_days=gap)
    wait = (per.usual_gap_days * gap_multiple).ceil().cast("int64")
    lost_on = per.last_purchase + wait.as_interval("D")
    per = per.mutate(lost_on=ibis.ifelse(lost_on.cast("date") <= day, lost_on.cast("date"), ibis.null("date")))
    per = per.mutate(lost=per.lost_on.notnull())
    per = per.mutate(reference=ibis.ifelse(per.lost, per.last_purchase, day))
    j = days.join(per.select("customer_id", "reference"), "customer_id")
    age = j.reference.delta(j.date, unit="day")
    sales = j.group_by("customer_id").aggregate(
        sales_12m_before=(j.amount * (age < 365).cast("int8")).sum(),
        recent_sales=(j.amount * (age < HALF_YEAR).cast("int8")).sum(),
        earlier_sales=(j.amount * ((age >= HALF_YEAR) & (age < 2 * HALF_YEAR)).cast("int8")).sum(),
    )
    out = per.join(sales, "customer_id").mutate(declining=lambda s: s.recent_sales < s.earlier_sales)
    if "complaints" in tables:
        c = tables["complaints"].join(per.select("customer_id", "reference"), "customer_id")
        c_age = c.reference.delta(c.date, unit="day")
        counted = (
            c.filter((c_age >= 0) & (c_age < 365)).group_by("customer_id").aggregate(complaints_year=ibis._.count())
        )
        out = out.left_join(counted, "customer_id").drop("customer_id_right")
        out = out.mutate(complaints_year=out.complaints_year.fill_null(0))
    else:
        out = out.mutate(complaints_year=ibis.literal(0, "int64"))
    if "surveys" in tables:
        s = tables["surveys"].join(per.select("customer_id", "reference"), "customer_id")
        s = s.filter(s.nps.notnull() & (s.date <= s.reference))
        latest = s.mutate(pick=ibis.row_number().over(group_by=s.customer_id, order_by=ibis.desc(s.date)))
        nps = latest.filter(latest.pick == 0).select("customer_id", last_nps=latest.nps)
        out = out.left_join(nps, "customer_id").drop("customer_id_right")
    else:
        out = out.mutate(last_nps=ibis.null("int64"))
    return out.drop("reference")
