"""The indicator registry: every indicator's name, label (a catalogue message), unit and group, in one place.

Policies reference indicators by these names; :mod:`tierwise.analytics.indicators` computes a table
with exactly these columns (one row per customer, plus ``customer_id``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tierwise.errors import IndicatorError
from tierwise.i18n import N_, Message, translate

Group = Literal["trade", "finance", "trait", "engagement", "value"]
Unit = Literal["currency", "count", "days", "ratio", "date", "label", "flag", "rank", "score"]


@dataclass(frozen=True)
class Indicator:
    """Description of one indicator column."""

    name: str
    en: str  # the English label, a catalogue message id
    unit: Unit
    group: Group
    source: str  # the input table it needs

    def label(self, lang: str = "en") -> str:
        """The label in ``lang`` (``en`` or ``zh``), from the message catalogue."""
        return translate(Message(self.en), lang)


I = Indicator  # noqa: E741 - a one-letter alias keeps the table below readable
INDICATORS: dict[str, Indicator] = {
    i.name: i
    for i in (
        # trade (transactions); *_12m: as_of - 1 year < date <= as_of; lifetime: date <= as_of
        I("has_purchases", N_("has purchases"), "flag", "trade", "transactions"),
        I("sales", N_("lifetime sales"), "currency", "trade", "transactions"),
        I("sales_12m", N_("12-month sales"), "currency", "trade", "transactions"),
        I("sales_prev_12m", N_("previous 12-month sales"), "currency", "trade", "transactions"),
        I("sales_growth", N_("12-month sales growth"), "ratio", "trade", "transactions"),
        I("profit", N_("lifetime profit"), "currency", "trade", "transactions"),
        I("profit_12m", N_("12-month profit"), "currency", "trade", "transactions"),
        I("gross_margin", N_("12-month gross margin"), "ratio", "trade", "transactions"),
        I("orders", N_("12-month orders"), "count", "trade", "transactions"),
        I("orders_lifetime", N_("lifetime orders"), "count", "trade", "transactions"),
        I("purchase_days", N_("12-month purchase days"), "count", "trade", "transactions"),
        I(
            "avg_order_value",
            N_("12-month average order value"),
            "currency",
            "trade",
            "transactions",
        ),
        I("largest_order", N_("12-month largest order"), "currency", "trade", "transactions"),
        I("returns_amount", N_("12-month returns"), "currency", "trade", "transactions"),
        I("return_rate", N_("12-month return rate"), "ratio", "trade", "transactions"),
        I("first_purchase", N_("first purchase"), "date", "trade", "transactions"),
        I("last_purchase", N_("last purchase"), "date", "trade", "transactions"),
        I("recency_days", N_("days since last purchase"), "days", "trade", "transactions"),
        I("tenure_days", N_("days since first purchase"), "days", "trade", "transactions"),
        I("categories", N_("12-month categories bought"), "count", "trade", "transactions"),
        I("sales_share", N_("share of 12-month sales"), "ratio", "trade", "transactions"),
        I("sales_rank", N_("rank by 12-month sales"), "rank", "trade", "transactions"),
        # finance (receivables)
        I("collection_days", N_("average collection period"), "days", "finance", "receivables"),
        I("overdue_amount", N_("overdue amount"), "currency", "finance", "receivables"),
        I("max_days_overdue", N_("max days overdue"), "days", "finance", "receivables"),
        I("on_time_share", N_("share paid on time"), "ratio", "finance", "receivables"),
        I("open_receivables", N_("open receivables"), "currency", "finance", "receivables"),
        # traits (customers)
        I("name", N_("name"), "label", "trait", "customers"),
        I("kind", N_("kind"), "label", "trait", "customers"),
        I("industry", N_("industry"), "label", "trait", "customers"),
        I("region", N_("region"), "label", "trait", "customers"),
        I("owner", N_("account manager"), "label", "trait", "customers"),
        I("org_level", N_("organisation level"), "label", "trait", "customers"),
        I("annual_revenue", N_("annual revenue"), "currency", "trait", "customers"),
        I("employees", N_("employees"), "count", "trait", "customers"),
        # engagement (visits, complaints, surveys)
        I("visits_90d", N_("visits in 90 days"), "count", "engagement", "visits"),
        I("complaints_90d", N_("complaints in 90 days"), "count", "engagement", "complaints"),
        I("open_complaints", N_("open complaints"), "count", "engagement", "complaints"),
        I("last_csat", N_("last CSAT"), "score", "engagement", "surveys"),
        I("last_nps", N_("last NPS"), "score", "engagement", "surveys"),
        # value models (tierwise.value; computed by the services layer when a policy asks for them)
        I("p_alive", N_("probability alive"), "ratio", "value", "transactions"),
        I(
            "expected_purchases_12m",
            N_("expected purchases in 12 months"),
            "count",
            "value",
            "transactions",
        ),
        I("clv_12m", N_("expected 12-month value"), "currency", "value", "transactions"),
    )
}


def indicator(name: str) -> Indicator:
    """The registered indicator called ``name``; an unknown name is an error listing the known ones."""
    try:
        return INDICATORS[name]
    except KeyError:
        known = ", ".join(INDICATORS)
        raise IndicatorError(
            Message("unknown indicator %(name)s; known indicators: %(known)s", {"name": repr(name), "known": known})
        ) from None
