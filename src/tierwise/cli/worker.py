"""Commands: worker — run background jobs (saved runs, imports) from the job queue.

The API server only submits jobs; at least one ``tierwise worker`` per store runs them (docs/jobs.md).
"""

from __future__ import annotations

import logging

import typer

from tierwise.cli.application import app, settings


@app.command("worker")
def worker_command(
    threads: int | None = typer.Option(
        None, "--threads", min=1, help="Jobs run at once (default TIERWISE_WORKER_THREADS, 2)."
    ),
) -> None:
    """Run background jobs (runs, imports) from the job queue until stopped.

    The queue is Redis when TIERWISE_REDIS_URL is set, else a SQLite file beside the store. Ctrl-C lets the
    running jobs finish; jobs a killed worker left running are marked failed when a worker starts.

    Example: TIERWISE_REDIS_URL=redis://127.0.0.1:6379/0 tierwise worker --threads 4
    """
    from tierwise.services.workers import run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    run_worker(settings(), threads)
