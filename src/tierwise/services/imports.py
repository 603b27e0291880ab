"""Importing a data set into the store (the history and revert of imports: :mod:`tierwise.services.import_history`).

An import is validated by the input contract first (nothing is written on any error), then written in one
transaction: every table staged and applied set-based (``store/loading.py``), its history (files with
SHA-256, user, time, counts per table) and an audit row committed with it, or nothing at all. One import
at a time: the second waits for the first (PostgreSQL advisory lock, SQLite's write lock) and gives up
after ``Settings.database_lock_timeout`` with a clear message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from tierwise.config import Settings
from tierwise.errors import StoreError, UsageError
from tierwise.i18n import N_, Message
from tierwise.io.dataset import Dataset
from tierwise.io.headers import HeaderMap
from tierwise.io.source import DataSource, DemoSource, FileSource
from tierwise.services.context import ServiceContext
from tierwise.services.import_rows import keyring_for, row_batches, store_rows_sql
from tierwise.services.sources import open_source
from tierwise.store.audit import write_audit
from tierwise.store.db import engine_from_settings, writing
from tierwise.store.integrity import INTEGRITY_ERRORS, refused
from tierwise.store.loading import PG_LOCK_KEY, Loader, Mode, TableChanges, store_columns
from tierwise.store.models import Import, ImportCount, ImportFile
from tierwise.store.schema import ensure_schema
from tierwise.store.sealed import SEALED
from tierwise.store.sqlite_scratch import attached, write_scratch, write_scratch_sql

log = logging.getLogger(__name__)

# DuckDB's memory while an import reads its files (unless TIERWISE_DUCKDB_MEMORY_LIMIT says otherwise): a file
# larger than this is spilled to a temporary folder, so the import's peak memory does not grow with the file
READING_MEMORY_LIMIT = "512MB"
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


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


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
def import_transaction(
    engine: Engine, settings: Settings, dry_run: bool, scratch: Path | None = None
) -> Iterator[Connection]:
    """The one transaction of an import, holding the import lock (a dry run needs no lock); ``scratch``, the
    SQLite file of the import's rows, is attached before it begins (:mod:`tierwise.store.sqlite_scratch`)."""
    timeout = settings.database_lock_timeout
    busy = Message(
        N_(
            "another import or revert is writing to the store; gave up after waiting %(seconds)s s "
            "(set TIERWISE_DATABASE_LOCK_TIMEOUT to wait longer)"
        ),
        {"seconds": f"{timeout:g}"},
    )
    if dry_run:
        with engine.connect() as con, attached(con, scratch), con.begin() as transaction:
            yield con
            transaction.rollback()
        return
    try:
        with writing(engine, scratch) as con:
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


def store_engine(ctx: ServiceContext) -> Engine:
    """The store's engine: the one bound to the context's sessions, else one from the settings."""
    bind = getattr(ctx.sessions, "kw", {}).get("bind")
    return bind if isinstance(bind, Engine) else engine_from_settings(ctx.settings)


def import_data(
    ctx: ServiceContext,
    data: str | Path | DataSource,
    *,
    mode: Mode = "insert",
    dry_run: bool = False,
    header_map: HeaderMap | None = None,
) -> ImportReport:
    """Import the data set ``data`` (a folder, a table file, or ``demo``) into the store, as ``ctx.actor``.

    Raises :class:`~tierwise.errors.DataValidationError` (nothing written) when the data is invalid, and
    :class:`~tierwise.errors.StoreError` when, in insert mode, rows differ from stored rows with the same
    key (nothing written; the message names them and suggests ``--mode upsert``). ``header_map`` maps the
    files' own headers to canonical columns (``--map``). Tells ``ctx.progress``
    the rows checked per table (stage ``check:<table>``), then written (``write:<table>``), all inside the
    one transaction.
    """
    if mode not in MODES:
        raise UsageError(Message(N_("unknown import mode %(mode)s: choose insert or upsert"), {"mode": repr(mode)}))
    source = open_source(data, header_map)
    if not isinstance(source, FileSource | DemoSource):
        raise UsageError(
            Message(N_("%(source)s: an import reads a folder, a table file or the demo data"), {"source": source.label})
        )
    with tempfile.TemporaryDirectory(prefix="tierwise-import-") as spill:
        dataset = source.open(reading_settings(ctx.settings, Path(spill)))
        return _import(ctx, source, dataset, mode, dry_run, Path(spill))


def reading_settings(settings: Settings, spill: Path) -> Settings:
    """The settings an import reads its files with: DuckDB held to :data:`READING_MEMORY_LIMIT`, spilling
    into ``spill``, where the settings name no limit or folder of their own."""
    update: dict[str, object] = {}
    if settings.duckdb_memory_limit is None:
        update["duckdb_memory_limit"] = READING_MEMORY_LIMIT
    if settings.duckdb_temp_directory is None:
        update["duckdb_temp_directory"] = spill
    return settings.model_copy(update=update)


