"""``PATCH /api/v1/complaints/{id}``: a complaint corrected through the API, on SQLite and PostgreSQL.

The book (tests/customer_book.py): complaint K-C1 of wang's customer C1 and K-C3 of li's C3, both open.
"""

from __future__ import annotations

import pytest
from customer_book import USERS, Filled, fill

from tierwise.services.sealed_data import keyring_of

V1 = "/api/v1"


@pytest.fixture
def book(api) -> Filled:
    """The customer book in the app's store, and a user per name of ``USERS``."""
    filled = fill(api.settings.database_url, keyring_of(api.settings))
    for name, (role, teams) in USERS.items():
        api.user(role, name, teams)
    return filled


def test_a_correction_answers_the_card_as_kept(book, client_as) -> None:
    wang = client_as("account_manager", "wang", ["east"])
    body = {"date": "2026-01-03", "category": "delivery", "description": "the order came two weeks late"}
    answer = wang.patch(f"{V1}/complaints/K-C1", json=body | {"cause": "warehouse planning"})
    assert answer.status_code == 200, answer.text
    card = answer.json()
    assert {k: card[k] for k in ("complaint_id", "customer_id", "date", "category", "description", "cause")} == {
        "complaint_id": "K-C1",
        "customer_id": "C1",
        "date": "2026-01-03",
        "category": "delivery",
        "description": "the order came two weeks late",
        "cause": "warehouse planning",
    }
    assert (card["status"], card["resolution"], card["resolved_date"]) == ("open", None, None)
    again = wang.patch(f"{V1}/complaints/K-C1", json={"resolution": "refunded the freight"}).json()
    assert (again["resolution"], again["cause"], again["status"]) == (
        "refunded the freight",
        "warehouse planning",
        "open",
    )
    [listed] = wang.get(f"{V1}/customers/C1/complaints").json()
    assert listed == again


def test_another_account_managers_complaint_is_not_found(book, client_as) -> None:
    wang = client_as("account_manager", "wang", ["east"])
    hidden = wang.patch(f"{V1}/complaints/K-C3", json={"category": "quality"})
    missing = wang.patch(f"{V1}/complaints/K-C9", json={"category": "quality"})
    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert hidden.json()["detail"].replace("K-C3", "K-C9") == missing.json()["detail"] == "unknown complaint K-C9"
    li = client_as("account_manager", "li", ["north"])
    [kept] = li.get(f"{V1}/customers/C3/complaints").json()
    assert kept["category"] is None


def test_bad_input_is_a_problem_and_changes_nothing(book, client_as) -> None:
    wang = client_as("account_manager", "wang", ["east"])
    bad_date = wang.patch(f"{V1}/complaints/K-C1", json={"date": "2026-02-30"})
    assert (bad_date.status_code, bad_date.headers["content-type"]) == (422, "application/problem+json")
    assert bad_date.json()["type"] == "urn:tierwise:problem:invalid-request"
    too_long = wang.patch(f"{V1}/complaints/K-C1", json={"cause": "x" * 4001})
    assert too_long.status_code == 422
    blank = wang.patch(
        f"{V1}/complaints/K-C1", json={"description": "  ", "category": "delivery"}, params={"lang": "zh"}
    )
    assert (blank.status_code, blank.headers["content-type"]) == (400, "application/problem+json")
    assert blank.json()["detail"] == "客户 C1 的抱怨：请描述客户抱怨的内容"
    [kept] = wang.get(f"{V1}/customers/C1/complaints").json()
    assert (kept["date"], kept["category"], kept["cause"], kept["description"]) == ("2026-01-02", None, None, None)
