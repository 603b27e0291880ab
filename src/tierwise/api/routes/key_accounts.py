"""The key-account process: queues, one record and its moves, the review list with cost-to-serve, and the
decision-maker map of a customer.

``GET /key-accounts`` lists the records the caller sees, ``/key-accounts/queue`` splits them by what they
wait for, ``/key-accounts/reviews`` is the review list (accounts due and the cost-to-serve review). On
``/customers/{id}/key-account``: ``GET`` the record, ``POST`` a nomination by hand, then ``/evaluation``,
``/decision`` (approve or reject, with a comment), ``/assignment`` (owner and team) and ``/review`` (keep or
withdraw, with a comment). The services check the role, the team and that the caller sees the customer
(else 404), and write each move with its audit row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Query, Request, status
from pydantic import BaseModel, Field

from tierwise.accounts.contacts import Coverage, MapContact
from tierwise.accounts.lifecycle import Status
from tierwise.accounts.service_cost import Action
from tierwise.api.access import needs
from tierwise.api.deps import Context
from tierwise.api.language import request_language
from tierwise.api.params import CustomerId
from tierwise.api.routes.records import ContactPublic
from tierwise.api.schemas import problem_responses
from tierwise.api.times import UtcTime
from tierwise.i18n import translate
from tierwise.services import contacts, key_account_queues, key_accounts
from tierwise.services.key_accounts import DEFAULT_REVIEW_DAYS, KeyAccountView

router = APIRouter(tags=["key accounts"])
READ = problem_responses(401, 403, 404)
WRITE = problem_responses(400, 401, 403, 404)
Comment = Field(min_length=1, max_length=4000)


class MemberPublic(BaseModel):
    """A person of our side on an account team, with their role."""

    user: str
    role: str


class KeyAccountPublic(BaseModel):
    """A key-account record: where it stands, its nomination, evidence, decision, team and review."""

    customer_id: str
    customer_name: str
    status: Status
    nominated_at: UtcTime
    nominated_by: str
    nomination_run_id: int | None
    nomination_reasons: list[str]
    evidence: dict[str, Any] | None
    evaluated_at: UtcTime | None
    decided_by: str | None
    decided_at: UtcTime | None
    decision_comment: str | None
    owner: str | None
    team: str | None
    members: list[MemberPublic]
    review_every_days: int | None
    next_review_date: dt.date | None
    last_reviewed_at: UtcTime | None
    review_reasons: list[str] | None
    review_run_id: int | None

    @classmethod
    def of(cls, view: KeyAccountView) -> KeyAccountPublic:
        """The public form of a service's view."""
        fields = {k: v for k, v in view.__dict__.items() if k != "members"}
        return cls(**fields, members=[MemberPublic(user=u, role=r) for u, r in view.members])


class KeyAccountQueuePublic(BaseModel):
    """The caller's queue: nominations to evaluate, evaluations to decide, reviews due, every record seen."""

    to_evaluate: list[KeyAccountPublic]
    to_decide: list[KeyAccountPublic]
    reviews_due: list[KeyAccountPublic]
    accounts: list[KeyAccountPublic]


class NominationCreate(BaseModel):
    """A nomination by hand, with why."""

    reasons: list[str] = Field(min_length=1, max_length=20)


class DecisionCreate(BaseModel):
    """A manager's approval or rejection, with the comment saying why."""

    approve: bool
    comment: str = Comment


class AssignmentCreate(BaseModel):
    """The owner, the team and the people serving the account (their role on our side), and the review rhythm."""

    owner: str = Field(min_length=1, max_length=200)
    team: str = Field(min_length=1, max_length=200)
    members: list[MemberPublic] = Field(default_factory=list, max_length=50)
    review_every_days: int = Field(DEFAULT_REVIEW_DAYS, ge=1, le=3660)


class ReviewCreate(BaseModel):
    """A review: keep the account (the next review moves on) or withdraw it, with a comment."""

    keep: bool
    comment: str = Comment


class CostDecisionPublic(BaseModel):
    """A decision taken on a customer of the cost-to-serve review list."""

    action: Action
    comment: str
    decided_by: str
    decided_at: UtcTime
    period_end: dt.date


