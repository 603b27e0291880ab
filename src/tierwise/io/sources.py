"""Finding a data set's files and loading each, as the user wrote it, into DuckDB.

A raw table keeps the file's own headers and holds every value as text (Parquet keeps its types), plus
``__row``: the row number the user sees in the file. Every file with a table's suffix is read: a file
whose name says which table it holds is read as that table, any other is recognised by its headers.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from tierwise.errors import Problem
from tierwise.i18n import N_, Message
from tierwise.io.columns import TABLES, table_for_file_stem
from tierwise.io.headers import HeaderMap, HeaderRow, ambiguous_tables
from tierwise.io.parsing import quote_ident, quote_literal

log = logging.getLogger(__name__)

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
PARQUET_SUFFIXES = (".parquet", ".pq")
SUFFIXES = CSV_SUFFIXES + WORKBOOK_SUFFIXES + PARQUET_SUFFIXES
ROW = "__row"
DATA = "__data"  # suffix of the table holding a loaded file's rows


@dataclass(frozen=True)
class SourceFile:
    """One file of a data set and the table its name says it holds (``None``: recognised by headers)."""

    table: str | None
    path: Path

    @property
    def kind(self) -> str:
        """``csv``, ``workbook`` or ``parquet``."""
        suffix = self.path.suffix.lower()
        if suffix in WORKBOOK_SUFFIXES:
            return "workbook"
        if suffix in PARQUET_SUFFIXES:
            return "parquet"
        return "csv"

    @property
    def tables(self) -> list[str]:
        """The tables the file may hold: the one its name says, or any."""
        return [self.table] if self.table else list(TABLES)


@dataclass
class Loaded:
    """A file loaded as view ``view``: the table it holds, its headers as written, where they were found."""

    source: SourceFile
    view: str
    table: str | None
    headers: list[str]  # as written in the file, one per column of the view (repeats kept)
    header_row: int = 1  # the row (1-based) of the header in the file; a merged header starts here
    header_rows: int = 1
    sheet: str | None = None
    complete: bool = True  # the header names every required column
    notes: list[Message] = field(default_factory=list)
    native: frozenset[str] = frozenset()  # columns read with their canonical type that could be read as text
    text_columns: frozenset[str] = frozenset()  # columns asked to be read as text

    @property
    def base(self) -> str:
        """The relation holding the file's rows without their row numbers (``view`` numbers them)."""
        return self.view + DATA

    @property
    def columns(self) -> list[str]:
        """The view's column names: the headers made unique and non-empty."""
        return unique_headers(self.headers)

    @classmethod
    def from_header(
        cls, source: SourceFile, view: str, header: HeaderRow, header_line: int, sheet: str | None = None
    ) -> Loaded:
        """What a reader found: the header of ``header`` (on line ``header_line``) in ``source``."""
        loaded = cls(source, view, header.table, header.headers, header_line, header.rows, sheet, header.complete)
        file = source.path.name
        moved = header_line != 1 or header.rows != 1
        rows = f"{header_line}–{header_line + 1}" if header.rows == 2 else str(header_line)
        on_rows = (
            N_("%(file)s: read the header on rows %(rows)s")
            if header.rows == 2
            else N_("%(file)s: read the header on row %(rows)s")
        )
        if sheet is not None and moved:
            on_rows = (
                N_("%(file)s: read sheet %(sheet)s, the header on rows %(rows)s")
                if header.rows == 2
                else N_("%(file)s: read sheet %(sheet)s, the header on row %(rows)s")
            )
            loaded.notes.append(Message(on_rows, {"file": file, "sheet": repr(sheet), "rows": rows}))
        elif sheet is not None:
            loaded.notes.append(Message(N_("%(file)s: read sheet %(sheet)s"), {"file": file, "sheet": repr(sheet)}))
        elif moved:
            loaded.notes.append(Message(on_rows, {"file": file, "rows": rows}))
        if source.table is None and header.table is not None and header.complete:
            loaded.notes.append(
                Message(
                    N_("%(file)s: read as the %(table)s table (%(zh)s), recognised by its headers"),
                    {"file": file, "table": header.table, "zh": TABLES[header.table].zh},
                )
            )
        return loaded


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


def header_problems(loaded: Loaded) -> None:
    """Refuse a file whose table cannot be told from its name or its headers, saying what to change."""
    source = loaded.source
    if source.table is not None:
        return
    found = ", ".join(h for h in loaded.headers if h) or "none"
    if loaded.table is None or not loaded.complete:
        raise SourceError(
            file_problem(
                source.path,
                Message(
                    "the file name does not say which table it holds, and its headers fit no table (headers "
                    "found: %(found)s); name the file after its table (%(tables)s, or 交易.csv, 客户.xlsx …) or "
                    "map its headers with --map",
                    {"found": found, "tables": ", ".join(TABLES)},
                ),
            )
        )
    candidates = ambiguous_tables(loaded.headers)
    if len(candidates) > 1:
        names = ", ".join(candidates)
        raise SourceError(
            file_problem(
                source.path,
                Message(
                    "the headers fit several tables (%(names)s); name the file after the one it holds",
                    {"names": names},
                ),
            )
        )


