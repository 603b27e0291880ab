"""Importing a data set into the store, listing imports and reverting one.

An import is validated by the input contract first (nothing is written on any error), then written in one
transaction: every table staged and applied set-based (``store/loading.py``), its history (files with
SHA-256, user, time, counts per table) and an audit row committed with it, or nothing at all. One import
at a time: the second waits for the first (PostgreSQL advisory lock, SQLite's write lock) and gives up
after ``Settings.database_lock_timeout`` with a clear message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, selectinload

from tierwise.config import Settings
from tierwise.errors import StoreError, UsageError
from tierwise.io.columns import TABLES
from tierwise.io.dataset import Dataset
from tierwise.io.parsing import quote_ident
from tierwise.services.sources import open_dataset, open_source
from tierwise.store.audit import write_audit
from tierwise.store.db import engine_from_settings, writing
from tierwise.store.loading import PG_LOCK_KEY, ROW_KEY_IDS, Loader, Mode, TableChanges, store_columns
from tierwise.store.models import IMPORTED, Import, ImportCount, ImportFile, Run
from tierwise.store.schema import ensure_schema

BATCH_ROWS = 100_000
HASH_BLOCK = 1 << 20
MODES = ("insert", "upsert")


@dataclass(frozen=True)
class FileRecord:
    """One file an import read."""

    table: str
    name: str
    sha256: str
    size_bytes: int
    rows: int


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, for a dry run, would do): per table created/updated/unchanged/rejected."""

    import_id: int | None
    source: str
    mode: Mode
    dry_run: bool
    actor: str
    tables: list[TableChanges]
    files: list[FileRecord]


@dataclass(frozen=True)
class ImportRecord:
    """One import in the history."""

    import_id: int
    source: str
    mode: str
    actor: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    status: str
    files: list[FileRecord]
    tables: list[TableChanges]


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _store_rows_sql(dataset: Dataset, table: str) -> str:
    """The SELECT of a table's rows as the store holds them (canonical columns, then its row key)."""
    columns = [c.name for c in TABLES[table].columns]
    if "row_key" not in store_columns(table):
        return f"SELECT {', '.join(quote_ident(c) for c in columns)} FROM {quote_ident(table)}"
    cells = ", ".join(f"coalesce(CAST({quote_ident(c)} AS VARCHAR), chr(0))" for c in columns)
    own_id = ROW_KEY_IDS[table]
    fingerprint = "'fp:' || __row_hash || ':' || row_number() OVER (PARTITION BY __row_hash)"
    key = f"CASE WHEN {quote_ident(own_id)} IS NOT NULL THEN 'id:' || {quote_ident(own_id)} ELSE {fingerprint} END"
    if own_id is None:
        key = fingerprint
    return (
        f"SELECT {', '.join(quote_ident(c) for c in columns)}, {key} AS row_key FROM "
        f"(SELECT *, sha256(concat_ws(chr(31), {cells})) AS __row_hash FROM {quote_ident(table)})"
    )


def _batches(dataset: Dataset, table: str) -> Iterator[pa.RecordBatch]:
    reader = dataset.con.sql(_store_rows_sql(dataset, table)).fetch_record_batch(BATCH_ROWS)
    yield from reader


def _files(dataset: Dataset) -> list[FileRecord]:
    records = []
    for table in dataset.tables:
        path = Path(dataset.sources.get(table, ""))
        rows = dataset.row_count(table)
        if path.is_file():
            records.append(FileRecord(table, path.name, file_sha256(path), path.stat().st_size, rows))
        else:  # the generated demo data: no file
            records.append(FileRecord(table, dataset.sources.get(table, ""), "", 0, rows))
    return records


@contextmanager
def _import_transaction(engine: Engine, settings: Settings, dry_run: bool) -> Iterator[Connection]:
    """The one transaction of an import, holding the import lock (a dry run needs no lock)."""
    timeout = settings.database_lock_timeout
    busy = (
        f"another import or revert is writing to the store; waited {timeout:g} s "
        "(raise TIERWISE_DATABASE_LOCK_TIMEOUT to wait longer)"
    )
    if dry_run:
        with engine.connect() as con, con.begin() as transaction:
            yield con
            transaction.rollback()
        return
    try:
        with writing(engine) as con:
            if con.dialect.name == "postgresql":
                con.execute(text("SELECT set_config('lock_timeout', :ms, true)"), {"ms": f"{int(timeout * 1000)}ms"})
                con.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
                con.execute(text("SELECT set_config('lock_timeout', '0', true)"))
            yield con
    except OperationalError as exc:
        if _is_lock_timeout(exc):
            raise StoreError(busy) from exc
        raise