class CostEntryPublic(BaseModel):
    """A customer whose profit after service cost was negative in each of the last periods."""

    customer_id: str
    customer_name: str
    owner: str | None
    key_account: Status | None
    loss_periods: int
    last_period: dt.date
    profit_after_cost: float
    parts: dict[str, float]
    reasons: list[str]
    suggested: Action
    decisions: list[CostDecisionPublic]


class ReviewListPublic(BaseModel):
    """The review list: key accounts due for review, and the cost-to-serve review as of a date."""

    as_of: dt.date
    cost_policy: str
    periods: list[dt.date]
    accounts: list[KeyAccountPublic]
    cost: list[CostEntryPublic]


class CostDecisionCreate(BaseModel):
    """A manager's decision on a customer of the cost-to-serve review list."""

    action: Action
    comment: str = Comment


class MapContactPublic(BaseModel):
    """A contact as the coverage names them."""

    name: str
    purchase_role: str | None
    attitude: str | None
    influence: str | None
    last_contact: dt.date | None


class CoveragePublic(BaseModel):
    """How the decision makers are covered: roles nobody holds, supporters not met, strong opponents."""

    as_of: dt.date
    missing_roles: list[str]
    missing_decision_roles: list[str]
    supporters_not_met: list[MapContactPublic]
    high_influence_opponents: list[MapContactPublic]


class DecisionMapPublic(BaseModel):
    """A customer's decision-maker map: its contacts and their coverage."""

    contacts: list[ContactPublic]
    coverage: CoveragePublic


def _people(found: tuple[MapContact, ...]) -> list[MapContactPublic]:
    return [MapContactPublic(**p.__dict__) for p in found]


def coverage_public(found: Coverage) -> CoveragePublic:
    """The public form of a coverage."""
    return CoveragePublic(
        as_of=found.as_of,
        missing_roles=[r.value for r in found.missing_roles],
        missing_decision_roles=[r.value for r in found.missing_decision_roles],
        supporters_not_met=_people(found.supporters_not_met),
        high_influence_opponents=_people(found.high_influence_opponents),
    )


@router.get("/key-accounts", response_model=list[KeyAccountPublic], responses=READ, **needs("customers.read"))
def list_key_accounts(ctx: Context, status: Status | None = None) -> list[KeyAccountPublic]:
    """The key-account records the caller sees (one status when given), by customer id."""
    return [KeyAccountPublic.of(v) for v in key_accounts.key_accounts(ctx, status=status)]


@router.get("/key-accounts/queue", response_model=KeyAccountQueuePublic, responses=READ, **needs("customers.read"))
def key_account_queue(ctx: Context) -> KeyAccountQueuePublic:
    """The caller's key-account queue."""
    found = key_account_queues.key_account_queue(ctx)
    return KeyAccountQueuePublic(
        **{name: [KeyAccountPublic.of(v) for v in getattr(found, name)] for name in KeyAccountQueuePublic.model_fields}
    )


@router.get("/key-accounts/reviews", response_model=ReviewListPublic, responses=READ, **needs("customers.read"))
def review_list(ctx: Context, request: Request, as_of: dt.date | None = Query(None)) -> ReviewListPublic:
    """The review list: key accounts due for review and the customers costing more than they bring."""
    lang = request_language(request)
    found = key_account_queues.visible_cost_review(ctx, as_of=as_of)
    cost = [
        CostEntryPublic(
            customer_id=r.entry.customer_id,
            customer_name=r.customer_name,
            owner=r.owner,
            key_account=r.key_account,
            loss_periods=r.entry.loss_periods,
            last_period=r.entry.last_period,
            profit_after_cost=r.entry.profit_after_cost,
            parts=r.entry.parts,
            reasons=[translate(m, lang) for m in r.entry.reasons],
            suggested=r.entry.suggested,
            decisions=[CostDecisionPublic(**d.__dict__) for d in r.decisions],
        )
        for r in found.rows
    ]
    accounts = [KeyAccountPublic.of(v) for v in key_accounts.review_list(ctx)]
    review = found.review
    return ReviewListPublic(
        as_of=review.as_of, cost_policy=review.policy, periods=list(review.periods), accounts=accounts, cost=cost
    )


