"""Imports through the API: files uploaded into a folder the server names, a dry run that lists every bad
row, then a commit as a background job, or a cancel.

An upload never takes a path from the caller: each file is written, by its bare name, into a new folder
under ``Settings.upload_dir``, counting bytes against ``Settings.upload_max_bytes`` (too many bytes:
nothing is kept). The dry run is the import itself rolled back (``services/imports.py``); the commit is a
job (``services/jobs.py``) whose import is one transaction, so it writes everything or nothing.

Each upload keeps what its headers were recognised as, with their first values. An upload asked to stop
at its unknown headers (the Import page) waits in the ``mapping`` state until each is mapped to a column
or kept as an extra column (``services/upload_mapping.py``); the mapping chosen is kept with the upload and
read again by its commit.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from tierwise.errors import DataValidationError, NotFoundError, PayloadTooLargeError, UsageError
from tierwise.i18n import N_, Message
from tierwise.io.header_map import parse_header_map
from tierwise.io.header_survey import FileSurvey, survey_headers
from tierwise.io.sources import SUFFIXES
from tierwise.security.permissions import require
from tierwise.services.context import ServiceContext
from tierwise.services.import_history import ImportRecord, list_imports, revert_import
from tierwise.services.imports import MODES, import_data
from tierwise.services.job_access import home_team, visible_work, work_store
from tierwise.services.jobs import JobInfo, JobQueueLike, create_job, enqueue, message_from_json, message_json
from tierwise.store.audit import write_audit
from tierwise.store.db import writing
from tierwise.store.job_models import ImportUpload
from tierwise.store.loading import TableChanges

COPY_BLOCK = 1 << 20
UPLOAD_FOLDER = "tierwise-uploads"


@dataclass(frozen=True)
class RowError:
    """One bad cell of an uploaded file: where, what, and why."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    reason: Message


@dataclass(frozen=True)
class UploadInfo:
    """An upload and its dry run: the files, what the import would do per table, and every bad row."""

    id: int
    state: str
    mode: str
    submitter: str
    files: list[dict[str, Any]]
    tables: list[TableChanges]
    errors: list[RowError]
    total_errors: int
    created_at: dt.datetime
    job_id: str | None
    import_id: int | None
    headers: list[FileSurvey]
    header_map: dict[str, dict[str, str]]

    @property
    def unknown_headers(self) -> bool:
        """Whether a header of its files names no column (and no mapping names it)."""
        return any(f.unknown for f in self.headers)


def upload_root(ctx: ServiceContext) -> Path:
    """Where uploads wait: ``Settings.upload_dir``, else ``tierwise-uploads`` in the system temp folder."""
    return ctx.settings.upload_dir or Path(tempfile.gettempdir()) / UPLOAD_FOLDER


def too_large(limit: int) -> PayloadTooLargeError:
    """The error of an upload over ``limit`` bytes."""
    return PayloadTooLargeError(
        Message(
            N_("the upload is larger than %(limit)s bytes (TIERWISE_UPLOAD_MAX_BYTES); nothing was kept"),
            {"limit": limit},
        )
    )


def _file_name(name: str) -> str:
    """The bare name of an uploaded file (a folder upload sends ``folder/customers.csv``)."""
    bare = Path(name.replace("\\", "/")).name
    if not bare or bare.startswith(".") or Path(bare).suffix.lower() not in SUFFIXES:
        raise UsageError(
            Message(
                N_("%(name)s: not a table file; upload files ending in %(suffixes)s"),
                {"name": repr(name), "suffixes": ", ".join(SUFFIXES)},
            )
        )
    return bare


def _save(folder: Path, files: Iterable[tuple[str, BinaryIO]], limit: int) -> list[dict[str, Any]]:
    saved: list[dict[str, Any]] = []
    total = 0
    for name, stream in files:
        bare = _file_name(name)
        if any(f["name"] == bare for f in saved):
            raise UsageError(Message(N_("%(name)s is uploaded twice"), {"name": bare}))
        size = 0
        with (folder / bare).open("xb") as out:
            while block := stream.read(COPY_BLOCK):
                size += len(block)
                total += len(block)
                if total > limit:
                    raise too_large(limit)
                out.write(block)
        saved.append({"name": bare, "size_bytes": size})
    if not saved:
        raise UsageError(Message(N_("the upload holds no file")))
    return saved


def _row_errors(exc: DataValidationError) -> dict[str, Any]:
    rows = [
        {"file": p.file, "row": p.row, "column": p.column, "value": p.value, "reason": message_json(p.reason)}
        for p in exc.problems[: exc.shown]
    ]
    return {"rows": rows, "total": exc.total}


