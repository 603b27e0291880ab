"""The real API application on a test client (no server process): a fresh app per test module."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from tierwise.api.app import create_app
from tierwise.config import Settings
from tierwise.security.pii import new_key_entry


@pytest.fixture(scope="module")
def client() -> TestClient:
    """A client of the app built with a fresh key (raises server errors as responses, as a server would)."""
    app = create_app(Settings(secret_key=SecretStr(new_key_entry("test")), dev=False))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
