"""The figure sheets of the Excel report: the summary, the classes per policy, the Pareto (whale) curve and
the RFM map, each from its part of the report data."""

from __future__ import annotations

from tierwise.i18n import translate
from tierwise.reports.sheet_writer import SheetWriter, sheet_name


def write_summary(w: SheetWriter) -> None:
    """The summary sheet: headline figures and the data-quality findings."""
    m, _ = w.report.summary, w._
    if m is None:
        return
    buf = w.sheet("summary")
    buf.put(0, 0, w.report.title, "title")
    rows: list[tuple[str, object, str]] = [
        (_("Customers"), m.customers, "big"),
        (_("Customers who bought in the last 12 months"), m.active_customers, "big"),
        (_("12-month sales"), m.sales_12m, "big"),
        (_("12-month profit"), m.profit_12m, "big"),
        (_("Transactions"), m.transactions, "big"),
        (_("First transaction"), m.first_date, "bigdate"),
        (_("Last transaction"), m.last_date, "bigdate"),
    ]
    if w.report.pareto is not None:
        rows += [
            (_("Gini coefficient"), w.report.pareto.gini, "bigfloat"),
            (_("Sales share of the top 20%% of customers"), w.report.pareto.top20_sales_share, "bigratio"),
        ]
    buf.table(2, 0, [_("Figure"), _("Value")], [[a, b] for a, b, _s in rows], ["label", "big"])
    for i, (_a, _b, style) in enumerate(rows, start=3):
        buf.put(i, 1, _b, style, measure=False)
    buf.width(1, 22)
    row = 4 + len(rows)
    findings = [[translate(f.message, w.report.lang), f.count] for f in m.findings]
    if findings:
        buf.table(row, 0, [_("Data-quality finding"), _("Count")], findings, ["text", "int"])
    buf.sheet.freeze_panes(3, 0)
    buf.flush()


def write_classes(w: SheetWriter) -> None:
    """One sheet per policy: customers, sales and profit per class, with a chart of the shares."""
    _ = w._
    for dist in w.report.classes:
        name = sheet_name(f"{w.names['classes']} {dist.policy}")
        buf = w.sheet("classes", name)
        buf.put(0, 0, f"{dist.policy} v{dist.version} · {dist.title}", "title")
        with_profit = bool(dist.rows) and dist.rows[0].profit is not None
        headers = [
            _("Class"),
            _("Label"),
            _("Customers"),
            _("Share of customers"),
            _("12-month sales"),
            _("Share of sales"),
        ]
        styles = ["text", "text", "int", "ratio", "money", "ratio"]
        if with_profit:
            headers += [_("12-month profit"), _("Share of profit")]
            styles += ["money", "ratio"]
        rows = [
            [r.code, r.label, r.customers, r.customer_share, r.sales, r.sales_share]
            + ([r.profit, r.profit_share] if with_profit else [])
            for r in dist.rows
        ]
        end = buf.table(2, 0, headers, rows, styles)
        if dist.unclassified:
            buf.put(end + 1, 0, _("%(n)s customers could not be classified:", n=dist.unclassified), "label")
            for i, f in enumerate(dist.unclassified_reasons, start=end + 2):
                buf.put(i, 0, translate(f.message, w.report.lang))
                buf.put(i, 2, f.count, "int")
        buf.sheet.freeze_panes(3, 0)
        if rows:
            buf.sheet.autofilter(2, 0, 2 + len(rows), len(headers) - 1)
            chart = w.chart("column", _("Share of customers, sales and profit by class"))
            n = len(rows)
            for col in [3, 5] + ([7] if with_profit else []):
                chart.add_series(
                    {
                        "name": [name, 2, col],
                        "categories": [name, 3, 1, 2 + n, 1],
                        "values": [name, 3, col, 2 + n, col],
                    }
                )
            chart.set_y_axis({"num_format": "0%", "major_gridlines": {"visible": True, "line": {"color": "#E8EDF2"}}})
            chart.set_legend({"position": "top"})
            buf.sheet.insert_chart(end + 4 + len(dist.unclassified_reasons), 0, chart)
        buf.flush()


