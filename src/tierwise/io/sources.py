"""Finding a data set's files and loading each, as the user wrote it, into DuckDB.

A raw table keeps the file's own headers and holds every value as text (Parquet keeps its types), plus
``__row``: the row number the user sees in the file (the header is row 1).
"""

from __future__ import annotations

import codecs
import csv
import logging
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from tierwise.errors import Problem
from tierwise.i18n import Message
from tierwise.io.columns import table_for_file_stem
from tierwise.io.parsing import quote_ident, quote_literal

log = logging.getLogger(__name__)

SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet", ".pq")
ROW = "__row"
DATA = "__data"  # suffix of the table holding a loaded file's rows
CHUNK_BYTES = 1 << 24


@dataclass(frozen=True)
class SourceFile:
    """One file of a data set and the table it holds."""

    table: str
    path: Path

    @property
    def kind(self) -> str:
        """``csv``, ``xlsx`` or ``parquet``."""
        suffix = self.path.suffix.lower()
        if suffix in (".xlsx", ".xlsm"):
            return "xlsx"
        if suffix in (".parquet", ".pq"):
            return "parquet"
        return "csv"


class SourceError(Exception):
    """A file cannot be read at all; carries the problem to report."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.describe())
        self.problem = problem


def file_problem(
    path: Path, reason: Message, row: int | None = None, column: str | None = None, value: str | None = None
) -> Problem:
    """A problem about a file (or one place in it)."""
    return Problem(path.name, row, column, value, reason)


def discover(folder: Path) -> tuple[list[SourceFile], list[Problem], list[str]]:
    """The data set's files in ``folder``: (recognised files, problems, names of files that were ignored)."""
    found: dict[str, SourceFile] = {}
    problems: list[Problem] = []
    ignored: list[str] = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))):
        table = table_for_file_stem(path.stem) if path.suffix.lower() in SUFFIXES else None
        if table is None:
            ignored.append(path.name)
            continue
        if table in found:
            problems.append(
                file_problem(
                    path,
                    Message(
                        "a second file for the %(table)s table (first: %(first)s)",
                        {"table": table, "first": found[table].path.name},
                    ),
                )
            )
            continue
        found[table] = SourceFile(table, path)
    return list(found.values()), problems, ignored


def detect_encoding(path: Path) -> str:
    """``utf-8``, ``utf-8-sig`` (BOM), ``utf-16`` (BOM) or ``gb18030``, from the file's bytes.

    Without a byte-order mark, a file that is valid UTF-8 throughout is UTF-8, anything else GBK/GB18030
    (which Excel writes on Chinese Windows). Raises SourceError when the bytes fit neither.
    """
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8" if first_undecodable_line(path, "utf-8") is None else "gb18030"
    bad = first_undecodable_line(path, encoding)
    if bad:
        line, hexbytes = bad
        hint = (
            Message("the file starts with a UTF-8 mark but is not UTF-8")
            if encoding == "utf-8-sig"
            else Message("the text is neither UTF-8 nor GBK (%(encoding)s)", {"encoding": encoding})
        )
        raise SourceError(
            file_problem(
                path,
                Message(
                    "cannot decode bytes %(bytes)s: %(hint)s; save it as UTF-8 or GBK",
                    {"bytes": hexbytes, "hint": hint},
                ),
                row=line,
            )
        )
    return encoding


def first_undecodable_line(path: Path, encoding: str) -> tuple[int, str] | None:
    """Where a file stops being valid ``encoding``: (line number, the bytes there in hex), or None."""
    decoder = codecs.getincrementaldecoder("utf-8" if encoding == "utf-8-sig" else encoding)()
    line = 1
    with path.open("rb") as fh:
        if encoding == "utf-8-sig":
            fh.read(len(codecs.BOM_UTF8))  # so that error offsets point into the text, not past the mark
        while True:
            chunk = fh.read(CHUNK_BYTES)
            try:
                line += decoder.decode(chunk, final=not chunk).count("\n")
            except UnicodeDecodeError as exc:
                line += chunk[: exc.start].count(b"\n")
                return line, chunk[exc.start : exc.start + 4].hex(" ")
            if not chunk:
                return None


