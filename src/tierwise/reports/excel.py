"""The Excel report: an XlsxWriter workbook with the report's sections as sheets and native Excel charts.

The workbook runs in constant-memory mode; the small sheets are laid out through a row-ordered buffer,
and the customer list — a million rows or more — is written from Arrow columns in chunks after the
workbook is closed (see :mod:`tierwise.reports.customer_sheet`).

>>> write_excel(report, "report.xlsx")  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

from xlsxwriter.workbook import Workbook

from tierwise.errors import check_language
from tierwise.i18n import gettext_for, translate
from tierwise.report_model import ReportData
from tierwise.reports.account_sheets import (
    write_at_risk,
    write_clv,
    write_key_accounts,
    write_migration,
    write_prospects,
)
from tierwise.reports.analyses_sheet import write_analyses
from tierwise.reports.customer_sheet import fill_customer_sheet, write_customers
from tierwise.reports.figure_sheets import write_classes, write_pareto, write_rfm, write_summary
from tierwise.reports.sections import section_titles
from tierwise.reports.sheet_writer import SHEETS, SheetWriter, sheet_name
from tierwise.reports.workbook import CellFormats, SheetBuffer

#: the small sheets, in the workbook's order (the analyses and the customer list come after them)
SHEET_ORDER = (
    write_summary, write_classes, write_pareto, write_rfm,
    write_key_accounts, write_prospects, write_clv, write_at_risk, write_migration,
)  # fmt: skip


def write_excel(report: ReportData, path: str | Path) -> Path:
    """Write the report as an ``.xlsx`` workbook at ``path`` and return the path."""
    lang = check_language(report.lang)
    path = Path(path)
    book = Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False, "nan_inf_to_errors": True})
    book.set_properties({"title": report.title, "subject": report.dataset, "comments": "tierwise"})
    fmt = CellFormats(book)
    _ = gettext_for(lang)
    names = {key: sheet_name(_(title)) for key, (title, _d) in SHEETS.items()}
    readme = book.add_worksheet(names["readme"])
    w = SheetWriter(book, fmt, report, names)
    for write in SHEET_ORDER:
        write(w)
    if report.analyses:
        write_analyses(w.sheet("analyses"), names["analyses"], report.analyses, lang, w.chart)
    pending = None
    if report.customers is not None:
        ws = book.add_worksheet(names["customers"])
        pending = write_customers(ws, fmt, report.customers, lang)
        w.note("customers", names["customers"])
    _readme(SheetBuffer(readme, fmt), report, w.written)
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
