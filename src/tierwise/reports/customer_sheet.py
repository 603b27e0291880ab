"""The customer list of the Excel report, written as sheet XML straight from Arrow columns.

XlsxWriter handles one cell per Python call (about 25,000 cells a second on a busy core: minutes for a
million customers). So the workbook is written with a placeholder sheet — the header row, one sample row
carrying each column's cell style, widths, frozen panes and filter — and after it is closed,
:func:`fill_customer_sheet` replaces that sheet's rows with rows built by Arrow string kernels, one chunk
at a time, streamed into the zip. Only the Office Open XML file format is relied on (SpreadsheetML
``<row>``/``<c>`` elements, inline strings), not XlsxWriter internals. Memory holds one chunk of rows.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from xlsxwriter.worksheet import Worksheet

from tierwise.analytics.registry import INDICATORS
from tierwise.i18n import N_, gettext_for
from tierwise.io.header_mapping import column_letter
from tierwise.reports.workbook import MAX_WIDTH, CellFormats, text_width

CHUNK_ROWS = 65_536
_EXCEL_EPOCH_OFFSET = 25_569  # days from 1899-12-30 (Excel's day 0) to 1970-01-01
_UNIT_STYLE = {
    "currency": "money",
    "ratio": "ratio",
    "count": "int",
    "days": "int",
    "rank": "int",
    "score": "float",
    "date": "date",
}
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def column_label(name: str, lang: str) -> str:
    """The header of a customer-list column: the indicator's label, or ``policy: class`` for class columns."""
    _ = gettext_for(lang)
    if name in INDICATORS:
        return INDICATORS[name].label(lang)
    for prefix, msgid in (
        ("class_", N_("%(policy)s: class")),
        ("label_", N_("%(policy)s: label")),
        ("score_", N_("%(policy)s: score")),
        ("reasons_", N_("%(policy)s: reasons")),
    ):
        if name.startswith(prefix):
            return _(msgid, policy=name.removeprefix(prefix))
    fixed = {"customer_id": _("Customer ID"), "value_at_risk": _("Value at risk")}
    return fixed.get(name, name)


def _style(name: str, type_: pa.DataType) -> str:
    if pa.types.is_date(type_) or pa.types.is_timestamp(type_):
        return "date"
    if name in INDICATORS and INDICATORS[name].unit in _UNIT_STYLE:
        return _UNIT_STYLE[INDICATORS[name].unit]
    if pa.types.is_integer(type_) or pa.types.is_boolean(type_):
        return "int"
    if pa.types.is_floating(type_) or pa.types.is_decimal(type_):
        return "float"
    return "text"


def _is_text(type_: pa.DataType) -> bool:
    return not (
        pa.types.is_date(type_)
        or pa.types.is_timestamp(type_)
        or pa.types.is_integer(type_)
        or pa.types.is_floating(type_)
        or pa.types.is_decimal(type_)
        or pa.types.is_boolean(type_)
    )