def _is_lock_timeout(exc: OperationalError) -> bool:
    code = getattr(exc.orig, "sqlstate", None)
    return code == "55P03" or "database is locked" in str(exc.orig)


def import_data(
    settings: Settings,
    data: str | Path,
    *,
    actor: str = "system",
    mode: Mode = "insert",
    dry_run: bool = False,
    engine: Engine | None = None,
    now: dt.datetime | None = None,
) -> ImportReport:
    """Import the data set ``data`` (a folder, a table file, or ``demo``) into the store.

    Raises :class:`~tierwise.errors.DataValidationError` (nothing written) when the data is invalid, and
    :class:`~tierwise.errors.StoreError` when, in insert mode, rows differ from stored rows with the same
    key (nothing written; the message names them and suggests ``--mode upsert``).
    """
    if mode not in MODES:
        raise UsageError(f"unknown import mode {mode!r}: choose insert or upsert")
    dataset = open_dataset(open_source(data), settings)
    try:
        files = _files(dataset)
        engine = engine or engine_from_settings(settings)
        ensure_schema(engine)
        now = now or dt.datetime.now(dt.UTC)
        with _import_transaction(engine, settings, dry_run) as con:
            import_id = None if dry_run else _start(con, str(data), mode, actor, now)
            loader = Loader(con, import_id, actor, now)
            changes = []
            for table in dataset.tables:
                loader.stage(table, _batches(dataset, table))
                changes.append(loader.changes(table, mode))
            rejected = {c.table: loader.conflicts(c.table) for c in changes if c.rejected}
            if rejected and not dry_run:
                raise StoreError(_conflict_message(rejected, changes))
            if not dry_run:
                for table in dataset.tables:
                    loader.write(table, mode)
                _finish(con, import_id, files, changes, dataset, actor)
            loader.drop_staging()
    finally:
        dataset.con.close()
    return ImportReport(import_id, str(data), mode, dry_run, actor, changes, files)


def _conflict_message(rejected: dict[str, list[str]], changes: list[TableChanges]) -> str:
    counts = {c.table: c.rejected for c in changes}
    lines = [
        "nothing was imported: rows differ from the stored rows with the same key "
        "(use --mode upsert to update them) / 未导入：部分行与库中同一编号的行不同（用 --mode upsert 更新）"
    ]
    for table, keys in rejected.items():
        more = f" … and {counts[table] - len(keys)} more" if counts[table] > len(keys) else ""
        lines.append(f"  - {table}: {', '.join(keys)}{more}")
    return "\n".join(lines)


def _start(con: Connection, source: str, mode: str, actor: str, now: dt.datetime) -> int:
    with Session(bind=con) as session:
        record = Import(source=source, mode=mode, actor=actor, started_at=now, status="done")
        session.add(record)
        session.flush()
        return record.id


def _finish(
    con: Connection,
    import_id: int | None,
    files: list[FileRecord],
    changes: list[TableChanges],
    dataset: Dataset,
    actor: str,
) -> None:
    with Session(bind=con) as session:
        record = session.get_one(Import, import_id)
        record.finished_at = dt.datetime.now(dt.UTC)
        for f in files:
            session.add(
                ImportFile(
                    import_id=import_id,
                    table_name=f.table,
                    file_name=f.name,
                    sha256=f.sha256,
                    size_bytes=f.size_bytes,
                    rows=f.rows,
                    present_columns=dataset.present_columns.get(f.table, []),
                )
            )
        for c in changes:
            session.add(
                ImportCount(
                    import_id=import_id,
                    table_name=c.table,
                    created=c.created,
                    updated=c.updated,
                    unchanged=c.unchanged,
                    rejected=c.rejected,
                )
            )
        write_audit(
            session,
            actor=actor,
            action="import.create",
            target_type="import",
            target_id=import_id,
            after={"source": record.source, "mode": record.mode, "tables": {c.table: c.created for c in changes}},
        )
        session.flush()


