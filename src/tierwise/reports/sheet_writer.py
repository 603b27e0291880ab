"""What every sheet of the Excel report shares: the sheet names and descriptions, and the writer that adds a
sheet (noting it for the README sheet) or a chart to the workbook of one report."""

from __future__ import annotations

import re
from typing import Any

from xlsxwriter.workbook import Workbook

from tierwise.i18n import N_, gettext_for
from tierwise.report_model import ReportData
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


class SheetWriter:
    """Adds the sheets and charts of one report to its workbook; ``written`` lists each sheet added (name and
    description, in the report's language) for the README sheet."""

    def __init__(self, book: Workbook, fmt: CellFormats, report: ReportData, names: dict[str, str]) -> None:
        self.book, self.fmt, self.report, self.names = book, fmt, report, names
        self.written: list[tuple[str, str]] = []
        self._ = gettext_for(report.lang)

    def sheet(self, key: str, name: str | None = None) -> SheetBuffer:
        """A new sheet for section ``key`` (named ``name``, else the section's name), as a row-ordered buffer."""
        name = name or self.names[key]
        ws = self.book.add_worksheet(name)
        self.note(key, name)
        return SheetBuffer(ws, self.fmt)

    def note(self, key: str, name: str) -> None:
        """List sheet ``name`` of section ``key`` on the README sheet."""
        self.written.append((name, self._(SHEETS[key][1])))

    def chart(self, kind: str, title: str, subtype: str | None = None) -> Any:
        """A new chart of the house style (title, size, colours), to be inserted in a sheet."""
        chart = self.book.add_chart({"type": kind, **({"subtype": subtype} if subtype else {})})
        chart.set_title({"name": title, "name_font": {"size": 12, "bold": True}})
        chart.set_style(10)
        chart.set_size({"width": 640, "height": 340})
        return chart
