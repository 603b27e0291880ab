"""``/api/v1/policies``: the policies, one policy in force, and the analyst's edits — check, preview, save.

A policy in force is its latest version saved in the store, else the shipped one. An edited policy is sent
as its YAML text; the preview classifies the store's customers by both and says who would move and the
customers and sales per class before and after, without saving anything.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Request, status
from pydantic import BaseModel, ConfigDict, Field

from tierwise.analytics.classify.policy import Policy
from tierwise.api.access import needs
from tierwise.api.deps import Context
from tierwise.api.language import request_language
from tierwise.api.schemas import problem_responses
from tierwise.services.policies import describe_criterion, list_policies
from tierwise.services.policy_versions import (
    check_policy,
    policy_in_force,
    preview_policy,
    save_policy_version,
    saved_versions,
)

router = APIRouter(tags=["policies"])
FROM_ATTRIBUTES = ConfigDict(from_attributes=True)
PolicyName = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
READ = problem_responses(401, 403, 404)
WRITE = problem_responses(400, 401, 403, 404)


class PolicySummaryPublic(BaseModel):
    """A shipped policy: name, version, method, class codes and description, and the versions saved."""

    name: str
    version: str
    method: str
    classes: list[str]
    description: dict[str, str]
    saved_versions: list[str]


class ClassPublic(BaseModel):
    """A class of a policy: code, label and contact cadence in the language asked."""

    code: str
    label: str
    cadence: str | None


class PolicyPublic(BaseModel):
    """A classification policy: its classes, criteria in words, and the YAML text (to copy and edit)."""

    name: str
    version: str
    description: str
    classes: list[ClassPublic]
    criteria: list[str]
    text: str


class PolicyText(BaseModel):
    """An edited policy: its YAML text."""

    text: str = Field(min_length=1, max_length=200_000)


class PolicyPreviewRequest(PolicyText):
    """An edited policy and the date to classify as of (default: the last purchase in the store)."""

    as_of: dt.date | None = None


class ClassFiguresPublic(BaseModel):
    """Customers and 12-month sales of one class, and their shares."""

    model_config = FROM_ATTRIBUTES

    code: str
    label: str
    customers: int
    customer_share: float
    sales: float | None
    sales_share: float | None


class MoverPublic(BaseModel):
    """A customer the edit would move, with the reasons before and after."""

    customer_id: str
    from_class: str
    to_class: str
    from_label: str | None
    to_label: str | None
    direction: str
    from_reasons: list[str] | None
    to_reasons: list[str] | None


class PolicyPreviewPublic(BaseModel):
    """What the edited policy would change."""

    name: str
    as_of: dt.date
    current_version: str
    edited_version: str
    customers: int
    moved: int
    movers: list[MoverPublic]
    before: list[ClassFiguresPublic]
    after: list[ClassFiguresPublic]


class PolicyVersionPublic(BaseModel):
    """A policy version saved in the store."""

    model_config = FROM_ATTRIBUTES

    id: int
    name: str
    version: str
    hash: str
    created_at: dt.datetime
    created_by: str | None


def _public(policy: Policy, text: str, lang: str) -> PolicyPublic:
    return PolicyPublic(
        name=policy.name,
        version=str(policy.version),
        description=policy.description[lang],
        classes=[
            ClassPublic(code=c.code, label=c.label[lang], cadence=c.cadence.text[lang] if c.cadence else None)
            for c in policy.classes
        ],
        criteria=[describe_criterion(c, policy, lang) for c in policy.criteria],
        text=text,
    )


@router.get("/policies", response_model=list[PolicySummaryPublic], responses=READ, **needs("policies.read"))
def policies(ctx: Context) -> list[PolicySummaryPublic]:
    """Every shipped policy, with the versions of it saved in the store."""
    saved: dict[str, list[str]] = {}
    for version in saved_versions(ctx):
        saved.setdefault(version.name, []).append(version.version)
    return [
        PolicySummaryPublic(name=p.name, version=str(p.version), method=p.method, classes=p.classes,
                            description=p.description, saved_versions=saved.get(p.name, []))
        for p in list_policies()
    ]  # fmt: skip


@router.post("/policies/validate", response_model=PolicyPublic, responses=WRITE, **needs("policies.write"))
def validate(ctx: Context, body: PolicyText, request: Request) -> PolicyPublic:
    """Check an edited policy: the policy as understood, or a 422 problem saying what is wrong."""
    return _public(check_policy(ctx, body.text), body.text, request_language(request))


@router.get("/policies/{name}", response_model=PolicyPublic, responses=READ, **needs("policies.read"))
def policy(ctx: Context, name: PolicyName, request: Request) -> PolicyPublic:
    """The policy in force under ``name``: classes, criteria in words and its text."""
    text, found = policy_in_force(ctx, name)
    return _public(found, text, request_language(request))


@router.post("/policies/{name}/preview", response_model=PolicyPreviewPublic, responses=WRITE,
             **needs("policies.write"))  # fmt: skip
def preview(ctx: Context, name: PolicyName, body: PolicyPreviewRequest, request: Request) -> PolicyPreviewPublic:
    """Who would move, and the customers and sales per class before and after, if the edit replaced ``name``."""
    found = preview_policy(ctx, name, body.text, as_of=body.as_of, lang=request_language(request))
    return PolicyPreviewPublic(
        name=found.name, as_of=found.as_of, current_version=found.current_version,
        edited_version=found.edited_version, customers=found.customers, moved=found.moved,
        movers=[MoverPublic.model_validate(m) for m in found.movers.to_pylist()],  # the movers: one list to send
        before=[ClassFiguresPublic.model_validate(c) for c in found.before],
        after=[ClassFiguresPublic.model_validate(c) for c in found.after],
    )  # fmt: skip


@router.post("/policies/{name}/versions", response_model=PolicyVersionPublic, status_code=status.HTTP_201_CREATED,
             responses=WRITE, **needs("policies.write"))  # fmt: skip
def save_version(ctx: Context, name: PolicyName, body: PolicyText) -> PolicyVersionPublic:
    """Save the edited policy as a new version of ``name`` (the YAML's ``version`` must be new)."""
    return PolicyVersionPublic.model_validate(save_policy_version(ctx, name, body.text))