def _record(row: Import) -> ImportRecord:
    return ImportRecord(
        import_id=row.id,
        source=row.source,
        mode=row.mode,
        actor=row.actor,
        started_at=row.started_at,
        finished_at=row.finished_at,
        status=row.status,
        files=[FileRecord(f.table_name, f.file_name, f.sha256, f.size_bytes, f.rows) for f in row.files],
        tables=[
            TableChanges(
                c.table_name, c.created + c.updated + c.unchanged, c.created, c.updated, c.unchanged, c.rejected
            )
            for c in row.counts
        ],
    )


def list_imports(settings: Settings, engine: Engine | None = None) -> list[ImportRecord]:
    """Every import, oldest first, with its files and counts."""
    engine = engine or engine_from_settings(settings)
    ensure_schema(engine)
    with Session(engine) as session:
        rows = session.scalars(
            select(Import).options(selectinload(Import.files), selectinload(Import.counts)).order_by(Import.id)
        ).all()
        return [_record(r) for r in rows]


def revert_import(
    settings: Settings, import_id: int, *, actor: str = "system", engine: Engine | None = None
) -> ImportRecord:
    """Remove exactly the rows import ``import_id`` created; refused (``StoreError``) with the reason when
    it changed rows it did not create, a later import changed its rows, a saved run saw it, or cards were
    recorded on its customers."""
    engine = engine or engine_from_settings(settings)
    ensure_schema(engine)
    with _import_transaction(engine, settings, dry_run=False) as con, Session(bind=con) as session:
        record = session.get(Import, import_id)
        if record is None:
            raise StoreError(f"there is no import {import_id} (tierwise import list shows them)")
        if record.status != "done":
            raise StoreError(f"import {import_id} was already reverted on {record.reverted_at:%Y-%m-%d %H:%M}")
        _refuse_dependents(con, session, record)
        con.execute(text("DELETE FROM complaint_status_changes WHERE import_id = :i"), {"i": import_id})
        con.execute(text("DELETE FROM opportunity_stages WHERE import_id = :i"), {"i": import_id})
        for table in reversed(list(IMPORTED)):
            con.execute(text(f"DELETE FROM {quote_ident(table)} WHERE import_id = :i"), {"i": import_id})
        record.status = "reverted"
        record.reverted_at = dt.datetime.now(dt.UTC)
        record.reverted_by = actor
        write_audit(
            session,
            actor=actor,
            action="import.revert",
            target_type="import",
            target_id=import_id,
            before={"status": "done"},
            after={"status": "reverted"},
        )
        session.flush()
        session.refresh(record, ["files", "counts"])
        return _record(record)


def _refuse_dependents(con: Connection, session: Session, record: Import) -> None:
    reasons = []
    changed_others = sum(c.updated for c in record.counts)
    if changed_others:
        reasons.append(
            f"it updated {changed_others} row(s) it did not create, whose earlier values the store does not keep"
        )
    for table in IMPORTED:
        later = con.execute(
            text(
                f"SELECT min(updated_import_id), count(*) FROM {quote_ident(table)} "
                "WHERE import_id = :i AND updated_import_id IS NOT NULL"
            ),
            {"i": record.id},
        ).one()
        if later[1]:
            reasons.append(f"import {later[0]} changed {later[1]} of its {table} rows")
    runs = session.scalars(select(Run.id).where(Run.last_import_id >= record.id).order_by(Run.id)).all()
    if runs:
        reasons.append(f"saved run(s) {', '.join(map(str, runs))} used its data")
    cards = con.execute(
        text(
            "SELECT count(*) FROM contacts WHERE customer_id IN "
            "(SELECT customer_id FROM customers WHERE import_id = :i)"
        ),
        {"i": record.id},
    ).scalar()
    for table in ("visits", "complaints", "surveys"):
        cards += con.execute(
            text(
                f"SELECT count(*) FROM {quote_ident(table)} WHERE import_id IS NULL AND customer_id IN "
                "(SELECT customer_id FROM customers WHERE import_id = :i)"
            ),
            {"i": record.id},
        ).scalar()
    if cards:
        reasons.append(f"{cards} contact(s) or card(s) were recorded on its customers")
    if reasons:
        raise StoreError(f"import {record.id} cannot be reverted: " + "; ".join(reasons))


def import_count(engine: Engine) -> int:
    """How many imports are in force (not reverted)."""
    with engine.connect() as con:
        return con.execute(select(func.count()).select_from(Import).where(Import.status == "done")).scalar_one()
