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
from tierwise.io.headers import SCAN_ROWS, HeaderMap, find_header
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
        line, cjk, previous_end = 1, False, b""
        while True:
            chunk = fh.read(CHUNK_BYTES)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
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
            cjk = cjk or (not chunk.isascii() and _CJK.search(text) is not None)
            _note_empty_lines(previous_end + chunk, line - previous_end.count(b"\n"), found.empty_lines)
            line += chunk.count(b"\n")
            previous_end = chunk[-1:]


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
            if encoding != "utf-16":  # in GBK, as in UTF-8, no byte of a character is a line feed
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


def load_csv(con: duckdb.DuckDBPyConnection, source: SourceFile, name: str, mapping: HeaderMap | None) -> Loaded:
    """Load a CSV file as all-text columns into ``name``: header row found, rows numbered as in the file."""
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
        columns = "{" + ", ".join(f"{quote_literal(h)}: 'VARCHAR'" for h in loaded.columns) + "}"
        try:
            con.execute(
                f"CREATE TABLE {quote_ident(name + DATA)} AS SELECT * FROM read_csv("
                f"{quote_literal(str(found.readable))}, header = false, skip = {int(skip)}, all_varchar = true, "
                f"delim = {quote_literal(delim)}, quote = '\"', escape = '\"', auto_detect = false, "
                f"null_padding = false, max_line_size = {MAX_LINE_BYTES}, buffer_size = {2 * MAX_LINE_BYTES}, "
                f"columns = {columns})"
            )
        except (duckdb.Error, UnicodeDecodeError) as exc:
            raise SourceError(csv_problem(path, _message(exc))) from exc
    _number_rows(con, name, skip + 1, [e for e in found.empty_lines if e > skip])
    return loaded


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
