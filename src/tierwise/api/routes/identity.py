"""``/api/v1/identity``: verifying a key customer's identity (lobby and account managers), in four steps:
start (the basic data the operator types) → questions → answer → result. No response ever holds the
customer's stored data or which option is right."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from tierwise.api.access import needs
from tierwise.api.deps import Context
from tierwise.api.language import request_language
from tierwise.api.schemas import problem_responses
from tierwise.services.identity import (
    Verification,
    answer_verification,
    start_verification,
    verification_questions,
    verification_result,
)

router = APIRouter(prefix="/identity", tags=["identity"])
ERRORS = problem_responses(400, 401, 403, 404, 429)


class VerificationCreate(BaseModel):
    """What the customer says, as the operator types it: the name and the last 4 characters of the id
    number or the phone."""

    customer_id: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=200)
    last4: str = Field(min_length=1, max_length=8)


class QuestionPublic(BaseModel):
    """One multiple-choice question: what to ask and the options (never which is right)."""

    kind: str
    prompt: str
    options: list[str]


class VerificationPublic(BaseModel):
    """Where a verification stands: ``questions`` (answer them), ``passed``, ``failed`` or ``insufficient``."""

    id: int | None
    customer_id: str
    status: str
    attempts_left: int
    locked: bool
    questions: list[QuestionPublic]

    @classmethod
    def of(cls, verification: Verification) -> VerificationPublic:
        """The public form of a verification."""
        return cls(**verification.__dict__)


class AnswerCreate(BaseModel):
    """The option chosen for each question, by its index (0-based), in the questions' order."""

    answers: list[int] = Field(max_length=10)


@router.post("/verifications", response_model=VerificationPublic, responses=ERRORS, **needs("identity.verify"))
def start(body: VerificationCreate, request: Request, ctx: Context) -> VerificationPublic:
    """Check the basic data; when it matches, the questions (a mismatch is a failed attempt)."""
    lang = request_language(request)
    return VerificationPublic.of(start_verification(ctx, body.customer_id, name=body.name, last4=body.last4, lang=lang))


@router.get(
    "/verifications/{check_id}/questions",
    response_model=list[QuestionPublic],
    responses=ERRORS,
    **needs("identity.verify"),
)
def questions(check_id: int, request: Request, ctx: Context) -> list[QuestionPublic]:
    """The questions and options of an open verification (its operator only)."""
    return [QuestionPublic(**q) for q in verification_questions(ctx, check_id, request_language(request))]


@router.post(
    "/verifications/{check_id}/answer",
    response_model=VerificationPublic,
    responses=ERRORS,
    **needs("identity.verify"),
)
def answer(check_id: int, body: AnswerCreate, request: Request, ctx: Context) -> VerificationPublic:
    """Answer the questions: one attempt; passed, or failed with the attempts left (3 a day)."""
    return VerificationPublic.of(answer_verification(ctx, check_id, body.answers, request_language(request)))


@router.get(
    "/verifications/{check_id}", response_model=VerificationPublic, responses=ERRORS, **needs("identity.verify")
)
def result(check_id: int, request: Request, ctx: Context) -> VerificationPublic:
    """Where a verification stands (its operator only)."""
    return VerificationPublic.of(verification_result(ctx, check_id, request_language(request)))
