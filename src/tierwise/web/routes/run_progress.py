"""A run being made (``/policies/{name}/jobs/{id}``): its progress bar, which htmx refreshes until the job
ends, then the link to the saved run (or why it failed)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from tierwise.api.routes.jobs import Queue
from tierwise.i18n import N_
from tierwise.services.context import ServiceContext
from tierwise.services.jobs import FINISHED, JobInfo, get_job
from tierwise.web.pages import page_context, page_values
from tierwise.web.rendering import render

router = APIRouter()
#: what each stage of a run is doing, and how far along the bar it starts
STAGES = {
    None: (N_("Waiting for a worker"), 0.0),
    "read": (N_("Reading the customers and their purchases"), 0.1),
    "classify": (N_("Classifying"), 0.3),
    "save": (N_("Saving the assignments"), 0.6),
}


def done_share(job: JobInfo) -> float:
    """How far the job is, 0 to 1: where its stage starts, and the rows saved so far within the last one."""
    if job.state in FINISHED:
        return 1.0
    start = STAGES.get(job.stage, STAGES[None])[1]
    if job.stage == "save" and job.rows_total:
        return start + (1 - start) * min(job.rows_done / job.rows_total, 1.0)
    return start


@router.get("/policies/{name}/jobs/{job_id}", response_class=HTMLResponse)
def run_progress_page(
    request: Request, name: str, job_id: str, queue: Queue, ctx: ServiceContext = Depends(page_context)
) -> HTMLResponse:
    """The run job's page (404 for a job the viewer may not see); an htmx request gets the bar alone."""
    job = get_job(ctx, queue, job_id)
    template = "_run_progress.html" if request.headers.get("hx-request") else "run_progress.html"
    return render(
        request,
        template,
        **page_values(request, ctx, active="/policies"),
        name=name,
        job=job,
        finished=job.state in FINISHED,
        share=done_share(job),
        stage=STAGES.get(job.stage, STAGES[None])[0],
        as_of=dt.date.fromisoformat(job.result["as_of"]) if job.result and job.result.get("as_of") else None,
    )
