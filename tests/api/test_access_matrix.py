"""Role × route × owner, generated from the app's OpenAPI route list, on SQLite and PostgreSQL.

``ROUTES`` is the permission table: every operation of the OpenAPI document with the action it needs. A
route the table lacks (or one whose declared action differs) fails the first test, so a new route cannot
ship without saying who may call it and being called here. Each role then calls every route on a
customer of its own: it gets exactly what its role may (``403`` for an action it lacks, ``401`` for nobody
signed in), and a customer of another account manager is not found (``404``) — the same answer as for a
customer that does not exist. The lists, counts, searches, run assignments, plans and alerts of an
account manager hold none of another's customers, and personal data is masked everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from customer_book import EMAIL, ID_NUMBER, PHONE, ROLE_USER, USERS, Filled, fill

from tierwise.analytics.classify.policy import policy_text
from tierwise.api.access import ACTION_KEY, PUBLIC
from tierwise.security.permissions import ROLES, Actor, may
from tierwise.services.sealed_data import keyring_of

V1 = "/api/v1"
ROOT = Path(__file__).resolve().parents[2]
SIGNED_IN = "signed-in"

# the permission table: (method, path) → the action the route needs
ROUTES: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/health"): PUBLIC,
    ("POST", "/api/v1/auth/login"): PUBLIC,
    ("POST", "/api/v1/auth/logout"): SIGNED_IN,
    ("GET", "/api/v1/me"): SIGNED_IN,
    ("GET", "/api/v1/me/tokens"): SIGNED_IN,
    ("POST", "/api/v1/me/tokens"): SIGNED_IN,
    ("DELETE", "/api/v1/me/tokens/{token_id}"): SIGNED_IN,
    ("GET", "/api/v1/roles"): SIGNED_IN,
    ("GET", "/api/v1/users"): "users.manage",
    ("POST", "/api/v1/users"): "users.manage",
    ("GET", "/api/v1/users/{name}"): "users.manage",
    ("PATCH", "/api/v1/users/{name}"): "users.manage",
    ("GET", "/api/v1/teams"): "users.manage",
    ("POST", "/api/v1/teams"): "users.manage",
    ("GET", "/api/v1/audit"): "audit.read",
    ("GET", "/api/v1/audit/verify"): "audit.verify",
    ("POST", "/api/v1/triage"): "triage.decide",
    ("GET", "/api/v1/customers"): "customers.read",
    ("GET", "/api/v1/customers/{customer_id}"): "customers.read",
    ("GET", "/api/v1/customers/{customer_id}/visits"): "customers.read",
    ("POST", "/api/v1/customers/{customer_id}/visits"): "visits.write",
    ("PATCH", "/api/v1/visits/{visit_id}"): "visits.write",
    ("GET", "/api/v1/customers/{customer_id}/complaints"): "customers.read",
    ("POST", "/api/v1/customers/{customer_id}/complaints"): "complaints.write",
    ("PATCH", "/api/v1/complaints/{complaint_id}"): "complaints.write",
    ("POST", "/api/v1/complaints/{complaint_id}/status"): "complaints.write",
    ("GET", "/api/v1/customers/{customer_id}/surveys"): "customers.read",
    ("POST", "/api/v1/customers/{customer_id}/surveys"): "surveys.write",
    ("PATCH", "/api/v1/surveys/{survey_id}"): "surveys.write",
    ("GET", "/api/v1/customers/{customer_id}/contacts"): "customers.read",
    ("POST", "/api/v1/customers/{customer_id}/contacts"): "contacts.write",
    ("PATCH", "/api/v1/contacts/{contact_id}"): "contacts.write",
    ("GET", "/api/v1/runs"): "runs.read",
    ("GET", "/api/v1/runs/{run_id}"): "runs.read",
    ("GET", "/api/v1/runs/{run_id}/assignments"): "runs.read",
    ("GET", "/api/v1/runs/{run_id}/diff"): "runs.read",
    ("GET", "/api/v1/policies"): "policies.read",
    ("GET", "/api/v1/policies/{name}"): "policies.read",
    ("POST", "/api/v1/policies/validate"): "policies.write",
    ("POST", "/api/v1/policies/{name}/preview"): "policies.write",
    ("POST", "/api/v1/policies/{name}/versions"): "policies.write",
    ("GET", "/api/v1/plan"): "plan.read",
    ("GET", "/api/v1/alerts"): "alerts.read",
    ("POST", "/api/v1/runs"): "runs.create",
    ("GET", "/api/v1/jobs"): "jobs.read",
    ("GET", "/api/v1/jobs/{job_id}"): "jobs.read",
    ("POST", "/api/v1/jobs/{job_id}/cancel"): "jobs.read",
    ("GET", "/api/v1/imports"): "imports.read",
    ("POST", "/api/v1/imports"): "imports.write",
    ("POST", "/api/v1/imports/{upload_id}/commit"): "imports.write",
    ("POST", "/api/v1/imports/{upload_id}/cancel"): "imports.write",
    ("POST", "/api/v1/imports/{import_id}/revert"): "imports.write",
    ("POST", "/api/v1/customers/{customer_id}/reveal"): "pii.reveal",
    ("POST", "/api/v1/identity/verifications"): "identity.verify",
    ("GET", "/api/v1/identity/verifications/{check_id}"): "identity.verify",
    ("GET", "/api/v1/identity/verifications/{check_id}/questions"): "identity.verify",
    ("POST", "/api/v1/identity/verifications/{check_id}/answer"): "identity.verify",
    ("GET", "/api/v1/exports/customers"): "customers.export",
    ("GET", "/api/v1/key-accounts"): "customers.read",
    ("GET", "/api/v1/key-accounts/queue"): "customers.read",
    ("GET", "/api/v1/key-accounts/reviews"): "customers.read",
    ("POST", "/api/v1/key-accounts/reviews/{customer_id}/decision"): "key_accounts.approve",
    ("GET", "/api/v1/customers/{customer_id}/key-account"): "customers.read",
    ("POST", "/api/v1/customers/{customer_id}/key-account"): "key_accounts.nominate",
    ("POST", "/api/v1/customers/{customer_id}/key-account/evaluation"): "key_accounts.nominate",
    ("POST", "/api/v1/customers/{customer_id}/key-account/decision"): "key_accounts.approve",
    ("POST", "/api/v1/customers/{customer_id}/key-account/assignment"): "key_accounts.approve",
    ("POST", "/api/v1/customers/{customer_id}/key-account/review"): "key_accounts.approve",
    ("GET", "/api/v1/customers/{customer_id}/decision-makers"): "customers.read",
    ("GET", "/api/v1/prospects"): "customers.read",
    ("GET", "/api/v1/analyses"): "customers.read",
    ("GET", "/api/v1/churn"): "customers.read",
}
# routes whose callers depend on an object made first (an upload, a job, an identity check) or on a
# person's own customer data: who may call them, and the 404 for someone else's, are tested beside them
TESTED_BESIDE: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/jobs/{job_id}"): "tests/api/test_job_routes.py",
    ("POST", "/api/v1/jobs/{job_id}/cancel"): "tests/api/test_job_routes.py",
    ("POST", "/api/v1/imports"): "tests/api/test_job_routes.py",
    ("POST", "/api/v1/imports/{upload_id}/commit"): "tests/api/test_job_routes.py",
    ("POST", "/api/v1/imports/{upload_id}/cancel"): "tests/api/test_job_routes.py",
    ("POST", "/api/v1/imports/{import_id}/revert"): "tests/api/test_job_routes.py",
    ("POST", "/api/v1/customers/{customer_id}/reveal"): "tests/api/test_personal_routes.py",
    ("POST", "/api/v1/identity/verifications"): "tests/api/test_personal_routes.py",
    ("GET", "/api/v1/identity/verifications/{check_id}"): "tests/api/test_personal_routes.py",
    ("GET", "/api/v1/identity/verifications/{check_id}/questions"): "tests/api/test_personal_routes.py",
    ("POST", "/api/v1/identity/verifications/{check_id}/answer"): "tests/api/test_personal_routes.py",
    # the key-account moves need a record in the right status, made by the moves before them
    ("POST", "/api/v1/key-accounts/reviews/{customer_id}/decision"): "tests/api/test_key_account_routes.py",
    ("GET", "/api/v1/customers/{customer_id}/key-account"): "tests/api/test_key_account_routes.py",
    ("POST", "/api/v1/customers/{customer_id}/key-account"): "tests/api/test_key_account_routes.py",
    ("POST", "/api/v1/customers/{customer_id}/key-account/evaluation"): "tests/api/test_key_account_routes.py",
    ("POST", "/api/v1/customers/{customer_id}/key-account/decision"): "tests/api/test_key_account_routes.py",
    ("POST", "/api/v1/customers/{customer_id}/key-account/assignment"): "tests/api/test_key_account_routes.py",
    ("POST", "/api/v1/customers/{customer_id}/key-account/review"): "tests/api/test_key_account_routes.py",
}

# the customer each role calls on: one it sees, and (for those who see only some) one it does not
OWN = {"account_manager": "C1", "manager": "C3", "analyst": "C1", "admin": "C1", "lobby": "C1"}
OTHER = {"account_manager": "C3", "manager": "C1"}


@dataclass(frozen=True)
class Call:
    """One request: method, path with its parameters filled, query, body."""

    method: str
    path: str
    params: dict[str, Any] | None = None
    json: Any = None


def _edited(version: str) -> str:
    text, _ = policy_text("china-post")
    return re.sub(r"(?m)^version: .*$", f"version: {version}", text, count=1)


WALK_IN = {"business": "remittance", "amount": 80000}
# per route, the request made on customer ``cid`` (``n`` numbers the call, so each new version is new)
SAMPLES: dict[tuple[str, str], Callable[[Filled, str, int], Call]] = {
    ("GET", "/api/v1/users"): lambda f, c, n: Call("GET", "/users"),
    ("POST", "/api/v1/users"): lambda f, c, n: Call(
        "POST", "/users", json={"name": "zhou", "role": "account_manager", "password": "a long pass phrase"}
    ),
    ("GET", "/api/v1/users/{name}"): lambda f, c, n: Call("GET", "/users/wang"),
    ("PATCH", "/api/v1/users/{name}"): lambda f, c, n: Call("PATCH", "/users/spare", json={"team": "north"}),
    ("GET", "/api/v1/teams"): lambda f, c, n: Call("GET", "/teams"),
    ("POST", "/api/v1/teams"): lambda f, c, n: Call("POST", "/teams", json={"name": "west"}),
    ("GET", "/api/v1/audit"): lambda f, c, n: Call("GET", "/audit"),
    ("GET", "/api/v1/audit/verify"): lambda f, c, n: Call("GET", "/audit/verify"),
    ("POST", "/api/v1/triage"): lambda f, c, n: Call(
        "POST", "/triage", json={"business": "remittance", "amount": 80000}
    ),
    ("GET", "/api/v1/customers"): lambda f, c, n: Call("GET", "/customers"),
    ("GET", "/api/v1/customers/{customer_id}"): lambda f, c, n: Call("GET", f"/customers/{c}"),
    ("GET", "/api/v1/customers/{customer_id}/visits"): lambda f, c, n: Call("GET", f"/customers/{c}/visits"),
    ("POST", "/api/v1/customers/{customer_id}/visits"): lambda f, c, n: Call(
        "POST", f"/customers/{c}/visits", json={"date": "2026-03-09", "content": "met the buyer"}
    ),
    ("PATCH", "/api/v1/visits/{visit_id}"): lambda f, c, n: Call(
        "PATCH", f"/visits/{f.visit[c]}", json={"progress": "quote sent"}
    ),
    ("GET", "/api/v1/customers/{customer_id}/complaints"): lambda f, c, n: Call("GET", f"/customers/{c}/complaints"),
    ("POST", "/api/v1/customers/{customer_id}/complaints"): lambda f, c, n: Call(
        "POST", f"/customers/{c}/complaints", json={"date": "2026-03-09", "description": "late delivery"}
    ),
    ("PATCH", "/api/v1/complaints/{complaint_id}"): lambda f, c, n: Call(
        "PATCH", f"/complaints/K-{c}", json={"category": "delivery", "cause": f"carrier {n}"}
    ),
    ("POST", "/api/v1/complaints/{complaint_id}/status"): lambda f, c, n: Call(
        "POST", f"/complaints/K-{c}/status", json={"status": "in_progress"}
    ),
    ("GET", "/api/v1/customers/{customer_id}/surveys"): lambda f, c, n: Call("GET", f"/customers/{c}/surveys"),
    ("POST", "/api/v1/customers/{customer_id}/surveys"): lambda f, c, n: Call(
        "POST", f"/customers/{c}/surveys", json={"date": "2026-03-09", "csat": 5, "nps": 9}
    ),
    ("PATCH", "/api/v1/surveys/{survey_id}"): lambda f, c, n: Call(
        "PATCH", f"/surveys/{f.survey[c]}", json={"csat": 3}
    ),
    ("GET", "/api/v1/customers/{customer_id}/contacts"): lambda f, c, n: Call("GET", f"/customers/{c}/contacts"),
    ("POST", "/api/v1/customers/{customer_id}/contacts"): lambda f, c, n: Call(
        "POST", f"/customers/{c}/contacts", json={"name": "Li Na", "purchase_role": "user"}
    ),
    ("PATCH", "/api/v1/contacts/{contact_id}"): lambda f, c, n: Call(
        "PATCH", f"/contacts/{f.contact[c]}", json={"attitude": "supportive"}
    ),
    ("GET", "/api/v1/runs"): lambda f, c, n: Call("GET", "/runs"),
    ("GET", "/api/v1/runs/{run_id}"): lambda f, c, n: Call("GET", f"/runs/{f.runs[1]}"),
    ("GET", "/api/v1/runs/{run_id}/assignments"): lambda f, c, n: Call("GET", f"/runs/{f.runs[1]}/assignments"),
    ("GET", "/api/v1/runs/{run_id}/diff"): lambda f, c, n: Call(
        "GET", f"/runs/{f.runs[1]}/diff", params={"before": f.runs[0]}
    ),
    ("GET", "/api/v1/policies"): lambda f, c, n: Call("GET", "/policies"),
    ("GET", "/api/v1/policies/{name}"): lambda f, c, n: Call("GET", "/policies/china-post"),
    ("POST", "/api/v1/policies/validate"): lambda f, c, n: Call(
        "POST", "/policies/validate", json={"text": _edited("9")}
    ),
    ("POST", "/api/v1/policies/{name}/preview"): lambda f, c, n: Call(
        "POST", "/policies/china-post/preview", json={"text": _edited("9"), "as_of": "2026-02-28"}
    ),
    ("POST", "/api/v1/policies/{name}/versions"): lambda f, c, n: Call(
        "POST", "/policies/china-post/versions", json={"text": _edited(str(100 + n))}
    ),
    ("GET", "/api/v1/plan"): lambda f, c, n: Call("GET", "/plan", params={"month": "2026-03"}),
    ("GET", "/api/v1/alerts"): lambda f, c, n: Call("GET", "/alerts"),
    ("POST", "/api/v1/runs"): lambda f, c, n: Call("POST", "/runs", json={"policy": "china-post"}),
    ("GET", "/api/v1/jobs"): lambda f, c, n: Call("GET", "/jobs"),
    ("GET", "/api/v1/imports"): lambda f, c, n: Call("GET", "/imports"),
    ("GET", "/api/v1/exports/customers"): lambda f, c, n: Call("GET", "/exports/customers"),
    ("GET", "/api/v1/key-accounts"): lambda f, c, n: Call("GET", "/key-accounts"),
    ("GET", "/api/v1/key-accounts/queue"): lambda f, c, n: Call("GET", "/key-accounts/queue"),
    ("GET", "/api/v1/key-accounts/reviews"): lambda f, c, n: Call("GET", "/key-accounts/reviews"),
    ("GET", "/api/v1/customers/{customer_id}/decision-makers"): lambda f, c, n: Call(
        "GET", f"/customers/{c}/decision-makers"
    ),
    ("GET", "/api/v1/prospects"): lambda f, c, n: Call("GET", "/prospects"),
    ("GET", "/api/v1/analyses"): lambda f, c, n: Call("GET", "/analyses", params={"by": "owner"}),
    ("GET", "/api/v1/churn"): lambda f, c, n: Call("GET", "/churn", params={"as_of": "2026-03-01"}),
}
CUSTOMER_PATHS = [key for key in SAMPLES if re.search(r"\{(customer|visit|survey|contact|complaint)_id\}", key[1])]


def operations(openapi: dict[str, Any]) -> dict[tuple[str, str], str | None]:
    """Every operation of an OpenAPI document with the action it declares."""
    return {
        (method.upper(), path): op.get(ACTION_KEY)
        for path, item in openapi["paths"].items()
        for method, op in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    }


def test_every_route_is_in_the_permission_table_with_the_action_it_declares(client) -> None:
    declared = operations(client.get("/api/openapi.json").json())
    assert sorted(set(declared) - set(ROUTES)) == [], "routes missing from the permission table"
    assert sorted(set(ROUTES) - set(declared)) == [], "routes in the table that the app does not have"
    assert {k: v for k, v in declared.items() if v != ROUTES[k]} == {}
    untested = [k for k, v in ROUTES.items() if v not in (PUBLIC, SIGNED_IN) and k not in SAMPLES | TESTED_BESIDE]
    assert sorted(untested) == []
    assert all(Path(ROOT, module).is_file() for module in TESTED_BESIDE.values())


@pytest.fixture
def book(api) -> Filled:
    """The customer book in the app's store, and a user per name of ``USERS``."""
    filled = fill(api.settings.database_url, keyring_of(api.settings))
    for name, (role, teams) in USERS.items():
        api.user(role, name, teams)
    return filled


