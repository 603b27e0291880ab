"""The Excel report: an XlsxWriter workbook with the report's sections as sheets and native Excel charts.

The workbook runs in constant-memory mode; the small sheets are laid out through a row-ordered buffer,
and the customer list — a million rows or more — is written from Arrow columns in chunks after the
workbook is closed (see :mod:`tierwise.reports.customer_sheet`).

>>> write_excel(report, "report.xlsx")  # doctest: +SKIP
"""

from __future__ import annotations

import re
from pathlib import Path

from xlsxwriter.workbook import Workbook

from tierwise.errors import check_language
from tierwise.i18n import N_, gettext_for, translate
from tierwise.report_model import ReportData
from tierwise.reports.analyses_sheet import write_analyses
from tierwise.reports.customer_sheet import fill_customer_sheet, write_customers
from tierwise.reports.sections import section_titles
from tierwise.reports.workbook import CellFormats, SheetBuffer

#: sheet key → (English sheet name, English description for the README sheet)
SHEETS = {
    "readme": (N_("README"), N_("What each sheet holds.")),
    "summary": (N_("Summary"), N_("Headline figures and data-quality findings.")),
    "classes": (N_("Classes"), N_("Customers, sales and profit per class of the policy, with a chart of the shares.")),
    "pareto": (N_("Pareto"), N_("Whale curve data: cumulative share of customers against sales and profit, Gini.")),
    "rfm": (N_("RFM"), N_("Recency × frequency map of customers and average sales; named segments.")),
    "key_accounts": (N_("Key accounts"), N_("Key accounts with the reasons they are key.")),
    "prospects": (N_("Prospect grades"), N_("Prospect grades and a salesperson's recommended monthly time.")),
    "clv": (N_("CLV"), N_("Customer lifetime value tiers and the distribution of P(alive).")),
    "at_risk": (N_("At risk"), N_("High-value customers likely to be lost, largest value at risk first.")),
    "migration": (N_("Migration"), N_("Moves between classes from the compare date to the report date.")),
    "analyses": (
        N_("Analyses"),
        N_(
            "Per class and per account manager: repeat rate, cohorts, profit, future value, product mix, "
            "promotion response and cross-sell gaps."
        ),
    ),
    "customers": (N_("Customer list"), N_("Every customer with class, figures and predictions; filter and sort here.")),
}
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str) -> str:
    """A valid Excel sheet name: no ``[]:*?/\\`` and at most 31 characters."""
    return _BAD_SHEET_CHARS.sub("-", title)[:31]


def write_excel(report: ReportData, path: str | Path) -> Path:
    """Write the report as an ``.xlsx`` workbook at ``path`` and return the path."""
    lang = check_language(report.lang)
    path = Path(path)
    book = Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False, "nan_inf_to_errors": True})
    book.set_properties({"title": report.title, "subject": report.dataset, "comments": "tierwise"})
    fmt = CellFormats(book)
    _ = gettext_for(lang)
    names = {key: sheet_name(_(title)) for key, (title, _d) in SHEETS.items()}
    written: list[tuple[str, str]] = []  # (sheet name, description) for the README sheet

    readme = book.add_worksheet(names["readme"])
    sheets = _Sheets(book, fmt, report, names, written)
    sheets.summary()
    sheets.classes()
    sheets.pareto()
    sheets.rfm()
    sheets.key_accounts()
    sheets.prospects()
    sheets.clv()
    sheets.at_risk()
    sheets.migration()
    sheets.analyses()
    pending = None
    if report.customers is not None:
        ws = book.add_worksheet(names["customers"])
        pending = write_customers(ws, fmt, report.customers, lang)
        description = SHEETS["customers"][1]
        written.append((names["customers"], _(description)))
    _readme(SheetBuffer(readme, fmt), report, written)
    readme.activate()
    book.close()
    if pending is not None:
        fill_customer_sheet(path, pending)
    return path


def _readme(buf: SheetBuffer, report: ReportData, written: list[tuple[str, str]]) -> None:
    lang = report.lang
    _ = gettext_for(lang)
    titles = section_titles(lang)
    buf.put(0, 0, report.title, "title")
    buf.put(1, 0, _("Data set"), "label")
    buf.put(1, 1, report.dataset)
    buf.put(2, 0, _("As of"), "label")
    buf.put(2, 1, report.as_of, "date")
    row = 3
    if report.compare:
        buf.put(row, 0, _("Compared with"), "label")
        buf.put(row, 1, report.compare, "date")
        row += 1
    buf.put(row, 0, _("Policies"), "label")
    buf.put(row, 1, ", ".join(report.policies) or "–")
    row = buf.table(row + 2, 0, [_("Sheet"), _("What it holds")], [list(w) for w in written], ["text", "text"])
    if report.missing:
        rows = [[titles[key], translate(m, lang)] for key, msgs in report.missing.items() for m in msgs]
        buf.table(row + 1, 0, [_("Not shown"), _("Why")], rows, ["text", "text"])
    buf.width(1, 80)
    buf.sheet.hide_gridlines(2)
    buf.flush()


