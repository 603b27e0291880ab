"""The customer-group sheets of the Excel report: key accounts, prospect grades, CLV tiers, customers at risk
and the migration between two dates, each from its part of the report data."""

from __future__ import annotations

from tierwise.i18n import translate
from tierwise.reports.sheet_writer import SheetWriter


def write_key_accounts(w: SheetWriter) -> None:
    """The key-account sheet: each key account with the reasons it is key."""
    k, _ = w.report.key_accounts, w._
    if k is None:
        return
    buf = w.sheet("key_accounts")
    headers = [
        _("Customer ID"),
        _("Customer"),
        _("Class"),
        _("12-month sales"),
        _("12-month profit"),
        _("Account manager"),
        _("Reasons"),
    ]
    rows = [
        [a.customer_id, a.name, a.class_label, a.sales_12m, a.profit_12m, a.owner, "\n".join(a.reasons)]
        for a in k.accounts
    ]
    buf.table(0, 0, headers, rows, ["text", "text", "text", "money", "money", "text", "wrap"])
    buf.width(6, 70)
    buf.sheet.freeze_panes(1, 2)
    buf.sheet.autofilter(0, 0, len(rows), len(headers) - 1)
    buf.flush()


def write_prospects(w: SheetWriter) -> None:
    """The prospect-grade sheet: prospects per grade and a salesperson's monthly time."""
    p, _ = w.report.prospects, w._
    if p is None:
        return
    name = w.names["prospects"]
    buf = w.sheet("prospects")
    headers = [
        _("Grade"),
        _("Label"),
        _("Prospects"),
        _("Accounts per salesperson"),
        _("Days per month"),
        _("Contact cadence"),
    ]
    rows = [[g.code, g.label, g.prospects, g.accounts_per_rep, g.days_per_month, g.cadence] for g in p.grades]
    end = buf.table(0, 0, headers, rows, ["text", "text", "int", "int", "float", "text"])
    buf.sheet.freeze_panes(1, 0)
    n = len(rows)
    bars = w.chart("column", _("Prospects per grade"))
    bars.add_series(
        {
            "name": [name, 0, 2],
            "categories": [name, 1, 1, n, 1],
            "values": [name, 1, 2, n, 2],
            "data_labels": {"value": True},
        }
    )
    bars.set_legend({"none": True})
    buf.sheet.insert_chart(end + 1, 0, bars)
    if any(g.days_per_month for g in p.grades):
        pie = w.chart("doughnut", _("Days per month"))
        pie.add_series(
            {
                "name": [name, 0, 4],
                "categories": [name, 1, 1, n, 1],
                "values": [name, 1, 4, n, 4],
                "data_labels": {"value": True, "category": True},
            }
        )
        buf.sheet.insert_chart(end + 1, 5, pie)
    buf.flush()


def write_clv(w: SheetWriter) -> None:
    """The CLV sheet: value tiers and the distribution of P(alive)."""
    c, _ = w.report.clv, w._
    if c is None:
        return
    name = w.names["clv"]
    buf = w.sheet("clv")
    headers = [_("Tier"), _("Label"), _("Customers"), _("Expected 12-month value"), _("Share")]
    rows = [[t.code, t.label, t.customers, t.clv, t.clv_share] for t in c.tiers]
    buf.table(0, 0, headers, rows, ["text", "text", "int", "money", "ratio"])
    hist_col = len(headers) + 1
    edges = c.p_alive_edges
    hist = [[a, b, n] for a, b, n in zip(edges[:-1], edges[1:], c.p_alive_counts, strict=True)]
    buf.table(0, hist_col, [_("P(alive) from"), _("P(alive) to"), _("Customers")], hist, ["ratio", "ratio", "int"])
    buf.sheet.freeze_panes(1, 0)
    start = max(len(rows), len(hist)) + 2
    for i, doubt in enumerate(c.warnings):
        buf.sheet.write(len(rows) + 2 + i, 0, _("warning:") + " " + translate(doubt, w.report.lang))
    start += len(c.warnings)
    tiers = w.chart("column", _("Expected 12-month value by tier"))
    tiers.add_series(
        {"name": [name, 0, 3], "categories": [name, 1, 1, len(rows), 1], "values": [name, 1, 3, len(rows), 3]}
    )
    tiers.set_legend({"none": True})
    tiers.set_y_axis({"num_format": "#,##0"})
    buf.sheet.insert_chart(start, 0, tiers)
    chart = w.chart("column", _("Probability alive"))
    chart.add_series(
        {
            "name": [name, 0, hist_col + 2],
            "categories": [name, 1, hist_col, len(hist), hist_col],
            "values": [name, 1, hist_col + 2, len(hist), hist_col + 2],
            "gap": 10,
        }
    )
    chart.set_legend({"none": True})
    chart.set_x_axis({"num_format": "0%"})
    buf.sheet.insert_chart(start, hist_col, chart)
    buf.flush()


def write_at_risk(w: SheetWriter) -> None:
    """The at-risk sheet: high-value customers likely to be lost, largest value at risk first."""
    a, _ = w.report.at_risk, w._
    if a is None:
        return
    buf = w.sheet("at_risk")
    headers = [
        _("Customer ID"),
        _("Customer"),
        _("Class"),
        _("Probability alive"),
        _("Last purchase"),
        _("Expected purchases"),
        _("Expected 12-month value"),
        _("Value at risk"),
    ]
    rows = [
        [
            r.customer_id,
            r.name,
            r.class_label,
            r.p_alive,
            r.last_purchase,
            r.expected_purchases,
            r.clv,
            r.value_at_risk,
        ]
        for r in a.accounts
    ]
    buf.table(0, 0, headers, rows, ["text", "text", "text", "ratio", "date", "float", "money", "money"])
    buf.sheet.freeze_panes(1, 2)
    buf.sheet.autofilter(0, 0, len(rows), len(headers) - 1)
    buf.flush()


def write_migration(w: SheetWriter) -> None:
    """The migration sheet: moves between classes from the compare date to the report date."""
    g, _ = w.report.migration, w._
    if g is None:
        return
    buf = w.sheet("migration")
    labels = [label for _c, label in g.classes]
    buf.put(
        0,
        0,
        _("From %(a)s (rows) to %(b)s (columns)", a=g.from_date.isoformat(), b=g.to_date.isoformat()),
        "label",
        measure=False,
    )
    buf.put_row(1, 0, [_("From \\ to"), *labels], "header")
    for i, (label, counts) in enumerate(zip(labels, g.counts, strict=True), start=2):
        buf.put(i, 0, label, "header")
        buf.put_row(i, 1, list(counts), "int")
    n = len(labels)
    buf.sheet.conditional_format(
        2, 1, 1 + n, n, {"type": "2_color_scale", "min_color": "#FFFFFF", "max_color": "#5DADE2"}
    )
    buf.table(
        3 + n,
        0,
        [_("Upgrades"), _("Downgrades"), _("Unchanged")],
        [[g.upgrades, g.downgrades, g.unchanged]],
        ["int", "int", "int"],
    )
    buf.sheet.freeze_panes(2, 1)
    buf.flush()