@router.post("/key-accounts/reviews/{customer_id}/decision", response_model=CostDecisionPublic,
             status_code=status.HTTP_201_CREATED, responses=WRITE, **needs("key_accounts.approve"))  # fmt: skip
def decide_cost(ctx: Context, customer_id: CustomerId, body: CostDecisionCreate) -> CostDecisionPublic:
    """Record a manager's decision on a customer of the cost-to-serve review list."""
    done = key_account_queues.decide_cost_review(ctx, customer_id, body.action, body.comment)
    return CostDecisionPublic(**done.__dict__)


@router.get("/customers/{customer_id}/key-account", response_model=KeyAccountPublic, responses=READ,
            **needs("customers.read"))  # fmt: skip
def get_key_account(ctx: Context, customer_id: CustomerId) -> KeyAccountPublic:
    """The customer's key-account record with its evidence."""
    return KeyAccountPublic.of(key_account_queues.key_account(ctx, customer_id))


@router.post("/customers/{customer_id}/key-account", response_model=KeyAccountPublic,
             status_code=status.HTTP_201_CREATED, responses=WRITE, **needs("key_accounts.nominate"))  # fmt: skip
def nominate(ctx: Context, customer_id: CustomerId, body: NominationCreate) -> KeyAccountPublic:
    """Nominate the customer as a key account by hand, with the reasons."""
    return KeyAccountPublic.of(key_accounts.nominate(ctx, customer_id, body.reasons))


@router.post("/customers/{customer_id}/key-account/evaluation", response_model=KeyAccountPublic, responses=WRITE,
             **needs("key_accounts.nominate"))  # fmt: skip
def evaluate(ctx: Context, customer_id: CustomerId) -> KeyAccountPublic:
    """Put the nominated account under evaluation, its evidence gathered from the store."""
    return KeyAccountPublic.of(key_accounts.evaluate(ctx, [customer_id])[0])


@router.post("/customers/{customer_id}/key-account/decision", response_model=KeyAccountPublic, responses=WRITE,
             **needs("key_accounts.approve"))  # fmt: skip
def decide(ctx: Context, customer_id: CustomerId, body: DecisionCreate) -> KeyAccountPublic:
    """Approve or reject the account under evaluation (a manager of its team, with a comment)."""
    return KeyAccountPublic.of(key_accounts.decide(ctx, customer_id, approve=body.approve, comment=body.comment))


@router.post("/customers/{customer_id}/key-account/assignment", response_model=KeyAccountPublic, responses=WRITE,
             **needs("key_accounts.approve"))  # fmt: skip
def assign(ctx: Context, customer_id: CustomerId, body: AssignmentCreate) -> KeyAccountPublic:
    """Give the approved account its owner, team and the people serving it."""
    members = {m.user: m.role for m in body.members}
    done = key_accounts.assign(ctx, customer_id, owner=body.owner, team=body.team, members=members,
                               review_every_days=body.review_every_days)  # fmt: skip
    return KeyAccountPublic.of(done)


@router.post("/customers/{customer_id}/key-account/review", response_model=KeyAccountPublic, responses=WRITE,
             **needs("key_accounts.approve"))  # fmt: skip
def review(ctx: Context, customer_id: CustomerId, body: ReviewCreate) -> KeyAccountPublic:
    """Review the account: keep it or withdraw it, with a comment."""
    return KeyAccountPublic.of(key_accounts.review(ctx, customer_id, comment=body.comment, keep=body.keep))


@router.get("/customers/{customer_id}/decision-makers", response_model=DecisionMapPublic, responses=READ,
            **needs("customers.read"))  # fmt: skip
def decision_makers(ctx: Context, customer_id: CustomerId) -> DecisionMapPublic:
    """The customer's contacts with their purchase role, attitude and influence, and their coverage."""
    people = [ContactPublic.model_validate(c) for c in contacts.customer_contacts(ctx, customer_id)]
    return DecisionMapPublic(contacts=people, coverage=coverage_public(contacts.customer_coverage(ctx, customer_id)))
