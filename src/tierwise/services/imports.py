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
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, selectinload

from tierwise.config import Settings
from tierwise.errors import StoreError, UsageError
from tierwise.i18n import N_, Message
from tierwise.io.columns import TABLES
from tierwise.io.dataset import Dataset
from tierwise.io.headers import HeaderMap
from tierwise.io.parsing import quote_ident
from tierwise.io.source import DataSource, DemoSource, FileSource
from tierwise.security.pii import Keyring
from tierwise.services.context import ServiceContext
from tierwise.services.sealed_data import keyring_of
from tierwise.services.sources import open_source
from tierwise.store.audit import write_audit
from tierwise.store.db import engine_from_settings, writing
from tierwise.store.loading import PG_LOCK_KEY, ROW_KEY_IDS, Loader, Mode, TableChanges, store_columns
from tierwise.store.models import IMPORTED, Import, ImportCount, ImportFile, Run
from tierwise.store.schema import ensure_schema
from tierwise.store.sealed import SEALED, seal_batch, sealed_fields

log = logging.getLogger(__name__)

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
    """The SELECT of a table's rows as the store holds them (canonical columns, then its row key).

    The row key is ``id:<id>`` when the row has its own id; only rows without one pay for the SHA-256
    fingerprint (and the count of identical rows before it).
    """
    columns = [c.name for c in TABLES[table].columns]
    listed = ", ".join(quote_ident(c) for c in columns)
    if "row_key" not in store_columns(table):
        return f"SELECT {listed} FROM {quote_ident(table)}"
    own_id = ROW_KEY_IDS[table]
    if own_id is not None:
        missing = dataset.con.sql(
            f"SELECT count(*) FROM {quote_ident(table)} WHERE {quote_ident(own_id)} IS NULL"
        ).fetchone()[0]
        if not missing:
            return f"SELECT {listed}, 'id:' || {quote_ident(own_id)} AS row_key FROM {quote_ident(table)}"
    cells = ", ".join(f"coalesce(CAST({quote_ident(c)} AS VARCHAR), chr(0))" for c in columns)
    fingerprint = "'fp:' || __row_hash || ':' || row_number() OVER (PARTITION BY __row_hash)"
    key = fingerprint
    if own_id is not None:
        key = f"CASE WHEN {quote_ident(own_id)} IS NOT NULL THEN 'id:' || {quote_ident(own_id)} ELSE {fingerprint} END"
    return (
        f"SELECT {listed}, {key} AS row_key FROM "
        f"(SELECT *, sha256(concat_ws(chr(31), {cells})) AS __row_hash FROM {quote_ident(table)})"
    )


def _batches(
    dataset: Dataset, table: str, keyring: Keyring | None, counted: Callable[[int], None]
) -> Iterator[pa.RecordBatch]:
    reader = dataset.con.sql(_store_rows_sql(dataset, table)).to_arrow_reader(BATCH_ROWS)
    for batch in reader:
        yield seal_batch(batch, table, keyring) if table in SEALED else batch
        counted(batch.num_rows)


