"""The look-up every signed-in request makes (one read of the store per request, on SQLite and PostgreSQL):
a token or a session signs in exactly its user with their role and team, and a revocation, a lock, an
expiry or a logout is refused at the very next request; the last-use time is written at most once a minute.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select, update

from tierwise.config import Settings
from tierwise.errors import AuthenticationError, PermissionDeniedError
from tierwise.security.permissions import Actor
from tierwise.services.auth import (
    authenticate,
    check_sign_in,
    issue_access_token,
    login,
    logout,
    revoke_access_token,
    sign_in_reads_at_once,
)
from tierwise.services.context import ServiceContext
from tierwise.services.users import create_user, lock_user, unlock_user
from tierwise.store import credentials
from tierwise.store.db import create_store_engine, session_factory
from tierwise.store.people_models import ApiToken, LoginSession, User

PASSWORD = "correct horse battery staple"


@pytest.fixture
def ctx(store_url: str):
    engine = create_store_engine(store_url)
    ctx = ServiceContext.system(Settings(database_url=store_url), sessions=session_factory(engine), ip="10.0.0.7")
    create_user(ctx, "wang", role="account_manager", password=PASSWORD, team="east")
    create_user(ctx, "li", role="lobby", password=PASSWORD)
    yield ctx
    engine.dispose()


def token_of(ctx: ServiceContext, name: str, role: str, **options) -> str:
    return issue_access_token(ctx.with_actor(Actor(name, role)), "client", **options).token  # type: ignore[arg-type]


def test_a_token_signs_in_its_own_user_with_role_and_team(ctx) -> None:
    wang, li = token_of(ctx, "wang", "account_manager"), token_of(ctx, "li", "lobby")
    assert authenticate(ctx, bearer=wang) == Actor("wang", "account_manager", frozenset({"east"}))
    assert authenticate(ctx, bearer=li) == Actor("li", "lobby", frozenset())


def test_an_unknown_or_mistyped_token_is_refused(ctx) -> None:
    real = token_of(ctx, "wang", "account_manager")
    with pytest.raises(AuthenticationError):
        authenticate(ctx, bearer=real[:-1] + ("A" if real[-1] != "A" else "B"))  # checksum no longer matches
    other = token_of(ctx, "li", "lobby")
    with ctx.store() as session, session.begin():
        session.execute(update(ApiToken).where(ApiToken.prefix == other[:12]).values(digest="0" * 64))
    with pytest.raises(AuthenticationError):
        authenticate(ctx, bearer=other)  # well formed, but no stored digest matches it


def test_a_revoked_token_is_refused_at_the_next_request(ctx) -> None:
    wang = ctx.with_actor(Actor("wang", "account_manager"))
    issued = issue_access_token(wang, "script")
    assert authenticate(ctx, bearer=issued.token).name == "wang"
    revoke_access_token(wang, issued.record.id)
    with pytest.raises(AuthenticationError):
        authenticate(ctx, bearer=issued.token)


def test_an_expired_token_is_refused(ctx) -> None:
    token = token_of(ctx, "wang", "account_manager", days=1)
    with ctx.store() as session, session.begin():
        past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        session.execute(update(ApiToken).values(expires_at=past))
    with pytest.raises(AuthenticationError):
        authenticate(ctx, bearer=token)


def test_a_lock_or_a_deactivation_stops_the_users_tokens_and_sessions(ctx) -> None:
    token = token_of(ctx, "wang", "account_manager")
    session_id = login(ctx, "wang", PASSWORD).session_id
    lock_user(ctx, "wang")
    for presented in ({"bearer": token}, {"session_id": session_id}):
        with pytest.raises(AuthenticationError):
            authenticate(ctx, **presented)
    unlock_user(ctx, "wang")
    assert authenticate(ctx, bearer=token).name == "wang"
    with ctx.store() as session, session.begin():
        session.execute(update(User).where(User.name == "wang").values(active=False))
    with pytest.raises(AuthenticationError):
        authenticate(ctx, bearer=token)


def test_a_session_signs_in_until_logout_and_a_change_needs_its_csrf_token(ctx) -> None:
    signed = login(ctx, "wang", PASSWORD)
    expected = Actor("wang", "account_manager", frozenset({"east"}))
    assert authenticate(ctx, session_id=signed.session_id) == expected
    assert authenticate(ctx, session_id=signed.session_id, csrf_token=signed.csrf_token, changes=True) == expected
    for wrong in (None, "not the token"):
        with pytest.raises(PermissionDeniedError):
            authenticate(ctx, session_id=signed.session_id, csrf_token=wrong, changes=True)
    logout(ctx, signed.session_id)
    with pytest.raises(AuthenticationError):
        authenticate(ctx, session_id=signed.session_id)


def test_an_expired_session_is_refused(ctx) -> None:
    signed = login(ctx, "wang", PASSWORD)
    with ctx.store() as session, session.begin():
        session.execute(update(LoginSession).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    with pytest.raises(AuthenticationError):
        authenticate(ctx, session_id=signed.session_id)


def test_the_last_use_is_written_once_a_minute_not_per_request(ctx) -> None:
    token = token_of(ctx, "wang", "account_manager")
    first = check_sign_in(ctx, bearer=token)
    assert first.touch is not None  # never used: the first request writes the time
    first.touch()
    with ctx.store() as session:
        used = session.scalar(select(ApiToken.last_used_at))
    assert used is not None
    assert check_sign_in(ctx, bearer=token).touch is None  # within the minute: a read only
    with ctx.store() as session, session.begin():
        session.execute(update(ApiToken).values(last_used_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2)))
    assert check_sign_in(ctx, bearer=token).touch is not None


def test_the_main_thread_reads_on_its_own_connection_and_other_threads_need_an_idle_one(ctx) -> None:
    token = token_of(ctx, "li", "lobby")
    authenticate(ctx, bearer=token)  # the first use writes its time: the pool now holds an idle connection
    engine = ctx.sessions.kw["bind"]
    held = [engine.raw_connection() for _ in range(engine.pool.checkedin())]
    answers: list[bool] = []
    try:
        assert sign_in_reads_at_once(ctx)  # the main thread (a server's event loop) waits for no pool
        assert authenticate(ctx, bearer=token).name == "li"
        other = threading.Thread(target=lambda: answers.append(sign_in_reads_at_once(ctx)))
        other.start()
        other.join()
        assert answers == [False]  # every pooled connection is out: another thread's look-up goes to a thread
    finally:
        for connection in held:
            connection.close()


def test_the_own_connection_sees_a_revocation_made_on_another_connection_at_once(ctx) -> None:
    """The main thread's connection lives across requests: each read must still see the latest commit."""
    wang = ctx.with_actor(Actor("wang", "account_manager"))
    issued = issue_access_token(wang, "script")
    for _ in range(3):
        assert authenticate(ctx, bearer=issued.token).name == "wang"
    other = create_store_engine(ctx.settings.database_url)
    try:
        with other.begin() as connection:
            connection.execute(update(ApiToken).where(ApiToken.id == issued.record.id).values(revoked_at=ctx.now()))
    finally:
        other.dispose()
    with pytest.raises(AuthenticationError):
        authenticate(ctx, bearer=issued.token)


def test_disposing_of_the_engine_closes_the_own_connection_and_a_broken_one_is_replaced(ctx) -> None:
    token = token_of(ctx, "li", "lobby")
    engine = ctx.sessions.kw["bind"]
    assert authenticate(ctx, bearer=token).name == "li"
    own = credentials._OWN[engine]
    own.close()  # as if the database server had dropped it
    assert authenticate(ctx, bearer=token).name == "li"  # read again from the pool, then a new own connection
    assert credentials._OWN.get(engine) is not own
    authenticate(ctx, bearer=token)
    engine.dispose()
    assert engine not in credentials._OWN
