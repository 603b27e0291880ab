"""``/api/v1/me``: who the caller is, and their personal access tokens (issue, list, revoke)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from pydantic import BaseModel, Field

from tierwise.api.access import needs
from tierwise.api.deps import Context
from tierwise.api.schemas import problem_responses
from tierwise.security.permissions import ACTIONS, Actor, may
from tierwise.services.auth import TokenRecord, issue_access_token, list_access_tokens, revoke_access_token

router = APIRouter(prefix="/me", tags=["me"])


class MePublic(BaseModel):
    """The signed-in user: name, role, teams and the actions the role may do."""

    name: str
    role: str
    teams: list[str]
    actions: list[str]

    @classmethod
    def of(cls, actor: Actor) -> MePublic:
        """The public form of an actor."""
        allowed = [a for a in ACTIONS if may(actor, a)]
        return cls(name=actor.name, role=actor.role, teams=sorted(actor.teams), actions=allowed)


class TokenCreate(BaseModel):
    """A new token: what it is for, and how many days it lasts (none: until revoked)."""

    name: str = Field(min_length=1, max_length=200)
    days: int | None = Field(None, ge=1, le=3650)


class TokenPublic(BaseModel):
    """A token as listed: its visible prefix, never the token."""

    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @classmethod
    def of(cls, record: TokenRecord) -> TokenPublic:
        """The public form of a token record."""
        return cls(**record.__dict__)


class TokenIssuedPublic(TokenPublic):
    """A token just issued: ``token`` is shown this once; send it as ``Authorization: Bearer …``."""

    token: str


@router.get("", response_model=MePublic, responses=problem_responses(401), **needs("signed-in"))
def me(ctx: Context) -> MePublic:
    """Who is signed in."""
    return MePublic.of(ctx.actor)


@router.get("/tokens", response_model=list[TokenPublic], responses=problem_responses(401), **needs("signed-in"))
def my_tokens(ctx: Context) -> list[TokenPublic]:
    """The caller's personal access tokens, newest first."""
    return [TokenPublic.of(t) for t in list_access_tokens(ctx)]


@router.post(
    "/tokens",
    status_code=201,
    response_model=TokenIssuedPublic,
    responses=problem_responses(400, 401, 403),
    **needs("signed-in"),
)
def new_token(body: TokenCreate, ctx: Context) -> TokenIssuedPublic:
    """Issue a personal access token (shown once)."""
    made = issue_access_token(ctx, body.name, days=body.days)
    return TokenIssuedPublic(token=made.token, **made.record.__dict__)


@router.delete(
    "/tokens/{token_id}", response_model=TokenPublic, responses=problem_responses(401, 403, 404), **needs("signed-in")
)
def revoke_token(token_id: int, ctx: Context) -> TokenPublic:
    """Revoke one of the caller's tokens (it stops working at once)."""
    return TokenPublic.of(revoke_access_token(ctx, token_id))
