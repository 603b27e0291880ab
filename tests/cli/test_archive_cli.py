"""The archive's commands on a store (SQLite, then PostgreSQL): cards, surveys, the plan and the alerts."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from archive_book import Book
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.errors import RecordError

TODAY = dt.date.today()  # the commands run on the real clock: dates here are relative to it


@pytest.fixture
def book(store_url: str):
    made = Book(store_url)
    yield made
    made.engine.dispose()


def invoke(book: Book, *args: str):
    return CliRunner().invoke(app, [*args, "--db", book.url], catch_exceptions=True)


def test_cards_and_surveys_from_the_command_line(book: Book) -> None:
    done = invoke(
        book,
        "visit",
        "add",
        "C1",
        "--date",
        "2026-03-01",
        "--contact",
        "张经理",
        "--next-date",
        "2026-03-08",
        "--as",
        "wang",
    )
    assert done.exit_code == 0, done.output
    assert "of customer C1 on 2026-03-01 recorded" in done.output
    opened = (TODAY - dt.timedelta(days=20)).isoformat()
    done = invoke(book, "complaint", "add", "C2", "--description", "交货延迟", "--date", opened, "--json")
    complaint = json.loads(done.output)
    assert (complaint["status"], complaint["date"]) == ("open", opened)
    refused = invoke(book, "complaint", "status", complaint["complaint_id"], "closed")
    assert isinstance(refused.exception, RecordError)
    assert "from open it can move to: in_progress, resolved" in str(refused.exception)
    moved = invoke(book, "complaint", "status", complaint["complaint_id"], "in_progress", "--lang", "zh")
    assert f"抱怨 {complaint['complaint_id']} 现在的状态为 in_progress" in moved.output
    bad = invoke(book, "survey", "add", "C1", "--csat", "6")
    assert "csat must be a whole number from 1 to 5, not 6" in str(bad.exception)
    assert invoke(book, "survey", "add", "C1", "--date", "2026-03-02", "--csat", "5", "--nps", "9").exit_code == 0
    summary = json.loads(invoke(book, "surveys", "summary", "--json").output)
    assert summary["quarters"] == [
        {
            "group": "wang",
            "quarter": "2026Q1",
            "answers": 1,
            "avg_csat": 5.0,
            "nps": 100.0,
            "csat_change": None,
            "nps_change": None,
        }
    ]
    card = json.loads(invoke(book, "card", "show", "C1", "--no-value", "--json").output)
    assert (card["record"]["owner"], card["visits"][0]["contact_person"], card["visits"][0]["recorded_by"]) == (
        "wang",
        "张经理",
        "wang",
    )
    shown = invoke(book, "card", "show", "C1", "--no-value")
    assert shown.exit_code == 0 and "华东机电有限公司" in shown.output


def test_plan_and_alerts_from_the_command_line(book: Book) -> None:
    book.save_run("china-post", dt.date(2026, 2, 28), {"C1": "diamond", "C2": "gold"})
    invoke(book, "visit", "add", "C1", "--date", "2026-03-01", "--next-date", "2026-03-08")
    # March 2026 is past: the plan is seen from its last day. C1: diamond weekly from 1 March → due 8 March,
    # 23 days overdue on 31 March; C2 never visited: due since 28 Feb, 31 days overdue
    plan = json.loads(invoke(book, "plan", "--month", "2026-03", "--owner", "wang", "--json").output)
    entries = [
        (e["customer_id"], e["due_date"], e["status"], e["days_overdue"]) for e in plan["managers"][0]["entries"]
    ]
    assert entries == [("C2", "2026-02-28", "overdue", 31), ("C1", "2026-03-08", "overdue", 23)]
    shown = invoke(book, "plan", "--month", "2026-03", "--owner", "wang", "--lang", "zh")
    assert shown.exit_code == 0, shown.output
    assert "2026-03 联系计划" in shown.output and "逾期" in shown.output
    found = json.loads(invoke(book, "alerts", "--owner", "wang", "--json").output)
    assert [(a["kind"], a["customer_id"], a["date"]) for a in found] == [("visit_overdue", "C1", "2026-03-08")]
    assert found[0]["clear"] == "visit the customer and record it (tierwise visit add) dated 2026-03-08 or later"
    assert invoke(book, "alerts", "--owner", "li").output.strip() == "No alerts."


def test_a_refused_change_exits_1_with_the_reason(book: Book) -> None:
    code = "import sys; from tierwise.cli import main; sys.argv[0] = 'tierwise'; main()"
    args = ["complaint", "status", "K404", "resolved", "--db", book.url]
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    assert done.returncode == 1
    assert "unknown complaint K404" in done.stderr
    usage = subprocess.run(
        [sys.executable, "-c", code, "plan", "--month", "March", "--db", book.url], capture_output=True, text=True
    )
    assert usage.returncode == 2
    assert "not a month: 'March'; write it as YYYY-MM" in usage.stderr
