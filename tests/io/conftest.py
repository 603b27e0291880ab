"""Writers of small files shaped like real exports (Chinese ERPs, Excel), for the ``exports`` fixture.

Each writer takes the rows as lists of cells (text, numbers, dates or ``None``) and writes them the way
the program named would: CSV in an encoding, .xlsx through XlsxWriter (error cells, merged headers,
several sheets), .xls through xlwt, .ods through odfpy, and an HTML table saved with an .xls name.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import pytest

Cell = str | int | float | dt.date | None
Rows = Sequence[Sequence[Cell]]


def csv_text(rows: Rows) -> str:
    """Rows as CSV text: cells holding a comma or a quote are quoted."""

    def cell(v: Cell) -> str:
        text = "" if v is None else str(v)
        return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text

    return "".join(",".join(cell(v) for v in row) + "\r\n" for row in rows)


def write_csv(path: Path, rows: Rows, encoding: str = "utf-8") -> Path:
    """Write ``rows`` as a CSV file in ``encoding`` (``utf-8-sig`` is what Excel's "CSV UTF-8" writes)."""
    path.write_bytes(csv_text(rows).encode(encoding))
    return path


def write_xlsx(
    path: Path,
    sheets: dict[str, Rows],
    errors: dict[tuple[int, int], str] | None = None,
    merges: Sequence[tuple[int, int, int, int, str]] = (),
) -> Path:
    """A workbook with one sheet per entry; ``errors`` puts error cells (row, col → ``#N/A``) on the last sheet.

    ``merges`` (first row, first col, last row, last col, text) merge cells of the last sheet.
    """
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet = None
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, dt.date):
                    sheet.write_datetime(r, c, dt.datetime.combine(v, dt.time()), dates)
                else:
                    sheet.write(r, c, v)
    for (r, c), error in (errors or {}).items():
        formula = {"#N/A": "=NA()", "#DIV/0!": "=1/0", "#VALUE!": '="a"+1', "#REF!": "=#REF!"}[error]
        sheet.write_formula(r, c, formula, None, error)
    for r1, c1, r2, c2, text in merges:
        sheet.merge_range(r1, c1, r2, c2, text)
    book.close()
    return path


def write_xls(path: Path, rows: Rows) -> Path:
    """An old Excel 97–2003 workbook (.xls), as older ERPs export."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    dates = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, dt.date):
                sheet.write(r, c, dt.datetime.combine(v, dt.time()), dates)
            else:
                sheet.write(r, c, v)
    book.save(str(path))
    return path


def write_ods(path: Path, rows: Rows) -> Path:
    """An OpenDocument spreadsheet (.ods), as LibreOffice or WPS save it."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Sheet1")
    for row in rows:
        tr = TableRow()
        for v in row:
            if v is None:
                tr.addElement(TableCell())
            elif isinstance(v, (int, float)):
                cell = TableCell(valuetype="float", value=v)
                cell.addElement(P(text=str(v)))
                tr.addElement(cell)
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=str(v)))
                tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


def write_html_xls(path: Path, rows: Rows, encoding: str = "utf-8", title: str | None = None) -> Path:
    """An HTML table saved with an .xls name, as many web ERPs "export to Excel"."""
    cells = "".join("<tr>" + "".join(f"<td>{'' if v is None else v}</td>" for v in row) + "</tr>\n" for row in rows)
    head = f"<tr><td colspan='3'>{title}</td></tr>\n" if title else ""
    text = (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={encoding}"></head>'
        f"<body><table border='1'>\n{head}{cells}</table></body></html>"
    )
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def exports() -> ModuleType:
    """The writers above (``exports.write_xlsx(...)`` …)."""
    return sys.modules[__name__]
