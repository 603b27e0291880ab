"""``/api/v1/runs``, the read side: saved runs, one run with its classes, its assignments by page, a diff.

Counts and assignments hold only the customers the caller sees (the services filter them). Creating a
run is a background job (its ``POST`` lives with the jobs).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from tierwise.api.access import needs
from tierwise.api.deps import Context
from tierwise.api.language import request_language
from tierwise.api.params import LARGEST_ID, RecordId
from tierwise.api.schemas import problem_responses
from tierwise.api.times import UtcTime
from tierwise.services.paging import MAX_PAGE
from tierwise.services.run_diffs import diff_runs
from tierwise.services.runs import list_runs, run_assignments, show_run

router = APIRouter(tags=["runs"])
FROM_ATTRIBUTES = ConfigDict(from_attributes=True)
READ = problem_responses(400, 401, 403, 404)
EarlierRun = Annotated[int, Query(ge=1, le=LARGEST_ID, description="the earlier run")]


class RunPublic(BaseModel):
    """A saved run: which policy (version and text hash), which data as of when, who saved it, how many
    customers (of those the caller sees)."""

    model_config = FROM_ATTRIBUTES

    id: int
    policy: str
    policy_version: str
    policy_hash: str
    as_of: dt.date
    data_source: str
    data_fingerprint: str
    last_import_id: int | None
    engine: str
    actor: str
    created_at: UtcTime
    customers: int


class ClassCountPublic(BaseModel):
    """Customers of one class in a run."""

    model_config = FROM_ATTRIBUTES

    code: str
    label: str
    customers: int


class RunDetailPublic(BaseModel):
    """A run with its customers per class, in the policy's order."""

    run: RunPublic
    classes: list[ClassCountPublic]


class AssignmentPublic(BaseModel):
    """A customer's class in a run, with the reasons."""

    model_config = ConfigDict(from_attributes=True, populate_by_name=True)

    customer_id: str
    name: str | None
    owner: str | None
    class_: str = Field(serialization_alias="class")
    label: str | None
    score: float | None
    rank: int | None
    reasons: list[str]


class AssignmentPagePublic(BaseModel):
    """One page of a run's assignments, by rank, and how many match in all."""

    model_config = FROM_ATTRIBUTES

    run: RunPublic
    total: int
    offset: int
    limit: int
    rows: list[AssignmentPublic]


class MigrationCellPublic(BaseModel):
    """Customers in ``from_class`` in the first run and in ``to_class`` in the second."""

    model_config = FROM_ATTRIBUTES

    from_class: str
    to_class: str
    customers: int


class MoverPublic(BaseModel):
    """A customer whose class changed, with the reasons then and now."""

    customer_id: str
    from_class: str
    to_class: str
    from_label: str | None
    to_label: str | None
    direction: str = Field(description="up, down, new or gone")
    from_reasons: list[str] | None
    to_reasons: list[str] | None


class RunDiffPublic(BaseModel):
    """Two runs of one policy compared."""

    before: RunPublic
    after: RunPublic
    matrix: list[MigrationCellPublic]
    movers: list[MoverPublic]


@router.get("/runs", response_model=list[RunPublic], responses=READ, **needs("runs.read"))
def runs(ctx: Context, policy: Annotated[str | None, Query(max_length=200)] = None) -> list[RunPublic]:
    """Saved runs, newest as-of date first (of one policy when asked)."""
    return [RunPublic.model_validate(r) for r in list_runs(ctx, policy=policy)]


@router.get("/runs/{run_id}", response_model=RunDetailPublic, responses=READ, **needs("runs.read"))
def run(ctx: Context, run_id: RecordId, request: Request) -> RunDetailPublic:
    """One run and its customers per class (labels in the language asked)."""
    detail = show_run(ctx, run_id, lang=request_language(request))
    return RunDetailPublic(
        run=RunPublic.model_validate(detail.run), classes=[ClassCountPublic.model_validate(c) for c in detail.classes]
    )


@router.get("/runs/{run_id}/assignments", response_model=AssignmentPagePublic, responses=READ, **needs("runs.read"))
def assignments(
    ctx: Context,
    run_id: RecordId,
    class_: Annotated[str | None, Query(alias="class", max_length=100)] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> AssignmentPagePublic:
    """A page of the run's assignments by rank (of one class when asked)."""
    page = run_assignments(ctx, run_id, class_=class_, offset=offset, limit=limit)
    return AssignmentPagePublic.model_validate(page)


@router.get("/runs/{run_id}/diff", response_model=RunDiffPublic, responses=READ, **needs("runs.read"))
def diff(
    ctx: Context,
    run_id: RecordId,
    before: Annotated[int, Query(ge=1, le=LARGEST_ID, description="the earlier run")],
    request: Request,
):
    """Who moved between run ``before`` and this run (same policy): the matrix and the movers."""
    moved = diff_runs(ctx, before, run_id, lang=request_language(request))
    return RunDiffPublic(
        before=RunPublic.model_validate(moved.before),
        after=RunPublic.model_validate(moved.after),
        matrix=[MigrationCellPublic.model_validate(c) for c in moved.matrix],
        movers=[MoverPublic.model_validate(m) for m in moved.movers.to_pylist()],  # the movers: one list to send
    )
