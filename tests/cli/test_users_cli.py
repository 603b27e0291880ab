"""``tierwise user create NAME --role ROLE [--team T]`` and the other user commands, on a store."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import select
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.security.passwords import verify_password
from tierwise.store.db import create_store_engine, session_factory
from tierwise.store.models import AuditEntry
from tierwise.store.people_models import User

PASSWORD = "a long pass phrase 长密码"


def invoke(url: str, *args: str, env: dict[str, str] | None = None, typed: str | None = None):
    return CliRunner().invoke(app, [*args, "--db", url], env=env, input=typed, catch_exceptions=False)


def stored(url: str) -> tuple[list[tuple[str, str, str | None]], dict[str, str], list[tuple[str, str, str]]]:
    engine = create_store_engine(url)
    with session_factory(engine)() as session:
        users = session.scalars(select(User).order_by(User.name)).all()
        rows = [(u.name, u.role, u.team.name if u.team else None) for u in users]
        hashes = {u.name: u.password_hash for u in users}
        audit = [(a.actor, a.action, a.target_id) for a in session.scalars(select(AuditEntry).order_by(AuditEntry.seq))]
    engine.dispose()
    return rows, hashes, audit


def test_user_create_reads_the_password_from_the_environment(store_url: str) -> None:
    done = invoke(store_url, "user", "create", "li", "--role", "manager", "--team", "east",
                  env={"TIERWISE_NEW_PASSWORD": PASSWORD})  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "user li created with the role manager" in done.output
    users, hashes, audit = stored(store_url)
    assert users == [("li", "manager", "east")]
    assert hashes["li"].startswith("$argon2id$") and verify_password(hashes["li"], PASSWORD)
    assert audit == [("system", "team.create", "east"), ("system", "user.create", "li")]


def test_user_create_prompts_twice_for_the_password_when_not_given(store_url: str) -> None:
    done = invoke(store_url, "user", "create", "wang", "--role", "account_manager", typed=f"{PASSWORD}\n{PASSWORD}\n")
    assert done.exit_code == 0, done.output
    assert PASSWORD not in done.output  # typed hidden
    assert stored(store_url)[0] == [("wang", "account_manager", None)]


def tierwise(*args: str, password: str) -> subprocess.CompletedProcess:
    code = "import sys; from tierwise.cli import main; sys.argv[0] = 'tierwise'; main()"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIERWISE_")} | {"TIERWISE_NEW_PASSWORD": password}
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env)


def test_user_create_refuses_a_missing_or_unknown_role_and_a_short_password(store_url: str) -> None:
    env = {"TIERWISE_NEW_PASSWORD": PASSWORD}
    assert invoke(store_url, "user", "create", "li", env=env).exit_code == 2  # --role is required: no default
    unknown = tierwise("user", "create", "li", "--role", "boss", "--db", store_url, password=PASSWORD)
    assert unknown.returncode == 2
    assert "unknown role 'boss' (roles: admin, analyst, manager, account_manager, lobby)" in unknown.stderr
    short = tierwise("user", "create", "li", "--role", "lobby", "--db", store_url, password="short")
    assert short.returncode == 2 and "a password needs at least 12 characters" in short.stderr
    assert stored(store_url)[0] == []  # nothing was made


def test_set_role_lock_unlock_and_list(store_url: str) -> None:
    env = {"TIERWISE_NEW_PASSWORD": PASSWORD}
    invoke(store_url, "user", "create", "li", "--role", "analyst", env=env)
    assert "user li has the role admin" in invoke(store_url, "user", "set-role", "li", "admin").output
    assert invoke(store_url, "user", "lock", "li").exit_code == 0
    listed = invoke(store_url, "user", "list", "--json")
    assert '"locked": true' in listed.output and '"role": "admin"' in listed.output
    assert "user li is unlocked" in invoke(store_url, "user", "unlock", "li").output
    actions = [a for _actor, a, _t in stored(store_url)[2]]
    assert actions == ["user.create", "user.set_role", "user.lock", "user.unlock"]