def transcode_to_utf8(path: Path, encoding: str, target: Path) -> None:
    """Write ``path`` decoded from ``encoding`` as UTF-8 into ``target``, chunk by chunk."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(CHUNK_BYTES):
            dst.write(decoder.decode(chunk))
        dst.write(decoder.decode(b"", final=True))


def detect_delimiter(header_line: str) -> str:
    """The delimiter of a CSV header line: tab, ``;`` or ``,`` (the most frequent of them)."""
    counts = {d: header_line.count(d) for d in ("\t", ";", ",")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def load_csv(con: duckdb.DuckDBPyConnection, source: SourceFile, name: str) -> None:
    """Load a CSV file as all-text columns into table ``name``; raises SourceError when it cannot be read.

    UTF-8 files are read by DuckDB directly; GBK and UTF-16 files are first decoded to a temporary
    UTF-8 copy in 16 MB chunks (DuckDB's own GB18030 decoder is slow and fails across buffer bounds).
    """
    path = source.path
    if path.stat().st_size == 0:
        raise SourceError(file_problem(path, Message("the file is empty (no header row)")))
    encoding = detect_encoding(path)
    with tempfile.TemporaryDirectory(prefix="tierwise-") as tmp:
        readable = path
        if encoding not in ("utf-8", "utf-8-sig"):
            readable = Path(tmp) / "utf8.csv"
            transcode_to_utf8(path, encoding, readable)
        with readable.open("r", encoding="utf-8-sig", newline="") as fh:
            header = fh.readline().rstrip("\r\n")
        if not header.strip():
            raise SourceError(
                file_problem(
                    path,
                    Message("the first line is empty; it must hold the column headers"),
                    row=1,
                )
            )
        delim = detect_delimiter(header)
        try:
            con.execute(
                f"CREATE TABLE {quote_ident(name + DATA)} AS SELECT * FROM read_csv({quote_literal(str(readable))}, "
                f"header = false, skip = 1, all_varchar = true, delim = {quote_literal(delim)}, quote = '\"', "
                f"escape = '\"', auto_detect = false, "
                f"columns = {_csv_columns(header, delim)})"
            )
        except duckdb.Error as exc:
            raise SourceError(csv_problem(path, str(exc))) from exc
    _add_row_numbers(con, name)


def csv_problem(path: Path, message: str) -> Problem:
    """The problem behind a DuckDB CSV error: the line it names and what was wrong there."""
    line = re.search(r"Line: (\d+)", message)
    columns = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message)
    if columns:
        reason = Message(
            "%(found)s fields where the header has %(expected)s",
            {"found": columns.group(2), "expected": columns.group(1)},
        )
    else:
        reason = Message("cannot be read as CSV: %(detail)s", {"detail": message.splitlines()[0]})
    return file_problem(path, reason, row=int(line.group(1)) if line else None)


def _csv_columns(header: str, delim: str) -> str:
    """The header names as a DuckDB ``columns`` struct of VARCHARs (keeps headers exactly as written)."""
    names = unique_headers([h.strip() for h in next(csv.reader([header], delimiter=delim))])
    return "{" + ", ".join(f"{quote_literal(h)}: 'VARCHAR'" for h in names) + "}"


def unique_headers(headers: list[str]) -> list[str]:
    """Headers made unique and non-empty (``col_3`` for a blank third header, ``x_2`` for a repeated ``x``)."""
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(headers, start=1):
        h = h or f"col_{i}"
        if h in seen:
            seen[h] += 1
            h = f"{h}_{seen[h]}"
        else:
            seen[h] = 1
        out.append(h)
    return out


def load_xlsx(con: duckdb.DuckDBPyConnection, source: SourceFile, name: str) -> None:
    """Load the first sheet of an Excel workbook as text columns (dates as ISO text) into table ``name``."""
    from python_calamine import CalamineWorkbook

    path = source.path
    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types
        raise SourceError(
            file_problem(path, Message("cannot be read as an Excel workbook: %(detail)s", {"detail": str(exc)}))
        ) from exc
    if not rows or not any(str(v).strip() for v in rows[0]):
        raise SourceError(file_problem(path, Message("the first sheet is empty (no header row)")))
    headers = unique_headers([str(v).strip() for v in rows[0]])
    body = rows[1:]
    columns = {h: [_cell_text(r[i]) if i < len(r) else None for r in body] for i, h in enumerate(headers)}
    con.register("__xlsx", pa.table({h: pa.array(v, pa.string()) for h, v in columns.items()}))
    con.execute(f"CREATE TABLE {quote_ident(name + DATA)} AS SELECT * FROM __xlsx")
    con.unregister("__xlsx")
    _add_row_numbers(con, name)


def _cell_text(value: object) -> str | None:
    """One Excel cell as the text a user would have typed: whole numbers without ``.0``, dates in ISO."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def load_parquet(con: duckdb.DuckDBPyConnection, source: SourceFile, name: str) -> None:
    """Expose a Parquet file as view ``name`` (typed, not copied), with file row numbers."""
    path = source.path
    try:
        con.execute(
            f"CREATE VIEW {quote_ident(name)} AS SELECT * EXCLUDE (file_row_number), "
            f"file_row_number + 2 AS {ROW} FROM read_parquet({quote_literal(str(path))}, file_row_number = true)"
        )
        con.execute(f"SELECT * FROM {quote_ident(name)} LIMIT 0")
    except duckdb.Error as exc:
        raise SourceError(
            file_problem(path, Message("cannot be read as Parquet: %(detail)s", {"detail": str(exc).splitlines()[0]}))
        ) from exc


def _add_row_numbers(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """View ``name`` over the loaded rows, numbered as the user sees them (header = row 1)."""
    con.execute(f"CREATE VIEW {quote_ident(name)} AS SELECT *, rowid + 2 AS {ROW} FROM {quote_ident(name + DATA)}")


LOADERS = {"csv": load_csv, "xlsx": load_xlsx, "parquet": load_parquet}


def load_source(con: duckdb.DuckDBPyConnection, source: SourceFile, name: str) -> None:
    """Load one source file into ``name`` with the loader for its kind."""
    LOADERS[source.kind](con, source, name)
    log.debug("loaded %s as %s", source.path, name)
