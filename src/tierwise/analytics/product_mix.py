"""Product mix and cross-sell gaps per segment, set-based in the engine.

The product mix of a segment is its sales per category in the twelve calendar months up to the as-of
date (as the indicators count them) and each category's share of them. A cross-sell gap of a customer is
a category that other customers of its peer group (the same class, the same industry…) bought by the
as-of date and it never did; it ranks by the share of those other customers who bought it
(``peer_share``), then by name.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from tierwise.analytics.indicators.window import months_before


def product_mix(transactions: ir.Table, segments: ir.Table, as_of: dt.date) -> ir.Table:
    """``segment, category, sales, share``: the year's net sales per segment and category (rows with a
    category), and the category's share of the segment's sales over categories with positive sales."""
    day = ibis.literal(as_of)
    t = transactions.filter(
        (transactions.date <= day)
        & (transactions.date > ibis.literal(months_before(as_of, 12)))
        & transactions.category.notnull()
    )
    joined = t.join(segments, "customer_id")
    mix = joined.group_by("segment", "category").aggregate(sales=joined.amount.sum().cast("float64"))
    mix = mix.filter(mix.sales > 0)
    totals = mix.group_by("segment").aggregate(total=mix.sales.sum())
    out = mix.join(totals, "segment")
    return out.mutate(share=out.sales / out.total).drop("total")


def cross_sell_gaps(
    transactions: ir.Table, peers: ir.Table, as_of: dt.date, *, min_share: float = 0.5, top: int = 3
) -> ir.Table:
    """``customer_id, peer_group, category, peer_share, rank``: per customer of ``peers`` (``customer_id,
    peer_group``), up to ``top`` categories it never bought that at least ``min_share`` of the other customers
    of its peer group bought (rank 1 the most bought)."""
    t = transactions.filter(
        (transactions.date <= ibis.literal(as_of)) & transactions.category.notnull() & (transactions.amount > 0)
    )
    bought = t.select("customer_id", "category").distinct()
    sizes = peers.group_by("peer_group").aggregate(members=peers.count())
    buyers = bought.join(peers, "customer_id")
    buyers = buyers.group_by("peer_group", "category").aggregate(buyers=buyers.count())
    candidates = peers.join(buyers, "peer_group").join(sizes, "peer_group")
    candidates = candidates.anti_join(bought, ["customer_id", "category"])
    candidates = candidates.filter(candidates.members > 1)
    candidates = candidates.mutate(peer_share=candidates.buyers.cast("float64") / (candidates.members - 1))
    candidates = candidates.filter(candidates.peer_share >= min_share)
    order = [ibis.desc(candidates.peer_share), candidates.category]
    ranked = candidates.mutate(rank=ibis.row_number().over(group_by=candidates.customer_id, order_by=order) + 1)
    ranked = ranked.filter(ranked.rank <= top)
    return ranked.select("customer_id", "peer_group", "category", "peer_share", "rank")