def changes_json(changes: list[TableChanges]) -> list[dict[str, Any]]:
    return [
        {
            "table": c.table,
            "rows": c.rows,
            "created": c.created,
            "updated": c.updated,
            "unchanged": c.unchanged,
            "rejected": c.rejected,
        }
        for c in changes
    ]


def surveys_json(surveys: list[FileSurvey]) -> list[dict[str, Any]]:
    """The header surveys of an upload's files as JSON (row numbers as text keys)."""
    return [
        {
            "file": f.file,
            "table": f.table,
            "columns": [{"header": c.header, "column": c.column, "values": c.values} for c in f.columns],
            "rows": {str(n): cells for n, cells in f.rows.items()},
        }
        for f in surveys
    ]


def _surveys(data: list[dict[str, Any]] | None) -> list[FileSurvey]:
    from tierwise.io.header_survey import ColumnSurvey

    return [
        FileSurvey(
            f["file"],
            f["table"],
            [ColumnSurvey(c["header"], c["column"], c["values"]) for c in f["columns"]],
            {int(n): cells for n, cells in f.get("rows", {}).items()},
        )
        for f in data or []
    ]


def dry_run(
    ctx: ServiceContext, folder: Path, mode: str, header_map: dict[str, dict[str, str]] | None, *, ask: bool = False
) -> tuple[str, list[dict[str, Any]] | None, dict[str, Any] | None, list[dict[str, Any]]]:
    """Survey the headers of ``folder`` and dry-run its import through ``header_map``: the upload's state
    (``mapping`` when ``ask`` and a header is unknown, ``pending`` or ``invalid``), its report, its errors,
    and its header surveys (with the cells of the rows in error)."""
    parsed = parse_header_map(header_map, "mapping") if header_map else None
    surveys = survey_headers(folder, ctx.settings, parsed)
    if ask and any(f.unknown for f in surveys):
        return "mapping", None, None, surveys_json(surveys)
    try:
        report = changes_json(import_data(ctx, folder, mode=mode, dry_run=True, header_map=parsed).tables)  # type: ignore[arg-type]
    except DataValidationError as exc:
        errors = _row_errors(exc)
        wanted: dict[str, set[int]] = {}
        for row in errors["rows"]:
            if row["row"] is not None:
                wanted.setdefault(row["file"], set()).add(row["row"])
        if wanted:
            surveys = survey_headers(folder, ctx.settings, parsed, wanted)
        return "invalid", None, errors, surveys_json(surveys)
    return "pending", report, None, surveys_json(surveys)


def upload_info(upload: ImportUpload) -> UploadInfo:
    """An upload record as its viewers see it."""
    errors = upload.errors or {"rows": [], "total": 0}
    return UploadInfo(
        id=upload.id,
        state=upload.state,
        mode=upload.mode,
        submitter=upload.submitter,
        files=upload.files,
        tables=[TableChanges(**t) for t in upload.report or []],
        errors=[RowError(**(r | {"reason": message_from_json(r["reason"])})) for r in errors["rows"]],
        total_errors=errors["total"],
        created_at=upload.created_at,
        job_id=upload.job_id,
        import_id=upload.import_id,
        headers=_surveys(upload.headers),
        header_map=upload.header_map or {},
    )


def receive_upload(
    ctx: ServiceContext,
    files: Iterable[tuple[str, BinaryIO]],
    *,
    mode: str = "insert",
    mapping: str | None = None,
    ask_mapping: bool = False,
) -> UploadInfo:
    """Keep the uploaded ``files`` (name, binary stream) and dry-run their import: a pending upload, or an
    invalid one whose ``errors`` name every bad row (file, row, column, value, reason).

    ``mapping`` names a saved header mapping to read the files through. With ``ask_mapping``, an upload
    whose files hold a header that names no column waits for its mapping (state ``mapping``) instead.
    """
    require(ctx.actor, "imports.write")
    header_map = None
    if mapping:
        from tierwise.services.header_maps import mapping_named

        chosen = mapping_named(ctx, mapping)
        if chosen is None:
            raise NotFoundError(Message(N_("no saved mapping %(name)s"), {"name": repr(mapping)}))
        header_map = chosen.mapping
    if mode not in MODES:
        raise UsageError(Message(N_("unknown import mode %(mode)s: choose insert or upsert"), {"mode": repr(mode)}))
    root = upload_root(ctx)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder = root / uuid.uuid4().hex
    folder.mkdir(mode=0o700)
    try:
        saved = _save(folder, files, ctx.settings.upload_max_bytes)
        state, report, errors, headers = dry_run(ctx, folder, mode, header_map, ask=ask_mapping)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if state == "invalid":
        shutil.rmtree(folder, ignore_errors=True)  # it can never be committed
    now = ctx.now()
    with writing(work_store(ctx)) as con, Session(bind=con) as session:
        upload = ImportUpload(
            folder=str(folder),
            files=saved,
            mode=mode,
            submitter=ctx.actor.name,
            team=home_team(ctx.actor),
            state=state,
            report=report,
            errors=errors,
            created_at=now,
            headers=headers,
            header_map=header_map,
        )
        session.add(upload)
        session.flush()
        after = {"state": state, "files": [f["name"] for f in saved], "mode": mode, "mapping": mapping}
        audit_upload(ctx, session, upload, None, after)
        return upload_info(upload)


