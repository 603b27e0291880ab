"""Apache ECharts options for every chart of the HTML report, built from the report model.

Options are plain JSON-ready dicts. The data in them are the model's figures unchanged (shares stay
0..1); formatting happens in the browser, where a ``"fmt:percent"`` / ``"fmt:number"`` string in a
``formatter`` or ``valueFormatter`` is replaced by a function formatting for the report's language.
"""

from __future__ import annotations

from typing import Any

from tierwise.i18n import Formats, gettext_for
from tierwise.report_model import ClassDistribution, Clv, Migration, Pareto, Prospects, ReportData, RfmMap

PALETTE = ["#1f4e79", "#2e86c1", "#17a589", "#f0b429", "#d9534f", "#7d5ba6", "#8c9aa8", "#5dade2"]
AXIS = {"axisLine": {"lineStyle": {"color": "#8c9aa8"}}, "splitLine": {"lineStyle": {"color": "#e8edf2"}}}
GRID = {"left": 56, "right": 24, "top": 48, "bottom": 40, "containLabel": True}


def base_option(**extra: Any) -> dict[str, Any]:
    """The options every chart shares (palette, no animation, the page font, an axis tooltip), with ``extra``."""
    option: dict[str, Any] = {
        "color": PALETTE,
        "animation": False,
        "textStyle": {"fontFamily": "inherit"},
        "tooltip": {"trigger": "axis", "valueFormatter": "fmt:number"},
    }
    option.update(extra)
    return option


def class_chart(dist: ClassDistribution, lang: str) -> dict[str, Any]:
    """Grouped bars per class: share of customers, of sales and (when known) of profit."""
    _ = gettext_for(lang)
    series = [
        {"name": _("Share of customers"), "type": "bar", "data": [r.customer_share for r in dist.rows]},
        {"name": _("Share of sales"), "type": "bar", "data": [r.sales_share for r in dist.rows]},
    ]
    if all(r.profit_share is not None for r in dist.rows) and dist.rows:
        series.append({"name": _("Share of profit"), "type": "bar", "data": [r.profit_share for r in dist.rows]})
    return base_option(
        tooltip={"trigger": "axis", "valueFormatter": "fmt:percent"},
        legend={"top": 0},
        grid=GRID,
        xAxis={"type": "category", "data": [r.label for r in dist.rows], **AXIS},
        yAxis={"type": "value", "axisLabel": {"formatter": "fmt:percent0"}, **AXIS},
        series=series,
    )


def pareto_chart(pareto: Pareto, lang: str) -> dict[str, Any]:
    """The whale curve: cumulative sales (and profit) share against cumulative customer share."""
    _ = gettext_for(lang)
    fmt = Formats(lang)
    x = pareto.customer_share
    series: list[dict[str, Any]] = [
        {
            "name": _("Cumulative share of sales"),
            "type": "line",
            "showSymbol": False,
            "lineStyle": {"width": 3},
            "areaStyle": {"opacity": 0.08},
            "data": [[a, b] for a, b in zip(x, pareto.sales_share, strict=True)],
            "markPoint": {
                "symbol": "pin",
                "symbolSize": 46,
                "label": {"formatter": "80%", "fontSize": 11},
                "data": [{"name": "80/20", "coord": [pareto.customers_for_80, 0.8], "value": 0.8}],
            },
            "markLine": {
                "silent": True,
                "symbol": "none",
                "lineStyle": {"type": "dashed", "color": "#8c9aa8"},
                "label": {
                    "formatter": _(
                        "top 20%% of customers: %(share)s of sales", share=fmt.percent(pareto.top20_sales_share)
                    )
                },
                "data": [{"xAxis": 0.2}],
            },
        },
    ]
    if pareto.profit_share is not None:
        profit = {
            "name": _("Cumulative share of profit (most profitable first)"),
            "type": "line",
            "showSymbol": False,
            "lineStyle": {"width": 3},
            "data": [[a, b] for a, b in zip(x, pareto.profit_share, strict=True)],
        }
        if pareto.profit_peak_customer_share is not None:
            profit["markPoint"] = {
                "symbol": "pin",
                "symbolSize": 46,
                "label": {"formatter": _("peak"), "fontSize": 11},
                "data": [
                    {
                        "name": _("Profit peak"),
                        "coord": [pareto.profit_peak_customer_share, pareto.profit_peak_share],
                        "value": pareto.profit_peak_share,
                    }
                ],
            }
        series.append(profit)
    series.append(
        {
            "name": _("Equal shares"),
            "type": "line",
            "showSymbol": False,
            "silent": True,
            "lineStyle": {"type": "dotted", "color": "#b8c2cc", "width": 1},
            "itemStyle": {"color": "#b8c2cc"},
            "data": [[0, 0], [1, 1]],
        }
    )
    return share_curves_option(series, lang)


