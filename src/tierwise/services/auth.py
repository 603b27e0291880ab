"""Signing in: a password login gives a browser session; personal access tokens serve API clients; either
one, presented with a request, is resolved here to the :class:`~tierwise.security.permissions.Actor` the
request acts as.

- :func:`login` checks the lockout rules first (``security.lockout``, counted in the store per user and per
  address), then the argon2 hash; a wrong password and an unknown name answer alike (the unknown name's
  check costs the same argon2 time). Every sign-in, failed sign-in, refusal and lock is audited.
- A session is a random id in an HttpOnly cookie with a CSRF token beside it; the store keeps the SHA-256
  of both, so a copy of the database signs nobody in.
- A token (``twp_…``, ``security.tokens``) is shown once when issued; the store keeps its prefix and digest.
- An administrator's lock or a deactivation stops the user's sessions and tokens at their next request.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, Table, select, text, update
from sqlalchemy.orm import Session

from tierwise.errors import AuthenticationError, LockedOutError, NotFoundError, PermissionDeniedError, UsageError
from tierwise.i18n import N_, Message
from tierwise.security.lockout import LOCKED_ACCOUNT, LockoutPolicy, LoginGuard, user_key
from tierwise.security.passwords import hash_password, needs_rehash, verify_password
from tierwise.security.permissions import Actor
from tierwise.security.tokens import is_well_formed, issue_token, token_digest
from tierwise.services.archive_records import record_change
from tierwise.services.context import ServiceContext
from tierwise.store.credentials import Credential, connection_is_idle, find_credential
from tierwise.store.db import SQLITE_BEGIN_OPTION
from tierwise.store.login_ledger import StoreLedger
from tierwise.store.people_models import ApiToken, LoginSession, User

log = logging.getLogger(__name__)

WRONG_CREDENTIALS = N_("wrong user name or password")
NOT_SIGNED_IN = N_("sign in first: send a personal access token (Authorization: Bearer twp_…) or a session cookie")
SESSION_ENDED = N_("the session has ended: sign in again")
TOKEN_INVALID = N_("the access token is unknown, revoked or expired")
CSRF_MISSING = N_("a change made through the session cookie needs its CSRF token (X-CSRF-Token header or csrf_token)")
LOCKED_BY_ADMIN = N_("this account is locked by an administrator")
NO_TOKEN = N_("no access token %(id)s")
NOT_A_USER = N_("only a signed-in user has access tokens")
UNKNOWN_NAME = "?"  # how a sign-in under a name that is no user's is audited
SIGN_IN_LOCKS = 0x7477  # the advisory-lock space of sign-ins on PostgreSQL ("tw")
USE_TOUCH = dt.timedelta(minutes=1)  # how stale last_used_at / last_seen_at may get before a request rewrites it


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@functools.cache
def _decoy_hash() -> str:
    # checked against the password of an unknown name, so that a name's existence costs no less time
    return hash_password(secrets.token_urlsafe(16))


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)  # SQLite reads UTC times back naive


def actor_of(user: User) -> Actor:
    """The actor a stored user acts as: name, role and team."""
    return Actor(user.name, user.role, frozenset({user.team.name}) if user.team is not None else frozenset())  # type: ignore[arg-type]


def _may_sign_in(user: User | Credential | None) -> bool:
    return user is not None and bool(user.active) and user.locked_at is None


@dataclass(frozen=True)
class SignIn:
    """A new browser session: ``session_id`` goes in the cookie and ``csrf_token`` in every change it makes;
    both are given once (the store keeps their hashes)."""

    session_id: str
    csrf_token: str
    expires_at: dt.datetime
    actor: Actor


def _guard(ctx: ServiceContext, session: Session) -> LoginGuard:
    return LoginGuard(LockoutPolicy.from_settings(ctx.settings), StoreLedger(session))


def _audit(session: Session, ctx: ServiceContext, action: str, name: str, **after: object) -> None:
    actor = ctx.actor if not ctx.actor.is_system else Actor(name, "system")
    record_change(
        session,
        ctx.with_actor(actor),
        action=action,
        target_type="user",
        target_id=name,
        after=dict(after) or None,
    )


def login(ctx: ServiceContext, name: str, password: str) -> SignIn:
    """Sign ``name`` in with ``password`` from ``ctx.ip``: a new session, or an error after auditing why.

    Raises :class:`~tierwise.errors.LockedOutError` while the account or the address is locked out (the
    password is then not even checked) and :class:`~tierwise.errors.AuthenticationError` for a wrong name or
    password; the failure counts toward the lockout either way it is wrong.
    """
    now, address, typed = ctx.now(), ctx.ip or "unknown", name.strip()[:200]
    refusal: Exception
    with ctx.store() as session, session.begin():
        _one_sign_in_at_a_time(session, typed)
        guard = _guard(ctx, session)
        user = session.scalar(select(User).where(User.name == typed))
        # an unknown name is audited as such, not as typed: it may be a password typed in the wrong field
        shown = user.name if user is not None else UNKNOWN_NAME
        verdict = guard.check(typed, address, now)
        if not verdict.allowed:
            _audit(session, ctx, "login.refused", shown, reason="locked out")
            refusal = LockedOutError(verdict.reason or LOCKED_ACCOUNT, verdict.retry_after_seconds)
        else:
            stored = user.password_hash if user is not None and user.password_hash else _decoy_hash()
            if verify_password(stored, password) and user is not None and user.password_hash:
                if _may_sign_in(user):
                    return _open_session(session, ctx, guard, user, password, now)
                reason = "locked" if user.locked_at is not None else "inactive"
                _audit(session, ctx, "login.refused", shown, reason=reason)
                refusal = (
                    LockedOutError(Message(LOCKED_BY_ADMIN), 0)
                    if user.locked_at is not None
                    else AuthenticationError(Message(WRONG_CREDENTIALS))
                )
            else:
                outcome = guard.failed(typed, address, now)
                _audit(session, ctx, "login.failed", shown, known=user is not None)
                log.info("failed sign-in from %s", address)  # not the name: a password may be typed in it
                if outcome.locked:
                    _audit(session, ctx, "login.lock", shown, until=outcome.locked_until)
                refusal = AuthenticationError(Message(WRONG_CREDENTIALS))
    raise refusal


def _one_sign_in_at_a_time(session: Session, name: str) -> None:
    """Sign-ins under one name take turns, so that attempts sent in parallel cannot all be checked against
    the count before any of them is recorded (each would get a guess past the lockout)."""
    if session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(user_key(name).encode("utf-8")).digest()[:4], "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:space, :key)"), {"space": SIGN_IN_LOCKS, "key": key})
    else:  # SQLite: the write lock from the start (one writer at a time, and no refused upgrade later)
        session.connection(execution_options={SQLITE_BEGIN_OPTION: "IMMEDIATE"})


def _open_session(
    session: Session, ctx: ServiceContext, guard: LoginGuard, user: User, password: str, now: dt.datetime
) -> SignIn:
    guard.succeeded(user.name)
    if needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires = now + dt.timedelta(hours=ctx.settings.session_hours)
    session.add(
        LoginSession(
            user_id=user.id,
            id_hash=_digest(session_id),
            csrf_hash=_digest(csrf),
            created_at=now,
            expires_at=expires,
            last_seen_at=now,
            ip=ctx.ip,
            user_agent=ctx.user_agent,
        )
    )
    actor = actor_of(user)
    record_change(session, ctx.with_actor(actor), action="login", target_type="user", target_id=user.name)
    return SignIn(session_id, csrf, expires, actor)


def logout(ctx: ServiceContext, session_id: str) -> None:
    """End the session ``session_id`` (nothing happens for an unknown or ended one)."""
    now = ctx.now()
    with ctx.store() as session, session.begin():
        row = session.scalar(select(LoginSession).where(LoginSession.id_hash == _digest(session_id)))
        if row is None or row.revoked_at is not None:
            return
        row.revoked_at = now
        record_change(session, ctx, action="logout", target_type="user", target_id=row.user.name)


@dataclass(frozen=True)
class SignedIn:
    """Who a request acts as, and the last-use time still to write (once a minute per token or session:
    a write, which may wait for SQLite's lock, so an event loop runs it in a thread)."""

    actor: Actor
    touch: Callable[[], None] | None = None


def authenticate(
    ctx: ServiceContext,
    *,
    bearer: str | None = None,
    session_id: str | None = None,
    csrf_token: str | None = None,
    changes: bool = False,
) -> Actor:
    """The actor of a request carrying a bearer token or a session id (the token wins when both are given).

    ``changes``: the request may change something (not GET/HEAD/OPTIONS); through a session it then needs
    the session's ``csrf_token`` (a :class:`~tierwise.errors.PermissionDeniedError` otherwise). Raises
    :class:`~tierwise.errors.AuthenticationError` when neither credential is valid.
    """
    signed_in = check_sign_in(ctx, bearer=bearer, session_id=session_id, csrf_token=csrf_token, changes=changes)
    if signed_in.touch is not None:
        signed_in.touch()
    return signed_in.actor


def check_sign_in(
    ctx: ServiceContext,
    *,
    bearer: str | None = None,
    session_id: str | None = None,
    csrf_token: str | None = None,
    changes: bool = False,
) -> SignedIn:
    """:func:`authenticate` without writing the last-use time: one indexed read of the store, and the write
    (when due) handed back to the caller as ``touch``."""
    now = ctx.now()
    if bearer:
        return _token_actor(ctx, bearer, now)
    if session_id:
        return _session_actor(ctx, session_id, csrf_token, changes, now)
    raise AuthenticationError(Message(NOT_SIGNED_IN))


def sign_in_reads_at_once(ctx: ServiceContext) -> bool:
    """Whether :func:`check_sign_in` would find an idle store connection now (so an event loop can run it
    without a thread: it then waits for nothing but one indexed read)."""
    return ctx.sessions is not None and connection_is_idle(_engine(ctx))


def _token_actor(ctx: ServiceContext, token: str, now: dt.datetime) -> SignedIn:
    if not is_well_formed(token):
        raise AuthenticationError(Message(TOKEN_INVALID))
    row = find_credential(_engine(ctx), "token", token_digest(token))
    expires = _aware(row.expires_at) if row is not None else None
    if row is None or row.revoked_at is not None or (expires is not None and expires <= now):
        raise AuthenticationError(Message(TOKEN_INVALID))
    if not _may_sign_in(row):
        raise AuthenticationError(Message(TOKEN_INVALID))
    last = _aware(row.last_used)
    due = last is None or now - last >= USE_TOUCH
    touch = functools.partial(_touch, ctx, ApiToken.__table__, row.id, "last_used_at", now) if due else None
    return SignedIn(_credential_actor(row), touch)


def _engine(ctx: ServiceContext) -> Engine:
    bind = getattr(ctx.sessions, "kw", {}).get("bind") if ctx.sessions is not None else None
    if bind is None:  # a session factory of another shape: ask a session for its engine
        with ctx.store() as session:
            bind = session.get_bind()
    return bind  # type: ignore[no-any-return]


def _credential_actor(row: Credential) -> Actor:
    return Actor(row.user_name, row.role, frozenset({row.team}) if row.team is not None else frozenset())  # type: ignore[arg-type]


def _touch(ctx: ServiceContext, table: Table, row_id: int, column: str, now: dt.datetime) -> None:
    """Set a row's last-use time in a transaction whose first statement writes: a read first would let
    SQLite refuse the write of one of two requests arriving together."""
    stale = now - USE_TOUCH
    when = table.c[column]
    with ctx.store() as session:
        session.execute(
            update(table).where(table.c.id == row_id, (when.is_(None)) | (when < stale)).values({column: now})
        )
        session.commit()


def _session_actor(
    ctx: ServiceContext, session_id: str, csrf_token: str | None, changes: bool, now: dt.datetime
) -> SignedIn:
    row = find_credential(_engine(ctx), "session", _digest(session_id))
    if row is None or row.revoked_at is not None or _aware(row.expires_at) <= now or not _may_sign_in(row):  # type: ignore[operator]
        raise AuthenticationError(Message(SESSION_ENDED))
    if changes and not (csrf_token and row.csrf_hash and hmac.compare_digest(_digest(csrf_token), row.csrf_hash)):
        raise PermissionDeniedError(Message(CSRF_MISSING))
    due = now - _aware(row.last_used) >= USE_TOUCH  # type: ignore[operator]
    touch = functools.partial(_touch, ctx, LoginSession.__table__, row.id, "last_seen_at", now) if due else None
    return SignedIn(_credential_actor(row), touch)


@dataclass(frozen=True)
class TokenRecord:
    """A personal access token as listed: its prefix, never the token."""

    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @classmethod
    def of(cls, row: ApiToken) -> TokenRecord:
        """The record of a stored token."""
        return cls(row.id, row.name, row.prefix, row.created_at, row.expires_at, row.last_used_at, row.revoked_at)


@dataclass(frozen=True)
class NewToken:
    """A token just issued: ``token`` is shown this once."""

    token: str
    record: TokenRecord


def _me(session: Session, ctx: ServiceContext) -> User:
    user = None if ctx.actor.is_system else session.scalar(select(User).where(User.name == ctx.actor.name))
    if user is None:
        raise UsageError(Message(NOT_A_USER))
    return user


def issue_access_token(ctx: ServiceContext, name: str, *, days: int | None = None) -> NewToken:
    """A new personal access token of the acting user, labelled ``name``, valid ``days`` (default the
    settings' ``token_days``; none: until revoked)."""
    now, days = ctx.now(), days if days is not None else ctx.settings.token_days
    label = name.strip()[:200]
    if not label:
        raise UsageError(Message(N_("a token needs a name (what it is for)")))
    issued = issue_token()
    with ctx.store() as session, session.begin():
        user = _me(session, ctx)
        row = ApiToken(
            user_id=user.id,
            name=label,
            prefix=issued.prefix,
            digest=issued.digest,
            created_at=now,
            expires_at=now + dt.timedelta(days=days) if days else None,
        )
        session.add(row)
        session.flush()
        record = TokenRecord.of(row)
        after = {"name": label, "prefix": issued.prefix, "expires_at": record.expires_at}
        record_change(session, ctx, action="token.issue", target_type="api_token", target_id=row.id, after=after)
    return NewToken(issued.token, record)


def list_access_tokens(ctx: ServiceContext) -> list[TokenRecord]:
    """The acting user's tokens, newest first (revoked ones too, with the time they were revoked)."""
    with ctx.store() as session:
        user = _me(session, ctx)
        query = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
        return [TokenRecord.of(t) for t in session.scalars(query)]


def revoke_access_token(ctx: ServiceContext, token_id: int) -> TokenRecord:
    """Revoke one of the acting user's tokens (another user's token is not found)."""
    now = ctx.now()
    with ctx.store() as session, session.begin():
        user = _me(session, ctx)
        row = session.get(ApiToken, token_id)
        if row is None or row.user_id != user.id:
            raise NotFoundError(Message(NO_TOKEN, {"id": token_id}))
        if row.revoked_at is None:
            row.revoked_at = now
            record_change(
                session,
                ctx,
                action="token.revoke",
                target_type="api_token",
                target_id=row.id,
                before={"revoked": False},
                after={"revoked": True},
            )
        return TokenRecord.of(row)
