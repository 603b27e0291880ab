"""The store as a data source: DuckDB attaches the SQLite or PostgreSQL database read-only and copies the
canonical tables into its own connection, with the canonical columns and types, in one scan each.

The analytics never see the ORM: a table is read by DuckDB's ``sqlite`` or ``postgres`` scanner (shipped
as PyPI wheels, see ``SCANNERS``), never row by row through Python.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import duckdb
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import URL

from tierwise.config import Settings
from tierwise.io.columns import TABLES
from tierwise.io.connection import duckdb_connection
from tierwise.io.dataset import Dataset
from tierwise.io.parsing import SQL_TYPES, quote_ident, quote_literal
from tierwise.store.db import create_store_engine, public_label, store_url
from tierwise.store.models import AuditEntry, Import, ImportFile
from tierwise.store.schema import ensure_schema
from tierwise.store.sealed import sealed_fields

# the DuckDB extension that reads each kind of store (from the duckdb-extension-sqlite / -postgres wheels, linked
# into DuckDB's layout by tierwise.io.connection.extension_directory)
SCANNERS = {"sqlite": "sqlite", "postgresql": "postgres"}
ATTACHED = "tierwise_store"


def libpq_dsn(url: URL) -> str:
    """A libpq connection string (``host=… dbname=…``) for a PostgreSQL URL, values quoted for libpq."""
    parts = {
        "host": url.host or "localhost",
        "port": url.port,
        "user": url.username,
        "password": url.password,
        "dbname": url.database,
        **{k: v for k, v in url.query.items() if isinstance(v, str)},
    }

    def quoted(value: object) -> str:
        return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"

    return " ".join(f"{k}={quoted(v)}" for k, v in parts.items() if v is not None)


def attach_store(con: duckdb.DuckDBPyConnection, url: str | URL, alias: str = ATTACHED) -> None:
    """ATTACH the store at ``url`` to a DuckDB connection, read-only, under ``alias``."""
    parsed = store_url(url if isinstance(url, str) else url.render_as_string(hide_password=False))
    kind = parsed.get_backend_name()
    scanner = SCANNERS[kind]
    con.load_extension(scanner)
    target = parsed.database if kind == "sqlite" else libpq_dsn(parsed)
    con.execute(f"ATTACH {quote_literal(str(target))} AS {quote_ident(alias)} (TYPE {scanner}, READ_ONLY)")


@dataclass
class StoreSource:
    """The store at ``url`` as a data set (``DataSource``): ``open`` gives its canonical tables.

    A table is present when it holds at least one row; its present columns are those the imports that
    filled it had (every column when rows were also recorded through the cards), except the personal
    data (id number, phone, e-mail address): the analytics get those columns empty, never read from the
    store.
    """

    url: str
    engine: Engine | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        """The database URL without its password."""
        return public_label(self.url)

    def _engine(self) -> Engine:
        if self.engine is None:
            self.engine = create_store_engine(self.url)
            ensure_schema(self.engine)
        return self.engine

    def fingerprint(self) -> str:
        """Changes whenever the store's data does: the imports in force and the last audited change."""
        with self._engine().connect() as con:
            imports = con.execute(select(Import.id).where(Import.status == "done").order_by(Import.id)).scalars()
            last_change = con.execute(select(func.max(AuditEntry.seq))).scalar()
            text_ = f"store|{self.label}|imports:{','.join(map(str, imports))}|audit:{last_change or 0}"
        return hashlib.sha256(text_.encode()).hexdigest()

    def holds_rows(self, table: str) -> bool:
        """Whether the store's ``table`` (a canonical table name) holds at least one row."""
        if table not in TABLES:
            raise ValueError(f"not a canonical table: {table!r}")
        with self._engine().connect() as con:
            return con.execute(text(f"SELECT 1 FROM {quote_ident(table)} LIMIT 1")).first() is not None

    def last_import_id(self) -> int | None:
        """The newest import in force (a saved run records it: a revert of it is then refused)."""
        with self._engine().connect() as con:
            return con.execute(select(func.max(Import.id)).where(Import.status == "done")).scalar()

    def _present_columns(self) -> dict[str, list[str]]:
        """Per table holding rows: the canonical columns its rows may have."""
        present: dict[str, list[str]] = {}
        with self._engine().connect() as con:
            files = con.execute(
                select(ImportFile.table_name, ImportFile.present_columns)
                .join(Import, Import.id == ImportFile.import_id)
                .where(Import.status == "done")
            ).all()
            for name, spec in TABLES.items():
                if con.execute(text(f"SELECT 1 FROM {quote_ident(name)} LIMIT 1")).first() is None:
                    continue
                recorded = con.execute(text(f"SELECT 1 FROM {quote_ident(name)} WHERE import_id IS NULL LIMIT 1"))
                withheld = set(sealed_fields(name))  # never handed to the analytics: no indicator needs them
                if recorded.first() is not None:
                    present[name] = [c.name for c in spec.columns if c.name not in withheld]
                    continue
                had = {c for table, columns in files if table == name for c in columns} - withheld
                present[name] = [c.name for c in spec.columns if c.name in had or c.required]
        return present

    def open(self, settings: Settings) -> Dataset:
        """The canonical tables, copied into a new DuckDB connection (the store is detached afterwards)."""
        present = self._present_columns()
        con = duckdb_connection(settings)
        attach_store(con, self.url)
        for table, columns in present.items():
            spec = TABLES[table]
            select_list = ", ".join(
                f"CAST({quote_ident(c.name)} AS {SQL_TYPES[c.type]}) AS {quote_ident(c.name)}"
                if c.name in columns
                else f"CAST(NULL AS {SQL_TYPES[c.type]}) AS {quote_ident(c.name)}"
                for c in spec.columns
            )
            con.execute(
                f"CREATE TABLE {quote_ident(table)} AS SELECT {select_list} "
                f"FROM {quote_ident(ATTACHED)}.{quote_ident(table)}"
            )
        con.execute(f"DETACH {quote_ident(ATTACHED)}")
        return Dataset(
            con=con,
            tables=[t for t in TABLES if t in present],
            sources={t: self.label for t in present},
            present_columns=present,
        )