def send(client, call: Call):
    """Make ``call`` with ``client`` (paths under /api/v1)."""
    return client.request(call.method, V1 + call.path, params=call.params, json=call.json)


def test_each_role_gets_exactly_what_it_may_on_its_own_customer(api, book, client_as) -> None:
    outcomes: dict[tuple[str, str, str], int] = {}
    for role in ROLES:
        client = client_as(role, ROLE_USER[role], USERS[ROLE_USER[role]][1])
        actor = Actor(ROLE_USER[role], role)
        for n, (key, sample) in enumerate(SAMPLES.items()):
            answer = send(client, sample(book, OWN[role], n))
            outcomes[(role, *key)] = answer.status_code
            if may(actor, ROUTES[key]):  # type: ignore[arg-type]
                assert answer.status_code in (200, 201, 202), (role, key, answer.status_code, answer.text)
            else:
                assert answer.status_code == 403, (role, key, answer.status_code, answer.text)
                assert answer.json()["type"] == "urn:tierwise:problem:forbidden"
    # nobody signed in: every route but the public ones asks for a sign-in
    for key, sample in SAMPLES.items():
        assert send(api.client, sample(book, "C1", 0)).status_code == 401, key
    assert api.client.get(f"{V1}/me").status_code == 401
    assert len(outcomes) == len(ROLES) * len(SAMPLES)


