"""The application: where OpenAPI and the docs live, the key rule at start-up, every route declared."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tierwise import __version__
from tierwise.api.access import ACTION_KEY, PUBLIC, SIGNED_IN
from tierwise.api.app import create_app
from tierwise.config import Settings
from tierwise.errors import ConfigurationError
from tierwise.security.permissions import ACTIONS


def test_openapi_and_docs_are_under_api(client: TestClient) -> None:
    spec = client.get("/api/openapi.json")
    assert spec.status_code == 200 and spec.json()["info"]["version"] == __version__
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "/api/openapi.json" in docs.text
    assert client.get("/docs").status_code == 404 and client.get("/openapi.json").status_code == 404


def test_every_route_is_versioned_and_declares_the_action_it_needs(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert paths, "the API has no routes"
    for path, operations in paths.items():
        assert path.startswith("/api/v1/"), path
        for method, operation in operations.items():
            action = operation.get(ACTION_KEY)
            assert action in (PUBLIC, SIGNED_IN) or action in ACTIONS, (
                f"{method.upper()} {path} declares no known action"
            )


def test_the_routes_and_their_actions(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    declared = {(m.upper(), p): op[ACTION_KEY] for p, ops in paths.items() for m, op in ops.items()}
    assert declared == {
        ("GET", "/api/v1/health"): PUBLIC,
        ("POST", "/api/v1/triage"): "triage.decide",
        ("POST", "/api/v1/auth/login"): PUBLIC,
        ("POST", "/api/v1/auth/logout"): SIGNED_IN,
        ("GET", "/api/v1/me"): SIGNED_IN,
        ("GET", "/api/v1/me/tokens"): SIGNED_IN,
        ("POST", "/api/v1/me/tokens"): SIGNED_IN,
        ("DELETE", "/api/v1/me/tokens/{token_id}"): SIGNED_IN,
        ("GET", "/api/v1/users"): "users.manage",
        ("POST", "/api/v1/users"): "users.manage",
        ("GET", "/api/v1/users/{name}"): "users.manage",
        ("PATCH", "/api/v1/users/{name}"): "users.manage",
        ("GET", "/api/v1/teams"): "users.manage",
        ("POST", "/api/v1/teams"): "users.manage",
        ("GET", "/api/v1/audit"): "audit.read",
        ("GET", "/api/v1/audit/verify"): "audit.verify",
    }


def test_health(client: TestClient) -> None:
    assert client.get("/api/v1/health").json() == {"status": "ok", "version": __version__}


def test_the_app_refuses_to_build_without_a_key_unless_in_development() -> None:
    with pytest.raises(ConfigurationError, match="TIERWISE_SECRET_KEY is not set"):
        create_app(Settings(secret_key=None, dev=False))
    assert create_app(Settings(secret_key=None, dev=True)).state.keyring.active_id == "dev"


def test_error_responses_are_documented_as_problem_json(client: TestClient) -> None:
    responses = client.get("/api/openapi.json").json()["paths"]["/api/v1/triage"]["post"]["responses"]
    for status in ("400", "404", "422"):
        assert list(responses[status]["content"]) == ["application/problem+json"], status
