"""The task a worker runs for each job id it takes: the service that runs jobs (``services/job_kinds.py``)."""

from __future__ import annotations

from tierwise.jobs.queue import JobQueue
from tierwise.services.context import ServiceContext
from tierwise.services.job_kinds import execute


def bind_tasks(queue: JobQueue, ctx: ServiceContext) -> JobQueue:
    """Make ``queue``'s task run each job through the services with the worker's context ``ctx``."""
    return queue.bind(lambda job_id: execute(ctx, queue, job_id))
