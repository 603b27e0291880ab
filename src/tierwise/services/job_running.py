"""Running background jobs in a worker: claim a queued job, run it as its submitter with a progress
callback, record how it ended (each change of state audited), and mark as failed the jobs a killed
process left "running" (:func:`recover_interrupted`). Submitting and reading jobs is
:mod:`tierwise.services.jobs`.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from tierwise.errors import TierwiseError
from tierwise.i18n import Message
from tierwise.security.permissions import Actor
from tierwise.services.context import Progress, ServiceContext
from tierwise.services.job_access import work_store
from tierwise.services.jobs import (
    KILLED,
    JobCancelled,
    JobKind,
    JobQueueLike,
    end_job,
    error_json,
    message_json,
)
from tierwise.store.audit import write_audit
from tierwise.store.db import writing
from tierwise.store.job_models import Job

log = logging.getLogger(__name__)


def worker_name() -> str:
    """This process as a job's worker: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _claim(engine: Engine, job_id: str) -> Job | None:
    """Queued → running for this worker; ``None`` when the job was cancelled (or taken) meanwhile."""
    now = dt.datetime.now(dt.UTC)
    with writing(engine) as con, Session(bind=con) as session:
        claimed = con.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == "queued")
            .values(state="running", started_at=now, worker=worker_name())
        ).rowcount
        job = session.get(Job, job_id)
        if claimed and job is not None:
            write_audit(
                session,
                actor=job.submitter,
                action="job.start",
                target_type="job",
                target_id=job_id,
                before={"state": "queued"},
                after={"state": "running", "worker": job.worker},
                at=now,
            )
            session.expunge(job)
            return job
    return None


def run_job(ctx: ServiceContext, queue: JobQueueLike, job_id: str, kinds: Mapping[str, JobKind]) -> str | None:
    """Run job ``job_id`` in this process as its submitter; returns the state it ended in (``None``: not run).

    ``ctx`` is the worker's (system) context; the job's own context acts as the submitter and reports
    progress to the queue, where it also sees a cancel request.
    """
    engine = work_store(ctx)
    job = _claim(engine, job_id)
    if job is None:
        log.info("job %s was not queued any more (cancelled); skipped", job_id)
        return None
    last: dict[str, Any] = {}

    def progress(step: Progress) -> None:
        last.update(stage=step.stage, rows_done=step.rows_done, rows_total=step.rows_total)
        queue.put_progress(job_id, dict(last))
        if queue.cancel_requested(job_id):
            raise JobCancelled

    submitter = Actor(job.submitter, job.submitter_role, frozenset(job.submitter_teams))  # type: ignore[arg-type]
    job_ctx = replace(ctx.with_actor(submitter), progress=progress)
    kind = kinds[job.kind]
    result: dict[str, Any] | None = None
    cancelled_by = None
    try:
        if queue.cancel_requested(job_id):
            raise JobCancelled
        result = kind.run(job_ctx, job.params)
        state, error = "done", None
    except JobCancelled:
        state, error = "cancelled", None
        cancelled_by = queue.cancel_requested(job_id)
    except Exception as exc:
        if not isinstance(exc, TierwiseError):
            log.exception("job %s (%s) failed", job_id, job.kind)
        state, error = "failed", error_json(exc)
    if kind.ended is not None:
        kind.ended(job_ctx, job.params, state, result)
    end_job(engine, job_id, state, result, error, last, cancelled_by=cancelled_by)
    queue.forget(job_id)
    return state


def recover_interrupted(ctx: ServiceContext, kinds: Mapping[str, JobKind]) -> list[str]:
    """Mark failed, with the reason, the jobs left "running" by a process of this host that is gone; returns
    their ids. A worker and the server call it when they start. The work of such a job was one transaction
    that never committed: the database rolled it back when the connection died."""
    engine = work_store(ctx)
    host = socket.gethostname()
    with Session(engine) as session:
        running = session.execute(select(Job.id, Job.worker, Job.kind, Job.params).where(Job.state == "running")).all()
    failed = []
    for job_id, worker, kind, params in running:  # the jobs running at once: a handful
        name, _, pid = (worker or "").rpartition(":")
        if name != host or not pid.isdigit() or _alive(int(pid)):
            continue
        ended = kinds[kind].ended if kind in kinds else None
        if ended is not None:
            ended(ctx, params, "failed", None)
        error = {"message": message_json(Message(KILLED, {"worker": worker})), "details": []}
        if end_job(engine, job_id, "failed", None, error, None, actor="system"):
            failed.append(job_id)
    if failed:
        log.warning("marked %s interrupted job(s) failed: %s", len(failed), ", ".join(failed))
    return failed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
