"""The job queue for the interfaces: the server submits to it, ``tierwise worker`` consumes it."""

from __future__ import annotations

from tierwise.config import Settings
from tierwise.jobs.queue import JobQueue, job_queue


def open_queue(settings: Settings) -> JobQueue:
    """The queue jobs are submitted to (Redis when ``TIERWISE_REDIS_URL`` is set, else a SQLite file)."""
    return job_queue(settings)


def run_worker(settings: Settings, threads: int | None = None) -> None:
    """Run jobs from the queue of ``settings`` until stopped, after marking failed the jobs a dead worker
    of this host left running."""
    from tierwise.jobs.worker import run_worker as consume  # the consumer imports every kind of job

    consume(settings, threads)
