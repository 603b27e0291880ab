"""The first rows of an .xlsx sheet, read from the sheet's XML without parsing the rest of the sheet.

Finding the header needs the first few rows of each sheet; a workbook reader parses a whole sheet to give
any of them. Here the sheet's XML is streamed until the rows asked for are read, and only the shared
strings those rows use are resolved (the shared strings table is streamed up to the last one needed).
Rows and columns are numbered as the workbook reader numbers them: rows from the sheet's first row,
columns from the first used column (the sheet's ``<dimension>``), blanks as ``""``.

>>> _column_number("AB")
27
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

_CELL_REF = re.compile(r"([A-Z]+)(\d+)")
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _column_number(letters: str) -> int:
    """1-based number of a column written as letters (``A`` is 1)."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def sheet_paths(archive: zipfile.ZipFile) -> list[str]:
    """The part name of each sheet of the workbook, in the workbook's order of sheets."""
    rels_name = "xl/_rels/workbook.xml.rels"
    targets: dict[str, str] = {}
    if rels_name in archive.NameToInfo:
        for rel in ET.fromstring(archive.read(rels_name)):
            target = rel.get("Target") or ""
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
            targets[rel.get("Id") or ""] = part
    paths = []
    for element in ET.fromstring(archive.read("xl/workbook.xml")).iter():
        if _local(element.tag) == "sheet":
            paths.append(targets.get(element.get(_REL_ID) or element.get("id") or "", ""))
    return paths


def _shared_strings(archive: zipfile.ZipFile, wanted: set[int]) -> dict[int, str]:
    """The shared strings numbered in ``wanted``, read up to the last of them."""
    found: dict[int, str] = {}
    if not wanted or "xl/sharedStrings.xml" not in archive.NameToInfo:
        return found
    last = max(wanted)
    index = 0
    with archive.open("xl/sharedStrings.xml") as xml:
        for _event, element in ET.iterparse(xml, events=("end",)):
            if _local(element.tag) != "si":
                continue
            if index in wanted:
                found[index] = _string_item(element)
            element.clear()
            index += 1
            if index > last:
                break
    return found


def _string_item(element: ET.Element) -> str:
    """The text of a string item (``<si>`` or ``<is>``): its runs, without phonetic hints."""
    parts = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _number(text: str) -> str:
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def first_rows(path: Path, sheet: int, count: int) -> tuple[list[list[str]], int] | None:
    """The first ``count`` rows of sheet ``sheet`` of the .xlsx at ``path`` as text, and the sheet's width.

    ``None`` when the sheet is not a worksheet part that can be read this way (the caller then asks the
    workbook reader).
    """
    with zipfile.ZipFile(path) as archive:
        paths = sheet_paths(archive)
        if sheet >= len(paths) or paths[sheet] not in archive.NameToInfo:
            return None
        cells: dict[tuple[int, int], tuple[str, str]] = {}  # (row, column) → (type, raw value)
        first_col, last_col, dimension, more = None, 0, False, False
        with archive.open(paths[sheet]) as xml:
            parser = ET.iterparse(xml, events=("start", "end"))
            for event, element in parser:
                name = _local(element.tag)
                if event == "start":
                    if name == "dimension":
                        ref = _CELL_REF.findall(element.get("ref") or "")
                        if ref:
                            first_col, last_col = _column_number(ref[0][0]), _column_number(ref[-1][0])
                            dimension = True
                    elif name == "row" and int(element.get("r") or 0) > count:
                        more = True
                        break
                    continue
                if name == "c":
                    ref_match = _CELL_REF.fullmatch(element.get("r") or "")
                    if ref_match is None:
                        return None  # cells without references: leave it to the workbook reader
                    col, row = _column_number(ref_match.group(1)), int(ref_match.group(2))
                    kind = element.get("t") or "n"
                    value = None
                    for child in element:
                        child_name = _local(child.tag)
                        if child_name == "v":
                            value = child.text or ""
                        elif child_name == "is":
                            value = _string_item(child)
                    if value is not None and value != "" and row <= count:
                        cells[(row, col)] = (kind, value)
                        if not dimension:
                            first_col = col if first_col is None else min(first_col, col)
                            last_col = max(last_col, col)
                elif name == "row":
                    element.clear()
                elif name == "sheetData":
                    break
        strings = _shared_strings(archive, {int(v) for (k, v) in cells.values() if k == "s" and v.isdigit()})
    if not cells and not more:
        return [], 0
    start = first_col or 1
    width = max(last_col - start + 1, 1)
    height = count if more else max(r for r, _c in cells)
    rows = [[""] * width for _ in range(height)]
    for (r, c), (kind, value) in cells.items():
        if c < start or c - start >= width:
            continue
        if kind == "s":
            text = strings.get(int(value), "") if value.isdigit() else ""
        elif kind == "b":
            text = "true" if value == "1" else "false"
        elif kind == "n":
            text = _number(value)
        else:  # inline strings, formula strings, error cells
            text = value
        rows[r - 1][c - start] = text
    return rows, width
