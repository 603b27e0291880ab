"""ECharts options of the analyses and churn pages, in the reports' style (the palette, axes and
browser-side formatters of ``reports/static/report.js``, which draws them)."""

from __future__ import annotations

from typing import Any

from tierwise.analyses_model import SegmentAnalyses
from tierwise.i18n import gettext_for
from tierwise.reports.charts import AXIS, GRID, base_option
from tierwise.services.churn import ChurnAnalysis


def _categories(analyses: SegmentAnalyses) -> list[str]:
    return [s.label for s in analyses.segments]


def loyalty_option(analyses: SegmentAnalyses, lang: str) -> dict[str, Any]:
    """The repeat rate of each segment."""
    _ = gettext_for(lang)
    return base_option(
        tooltip={"trigger": "axis", "valueFormatter": "fmt:percent"},
        grid=GRID,
        xAxis={"type": "category", "data": _categories(analyses), **AXIS},
        yAxis={"type": "value", "max": 1, "axisLabel": {"formatter": "fmt:percent0"}, **AXIS},
        series=[
            {
                "name": _("Repeat rate"),
                "type": "bar",
                "barMaxWidth": 48,
                "data": [s.repeat_rate for s in analyses.segments],
            }
        ],  # fmt: skip
    )


def profit_option(analyses: SegmentAnalyses, lang: str) -> dict[str, Any]:
    """The year's sales and profit of each segment."""
    _ = gettext_for(lang)
    return base_option(
        tooltip={"trigger": "axis", "valueFormatter": "fmt:number"},
        legend={"top": 0},
        grid=GRID,
        xAxis={"type": "category", "data": _categories(analyses), **AXIS},
        yAxis={"type": "value", "axisLabel": {"formatter": "fmt:compact"}, **AXIS},
        series=[
            {"name": _("Sales"), "type": "bar", "barMaxWidth": 40, "data": [s.sales for s in analyses.segments]},
            {"name": _("Profit"), "type": "bar", "barMaxWidth": 40, "data": [s.profit for s in analyses.segments]},
        ],
    )


def cohort_option(analyses: SegmentAnalyses, lang: str, segment: str | None = None) -> dict[str, Any]:
    """Retention of the first-purchase quarters of ``segment`` (None: all segments together): quarter ×
    quarters since, in %."""
    _ = gettext_for(lang)
    rows = [c for c in analyses.cohorts if c.segment == segment]
    width = max((len(c.retention) for c in rows), default=1)
    data = [[k, i, round(100 * v)] for i, c in enumerate(rows) for k, v in enumerate(c.retention)]
    return base_option(
        tooltip={"trigger": "item"},
        grid={"left": 64, "right": 24, "top": 16, "bottom": 48, "containLabel": True},
        xAxis={
            "type": "category",
            "data": [str(k) for k in range(width)],
            "name": _("quarters after the first"),
            "nameLocation": "middle",
            "nameGap": 28,
            "splitArea": {"show": True},
        },  # fmt: skip
        yAxis={
            "type": "category",
            "inverse": True,
            "splitArea": {"show": True},
            "data": [f"{c.cohort.year}Q{(c.cohort.month - 1) // 3 + 1} ({c.customers})" for c in rows],
        },  # fmt: skip
        visualMap={"min": 0, "max": 100, "show": False, "inRange": {"color": ["#eef4fa", "#2e86c1", "#1f4e79"]}},
        series=[
            {
                "name": _("Share retained"),
                "type": "heatmap",
                "data": data,
                "label": {"show": True, "formatter": "{@[2]}%"},
            }
        ],  # fmt: skip
    )


def mix_option(analyses: SegmentAnalyses, lang: str) -> dict[str, Any]:
    """Each segment's sales by category, as shares stacked to 100 %."""
    _ = gettext_for(lang)
    codes = [s.code for s in analyses.segments]
    categories = sorted({m.category for m in analyses.mix})
    share = {(m.segment, m.category): m.share for m in analyses.mix}
    series = [
        {
            "name": c,
            "type": "bar",
            "stack": "mix",
            "barMaxWidth": 48,
            "data": [share.get((code, c), 0.0) for code in codes],
        }  # fmt: skip
        for c in categories
    ]
    return base_option(
        tooltip={"trigger": "axis", "valueFormatter": "fmt:percent"},
        legend={"top": 0, "type": "scroll"},
        grid=GRID,
        xAxis={"type": "category", "data": _categories(analyses), **AXIS},
        yAxis={"type": "value", "max": 1, "axisLabel": {"formatter": "fmt:percent0"}, **AXIS},
        series=series,
    )


