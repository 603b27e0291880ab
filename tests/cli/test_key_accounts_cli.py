"""The key-account commands on a store (SQLite, then PostgreSQL): the life cycle for scripts, and a refused
approval exiting 1 with the reason."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from archive_book import Book
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.store.people_models import Team, User


@pytest.fixture
def book(store_url: str):
    made = Book(store_url)
    with made.sessions.begin() as session:
        east = Team(name="east")
        session.add(east)
        session.flush()
        session.add_all([User(name="zhao", role="manager", team_id=east.id), User(name="wang", role="account_manager")])
    yield made
    made.engine.dispose()


def invoke(book: Book, *args: str):
    return CliRunner().invoke(app, [*args, "--db", book.url], catch_exceptions=True)


def test_the_life_cycle_from_the_command_line(book: Book) -> None:
    done = invoke(book, "key-account", "nominate", "C1", "--reason", "new plant", "--as", "wang")
    assert done.exit_code == 0, done.output
    assert done.output.strip() == "key account C1: nominated"
    assert invoke(book, "key-account", "evaluate", "C1", "--as", "wang").exit_code == 0
    done = invoke(book, "key-account", "approve", "C1", "--comment", "strategic", "--as", "zhao", "--lang", "zh")
    assert done.output.strip() == "大客户 C1：已批准"
    done = invoke(
        book, "key-account", "assign", "C1", "--owner", "wang", "--team", "east", "--member", "zhao=executive_sponsor",
        "--as", "zhao", "--json",
    )  # fmt: skip
    view = json.loads(done.output)
    assert (view["status"], view["members"]) == ("assigned", [["wang", "owner"], ["zhao", "executive_sponsor"]])
    listed = json.loads(invoke(book, "key-account", "list", "--status", "assigned", "--json").output)
    assert [v["customer_id"] for v in listed] == ["C1"]


def test_a_refused_approval_exits_1_with_the_reason(book: Book) -> None:
    invoke(book, "key-account", "nominate", "C1", "--reason", "new plant", "--as", "wang")
    invoke(book, "key-account", "evaluate", "C1", "--as", "wang")
    code = "import sys; from tierwise.cli import main; sys.argv[0] = 'tierwise'; main()"
    args = ["key-account", "approve", "C1", "--comment", "ok", "--as", "wang", "--db", book.url]
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    assert done.returncode == 1
    assert "wang (account_manager) may not approve a key account" in done.stderr


def test_the_decision_maker_map_from_the_command_line(book: Book) -> None:
    done = invoke(book, "contact", "add", "C1", "张伟", "--role", "decision maker", "--attitude", "opponent",
                  "--influence", "high", "--as", "wang", "--json")  # fmt: skip
    assert json.loads(done.output)["purchase_role"] == "decision_maker"
    found = json.loads(invoke(book, "contact", "coverage", "C1", "--json").output)
    assert found["missing_roles"] == ["influencer", "user", "gatekeeper", "budget_holder", "technical_evaluator"]
    assert [p["name"] for p in found["high_influence_opponents"]] == ["张伟"]
    text = invoke(book, "contact", "coverage", "C1", "--lang", "zh").output
    assert "没有联系人的角色：影响者, 使用者, 把关者, 预算掌控者, 技术评估者" in text


def test_the_plan_shows_the_months_greetings(book: Book) -> None:
    import datetime as dt

    from tierwise.store.models import Contact

    today = dt.date.today()
    book.add(Contact(customer_id="C1", name="张伟", birthday=dt.date(1980, today.month, min(today.day, 28))))
    text = invoke(book, "plan", "--month", f"{today:%Y-%m}", "--owner", "wang", "--lang", "zh").output
    assert "本月客户关怀" in text and "张伟" in text and "生日" in text
