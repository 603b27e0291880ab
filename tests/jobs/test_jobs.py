"""Run jobs and who sees them, on SQLite and PostgreSQL stores, with huey on SQLite and on Redis."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from tierwise.errors import NotFoundError, PermissionDeniedError, UnknownPolicyError, UsageError
from tierwise.i18n import translate
from tierwise.jobs import job_queue
from tierwise.jobs.worker import consuming
from tierwise.services.context import Progress
from tierwise.services.jobs import cancel_job, get_job, list_jobs
from tierwise.services.run_jobs import submit_run
from tierwise.services.runs import save_run
from tierwise.store.db import engine_from_settings

from .conftest import ANA, BO, DESK, LI, MIA, ROOT, SAM, context, imported, wait_for


def audit_actions(settings) -> list[tuple[str, str]]:
    engine = engine_from_settings(settings)
    with engine.connect() as con:
        rows = con.execute(text("SELECT actor, action FROM audit ORDER BY seq")).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def test_a_run_job_reports_its_progress_and_result(settings, tmp_path: Path) -> None:
    imported(settings, tmp_path)
    ctx = context(settings, ANA)
    with consuming(settings) as queue:
        job = submit_run(ctx, queue, "china-post", as_of=dt.date(2025, 6, 30))
        assert (job.state, job.kind, job.submitter, job.team) == ("queued", "run", "ana", "north")
        done = wait_for(ctx, queue, job.id)
    assert done.state == "done", done.error and translate(done.error, "en")
    assert done.result["classes"] == {"diamond": 1, "platinum": 1, "gold": 1, "standard": 1}
    assert (done.result["customers"], done.result["as_of"], done.result["policy"]) == (4, "2025-06-30", "china-post")
    assert (done.stage, done.rows_done, done.rows_total) == ("save", 4, 4)
    assert done.started_at is not None and done.finished_at >= done.started_at
    # the run was saved as its submitter, and every change of the job's state is in the audit log
    assert audit_actions(settings)[-4:] == [
        ("ana", "job.submit"),
        ("ana", "job.start"),
        ("ana", "run.save"),
        ("ana", "job.end"),
    ]


def test_saving_a_run_tells_its_stages_in_order(settings, tmp_path: Path) -> None:
    imported(settings, tmp_path)
    seen: list[Progress] = []
    save_run(replace(context(settings, ANA), progress=seen.append), settings.database_url, "china-post")
    assert seen == [Progress("read"), Progress("classify"), Progress("save", 0, 4), Progress("save", 4, 4)]


def test_a_job_is_seen_by_its_submitter_their_managers_and_admins_only(settings) -> None:
    queue = job_queue(settings)  # no worker: the job stays queued
    job = submit_run(context(settings, ANA), queue, "china-post")
    for viewer in (ANA, MIA, ROOT):
        assert get_job(context(settings, viewer), queue, job.id).id == job.id
        assert [j.id for j in list_jobs(context(settings, viewer), queue)] == [job.id]
    for stranger in (BO, LI, SAM):  # another analyst, an account manager of the team, another team's manager
        with pytest.raises(NotFoundError, match=f"no job {job.id}"):
            get_job(context(settings, stranger), queue, job.id)
        with pytest.raises(NotFoundError):
            cancel_job(context(settings, stranger), queue, job.id)
        assert list_jobs(context(settings, stranger), queue) == []
    with pytest.raises(PermissionDeniedError, match="the lobby role may not do jobs.read"):
        list_jobs(context(settings, DESK), queue)


def test_only_roles_that_run_policies_submit_run_jobs(settings) -> None:
    queue = job_queue(settings)
    with pytest.raises(PermissionDeniedError, match="the account_manager role may not do runs.create"):
        submit_run(context(settings, LI), queue, "china-post")
    with pytest.raises(UnknownPolicyError):
        submit_run(context(settings, ANA), queue, "no-such-policy")
    assert list_jobs(context(settings, ROOT), queue) == []


def test_a_cancelled_queued_job_never_runs(settings, tmp_path: Path) -> None:
    imported(settings, tmp_path)
    queue = job_queue(settings)
    job = submit_run(context(settings, ANA), queue, "china-post")
    cancelled = cancel_job(context(settings, MIA), queue, job.id)  # the submitter's manager stops it
    assert (cancelled.state, cancelled.cancel_requested) == ("cancelled", True)
    with pytest.raises(UsageError, match=f"job {job.id} has already ended \\(cancelled\\)"):
        cancel_job(context(settings, ANA), queue, job.id)
    with consuming(settings) as running:
        again = submit_run(context(settings, ANA), running, "china-post")  # a later job runs: the first was skipped
        assert wait_for(context(settings, ANA), running, again.id).state == "done"
    assert get_job(context(settings, ANA), queue, job.id).state == "cancelled"
    runs = [a for a in audit_actions(settings) if a[1] == "run.save"]
    assert runs == [("ana", "run.save")]