def _width(column: pa.ChunkedArray, header: str) -> int:
    """A column width that fits its longest text, counting CJK characters double (vectorised estimate)."""
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return max(12 if pa.types.is_date(column.type) else 14, text_width(header) + 2)
    # UTF-8 bytes: ASCII 1, CJK 3; display width: ASCII 1, CJK 2 → width ≈ (bytes + chars) / 2
    chars = pc.max(pc.utf8_length(column)).as_py() or 0
    nbytes = pc.max(pc.binary_length(column)).as_py() or 0
    return min(MAX_WIDTH, max(text_width(header), (chars + nbytes) // 2) + 2)


@dataclass
class PendingSheet:
    """A placeholder sheet whose rows :func:`fill_customer_sheet` writes after the workbook is closed."""

    sheet: str
    table: pa.Table


def write_customers(ws: Worksheet, fmt: CellFormats, table: pa.Table, lang: str) -> PendingSheet:
    """Lay out the customer sheet (header, column styles, widths, frozen header, filter) for ``table``.

    The sample row 2 carries each column's cell style; its cells are replaced by the real rows.
    """
    names = table.column_names
    for c, name in enumerate(names):
        header = column_label(name, lang)
        type_ = table.schema.field(name).type
        ws.set_column(c, c, _width(table.column(name), header))
        ws.write_string(0, c, header, fmt["header"])
    for c, name in enumerate(names):  # row 2, in column order (constant-memory mode writes rows in order)
        type_ = table.schema.field(name).type
        if _is_text(type_):
            ws.write_string(1, c, "x", fmt[_style(name, type_)])
        else:
            ws.write_number(1, c, 0, fmt[_style(name, type_)])
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, max(table.num_rows, 1), len(names) - 1)
    return PendingSheet(ws.get_name(), table)


def _cells(column: pa.Array, letter: str, rows: pa.Array, style: str) -> pa.Array:
    """SpreadsheetML ``<c>`` elements of one column chunk ("" for a blank cell)."""
    t = column.type
    if pa.types.is_date(t) or pa.types.is_timestamp(t):
        days = pc.cast(pc.cast(column, pa.date32()), pa.int32())
        column = pc.add(pc.cast(days, pa.int64()), _EXCEL_EPOCH_OFFSET)
        t = column.type
    if pa.types.is_boolean(t):
        column = pc.cast(column, pa.int8())
        t = column.type
    if pa.types.is_floating(t):
        column = pc.if_else(pc.is_nan(column), pa.scalar(None, t), column)
    if not _is_text(t):
        text = pc.cast(column, pa.string())
        opening, closing = f'" s="{style}"><v>', "</v></c>"
    else:
        if pa.types.is_list(t) or pa.types.is_large_list(t):
            column = pc.binary_join(pc.cast(column, pa.list_(pa.string())), "; ")
        text = pc.cast(column, pa.string())
        text = pc.replace_substring_regex(text, r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "")
        for raw, escaped in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
            text = pc.replace_substring(text, raw, escaped)
        text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
        opening, closing = f'" s="{style}" t="inlineStr"><is><t xml:space="preserve">', "</t></is></c>"
    cells = pc.binary_join_element_wise(f'<c r="{letter}', rows, opening, text, closing, "")
    return pc.fill_null(cells, "")


def _row_xml(batch: pa.RecordBatch, first_row: int, styles: list[str]) -> memoryview:
    """The ``<row>`` elements of one chunk, as one UTF-8 byte string."""
    rows = pc.cast(pa.array(np.arange(first_row, first_row + batch.num_rows, dtype=np.int64)), pa.string())
    cells = [_cells(batch.column(c), column_letter(c), rows, styles[c]) for c in range(batch.num_columns)]
    xml = pc.binary_join_element_wise('<row r="', rows, '">', *cells, "</row>", "")
    # the values of a string array lie back to back in its data buffer: one copy for the whole chunk
    offsets = np.frombuffer(xml.buffers()[1], dtype=np.int32, count=len(xml) + 1, offset=xml.offset * 4)
    return memoryview(xml.buffers()[2])[offsets[0] : offsets[-1]]


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str:
    """The zip member holding the worksheet called ``sheet`` (via workbook.xml and its relationships)."""
    workbook = archive.read("xl/workbook.xml").decode("utf-8")
    escaped = sheet.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    rid = re.search(rf'<sheet name="{re.escape(escaped)}" sheetId="\d+" r:id="(rId\d+)"', workbook).group(1)
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    target = re.search(rf'<Relationship Id="{rid}" Type="[^"]+" Target="([^"]+)"', rels).group(1)
    return str(PurePosixPath("xl") / target) if not target.startswith("/") else target.lstrip("/")


def fill_customer_sheet(path: str | Path, pending: PendingSheet, chunk_rows: int = CHUNK_ROWS) -> int:
    """Replace the placeholder rows of ``pending.sheet`` in the closed workbook at ``path`` with every row
    of ``pending.table``; returns the number of customer rows written."""
    path = Path(path)
    table = pending.table
    tmp = path.with_name(path.name + ".part")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        part = _sheet_part(src, pending.sheet)
        xml = src.read(part).decode("utf-8")
        start, end = xml.index("<sheetData>"), xml.index("</sheetData>")
        header = re.search(r'<row r="1"[ >].*?</row>', xml[start:end], re.S).group(0)
        sample = re.search(r'<row r="2"[ >].*?</row>', xml[start:end], re.S).group(0)
        styles = re.findall(r'<c r="[A-Z]+2" s="(\d+)"', sample)
        last = f"{column_letter(table.num_columns - 1)}{table.num_rows + 1}"
        head = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>', xml[:start], count=1)
        for item in src.infolist():
            if item.filename != part:
                dst.writestr(item, src.read(item.filename))
                continue
            # opened by name, the member takes the archive's fast deflate level
            with dst.open(part, "w", force_zip64=True) as out:
                out.write((head + "<sheetData>" + header).encode("utf-8"))
                row = 2
                for batch in table.to_batches(max_chunksize=chunk_rows):
                    out.write(_row_xml(batch, row, styles))
                    row += batch.num_rows
                out.write(xml[end:].encode("utf-8"))
    shutil.move(tmp, path)
    return table.num_rows
