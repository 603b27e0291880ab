"""Trade indicators from the transactions table, in one grouped scan of the rows up to the as-of date.

Definitions (a row is one transaction line; a negative amount is a return; "window" is the trailing
``months``, default 12: ``as_of - months < date <= as_of``; "previous" is the ``months`` before that;
"lifetime" is ``date <= as_of``; nothing after ``as_of`` is seen):

- ``has_purchases``: the customer has a row with a positive amount in the lifetime.
- ``sales`` / ``sales_12m`` / ``sales_prev_12m``: sum of amounts, returns netted (can be negative); 0
  when there are no rows. Every money sum is rounded to 6 decimals (:mod:`.money`).
- ``sales_growth``: ``(sales_12m - sales_prev_12m) / sales_prev_12m``; null when ``sales_prev_12m <= 0``.
- ``profit`` / ``profit_12m``: sum of each row's profit, where a row's profit is its ``profit`` when
  given, else ``amount - cost``, else unknown (skipped). 0 when the customer has no rows; null when it
  has rows but none with a known profit.
- ``gross_margin``: ``profit_12m / sales_12m``; null when ``sales_12m <= 0`` or profit is unknown.
- ``orders`` / ``orders_lifetime``: positive-amount rows, counting rows sharing a ``transaction_id``
  once (rows without an id count one each).
- ``purchase_days``: distinct dates with a positive-amount row in the window.
- ``avg_order_value``: gross positive amount in the window / ``orders``; null when ``orders = 0``.
- ``largest_order``: the largest positive row amount in the window; null when none.
- ``returns_amount``: minus the sum of negative amounts in the window (a positive number); 0 when none.
- ``return_rate``: ``returns_amount`` / gross positive amount in the window; null when that is 0.
- ``first_purchase`` / ``last_purchase``: dates of the first and last positive-amount rows in the
  lifetime; null when none. ``tenure_days`` / ``recency_days``: ``as_of`` minus those, in days.
- ``categories``: distinct non-null categories of positive-amount rows in the window.
- ``sales_share``: ``sales_12m`` / the sum of ``sales_12m`` over all customers; null when that sum <= 0.
- ``sales_rank``: 1 for the largest ``sales_12m``, ties broken by ``customer_id`` ascending; every
  customer in the list gets a rank.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from tierwise.analytics.indicators.money import money
from tierwise.analytics.indicators.window import Window

# computed over the whole customer list after the join (see rank_columns)
RANKED = ("sales_share", "sales_rank")

# value for a customer with no transaction rows up to as_of; columns not listed stay null
FILL = {
    "has_purchases": False,
    "sales": 0.0,
    "sales_12m": 0.0,
    "sales_prev_12m": 0.0,
    "profit": 0.0,
    "profit_12m": 0.0,
    "orders": 0,
    "orders_lifetime": 0,
    "purchase_days": 0,
    "returns_amount": 0.0,
    "categories": 0,
}


def order_counts(transactions: ir.Table, window: Window) -> ir.Table:
    """Per customer, the distinct transaction ids of its positive lines: in the window and in the lifetime.

    Counted by one sort of three columns, not by hash tables of (customer, id) pairs: the lines ordered
    by id, those inside the window first, a line whose id differs from the one before it starts an
    order, and the order is inside the window exactly when that first line is.
    """
    t = transactions
    lines = t.filter((t.date <= window.as_of) & (t.amount > 0) & t.transaction_id.notnull()).select(
        "customer_id", "transaction_id", _in_window=t.date > window.start
    )
    before = lines.transaction_id.lag().over(
        ibis.window(group_by=lines.customer_id, order_by=[lines.transaction_id, lines._in_window.desc()])
    )
    marked = lines.mutate(_starts=before.isnull() | (before != lines.transaction_id))
    return marked.group_by("customer_id").aggregate(
        _order_ids_12m=marked.count(where=marked._starts & marked._in_window),
        _order_ids=marked.count(where=marked._starts),
    )


def aggregate(transactions: ir.Table, window: Window) -> ir.Table:
    """One row per customer with rows up to ``as_of``: every trade indicator except share and rank.

    Ratios here are left unfilled for customers absent from ``transactions``; see :data:`FILL`.
    """
    t = transactions.filter(transactions.date <= window.as_of)
    as_of = ibis.literal(window.as_of)
    in_window = t.date > window.start
    in_prev = (t.date > window.prev_start) & (t.date <= window.start)
    positive = t.amount > 0
    row_profit = t.profit.coalesce(t.amount - t.cost)
    zero = ibis.literal(0.0)

    agg = t.group_by("customer_id").aggregate(
        _rows_12m=t.count(where=in_window),
        _rows_profit=row_profit.count(),
        _rows_profit_12m=row_profit.count(where=in_window),
        sales=money(t.amount.sum()),
        sales_12m=money(t.amount.sum(where=in_window)).coalesce(zero),
        sales_prev_12m=money(t.amount.sum(where=in_prev)).coalesce(zero),
        _profit=money(row_profit.sum()),
        _profit_12m=money(row_profit.sum(where=in_window)),
        _gross_12m=money(t.amount.sum(where=in_window & positive)).coalesce(zero),
        _orders_no_id_12m=t.count(where=in_window & positive & t.transaction_id.isnull()),
        _orders_no_id=t.count(where=positive & t.transaction_id.isnull()),
        purchase_days=t.date.nunique(where=in_window & positive),
        largest_order=t.amount.max(where=in_window & positive),
        returns_amount=money(-t.amount.sum(where=in_window & (t.amount < 0))).coalesce(zero),
        first_purchase=t.date.min(where=positive),
        last_purchase=t.date.max(where=positive),
        categories=t.category.nunique(where=in_window & positive),
    )
    ids = order_counts(transactions, window)
    agg = agg.left_join(ids, agg.customer_id == ids.customer_id).select(
        *[agg[c] for c in agg.columns if not c.startswith("_orders_no_id")],
        orders=agg._orders_no_id_12m + ids._order_ids_12m.coalesce(0),
        orders_lifetime=agg._orders_no_id + ids._order_ids.coalesce(0),
    )
    return agg.select(
        "customer_id",
        has_purchases=agg.first_purchase.notnull(),
        sales=agg.sales,
        sales_12m=agg.sales_12m,
        sales_prev_12m=agg.sales_prev_12m,
        sales_growth=ibis.ifelse(
            agg.sales_prev_12m > 0, (agg.sales_12m - agg.sales_prev_12m) / agg.sales_prev_12m, ibis.null("float64")
        ),
        profit=ibis.ifelse(agg._rows_profit > 0, agg._profit, ibis.null("float64")),
        profit_12m=ibis.ifelse(
            agg._rows_12m == 0, zero, ibis.ifelse(agg._rows_profit_12m > 0, agg._profit_12m, ibis.null("float64"))
        ),
        gross_margin=ibis.ifelse(
            (agg.sales_12m > 0) & (agg._rows_profit_12m > 0), agg._profit_12m / agg.sales_12m, ibis.null("float64")
        ),
        orders=agg.orders,
        orders_lifetime=agg.orders_lifetime,
        purchase_days=agg.purchase_days,
        avg_order_value=ibis.ifelse(agg.orders > 0, agg._gross_12m / agg.orders, ibis.null("float64")),
        largest_order=agg.largest_order,
        returns_amount=agg.returns_amount,
        return_rate=ibis.ifelse(agg._gross_12m > 0, agg.returns_amount / agg._gross_12m, ibis.null("float64")),
        first_purchase=agg.first_purchase,
        last_purchase=agg.last_purchase,
        recency_days=as_of.delta(agg.last_purchase, unit="day"),
        tenure_days=as_of.delta(agg.first_purchase, unit="day"),
        categories=agg.categories,
    )


def rank_columns(table: ir.Table) -> dict[str, ir.Value]:
    """``sales_share`` and ``sales_rank`` over every customer of ``table`` (which holds ``sales_12m``)."""
    total = table.sales_12m.sum().over(ibis.window())
    # the same ordering keys as the classifiers' quantile positions, so an engine can share one sort
    order = [table.sales_12m.isnull(), table.sales_12m.desc(), table.customer_id]
    rank = ibis.row_number().over(order_by=order) + 1
    return {
        "sales_share": ibis.ifelse(total > 0, table.sales_12m / total, ibis.null("float64")),
        "sales_rank": rank.cast("int64"),
    }
