"""Signing in with a password: the session cookie, CSRF on changes, lockout after failures, the audit of
each attempt, and no password in any log line."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from tierwise.api.deps import CSRF_COOKIE, SESSION_COOKIE
from tierwise.services.audit import AuditFilter, query_audit
from tierwise.store.people_models import LoginSession


def sign_in(api, name: str = "wang", password: str | None = None):
    return api.client.post("/api/v1/auth/login", json={"name": name, "password": password or api.password})


def test_login_sets_an_httponly_lax_cookie_and_the_session_is_the_users(api) -> None:
    api.user("account_manager", "wang", {"east"})
    done = sign_in(api)
    assert done.status_code == 200, done.text
    cookie = next(h for h in done.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE + "="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie  # http: not Secure
    assert done.json()["user"]["name"] == "wang" and done.json()["csrf_token"]
    assert api.client.get("/api/v1/me").json()["teams"] == ["east"]
    with api.app.state.store.sessions() as session:  # only hashes are kept
        row = session.scalars(select(LoginSession)).one()
    assert row.id_hash != api.client.cookies[SESSION_COOKIE] and len(row.id_hash) == 64


def test_the_cookie_is_secure_over_https(api) -> None:
    api.user("analyst", "li")
    https = api.client_for(base_url="https://testserver")
    done = https.post("/api/v1/auth/login", json={"name": "li", "password": api.password})
    cookie = next(h for h in done.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE + "="))
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_a_change_through_the_cookie_needs_the_csrf_token(api) -> None:
    api.user("analyst", "li")
    csrf = sign_in(api, "li").json()["csrf_token"]
    assert api.client.cookies[CSRF_COOKIE] == csrf
    refused = api.client.post("/api/v1/me/tokens", json={"name": "excel"})
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("a change made through the session cookie needs its CSRF token")
    wrong = api.client.post("/api/v1/me/tokens", json={"name": "excel"}, headers={"X-CSRF-Token": "guess"})
    assert wrong.status_code == 403
    made = api.client.post("/api/v1/me/tokens", json={"name": "excel"}, headers={"X-CSRF-Token": csrf})
    assert made.status_code == 201
    assert api.client.get("/api/v1/me/tokens").status_code == 200  # reading needs no token
    assert [t["name"] for t in api.client.get("/api/v1/me/tokens").json()] == ["excel", "tests"]


def test_a_form_post_may_carry_the_csrf_token_as_a_field(api) -> None:
    api.user("analyst", "li")
    csrf = sign_in(api, "li").json()["csrf_token"]
    form = {"csrf_token": csrf}
    assert api.client.post("/api/v1/auth/logout", data={"csrf_token": "guess"}).status_code == 403
    assert api.client.post("/api/v1/auth/logout", data=form).status_code == 204
    assert api.client.get("/api/v1/me").status_code == 401  # the session has ended


def test_a_bearer_token_needs_no_csrf_token(api, client_as) -> None:
    li = client_as("analyst", name="li")
    assert li.post("/api/v1/me/tokens", json={"name": "script"}).status_code == 201


def test_failures_lock_the_account_and_the_lock_is_audited(api, client_as) -> None:
    api.user("account_manager", "wang")
    limit = api.settings.login_max_failures
    answers = [sign_in(api, "wang", "not the password!").status_code for _ in range(limit)]
    assert answers == [401] * limit
    locked = sign_in(api)  # the right password, now refused: the password is not even checked
    assert locked.status_code == 429
    assert locked.json()["detail"] == "this account is locked after repeated failed sign-ins"
    assert 0 <= api.settings.login_lock_minutes * 60 - int(locked.headers["Retry-After"]) <= 10  # seconds passed
    admin = client_as("admin", name="root")
    log = admin.get("/api/v1/audit", params={"target_id": "wang", "per_page": 100}).json()
    actions = [e["action"] for e in reversed(log["items"])]
    assert actions == ["user.create", *["login.failed"] * (limit - 1), "login.failed", "login.lock", "login.refused"]
    assert all(e["ip"] == "testclient" for e in log["items"] if e["action"].startswith("login"))
    assert admin.patch("/api/v1/users/wang", json={"locked": False}).status_code == 200
    assert sign_in(api).status_code == 200
    unlock = admin.get("/api/v1/audit", params={"action": "user.unlock"}).json()["items"][0]
    assert (unlock["actor"], unlock["before"], unlock["after"]) == (
        "root", {"locked": False, "locked_out": True}, {"locked": False, "locked_out": False}
    )  # fmt: skip


def test_an_unknown_name_answers_like_a_wrong_password(api) -> None:
    api.user("analyst", "li")
    unknown, wrong = sign_in(api, "nobody"), sign_in(api, "li", "not the password!")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json()["detail"] == wrong.json()["detail"] == "wrong user name or password"


def test_one_address_is_throttled_across_names(api) -> None:
    api.settings.login_ip_max_failures = 3
    for name in ("a1", "a2", "a3"):
        assert sign_in(api, name, "whatever it is!").status_code == 401
    throttled = sign_in(api, "a4", "whatever it is!")
    assert throttled.status_code == 429 and throttled.json()["detail"] == "too many failed sign-ins from this address"


@pytest.mark.parametrize("typed", ["right", "wrong", "in the name field"])
def test_the_password_never_reaches_the_logs(api, caplog, typed: str) -> None:
    api.user("analyst", "li")
    secret = api.password if typed == "right" else "a wrong but secret passphrase"
    name, password = (secret, "whatever it is!") if typed == "in the name field" else ("li", secret)
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)  # every statement and its parameters
        try:
            answer = sign_in(api, name, password)
        finally:
            logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    assert answer.status_code == (200 if typed == "right" else 401)
    assert caplog.records, "nothing was logged: the test would prove nothing"
    if typed == "in the name field":  # looked up as a name: only the SQL echo a developer turns on shows it
        assert all(secret not in r.getMessage() for r in caplog.records if r.name != "sqlalchemy.engine.Engine")
        audited = {(e.actor, e.target_id) for e in query_audit(api.system(), AuditFilter(action="login.failed")).items}
        assert audited == {("?", "?")}  # nor does the audit keep it
    else:
        assert secret not in caplog.text
