"""Engagement indicators from the visits, complaints and surveys tables, one grouped scan each.

- ``visits_90d`` / ``complaints_90d``: rows with ``as_of - 90 days < date <= as_of``; 0 when none.
- ``open_complaints``: complaints raised by ``as_of`` that were still open at ``as_of``: status
  ``open``, or resolved after ``as_of``, or with neither a status nor a resolved date; 0 when none.
- ``last_csat`` / ``last_nps``: the score of the latest survey with that score dated by ``as_of``
  (if two share that date, the higher score); null when none.
"""

from __future__ import annotations

import ibis.expr.types as ir

from tierwise.analytics.indicators.window import Window

FILL = {"visits_90d": 0, "complaints_90d": 0, "open_complaints": 0}


def _recent(table: ir.Table, window: Window) -> ir.BooleanValue:
    return table.date > window.recent_start


def visits(table: ir.Table, window: Window) -> ir.Table:
    """``visits_90d`` per customer with a visit by ``as_of``."""
    v = table.filter(table.date <= window.as_of)
    return v.group_by("customer_id").aggregate(visits_90d=v.count(where=_recent(v, window)))


def complaints(table: ir.Table, window: Window) -> ir.Table:
    """``complaints_90d`` and ``open_complaints`` per customer with a complaint by ``as_of``."""
    c = table.filter(table.date <= window.as_of)
    status_open = (c.status == "open").coalesce(False)
    resolved_later = (c.resolved_date > window.as_of).coalesce(False)
    unknown = c.status.isnull() & c.resolved_date.isnull()
    return c.group_by("customer_id").aggregate(
        complaints_90d=c.count(where=_recent(c, window)),
        open_complaints=c.count(where=status_open | resolved_later | unknown),
    )


def _latest(score: ir.IntegerColumn, day: ir.DateColumn) -> ir.IntegerScalar:
    # the key orders by date, then by score, so ties on the latest date resolve the same on every engine
    key = day.epoch_days().cast("int64") * 1000 + score
    return score.argmax(key, where=score.notnull())


def surveys(table: ir.Table, window: Window) -> ir.Table:
    """``last_csat`` and ``last_nps`` per customer with a survey by ``as_of``."""
    s = table.filter(table.date <= window.as_of)
    return s.group_by("customer_id").aggregate(
        last_csat=_latest(s.csat, s.date).cast("int64"),
        last_nps=_latest(s.nps, s.date).cast("int64"),
    )


GROUPS = {"visits": visits, "complaints": complaints, "surveys": surveys}
