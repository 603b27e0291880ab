"""Loading a workbook export (.xlsx, .xlsm, .xls, .xlsb, .ods) columnar, and HTML pages saved as .xls.

fastexcel (calamine) hands each sheet over as Arrow columns: no Python code per cell, and each sheet is
parsed once. The sheet that holds the table is the first whose first rows name the table's columns (an
.xlsx sheet's first rows are read from its XML, without parsing the rest); the header row is found the
same way as in a CSV file. Excel error cells (``#N/A``, ``#DIV/0!`` …), which the reader turns into
blanks and reports as cells it could not convert, are named.
"""

from __future__ import annotations

import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import duckdb
import pyarrow as pa

from tierwise.i18n import N_, Message
from tierwise.io.headers import SCAN_ROWS, HeaderMap, find_header
from tierwise.io.parsing import quote_ident
from tierwise.io.sheet_xml import first_rows
from tierwise.io.sources import DATA, ROW, Loaded, SourceError, SourceFile, file_problem, header_problems

ERROR_COLUMN = "__excel_error"  # per row: the first error cell, as 'header: #N/A'
_ERROR_CELL = re.compile(r"got 'Error\((\w+)\)'")  # how the workbook reader reports an error cell
EXCEL_ERRORS = {
    "NA": "#N/A",
    "Div0": "#DIV/0!",
    "Value": "#VALUE!",
    "Ref": "#REF!",
    "Name": "#NAME?",
    "Null": "#NULL!",
    "Num": "#NUM!",
    "GettingData": "#GETTING_DATA",
}


def _text_table(batch: pa.RecordBatch | pa.Table) -> pa.Table:
    table = pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
    return pa.Table.from_arrays(
        [c.cast(pa.string()) for c in table.columns], names=[f"c{i}" for i in range(table.num_columns)]
    )


def _rows(table: pa.Table, count: int) -> list[list[str]]:
    head = table.slice(0, count).to_pylist()
    return [["" if v is None else str(v) for v in row.values()] for row in head]


def load_workbook(
    con: duckdb.DuckDBPyConnection,
    source: SourceFile,
    name: str,
    mapping: HeaderMap | None,
    text_columns: frozenset[str] | None = None,
) -> Loaded:
    """Load the sheet of a workbook that holds the table into ``name``.

    With ``text_columns`` None every cell is text, as the sheet shows it. With a set, the rows below the
    header keep the types of their cells (numbers, dates) in each number and date column the header names,
    except those in the set; a column whose cells are of several types is text.
    """
    path = source.path
    with path.open("rb") as fh:
        start = fh.read(512).lstrip()
    if start[:1] == b"<" or start[:3] == b"\xef\xbb\xbf":
        return _load_html(con, source, name, mapping)
    import fastexcel

    try:
        reader = fastexcel.read_excel(str(path))
        sheets = reader.sheet_names
        if not sheets:
            raise SourceError(file_problem(path, Message("the workbook has no sheets; save the table in it")))
        chosen, header, heads = None, None, {}
        for index in range(len(sheets)):
            heads[index] = head = _first_rows(reader, path, index)
            guess = find_header(head, source.tables, mapping)
            if chosen is None or (guess.complete and not header.complete):
                chosen, header = index, guess
            if guess.complete:
                break
        assert chosen is not None and header is not None  # the workbook has a sheet
        if not heads[chosen]:
            raise SourceError(
                file_problem(
                    path, Message("the sheet %(sheet)s is empty (no header row)", {"sheet": repr(sheets[chosen])})
                )
            )
        loaded = Loaded.from_header(source, name, header, header.first + 1, sheet=sheets[chosen] if chosen else None)
        header_problems(loaded)
        if text_columns is None:  # every cell as text, header rows included
            sheet = reader.load_sheet(chosen, header_row=None, skip_rows=0, dtypes="string")
            first = header.data_start
        else:  # the rows below the header, each column typed as its cells are (text where they are mixed)
            sheet = reader.load_sheet(
                chosen,
                header_row=None,
                skip_rows=header.data_start,
                schema_sample_rows=None,
                dtypes=_text_dtypes(loaded, mapping, text_columns) or None,
            )
            first = 0
        batch, cell_errors = sheet.to_arrow_with_errors()
        table = _typed_table(batch)
        errors = _error_cells(cell_errors, header.data_start + 1, loaded.columns)
    except SourceError:
        raise
    except (OSError, MemoryError):
        raise
    except Exception as exc:  # fastexcel raises its own error types for unreadable files
        raise SourceError(
            file_problem(
                path,
                Message(
                    "cannot be read as an Excel workbook (%(detail)s); open it in Excel and save it again as .xlsx",
                    {"detail": str(exc).splitlines()[0][:200]},
                ),
            )
        ) from exc
    _register(con, name, table, loaded, errors, first)
    return loaded


def _first_rows(reader: Any, path: Path, index: int) -> list[list[str]]:
    """The first rows of sheet ``index`` as text, where the header is searched.

    From an .xlsx sheet's XML when it can be read so (the workbook reader would parse the whole sheet to
    give them), else from the workbook reader.
    """
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            got = first_rows(path, index, SCAN_ROWS + 2)
        except (zipfile.BadZipFile, KeyError, ET.ParseError, ValueError):
            got = None
        if got is not None:
            return got[0]
    head = _text_table(
        reader.load_sheet(index, header_row=None, skip_rows=0, n_rows=SCAN_ROWS + 2, dtypes="string", eager=True)
    )
    return _rows(head, SCAN_ROWS + 2)