def write_pareto(w: SheetWriter) -> None:
    """The whale-curve sheet: cumulative shares, the 80/20 figures and the curve."""
    p, _ = w.report.pareto, w._
    if p is None:
        return
    name = w.names["pareto"]
    buf = w.sheet("pareto")
    headers = [_("Share of customers"), _("Cumulative share of sales")]
    columns = [p.customer_share, p.sales_share]
    if p.profit_share is not None:
        headers.append(_("Cumulative share of profit"))
        columns.append(p.profit_share)
    rows = [list(values) for values in zip(*columns, strict=True)]
    buf.table(0, 0, headers, rows, ["ratio"] * len(headers))
    stats = [
        (_("Gini coefficient"), p.gini, "bigfloat"),
        (_("Sales share of the top 20%% of customers"), p.top20_sales_share, "bigratio"),
        (_("Share of customers bringing 80%% of sales"), p.customers_for_80, "bigratio"),
        (_("Profit share of the top 20%% of customers"), p.top20_profit_share, "bigratio"),
        (_("Profit peak (share of total profit)"), p.profit_peak_share, "bigratio"),
        (_("Share of customers at the profit peak"), p.profit_peak_customer_share, "bigratio"),
        (_("Profit share of the bottom 30%% of customers"), p.bottom30_profit_share, "bigratio"),
    ]
    col = len(headers) + 1
    buf.put_row(0, col, [_("Figure"), _("Value")], "header")
    for i, (label, value, style) in enumerate(stats, start=1):
        buf.put(i, col, label, "label")
        buf.put(i, col + 1, value if value is not None else "–", style, measure=False)
    buf.width(col + 1, 14)
    buf.sheet.freeze_panes(1, 0)
    n = len(rows)
    chart = w.chart("scatter", _("Pareto curve (80/20)"), "straight")
    for c in range(1, len(headers)):
        chart.add_series(
            {
                "name": [name, 0, c],
                "categories": [name, 1, 0, n, 0],
                "values": [name, 1, c, n, c],
                "line": {"width": 2.25},
                "marker": {"type": "none"},
            }
        )
    chart.set_x_axis({"min": 0, "max": 1, "num_format": "0%", "name": _("Share of customers")})
    chart.set_y_axis({"min": 0, "num_format": "0%", "major_gridlines": {"visible": True, "line": {"color": "#E8EDF2"}}})
    chart.set_legend({"position": "top"})
    chart.set_size({"width": 720, "height": 420})
    buf.sheet.insert_chart(len(stats) + 2, col, chart)
    buf.flush()


def write_rfm(w: SheetWriter) -> None:
    """The RFM sheet: the recency × frequency map, average sales and the named segments."""
    r, _ = w.report.rfm, w._
    if r is None:
        return
    buf = w.sheet("rfm")
    counts = {(c.recency, c.frequency): c for c in r.cells}
    buf.put(0, 0, _("Customers by recency (rows) and frequency (columns) score; 5 = best"), "label")
    buf.put_row(1, 0, [_("Recency \\ frequency"), 1, 2, 3, 4, 5], "header")
    buf.put(1, 7, _("Average 12-month sales"), "header")
    buf.put_row(1, 8, [1, 2, 3, 4, 5], "header")
    for i, rec in enumerate(range(5, 0, -1), start=2):
        buf.put(i, 0, rec, "header")
        buf.put(i, 7, rec, "header")
        for f in range(1, 6):
            cell = counts.get((rec, f))
            buf.put(i, f, cell.customers if cell else 0, "int")
            buf.put(i, 7 + f, cell.monetary_mean if cell else None, "int")
    for first in (1, 8):
        buf.sheet.conditional_format(
            2,
            first,
            6,
            first + 4,
            {"type": "3_color_scale", "min_color": "#EEF4FA", "mid_color": "#5DADE2", "max_color": "#1F4E79"},
        )
    end = buf.table(
        8,
        0,
        [_("Segment"), _("Label"), _("Customers")],
        [[code, label, n] for code, label, n in r.segments],
        ["text", "text", "int"],
    )
    if r.segments:
        name = w.names["rfm"]
        chart = w.chart("bar", _("Customers per RFM segment"))
        chart.add_series(
            {
                "name": [name, 8, 2],
                "categories": [name, 9, 1, end - 1, 1],
                "values": [name, 9, 2, end - 1, 2],
                "data_labels": {"value": True},
            }
        )
        chart.set_legend({"none": True})
        chart.set_y_axis({"reverse": True})
        buf.sheet.insert_chart(end + 1, 0, chart)
    buf.flush()
