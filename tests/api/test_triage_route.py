"""``POST /api/v1/triage``: the bank-lobby decision over HTTP, the same as the triage module's."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from tierwise.api.app import create_app
from tierwise.config import Settings
from tierwise.security.pii import new_key_entry
from tierwise.services.store_access import prepare_store
from tierwise.triage import load_triage_policy, triage

from .conftest import Api


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    """A client signed in as a lobby user, on a store of its own (a SQLite file)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('triage') / 'store.db'}"
    settings = Settings(secret_key=SecretStr(new_key_entry("test")), dev=False, database_url=url)
    prepare_store(settings)
    app = create_app(settings)
    token = Api(app, settings, None).user("lobby", "desk")  # type: ignore[arg-type]
    with TestClient(app, raise_server_exceptions=False, headers={"Authorization": f"Bearer {token}"}) as lobby:
        yield lobby


CASES = [
    ({"vip_card": True, "business": "deposit", "amount": 800}, "vip", "vip_area"),
    ({"business": "remittance", "amount": 50000}, "potential_vip", "wealth_manager"),
    ({"business": "remittance", "amount": 49999.99}, "ordinary", "self_service"),
    ({"business": "deposit", "amount": 20000}, "ordinary", "counter"),
    ({"business": "deposit", "amount": 5000}, "ordinary", "self_service"),
    ({"enquiries": ["forex"], "business": "deposit", "amount": 300}, "potential_vip", "confirm_at_counter"),
]


@pytest.mark.parametrize(("walk_in", "flow", "step"), CASES)
def test_the_decision_over_http_equals_the_modules(client: TestClient, walk_in: dict, flow: str, step: str) -> None:
    response = client.post("/api/v1/triage", json=walk_in)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["flow"], body["next_step_code"]) == (flow, step)
    assert body == triage(walk_in, load_triage_policy("bank-lobby")).to_dict()


@pytest.mark.parametrize("ask", [{"params": {"lang": "zh"}}, {"headers": {"accept-language": "zh-CN,zh;q=0.9"}}])
def test_chinese_labels_and_reasons(client: TestClient, ask: dict) -> None:
    body = client.post("/api/v1/triage", json={"business": "remittance", "amount": 80000}, **ask).json()
    assert (
        body
        == triage({"business": "remittance", "amount": 80000}, load_triage_policy("bank-lobby"), lang="zh").to_dict()
    )
    assert body["label"] != triage({"business": "remittance", "amount": 80000}, load_triage_policy("bank-lobby")).label


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b'{"business": "deposit", "amont": 5}', "unknown field 'amont'"),
        (b'{"amount": -5}', "field 'amount'"),
        (b'{"amount": "5000"}', "field 'amount'"),
        (b'{"business": "deposit",', "the body is not valid JSON"),
        (b"[1, 2]", "a walk-in must be a JSON object"),
        (b"\xff\xfe", "the body is not valid JSON"),
    ],
)
def test_a_bad_walk_in_is_a_400_problem_naming_the_field(client: TestClient, body: bytes, says: str) -> None:
    response = client.post("/api/v1/triage", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.headers["content-type"] == "application/problem+json"
    assert says in response.json()["detail"]


def test_an_unknown_language_is_a_400_problem(client: TestClient) -> None:
    response = client.post("/api/v1/triage?lang=fr", json={})
    assert response.status_code == 400
    assert response.json()["detail"] == "unknown language 'fr': choose en or zh"


def test_the_query_parameters_are_published(client: TestClient) -> None:
    operation = client.get("/api/openapi.json").json()["paths"]["/api/v1/triage"]["post"]
    assert {p["name"]: p["schema"] for p in operation["parameters"]} == {
        "policy": {"type": "string", "default": "bank-lobby"},
        "lang": {"type": "string", "enum": ["en", "zh"]},
    }


def test_only_shipped_policies_by_name_never_a_server_path(client: TestClient) -> None:
    response = client.post("/api/v1/triage?policy=/etc/passwd", json={})
    assert response.status_code == 404
    assert response.json()["detail"] == "no shipped triage policy '/etc/passwd' (policies: bank-lobby)"


def test_the_body_schema_is_published_from_the_walk_in_model(client: TestClient) -> None:
    operation = client.get("/api/openapi.json").json()["paths"]["/api/v1/triage"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == {
        "vip_card",
        "asks_priority",
        "asks_account_manager",
        "enquiries",
        "business",
        "amount",
        "local_average_bill",
    }
