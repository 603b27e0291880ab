"""XlsxWriter plumbing for the Excel report: cell formats, column widths for Chinese text, and a sheet
buffer that lets small sheets be laid out freely while the workbook runs in constant-memory mode.

In constant-memory mode XlsxWriter flushes a row as soon as a later row is written, so every sheet must
be written top to bottom. :class:`SheetBuffer` collects a small sheet's cells and writes them in row
order; only the customer list streams directly.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

BRAND = "#1F4E79"
MAX_WIDTH = 60
EXCEL_EPOCH = dt.date(1899, 12, 30)


def text_width(value: object) -> int:
    """Display width of a cell's text: East Asian wide characters count two columns."""
    text = str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def excel_serial(day: dt.date) -> int:
    """The Excel serial number of a date (1900 date system)."""
    return (day - EXCEL_EPOCH).days


@dataclass
class CellFormats:
    """The cell formats of one workbook, created once."""

    book: Workbook
    styles: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        add = self.book.add_format
        base = {"font_name": "Microsoft YaHei", "font_size": 10, "valign": "top"}
        self.styles = {
            "text": add(base),
            "wrap": add({**base, "text_wrap": True}),
            "header": add(
                {
                    **base,
                    "bold": True,
                    "font_color": "#FFFFFF",
                    "bg_color": BRAND,
                    "text_wrap": True,
                    "valign": "vcenter",
                    "border": 1,
                    "border_color": "#D5DBE2",
                }
            ),
            "title": add({**base, "bold": True, "font_size": 16, "font_color": BRAND}),
            "subtitle": add({**base, "italic": True, "font_color": "#5D6D7E"}),
            "label": add({**base, "bold": True}),
            "money": add({**base, "num_format": "#,##0.00"}),
            "int": add({**base, "num_format": "#,##0"}),
            "float": add({**base, "num_format": "#,##0.00"}),
            "ratio": add({**base, "num_format": "0.0%"}),
            "share": add({**base, "num_format": "0.00%"}),
            "date": add({**base, "num_format": "yyyy-mm-dd"}),
            "big": add({**base, "bold": True, "font_size": 12, "num_format": "#,##0", "font_color": BRAND}),
            "bigratio": add({**base, "bold": True, "font_size": 12, "num_format": "0.0%", "font_color": BRAND}),
            "bigfloat": add({**base, "bold": True, "font_size": 12, "num_format": "0.000", "font_color": BRAND}),
            "bigdate": add({**base, "bold": True, "font_size": 12, "num_format": "yyyy-mm-dd", "font_color": BRAND}),
        }

    def __getitem__(self, name: str) -> Any:
        return self.styles[name]


class SheetBuffer:
    """The cells of one small sheet, written in row order on :meth:`flush`, with fitted column widths."""

    def __init__(self, sheet: Worksheet, formats: CellFormats) -> None:
        self.sheet = sheet
        self.formats = formats
        self.cells: dict[tuple[int, int], tuple[Any, str | None]] = {}
        self.widths: dict[int, int] = {}
        self.fixed_widths: dict[int, int] = {}

    def put(self, row: int, col: int, value: Any, style: str | None = None, *, measure: bool = True) -> None:
        """Set one cell (``None`` leaves it blank). ``measure=False``: do not widen the column for it."""
        if value is None:
            return
        self.cells[(row, col)] = (value, style)
        if measure and style not in ("title", "subtitle"):
            shown = value if isinstance(value, str) else f"{value:,.2f}" if isinstance(value, float) else value
            width = max(text_width(line) for line in str(shown).split("\n"))
            self.widths[col] = max(self.widths.get(col, 0), width)

    def put_row(self, row: int, col: int, values: list[Any], style: str | None = None) -> None:
        """Set consecutive cells of one row."""
        for i, value in enumerate(values):
            self.put(row, col + i, value, style)

    def table(self, row: int, col: int, headers: list[str], rows: list[list[Any]], styles: list[str]) -> int:
        """A header row and data rows (one style per column); returns the row after the table."""
        self.put_row(row, col, headers, "header")
        for r, values in enumerate(rows, start=row + 1):
            for c, (value, style) in enumerate(zip(values, styles, strict=True)):
                self.put(r, col + c, value, style)
        return row + 1 + len(rows)

    def width(self, col: int, chars: int) -> None:
        """Fix the width of a column (characters), overriding the fitted width."""
        self.fixed_widths[col] = chars

    def flush(self) -> None:
        """Write every cell, top row first, and set the column widths."""
        for col in sorted(set(self.widths) | set(self.fixed_widths)):
            width = self.fixed_widths.get(col, min(MAX_WIDTH, self.widths.get(col, 8) + 3))
            self.sheet.set_column(col, col, width)
        for (row, col), (value, style) in sorted(self.cells.items()):
            fmt = self.formats[style] if style else None
            if isinstance(value, dt.date):
                self.sheet.write_number(row, col, excel_serial(value), fmt or self.formats["date"])
            elif isinstance(value, bool):
                self.sheet.write_boolean(row, col, value, fmt)
            elif isinstance(value, int | float):
                self.sheet.write_number(row, col, value, fmt)
            else:
                self.sheet.write_string(row, col, str(value), fmt)
        self.cells.clear()