@pytest.mark.parametrize("role", sorted(OTHER))
def test_a_customer_of_someone_else_is_not_found_on_every_customer_route(api, book, client_as, role: str) -> None:
    client = client_as(role, ROLE_USER[role], USERS[ROLE_USER[role]][1])
    actor = Actor(ROLE_USER[role], role)  # type: ignore[arg-type]
    for key in CUSTOMER_PATHS:
        if not may(actor, ROUTES[key]):  # type: ignore[arg-type]
            continue
        answer = send(client, SAMPLES[key](book, OTHER[role], 0))
        assert answer.status_code == 404, (role, key, answer.status_code, answer.text)
    hidden = client.get(f"{V1}/customers/{OTHER[role]}").json()
    missing = client.get(f"{V1}/customers/C9").json()
    assert hidden["detail"].replace(OTHER[role], "C9") == missing["detail"]  # existence does not leak


def test_an_account_manager_sees_none_of_anothers_customers_anywhere(api, book, client_as) -> None:
    wang = client_as("account_manager", "wang", ["east"])
    listed = wang.get(f"{V1}/customers").json()
    assert (listed["total"], [r["customer_id"] for r in listed["rows"]]) == (2, ["C1", "C2"])
    assert wang.get(f"{V1}/customers", params={"q": "Contoso"}).json()["total"] == 0  # li's C3
    assert wang.get(f"{V1}/customers", params={"q": "C3"}).json()["total"] == 0
    vip = wang.get(f"{V1}/customers", params={"policy": "china-post", "class": "vip"}).json()
    assert [(r["customer_id"], r["class"]) for r in vip["rows"]] == [("C1", "vip"), ("C2", "vip")]
    first, second = book.runs
    assert [r["customers"] for r in wang.get(f"{V1}/runs").json()] == [2, 2]
    assert sum(c["customers"] for c in wang.get(f"{V1}/runs/{second}").json()["classes"]) == 2
    page = wang.get(f"{V1}/runs/{second}/assignments").json()
    assert (page["total"], sorted(r["customer_id"] for r in page["rows"])) == (2, ["C1", "C2"])
    moved = wang.get(f"{V1}/runs/{second}/diff", params={"before": first}).json()
    assert [m["customer_id"] for m in moved["movers"]] == ["C1"]  # C3 moved too
    assert sum(c["customers"] for c in moved["matrix"]) == 2
    alerts = wang.get(f"{V1}/alerts").json()
    assert alerts and {a["customer_id"] for a in alerts} == {"C1"}
    plan = wang.get(f"{V1}/plan", params={"month": "2026-03"}).json()
    assert {e["customer_id"] for m in plan["managers"] for e in m["entries"]} == {"C1", "C2"}
    exported = wang.get(f"{V1}/exports/customers", params={"format": "csv"}).content.decode("utf-8-sig")
    assert [line.split(",")[0] for line in exported.splitlines()[1:]] == ["C1", "C2"]
    assert sorted(p["customer_id"] for p in wang.get(f"{V1}/prospects").json()) == ["C1", "C2"]
    assert wang.get(f"{V1}/prospects", params={"owner": "li"}).json() == []
    segments = wang.get(f"{V1}/analyses", params={"by": "owner"}).json()["segments"]
    assert [(s["code"], s["customers"]) for s in segments] == [("wang", 1)]  # C1 bought, C3 (li's) too
    churn = wang.get(f"{V1}/churn", params={"as_of": "2026-03-01"}).json()
    assert churn["lost"]["customers"] + churn["retained"]["customers"] == 1
    # the analyst sees all, li only theirs
    analyst = client_as("analyst", "chen")
    assert analyst.get(f"{V1}/customers").json()["total"] == 5
    assert {a["customer_id"] for a in analyst.get(f"{V1}/alerts").json()} == {"C1", "C3"}
    li = client_as("account_manager", "li", ["north"])
    assert [r["customer_id"] for r in li.get(f"{V1}/customers").json()["rows"]] == ["C3", "C4"]


def test_personal_data_is_masked_in_the_list_and_the_card_for_every_role(api, book, client_as) -> None:
    for role in ("account_manager", "analyst", "admin"):
        client = client_as(role, ROLE_USER[role], USERS[ROLE_USER[role]][1])
        row = next(r for r in client.get(f"{V1}/customers").json()["rows"] if r["customer_id"] == "C1")
        assert (row["phone"], row["email"], row["id_number"]) == (
            "138****5678",
            "z***@example.com",
            "110***********1234",
        )
        exported = client.get(f"{V1}/exports/customers", params={"q": "C1"})
        if role != "admin":  # the administrator does not export customers
            assert "138****5678" in exported.text and PHONE not in exported.text
        card = client.get(f"{V1}/customers/C1")
        assert card.status_code == 200
        assert card.json()["record"]["phone"] == "138****5678"
        assert not {PHONE, EMAIL, ID_NUMBER} & set(re.findall(r"[\w.@]+", card.text))
