"""Users and teams: create a user with a role (and a team), list them, change a role or team, lock and
unlock an account; create and list teams. Administrators (and the command line) only; every change audited.

There is no default account and no default role: whoever creates a user names the role and gives the
password (``tierwise user create`` prompts for it or reads ``TIERWISE_NEW_PASSWORD``). A password is
hashed with argon2 here and never leaves this module, not even into the audit row.

>>> from tierwise.config import Settings
>>> from tierwise.services.store_access import on_store
>>> with on_store(ServiceContext.system(Settings()), "sqlite://") as ctx:
...     made = create_user(ctx, "li", role="account_manager", password="a long pass phrase", team="north")
...     [(u.name, u.role, u.team) for u in list_users(ctx)]
[('li', 'account_manager', 'north')]
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tierwise.errors import NotFoundError, RecordError, UsageError
from tierwise.i18n import N_, Message
from tierwise.security.lockout import LockoutPolicy, LoginGuard, user_key
from tierwise.security.passwords import check_new_password, hash_password
from tierwise.security.permissions import SYSTEM, check_role, require
from tierwise.services.archive_records import record_change
from tierwise.services.context import ServiceContext
from tierwise.store.login_ledger import StoreLedger
from tierwise.store.people_models import Team, User

NO_USER = N_("no user %(name)s")
NO_TEAM = N_("no team %(name)s")
USER_EXISTS = N_("user %(name)s exists already")
TEAM_EXISTS = N_("team %(name)s exists already")
BAD_NAME = N_("a name needs 1 to 200 characters without spaces or control characters: %(name)s")
RESERVED_NAME = N_("the name %(name)s is reserved for the command line and scheduled jobs")
MAX_NAME = 200


@dataclass(frozen=True)
class UserRecord:
    """A user as the services show them (never the password hash)."""

    name: str
    display_name: str | None
    role: str
    team: str | None
    active: bool
    locked: bool
    created_at: dt.datetime

    @classmethod
    def of(cls, user: User) -> UserRecord:
        """The record of a stored user."""
        return cls(
            name=user.name,
            display_name=user.display_name,
            role=user.role,
            team=user.team.name if user.team is not None else None,
            active=user.active,
            locked=user.locked_at is not None,
            created_at=user.created_at,
        )


@dataclass(frozen=True)
class TeamRecord:
    """A team and how many users are in it."""

    name: str
    members: int
    created_at: dt.datetime


def check_name(name: str) -> str:
    """A user or team name as kept (NFC, trimmed); a :class:`UsageError` for an empty, long or spaced one.

    >>> check_name(" 李明 ")
    '李明'
    """
    text = unicodedata.normalize("NFC", name).strip()
    bad = not text or len(text) > MAX_NAME or any(c.isspace() or unicodedata.category(c)[0] == "C" for c in text)
    if bad:
        raise UsageError(Message(BAD_NAME, {"name": repr(name)}))
    if text.casefold() == SYSTEM.name:
        raise UsageError(Message(RESERVED_NAME, {"name": repr(text)}))
    return text


def _user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFoundError(Message(NO_USER, {"name": repr(name)}))
    return user


def _team(session: Session, ctx: ServiceContext, name: str, *, create: bool) -> Team:
    team = session.scalar(select(Team).where(Team.name == name))
    if team is not None:
        return team
    if not create:
        raise NotFoundError(Message(NO_TEAM, {"name": repr(name)}))
    team = Team(name=check_name(name), created_at=ctx.now())
    session.add(team)
    session.flush()
    record_change(session, ctx, action="team.create", target_type="team", target_id=team.name, after={"name": name})
    return team


def create_user(
    ctx: ServiceContext,
    name: str,
    *,
    role: str,
    password: str,
    team: str | None = None,
    display_name: str | None = None,
) -> UserRecord:
    """Create the user ``name`` with ``role`` (and ``team``, made when new) and an argon2 hash of ``password``."""
    require(ctx.actor, "users.manage")
    name, role = check_name(name), check_role(role)
    check_new_password(password)
    hashed = hash_password(password)  # before the transaction: argon2's time holds no lock
    with ctx.store() as session, session.begin():
        if session.scalar(select(User.id).where(User.name == name)) is not None:
            raise RecordError(Message(USER_EXISTS, {"name": repr(name)}))
        home = _team(session, ctx, check_name(team), create=True) if team else None
        user = User(
            name=name,
            display_name=(display_name or "").strip() or None,
            role=role,
            team=home,
            password_hash=hashed,
            active=True,
            created_at=ctx.now(),
        )
        session.add(user)
        session.flush()
        record = UserRecord.of(user)
        after = {"role": role, "team": record.team, "display_name": record.display_name}
        record_change(session, ctx, action="user.create", target_type="user", target_id=name, after=after)
    return record


def list_users(ctx: ServiceContext) -> list[UserRecord]:
    """Every user, by name."""
    require(ctx.actor, "users.manage")
    with ctx.store() as session:
        return [UserRecord.of(u) for u in session.scalars(select(User).order_by(User.name))]


def get_user(ctx: ServiceContext, name: str) -> UserRecord:
    """One user (a :class:`NotFoundError` naming an unknown one)."""
    require(ctx.actor, "users.manage")
    with ctx.store() as session:
        return UserRecord.of(_user(session, name))


KEEP = object()  # an update_user argument left out: that field stays as it is


def _audit_user(session: Session, ctx: ServiceContext, action: str, name: str, before: dict, after: dict) -> None:
    record_change(session, ctx, action=action, target_type="user", target_id=name, before=before, after=after)


def update_user(
    ctx: ServiceContext, name: str, *, role: object = KEEP, team: object = KEEP, locked: bool | None = None
) -> UserRecord:
    """Change the user ``name``'s role, team (an existing one, or ``None``) and lock, in one transaction.

    Each change is its own audit entry (``user.set_role``, ``user.set_team``, ``user.lock``,
    ``user.unlock``) with the field before and after; a value that is already so writes nothing. Unlocking
    also lifts the lock that failed sign-ins set.
    """
    require(ctx.actor, "users.manage")
    now = ctx.now()
    chosen_role = None if role is KEEP else check_role(str(role))
    with ctx.store() as session, session.begin():
        user = _user(session, name)
        if chosen_role is not None and chosen_role != user.role:
            _audit_user(session, ctx, "user.set_role", name, {"role": user.role}, {"role": chosen_role})
            user.role = chosen_role
        if team is not KEEP:
            home = _team(session, ctx, str(team), create=False) if team is not None else None
            if home is not user.team:
                old = user.team.name if user.team is not None else None
                _audit_user(session, ctx, "user.set_team", name, {"team": old}, {"team": team})
                user.team = home
        if locked is True and user.locked_at is None:
            _audit_user(session, ctx, "user.lock", name, {"locked": False}, {"locked": True})
            user.locked_at = now
        elif locked is False:
            ledger = StoreLedger(session)
            until = ledger.locked_until(user_key(name))
            before = {"locked": user.locked_at is not None, "locked_out": until is not None and until > now}
            _audit_user(session, ctx, "user.unlock", name, before, {"locked": False, "locked_out": False})
            user.locked_at = None
            LoginGuard(LockoutPolicy.from_settings(ctx.settings), ledger).unlock(name)
        session.flush()
        return UserRecord.of(user)


def set_role(ctx: ServiceContext, name: str, role: str) -> UserRecord:
    """Give the user ``name`` the role ``role``."""
    return update_user(ctx, name, role=role)


def set_team(ctx: ServiceContext, name: str, team: str | None) -> UserRecord:
    """Put the user ``name`` in the existing team ``team``, or in none."""
    return update_user(ctx, name, team=team)


def lock_user(ctx: ServiceContext, name: str) -> UserRecord:
    """Lock the account ``name``: no sign-in, and its sessions and tokens stop working, until unlocked."""
    return update_user(ctx, name, locked=True)


def unlock_user(ctx: ServiceContext, name: str) -> UserRecord:
    """Unlock the account ``name``: an administrator's lock and the lock after failed sign-ins both end."""
    return update_user(ctx, name, locked=False)


def create_team(ctx: ServiceContext, name: str) -> TeamRecord:
    """Create the team ``name``."""
    require(ctx.actor, "users.manage")
    name = check_name(name)
    with ctx.store() as session, session.begin():
        if session.scalar(select(Team.id).where(Team.name == name)) is not None:
            raise RecordError(Message(TEAM_EXISTS, {"name": repr(name)}))
        team = _team(session, ctx, name, create=True)
        return TeamRecord(team.name, 0, team.created_at)


def list_teams(ctx: ServiceContext) -> list[TeamRecord]:
    """Every team with its number of users, by name."""
    require(ctx.actor, "users.manage")
    members = func.count(User.id)
    query = (
        select(Team.name, members, Team.created_at)
        .join(User, User.team_id == Team.id, isouter=True)
        .group_by(Team.id, Team.name, Team.created_at)
        .order_by(Team.name)
    )
    with ctx.store() as session:
        return [TeamRecord(name, count, created) for name, count, created in session.execute(query)]
