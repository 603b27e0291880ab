"""The Import page (``/imports``): upload a data set's files, map the headers that name no column (with
their first values; the mapping saved by name for the next upload and ``tierwise import --map NAME``), the
dry run with every bad row and its cells, the commit as a background job whose progress htmx polls, and
the import history with revert. Only who may import sees it; the services refuse everyone else.

The upload form posts through htmx (multipart: the CSRF token travels in its header) and is answered with
``HX-Redirect`` to the upload's step; the other forms post the token as a field and are redirected back.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from tierwise.api.routes.jobs import request_queue
from tierwise.errors import StoreError, TierwiseError
from tierwise.i18n import translate
from tierwise.io.columns import TABLES
from tierwise.jobs import JobQueue
from tierwise.services.context import ServiceContext
from tierwise.services.header_maps import list_mappings
from tierwise.services.jobs import get_job
from tierwise.services.upload_mapping import map_upload, mapping_choices
from tierwise.services.uploads import (
    cancel_upload,
    commit_upload,
    get_upload,
    import_history,
    list_uploads,
    receive_upload,
    revert,
    too_large,
)
from tierwise.web.pages import page_context, page_values
from tierwise.web.rendering import page_language, render

router = APIRouter()
MAX_FILES = 50
Queue = Annotated[JobQueue, Depends(request_queue)]


def _problem(request: Request, exc: TierwiseError) -> list[str]:
    """The refusal in the page's language: its headline, then one line per detail or reason."""
    lang = page_language(request)
    more = exc.reasons if isinstance(exc, StoreError) else exc.details
    return [translate(exc.text, lang), *(translate(d, lang) for d in more)]


def _page(
    request: Request,
    ctx: ServiceContext,
    upload_id: int | None,
    status: int = 200,
    problem: list[str] | None = None,
    queue: JobQueue | None = None,
) -> HTMLResponse:
    history = import_history(ctx)  # refuses whoever may not read imports
    upload = get_upload(ctx, upload_id) if upload_id is not None else None
    lang = page_language(request)
    job_error = None
    if upload is not None and upload.state == "failed" and upload.job_id and queue is not None:
        job = get_job(ctx, queue, upload.job_id)
        if job.error is not None:
            job_error = [translate(job.error, lang), *(translate(d, lang) for d in job.error_details)]
    bad_cells = {(e.file, e.row, e.column): translate(e.reason, lang) for e in (upload.errors if upload else [])}
    return render(
        request,
        "imports.html",
        status,
        **page_values(request, ctx, active="/imports"),
        upload=upload,
        choices=mapping_choices(upload) if upload is not None else {},
        uploads=list_uploads(ctx, limit=8),
        history=list(reversed(history))[:20],
        mappings=list_mappings(ctx),
        tables=TABLES,
        max_bytes=ctx.settings.upload_max_bytes,
        problem=problem,
        bad_cells=bad_cells,
        job_error=job_error,
        notice=request.query_params.get("done"),
    )


@router.get("/imports", response_class=HTMLResponse)
def imports_page(
    request: Request, queue: Queue, upload: int | None = None, ctx: ServiceContext = Depends(page_context)
) -> Response:
    """The upload form, the upload ``upload``'s step (mapping, dry run, progress, result), and the history."""
    return _page(request, ctx, upload, queue=queue)


@router.post("/imports", response_class=HTMLResponse)
async def upload_files(request: Request, ctx: ServiceContext = Depends(page_context)) -> Response:
    """Keep the uploaded files and dry-run them (htmx): on to the upload's step, or the refusal in place."""
    limit = ctx.settings.upload_max_bytes
    length = request.headers.get("content-length", "")
    try:
        if not length.isdigit() or int(length) > limit:
            raise too_large(limit)
        form = await request.form(max_files=MAX_FILES, max_fields=MAX_FILES + 10)
        try:
            files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
            mode = str(form.get("mode") or "insert")
            mapping = str(form.get("mapping") or "") or None
            named = [(f.filename or "", f.file) for f in files]
            upload = await run_in_threadpool(receive_upload, ctx, named, mode=mode, mapping=mapping, ask_mapping=True)
        finally:
            await form.close()
    except TierwiseError as exc:
        return render(request, "_import_problem.html", problem=_problem(request, exc))
    return Response(status_code=204, headers={"HX-Redirect": f"/imports?upload={upload.id}#step"})


@router.post("/imports/{upload_id}/map")
async def map_columns(request: Request, upload_id: int, ctx: ServiceContext = Depends(page_context)) -> Response:
    """Read the upload again through the columns chosen for its unknown headers (``file-N``/``header-N``/
    ``column-N``), saving the mapping when ``save_as`` names it."""
    form = await request.form()
    choices: dict[str, dict[str, str]] = {}
    for key, file in form.multi_items():
        if key.startswith("file-"):
            n = key.removeprefix("file-")
            choices.setdefault(str(file), {})[str(form.get(f"header-{n}", ""))] = str(form.get(f"column-{n}", ""))
    save_as = str(form.get("save_as") or "").strip() or None
    try:
        await run_in_threadpool(map_upload, ctx, upload_id, choices, save_as=save_as)
    except TierwiseError as exc:
        return _page(request, ctx, upload_id, 400, _problem(request, exc))
    return RedirectResponse(f"/imports?upload={upload_id}#step", status_code=303)


@router.post("/imports/{upload_id}/commit")
def commit(request: Request, upload_id: int, queue: Queue, ctx: ServiceContext = Depends(page_context)) -> Response:
    """Import a checked upload as a background job; back to its step, which follows the job."""
    try:
        commit_upload(ctx, queue, upload_id)
    except TierwiseError as exc:
        return _page(request, ctx, upload_id, 400, _problem(request, exc))
    return RedirectResponse(f"/imports?upload={upload_id}#step", status_code=303)


@router.post("/imports/{upload_id}/cancel")
def cancel(request: Request, upload_id: int, ctx: ServiceContext = Depends(page_context)) -> Response:
    """Drop an upload that was not imported, and its files."""
    try:
        cancel_upload(ctx, upload_id)
    except TierwiseError as exc:
        return _page(request, ctx, upload_id, 400, _problem(request, exc))
    return RedirectResponse("/imports?done=cancelled", status_code=303)


@router.get("/imports/{upload_id}/progress", response_class=HTMLResponse)
def progress(request: Request, upload_id: int, queue: Queue, ctx: ServiceContext = Depends(page_context)) -> Response:
    """The commit job's progress bar (htmx polls it); once the job has ended, the page is loaded again."""
    upload = get_upload(ctx, upload_id)
    job = get_job(ctx, queue, upload.job_id) if upload.job_id else None
    if job is None or job.state in ("done", "failed", "cancelled"):
        return Response(status_code=204, headers={"HX-Refresh": "true"})
    return render(request, "_import_progress.html", upload=upload, job=job)


@router.post("/imports/history/{import_id}/revert")
def revert_import(request: Request, import_id: int, ctx: ServiceContext = Depends(page_context)) -> Response:
    """Remove the rows an import created; refused with the reasons when later data depends on them."""
    try:
        revert(ctx, import_id)
    except TierwiseError as exc:
        return _page(request, ctx, None, 400, _problem(request, exc))
    return RedirectResponse(f"/imports?done=reverted-{import_id}#history", status_code=303)
