"""schemathesis over the whole OpenAPI document, signed in as each role, on SQLite and PostgreSQL.

Every operation gets a few generated requests (fixed seed, ``EXAMPLES`` each) on the customer book of
``customer_book``: no answer is a server error, and every answer matches the schema the document gives
for its status.
"""

from __future__ import annotations

import pytest
import schemathesis
from customer_book import ROLE_USER, USERS, fill
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tierwise.security.permissions import ROLES
from tierwise.services.sealed_data import keyring_of

EXAMPLES = 3  # per operation and role: the whole run stays within two or three minutes on both databases


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_no_server_error_and_answers_match_their_schemas(api, role: str) -> None:
    fill(api.settings.database_url, keyring_of(api.settings))
    name = ROLE_USER[role]
    token = api.user(role, name, USERS[name][1])
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", api.app)
    headers = {"Authorization": f"Bearer {token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
            suppress_health_check=list(HealthCheck),
        )  # fmt: skip
        def call(case) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])

        call()
