"""The quarterly key-account review in the browser: a manager approves a nomination with a comment (an
account manager cannot), the review list shows the account whose review is due, the decision is in the
audit log; the customer card shows the decision-maker coverage and the visit brief prints on one page."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from browser import needs_chromium, screenshot
from sqlalchemy import create_engine, text

from tierwise.config import Settings
from tierwise.security.permissions import Actor
from tierwise.services.contacts import add_contact
from tierwise.services.context import ServiceContext
from tierwise.services.key_accounts import assign, decide, evaluate, nominate
from tierwise.services.users import create_team, set_team
from tierwise.store.db import create_store_engine, session_factory

pytestmark = needs_chromium
TEAM = "east"


@pytest.fixture(scope="module")
def accounts(demo_store: str) -> dict[str, str]:
    """li.wei's customers in team east with sun.manager its manager; the first nominated and under
    evaluation, the second an assigned key account whose review was due last quarter; contacts on the first."""
    engine = create_store_engine(demo_store)
    with engine.begin() as con:
        mine = [
            r[0]
            for r in con.execute(text("SELECT customer_id FROM customers WHERE owner = 'li.wei' ORDER BY customer_id"))
        ]
        con.execute(text("UPDATE customers SET team = :t WHERE owner = 'li.wei'"), {"t": TEAM})
    settings = Settings(database_url=demo_store, engine="duckdb")
    system = ServiceContext.system(settings, sessions=session_factory(engine))
    create_team(system, TEAM)
    set_team(system, "sun.manager", TEAM)
    nominated, due = mine[0], mine[1]
    long_ago = dt.datetime(2025, 6, 30, 9, tzinfo=dt.UTC)
    manager = ServiceContext(
        settings=settings, sessions=session_factory(engine), actor=Actor("sun.manager", "manager", frozenset({TEAM}))
    )
    past = ServiceContext(settings=settings, sessions=manager.sessions, actor=manager.actor, clock=lambda: long_ago)
    nominate(past, due, ["annual contract above 1,000,000"])
    evaluate(past, [due])
    decide(past, due, approve=True, comment="our largest buyer in the region")
    assign(past, due, owner="li.wei", team=TEAM, members={"wang.fang": "service"})
    nominate(system, nominated, ["sales grew 40% in a year", "asks for a framework agreement"])
    evaluate(system, [nominated])
    today = system.now().date()
    add_contact(system, nominated, "Zhou Min", title="CFO", purchase_role="budget_holder", attitude="opponent",
                influence="high")  # fmt: skip
    add_contact(system, nominated, "Qian Lei", title="Plant manager", purchase_role="user", attitude="supporter",
                influence="mid", last_contact=today - dt.timedelta(days=200))  # fmt: skip
    engine.dispose()
    return {"nominated": nominated, "due": due}


def audit_rows(url: str, action: str) -> list[tuple[str, str, dict]]:
    engine = create_engine(url)
    with engine.connect() as con:
        rows = con.execute(
            text("SELECT actor, target_id, after FROM audit WHERE action = :a ORDER BY seq"), {"a": action}
        )
        out = [(a, t, json.loads(x) if isinstance(x, str) else x) for a, t, x in rows]
    engine.dispose()
    return out


def test_an_account_manager_sees_their_accounts_and_cannot_approve(
    sign_in, server, accounts, demo_store, page_errors
) -> None:
    page = page_errors(sign_in("li.wei"))
    page.goto(f"{server.url}/key-accounts")
    mine = page.locator("#mine-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.customer)")
    assert {accounts["nominated"], accounts["due"]} <= set(mine)
    page.goto(f"{server.url}/key-accounts/{accounts['nominated']}")
    assert page.locator("#ka-status").inner_text() == "under evaluation"
    assert "sales grew 40% in a year" in page.locator("main").inner_text()
    assert page.locator("#evidence .kpi").count() == 4
    assert page.get_by_role("button", name="Approve").count() == 0
    screenshot(page, "key-account-en")
    # the form sent anyway is refused by the service, and nothing is recorded
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "tierwise_csrf")
    answer = page.request.post(
        f"{server.url}/key-accounts/{accounts['nominated']}/decision",
        form={"decision": "approve", "comment": "looks good", "csrf_token": csrf},
    )
    assert answer.status == 400
    assert "li.wei (account_manager) may not approve a key account" in answer.text()
    assert [t for _, t, _ in audit_rows(demo_store, "key_account.approve")] == [accounts["due"]]
    assert page_errors.errors == []


def test_the_quarterly_review_end_to_end(sign_in, server, accounts, demo_store, page_errors) -> None:
    page = page_errors(sign_in("sun.manager", lang="zh"))
    page.goto(f"{server.url}/key-accounts")
    to_decide = page.locator("#to-decide-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.customer)")
    assert to_decide == [accounts["nominated"]]
    due = page.locator("#reviews-due-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.customer)")
    assert due == [accounts["due"]]
    screenshot(page, "key-accounts-zh")
    page.locator(f"#to-decide-table a[href='/key-accounts/{accounts['nominated']}']").click()
    page.wait_for_load_state()
    screenshot(page, "key-account-zh")
    # a decision without a comment is not sent; with one it is recorded
    page.get_by_role("button", name="批准").click()
    assert page.locator("#ka-status").inner_text() == "评估中"
    page.fill("textarea[name=comment]", "三年合作稳定，回款及时")
    page.get_by_role("button", name="批准").click()
    page.wait_for_load_state()
    page.locator(".notice").wait_for()
    assert page.locator("#ka-status").inner_text() == "已批准"
    assert page.locator("#decision-comment").inner_text() == "三年合作稳定，回款及时"
    approved = audit_rows(demo_store, "key_account.approve")
    assert [(a, t, x["decision_comment"]) for a, t, x in approved][-1] == (
        "sun.manager",
        accounts["nominated"],
        "三年合作稳定，回款及时",
    )
    # the review list: the account whose review date passed, with the cost-to-serve review beside it
    page.goto(f"{server.url}/key-accounts/reviews?lang=en&as_of=2025-12-31")
    listed = page.locator("#due-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.customer)")
    assert listed == [accounts["due"]]
    losing = page.locator("#cost-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.customer)")
    assert losing, "the demo book has customers whose visits cost more than they bring"
    assert page.locator("#cost h2").inner_text() == f"Cost-to-serve review {len(losing)}"
    screenshot(page, "key-account-reviews-en")
    row = page.locator(f"#cost-{losing[0]}")
    row.get_by_text("Decide").click()
    row.get_by_label("Measure").select_option("self_service_channel")
    row.get_by_label("Comment (required)").fill("Small orders: move to the online shop")
    row.get_by_role("button", name="Record the decision").click()
    page.wait_for_load_state()
    page.locator(".notice").wait_for()
    assert "move to a self-service channel" in page.locator(f"#cost-{losing[0]} .decided").inner_text()
    decided = audit_rows(demo_store, "service_cost.decide")
    assert [(a, t, x["action"], x["comment"]) for a, t, x in decided] == [
        ("sun.manager", losing[0], "self_service_channel", "Small orders: move to the online shop")
    ]
    page.goto(f"{server.url}/key-accounts/{accounts['due']}")
    page.fill("#review textarea[name=comment]", "Still our largest buyer: keep, visit monthly")
    page.get_by_role("button", name="Keep as a key account").click()
    page.wait_for_load_state()
    page.locator(".notice").wait_for()
    reviewed = audit_rows(demo_store, "key_account.review")
    assert [(a, t) for a, t, _ in reviewed][-1] == ("sun.manager", accounts["due"])
    page.goto(f"{server.url}/key-accounts/reviews?lang=zh")
    assert page.locator("#due-table").count() == 0  # reviewed: off the list
    screenshot(page, "key-account-reviews-zh")
    page.goto(f"{server.url}/key-accounts?lang=en")
    screenshot(page, "key-accounts-en")
    assert page_errors.errors == []


def test_the_card_shows_the_decision_makers_and_the_brief_prints(sign_in, server, accounts, page_errors) -> None:
    cid = accounts["nominated"]
    for lang in ("en", "zh"):
        page = page_errors(sign_in("li.wei", lang=lang))
        page.goto(f"{server.url}/customers/{cid}")
        page.locator("#coverage").wait_for()
        gaps = page.locator("#coverage li")
        if lang == "en":
            texts = gaps.all_inner_texts()
            assert "No contact for the role: decision maker" in texts
            assert "Opponent with high influence: Zhou Min" in texts
            assert any(t.startswith("Supporter Qian Lei not met for 200 days") for t in texts)
        page.locator("#decision-makers").scroll_into_view_if_needed()
        screenshot(page, f"customer-decision-makers-{lang}")
        page.goto(f"{server.url}/customers/{cid}/brief?objective=Agree+the+framework+agreement&lang={lang}")
        assert page.locator("#brief-objective").inner_text() == "Agree the framework agreement"
        people = page.locator("#brief-people tbody tr td:first-child").all_inner_texts()
        assert [p.split(" ")[0] for p in people] == ["Zhou", "Qian"]  # the budget holder first
        screenshot(page, f"visit-brief-{lang}")
        page.emulate_media(media="print")
        assert page.locator("header.topbar").is_hidden() and page.locator("#brief-form").is_hidden()
        assert page.locator("#brief").is_visible()
        page.emulate_media(media="screen")
    assert page_errors.errors == []
    # another account manager's customer: not found
    other = sign_in("wang.fang")
    assert other.goto(f"{server.url}/customers/{cid}/brief").status == 404
    assert other.goto(f"{server.url}/key-accounts/{cid}").status == 404


def test_the_review_list_leads_to_churn_and_win_back_of_the_team(
    sign_in, server, accounts, demo_store, page_errors
) -> None:
    page = page_errors(sign_in("sun.manager"))
    page.goto(f"{server.url}/key-accounts/reviews?as_of=2025-12-31")
    page.locator("#chart-cost-whale canvas").first.wait_for()  # the whale curve redrawn after the cost to serve
    legend = page.locator("script[data-chart-for=chart-cost-whale]").inner_text()
    assert "Gross profit" in legend and "Profit after the cost to serve" in legend
    page.locator("#cost-whale").scroll_into_view_if_needed()
    screenshot(page, "key-account-reviews-whale-en")
    page.get_by_role("link", name="Churn and win-back").click()
    page.wait_for_load_state()
    assert page.locator("#as_of").input_value() == "2025-12-31"
    engine = create_store_engine(demo_store)
    with engine.connect() as con:
        team = {r[0] for r in con.execute(text("SELECT customer_id FROM customers WHERE team = :t"), {"t": TEAM})}
    engine.dispose()
    listed = {a.get_attribute("href").rsplit("/", 1)[1] for a in page.locator("#win-back tbody a").all()}
    assert listed and listed <= team  # the manager's team only
    assert page_errors.errors == []


def test_an_account_manager_adds_a_decision_maker_from_the_card(
    sign_in, server, accounts, demo_store, page_errors
) -> None:
    cid = accounts["nominated"]
    page = page_errors(sign_in("li.wei"))
    page.goto(f"{server.url}/customers/{cid}")
    page.locator("#coverage").wait_for()
    assert "No contact for the role: decision maker" in page.locator("#coverage li").all_inner_texts()
    added = len(audit_rows(demo_store, "contact.add"))
    page.get_by_text("Add a contact").click()
    form = page.locator("#decision-makers form")
    form.get_by_label("Name").fill("Sun Hao")
    form.get_by_label("Role in the purchase").select_option("decision_maker")
    form.get_by_label("Attitude").select_option("supporter")
    form.get_by_role("button", name="Save the contact").click()
    page.wait_for_url(f"**/customers/{cid}?saved=contact#decision-makers")
    page.locator("#coverage").wait_for()
    assert "No contact for the role: decision maker" not in page.locator("#coverage li").all_inner_texts()
    rows = audit_rows(demo_store, "contact.add")
    assert len(rows) == added + 1 and rows[-1][0] == "li.wei"
    assert rows[-1][2]["name"] == "Sun Hao" and rows[-1][2]["purchase_role"] == "decision_maker"
    assert page_errors.errors == []
