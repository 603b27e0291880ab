"""The import history: every import with its files (SHA-256), counts per table, user and time, and the
revert of one import, which removes exactly the rows it added — refused, with the reason, when later
imports or saved runs depend on it. Importing itself is :mod:`tierwise.services.imports`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session, selectinload

from tierwise.errors import StoreError
from tierwise.i18n import N_, Message
from tierwise.io.parsing import quote_ident
from tierwise.services.context import ServiceContext
from tierwise.services.imports import FileRecord, import_transaction, store_engine
from tierwise.store.audit import write_audit
from tierwise.store.loading import TableChanges
from tierwise.store.models import IMPORTED, Import
from tierwise.store.run_models import Run
from tierwise.store.schema import ensure_schema


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
    with import_transaction(engine, ctx.settings, dry_run=False) as con, Session(bind=con) as session:
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
