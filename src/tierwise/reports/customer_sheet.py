"""The customer list of the Excel report, streamed from Arrow in chunks (constant memory).

Columns are converted to plain values one chunk at a time (vectorised: dates to Excel serial numbers,
lists to joined text, NaN checks in numpy), so memory holds one chunk, not one Python object per cell of
the whole list. XlsxWriter itself has no columnar API: the cells of a chunk are handed to it one by one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from xlsxwriter.worksheet import Worksheet

from tierwise.analytics.registry import INDICATORS
from tierwise.reports.i18n import N_, gettext_for
from tierwise.reports.workbook import MAX_WIDTH, Formats, text_width

CHUNK_ROWS = 65_536
_EXCEL_EPOCH_OFFSET = 25_569  # days from 1899-12-30 to 1970-01-01
_UNIT_STYLE = {"currency": "money", "ratio": "ratio", "count": "int", "days": "int", "rank": "int",
               "score": "float", "date": "date"}


def column_label(name: str, lang: str) -> str:
    """The header of a customer-list column: the indicator's label, or ``policy: class`` for class columns."""
    _ = gettext_for(lang)
    if name in INDICATORS:
        return INDICATORS[name].label(lang)
    for prefix, msgid in (("class_", N_("%(policy)s: class")), ("label_", N_("%(policy)s: label")),
                          ("score_", N_("%(policy)s: score")), ("reasons_", N_("%(policy)s: reasons"))):
        if name.startswith(prefix):
            return _(msgid, policy=name.removeprefix(prefix))
    fixed = {"customer_id": _("Customer ID"), "value_at_risk": _("Value at risk")}
    return fixed.get(name, name)


def _style(name: str, type_: pa.DataType) -> str:
    if pa.types.is_date(type_) or pa.types.is_timestamp(type_):
        return "date"
    if name in INDICATORS and INDICATORS[name].unit in _UNIT_STYLE:
        return _UNIT_STYLE[INDICATORS[name].unit]
    if pa.types.is_integer(type_):
        return "int"
    if pa.types.is_floating(type_) or pa.types.is_decimal(type_):
        return "float"
    return "text"


def _values(column: pa.ChunkedArray | pa.Array) -> tuple[list[Any], bool]:
    """One chunk of a column as plain Python values, and whether they are numbers (``NaN``: blank)."""
    t = column.type
    if pa.types.is_date(t) or pa.types.is_timestamp(t):
        days = pc.cast(pc.cast(column, pa.date32()), pa.int32())
        serial = pc.add(pc.cast(days, pa.float64()), float(_EXCEL_EPOCH_OFFSET))
        return serial.to_numpy(zero_copy_only=False).tolist(), True
    if pa.types.is_boolean(t):
        column = pc.cast(column, pa.int8())
        t = column.type
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        return np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.float64).tolist(), True
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        column = pc.binary_join(pc.cast(column, pa.list_(pa.string())), "; ")
    elif not pa.types.is_string(t) and not pa.types.is_large_string(t):
        column = pc.cast(column, pa.string())
    return column.to_pylist(), False


def _width(column: pa.ChunkedArray, header: str) -> int:
    """A column width that fits its longest text, counting CJK characters double (vectorised estimate)."""
    if pa.types.is_date(column.type):
        return max(12, text_width(header) + 2)
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return max(14, text_width(header) + 2)
    # UTF-8 bytes: ASCII 1, CJK 3; display width: ASCII 1, CJK 2 → width ≈ (bytes + chars) / 2
    chars = pc.max(pc.utf8_length(column)).as_py() or 0
    nbytes = pc.max(pc.binary_length(column)).as_py() or 0
    return min(MAX_WIDTH, max(text_width(header), (chars + nbytes) // 2) + 2)


def write_customers(ws: Worksheet, fmt: Formats, table: pa.Table, lang: str, chunk_rows: int = CHUNK_ROWS) -> int:
    """Stream ``table`` (one row per customer) to ``ws`` with a frozen, filtered header; returns rows written."""
    names = table.column_names
    headers = [column_label(n, lang) for n in names]
    styles = [fmt[_style(n, table.schema.field(n).type)] for n in names]
    for c, (name, header) in enumerate(zip(names, headers, strict=True)):
        ws.set_column(c, c, _width(table.column(name), header))
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, max(table.num_rows, 1), len(names) - 1)
    for c, header in enumerate(headers):
        ws.write_string(0, c, header, fmt["header"])
    row = 1
    for batch in table.to_batches(max_chunksize=chunk_rows):
        cols: list[tuple[int, list[Any], Callable[..., Any], Any]] = []
        for c in range(batch.num_columns):
            values, numeric = _values(batch.column(c))
            cols.append((c, values, ws.write_number if numeric else ws.write_string, styles[c]))
        for i in range(batch.num_rows):
            r = row + i
            for c, values, write, style in cols:
                v = values[i]
                if v is not None and v == v:  # None: null text; v != v: NaN (null number)
                    write(r, c, v, style)
        row += batch.num_rows
    return row - 1
