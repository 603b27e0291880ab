"""Pareto analysis: the Lorenz and whale curves, Gini, the top-20 % share and the 80/20/30 profit view.

Customers counted are those active in the window (12-month sales or profit not zero). Sales below zero
(net returns) count as zero in the Lorenz curve and the Gini coefficient; profit keeps its sign, which
is the point of the whale curve: sorted by profit, cumulative profit climbs above 100 % and falls back
as the unprofitable customers are added (Kaplan & Cooper, *Cost & Effect*, 1998). The 80/20/30 view:
the most profitable 20 % of customers and their share of profit, and the profit lost to the least
profitable 30 %.

>>> import ibis
>>> t = ibis.memtable({"customer_id": ["a", "b", "c", "d", "e"], "sales_12m": [60.0, 20, 10, 5, 5],
...                    "profit_12m": [30.0, 5, 2, -2, -5]})
>>> s = pareto_summary(t)
>>> round(s.top20_sales_share, 2), round(s.gini, 2), s.point_80_20
(0.6, 0.5, 0.4)
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

TOP, BOTTOM, PARETO = 0.2, 0.3, 0.8


@dataclass(frozen=True)
class ParetoSummary:
    """The figures of a Pareto analysis (shares are 0–1; ``None`` when profit is unknown)."""

    customers: int
    total_sales: float
    gini: float
    top20_sales_share: float
    point_80_20: float  # the smallest share of customers (by sales) that makes 80 % of sales
    total_profit: float | None
    top20_profit_share: float | None  # profit of the most profitable 20 % / total profit
    profit_peak_share: float | None  # highest cumulative profit on the whale curve / total profit
    profit_peak_at: float | None  # the share of customers (by profit) where the peak is
    bottom30_profit: float | None  # profit of the least profitable 30 % (negative: lost)


def _active(indicators: ir.Table, sales: str, profit: str | None) -> ir.Table:
    t = indicators
    s = t[sales].fill_null(0)
    p = t[profit].fill_null(0) if profit else ibis.literal(0.0)
    cols = {
        "customer_id": t.customer_id,
        "sales": ibis.ifelse(s > 0, s, 0).cast("float64"),
        "profit": (t[profit] if profit else ibis.null("float64")).cast("float64"),
    }
    return t.filter((s != 0) | (p != 0)).select(**cols)


def _ranked(indicators: ir.Table, sales: str, profit: str | None) -> ir.Table:
    t = _active(indicators, sales, profit)
    sales_order = [t.sales.desc(), t.customer_id]
    profit_order = [t.profit.desc(), t.customer_id]
    by_sales, by_profit = ibis.window(order_by=sales_order), ibis.window(order_by=profit_order)
    upto_sales = ibis.window(order_by=sales_order, rows=(None, 0))
    upto_profit = ibis.window(order_by=profit_order, rows=(None, 0))
    whole = ibis.window()
    return t.mutate(
        n=t.count().over(whole),
        total_sales=t.sales.sum().over(whole),
        total_profit=t.profit.sum().over(whole),
        sales_pos=ibis.row_number().over(by_sales) + 1,
        profit_pos=ibis.row_number().over(by_profit) + 1,
        cum_sales=t.sales.sum().over(upto_sales),
        cum_profit_by_sales=t.profit.sum().over(upto_sales),
        cum_profit=t.profit.sum().over(upto_profit),
    )


def pareto_curve(
    indicators: ir.Table, sales: str = "sales_12m", profit: str | None = "profit_12m", points: int = 100
) -> ir.Table:
    """Curve data at about ``points`` steps of the customer share (all customers when fewer).

    Columns: ``customer_share``; by sales descending ``sales_share`` and ``profit_share`` (Lorenz);
    by profit descending ``whale_profit_share`` (the whale curve, may exceed 1).
    """
    r = _ranked(indicators, sales, profit)
    total_profit = ibis.ifelse(r.total_profit != 0, r.total_profit, ibis.null("float64"))
    total_sales = ibis.ifelse(r.total_sales != 0, r.total_sales, ibis.null("float64"))
    by_sales = r.select(
        pos=r.sales_pos,
        n=r.n,
        customer_share=r.sales_pos / r.n,
        sales_share=r.cum_sales / total_sales,
        profit_share=r.cum_profit_by_sales / total_profit,
    )
    by_profit = r.select(pos_p=r.profit_pos, whale_profit_share=r.cum_profit / total_profit)
    joined = by_sales.join(by_profit, by_sales.pos == by_profit.pos_p)
    step = ((joined.pos * points) // joined.n) > (((joined.pos - 1) * points) // joined.n)
    return (
        joined.filter(step)
        .select("customer_share", "sales_share", "profit_share", "whale_profit_share")
        .order_by("customer_share")
    )


def pareto_summary(indicators: ir.Table, sales: str = "sales_12m", profit: str | None = "profit_12m") -> ParetoSummary:
    """Gini, top-20 % shares, the 80/20 point and the whale-curve figures (one small query)."""
    r = _ranked(indicators, sales, profit)
    gini_term = (r.n + 1 - r.sales_pos) * r.sales  # ascending position = n + 1 − descending position
    top_sales = ibis.ifelse(r.sales_pos <= r.n * TOP + 1e-9, r.sales, 0)
    top_profit = ibis.ifelse(r.profit_pos <= r.n * TOP + 1e-9, r.profit, 0)
    bottom_profit = ibis.ifelse(r.profit_pos > r.n * (1 - BOTTOM) + 1e-9, r.profit, 0)
    crossed = ibis.ifelse(r.cum_sales >= r.total_sales * PARETO - 1e-9, r.sales_pos, ibis.null("int64"))
    agg = (
        r.aggregate(
            customers=r.count(),
            total_sales=r.sales.sum(),
            total_profit=r.profit.sum(),
            gini_sum=gini_term.sum(),
            top_sales=top_sales.sum(),
            top_profit=top_profit.sum(),
            bottom_profit=bottom_profit.sum(),
            first_80=crossed.min(),
            peak=r.cum_profit.max(),
        )
        .execute()
        .iloc[0]
    )
    n = int(agg.customers)
    if n == 0:
        return ParetoSummary(0, 0.0, 0.0, 0.0, 0.0, None, None, None, None, None)
    total = float(agg.total_sales or 0)
    gini = (2 * float(agg.gini_sum) / (n * total) - (n + 1) / n) if total > 0 else 0.0
    has_profit = profit is not None and agg.total_profit is not None and agg.total_profit == agg.total_profit
    total_profit = float(agg.total_profit) if has_profit else None
    peak_at = None
    if has_profit:
        peak_at = float(r.filter(r.cum_profit == float(agg.peak)).profit_pos.min().execute()) / n
    share = (lambda v: float(v) / total_profit) if has_profit and total_profit else (lambda v: None)
    return ParetoSummary(
        customers=n,
        total_sales=total,
        gini=gini,
        top20_sales_share=float(agg.top_sales) / total if total > 0 else 0.0,
        point_80_20=float(agg.first_80) / n if total > 0 else 0.0,
        total_profit=total_profit,
        top20_profit_share=share(agg.top_profit) if has_profit else None,
        profit_peak_share=share(agg.peak) if has_profit else None,
        profit_peak_at=peak_at,
        bottom30_profit=float(agg.bottom_profit) if has_profit else None,
    )
