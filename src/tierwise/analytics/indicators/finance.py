"""Finance indicators from the receivables table, as of the as-of date, in one grouped scan.

Only invoices issued by ``as_of`` (``invoice_date <= as_of``) are seen. A payment counts when its
``paid_date <= as_of``; its amount is ``paid_amount``, or the whole invoice ``amount`` when
``paid_amount`` is empty. A payment amount without a payment date is not counted (its date is unknown).
An invoice's unpaid part at ``as_of`` is ``max(amount - paid, 0)``. Money sums are rounded as in :mod:`.money`.

- ``collection_days``: over invoices with a payment by ``as_of``, the mean of ``paid_date -
  invoice_date`` in days weighted by the amount paid; null when nothing was paid.
- ``overdue_amount``: the unpaid part of invoices past due at ``as_of`` (``due_date < as_of``; an
  invoice due on ``as_of`` is not yet overdue); 0 when none.
- ``max_days_overdue``: the largest lateness over the customer's invoices, where an invoice still
  (partly) unpaid after its due date is ``as_of - due_date`` days late, and one paid after its due date
  is ``paid_date - due_date`` days late (the larger of the two when both hold); 0 when no invoice was
  ever late, including customers without invoices.
- ``on_time_share``: of the invoices due by ``as_of`` (``due_date <= as_of``), the share (by count)
  paid in full on or before their due date; null when none is due.
- ``open_receivables``: the unpaid part of every invoice issued by ``as_of``; 0 when none.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from tierwise.analytics.indicators.money import money
from tierwise.analytics.indicators.window import Window

FILL = {"overdue_amount": 0.0, "max_days_overdue": 0, "open_receivables": 0.0}


def aggregate(receivables: ir.Table, window: Window) -> ir.Table:
    """One row per customer with an invoice issued by ``as_of``: every finance indicator."""
    r = receivables.filter(receivables.invoice_date <= window.as_of)
    as_of = ibis.literal(window.as_of)
    zero = ibis.literal(0.0)
    paid_by = r.paid_date.notnull() & (r.paid_date <= window.as_of)
    paid = ibis.ifelse(paid_by, r.paid_amount.coalesce(r.amount), zero)
    unpaid = ibis.greatest(r.amount - paid, zero)
    past_due = r.due_date < window.as_of
    days_open_late = ibis.ifelse(past_due & (unpaid > 0), as_of.delta(r.due_date, unit="day"), 0)
    days_paid_late = ibis.ifelse(paid_by & (r.paid_date > r.due_date), r.paid_date.delta(r.due_date, unit="day"), 0)
    due = r.due_date <= window.as_of
    on_time = due & paid_by & (r.paid_date <= r.due_date) & (paid >= r.amount)
    collection_weight = paid * r.paid_date.delta(r.invoice_date, unit="day")

    agg = r.group_by("customer_id").aggregate(
        _weighted_days=money(collection_weight.sum(where=paid_by)),
        _paid=money(paid.sum(where=paid_by)),
        overdue_amount=money(unpaid.sum(where=past_due)).coalesce(zero),
        max_days_overdue=ibis.greatest(days_open_late, days_paid_late).max(),
        _on_time=r.count(where=on_time),
        _due=r.count(where=due),
        open_receivables=money(unpaid.sum()),
    )
    return agg.select(
        "customer_id",
        collection_days=ibis.ifelse(agg._paid > 0, agg._weighted_days / agg._paid, ibis.null("float64")),
        overdue_amount=agg.overdue_amount,
        max_days_overdue=agg.max_days_overdue.cast("int64"),
        on_time_share=ibis.ifelse(agg._due > 0, agg._on_time / agg._due, ibis.null("float64")),
        open_receivables=agg.open_receivables,
    )
