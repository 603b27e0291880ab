"""``/api/v1/jobs``: background jobs — list, status with progress and result, cancel.

A job the caller may not see (not theirs, not their team's as a manager, not an admin) answers 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from tierwise.api.access import needs
from tierwise.api.deps import Context
from tierwise.api.language import request_language
from tierwise.api.schemas import problem_responses
from tierwise.i18n import translate
from tierwise.jobs import JobQueue
from tierwise.services.jobs import JobInfo, cancel_job, get_job, list_jobs
from tierwise.services.workers import open_queue

router = APIRouter(prefix="/jobs", tags=["jobs"])


def request_queue(request: Request) -> JobQueue:
    """The app's job queue, opened on first use (an app that runs no job never makes the queue file)."""
    state = request.app.state
    if getattr(state, "jobs", None) is None:
        state.jobs = open_queue(state.settings)
    return state.jobs


Queue = Annotated[JobQueue, Depends(request_queue)]


class JobPublic(BaseModel):
    """A background job: what, who, its state, how far it is, and how it ended."""

    id: str
    kind: str = Field(description="run or import")
    submitter: str
    team: str | None
    state: str = Field(description="queued, running, done, failed or cancelled")
    stage: str | None = Field(description="read, classify, save; check:<table>, write:<table>")
    rows_done: int
    rows_total: int | None
    params: dict[str, Any]
    result: dict[str, Any] | None
    error: str | None = Field(description="Why it failed, in the language asked")
    error_details: list[str]
    submitted_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    cancel_requested: bool

    @classmethod
    def of(cls, job: JobInfo, lang: str) -> JobPublic:
        """The public form of a job, its error in ``lang``."""
        fields = dict(job.__dict__)
        fields["error"] = translate(job.error, lang) if job.error is not None else None
        fields["error_details"] = [translate(d, lang) for d in job.error_details]
        return cls(**fields)


@router.get("", **needs("jobs.read"), responses=problem_responses(400, 401, 403))
def jobs_list(
    ctx: Context,
    queue: Queue,
    request: Request,
    state: Annotated[str | None, Query(description="Only jobs in this state")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[JobPublic]:
    """The jobs the caller may see, newest first."""
    lang = request_language(request)
    return [JobPublic.of(j, lang) for j in list_jobs(ctx, queue, state=state, limit=limit)]


@router.get("/{job_id}", **needs("jobs.read"), responses=problem_responses(401, 403, 404))
def job_show(job_id: str, ctx: Context, queue: Queue, request: Request) -> JobPublic:
    """One job with its live progress, its result or its error."""
    return JobPublic.of(get_job(ctx, queue, job_id), request_language(request))


@router.post("/{job_id}/cancel", **needs("jobs.read"), responses=problem_responses(400, 401, 403, 404))
def job_cancel(job_id: str, ctx: Context, queue: Queue, request: Request) -> JobPublic:
    """Stop a job: a queued one at once, a running one at its next progress report (nothing it wrote is kept)."""
    return JobPublic.of(cancel_job(ctx, queue, job_id), request_language(request))
