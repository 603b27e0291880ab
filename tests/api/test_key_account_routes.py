"""The key-account moves through the API: nominate, evaluate, approve or reject, assign, review, and the
cost-to-serve decision, each refused to the roles that may not make it and not found for a customer the
caller does not see; every move in the audit log."""

from __future__ import annotations

import pytest
from customer_book import USERS, fill
from sqlalchemy import text

from tierwise.services.sealed_data import keyring_of

V1 = "/api/v1"


@pytest.fixture
def book(api):
    """The customer book (C1, C2 wang's in team east; C3, C4 li's in team north), its users, and qian,
    manager of team east."""
    filled = fill(api.settings.database_url, keyring_of(api.settings))
    for name, (role, teams) in USERS.items():
        api.user(role, name, teams)
    api.user("manager", "qian", ["east"])
    with api.app.state.store.sessions.begin() as session:
        session.execute(text("UPDATE customers SET team = 'east' WHERE customer_id IN ('C1', 'C2')"))
        session.execute(text("UPDATE customers SET team = 'north' WHERE customer_id IN ('C3', 'C4')"))
    return filled


def who(api, name: str):
    role, teams = USERS.get(name, ("manager", ("east",)))
    return api.client_for(api.user(role, name, teams))


def audited(api) -> list[tuple[str, str, str]]:
    with api.app.state.store.sessions() as session:
        rows = session.execute(
            text("SELECT actor, action, target_id FROM audit WHERE action LIKE 'key_account.%' ORDER BY seq")
        )
        return [tuple(r) for r in rows]


def test_the_key_account_process_through_the_api(api, book) -> None:
    wang, qian, zhao, desk, root = (who(api, n) for n in ("wang", "qian", "zhao", "desk", "root"))
    assert desk.post(f"{V1}/customers/C1/key-account", json={"reasons": ["big"]}).status_code == 403
    assert root.post(f"{V1}/customers/C1/key-account", json={"reasons": ["big"]}).status_code == 403
    made = wang.post(f"{V1}/customers/C1/key-account", json={"reasons": ["contract 2,000,000 last year"]})
    assert made.status_code == 201, made.text
    assert (made.json()["status"], made.json()["nomination_reasons"]) == ("nominated", ["contract 2,000,000 last year"])
    assert wang.post(f"{V1}/customers/C3/key-account", json={"reasons": ["x"]}).status_code == 404  # li's
    assert wang.get(f"{V1}/customers/C3/key-account").status_code == 404
    evaluated = wang.post(f"{V1}/customers/C1/key-account/evaluation")
    assert evaluated.status_code == 200, evaluated.text
    evidence = evaluated.json()["evidence"]
    assert evidence["complaints"]["open"] == 1 and evidence["nps"]["last"] == 8
    assert [c["class"] for c in evidence["classes"]] == ["gold", "vip"]
    queue = qian.get(f"{V1}/key-accounts/queue").json()
    assert [v["customer_id"] for v in queue["to_decide"]] == ["C1"]
    assert zhao.get(f"{V1}/key-accounts/queue").json()["to_decide"] == []  # another team's
    # an account manager cannot approve; a manager of another team does not see it; a comment is needed
    refused = wang.post(f"{V1}/customers/C1/key-account/decision", json={"approve": True, "comment": "ok"})
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert (
        zhao.post(f"{V1}/customers/C1/key-account/decision", json={"approve": True, "comment": "ok"}).status_code == 404
    )
    assert (
        qian.post(f"{V1}/customers/C1/key-account/decision", json={"approve": True, "comment": ""}).status_code == 422
    )
    approved = qian.post(f"{V1}/customers/C1/key-account/decision", json={"approve": True, "comment": "steady buyer"})
    assert approved.status_code == 200, approved.text
    assert (approved.json()["status"], approved.json()["decided_by"]) == ("approved", "qian")
    body = {"owner": "wang", "team": "east", "members": [{"user": "spare", "role": "service"}]}
    assert wang.post(f"{V1}/customers/C1/key-account/assignment", json=body).status_code == 403
    assigned = qian.post(f"{V1}/customers/C1/key-account/assignment", json=body)
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["members"] == [{"user": "wang", "role": "owner"}, {"user": "spare", "role": "service"}]
    bad = qian.post(f"{V1}/customers/C1/key-account/assignment", json={**body, "owner": "nobody"})
    assert bad.status_code == 400 and "nobody" in bad.json()["detail"]
    kept = qian.post(f"{V1}/customers/C1/key-account/review", json={"keep": True, "comment": "still our best"})
    assert kept.status_code == 200 and kept.json()["decision_comment"] == "still our best"
    assert wang.get(f"{V1}/customers/C1/key-account").json()["status"] == "assigned"
    assert [v["customer_id"] for v in wang.get(f"{V1}/key-accounts").json()] == ["C1"]
    assert who(api, "li").get(f"{V1}/key-accounts").json() == []
    assert audited(api) == [
        ("wang", "key_account.nominate", "C1"),
        ("wang", "key_account.evaluate", "C1"),
        ("qian", "key_account.approve", "C1"),
        ("qian", "key_account.assign", "C1"),
        ("qian", "key_account.review", "C1"),
    ]


def test_a_rejection_and_a_withdrawal_need_a_manager_and_a_comment(api, book) -> None:
    wang, qian = who(api, "wang"), who(api, "qian")
    for cid in ("C1", "C2"):
        assert wang.post(f"{V1}/customers/{cid}/key-account", json={"reasons": ["grows fast"]}).status_code == 201
        assert wang.post(f"{V1}/customers/{cid}/key-account/evaluation").status_code == 200
    early = qian.post(f"{V1}/customers/C1/key-account/review", json={"keep": False, "comment": "gone"})
    assert early.status_code == 400  # under evaluation: no review yet
    assert "under_evaluation" in early.json()["detail"]
    rejected = qian.post(f"{V1}/customers/C2/key-account/decision", json={"approve": False, "comment": "too small"})
    assert rejected.json()["status"] == "rejected"
    qian.post(f"{V1}/customers/C1/key-account/decision", json={"approve": True, "comment": "fine"})
    gone = qian.post(f"{V1}/customers/C1/key-account/review", json={"keep": False, "comment": "moved to a rival"})
    assert gone.json()["status"] == "withdrawn"
    assert [a for _, a, _ in audited(api)][-2:] == ["key_account.approve", "key_account.withdraw"]


def test_the_decision_makers_and_the_review_list(api, book) -> None:
    wang = who(api, "wang")
    mapped = wang.get(f"{V1}/customers/C1/decision-makers").json()
    assert [c["name"] for c in mapped["contacts"]] == ["buyer of C1"]
    assert "decision_maker" not in mapped["coverage"]["missing_roles"]
    assert mapped["coverage"]["missing_decision_roles"] == ["budget_holder"]
    reviews = wang.get(f"{V1}/key-accounts/reviews")
    assert reviews.status_code == 200, reviews.text
    assert reviews.json()["accounts"] == []
    assert {e["customer_id"] for e in reviews.json()["cost"]} <= {"C1", "C2"}
    # a customer not on the cost review list cannot be decided on; another's is not found
    qian = who(api, "qian")
    answer = qian.post(f"{V1}/key-accounts/reviews/C5/decision", json={"action": "exit", "comment": "loses money"})
    assert answer.status_code == 404
    assert (
        wang.post(f"{V1}/key-accounts/reviews/C1/decision", json={"action": "exit", "comment": "x"}).status_code == 403
    )
