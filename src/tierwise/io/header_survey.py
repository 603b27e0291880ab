"""What the headers of a data set's files stand for, with the first values under each: what the column
mapping step shows, so that a person can tell an unknown header's meaning from its values; and the
cells of named rows, so that a refused row can be shown as the file holds it.

>>> ColumnSurvey("所属片区", None, ["华东", "华南"]).known
False
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tierwise.config import Settings
from tierwise.io.connection import duckdb_connection
from tierwise.io.headers import HeaderMap, recognise
from tierwise.io.parsing import quote_ident
from tierwise.io.sources import ROW, SourceError, discover, load_source
from tierwise.io.workbooks import ERROR_COLUMN

SAMPLE_ROWS = 3  # values shown under each header
MAX_ROWS = 50  # rows of one file fetched to show a refused row


@dataclass(frozen=True)
class ColumnSurvey:
    """One column of a file: its header as written, the canonical column it stands for (``None``: unknown)
    and its first values as text."""

    header: str
    column: str | None
    values: list[str]

    @property
    def known(self) -> bool:
        """Whether the header names a canonical column."""
        return self.column is not None


@dataclass(frozen=True)
class FileSurvey:
    """One file: the table it holds, its columns, and the cells of the rows asked for (row number → one text
    per column, in the order of ``columns``)."""

    file: str
    table: str
    columns: list[ColumnSurvey]
    rows: dict[int, list[str]] = field(default_factory=dict)

    @property
    def unknown(self) -> list[str]:
        """The headers that name no canonical column."""
        return [c.header for c in self.columns if not c.known]


def survey_headers(
    folder: Path,
    settings: Settings,
    header_map: HeaderMap | None = None,
    wanted_rows: Mapping[str, Collection[int]] | None = None,
) -> list[FileSurvey]:
    """The files of the data set folder ``folder`` that can be read, with their columns as
    recognised (through ``header_map``) and the cells of ``wanted_rows`` (file name → row numbers as the
    file counts them, the header being row 1). A file that cannot be read is left out: reading the data
    set names it."""
    wanted_rows = wanted_rows or {}
    sources, _problems, _ignored = discover(folder)
    con = duckdb_connection(settings)
    surveys: list[FileSurvey] = []
    try:
        for index, source in enumerate(sources):
            try:
                loaded = load_source(con, source, f"__survey{index}", header_map)
            except SourceError:
                continue
            table = loaded.table or source.table
            if table is None or any(s.table == table for s in surveys):
                continue
            columns = [c for c in loaded.columns if c not in (ROW, ERROR_COLUMN)]
            written = dict(zip(loaded.columns, loaded.headers))
            cells = ", ".join(f"CAST({quote_ident(c)} AS VARCHAR)" for c in columns)
            view = quote_ident(loaded.view)
            first = con.execute(f"SELECT {cells} FROM {view} ORDER BY {ROW} LIMIT {SAMPLE_ROWS}").fetchall()
            survey = [
                ColumnSurvey(
                    written.get(c, c) or c,
                    got.column if (got := recognise(table, written.get(c, c) or c, header_map)) else None,
                    [row[i] or "" for row in first],
                )
                for i, c in enumerate(columns)
            ]
            numbers = sorted({int(r) for r in wanted_rows.get(source.path.name, ())})[:MAX_ROWS]
            rows: dict[int, list[str]] = {}
            if numbers:
                found = con.execute(
                    f"SELECT {ROW}, {cells} FROM {view} WHERE {ROW} IN (SELECT unnest(?)) ORDER BY {ROW}", [numbers]
                ).fetchall()
                rows = {int(r[0]): [v or "" for v in r[1:]] for r in found}
            surveys.append(FileSurvey(source.path.name, table, survey, rows))
    finally:
        con.close()
    return surveys
