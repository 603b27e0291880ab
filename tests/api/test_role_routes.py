"""``GET /api/v1/roles``: every role and what the permission table lets it do, in the caller's language."""

from __future__ import annotations

from tierwise.security.permissions import ACTIONS, ROLES, Actor, may

V1 = "/api/v1"
LOBBY = ["triage.decide", "identity.verify"]
ACCOUNT_MANAGER = [
    "customers.read",
    "customers.export",
    "policies.read",
    "runs.read",
    "visits.write",
    "complaints.write",
    "surveys.write",
    "contacts.write",
    "plan.read",
    "alerts.read",
    "triage.decide",
    "identity.verify",
    "key_accounts.nominate",
    "jobs.read",
]


def test_every_role_with_its_actions_in_english(api, client_as) -> None:
    desk = client_as("lobby", "desk")
    answer = desk.get(f"{V1}/roles", headers={"Accept-Language": "en"})
    assert answer.status_code == 200
    roles = {r["role"]: r for r in answer.json()}
    assert list(roles) == list(ROLES)
    assert roles["lobby"] == {
        "role": "lobby",
        "name": "Lobby manager",
        "description": "Triages walk-in customers and verifies identities; sees no customer record.",
        "sees": "none",
        "actions": LOBBY,
    }
    assert roles["account_manager"]["actions"] == ACCOUNT_MANAGER
    assert (roles["account_manager"]["name"], roles["account_manager"]["sees"]) == ("Account manager", "own")
    for role, listed in roles.items():  # the table the checks use, role by role
        assert listed["actions"] == [a for a in ACTIONS if may(Actor("x", role), a)]  # type: ignore[arg-type]


def test_the_roles_in_chinese(api, client_as) -> None:
    wang = client_as("account_manager", "wang")
    roles = {r["role"]: r for r in wang.get(f"{V1}/roles", params={"lang": "zh"}).json()}
    assert (roles["lobby"]["name"], roles["lobby"]["description"]) == (
        "大堂经理",
        "分流到店客户并核验身份；不查看任何客户档案。",
    )
    assert (roles["account_manager"]["name"], roles["account_manager"]["description"]) == (
        "客户经理",
        "只查看自己负责的客户：记录其卡片，提名大客户，分流到店客户并核验身份。",
    )
    assert roles["account_manager"]["actions"] == ACCOUNT_MANAGER


def test_nobody_signed_in_is_asked_to_sign_in(api) -> None:
    answer = api.client.get(f"{V1}/roles")
    assert (answer.status_code, answer.json()["type"]) == (401, "urn:tierwise:problem:not-authenticated")