def discover(folder: Path) -> tuple[list[SourceFile], list[Problem], list[str]]:
    """The data set's files in ``folder``: (files to read, problems, names of files that hold no table)."""
    sources: list[SourceFile] = []
    problems: list[Problem] = []
    ignored: list[str] = []
    for path in sorted(p for p in folder.iterdir() if not p.name.startswith((".", "~$"))):
        if path.suffix.lower() not in SUFFIXES:
            if path.is_file():
                ignored.append(path.name)
            continue
        if path.is_dir():
            problems.append(
                file_problem(path, Message("a folder, not a file; move the table file itself into the data set folder"))
            )
            continue
        sources.append(SourceFile(table_for_file_stem(path.stem), path))
    return sources, problems, ignored


def second_file_problem(path: Path, table: str, first: Path) -> Problem:
    """Two files hold one table."""
    return file_problem(
        path,
        Message(
            "a second file for the %(table)s table (first: %(first)s); keep one, or merge them into one file",
            {"table": table, "first": first.name},
        ),
    )


def unique_headers(headers: Sequence[str]) -> list[str]:
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


def load_parquet(
    con: duckdb.DuckDBPyConnection,
    source: SourceFile,
    name: str,
    mapping: HeaderMap | None,
    text_columns: frozenset[str] | None = None,
) -> Loaded:
    """Expose a Parquet file as view ``name`` (typed, not copied), with file row numbers; its types are kept."""
    from tierwise.io.headers import find_header

    path = source.path
    try:
        con.execute(f"CREATE VIEW {quote_ident(name + DATA)} AS SELECT * FROM read_parquet({quote_literal(str(path))})")
        con.execute(
            f"CREATE VIEW {quote_ident(name)} AS SELECT * EXCLUDE (file_row_number), "
            f"file_row_number + 2 AS {ROW} FROM read_parquet({quote_literal(str(path))}, file_row_number = true)"
        )
        headers = [r[0] for r in con.execute(f"DESCRIBE {quote_ident(name)}").fetchall() if r[0] != ROW]
    except duckdb.Error as exc:
        raise SourceError(
            file_problem(
                path,
                Message(
                    "cannot be read as Parquet (%(detail)s); write the file again",
                    {"detail": str(exc).splitlines()[0][:200]},
                ),
            )
        ) from exc
    loaded = Loaded.from_header(source, name, find_header([headers], source.tables, mapping), 1)
    loaded.headers = headers
    header_problems(loaded)
    return loaded


def load_source(
    con: duckdb.DuckDBPyConnection,
    source: SourceFile,
    name: str,
    mapping: HeaderMap | None = None,
    text_columns: frozenset[str] | None = None,
) -> Loaded:
    """Load one source file into view ``name`` with the reader for its kind; OSErrors become problems.

    ``text_columns`` None: every value as the file wrote it, as text (Parquet keeps its types); a set:
    each number and date column read with its type where the reader can, except the columns in the set.
    """
    from tierwise.io.csv_files import load_csv
    from tierwise.io.workbooks import load_workbook

    loader = {"csv": load_csv, "workbook": load_workbook, "parquet": load_parquet}[source.kind]
    try:
        loaded = loader(con, source, name, mapping, text_columns)
    except OSError as exc:
        raise SourceError(os_problem(source.path, exc)) from exc
    log.debug("loaded %s as %s (%s)", source.path, name, loaded.table)
    return loaded


def drop_loaded(con: duckdb.DuckDBPyConnection, loaded: Loaded, keep_base: bool = False) -> None:
    """Drop the relations a reader made for ``loaded`` (the rows themselves too, unless ``keep_base``)."""
    name = loaded.view
    con.execute(f"DROP VIEW IF EXISTS {quote_ident(name)}")
    for suffix in ("__gaps", "__errors"):
        con.execute(f"DROP TABLE IF EXISTS {quote_ident(name + suffix)}")
    if not keep_base:
        kind = "VIEW" if loaded.source.kind == "parquet" else "TABLE"
        con.execute(f"DROP {kind} IF EXISTS {quote_ident(loaded.base)}")


def os_problem(path: Path, exc: OSError) -> Problem:
    """A file the system will not let us read: why, and what to change."""
    if isinstance(exc, PermissionError):
        return file_problem(
            path, Message("permission denied: the file cannot be read; give your user read access to it")
        )
    if isinstance(exc, IsADirectoryError):
        return file_problem(path, Message("a folder, not a file; give the table file itself"))
    return file_problem(
        path,
        Message(
            "cannot be read (%(reason)s); check that the file exists and is not open elsewhere",
            {"reason": exc.strerror or str(exc)},
        ),
    )
