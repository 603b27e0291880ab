"""The job queue for the interfaces: the server submits to it, ``tierwise worker`` consumes it."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy.engine import make_url

from tierwise.config import Settings
from tierwise.errors import TierwiseError
from tierwise.jobs.queue import JobQueue, job_queue

log = logging.getLogger(__name__)


def open_queue(settings: Settings) -> JobQueue:
    """The queue jobs are submitted to (Redis when ``TIERWISE_REDIS_URL`` is set, else a SQLite file)."""
    return job_queue(settings)


def run_worker(settings: Settings, threads: int | None = None) -> None:
    """Run jobs from the queue of ``settings`` until stopped, after marking failed the jobs a dead worker
    of this host left running."""
    from tierwise.jobs.worker import run_worker as consume  # the consumer imports every kind of job

    consume(settings, threads)


def recover_jobs(settings: Settings) -> list[str]:
    """Mark failed the jobs a dead process of this host left running (the server does this when it starts;
    a SQLite store not made yet has none)."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and (not url.database or not Path(url.database).exists()):
        return []
    from tierwise.jobs.worker import worker_context
    from tierwise.services.job_kinds import recover

    try:
        ctx = worker_context(settings)
    except TierwiseError as exc:  # e.g. a store at an older migration: the server says so on its first request
        log.warning("jobs not recovered: %s", exc)
        return []
    try:
        return recover(ctx)
    finally:
        ctx.sessions.kw["bind"].dispose()  # type: ignore[union-attr]
