"""``/api/v1/users`` and ``/api/v1/teams``: the administrator's user and team management."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from pydantic import BaseModel, Field

from tierwise.api.access import needs
from tierwise.api.deps import Context
from tierwise.api.schemas import problem_responses
from tierwise.security.permissions import Role
from tierwise.services.users import (
    TeamRecord,
    UserRecord,
    create_team,
    create_user,
    get_user,
    list_teams,
    list_users,
    lock_user,
    set_role,
    set_team,
    unlock_user,
)

router = APIRouter(tags=["users"])


class UserCreate(BaseModel):
    """A new user: name, role, password (at least 12 characters), team and the name shown."""

    name: str = Field(min_length=1, max_length=200)
    role: Role
    password: str = Field(min_length=1, max_length=1024, json_schema_extra={"format": "password"})
    team: str | None = Field(None, max_length=200)
    display_name: str | None = Field(None, max_length=200)


class UserUpdate(BaseModel):
    """What to change about a user (fields left out stay): role, team (``null``: none), locked."""

    role: Role | None = None
    team: str | None = Field(None, max_length=200)
    locked: bool | None = None


class UserPublic(BaseModel):
    """A user (never the password)."""

    name: str
    display_name: str | None
    role: str
    team: str | None
    active: bool
    locked: bool
    created_at: dt.datetime

    @classmethod
    def of(cls, record: UserRecord) -> UserPublic:
        """The public form of a user record."""
        return cls(**record.__dict__)


class TeamCreate(BaseModel):
    """A new team."""

    name: str = Field(min_length=1, max_length=200)


class TeamPublic(BaseModel):
    """A team and its number of users."""

    name: str
    members: int
    created_at: dt.datetime

    @classmethod
    def of(cls, record: TeamRecord) -> TeamPublic:
        """The public form of a team record."""
        return cls(**record.__dict__)


ADMIN_ERRORS = problem_responses(400, 401, 403, 404)


@router.get("/users", response_model=list[UserPublic], responses=ADMIN_ERRORS, **needs("users.manage"))
def users(ctx: Context) -> list[UserPublic]:
    """Every user, by name."""
    return [UserPublic.of(u) for u in list_users(ctx)]


@router.post("/users", status_code=201, response_model=UserPublic, responses=ADMIN_ERRORS, **needs("users.manage"))
def new_user(body: UserCreate, ctx: Context) -> UserPublic:
    """Create a user with a role (and a team, made when new)."""
    made = create_user(
        ctx, body.name, role=body.role, password=body.password, team=body.team, display_name=body.display_name
    )
    return UserPublic.of(made)


@router.get("/users/{name}", response_model=UserPublic, responses=ADMIN_ERRORS, **needs("users.manage"))
def user(name: str, ctx: Context) -> UserPublic:
    """One user."""
    return UserPublic.of(get_user(ctx, name))


@router.patch("/users/{name}", response_model=UserPublic, responses=ADMIN_ERRORS, **needs("users.manage"))
def change_user(name: str, body: UserUpdate, ctx: Context) -> UserPublic:
    """Change a user's role or team, or lock or unlock the account (each change audited)."""
    record = get_user(ctx, name)
    if body.role is not None:
        record = set_role(ctx, name, body.role)
    if "team" in body.model_fields_set:
        record = set_team(ctx, name, body.team)
    if body.locked is not None:
        record = lock_user(ctx, name) if body.locked else unlock_user(ctx, name)
    return UserPublic.of(record)


@router.get("/teams", response_model=list[TeamPublic], responses=ADMIN_ERRORS, **needs("users.manage"))
def teams(ctx: Context) -> list[TeamPublic]:
    """Every team with its number of users."""
    return [TeamPublic.of(t) for t in list_teams(ctx)]


@router.post("/teams", status_code=201, response_model=TeamPublic, responses=ADMIN_ERRORS, **needs("users.manage"))
def new_team(body: TeamCreate, ctx: Context) -> TeamPublic:
    """Create a team."""
    return TeamPublic.of(create_team(ctx, body.name))
