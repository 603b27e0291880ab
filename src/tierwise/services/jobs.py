"""Background jobs: submit long work, follow its progress, read its result, cancel it (a worker runs them:
:mod:`tierwise.services.job_running`).

A job is a record in the store (``store/job_models.py``) and an id on the task queue
(:mod:`tierwise.jobs`). Submitting writes the record and its audit entry in one transaction, then puts the
id on the queue. A worker claims the job (queued → running), runs it through the services as its
submitter with a progress callback, and records how it ended (done with its result, failed with the
error, cancelled); each change of state is audited. The work itself is one transaction of the service it
calls, so a job that fails, is cancelled or is killed leaves nothing half-written.

A worker or server that starts marks the jobs still "running" in a process of its host that no longer
exists as failed (:func:`tierwise.services.job_running.recover_interrupted`): their process was killed or
the machine restarted.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from tierwise.errors import DataValidationError, NotFoundError, StoreError, TierwiseError, UsageError
from tierwise.i18n import N_, Message
from tierwise.security.permissions import Action, require
from tierwise.services.context import ServiceContext
from tierwise.services.job_access import home_team, visible_work, work_store
from tierwise.store.audit import write_audit
from tierwise.store.db import writing
from tierwise.store.job_models import JOB_STATES, Job

log = logging.getLogger(__name__)

FINISHED = ("done", "failed", "cancelled")
KILLED = N_(
    "the job stopped when its worker process %(worker)s ended (killed or restarted); nothing it was writing was kept"
)
UNEXPECTED = N_("the job stopped on an unexpected error (%(error)s); the server log has the details")


@dataclass(frozen=True)
class JobInfo:
    """One job as its viewers see it: what, who, how far, and how it ended."""

    id: str
    kind: str
    submitter: str
    team: str | None
    state: str
    stage: str | None
    rows_done: int
    rows_total: int | None
    params: dict[str, Any]
    result: dict[str, Any] | None
    error: Message | None
    error_details: list[Message]
    submitted_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    cancel_requested: bool


@dataclass(frozen=True)
class JobKind:
    """What a kind of job does: ``run(ctx, params)`` does the work and returns the result (JSON);
    ``ended(ctx, params, state, result)``, when given, follows the end (e.g. an upload's state)."""

    run: Callable[[ServiceContext, dict[str, Any]], dict[str, Any]]
    ended: Callable[[ServiceContext, dict[str, Any], str, dict[str, Any] | None], None] | None = None


class JobCancelled(Exception):  # noqa: N818 - a signal inside the worker, never shown to anyone
    """Raised from the progress callback when someone asked to stop the job: the work rolls back."""


class JobQueueLike(Protocol):
    """What the services need of the queue (:class:`tierwise.jobs.JobQueue`)."""

    def enqueue(self, job_id: str) -> None: ...
    def revoke(self, job_id: str) -> None: ...
    def put_progress(self, job_id: str, progress: dict[str, Any]) -> None: ...
    def progress(self, job_id: str) -> dict[str, Any] | None: ...
    def request_cancel(self, job_id: str, by: str) -> None: ...
    def cancel_requested(self, job_id: str) -> str | None: ...
    def forget(self, job_id: str) -> None: ...


# -- messages as JSON (the error column keeps the message, translated when read) --


def message_json(message: Message | str) -> dict[str, Any]:
    """A message as JSON (parameters that are messages nested, others as text)."""
    if isinstance(message, str):
        return {"msgid": "%(text)s", "params": {"text": message}}
    params = {k: message_json(v) if isinstance(v, Message) else str(v) for k, v in message.params.items()}
    return {"msgid": message.msgid, "params": params}


def message_from_json(data: dict[str, Any]) -> Message:
    """The message :func:`message_json` wrote."""
    msgid, params = data["msgid"], data["params"]
    return Message(msgid, {k: message_from_json(v) if isinstance(v, dict) else v for k, v in params.items()})


def error_json(exc: BaseException) -> dict[str, Any]:
    """How a job's error is kept: its message and its details (a store error's reasons, a data error's rows)."""
    if isinstance(exc, DataValidationError):
        head: Message | str = exc.headline()
        details: list[Message | str] = [p.describe("en") for p in exc.problems[: exc.shown]]
    elif isinstance(exc, StoreError):
        head, details = exc.text, list(exc.reasons)
    elif isinstance(exc, TierwiseError):
        head, details = exc.text, list(exc.details)
    else:
        head, details = Message(UNEXPECTED, {"error": type(exc).__name__}), []
    return {"message": message_json(head), "details": [message_json(d) for d in details]}


# -- reading --


def _info(job: Job, live: dict[str, Any] | None = None, cancel_asked: bool = False) -> JobInfo:
    progress = live if job.state == "running" and live else {}
    error = job.error or {}
    return JobInfo(
        id=job.id,
        kind=job.kind,
        submitter=job.submitter,
        team=job.team,
        state=job.state,
        stage=progress.get("stage", job.stage),
        rows_done=progress.get("rows_done", job.rows_done),
        rows_total=progress.get("rows_total", job.rows_total),
        params=job.params,
        result=job.result,
        error=message_from_json(error["message"]) if error else None,
        error_details=[message_from_json(d) for d in error.get("details", [])],
        submitted_at=job.submitted_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        cancel_requested=cancel_asked or job.cancel_requested_at is not None,
    )


def _visible(session: Session, ctx: ServiceContext, job_id: str) -> Job:
    require(ctx.actor, "jobs.read")
    job = session.scalar(select(Job).where(Job.id == job_id, visible_work(ctx.actor, Job.submitter, Job.team)))
    if job is None:
        raise NotFoundError(Message(N_("no job %(id)s"), {"id": job_id}))
    return job


def get_job(ctx: ServiceContext, queue: JobQueueLike, job_id: str) -> JobInfo:
    """Job ``job_id`` with its live progress; not found when there is none the caller may see."""
    with Session(work_store(ctx)) as session:
        return _live(queue, _visible(session, ctx, job_id))


def _live(queue: JobQueueLike, job: Job) -> JobInfo:
    """A job with what its worker last said (only a running job has a live channel)."""
    if job.state != "running":
        return _info(job)
    return _info(job, queue.progress(job.id), queue.cancel_requested(job.id) is not None)


def list_jobs(ctx: ServiceContext, queue: JobQueueLike, *, state: str | None = None, limit: int = 100) -> list[JobInfo]:
    """The jobs the caller may see, newest first (of one ``state`` when given), at most ``limit``."""
    require(ctx.actor, "jobs.read")
    if state is not None and state not in JOB_STATES:
        raise UsageError(
            Message(
                N_("unknown job state %(state)s: choose one of %(states)s"),
                {"state": repr(state), "states": ", ".join(JOB_STATES)},
            )
        )
    query = select(Job).where(visible_work(ctx.actor, Job.submitter, Job.team))
    if state is not None:
        query = query.where(Job.state == state)
    with Session(work_store(ctx)) as session:
        jobs = session.scalars(query.order_by(Job.submitted_at.desc(), Job.id).limit(limit)).all()
        return [_live(queue, j) for j in jobs]


# -- submitting and cancelling --


def create_job(session: Session, ctx: ServiceContext, kind: str, params: dict[str, Any], action: Action) -> Job:
    """Add a queued job record and its audit entry to ``session`` (the caller commits, then enqueues)."""
    require(ctx.actor, action)
    actor, now = ctx.actor, ctx.now()
    job = Job(
        id=uuid.uuid4().hex,
        kind=kind,
        params=params,
        submitter=actor.name,
        submitter_role=actor.role,
        submitter_teams=sorted(actor.teams),
        team=home_team(actor),
        state="queued",
        rows_done=0,
        submitted_at=now,
    )
    session.add(job)
    session.flush()
    (ctx.audit or write_audit)(
        session,
        actor=actor.name,
        action="job.submit",
        target_type="job",
        target_id=job.id,
        after={"kind": kind, "params": params, "state": "queued"},
        at=now,
    )
    return job


def enqueue(ctx: ServiceContext, queue: JobQueueLike, job_id: str) -> JobInfo:
    """Put a committed job record on the queue (the answer is the job as queued, even if a worker takes it at
    once); a queue that refuses it leaves the job failed, not waiting."""
    with Session(work_store(ctx)) as session:
        queued = _info(session.get_one(Job, job_id))
    try:
        queue.enqueue(job_id)
    except Exception as exc:
        log.exception("the job queue refused job %s", job_id)
        end_job(work_store(ctx), job_id, "failed", None, error_json(exc), None, ("queued",))
        raise StoreError(
            Message(N_("the job queue is unavailable (%(error)s)"), {"error": type(exc).__name__})
        ) from exc
    return queued


def submit(ctx: ServiceContext, queue: JobQueueLike, kind: str, params: dict[str, Any], action: Action) -> JobInfo:
    """Record a job of ``kind`` for ``ctx.actor`` (who must be allowed ``action``) and queue it."""
    with writing(work_store(ctx)) as con, Session(bind=con) as session:
        job_id = create_job(session, ctx, kind, params, action).id
    return enqueue(ctx, queue, job_id)


def cancel_job(ctx: ServiceContext, queue: JobQueueLike, job_id: str) -> JobInfo:
    """Stop a job: a queued one is cancelled at once; a running one stops at its next progress report and
    rolls back (its worker records the cancel and who asked). Refused when it has already ended.

    A running job is asked through the queue, never through the store: a SQLite store is locked by the
    job's own write transaction until it ends.
    """
    engine, now = work_store(ctx), ctx.now()
    with Session(engine) as session:
        job = _visible(session, ctx, job_id)  # whoever sees a job may stop it
        state = job.state
    if state in FINISHED:
        raise UsageError(Message(N_("job %(id)s has already ended (%(state)s)"), {"id": job_id, "state": state}))
    if state == "queued":
        with writing(engine) as con, Session(bind=con) as session:
            stopped = con.execute(
                update(Job)
                .where(Job.id == job_id, Job.state == "queued")
                .values(state="cancelled", finished_at=now, cancel_requested_at=now)
            ).rowcount
            if stopped:
                (ctx.audit or write_audit)(
                    session,
                    actor=ctx.actor.name,
                    action="job.cancel",
                    target_type="job",
                    target_id=job_id,
                    before={"state": "queued"},
                    after={"state": "cancelled"},
                    at=now,
                )
        if stopped:
            queue.revoke(job_id)
            return get_job(ctx, queue, job_id)
    queue.request_cancel(job_id, ctx.actor.name)  # it started meanwhile, or was running
    return get_job(ctx, queue, job_id)


# -- running (the worker) --


def end_job(
    engine: Engine,
    job_id: str,
    state: str,
    result: dict[str, Any] | None,
    error: dict[str, Any] | None,
    progress: dict[str, Any] | None,
    states: tuple[str, ...] = ("running",),
    actor: str | None = None,
    cancelled_by: str | None = None,
) -> bool:
    """Record how job ``job_id`` ended (if it is still in one of ``states``), with its audit entry (by
    ``actor``, else the submitter; a cancel's names who asked)."""
    now = dt.datetime.now(dt.UTC)
    values: dict[str, Any] = {"state": state, "finished_at": now, "result": result, "error": error}
    if cancelled_by is not None:
        values["cancel_requested_at"] = now
    if progress:
        values |= {k: progress[k] for k in ("stage", "rows_done", "rows_total") if k in progress}
    with writing(engine) as con, Session(bind=con) as session:
        changed = con.execute(update(Job).where(Job.id == job_id, Job.state.in_(states)).values(**values)).rowcount
        if changed:
            job = session.get_one(Job, job_id)
            write_audit(
                session,
                actor=actor or job.submitter,
                action="job.end",
                target_type="job",
                target_id=job_id,
                before={"state": states[0]},
                after={
                    "state": state,
                    "error": error["message"]["msgid"] if error else None,
                    "cancelled_by": cancelled_by,
                },
                at=now,
            )
    return bool(changed)
