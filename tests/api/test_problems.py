"""Errors as RFC 9457 problem details, translated in one place; row errors keep their structure."""

from __future__ import annotations

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from tierwise.api import problems
from tierwise.errors import (
    AuthenticationError,
    ConfigurationError,
    DataValidationError,
    LockedOutError,
    NotFoundError,
    PermissionDeniedError,
    PolicyError,
    Problem,
    UsageError,
)
from tierwise.i18n import Message, translate

BAD_ROWS = DataValidationError(
    [
        Problem("transactions.csv", 7, "金额", "abc", Message("not a number (write e.g. 1234.50)")),
        Problem(
            "customers.csv",
            None,
            "name",
            None,
            Message(
                "required column missing; name its header one of: %(names)s (or map yours with --map)",
                {"names": "name, 名称"},
            ),
        ),
    ]
)

RAISED = {
    "usage": UsageError("amount must be a number"),
    "data": BAD_ROWS,
    "policy": PolicyError("policy abc: field 'bounds' is missing"),
    "auth": AuthenticationError("sign in first"),
    "forbidden": PermissionDeniedError("the analyst role may not do users.manage"),
    "missing": NotFoundError("no customer 'C9'"),
    "locked": LockedOutError("this account is locked", 120),
    "config": ConfigurationError("TIERWISE_SECRET_KEY entry 1 (k1) is not 32 bytes"),
    "bug": RuntimeError("internal detail that must not leak"),
}


def raiser(error: Exception):
    """A route that raises ``error``."""

    def route() -> None:
        raise error

    return route


def typed(count: int) -> dict:
    """A route whose parameter FastAPI validates."""
    return {"count": count}


@pytest.fixture(scope="module")
def raising() -> TestClient:
    """An app with the real handlers and one route per error (the handlers are what is under test)."""
    app = FastAPI()
    problems.install(app)
    router = APIRouter()
    for name, error in RAISED.items():
        router.add_api_route(f"/raise/{name}", raiser(error), methods=["GET"])
    router.add_api_route("/typed", typed, methods=["GET"])
    app.include_router(router)
    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize(
    ("name", "status", "type_"),
    [
        ("usage", 400, "urn:tierwise:problem:bad-request"),
        ("data", 422, "urn:tierwise:problem:invalid-data"),
        ("policy", 422, "urn:tierwise:problem:invalid-policy"),
        ("auth", 401, "urn:tierwise:problem:not-authenticated"),
        ("forbidden", 403, "urn:tierwise:problem:forbidden"),
        ("missing", 404, "urn:tierwise:problem:not-found"),
        ("locked", 429, "urn:tierwise:problem:locked-out"),
        ("config", 500, "urn:tierwise:problem:server-configuration"),
        ("bug", 500, "about:blank"),
    ],
)
def test_each_error_has_its_status_and_type(raising: TestClient, name: str, status: int, type_: str) -> None:
    response = raising.get(f"/raise/{name}")
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["type"], body["status"], body["instance"]) == (type_, status, f"/raise/{name}")
    assert body["title"]


def test_the_detail_is_the_errors_message(raising: TestClient) -> None:
    assert raising.get("/raise/usage").json()["detail"] == "amount must be a number"
    assert raising.get("/raise/missing").json()["detail"] == "no customer 'C9'"


def test_row_errors_keep_file_row_column_value_and_both_reasons(raising: TestClient) -> None:
    body = raising.get("/raise/data").json()
    assert body["total"] == 2
    assert body["detail"] == "The data set is invalid: 2 problem(s) found; nothing was loaded."
    assert body["errors"] == [
        {
            "file": "transactions.csv",
            "row": 7,
            "column": "金额",
            "value": "abc",
            "reason": "not a number (write e.g. 1234.50)",
            "reason_en": "not a number (write e.g. 1234.50)",
            "reason_zh": "不是数字（例如 1234.50）",
        },
        {
            "file": "customers.csv",
            "row": None,
            "column": "name",
            "value": None,
            "reason": "required column missing; name its header one of: name, 名称 (or map yours with --map)",
            "reason_en": "required column missing; name its header one of: name, 名称 (or map yours with --map)",
            "reason_zh": "缺少必填列；请把表头写成以下之一：name, 名称（或用 --map 指定对应关系）",
        },
    ]


@pytest.mark.parametrize(
    ("ask", "lang"),
    [
        ({"params": {"lang": "zh"}}, "zh"),
        ({"headers": {"accept-language": "zh-CN,zh;q=0.9,en;q=0.8"}}, "zh"),
        ({"headers": {"accept-language": "fr-FR, en;q=0.5, zh;q=0.4"}}, "en"),
        ({"headers": {"accept-language": "en;q=0.2, zh-Hans;q=0.9"}}, "zh"),
        ({"params": {"lang": "en"}, "headers": {"accept-language": "zh"}}, "en"),
        ({}, "en"),
    ],
)
def test_problems_speak_the_language_asked_for(raising: TestClient, ask: dict, lang: str) -> None:
    body = raising.get("/raise/data", **ask).json()
    assert body["title"] == translate(Message("The data set is invalid"), lang)
    assert body["detail"] == BAD_ROWS.render(lang).splitlines()[0]
    assert body["errors"][0]["reason"] == translate(Message("not a number (write e.g. 1234.50)"), lang)


def test_a_lock_says_when_to_retry_and_an_unauthenticated_call_how_to_sign_in(raising: TestClient) -> None:
    locked = raising.get("/raise/locked")
    assert locked.headers["retry-after"] == "120" and locked.json()["retry_after"] == 120
    assert raising.get("/raise/auth").headers["www-authenticate"] == "Bearer"


def test_server_side_errors_say_nothing_of_the_inside(raising: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    for name in ("bug", "config"):
        body = raising.get(f"/raise/{name}").json()
        assert "detail" not in body, body
    assert "internal detail that must not leak" in caplog.text  # it is in the server's log instead


def test_unknown_paths_and_wrong_methods_are_problems_too(client: TestClient) -> None:
    missing = client.get("/api/v1/nothing-here")
    assert (missing.status_code, missing.headers["content-type"]) == (404, "application/problem+json")
    assert missing.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "instance": "/api/v1/nothing-here",
    }
    wrong = client.get("/api/v1/triage")
    assert wrong.status_code == 405 and wrong.json()["title"] == "Method Not Allowed"
    assert wrong.headers["allow"] == "POST"


def test_request_validation_is_a_problem_with_one_entry_per_field(raising: TestClient) -> None:
    response = raising.get("/typed", params={"count": "many"})
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:tierwise:problem:invalid-request"
    assert body["errors"] == [
        {
            "location": "query.count",
            "message": "Input should be a valid integer, unable to parse string as an integer",
            "type": "int_parsing",
        }
    ]
