"""The real API application on a test client (no server process).

- ``client``: a fresh app per test module without a store of its own (routes that need nobody signed in).
- ``api``: the app on a fresh store (``store_url``: SQLite, then PostgreSQL) with an anonymous client.
- ``client_as(role, name=..., teams=...)``: a client signed in as a user of that role, made through the
  users service (name defaults to the role, at most one team) with a personal access token it sends as
  ``Authorization: Bearer …``. Asking twice for the same name gives the same user.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from tierwise.api.app import create_app
from tierwise.config import Settings
from tierwise.security.permissions import Actor
from tierwise.security.pii import new_key_entry
from tierwise.services.auth import issue_access_token
from tierwise.services.context import ServiceContext
from tierwise.services.users import create_user

PASSWORD = "correct horse battery staple"  # every test user's password (tests sign in with it)


@pytest.fixture(scope="module")
def client() -> TestClient:
    """A client of the app built with a fresh key (raises server errors as responses, as a server would)."""
    app = create_app(Settings(secret_key=SecretStr(new_key_entry("test")), dev=False))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@dataclass
class Api:
    """The app on a test store, its settings, an anonymous client, and the users made so far."""

    app: FastAPI
    settings: Settings
    client: TestClient
    tokens: dict[str, str] = field(default_factory=dict)
    password: str = PASSWORD

    def system(self) -> ServiceContext:
        """A context acting as the system on the app's store (to arrange what a test needs)."""
        return ServiceContext.system(self.settings, sessions=self.app.state.store.sessions)

    def user(self, role: str, name: str | None = None, teams: Iterable[str] = ()) -> str:
        """Make (once) the user ``name`` with ``role`` and team; returns a personal access token of theirs."""
        name = name or role
        if name not in self.tokens:
            chosen = sorted(teams)
            assert len(chosen) <= 1, "a user is in at most one team"
            ctx = self.system()
            create_user(ctx, name, role=role, password=PASSWORD, team=chosen[0] if chosen else None)
            me = ctx.with_actor(Actor(name, role, frozenset(chosen)))  # type: ignore[arg-type]
            self.tokens[name] = issue_access_token(me, "tests").token
        return self.tokens[name]

    def client_for(self, token: str | None = None, **kwargs) -> TestClient:
        """A new client of the app (sending ``token`` as a bearer token when given)."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return TestClient(self.app, raise_server_exceptions=False, headers=headers, **kwargs)


@pytest.fixture
def api(store_url: str) -> Iterator[Api]:
    """The app on a fresh store (SQLite, then PostgreSQL), with an anonymous client."""
    settings = Settings(secret_key=SecretStr(new_key_entry("test")), dev=False, database_url=store_url)
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as anonymous:
        yield Api(app, settings, anonymous)


@pytest.fixture
def client_as(api: Api) -> Callable[..., TestClient]:
    """``client_as("account_manager", name="wang", teams={"east"})``: a client signed in as that user."""
    made: list[TestClient] = []

    def sign_in(role: str, name: str | None = None, teams: Iterable[str] = ()) -> TestClient:
        signed_in = api.client_for(api.user(role, name, teams))
        made.append(signed_in)
        return signed_in

    yield sign_in
    for signed_in in made:
        signed_in.close()


def pytest_collection_modifyitems(items) -> None:
    """The cards and plans of these tests fit the value models on small books that do not pin them down:
    their doubtful-fit warnings are the value tests' subject (tests/value, tests/services), not these."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.filterwarnings("ignore::tierwise.errors.ModelWarning"))
