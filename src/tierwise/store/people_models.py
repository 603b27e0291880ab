"""The store's people: teams, users, their API tokens and sign-in sessions, and the ledger of failed sign-ins
and locks that rate-limits them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tierwise.store.models import Base, Timestamp, _now


class Team(Base):
    """A sales team (销售团队)."""

    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=_now)


class User(Base):
    """A person who signs in, with one of the roles of ``security.permissions`` (no default: whoever creates a
    user names the role). ``locked_at``: an administrator locked the account (no sign-in, no token) until
    they unlock it; the automatic lock after failed sign-ins lives in ``login_locks``."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(50))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    password_hash: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=_now)
    locked_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    language: Mapped[str | None] = mapped_column(String(8))  # the web UI's language; none: the browser's
    team: Mapped[Team | None] = relationship()


class ApiToken(Base):
    """A personal access token: only its visible ``prefix`` and the SHA-256 ``digest`` of the whole token."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(20))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    expires_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    user: Mapped[User] = relationship()


class LoginSession(Base):
    """A signed-in browser: the SHA-256 of its session id and of its CSRF token (the cookie holds the id)."""

    __tablename__ = "login_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    expires_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    last_seen_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(Text)
    user: Mapped[User] = relationship()


class LoginFailure(Base):
    """One failed sign-in, under the SHA-256 of its lockout key (``user:NAME`` or ``ip:ADDRESS``): a
    password typed into the name field is not kept readable."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(Timestamp)


class LoginLock(Base):
    """A lockout key locked after repeated failures, until ``locked_until``."""

    __tablename__ = "login_locks"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    locked_until: Mapped[dt.datetime] = mapped_column(Timestamp)
