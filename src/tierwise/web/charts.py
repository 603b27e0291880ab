"""ECharts options of the dashboard, in the reports' style (the same palette, axes and browser-side
formatters of ``reports/static/report.js``, which draws them)."""

from __future__ import annotations

from typing import Any

from tierwise.i18n import gettext_for
from tierwise.report_model import ClassDistribution, ClassRow, Migration
from tierwise.reports.charts import AXIS, GRID, base_option, class_chart, share_curves_option
from tierwise.services.dashboard import Dashboard


def classes_option(board: Dashboard, lang: str) -> dict[str, Any]:
    """Grouped bars per class: shares of customers, sales and profit (the report's class chart)."""
    rows = [
        ClassRow(
            c.code,
            c.label,
            c.customers,
            c.customer_share,
            c.sales or 0.0,
            c.sales_share or 0.0,
            c.profit,
            c.profit_share,
        )
        for c in board.classes
    ]
    return class_chart(ClassDistribution(board.policy or "", "", "", rows), lang)


def customers_for(curve: list[list[float]], share: float) -> float | None:
    """The customer share at which the curve first reaches ``share`` (linear between points)."""
    for (x0, y0), (x1, y1) in zip(curve, curve[1:], strict=False):
        if y0 <= share <= y1 and y1 > y0:
            return x0 + (x1 - x0) * (share - y0) / (y1 - y0)
    return None


def curves_option(board: Dashboard, lang: str) -> dict[str, Any]:
    """The Pareto curve (sales) with the 80/20 point and the whale curve (profit) with its peak."""
    _ = gettext_for(lang)
    series: list[dict[str, Any]] = []
    if board.pareto:
        x80 = customers_for(board.pareto, 0.8)
        series.append(
            {
                "name": _("Cumulative share of sales"),
                "type": "line",
                "showSymbol": False,
                "lineStyle": {"width": 3},
                "areaStyle": {"opacity": 0.08},
                "data": board.pareto,
                "markPoint": {
                    "symbol": "pin",
                    "symbolSize": 46,
                    "label": {"formatter": "80%", "fontSize": 11},
                    "data": [{"name": "80/20", "coord": [x80, 0.8], "value": 0.8}] if x80 is not None else [],
                },
                "markLine": {
                    "silent": True,
                    "symbol": "none",
                    "lineStyle": {"type": "dashed", "color": "#8c9aa8"},
                    "label": {"formatter": "20%"},
                    "data": [{"xAxis": 0.2}],
                },
            }
        )
    if board.whale:
        peak = board.whale_peak
        series.append(
            {
                "name": _("Cumulative share of profit (most profitable first)"),
                "type": "line",
                "showSymbol": False,
                "lineStyle": {"width": 3},
                "data": board.whale,
                "markPoint": {
                    "symbol": "pin",
                    "symbolSize": 46,
                    "label": {"formatter": _("peak"), "fontSize": 11},
                    "data": [{"name": _("Profit peak"), "coord": peak, "value": peak[1]}] if peak else [],
                },
            }
        )
    return share_curves_option(series, lang)


def migration(board: Dashboard, previous_as_of: Any) -> Migration | None:
    """The moves since the previous run as the report's migration model (classes highest first)."""
    if not board.moves or board.as_of is None:
        return None
    codes = [c.code for c in board.classes]
    labels = {c.code: c.label for c in board.classes}
    for move in board.moves:  # a class no longer in the policy still shows
        for code in (move.from_class, move.to_class):
            if code not in labels:
                codes.append(code)
                labels[code] = code
    index = {code: i for i, code in enumerate(codes)}
    counts = [[0] * len(codes) for _ in codes]
    for move in board.moves:  # one move per pair of classes: a handful
        counts[index[move.from_class]][index[move.to_class]] += move.customers
    up = sum(counts[i][j] for i in range(len(codes)) for j in range(i))
    down = sum(counts[i][j] for i in range(len(codes)) for j in range(i + 1, len(codes)))
    same = sum(counts[i][i] for i in range(len(codes)))
    return Migration(
        board.policy or "", previous_as_of, board.as_of, [(c, labels[c]) for c in codes], counts, up, down, same
    )


def complaints_option(board: Dashboard, lang: str) -> dict[str, Any]:
    """Open complaints by age in days."""
    _ = gettext_for(lang)
    return base_option(
        tooltip={"trigger": "axis", "valueFormatter": "fmt:number"},
        grid=GRID,
        xAxis={
            "type": "category",
            "name": _("days open"),
            "data": [band for band, _n in board.complaints_by_age],
            **AXIS,
        },
        yAxis={"type": "value", "minInterval": 1, **AXIS},
        series=[
            {
                "name": _("Open complaints"),
                "type": "bar",
                "data": [n for _band, n in board.complaints_by_age],
                "itemStyle": {"color": "#d9534f"},
            }
        ],
    )


def nps_option(board: Dashboard, lang: str) -> dict[str, Any]:
    """NPS by quarter."""
    _ = gettext_for(lang)
    return base_option(
        tooltip={"trigger": "axis", "valueFormatter": "fmt:number1"},
        grid=GRID,
        xAxis={"type": "category", "data": [q for q, _n, _v in board.nps_by_quarter], **AXIS},
        yAxis={"type": "value", "min": -100, "max": 100, **AXIS},
        series=[
            {
                "name": "NPS",
                "type": "line",
                "symbolSize": 8,
                "lineStyle": {"width": 3},
                "data": [v for _q, _n, v in board.nps_by_quarter],
            }
        ],
    )


def cost_whale_option(gross: list[list[float]], after_cost: list[list[float]], lang: str) -> dict[str, Any]:
    """The whale curve on gross profit and redrawn on profit after the cost to serve (most profitable first)."""
    _ = gettext_for(lang)
    series = [
        {"name": name, "type": "line", "showSymbol": False, "lineStyle": {"width": 3, "type": style}, "data": curve}
        for name, curve, style in (
            (_("Gross profit"), gross, "dashed"),
            (_("Profit after the cost to serve"), after_cost, "solid"),
        )
        if curve
    ]
    return share_curves_option(series, lang)
