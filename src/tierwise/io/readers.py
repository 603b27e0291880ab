"""Reading a data set: a folder (or one file) of the seven tables, validated as a whole.

Where the data comes from (a folder, a file, the demo) is a :mod:`tierwise.io.source`; this module reads files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pyarrow as pa

from tierwise.config import Settings
from tierwise.errors import DataValidationError, Problem, UsageError
from tierwise.i18n import N_, Message
from tierwise.io.columns import TABLES, table_for_file_stem
from tierwise.io.connection import duckdb_connection
from tierwise.io.dataset import Dataset
from tierwise.io.headers import HeaderMap
from tierwise.io.parsing import quote_ident
from tierwise.io.sources import (
    SUFFIXES,
    Loaded,
    SourceError,
    SourceFile,
    discover,
    drop_loaded,
    load_source,
    os_problem,
    second_file_problem,
)
from tierwise.io.validation import TYPED, Checked, check_customer_references, check_file

DEMO = "demo"


def read_dataset(
    path: str | Path,
    as_of: dt.date | None = None,
    settings: Settings | None = None,
    header_map: HeaderMap | None = None,
) -> Dataset:
    """Read and validate a data set folder (or a single table file).

    Returns the canonical tables, or raises one :class:`DataValidationError` listing every problem (file,
    row as seen in the file, original header, value, reason in English and Chinese). With ``as_of``, no
    event date may lie after it. ``header_map`` maps a user's own headers to canonical columns
    (``--map``). Every file with a table's suffix is read or named in a problem; what was recognised,
    skipped or scaled is in ``Dataset.notes``. Nothing is kept when a read fails.
    """
    settings = settings or Settings()
    path = Path(path)
    notes: list[Message] = []
    sources, problems = _sources(path, notes)
    con = duckdb_connection(settings)
    loaded: dict[str, Loaded] = {}
    for index, source in enumerate(sources):
        try:
            found = load_source(con, source, f"__file{index}", header_map, frozenset())
        except SourceError as exc:
            problems.append(exc.problem)
            continue
        if found.table in loaded:
            problems.append(second_file_problem(source.path, found.table, loaded[found.table].source.path))
            drop_loaded(con, found)
            continue
        loaded[found.table] = found
        notes.extend(found.notes)
    checked: dict[str, Checked] = {}
    for table in (t for t in TABLES if t in loaded):
        try:
            loaded[table], checked[table] = _check(con, table, loaded[table], as_of, header_map, settings)
        except SourceError as exc:
            problems.append(exc.problem)
            continue
        notes.extend(checked[table].notes)
    built = _build(con, loaded, checked)
    headers = {t: c.headers.get("customer_id", "customer_id") for t, c in checked.items()}
    check_customer_references(con, checked, headers, built)

    total = len(problems) + sum(c.problem_count for c in checked.values())
    if total:
        con.close()
        listed = problems + [p for c in checked.values() for p in sorted(c.problems, key=lambda p: p.row or 0)]
        raise DataValidationError(listed, total=total)

    for table, found in loaded.items():  # the canonical tables are copies or views of the rows: free the rest
        _drop_typed(con, found, checked[table])
        drop_loaded(con, found, keep_base=checked[table].plain)
    return Dataset(
        con=con,
        tables=[t for t in TABLES if t in checked],
        sources={t: str(f.source.path) for t, f in loaded.items()},
        present_columns={t: c.present for t, c in checked.items()},
        unknown_columns={t: c.unknown for t, c in checked.items() if c.unknown},
        notes=notes,
    )


def _check(
    con: duckdb.DuckDBPyConnection,
    table: str,
    found: Loaded,
    as_of: dt.date | None,
    header_map: HeaderMap | None,
    settings: Settings,
) -> tuple[Loaded, Checked]:
    """Check one loaded file; a column read with its type that has a problem is read again as text.

    The problem is then found in the text the user wrote, and named with it (``24-7-22``, not the
    year 24), and the value that failed the fast cast is parsed leniently; the other columns stay typed.
    """
    while True:
        result = check_file(
            con,
            table,
            found.view,
            found.source.path.name,
            as_of,
            base=found.base,
            text_file=found.source.kind != "parquet",
            loaded=found,
            user_map=header_map,
            settings=settings,
        )
        again = result.failed & found.native
        if not again:
            return found, result
        _drop_typed(con, found, result)
        drop_loaded(con, found)
        found = load_source(con, found.source, found.view, header_map, found.text_columns | again)


def _drop_typed(con: duckdb.DuckDBPyConnection, found: Loaded, result: Checked) -> None:
    con.execute(f"DROP {'TABLE' if result.materialized else 'VIEW'} IF EXISTS {quote_ident(found.view + TYPED)}")


def _build(con: duckdb.DuckDBPyConnection, loaded: dict[str, Loaded], checked: dict[str, Checked]) -> dict[str, str]:
    """Create each canonical table that can be built (a view when it only renames the rows); name → relation."""
    built = {}
    for table, result in checked.items():
        if result.canonical_sql is None:
            continue
        kind = "VIEW" if result.plain else "TABLE"
        con.execute(f"CREATE {kind} {quote_ident(table)} AS {result.canonical_sql}")
        built[table] = table
    return built


def _sources(path: Path, notes: list[Message]) -> tuple[list[SourceFile], list[Problem]]:
    """The files of the data set at ``path`` (a folder or one file), and problems with the folder."""
    try:
        if path.is_dir():
            sources, problems, ignored = discover(path)
            if ignored:
                notes.append(Message(N_("not table files, not read: %(files)s"), {"files": ", ".join(ignored)}))
            if not sources and not problems:
                problems.append(
                    Problem(
                        path.name,
                        None,
                        None,
                        None,
                        Message(
                            "no table files found; put files such as customers.csv, transactions.xlsx or 交易.csv "
                            "(%(suffixes)s) in the folder",
                            {"suffixes": ", ".join(SUFFIXES)},
                        ),
                    )
                )
            return sources, problems
    except OSError as exc:
        return [], [os_problem(path, exc)]
    if path.is_file():
        if path.suffix.lower() not in SUFFIXES:
            raise UsageError(
                Message(
                    "%(name)s: not a table file; give a folder or a file ending in %(suffixes)s",
                    {"name": path.name, "suffixes": ", ".join(SUFFIXES)},
                )
            )
        return [SourceFile(table_for_file_stem(path.stem), path)], []
    raise UsageError(Message("no such folder or file: %(path)s", {"path": str(path)}))


def dataset_from_arrow(tables: dict[str, pa.Table], settings: Settings | None = None) -> Dataset:
    """A data set from canonical Arrow tables already in the contract (e.g. the generated demo data)."""
    con = duckdb_connection(settings)
    for name, table in tables.items():
        con.register("__incoming", table)
        con.execute(f"CREATE TABLE {quote_ident(name)} AS SELECT * FROM __incoming")
        con.unregister("__incoming")
    return Dataset(
        con=con,
        tables=[t for t in TABLES if t in tables],
        sources={t: DEMO for t in tables},
        present_columns={t: list(tables[t].column_names) for t in tables},
    )