def audit_upload(
    ctx: ServiceContext, session: Session, upload: ImportUpload, before: str | None, after: dict[str, Any]
) -> None:
    """Audit the creation of ``upload`` (``before`` ``None``) or its change from state ``before``."""
    (ctx.audit or write_audit)(
        session,
        actor=ctx.actor.name,
        action="upload.create" if before is None else "upload.change",
        target_type="import_upload",
        target_id=upload.id,
        before=None if before is None else {"state": before},
        after=after,
        at=ctx.now(),
    )


def visible_upload(session: Session, ctx: ServiceContext, upload_id: int) -> ImportUpload:
    """Upload ``upload_id`` as ``ctx.actor`` may see it; not found otherwise."""
    require(ctx.actor, "imports.read")
    upload = session.scalar(
        select(ImportUpload).where(
            ImportUpload.id == upload_id, visible_work(ctx.actor, ImportUpload.submitter, ImportUpload.team)
        )
    )
    if upload is None:
        raise NotFoundError(Message(N_("no upload %(id)s"), {"id": upload_id}))
    return upload


def _require_pending(upload: ImportUpload) -> None:
    if upload.state != "pending":
        raise UsageError(
            Message(N_("upload %(id)s is %(state)s, not pending"), {"id": upload.id, "state": upload.state})
        )


def get_upload(ctx: ServiceContext, upload_id: int) -> UploadInfo:
    """Upload ``upload_id`` with its dry-run report; not found when the caller may not see it."""
    with Session(work_store(ctx)) as session:
        return upload_info(visible_upload(session, ctx, upload_id))


def list_uploads(ctx: ServiceContext, *, limit: int = 100) -> list[UploadInfo]:
    """The uploads the caller may see, newest first."""
    require(ctx.actor, "imports.read")
    query = select(ImportUpload).where(visible_work(ctx.actor, ImportUpload.submitter, ImportUpload.team))
    with Session(work_store(ctx)) as session:
        return [upload_info(u) for u in session.scalars(query.order_by(ImportUpload.id.desc()).limit(limit))]


def commit_upload(ctx: ServiceContext, queue: JobQueueLike, upload_id: int) -> JobInfo:
    """Import a pending upload as a background job (the job's result names the import)."""
    with writing(work_store(ctx)) as con, Session(bind=con) as session:
        upload = visible_upload(session, ctx, upload_id)
        _require_pending(upload)
        job = create_job(session, ctx, "import", {"upload_id": upload_id}, "imports.write")
        upload.state, upload.job_id = "committing", job.id
        audit_upload(ctx, session, upload, "pending", {"state": "committing", "job": job.id})
        job_id = job.id
    return enqueue(ctx, queue, job_id)


def cancel_upload(ctx: ServiceContext, upload_id: int) -> UploadInfo:
    """Drop a pending upload and its files."""
    with writing(work_store(ctx)) as con, Session(bind=con) as session:
        upload = visible_upload(session, ctx, upload_id)
        require(ctx.actor, "imports.write")
        if upload.state not in ("mapping", "pending", "invalid"):
            _require_pending(upload)
        before, upload.state = upload.state, "cancelled"
        audit_upload(ctx, session, upload, before, {"state": "cancelled"})
        session.flush()
        shutil.rmtree(upload.folder, ignore_errors=True)
        return upload_info(upload)


def import_history(ctx: ServiceContext) -> list[ImportRecord]:
    """Every import in the store, oldest first (whoever may read imports sees them all: they are the
    store's history, not someone's work)."""
    require(ctx.actor, "imports.read")
    return list_imports(ctx)


def revert(ctx: ServiceContext, import_id: int) -> ImportRecord:
    """Remove the rows import ``import_id`` created (refused with the reasons when others depend on them)."""
    require(ctx.actor, "imports.write")
    return revert_import(ctx, import_id)
