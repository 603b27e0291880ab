"""Scenarios 4 and 7: an account manager sees only their customers in the list and search and gets a 404
on another's card; they record a visit from the card and the plan shows the customer on track."""

from __future__ import annotations

import datetime as dt

import pytest
from browser import needs_chromium, screenshot
from sqlalchemy import create_engine, text

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def owners(demo_store: str) -> dict[str, list[str]]:
    engine = create_engine(demo_store)
    with engine.connect() as con:
        rows = con.execute(text("SELECT owner, customer_id FROM customers ORDER BY customer_id")).all()
    engine.dispose()
    out: dict[str, list[str]] = {}
    for owner, customer_id in rows:
        out.setdefault(owner, []).append(customer_id)
    return out


def test_an_account_manager_sees_only_their_customers_and_not_anothers_card(sign_in, server, owners) -> None:
    page = sign_in("li.wei")
    page.goto(f"{server.url}/customers")
    mine = owners["li.wei"]
    assert page.locator("#customer-count").inner_text().startswith(f"{len(mine):,} customers")
    ids = page.locator("#customers tbody tr td:first-child").all_inner_texts()
    assert ids == mine[:50]
    screenshot(page, "customers-en")
    # search for another manager's customer by its id: nothing
    someone_else = next(cid for owner, cids in owners.items() if owner != "li.wei" for cid in cids)
    page.fill("#q", someone_else)
    page.locator("#customer-count").filter(has_text="0 customers").wait_for()
    assert page.locator("#customers tbody td.muted").inner_text() == "No customer matches."
    response = page.goto(f"{server.url}/customers/{someone_else}")
    assert response.status == 404
    response = page.goto(f"{server.url}/customers/{mine[0]}")
    assert response.status == 200
    assert page.locator("h1 .muted").inner_text() == mine[0]


def test_a_director_pages_and_sorts_the_whole_list(sign_in, server) -> None:
    page = sign_in("zhao.director", lang="zh")
    page.goto(f"{server.url}/customers")
    assert page.locator("#customer-count").inner_text().startswith("2,000 位客户")
    page.get_by_role("link", name="下一页").click()
    page.locator(".pager").filter(has_text="第 2 页").wait_for()
    first = page.locator("#customers tbody tr td:first-child").first.inner_text()
    assert first == "C000051"
    page.get_by_role("link", name="客户编号").click()  # sorted by id already: now descending
    page.locator("th[aria-sort=descending]").wait_for()
    assert page.locator("#customers tbody tr td:first-child").first.inner_text() == "C002000"
    screenshot(page, "customers-zh")


def test_switching_language_keeps_the_filters_sort_and_page(sign_in, server) -> None:
    page = sign_in("zhao.director", lang="en")
    page.goto(f"{server.url}/customers?sort=name&desc=true&page=2")
    first = page.locator("#customers tbody tr td:first-child").first.inner_text()
    page.get_by_role("link", name="中文").click()
    page.wait_for_load_state()
    assert page.locator(".pager").filter(has_text="第 2 页").count() == 1
    assert page.locator("#customers tbody tr td:first-child").first.inner_text() == first
    assert all(part in page.url for part in ("sort=name", "desc=true", "page=2", "lang=zh"))


def test_a_visit_recorded_on_the_card_puts_the_customer_on_track(sign_in, server, owners) -> None:
    page = sign_in("li.wei", lang="en")
    page.goto(f"{server.url}/plan")
    # an overdue customer whose cadence is longer than what is left of the month: one visit today clears it
    rows = page.locator("tr[data-customer]").filter(has=page.locator(".status-overdue"))
    customer_id = next(
        row.get_attribute("data-customer") for row in rows.all() if int(row.get_attribute("data-every")) > 31
    )
    assert customer_id in owners["li.wei"]
    page.goto(f"{server.url}/customers/{customer_id}")
    screenshot(page, "customer-card-en")
    page.get_by_text("Record a visit").click()
    page.fill("input[name=contact_person]", "Manager Chen")
    page.fill("textarea[name=content]", "Reviewed the annual order; agreed a trial of the new line.")
    page.fill("input[name=next_step]", "Send the quotation")
    page.get_by_role("button", name="Save the visit").click()
    page.wait_for_load_state()
    page.locator(".notice").wait_for()
    assert "Reviewed the annual order" in page.locator("#visits table").inner_text()
    page.goto(f"{server.url}/plan")
    row = page.locator(f"tr[data-customer='{customer_id}']")
    assert row.locator(".badge").inner_text() == "on track"
    assert row.locator("td").nth(3).inner_text() == page_date(dt.date.today())  # the last contact: today


def page_date(day: dt.date) -> str:
    return f"{day:%b} {day.day}, {day.year}"  # Babel's medium English date


def test_a_complaint_recorded_on_the_card_is_corrected_there_in_either_language(sign_in, server, owners) -> None:
    page = sign_in("li.wei", lang="en")
    customer_id = owners["li.wei"][-1]
    page.goto(f"{server.url}/customers/{customer_id}")
    page.get_by_text("Record a complaint").click()
    page.fill("#complaints input[name=category]", "delivery")
    page.fill("#complaints textarea[name=description]", "The pumps came late")
    page.get_by_role("button", name="Save the complaint").click()
    page.locator(".notice").wait_for()
    row = page.locator("#complaint-list tr[data-complaint]").filter(has_text="The pumps came late")
    complaint_id = row.get_attribute("data-complaint")
    page.get_by_label(f"Correct complaint {complaint_id}").click()
    form = page.locator(f"tr[data-complaint-edit='{complaint_id}'] form")
    form.locator("textarea[name=description]").fill("The pumps came two weeks late")
    form.locator("input[name=cause]").fill("warehouse planning")
    form.locator("input[name=category]").fill("")
    screenshot(page, "customer-complaint-correct-en")
    form.get_by_role("button", name="Save the correction").click()
    page.locator(".notice").wait_for()
    cells = page.locator(f"#complaint-list tr[data-complaint='{complaint_id}'] td").all_inner_texts()
    assert cells[1:6] == ["", "The pumps came two weeks late", "warehouse planning", "", "open"]
    # an empty description is refused in the page's language, and nothing changes
    page.goto(f"{server.url}/customers/{customer_id}?lang=zh")
    page.get_by_label(f"更正抱怨 {complaint_id}").click()
    form = page.locator(f"tr[data-complaint-edit='{complaint_id}'] form")
    form.locator("textarea[name=description]").evaluate("area => { area.required = false; area.value = '  '; }")
    form.get_by_role("button", name="保存更正").click()
    assert page.locator(".alert").inner_text() == f"客户 {customer_id} 的抱怨：请描述客户抱怨的内容"
    cells = page.locator(f"#complaint-list tr[data-complaint='{complaint_id}'] td").all_inner_texts()
    assert cells[2:4] == ["The pumps came two weeks late", "warehouse planning"]
    screenshot(page, "customer-complaint-refused-zh")
