"""Every kind of background job and what runs it: the registry a worker runs jobs by.

>>> sorted(KINDS)
['import', 'run']
"""

from __future__ import annotations

from tierwise.services.context import ServiceContext
from tierwise.services.job_running import recover_interrupted, run_job
from tierwise.services.jobs import JobKind, JobQueueLike
from tierwise.services.run_jobs import RUN_JOB
from tierwise.services.upload_commits import COMMIT_JOB

KINDS: dict[str, JobKind] = {"run": RUN_JOB, "import": COMMIT_JOB}


def execute(ctx: ServiceContext, queue: JobQueueLike, job_id: str) -> str | None:
    """Run job ``job_id`` (what a worker does with each id it takes); the state it ended in."""
    return run_job(ctx, queue, job_id, KINDS)


def recover(ctx: ServiceContext) -> list[str]:
    """Mark failed the jobs whose process died (a worker and the server call this when they start)."""
    return recover_interrupted(ctx, KINDS)