def _import(
    ctx: ServiceContext, source: DataSource, dataset: Dataset, mode: Mode, dry_run: bool, folder: Path
) -> ImportReport:
    settings, actor = ctx.settings, ctx.actor.name
    try:
        files = _files(dataset)
        keyring = keyring_for(dataset, settings)
        engine = store_engine(ctx)
        ensure_schema(engine)
        now = ctx.now()
        total = sum(f.rows for f in files)
        done = 0

        def counted(rows: int, stage: str) -> None:
            nonlocal done
            done += rows
            ctx.report(stage, done, total)

        scratch = None
        if engine.dialect.name == "sqlite":  # the rows written by DuckDB, before the transaction begins
            scratch = folder / "scratch.sqlite"
            for table in dataset.tables:
                started = time.perf_counter()
                if table in SEALED:  # its personal values are sealed batch by batch in Python
                    progress = lambda rows, t=table: counted(rows, "check:" + t)  # noqa: E731
                    write_scratch(scratch, table, store_columns(table), row_batches(dataset, table, keyring, progress))
                else:
                    write_scratch_sql(dataset.con, scratch, table, store_columns(table), store_rows_sql(dataset, table))
                    counted(dataset.row_count(table), "check:" + table)
                log.info("%s: written to the scratch file in %.1f s", table, time.perf_counter() - started)
        current: str | None = None  # the table being imported, for a refusal's message
        try:
            with import_transaction(engine, settings, dry_run, scratch) as con:
                import_id = None if dry_run else _start(con, source.label, mode, actor, now)
                loader = Loader(con, import_id, actor, now)
                changes = []
                for table in dataset.tables:
                    current = table
                    if loader.claim_empty(table):  # every row is new: loaded straight in the write step
                        rows = dataset.row_count(table)
                        changes.append(TableChanges(table, rows, rows, 0, 0, 0))
                        if scratch is None:
                            counted(rows, "check:" + table)
                        continue
                    started = time.perf_counter()
                    if scratch is not None:
                        loader.stage_scratch(table)
                    else:
                        progress = lambda rows, t=table: counted(rows, "check:" + t)  # noqa: E731
                        loader.stage(table, row_batches(dataset, table, keyring, progress))
                    staged = time.perf_counter()
                    changes.append(loader.changes(table, mode))
                    log.info(
                        "%s: staged in %.1f s, counted in %.1f s", table, staged - started, time.perf_counter() - staged
                    )
                rejected = {c.table: loader.conflicts(c.table) for c in changes if c.rejected}
                if rejected and not dry_run:
                    raise _conflict_error(rejected, changes)
                if not dry_run:
                    done = 0
                    for table, change in zip(dataset.tables, changes):
                        current = table
                        started = time.perf_counter()
                        if table in loader.empty and scratch is not None:
                            counted(loader.load_empty(table, ()), "write:" + table)
                        elif table in loader.empty:
                            progress = lambda rows, t=table: counted(rows, "write:" + t)  # noqa: E731
                            loader.load_empty(table, row_batches(dataset, table, keyring, progress), change.rows)
                        else:
                            loader.write(table, mode, change)
                            counted(change.rows, "write:" + table)
                        log.info("%s: written in %.1f s", table, time.perf_counter() - started)
                    current = None
                    _finish(con, import_id, files, changes, dataset, actor)
                loader.drop_staging()
        except INTEGRITY_ERRORS as exc:
            raise refused(current, exc) from exc

    finally:
        dataset.con.close()
    return ImportReport(import_id, source.label, mode, dry_run, actor, changes, files)


def _conflict_error(rejected: dict[str, list[str]], changes: list[TableChanges]) -> StoreError:
    counts = {c.table: c.rejected for c in changes}
    reasons = []
    for table, keys in rejected.items():
        more = counts[table] - len(keys)
        if more:
            reasons.append(
                Message(
                    N_("%(table)s: %(keys)s and %(more)s more"), {"table": table, "keys": ", ".join(keys), "more": more}
                )
            )
        else:
            reasons.append(Message(N_("%(table)s: %(keys)s"), {"table": table, "keys": ", ".join(keys)}))
    return StoreError(
        Message(
            N_(
                "nothing was imported: rows differ from the stored rows with the same key "
                "(use --mode upsert to update them)"
            )
        ),
        reasons,
    )


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
        record.finished_at = dt.datetime.now(dt.UTC)  # the clock's "now" is the start; this is when it ended
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


def import_count(engine: Engine) -> int:
    """How many imports are in force (not reverted)."""
    with engine.connect() as con:
        return con.execute(select(func.count()).select_from(Import).where(Import.status == "done")).scalar_one()
