"""``tierwise prospects`` and ``tierwise analyses`` on the market of ``prospect_market`` (SQLite, then
PostgreSQL): exact scores and grades for scripts, an account manager (``--as wang``) who gets only their
own prospects and customers, the analyses per owner with a promotion window, and a bad window exiting 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from prospect_market import fill_market
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.store.db import create_store_engine, session_factory
from tierwise.store.people_models import Team, User

# the value models fitted on two customers do not pin their parameters down: the value tests' subject
pytestmark = pytest.mark.filterwarnings("ignore::tierwise.errors.ModelWarning")


@pytest.fixture
def market(store_url: str) -> str:
    fill_market(store_url)
    engine = create_store_engine(store_url)
    with session_factory(engine).begin() as session:
        east, north = Team(name="east"), Team(name="north")
        session.add_all([east, north])
        session.flush()
        session.add_all([User(name="wang", role="account_manager", team_id=east.id),
                         User(name="li", role="account_manager", team_id=north.id)])  # fmt: skip
    engine.dispose()
    return store_url


def invoke(url: str, *args: str):
    return CliRunner().invoke(app, [*args, "--db", url], catch_exceptions=True, env={"COLUMNS": "220"})


def test_the_prospects_for_scripts(market: str) -> None:
    done = invoke(market, "prospects", "--limit", "4", "--json")
    assert done.exit_code == 0, done.output
    found = json.loads(done.stdout)
    assert [(p["customer_id"], p["score"], p["grade"], p["lookalike"], p["develop"]) for p in found] == [
        ("P1", 110.0, "A", 0.9863, False),
        ("P4", 75.0, "A", 0.3779, False),
        ("P3", 50.0, "B", 0.1864, True),
        ("P5", 40.0, "B", 0.1319, False),
    ]
    graded = json.loads(invoke(market, "prospects", "--grade", "B", "--json").stdout)
    assert [p["customer_id"] for p in graded] == ["P3", "P5"]


def test_an_account_manager_sees_only_their_own_prospects(market: str) -> None:
    done = invoke(market, "prospects", "--as", "wang", "--by", "lookalike", "--json")
    found = json.loads(done.stdout)
    assert {p["owner"] for p in found} == {"wang"}
    assert (found[0]["customer_id"], found[0]["nearest_key_account"]) == ("P1", None)  # K1 is li's
    shown = invoke(market, "prospects", "--as", "li", "--lang", "zh")
    assert shown.exit_code == 0, shown.output
    assert "P4 Ltd (P4)" in shown.output and "P1" not in shown.output and "P3" not in shown.output
    assert "预算：商机金额 500,000" in shown.output


def test_the_analyses_per_owner_with_a_promotion(market: str) -> None:
    args = ("analyses", "--by", "owner", "--as-of", "2026-01-31", "--promotion", "Spring:2025-06-01:2025-06-30")
    found = json.loads(invoke(market, *args, "--json").stdout)
    # twelve purchases of 1,000 from 5 Jan 2025, every 30 days: 11 in the year to 31 Jan 2026
    assert [(s["code"], s["customers"], s["repeat_rate"], s["sales"]) for s in found["segments"]] == [
        ("li", 1, 1.0, 11000.0),
        ("wang", 1, 1.0, 11000.0),
    ]
    assert [(p["promotion"], p["segment"]) for p in found["promotions"]] == [("Spring", "li"), ("Spring", "wang")]
    mine = json.loads(invoke(market, *args, "--as", "wang", "--json").stdout)
    assert [s["code"] for s in mine["segments"]] == ["wang"]
    shown = invoke(market, *args)
    assert shown.exit_code == 0, shown.output
    assert "Figures per segment" in shown.output and "Promotion response" in shown.output


def test_a_bad_promotion_window_is_a_usage_error_with_the_reason(market: str) -> None:
    code = "import sys; from tierwise.cli import main; sys.argv[0] = 'tierwise'; main()"
    args = ["analyses", "--promotion", "Spring:2025-06-30:2025-06-01", "--db", market, "--lang", "zh"]
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    assert done.returncode == 2
    assert "促销期的格式为 名称:开始:结束" in done.stderr and "'Spring:2025-06-30:2025-06-01'" in done.stderr
