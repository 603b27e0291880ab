"""Profit and future value per segment (a class of a run, an owner…), set-based in the engine.

Profit is over the twelve calendar months up to the as-of date; a row's profit is its ``profit``, else its
amount less its cost (both as the indicators count them). Future value sums the value models'
12-month CLV and expected purchases (:mod:`tierwise.value.clv`) over the segment and averages P(alive).
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from tierwise.analytics.indicators.window import months_before


def segment_profit(transactions: ir.Table, segments: ir.Table, as_of: dt.date) -> ir.Table:
    """``segment, buyers, sales, profit, margin``: the year's net sales and profit of each segment's buyers
    (``profit`` null when no row has one; ``margin`` null when sales are not positive)."""
    t = transactions.filter(
        (transactions.date <= ibis.literal(as_of)) & (transactions.date > ibis.literal(months_before(as_of, 12)))
    )
    joined = t.join(segments, "customer_id")
    row_profit = joined.profit.coalesce(joined.amount - joined.cost).cast("float64")
    out = joined.group_by("segment").aggregate(
        buyers=joined.customer_id.nunique(), sales=joined.amount.sum().cast("float64"), profit=row_profit.sum()
    )
    margin = ibis.ifelse(out.sales > 0, out.profit / out.sales, ibis.null("float64"))
    return out.mutate(margin=margin)


def segment_future_value(values: ir.Table, segments: ir.Table) -> ir.Table:
    """``segment, valued, p_alive, expected_purchases_12m, clv_12m`` from the value facts (``customer_id,
    p_alive, expected_purchases_12m, clv_12m``): customers valued, mean P(alive), summed purchases and CLV."""
    joined = values.join(segments, "customer_id")
    return joined.group_by("segment").aggregate(
        valued=joined.count(),
        p_alive=joined.p_alive.mean(),
        expected_purchases_12m=joined.expected_purchases_12m.sum(),
        clv_12m=joined.clv_12m.sum(),
    )