def share_curves_option(series: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """Cumulative-share curves (Pareto, whale) on a 0–100 % customer-share axis."""
    _ = gettext_for(lang)
    return base_option(
        tooltip={"trigger": "axis", "valueFormatter": "fmt:percent"},
        legend={"top": 0},
        grid=GRID,
        xAxis={
            "type": "value",
            "min": 0,
            "max": 1,
            "name": _("Share of customers"),
            "nameLocation": "middle",
            "nameGap": 28,
            "axisLabel": {"formatter": "fmt:percent0"},
            **AXIS,
        },
        yAxis={"type": "value", "min": 0, "axisLabel": {"formatter": "fmt:percent0"}, **AXIS},
        series=series,
    )


def rfm_chart(rfm: RfmMap, lang: str) -> dict[str, Any]:
    """The RFM map: recency score (rows) × frequency score (columns), colour = customers."""
    _ = gettext_for(lang)
    scores = ["1", "2", "3", "4", "5"]
    data = [[c.frequency - 1, c.recency - 1, c.customers, c.monetary_mean] for c in rfm.cells]
    top = max((c.customers for c in rfm.cells), default=1)
    return base_option(
        tooltip={"trigger": "item", "formatter": "fmt:rfm"},
        grid={"left": 64, "right": 24, "top": 16, "bottom": 72, "containLabel": True},
        xAxis={
            "type": "category",
            "data": scores,
            "name": _("Frequency score"),
            "nameLocation": "middle",
            "nameGap": 28,
            "splitArea": {"show": True},
        },
        yAxis={
            "type": "category",
            "data": scores,
            "name": _("Recency score"),
            "nameLocation": "middle",
            "nameGap": 32,
            "splitArea": {"show": True},
        },
        visualMap={
            "min": 0,
            "max": top,
            "dimension": 2,
            "calculable": False,
            "orient": "horizontal",
            "left": "center",
            "bottom": 0,
            "itemHeight": 160,
            "inRange": {"color": ["#eef4fa", "#2e86c1", "#1f4e79"]},
        },
        series=[
            {
                "name": _("Customers"),
                "type": "heatmap",
                "data": data,
                "label": {"show": True, "formatter": "fmt:heatcount"},
                "dimensions": ["frequency", "recency", "customers", "monetary"],
                "encode": {"x": 0, "y": 1, "value": 2},
            }
        ],
        rfmNames={
            "customers": _("Customers"),
            "monetary": _("Average 12-month sales"),
            "recency": _("Recency score"),
            "frequency": _("Frequency score"),
        },
    )


def prospect_charts(prospects: Prospects, lang: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Prospects per grade (bars) and the recommended monthly days per grade (doughnut)."""
    _ = gettext_for(lang)
    bars = base_option(
        grid=GRID,
        xAxis={"type": "category", "data": [g.label for g in prospects.grades], **AXIS},
        yAxis={"type": "value", "minInterval": 1, **AXIS},
        series=[
            {
                "name": _("Prospects"),
                "type": "bar",
                "barMaxWidth": 56,
                "data": [g.prospects for g in prospects.grades],
                "label": {"show": True, "position": "top"},
            }
        ],
    )
    timed = [g for g in prospects.grades if g.days_per_month]
    if not timed:
        return bars, None
    pie = base_option(
        tooltip={"trigger": "item", "valueFormatter": "fmt:number1"},
        legend={"bottom": 0},
        series=[
            {
                "name": _("Days per month"),
                "type": "pie",
                "radius": ["42%", "70%"],
                "center": ["50%", "45%"],
                "label": {"formatter": "{b}\n{c}"},
                "data": [{"name": g.label, "value": g.days_per_month} for g in timed],
            }
        ],
    )
    return bars, pie


def clv_charts(clv: Clv, lang: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Expected value per CLV tier (bars), and the P(alive) histogram."""
    _ = gettext_for(lang)
    fmt = Formats(lang)
    tiers = base_option(
        grid=GRID,
        legend={"top": 0},
        xAxis={"type": "category", "data": [t.label for t in clv.tiers], **AXIS},
        yAxis=[
            {"type": "value", "axisLabel": {"formatter": "fmt:compact"}, **AXIS},
            {"type": "value", "minInterval": 1, "splitLine": {"show": False}},
        ],
        series=[
            {
                "name": _("Expected 12-month value"),
                "type": "bar",
                "barMaxWidth": 56,
                "data": [t.clv for t in clv.tiers],
            },
            {"name": _("Customers"), "type": "line", "yAxisIndex": 1, "data": [t.customers for t in clv.tiers]},
        ],
    )
    edges = clv.p_alive_edges
    bins = [f"{fmt.percent(a, 0)}–{fmt.percent(b, 0)}" for a, b in zip(edges[:-1], edges[1:], strict=True)]
    hist = base_option(
        grid=GRID,
        xAxis={
            "type": "category",
            "data": bins,
            "name": _("Probability alive"),
            "nameLocation": "middle",
            "nameGap": 28,
            **AXIS,
        },
        yAxis={"type": "value", "minInterval": 1, **AXIS},
        series=[
            {
                "name": _("Customers"),
                "type": "bar",
                "barCategoryGap": "8%",
                "data": list(clv.p_alive_counts),
                "itemStyle": {"color": PALETTE[2]},
            }
        ],
    )
    return tiers, hist


def sankey_chart(migration: Migration, lang: str) -> dict[str, Any]:
    """Moves between classes from the compare date (left) to the report date (right)."""
    fmt = Formats(lang)
    left = [f"{label} · {fmt.date(migration.from_date)}" for _, label in migration.classes]
    right = [f"{label} · {fmt.date(migration.to_date)}" for _, label in migration.classes]
    used_left = {i for i, _, _ in migration.links()}
    used_right = {j for _, j, _ in migration.links()}
    colour = [PALETTE[i % len(PALETTE)] for i in range(len(migration.classes))]
    nodes = [{"name": left[i], "itemStyle": {"color": colour[i]}} for i in sorted(used_left)]
    nodes += [{"name": right[j], "itemStyle": {"color": colour[j]}} for j in sorted(used_right)]
    links = [{"source": left[i], "target": right[j], "value": n} for i, j, n in migration.links()]
    return base_option(
        tooltip={"trigger": "item", "valueFormatter": "fmt:number"},
        series=[
            {
                "type": "sankey",
                "data": nodes,
                "links": links,
                "nodeAlign": "justify",
                "left": 8,
                "right": 150,
                "top": 8,
                "bottom": 8,
                "emphasis": {"focus": "adjacency"},
                "nodeWidth": 14,
                "nodeGap": 12,
                "label": {"fontSize": 12},
                "lineStyle": {"color": "source", "opacity": 0.35, "curveness": 0.5},
            }
        ],
    )


def all_charts(report: ReportData) -> dict[str, dict[str, Any]]:
    """Every chart of ``report``, keyed by the id of the element it draws in."""
    lang = report.lang
    charts: dict[str, dict[str, Any]] = {}
    for i, dist in enumerate(report.classes):
        if dist.rows:
            charts[f"chart-classes-{i}"] = class_chart(dist, lang)
    if report.pareto is not None:
        charts["chart-pareto"] = pareto_chart(report.pareto, lang)
    if report.rfm is not None:
        charts["chart-rfm"] = rfm_chart(report.rfm, lang)
    if report.prospects is not None:
        bars, pie = prospect_charts(report.prospects, lang)
        charts["chart-prospects"] = bars
        if pie is not None:
            charts["chart-prospect-time"] = pie
    if report.clv is not None:
        charts["chart-clv-tiers"], charts["chart-p-alive"] = clv_charts(report.clv, lang)
    if report.migration is not None and report.migration.links():
        charts["chart-sankey"] = sankey_chart(report.migration, lang)
    return charts
