"""``/api/v1/imports``: upload files for an import (multipart), read its dry run, commit it as a job or cancel
it; list uploads and imports; revert an import.

``{upload_id}`` is an upload's id (``UploadPublic.id``); ``{import_id}`` an import's
(``ImportPublic.id``, also in the commit job's result). The files go into a folder the server names; no
path ever comes from the request. A body larger than ``TIERWISE_UPLOAD_MAX_BYTES`` is refused (413) before
it is read. The import services (and the engine they read with) load on the first request that needs
them, not when the server starts.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from tierwise.api.access import needs
from tierwise.api.deps import Context
from tierwise.api.language import request_language
from tierwise.api.routes.jobs import JobPublic, Queue
from tierwise.api.schemas import problem_responses
from tierwise.errors import UsageError
from tierwise.i18n import N_, Message, translate

if TYPE_CHECKING:
    from tierwise.services.import_history import ImportRecord
    from tierwise.services.uploads import UploadInfo

router = APIRouter(prefix="/imports", tags=["imports"])

MAX_FILES = 50
MULTIPART_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}},
                "required": ["files"],
            }
        }
    },
}


class TableChangesPublic(BaseModel):
    """What an import does (or would do) to one table."""

    table: str
    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int


class RowErrorPublic(BaseModel):
    """One bad cell: file, row (the header is row 1), column, value, and why (in the language asked, and in
    English and Chinese)."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    reason: str
    reason_en: str
    reason_zh: str


class UploadPublic(BaseModel):
    """An upload and its dry run: pending (may be committed), invalid (the errors say why), committing,
    committed (``import_id``), failed or cancelled."""

    id: int
    state: str
    mode: str
    submitter: str
    files: list[dict[str, Any]]
    tables: list[TableChangesPublic]
    errors: list[RowErrorPublic]
    total_errors: int
    created_at: dt.datetime
    job_id: str | None
    import_id: int | None

    @classmethod
    def of(cls, upload: UploadInfo, lang: str) -> UploadPublic:
        """The public form of an upload, its reasons in ``lang``."""
        fields = dict(upload.__dict__)
        fields["tables"] = [TableChangesPublic(**t.__dict__) for t in upload.tables]
        fields["errors"] = [
            RowErrorPublic(
                **{k: v for k, v in e.__dict__.items() if k != "reason"},
                reason=translate(e.reason, lang),
                reason_en=translate(e.reason, "en"),
                reason_zh=translate(e.reason, "zh"),
            )
            for e in upload.errors
        ]
        return cls(**fields)


class ImportPublic(BaseModel):
    """One import in the store's history: done or reverted."""

    id: int
    source: str
    mode: str
    actor: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    status: str
    files: list[dict[str, Any]]
    tables: list[TableChangesPublic]

    @classmethod
    def of(cls, record: ImportRecord) -> ImportPublic:
        """The public form of an import record."""
        return cls(
            id=record.import_id,
            source=record.source,
            mode=record.mode,
            actor=record.actor,
            started_at=record.started_at,
            finished_at=record.finished_at,
            status=record.status,
            files=[f.__dict__ for f in record.files],
            tables=[TableChangesPublic(**t.__dict__) for t in record.tables],
        )


class ImportsPublic(BaseModel):
    """The caller's uploads (newest first) and the store's imports (oldest first)."""

    uploads: list[UploadPublic]
    imports: list[ImportPublic]


def _declared_size(request: Request, limit: int) -> None:
    length = request.headers.get("content-length")
    if length is None or not length.isdigit():
        raise UsageError(Message(N_("an upload needs its Content-Length")))
    if int(length) > limit:
        from tierwise.services.uploads import too_large

        raise too_large(limit)


@router.post(
    "",
    status_code=201,
    responses=problem_responses(400, 401, 403, 413),
    openapi_extra={**needs("imports.write")["openapi_extra"], "requestBody": MULTIPART_BODY},
)
async def upload_create(
    request: Request,
    ctx: Context,
    mode: Annotated[str, Query(description="insert (refuse changed rows) or upsert")] = "insert",
) -> UploadPublic:
    """Upload the files of a data set (a folder's files: ``files`` repeated) and dry-run their import."""
    from tierwise.services.uploads import receive_upload

    _declared_size(request, ctx.settings.upload_max_bytes)
    form = await request.form(max_files=MAX_FILES, max_fields=MAX_FILES)
    try:
        files = [f for f in form.getlist("files") if isinstance(f, UploadFile)]
        named = [(f.filename or "", f.file) for f in files]
        upload = await run_in_threadpool(receive_upload, ctx, named, mode=mode)
    finally:
        await form.close()
    return UploadPublic.of(upload, request_language(request))


@router.get("", **needs("imports.read"), responses=problem_responses(401, 403))
def imports_list(ctx: Context, request: Request) -> ImportsPublic:
    """The caller's uploads and the store's imports."""
    from tierwise.services.uploads import import_history, list_uploads

    lang = request_language(request)
    uploads = [UploadPublic.of(u, lang) for u in list_uploads(ctx)]
    return ImportsPublic(uploads=uploads, imports=[ImportPublic.of(r) for r in import_history(ctx)])


@router.post(
    "/{upload_id}/commit", status_code=202, **needs("imports.write"), responses=problem_responses(400, 401, 403, 404)
)
def upload_commit(upload_id: int, ctx: Context, queue: Queue, request: Request) -> JobPublic:
    """Import a pending upload as a background job (all its rows or none)."""
    from tierwise.services.uploads import commit_upload

    return JobPublic.of(commit_upload(ctx, queue, upload_id), request_language(request))


@router.post("/{upload_id}/cancel", **needs("imports.write"), responses=problem_responses(400, 401, 403, 404))
def upload_cancel(upload_id: int, ctx: Context, request: Request) -> UploadPublic:
    """Drop a pending upload and its files."""
    from tierwise.services.uploads import cancel_upload

    return UploadPublic.of(cancel_upload(ctx, upload_id), request_language(request))


@router.post("/{import_id}/revert", **needs("imports.write"), responses=problem_responses(400, 401, 403))
def import_revert(import_id: int, ctx: Context) -> ImportPublic:
    """Remove exactly the rows import ``import_id`` created (refused, with the reasons, when others depend on them)."""
    from tierwise.services.uploads import revert

    return ImportPublic.of(revert(ctx, import_id))
