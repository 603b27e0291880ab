"""Signing in through the API: tokens and sessions resolve to the right user; who may manage users."""

from __future__ import annotations

from sqlalchemy import select

from tierwise.store.people_models import ApiToken


def test_a_token_signs_its_user_in_and_without_one_the_answer_is_401(api, client_as) -> None:
    wang = client_as("account_manager", name="wang", teams={"east"})
    me = wang.get("/api/v1/me").json()
    assert (me["name"], me["role"], me["teams"]) == ("wang", "account_manager", ["east"])
    assert "users.manage" not in me["actions"] and "visits.write" in me["actions"]
    nobody = api.client.get("/api/v1/me")
    assert nobody.status_code == 401
    assert nobody.headers["content-type"] == "application/problem+json"
    assert nobody.json()["type"] == "urn:tierwise:problem:not-authenticated"
    wrong = api.client_for("twp_" + "a" * 46).get("/api/v1/me")
    assert wrong.status_code == 401 and "unknown, revoked or expired" in wrong.json()["detail"]


def test_tokens_are_issued_once_listed_by_prefix_and_revoked(api, client_as) -> None:
    li = client_as("analyst", name="li")
    issued = li.post("/api/v1/me/tokens", json={"name": "excel refresh", "days": 30})
    assert issued.status_code == 201
    token = issued.json()["token"]
    assert token.startswith("twp_") and issued.json()["prefix"] == token[:12]
    listed = li.get("/api/v1/me/tokens").json()
    assert [t["name"] for t in listed] == ["excel refresh", "tests"]
    assert all("token" not in t for t in listed)
    with api.app.state.store.sessions() as session:  # the store keeps the digest, never the token
        stored = session.scalars(select(ApiToken.digest)).all()
    assert token not in stored and len(stored) == 2
    fresh = api.client_for(token)
    assert fresh.get("/api/v1/me").json()["name"] == "li"
    assert li.delete(f"/api/v1/me/tokens/{issued.json()['id']}").json()["revoked_at"] is not None
    assert fresh.get("/api/v1/me").status_code == 401
    other = client_as("analyst", name="sun")
    assert other.delete(f"/api/v1/me/tokens/{listed[1]['id']}").status_code == 404  # li's token: not found


def test_only_an_admin_manages_users_and_teams(api, client_as) -> None:
    admin = client_as("admin", name="root")
    made = admin.post(
        "/api/v1/users", json={"name": "zhao", "role": "manager", "password": api.password, "team": "east"}
    )
    assert made.status_code == 201, made.text
    assert {k: made.json()[k] for k in ("name", "role", "team", "locked")} == {
        "name": "zhao", "role": "manager", "team": "east", "locked": False,
    }  # fmt: skip
    assert "password" not in made.text and "hash" not in made.text
    assert [(t["name"], t["members"]) for t in admin.get("/api/v1/teams").json()] == [("east", 1)]
    analyst = client_as("analyst", name="li")
    refused = analyst.get("/api/v1/users")
    assert refused.status_code == 403 and refused.json()["detail"] == "the analyst role may not do users.manage"
    changed = admin.patch("/api/v1/users/zhao", json={"role": "account_manager", "team": None})
    assert (changed.json()["role"], changed.json()["team"]) == ("account_manager", None)
    assert admin.patch("/api/v1/users/ghost", json={"role": "admin"}).status_code == 404
    half = admin.patch("/api/v1/users/zhao", json={"role": "admin", "team": "nowhere"})
    assert half.status_code == 404 and half.json()["detail"] == "no team 'nowhere'"
    assert admin.get("/api/v1/users/zhao").json()["role"] == "account_manager"  # nothing half-written
    weak = admin.post("/api/v1/users", json={"name": "qian", "role": "lobby", "password": "short"})
    assert weak.status_code == 400 and "at least 12 characters" in weak.json()["detail"]
    reserved = admin.post("/api/v1/users", json={"name": "System", "role": "admin", "password": api.password})
    assert reserved.status_code == 400 and "reserved" in reserved.json()["detail"]


def test_a_locked_user_is_refused_at_once_and_an_unlock_lets_them_back(api, client_as) -> None:
    admin = client_as("admin", name="root")
    wang = client_as("account_manager", name="wang")
    assert admin.patch("/api/v1/users/wang", json={"locked": True}).json()["locked"] is True
    assert wang.get("/api/v1/me").status_code == 401
    locked = api.client.post("/api/v1/auth/login", json={"name": "wang", "password": api.password})
    assert locked.status_code == 429 and locked.json()["detail"] == "this account is locked by an administrator"
    admin.patch("/api/v1/users/wang", json={"locked": False})
    assert wang.get("/api/v1/me").status_code == 200
    actions = [e["action"] for e in admin.get("/api/v1/audit", params={"target_id": "wang"}).json()["items"]]
    assert actions == ["user.unlock", "login.refused", "user.lock", "user.create"]


def test_the_audit_log_and_its_verification_are_the_admins(api, client_as) -> None:
    admin = client_as("admin", name="root")
    client_as("analyst", name="li")
    verified = admin.get("/api/v1/audit/verify").json()
    assert (verified["ok"], verified["checked"], verified["problem"]) == (True, 4, None)  # 2 users, 2 tokens
    page = admin.get("/api/v1/audit", params={"action": "token.issue", "per_page": 1}).json()
    assert (page["total"], len(page["items"]), page["items"][0]["actor"]) == (2, 1, "li")
    assert admin.get("/api/v1/audit", params={"per_page": 501}).status_code == 422
    analyst = client_as("analyst", name="li")
    assert analyst.get("/api/v1/audit").status_code == 403
    assert analyst.get("/api/v1/audit/verify").status_code == 403
