"""The prospects page on a hand-made market: an account manager opens it from the menu and sees only their
own prospects with the exact scores, grades, reasons and look-alike scores (a key account of another
manager is not named), in English and Chinese; ordering by look-alike puts the planted twin of a key
account first; the contact plan's new-account development counts the prospect to develop and links here.

The qualified-customer profile: industry 25, size 25, region 10, needs 25, budget 15, look-alike ≥ 0.5 10
points; A ≥ 70, B ≥ 40. K1 (li.wei) and K2 (wang.fang) are approved key accounts; wang.fang's prospects:
P1 (K1's twin) 110 → A, P3 50 → B and to develop, P5 40 → B at the bound; li.wei's: P4 75 → A, P2 0 → C.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from browser import needs_chromium, screenshot

from tierwise.config import Settings

pytestmark = needs_chromium
NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
PASSWORD = "correct horse battery staple"  # the web tests' sign_in password
USERS = {"zhao.director": "analyst", "sun.manager": "manager", "li.wei": "account_manager",
         "wang.fang": "account_manager"}  # fmt: skip
FIRMS = [  # id, owner, industry, region, employees, revenue
    ("K1", "li.wei", "manufacturing", "east", 500, "80000000"),
    ("K2", "wang.fang", "logistics", "north", 1200, "300000000"),
    ("P1", "wang.fang", "Manufacturing", "East", 510, "81000000"),
    ("P2", "li.wei", "retail", "south", 20, "1000000"),
    ("P3", "wang.fang", "manufacturing", "west", 5000, "2000000000"),
    ("P4", "li.wei", "logistics", "north", 150, "40000000"),
    ("P5", "wang.fang", "energy", "west", 10, "1000000"),
]


@pytest.fixture(scope="module")
def web_settings(tmp_path_factory) -> Settings:
    """A store holding the market and the users of the web tests."""
    from tierwise.services.context import ServiceContext
    from tierwise.services.database import upgrade_database
    from tierwise.services.users import create_user
    from tierwise.store.account_models import KeyAccount
    from tierwise.store.db import create_store_engine, session_factory
    from tierwise.store.models import Customer, Opportunity

    url = f"sqlite:///{tmp_path_factory.mktemp('prospects') / 'tierwise.db'}"
    settings = Settings(dev=False, database_url=url)
    engine = create_store_engine(url)
    ctx = ServiceContext.system(settings, sessions=session_factory(engine))
    upgrade_database(ctx)
    with ctx.sessions.begin() as session:
        session.add_all(
            [Customer(customer_id=c, name=f"{c} Ltd", owner=o, industry=i, region=r, employees=e,
                      annual_revenue=Decimal(v)) for c, o, i, r, e, v in FIRMS]
        )  # fmt: skip
        session.flush()  # the customers before the rows that refer to them
        session.add_all(
            [Opportunity(opportunity_id=f"O{c}", customer_id=c, stage="proposal", objective_need="yes",
                         subjective_need=s, amount=Decimal(a))
             for c, s, a in (("P1", "high", "600000"), ("P2", "low", "100000"), ("P4", "mid", "500000"),
                             ("P5", "low", "500000"))]
            + [KeyAccount(customer_id=k, status="approved", nominated_at=NOW, nominated_by="sun.manager",
                          updated_at=NOW, nomination_reasons=["by hand"]) for k in ("K1", "K2")]
        )  # fmt: skip
    for name, role in USERS.items():
        create_user(ctx, name, role=role, password=PASSWORD)
    engine.dispose()
    return settings


def rows(page) -> list[tuple[str, str, str, str]]:
    """(customer, score, grade, look-alike) of each row of the prospects table."""
    cells = ("[data-score]", "[data-grade]", "[data-lookalike]")
    return [
        (row.get_attribute("data-customer"), *(row.locator(c).inner_text() for c in cells))
        for row in page.locator("#prospects tbody tr").all()
    ]


def test_an_account_manager_qualifies_their_prospects(sign_in, page_errors) -> None:
    page = page_errors(sign_in("wang.fang", lang="en"))
    page.get_by_role("link", name="Prospect qualification").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Prospect qualification"
    assert rows(page) == [("P1", "110", "A", "0.99"), ("P3", "50", "B", "0.22"), ("P5", "40", "B", "0.16")]
    assert page.locator("#prospect-P1 [data-lookalike] a").count() == 0  # K1 is li.wei's: not named
    assert page.locator("#prospect-P1 .reasons li").all_inner_texts()[-1] == (
        "traits close to an approved key account's (look-alike 0.99)"
    )
    assert page.locator("[data-develop]").count() == 1
    assert page.locator("#prospect-P3 [data-develop]").inner_text() == "to develop"
    screenshot(page, "prospects-en")
    page.select_option("#by", "lookalike")
    page.select_option("#grade", "B")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    assert [r[0] for r in rows(page)] == ["P3", "P5"]
    page.get_by_role("link", name="中文").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "潜在客户评估"
    assert page.locator("#prospect-P3 [data-develop]").inner_text() == "待开发"
    screenshot(page, "prospects-zh")
    assert page_errors.errors == []


def test_the_other_account_manager_and_the_plan(sign_in, server) -> None:
    page = sign_in("li.wei")
    page.goto(f"{server.url}/prospects")
    assert [r[0] for r in rows(page)] == ["P4", "P2"]
    assert page.locator("#prospect-P4 [data-lookalike] a").count() == 0  # K2 is wang.fang's
    director = sign_in("zhao.director")
    director.goto(f"{server.url}/prospects?by=lookalike")
    assert rows(director)[0][0] == "P1"
    assert director.locator("#prospect-P1 [data-lookalike] a").inner_text() == "K1"  # the twin's key account
    plan = sign_in("wang.fang")
    plan.goto(f"{server.url}/plan?month=2026-03")
    new = plan.locator("tr[data-group=new]").first
    assert new.locator("td").nth(1).inner_text() == "1"
    new.get_by_role("link").click()
    plan.wait_for_load_state()
    assert plan.url.endswith("/prospects")
