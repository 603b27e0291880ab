"""The per-customer input of prospect grading, built from the canonical ``opportunities`` table.

One row per customer that has opportunities, describing its *most advanced open* opportunity (stage
negotiation > proposal > qualified > lead; then the earliest expected close date; then the opportunity
id). A customer whose opportunities are all won or lost keeps one row with ``open_opportunities = 0``
and no open-opportunity columns, which the ``prospect-grade`` policy grades ``closed``.

``close_in_months`` counts calendar months from ``as_of`` to the expected close date, rounded up: a
date is within ``m`` months exactly when ``close_in_months <= m`` (as of 2025-01-15, 2025-07-15 gives 6
and 2025-07-16 gives 7; month ends clamp as calendars do). A date already past counts as 0.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from tierwise.analytics.registry import Indicator
from tierwise.i18n import N_
from tierwise.io.columns import OPEN_STAGES

_I = Indicator
PROSPECT_INDICATORS: dict[str, Indicator] = {
    i.name: i
    for i in (
        _I("opportunity_id", N_("opportunity"), "label", "trade", "opportunities"),
        _I("stage", N_("stage"), "label", "trade", "opportunities"),
        _I("open_opportunities", N_("open opportunities"), "count", "trade", "opportunities"),
        _I("expected_close_date", N_("expected close date"), "date", "trade", "opportunities"),
        _I("close_in_months", N_("months to expected close"), "count", "trade", "opportunities"),
        _I("amount", N_("opportunity amount"), "currency", "trade", "opportunities"),
        _I("objective_need", N_("objective need"), "label", "trait", "opportunities"),
        _I("subjective_need", N_("subjective need"), "label", "trait", "opportunities"),
        _I("resolve", N_("resolve"), "label", "trait", "opportunities"),
        _I("feasibility_started", N_("feasibility study started"), "flag", "trait", "opportunities"),
        _I("selection_started", N_("vendor selection started"), "flag", "trait", "opportunities"),
    )
}

_OPEN_DETAIL = (
    "opportunity_id",
    "stage",
    "expected_close_date",
    "close_in_months",
    "amount",
    "objective_need",
    "subjective_need",
    "resolve",
    "feasibility_started",
    "selection_started",
)


def months_until(as_of: dt.date, day: ir.DateValue) -> ir.IntegerValue:
    """Calendar months from ``as_of`` to ``day``, rounded up, never below 0 (see the module docstring)."""
    whole = (day.year() - as_of.year) * 12 + (day.month() - as_of.month)
    months = whole + ibis.ifelse(day.day() > as_of.day, 1, 0)
    return ibis.ifelse(months < 0, 0, months).cast("int64")


def prospect_indicators(opportunities: ir.Table, as_of: dt.date) -> ir.Table:
    """One row per customer: its most advanced open opportunity and ``open_opportunities`` (see module)."""
    t = opportunities
    is_open = t.stage.isin(list(OPEN_STAGES))
    stage_rank = ibis.cases(*[(t.stage == s, i) for i, s in enumerate(OPEN_STAGES)], else_=-1)
    window = ibis.window(
        group_by=t.customer_id,
        order_by=[
            is_open.desc(),
            stage_rank.desc(),
            t.expected_close_date.isnull(),
            t.expected_close_date,
            t.opportunity_id,
        ],
    )
    ranked = t.mutate(
        _is_open=is_open,
        close_in_months=months_until(as_of, t.expected_close_date),
        open_opportunities=is_open.cast("int64").sum().over(group_by=t.customer_id),
        _pick=ibis.row_number().over(window),
    ).filter(lambda r: r._pick == 0)
    detail = {c: ibis.ifelse(ranked._is_open, ranked[c], ibis.null(ranked[c].type())) for c in _OPEN_DETAIL}
    return ranked.select("customer_id", "open_opportunities", **detail)