def _keyring_for(dataset: Dataset, settings: Settings) -> Keyring | None:
    """The keyring when the data holds personal values (the import seals them), else ``None``: data without
    any needs no key."""
    if "customers" not in dataset.tables:
        return None
    fields = sealed_fields("customers")
    any_value = " OR ".join(f"{quote_ident(f)} IS NOT NULL" for f in fields)
    if dataset.con.sql(f"SELECT 1 FROM customers WHERE {any_value} LIMIT 1").fetchone() is None:
        return None
    return keyring_of(settings)


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
    busy = Message(
        N_(
            "another import or revert is writing to the store; gave up after waiting %(seconds)s s "
            "(set TIERWISE_DATABASE_LOCK_TIMEOUT to wait longer)"
        ),
        {"seconds": f"{timeout:g}"},
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
    settings, actor = ctx.settings, ctx.actor.name
    dataset = source.open(settings)
    try:
        files = _files(dataset)
        keyring = _keyring_for(dataset, settings)
        engine = store_engine(ctx)
        ensure_schema(engine)
        now = ctx.now()
        with _import_transaction(engine, settings, dry_run) as con:
            import_id = None if dry_run else _start(con, source.label, mode, actor, now)
            loader = Loader(con, import_id, actor, now)
            changes = []
            total = sum(f.rows for f in files)
            done = 0

            def counted(rows: int, stage: str) -> None:
                nonlocal done
                done += rows
                ctx.report(stage, done, total)

            for table in dataset.tables:
                started = time.perf_counter()
                progress = lambda rows, t=table: counted(rows, "check:" + t)  # noqa: E731
                loader.stage(table, _batches(dataset, table, keyring, progress))
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
                    started = time.perf_counter()
                    loader.write(table, mode, change)
                    counted(dataset.row_count(table), "write:" + table)
                    log.info("%s: written in %.1f s", table, time.perf_counter() - started)
                _finish(con, import_id, files, changes, dataset, actor)
            loader.drop_staging()
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


def list_imports(ctx: ServiceContext) -> list[ImportRecord]:
    """Every import, oldest first, with its files and counts."""
    engine = store_engine(ctx)
    ensure_schema(engine)
    with Session(engine) as session:
        rows = session.scalars(
            select(Import).options(selectinload(Import.files), selectinload(Import.counts)).order_by(Import.id)
        ).all()
        return [_record(r) for r in rows]


def revert_import(ctx: ServiceContext, import_id: int) -> ImportRecord:
    """Remove exactly the rows import ``import_id`` created; refused (``StoreError``) with the reason when
    it changed rows it did not create, a later import changed its rows, a saved run saw it, or cards were
    recorded on its customers."""
    engine, actor = store_engine(ctx), ctx.actor.name
    ensure_schema(engine)
    with _import_transaction(engine, ctx.settings, dry_run=False) as con, Session(bind=con) as session:
        record = session.get(Import, import_id)
        if record is None:
            raise StoreError(
                Message(N_("there is no import %(id)s (tierwise import list shows them)"), {"id": import_id})
            )
        if record.status != "done":
            when = f"{record.reverted_at:%Y-%m-%d %H:%M}" if record.reverted_at else ""
            raise StoreError(
                Message(N_("import %(id)s was already reverted on %(when)s"), {"id": import_id, "when": when})
            )
        _refuse_dependents(con, session, record)
        con.execute(text("DELETE FROM complaint_status_changes WHERE import_id = :i"), {"i": import_id})
        con.execute(text("DELETE FROM opportunity_stages WHERE import_id = :i"), {"i": import_id})
        for table in reversed(list(IMPORTED)):
            con.execute(text(f"DELETE FROM {quote_ident(table)} WHERE import_id = :i"), {"i": import_id})
        record.status = "reverted"
        record.reverted_at = ctx.now()
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
            Message(
                N_("it updated %(rows)s row(s) it did not create, whose earlier values the store does not keep"),
                {"rows": changed_others},
            )
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
            reasons.append(
                Message(
                    N_("import %(later)s changed %(rows)s of its %(table)s rows"),
                    {"later": later[0], "rows": later[1], "table": table},
                )
            )
    runs = session.scalars(select(Run.id).where(Run.last_import_id >= record.id).order_by(Run.id)).all()
    if runs:
        reasons.append(Message(N_("saved run(s) %(runs)s used its data"), {"runs": ", ".join(map(str, runs))}))
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
        reasons.append(Message(N_("%(cards)s contact(s) or card(s) were recorded on its customers"), {"cards": cards}))
    if reasons:
        raise StoreError(Message(N_("import %(id)s cannot be reverted"), {"id": record.id}), reasons)


def import_count(engine: Engine) -> int:
    """How many imports are in force (not reverted)."""
    with engine.connect() as con:
        return con.execute(select(func.count()).select_from(Import).where(Import.status == "done")).scalar_one()
