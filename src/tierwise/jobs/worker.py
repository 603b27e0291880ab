"""The consumer of the job queue: huey's own, running jobs in threads of one process.

``tierwise worker`` runs it until it is stopped (Ctrl-C or SIGINT finish the jobs running, SIGTERM stops at
once, their transactions rolled back); tests run the same consumer in-process with :func:`consuming`.
Before it takes a job, a worker marks failed the jobs a dead process of this host left running.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

from huey.consumer import Consumer

from tierwise.config import Settings
from tierwise.jobs.queue import JobQueue, job_queue
from tierwise.jobs.tasks import bind_tasks
from tierwise.services.context import ServiceContext
from tierwise.services.job_kinds import recover
from tierwise.store.db import engine_from_settings, session_factory

POLL_SECONDS = 0.1  # first wait of an idle worker before it looks at the queue again
MAX_POLL_SECONDS = 1.0  # and the longest (huey's default is 10 s: a job would wait that long to start)


def worker_context(settings: Settings) -> ServiceContext:
    """The worker's own context: the system acting, on the store of ``settings``."""
    return ServiceContext.system(settings, sessions=session_factory(engine_from_settings(settings)))


def consumer(queue: JobQueue, threads: int) -> Consumer:
    """huey's consumer of ``queue`` with ``threads`` worker threads (no periodic tasks)."""
    return queue.huey.create_consumer(
        workers=threads,
        worker_type="thread",
        periodic=False,
        initial_delay=POLL_SECONDS,
        max_delay=MAX_POLL_SECONDS,
        check_worker_health=True,
    )


def prepare(settings: Settings) -> tuple[JobQueue, ServiceContext, list[str]]:
    """The queue with its task bound, the worker's context, and the interrupted jobs just marked failed."""
    ctx = worker_context(settings)
    interrupted = recover(ctx)
    return bind_tasks(job_queue(settings), ctx), ctx, interrupted


def run_worker(settings: Settings, threads: int | None = None) -> None:
    """Consume the queue of ``settings`` until stopped (what ``tierwise worker`` runs)."""
    queue, _ctx, _ = prepare(settings)
    consumer(queue, threads or settings.worker_threads).run()


@contextmanager
def consuming(settings: Settings, threads: int = 2) -> Iterator[JobQueue]:
    """A consumer of the queue of ``settings`` running in this process's threads while the block runs."""
    queue, _ctx, _ = prepare(settings)
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    running = consumer(queue, threads)
    running.start()
    try:
        yield queue
    finally:
        running.stop(graceful=True)
        for number, handler in handlers.items():
            signal.signal(number, handler)
