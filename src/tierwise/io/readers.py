"""Reading a data set: a folder (or one file) of the seven tables, validated as a whole.

Where the data comes from (a folder, a file, the demo) is a :mod:`tierwise.io.source`; this module reads files.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pyarrow as pa

from tierwise.config import Settings
from tierwise.errors import DataValidationError, Problem, UsageError
from tierwise.i18n import Message
from tierwise.io.columns import TABLES, table_for_file_stem
from tierwise.io.connection import duckdb_connection
from tierwise.io.dataset import Dataset
from tierwise.io.parsing import quote_ident
from tierwise.io.sources import DATA, ROW, SUFFIXES, SourceError, SourceFile, discover, load_source
from tierwise.io.validation import TYPED, Checked, check_customer_references, check_file

log = logging.getLogger(__name__)

DEMO = "demo"


def read_dataset(path: str | Path, as_of: dt.date | None = None, settings: Settings | None = None) -> Dataset:
    """Read and validate a data set folder (or a single table file).

    Returns the canonical tables, or raises one :class:`DataValidationError` listing every problem (file,
    row as seen in the file, original header, value, reason). With ``as_of``, no
    event date may lie after it. Nothing is kept when a read fails.
    """
    path = Path(path)
    if path.is_dir():
        sources, problems, ignored = discover(path)
        if ignored:
            log.info("ignored files that hold no known table: %s", ", ".join(ignored))
        if not sources and not problems:
            raise DataValidationError(
                [
                    Problem(
                        path.name,
                        None,
                        None,
                        None,
                        Message("no table files found (expected e.g. customers.csv, transactions.xlsx, 交易.csv)"),
                    )
                ]
            )
    elif path.is_file():
        table = table_for_file_stem(path.stem)
        if table is None or path.suffix.lower() not in SUFFIXES:
            raise UsageError(
                Message(
                    "%(path)s: the file name does not say which table it holds (use one of: %(tables)s or their "
                    "Chinese names, as .csv/.xlsx/.parquet)",
                    {"path": path.name, "tables": ", ".join(TABLES)},
                )
            )
        sources, problems = [SourceFile(table, path)], []
    else:
        raise UsageError(Message("no such folder or file: %(path)s", {"path": path}))

    con = duckdb_connection(settings)
    checked: dict[str, Checked] = {}
    for source in sources:
        try:
            load_source(con, source, source.table + "__raw")
        except SourceError as exc:
            problems.append(exc.problem)
            continue
        checked[source.table] = check_file(
            con, source.table, source.table + "__raw", source.path.name, as_of, materialize=source.kind != "parquet"
        )
    headers = {
        t: next((h for h in _headers(con, t + "__raw") if _is_customer_id(t, h)), "customer_id") for t in checked
    }
    check_customer_references(con, checked, headers)

    total = len(problems) + sum(c.problem_count for c in checked.values())
    if total:
        con.close()
        order = {name: i for i, name in enumerate(TABLES)}
        by_file = {c.file: order[t] for t, c in checked.items()}
        listed = problems + sorted(
            (p for c in checked.values() for p in c.problems), key=lambda p: (by_file.get(p.file, -1), p.row or 0)
        )
        raise DataValidationError(listed, total=total)

    for table, result in checked.items():
        kind = next(s.kind for s in sources if s.table == table)
        create = "VIEW" if kind == "parquet" else "TABLE"
        con.execute(f"CREATE {create} {quote_ident(table)} AS SELECT * EXCLUDE ({ROW}) FROM ({result.select_sql})")
    for source in sources:
        if source.kind != "parquet":  # the canonical table is a copy: free the text and parsed columns
            con.execute(f"DROP TABLE {quote_ident(source.table + '__raw' + TYPED)}")
            con.execute(f"DROP VIEW {quote_ident(source.table + '__raw')}")
            con.execute(f"DROP TABLE {quote_ident(source.table + '__raw' + DATA)}")
    return Dataset(
        con=con,
        tables=[t for t in TABLES if t in checked],
        sources={s.table: str(s.path) for s in sources},
        present_columns={t: c.present for t, c in checked.items()},
        unknown_columns={t: c.unknown for t, c in checked.items() if c.unknown},
    )


def _headers(con, view: str) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE {quote_ident(view)}").fetchall() if r[0] != ROW]


def _is_customer_id(table: str, header: str) -> bool:
    from tierwise.io.columns import canonical_column

    return canonical_column(table, header) == "customer_id"


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