class _Sheets:
    """Writes the small sheets of one report, each through its own row-ordered buffer."""

    def __init__(
        self,
        book: Workbook,
        fmt: CellFormats,
        report: ReportData,
        names: dict[str, str],
        written: list[tuple[str, str]],
    ) -> None:
        self.book, self.fmt, self.report, self.names, self.written = book, fmt, report, names, written
        self._ = gettext_for(report.lang)

    def _sheet(self, key: str, name: str | None = None) -> SheetBuffer:
        name = name or self.names[key]
        ws = self.book.add_worksheet(name)
        description = SHEETS[key][1]
        self.written.append((name, self._(description)))
        return SheetBuffer(ws, self.fmt)

    def _chart(self, kind: str, title: str, subtype: str | None = None):
        chart = self.book.add_chart({"type": kind, **({"subtype": subtype} if subtype else {})})
        chart.set_title({"name": title, "name_font": {"size": 12, "bold": True}})
        chart.set_style(10)
        chart.set_size({"width": 640, "height": 340})
        return chart

    def summary(self) -> None:
        m, _ = self.report.summary, self._
        if m is None:
            return
        buf = self._sheet("summary")
        buf.put(0, 0, self.report.title, "title")
        rows: list[tuple[str, object, str]] = [
            (_("Customers"), m.customers, "big"),
            (_("Customers who bought in the last 12 months"), m.active_customers, "big"),
            (_("12-month sales"), m.sales_12m, "big"),
            (_("12-month profit"), m.profit_12m, "big"),
            (_("Transactions"), m.transactions, "big"),
            (_("First transaction"), m.first_date, "bigdate"),
            (_("Last transaction"), m.last_date, "bigdate"),
        ]
        if self.report.pareto is not None:
            rows += [
                (_("Gini coefficient"), self.report.pareto.gini, "bigfloat"),
                (_("Sales share of the top 20%% of customers"), self.report.pareto.top20_sales_share, "bigratio"),
            ]
        buf.table(2, 0, [_("Figure"), _("Value")], [[a, b] for a, b, _s in rows], ["label", "big"])
        for i, (_a, _b, style) in enumerate(rows, start=3):
            buf.put(i, 1, _b, style, measure=False)
        buf.width(1, 22)
        row = 4 + len(rows)
        findings = [[translate(f.message, self.report.lang), f.count] for f in m.findings]
        if findings:
            buf.table(row, 0, [_("Data-quality finding"), _("Count")], findings, ["text", "int"])
        buf.sheet.freeze_panes(3, 0)
        buf.flush()

    def classes(self) -> None:
        _ = self._
        for dist in self.report.classes:
            name = sheet_name(f"{self.names['classes']} {dist.policy}")
            buf = self._sheet("classes", name)
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
                    buf.put(i, 0, translate(f.message, self.report.lang))
                    buf.put(i, 2, f.count, "int")
            buf.sheet.freeze_panes(3, 0)
            if rows:
                buf.sheet.autofilter(2, 0, 2 + len(rows), len(headers) - 1)
                chart = self._chart("column", _("Share of customers, sales and profit by class"))
                n = len(rows)
                for col in [3, 5] + ([7] if with_profit else []):
                    chart.add_series(
                        {
                            "name": [name, 2, col],
                            "categories": [name, 3, 1, 2 + n, 1],
                            "values": [name, 3, col, 2 + n, col],
                        }
                    )
                chart.set_y_axis(
                    {"num_format": "0%", "major_gridlines": {"visible": True, "line": {"color": "#E8EDF2"}}}
                )
                chart.set_legend({"position": "top"})
                buf.sheet.insert_chart(end + 4 + len(dist.unclassified_reasons), 0, chart)
            buf.flush()

    def pareto(self) -> None:
        p, _ = self.report.pareto, self._
        if p is None:
            return
        name = self.names["pareto"]
        buf = self._sheet("pareto")
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
        chart = self._chart("scatter", _("Pareto curve (80/20)"), "straight")
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
        chart.set_y_axis(
            {"min": 0, "num_format": "0%", "major_gridlines": {"visible": True, "line": {"color": "#E8EDF2"}}}
        )
        chart.set_legend({"position": "top"})
        chart.set_size({"width": 720, "height": 420})
        buf.sheet.insert_chart(len(stats) + 2, col, chart)
        buf.flush()

    def rfm(self) -> None:
        r, _ = self.report.rfm, self._
        if r is None:
            return
        buf = self._sheet("rfm")
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
            name = self.names["rfm"]
            chart = self._chart("bar", _("Customers per RFM segment"))
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

    def key_accounts(self) -> None:
        k, _ = self.report.key_accounts, self._
        if k is None:
            return
        buf = self._sheet("key_accounts")
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

    def prospects(self) -> None:
        p, _ = self.report.prospects, self._
        if p is None:
            return
        name = self.names["prospects"]
        buf = self._sheet("prospects")
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
        bars = self._chart("column", _("Prospects per grade"))
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
            pie = self._chart("doughnut", _("Days per month"))
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

    def clv(self) -> None:
        c, _ = self.report.clv, self._
        if c is None:
            return
        name = self.names["clv"]
        buf = self._sheet("clv")
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
            buf.sheet.write(len(rows) + 2 + i, 0, _("warning:") + " " + translate(doubt, self.report.lang))
        start += len(c.warnings)
        tiers = self._chart("column", _("Expected 12-month value by tier"))
        tiers.add_series(
            {"name": [name, 0, 3], "categories": [name, 1, 1, len(rows), 1], "values": [name, 1, 3, len(rows), 3]}
        )
        tiers.set_legend({"none": True})
        tiers.set_y_axis({"num_format": "#,##0"})
        buf.sheet.insert_chart(start, 0, tiers)
        chart = self._chart("column", _("Probability alive"))
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

    def at_risk(self) -> None:
        a, _ = self.report.at_risk, self._
        if a is None:
            return
        buf = self._sheet("at_risk")
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

    def migration(self) -> None:
        g, _ = self.report.migration, self._
        if g is None:
            return
        buf = self._sheet("migration")
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

    def analyses(self) -> None:
        if not self.report.analyses:
            return
        write_analyses(self._sheet("analyses"), self.names["analyses"], self.report.analyses, self.report.lang,
                       self._chart)  # fmt: skip
