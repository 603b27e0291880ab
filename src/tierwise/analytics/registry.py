"""The indicator registry: every indicator's name, zh/en label, unit and group, in one place.

Policies reference indicators by these names; :mod:`tierwise.analytics.indicators` computes a table
with exactly these columns (one row per customer, plus ``customer_id``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tierwise.errors import IndicatorError
from tierwise.i18n import Message

Group = Literal["trade", "finance", "trait", "engagement", "value"]
Unit = Literal["currency", "count", "days", "ratio", "date", "label", "flag", "rank", "score"]


@dataclass(frozen=True)
class Indicator:
    """Description of one indicator column."""

    name: str
    en: str
    zh: str
    unit: Unit
    group: Group
    source: str  # the input table it needs

    def label(self, lang: str = "en") -> str:
        """The label in ``lang`` (``en`` or ``zh``)."""
        return self.zh if lang == "zh" else self.en


I = Indicator  # noqa: E741 - a one-letter alias keeps the table below readable
INDICATORS: dict[str, Indicator] = {
    i.name: i
    for i in (
        # trade (transactions); *_12m: as_of - 1 year < date <= as_of; lifetime: date <= as_of
        I("has_purchases", "has purchases", "有购买", "flag", "trade", "transactions"),
        I("sales", "lifetime sales", "累计销售额", "currency", "trade", "transactions"),
        I("sales_12m", "12-month sales", "近12个月销售额", "currency", "trade", "transactions"),
        I("sales_prev_12m", "previous 12-month sales", "上一个12个月销售额", "currency", "trade", "transactions"),
        I("sales_growth", "12-month sales growth", "销售额增长率", "ratio", "trade", "transactions"),
        I("profit", "lifetime profit", "累计利润", "currency", "trade", "transactions"),
        I("profit_12m", "12-month profit", "近12个月利润", "currency", "trade", "transactions"),
        I("gross_margin", "12-month gross margin", "近12个月毛利率", "ratio", "trade", "transactions"),
        I("orders", "12-month orders", "近12个月订单数", "count", "trade", "transactions"),
        I("orders_lifetime", "lifetime orders", "累计订单数", "count", "trade", "transactions"),
        I("purchase_days", "12-month purchase days", "近12个月购买天数", "count", "trade", "transactions"),
        I(
            "avg_order_value",
            "12-month average order value",
            "近12个月平均订单金额",
            "currency",
            "trade",
            "transactions",
        ),
        I("largest_order", "12-month largest order", "近12个月最大单笔金额", "currency", "trade", "transactions"),
        I("returns_amount", "12-month returns", "近12个月退货金额", "currency", "trade", "transactions"),
        I("return_rate", "12-month return rate", "近12个月退货率", "ratio", "trade", "transactions"),
        I("first_purchase", "first purchase", "首次购买日期", "date", "trade", "transactions"),
        I("last_purchase", "last purchase", "最近购买日期", "date", "trade", "transactions"),
        I("recency_days", "days since last purchase", "距最近购买天数", "days", "trade", "transactions"),
        I("tenure_days", "days since first purchase", "客户年限（天）", "days", "trade", "transactions"),
        I("categories", "12-month categories bought", "近12个月购买品类数", "count", "trade", "transactions"),
        I("sales_share", "share of 12-month sales", "占近12个月总销售额比例", "ratio", "trade", "transactions"),
        I("sales_rank", "rank by 12-month sales", "近12个月销售额排名", "rank", "trade", "transactions"),
        # finance (receivables)
        I("collection_days", "average collection period", "平均回款天数", "days", "finance", "receivables"),
        I("overdue_amount", "overdue amount", "逾期金额", "currency", "finance", "receivables"),
        I("max_days_overdue", "max days overdue", "最长逾期天数", "days", "finance", "receivables"),
        I("on_time_share", "share paid on time", "按时回款比例", "ratio", "finance", "receivables"),
        I("open_receivables", "open receivables", "未收应收账款", "currency", "finance", "receivables"),
        # traits (customers)
        I("name", "name", "客户名称", "label", "trait", "customers"),
        I("kind", "kind", "客户类型", "label", "trait", "customers"),
        I("industry", "industry", "行业", "label", "trait", "customers"),
        I("region", "region", "地区", "label", "trait", "customers"),
        I("owner", "account manager", "客户经理", "label", "trait", "customers"),
        I("org_level", "organisation level", "机构级别", "label", "trait", "customers"),
        I("annual_revenue", "annual revenue", "年营业额", "currency", "trait", "customers"),
        I("employees", "employees", "员工人数", "count", "trait", "customers"),
        # engagement (visits, complaints, surveys)
        I("visits_90d", "visits in 90 days", "近90天拜访次数", "count", "engagement", "visits"),
        I("complaints_90d", "complaints in 90 days", "近90天投诉次数", "count", "engagement", "complaints"),
        I("open_complaints", "open complaints", "未解决投诉数", "count", "engagement", "complaints"),
        I("last_csat", "last CSAT", "最近满意度", "score", "engagement", "surveys"),
        I("last_nps", "last NPS", "最近推荐度", "score", "engagement", "surveys"),
        # value models (tierwise.value; computed by the services layer when a policy asks for them)
        I("p_alive", "probability alive", "存活概率", "ratio", "value", "transactions"),
        I(
            "expected_purchases_12m",
            "expected purchases in 12 months",
            "未来12个月预期购买次数",
            "count",
            "value",
            "transactions",
        ),
        I("clv_12m", "expected 12-month value", "未来12个月预期价值", "currency", "value", "transactions"),
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