def uplift_option(analyses: SegmentAnalyses, lang: str) -> dict[str, Any]:
    """Sales uplift against the baseline per segment, one series per promotion window."""
    _ = gettext_for(lang)
    codes = [s.code for s in analyses.segments]
    names = list(dict.fromkeys(p.promotion for p in analyses.promotions))
    ratio = {(p.promotion, p.segment): p.uplift_ratio for p in analyses.promotions}
    return base_option(
        tooltip={"trigger": "axis", "valueFormatter": "fmt:percent"},
        legend={"top": 0},
        grid=GRID,
        xAxis={"type": "category", "data": _categories(analyses), **AXIS},
        yAxis={"type": "value", "axisLabel": {"formatter": "fmt:percent0"}, **AXIS},
        series=[
            {"name": n, "type": "bar", "barMaxWidth": 40, "data": [ratio.get((n, c)) for c in codes]} for n in names
        ]
        or [{"name": _("Uplift"), "type": "bar", "data": []}],  # fmt: skip
    )


def value_option(analyses: SegmentAnalyses, lang: str) -> dict[str, Any]:
    """The value models' 12-month CLV per segment, with the mean P(alive) on the right axis."""
    _ = gettext_for(lang)
    return base_option(
        tooltip={"trigger": "axis", "valueFormatter": "fmt:number1"},
        legend={"top": 0},
        grid=GRID,
        xAxis={"type": "category", "data": _categories(analyses), **AXIS},
        yAxis=[
            {"type": "value", "axisLabel": {"formatter": "fmt:compact"}, **AXIS},
            {"type": "value", "min": 0, "max": 1, "axisLabel": {"formatter": "fmt:percent0"},
             "splitLine": {"show": False}},
        ],
        series=[
            {"name": _("Expected 12-month value"), "type": "bar", "barMaxWidth": 40,
             "data": [s.clv_12m for s in analyses.segments]},
            {"name": _("Average P(alive)"), "type": "line", "yAxisIndex": 1, "symbolSize": 8,
             "data": [s.p_alive for s in analyses.segments]},
        ],
    )  # fmt: skip


def lost_option(churn: ChurnAnalysis, lang: str) -> dict[str, Any]:
    """Customers lost per quarter."""
    _ = gettext_for(lang)
    quarters = [f"{start.year}Q{(start.month - 1) // 3 + 1}" for start, _n in churn.lost_per_period]
    return base_option(
        tooltip={"trigger": "axis", "valueFormatter": "fmt:number"},
        grid=GRID,
        xAxis={"type": "category", "data": quarters, **AXIS},
        yAxis={"type": "value", "minInterval": 1, **AXIS},
        series=[
            {
                "name": _("Customers lost"),
                "type": "bar",
                "barMaxWidth": 40,
                "itemStyle": {"color": "#d9534f"},
                "data": [n for _start, n in churn.lost_per_period],
            }
        ],  # fmt: skip
    )


def traits_option(churn: ChurnAnalysis, lang: str) -> dict[str, Any]:
    """Lost against retained: the shares with declining sales and ever in the key class."""
    _ = gettext_for(lang)
    labels = [_("Declining sales before"), _("Ever a key account")]
    lost, kept = churn.lost, churn.retained
    return base_option(
        tooltip={"trigger": "axis", "valueFormatter": "fmt:percent"},
        legend={"top": 0},
        grid=GRID,
        xAxis={"type": "category", "data": labels, **AXIS},
        yAxis={"type": "value", "max": 1, "axisLabel": {"formatter": "fmt:percent0"}, **AXIS},
        series=[
            {"name": _("Lost"), "type": "bar", "barMaxWidth": 40, "itemStyle": {"color": "#d9534f"},
             "data": [lost.declining_share, lost.key_account_share]},
            {"name": _("Retained"), "type": "bar", "barMaxWidth": 40, "itemStyle": {"color": "#17a589"},
             "data": [kept.declining_share, kept.key_account_share]},
        ],
    )  # fmt: skip
