"""Loading a CSV export: its encoding found in one pass over the file, then DuckDB reads it as text.

One pass in 16 MB chunks decides the encoding (UTF-8, a byte-order mark, or GBK/GB18030 as Excel writes
it on Chinese Windows), notes the empty lines (DuckDB skips them, so the row numbers users see account for
them) and, for GBK and UTF-16, writes the UTF-8 copy DuckDB reads. A file whose first rows are UTF-8 (they hold
Chinese characters as UTF-8) and later rows are not is pointed at its first row that is not; a file whose
bytes are valid UTF-8 throughout is read as UTF-8 (a few GBK characters can form valid UTF-8 by chance, so
a GBK file with only a handful of Chinese characters and ASCII headers is ambiguous).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from tierwise.errors import Problem
from tierwise.i18n import Message
from tierwise.io.columns import TABLES
from tierwise.io.headers import SCAN_ROWS, HeaderMap, find_header, recognise
from tierwise.io.parsing import quote_ident, quote_literal
from tierwise.io.sources import DATA, ROW, Loaded, SourceError, SourceFile, file_problem, header_problems

CHUNK_BYTES = 1 << 24
PREVIEW_BYTES = 1 << 16
MAX_LINE_BYTES = 1 << 26  # 64 MB: a note field of several megabytes is a real export, not a broken file
_EMPTY_LINE = re.compile(rb"\n(?=\r?\n)")
# Chinese characters read as UTF-8 are evidence of UTF-8: GBK bytes misread as UTF-8 rarely make them
_CJK = re.compile("[\u3400-\u9fff]")


@dataclass
class Prepared:
    """A CSV file made readable by DuckDB: the UTF-8 file to read and where its empty lines are."""

    readable: Path
    encoding: str
    empty_lines: list[int] = field(default_factory=list)  # 1-based line numbers
    preview: str = ""


def _undecodable(path: Path, line: int, bad: bytes, hint: Message) -> SourceError:
    return SourceError(
        file_problem(
            path,
            Message(
                "cannot decode bytes %(bytes)s: %(hint)s; save the whole file as UTF-8 (or as GBK)",
                {"bytes": bad.hex(" "), "hint": hint},
            ),
            row=line,
        )
    )


def prepare(path: Path, folder: Path) -> Prepared:
    """Decide the encoding of ``path`` in one pass; for GBK or UTF-16 write a UTF-8 copy into ``folder``.

    Raises SourceError naming the first line that is not in the file's encoding.
    """
    with path.open("rb") as fh:
        head = fh.read(4)
        fh.seek(0)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return _transcode(path, fh, "utf-16", folder)
        bom = head.startswith(codecs.BOM_UTF8)
        if bom:
            fh.read(len(codecs.BOM_UTF8))
        decoder = codecs.getincrementaldecoder("utf-8")()
        found = Prepared(path, "utf-8-sig" if bom else "utf-8")
        # the line a chunk starts on is counted only once a line number is needed (an empty line, a byte
        # that is not UTF-8): counting every line feed costs as much as the rest of the pass
        line: int | None = 1
        cjk, counting, previous_end, offset = False, False, b"", fh.tell()
        while True:
            chunk = fh.read(CHUNK_BYTES)
            ascii_only = bool(chunk) and chunk.isascii() and not decoder.getstate()[0]
            try:  # ASCII is UTF-8: only a chunk with other bytes is decoded
                text = chunk[:PREVIEW_BYTES].decode("ascii") if ascii_only else decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                line = _line_at(path, offset) if line is None else line
                where = line + chunk[: exc.start].count(b"\n")
                bad = chunk[exc.start : exc.start + 4]
                if bom:
                    raise _undecodable(
                        path,
                        where,
                        bad,
                        Message("the file starts with a UTF-8 mark but is not UTF-8"),
                    ) from None
                if cjk or _CJK.search(chunk[: exc.start].decode("utf-8", errors="ignore")):
                    raise _undecodable(
                        path,
                        where,
                        bad,
                        Message("the rows above are UTF-8 but this one is not (GBK rows pasted into a UTF-8 file?)"),
                    ) from None
                fh.seek(0)  # only ASCII so far: a GBK file; decode it from the start
                return _transcode(path, fh, "gb18030", folder)
            if len(found.preview) < PREVIEW_BYTES:
                found.preview += text[: PREVIEW_BYTES - len(found.preview)]
            if not chunk:
                return found
            cjk = cjk or (not ascii_only and _CJK.search(text) is not None)
            if _has_empty_line(previous_end, chunk):
                line = _line_at(path, offset) if line is None else line
                counting = True  # from the first empty line on, every chunk's lines are counted
                _note_empty_lines(previous_end + chunk, line - previous_end.count(b"\n"), found.empty_lines)
            line = line + chunk.count(b"\n") if counting and line is not None else None
            previous_end, offset = chunk[-1:], offset + len(chunk)


def _has_empty_line(previous_end: bytes, chunk: bytes) -> bool:
    """Whether ``chunk`` (after a chunk ending in ``previous_end``) holds an empty line."""
    return _EMPTY_LINE.search(chunk) is not None or (previous_end == b"\n" and chunk.startswith((b"\n", b"\r\n")))


def _line_at(path: Path, offset: int) -> int:
    """The line (1-based) that byte ``offset`` of ``path`` is on: the line feeds before it, counted."""
    count = 1
    with path.open("rb") as fh:
        while offset > 0 and (block := fh.read(min(CHUNK_BYTES, offset))):
            count += block.count(b"\n")
            offset -= len(block)
    return count


def _note_empty_lines(data: bytes, first_line: int, out: list[int]) -> None:
    """Append the line numbers of the empty lines in ``data`` (which starts at line ``first_line``)."""
    start, line = 0, first_line
    for match in _EMPTY_LINE.finditer(data):
        line += data.count(b"\n", start, match.start() + 1)
        start = match.start() + 1
        if line not in out:
            out.append(line)


def _transcode(path: Path, fh: io.BufferedReader, encoding: str, folder: Path) -> Prepared:
    target = folder / "utf8.csv"
    decoder = codecs.getincrementaldecoder(encoding)()
    found = Prepared(target, encoding)
    line, previous_end = 1, b""
    with target.open("w", encoding="utf-8", newline="") as out:
        while True:
            chunk = fh.read(CHUNK_BYTES)
            # in GBK, as in UTF-8, no byte of a character is a line feed
            if encoding != "utf-16" and _has_empty_line(previous_end, chunk):
                _note_empty_lines(previous_end + chunk, line - previous_end.count(b"\n"), found.empty_lines)
            previous_end = chunk[-1:]
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                raise _undecodable(
                    path,
                    line + chunk[: exc.start].count(b"\n"),
                    chunk[exc.start : exc.start + 4],
                    Message("the text is neither UTF-8 nor GBK (%(encoding)s)", {"encoding": encoding}),
                ) from None
            if len(found.preview) < PREVIEW_BYTES:
                found.preview += text[: PREVIEW_BYTES - len(found.preview)]
            out.write(text)
            if not chunk:
                break
            line += chunk.count(b"\n")
    if encoding == "utf-16":
        _note_empty_lines(found.preview.encode("utf-8"), 1, found.empty_lines)  # the first rows only
    return found


def detect_delimiter(header_line: str) -> str:
    """The delimiter of a CSV header line: tab, ``;`` or ``,`` (the most frequent of them)."""
    counts = {d: header_line.count(d) for d in ("\t", ";", ",")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _consistent_delimiter(lines: list[str]) -> str:
    """The delimiter that splits most of the first lines into the same number (> 1) of fields."""
    best, score = ",", (0, 0)
    for delim in (",", "\t", ";"):
        widths = Counter(len(row) for row in csv.reader(io.StringIO("\n".join(lines)), delimiter=delim) if row)
        width, lines_with_it = max(widths.items(), key=lambda item: (item[1], item[0]), default=(0, 0))
        if width > 1 and (lines_with_it, width) > score:
            best, score = delim, (lines_with_it, width)
    return best


def _preview_rows(preview: str) -> tuple[list[list[str]], list[int], str]:
    """The first rows of the text as cells, the line each starts on, and the delimiter."""
    lines = preview.lstrip("\ufeff").splitlines()[: SCAN_ROWS + 2]
    if preview and not preview.endswith(("\n", "\r")) and len(preview) >= PREVIEW_BYTES:
        lines = lines[:-1]  # the last line of a cut preview is not whole
    delim = _consistent_delimiter(lines)
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delim)
    rows, starts, line = [], [], 1
    for row in reader:
        starts.append(line)
        rows.append(row)
        line = reader.line_num + 1
    return rows, starts, delim


def load_csv(
    con: duckdb.DuckDBPyConnection,
    source: SourceFile,
    name: str,
    mapping: HeaderMap | None,
    text_columns: frozenset[str] | None = None,
) -> Loaded:
    """Load a CSV file into ``name``: header row found, rows numbered as in the file.

    With ``text_columns`` None every column is text, as written. With a set, DuckDB reads each number and
    date column the header names with its canonical type, except those in the set: a column where one
    value does not cast is read again as text (and parsed leniently by the validator), so that a file in
    the plain forms is read at DuckDB's own speed and an export's ``¥1,234`` still loads.
    """
    path = source.path
    if path.stat().st_size == 0:
        raise SourceError(file_problem(path, Message("the file is empty (no header row)")))
    with tempfile.TemporaryDirectory(prefix="tierwise-") as tmp:
        found = prepare(path, Path(tmp))
        rows, starts, delim = _preview_rows(found.preview)
        if not any(any(c.strip() for c in r) for r in rows):
            raise SourceError(
                file_problem(
                    path,
                    Message("no header row in the first lines; the first row must hold the column headers"),
                    row=1,
                )
            )
        header = find_header(rows, source.tables, mapping)
        loaded = Loaded.from_header(source, name, header, header_line=starts[header.first])
        header_problems(loaded)
        last_header = starts[min(header.data_start, len(starts)) - 1]
        skip = starts[header.data_start] - 1 if header.data_start < len(starts) else last_header
        options = (
            f"header = false, skip = {int(skip)}, delim = {quote_literal(delim)}, quote = '\"', escape = '\"', "
            f"auto_detect = false, null_padding = false, max_line_size = {MAX_LINE_BYTES}, "
            f"buffer_size = {2 * MAX_LINE_BYTES}"
        )
        text = frozenset(loaded.columns) if text_columns is None else text_columns
        while True:
            types = read_types(loaded, mapping, text)
            failed = _read(con, path, f"read_csv({quote_literal(str(found.readable))}, {options}", name + DATA, types)
            if not failed:
                break
            text = text | failed
        loaded.native = frozenset(c for c, t in types.items() if t != "VARCHAR")
        loaded.text_columns = text
    _number_rows(con, name, skip + 1, [e for e in found.empty_lines if e > skip])
    return loaded


# the type DuckDB reads a canonical column's values as; whole numbers are read as DOUBLE (DuckDB would round
# 4.5 to a BIGINT) and checked for fractions by the validator
READ_TYPES = {"float": "DOUBLE", "int": "DOUBLE", "date": "DATE"}


def read_types(loaded: Loaded, mapping: HeaderMap | None, text: frozenset[str]) -> dict[str, str]:
    """Each column of ``loaded`` → the DuckDB type to read it as: its canonical type, or text.

    Text for the columns in ``text``, for the columns no canonical number or date column is named by,
    and for both of two columns that name one canonical column (the validator names them).
    """
    table = loaded.table or loaded.source.table
    found = {c: recognise(table, h, mapping) if table and h else None for c, h in zip(loaded.columns, loaded.headers)}
    named = Counter(r.column for r in found.values() if r is not None)
    spec = TABLES[table] if table else None
    types = {}
    for column, got in found.items():
        kind = spec.column(got.column).type if spec is not None and got is not None else "string"
        typed = got is not None and named[got.column] == 1 and column not in text
        types[column] = READ_TYPES.get(kind, "VARCHAR") if typed else "VARCHAR"
    return types


def _read(con: duckdb.DuckDBPyConnection, path: Path, reader: str, target: str, types: dict[str, str]) -> set[str]:
    """Create table ``target`` from ``reader`` (``read_csv(file, options`` without its closing bracket).

    Returns the typed columns where a value did not cast (the table is then not complete); a file
    DuckDB cannot read at all raises SourceError from the all-text read, which names the line.
    """
    columns = "{" + ", ".join(f"{quote_literal(c)}: {quote_literal(t)}" for c, t in types.items()) + "}"
    typed = any(t != "VARCHAR" for t in types.values())
    rejects = f", store_rejects = true, rejects_table = {quote_literal(target + '__rejects')}, " + (
        f"rejects_scan = {quote_literal(target + '__scans')}, rejects_limit = 1000"
    )
    try:
        con.execute(
            f"CREATE OR REPLACE TABLE {quote_ident(target)} AS SELECT * FROM {reader}, "
            f"{'all_varchar = false' if typed else 'all_varchar = true'}, columns = {columns}"
            f"{rejects if typed else ''})"
        )
    except (duckdb.Error, UnicodeDecodeError) as exc:
        raise SourceError(csv_problem(path, _message(exc))) from exc
    if not typed:
        return set()
    found = con.execute(
        f"SELECT DISTINCT CAST(error_type AS VARCHAR), column_name FROM {quote_ident(target + '__rejects')}"
    ).fetchall()
    con.execute(f"DROP TABLE {quote_ident(target + '__rejects')}")
    con.execute(f"DROP TABLE {quote_ident(target + '__scans')}")
    if any(kind != "CAST" for kind, _ in found):  # not a value: the all-text read says what is wrong with the line
        return {c for c, t in types.items() if t != "VARCHAR"}
    return {column for _, column in found}


def _message(exc: Exception) -> str:
    """DuckDB's message; its text may hold a cut multi-byte character, which Python cannot decode."""
    if isinstance(exc, UnicodeDecodeError):
        return exc.object.decode("utf-8", errors="replace") if isinstance(exc.object, bytes) else str(exc)
    return str(exc)


def csv_problem(path: Path, message: str) -> Problem:
    """The problem behind a DuckDB CSV error: the line it names and what was wrong there."""
    line = re.search(r"Line: (\d+)", message)
    columns = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message)
    row = int(line.group(1)) if line else None
    if columns:
        return file_problem(
            path,
            Message(
                "%(found)s fields where the header has %(expected)s; "
                "remove the extra delimiters or quote the text that holds one",
                {"found": columns.group(2), "expected": columns.group(1)},
            ),
            row=row,
        )
    if "Maximum line size" in message or "max_line_size" in message:
        return file_problem(
            path,
            Message("a line is longer than %(mb)s MB; shorten the text in it", {"mb": MAX_LINE_BYTES >> 20}),
            row=row,
        )
    if "unicode" in message.lower() or "utf-8" in message.lower():
        return file_problem(
            path,
            Message("the text is not UTF-8 from here on; save the whole file as UTF-8 (or as GBK)"),
            row=row,
        )
    first = next((ln for ln in message.splitlines() if ln.strip()), "")
    return file_problem(
        path,
        Message("cannot be read as CSV (%(detail)s); save it again as CSV from Excel", {"detail": first[:200]}),
        row=row,
    )


def _number_rows(con: duckdb.DuckDBPyConnection, name: str, first_line: int, empty_lines: list[int]) -> None:
    """View ``name`` over the loaded rows, each with the line it is on in the file (``__row``)."""
    data = quote_ident(name + DATA)
    if not empty_lines:
        con.execute(f"CREATE VIEW {quote_ident(name)} AS SELECT *, rowid + {first_line} AS {ROW} FROM {data}")
        return
    # the k-th empty line (0-based) at line e shifts every row from position e - k on by one more line
    shifts = ", ".join(f"({e - k}, {k + 1})" for k, e in enumerate(sorted(empty_lines)))
    gaps = quote_ident(name + "__gaps")
    con.execute(f"CREATE TABLE {gaps} AS SELECT pos, max(n) AS n FROM (VALUES {shifts}) v(pos, n) GROUP BY pos")
    con.execute(
        f"CREATE VIEW {quote_ident(name)} AS SELECT d.* EXCLUDE (__rid), d.__rid + {first_line} + coalesce(g.n, 0) "
        f"AS {ROW} FROM (SELECT *, rowid AS __rid FROM {data}) d "
        f"ASOF LEFT JOIN {gaps} g ON d.__rid + {first_line} >= g.pos"
    )
