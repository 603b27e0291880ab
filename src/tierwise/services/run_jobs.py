"""Classify the store's customers by a policy and save the run, as a background job.

A run applies the policy in force (its latest version saved in the store, else the shipped one), so a
version an analyst has just saved is what the next run uses. The job's result names the saved run, its
policy and as-of date, its customers and their count per class; its progress goes through the stages of
:func:`tierwise.services.runs.save_run`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow.compute as pc

from tierwise.errors import check_language
from tierwise.policy_files import PolicyRef
from tierwise.services.access import require_action
from tierwise.services.context import ServiceContext
from tierwise.services.jobs import JobInfo, JobKind, JobQueueLike, submit
from tierwise.services.policy_versions import policy_in_force
from tierwise.services.runs import save_run


def submit_run(
    ctx: ServiceContext,
    queue: JobQueueLike,
    policy: str,
    *,
    as_of: dt.date | None = None,
    lang: str | None = None,
) -> JobInfo:
    """Queue a run of policy ``policy`` in force on the store as of ``as_of`` (default: the last
    transaction); an unknown policy is refused now, not in the worker."""
    require_action(ctx, "runs.create")
    _, found = policy_in_force(ctx, PolicyRef.shipped(policy).value)  # a name, never a path
    params = {
        "policy": policy,
        "policy_version": str(found.version),
        "as_of": as_of.isoformat() if as_of else None,
        "lang": lang and check_language(lang),
    }
    return submit(ctx, queue, "run", params, "runs.create")


def _run(ctx: ServiceContext, params: dict[str, Any]) -> dict[str, Any]:
    as_of = dt.date.fromisoformat(params["as_of"]) if params.get("as_of") else None
    text, found = policy_in_force(ctx, params["policy"])
    ref = PolicyRef.text(text, f"{found.name} v{found.version}")
    saved = save_run(ctx, ctx.settings.database_url, ref, as_of=as_of, lang=params.get("lang"))
    counts = pc.value_counts(saved.result.assignments.column("class").combine_chunks())
    classes = {str(c["values"]): int(c["counts"]) for c in counts.to_pylist()}  # one entry per class
    run = saved.run
    return {
        "run_id": run.id,
        "policy": run.policy,
        "policy_version": run.policy_version,
        "as_of": run.as_of.isoformat(),
        "customers": run.customers,
        "classes": classes,
    }


RUN_JOB = JobKind(run=_run)
