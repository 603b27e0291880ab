"""``POST /api/v1/runs``: classify the store's customers by a policy and save the run, as a background job
(the read side of runs is ``routes/runs.py``)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from tierwise.api.access import needs
from tierwise.api.deps import Context
from tierwise.api.language import request_language
from tierwise.api.routes.jobs import JobPublic, Queue
from tierwise.api.schemas import problem_responses

router = APIRouter(prefix="/runs", tags=["runs"])


class RunCreate(BaseModel):
    """A run to make: a shipped policy, the as-of date (default: the last transaction) and the language of
    its labels and reasons."""

    policy: str = Field(min_length=1, max_length=200, examples=["china-post"])
    as_of: dt.date | None = None
    lang: str | None = Field(None, description="en or zh (default: the server's)")


@router.post("", status_code=202, **needs("runs.create"), responses=problem_responses(400, 401, 403))
def run_create(body: RunCreate, ctx: Context, queue: Queue, request: Request) -> JobPublic:
    """Queue the run; follow it at ``/api/v1/jobs/{id}`` (its result names the saved run)."""
    from tierwise.services.run_jobs import submit_run  # the analytics load on the first run, not at start-up

    job = submit_run(ctx, queue, body.policy, as_of=body.as_of, lang=body.lang)
    return JobPublic.of(job, request_language(request))