def _typed_table(batch: pa.RecordBatch | pa.Table) -> pa.Table:
    table = pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
    columns = [c.cast(pa.string()) if pa.types.is_null(c.type) else c for c in table.columns]
    return pa.Table.from_arrays(columns, names=[f"c{i}" for i in range(table.num_columns)])


def _text_dtypes(loaded: Loaded, mapping: HeaderMap | None, text: frozenset[str]) -> dict[Any, Any]:
    """Column index → ``string`` for every column but the number and date columns (read as their cells are)."""
    from tierwise.io.csv_files import read_types

    types = read_types(loaded, mapping, text)
    return {i: "string" for i, column in enumerate(loaded.columns) if types[column] == "VARCHAR"}


def _register(
    con: duckdb.DuckDBPyConnection,
    name: str,
    table: pa.Table,
    loaded: Loaded,
    errors: dict[int, str],
    first_data: int | None = None,
) -> None:
    width = len(loaded.columns)
    body = table.slice(loaded.header_row - 1 + loaded.header_rows if first_data is None else first_data)
    columns = [body.column(i) if i < body.num_columns else pa.nulls(body.num_rows, pa.string()) for i in range(width)]
    first = loaded.header_row + loaded.header_rows
    data = pa.Table.from_arrays(columns, names=loaded.columns)
    if errors:
        rows = sorted(errors)
        marks = pa.Table.from_arrays(
            [pa.array(rows, pa.int64()), pa.array([errors[r] for r in rows], pa.string())], names=["__r", ERROR_COLUMN]
        )
        con.register("__workbook_errors", marks)
    con.register("__workbook", data)
    con.execute(f"CREATE TABLE {quote_ident(name + DATA)} AS SELECT * FROM __workbook")
    con.unregister("__workbook")
    rowno = f"rowid + {first}"
    if errors:
        con.execute(f"CREATE TABLE {quote_ident(name + '__errors')} AS SELECT * FROM __workbook_errors")
        con.unregister("__workbook_errors")
        con.execute(
            f"CREATE VIEW {quote_ident(name)} AS SELECT d.* EXCLUDE (__rid), e.{ERROR_COLUMN}, d.__rid AS {ROW} "
            f"FROM (SELECT *, {rowno} AS __rid FROM {quote_ident(name + DATA)}) d "
            f"LEFT JOIN {quote_ident(name + '__errors')} e ON e.__r = d.__rid"
        )
    else:
        con.execute(f"CREATE VIEW {quote_ident(name)} AS SELECT *, {rowno} AS {ROW} FROM {quote_ident(name + DATA)}")


def _error_cells(cell_errors: Any, first_row: int, columns: list[str]) -> dict[int, str]:
    """Row → ``'header: #N/A'`` for the first error cell of each data row (rows from ``first_row``, 1-based).

    The workbook reader turns an error cell into a blank and reports it as a cell it could not convert.
    """
    found: dict[int, str] = {}
    for error in getattr(cell_errors, "errors", None) or ():
        code = _ERROR_CELL.search(error.detail)
        row, col = error.position[0] + 1, error.position[1]
        if code is None or row < first_row or row in found:
            continue
        header = columns[col] if col < len(columns) else f"column {col + 1}"
        found[row] = f"{header}: {EXCEL_ERRORS.get(code.group(1), '#' + code.group(1).upper())}"
    return found


class _Tables(HTMLParser):
    """The cells of the first HTML table, row by row (ERP "Excel" exports are often such pages)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._depth = 0
        self._done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._done:
            return
        if tag == "table":
            self._depth += 1
        elif tag == "tr" and self._depth:
            self.rows.append([])
        elif tag in ("td", "th") and self._depth and self.rows:
            self._cell = []
            span = dict(attrs).get("colspan")
            self._span = int(span) if span and span.isdigit() else 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].extend([" ".join("".join(self._cell).split())] + [""] * (self._span - 1))
            self._cell = None
        elif tag == "table" and self._depth:
            self._depth -= 1
            self._done = self._depth == 0 and bool(self.rows)

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _load_html(con: duckdb.DuckDBPyConnection, source: SourceFile, name: str, mapping: HeaderMap | None) -> Loaded:
    raw = source.path.read_bytes()
    charset = re.search(rb'charset=["\']?([A-Za-z0-9_-]+)', raw[:4096])
    encoding = charset.group(1).decode() if charset else "utf-8"
    try:
        text = raw.decode("gb18030" if encoding.lower() in ("gbk", "gb2312") else encoding)
    except (LookupError, UnicodeDecodeError):
        text = raw.decode("gb18030", errors="replace")
    parser = _Tables()
    parser.feed(text)
    if not parser.rows:
        raise SourceError(
            file_problem(
                source.path,
                Message("an HTML page, not a workbook, and it holds no table; export the data again as .xlsx or .csv"),
            )
        )
    header = find_header(parser.rows, source.tables, mapping)
    loaded = Loaded.from_header(source, name, header, header.first + 1)
    loaded.notes.append(
        Message(
            N_("%(file)s: an HTML page saved as %(suffix)s; read its table"),
            {"file": source.path.name, "suffix": source.path.suffix},
        )
    )
    header_problems(loaded)
    width = max(len(r) for r in parser.rows)
    rows = [r + [""] * (width - len(r)) for r in parser.rows]
    table = pa.Table.from_arrays(
        [pa.array([r[i] or None for r in rows], pa.string()) for i in range(width)],
        names=[f"c{i}" for i in range(width)],
    )
    _register(con, name, table, loaded, {})
    return loaded
