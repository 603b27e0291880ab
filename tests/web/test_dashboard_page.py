"""Scenario 1: a director signs in, sees the dashboard's charts drawn without a console error, switches to
Chinese and sees Chinese labels and numbers formatted for Chinese; an account manager's dashboard counts
only their own customers."""

from __future__ import annotations

import re

from browser import needs_chromium, screenshot
from sqlalchemy import create_engine, text

pytestmark = needs_chromium
CHARTS = ["chart-classes", "chart-curves", "chart-sankey", "chart-complaints", "chart-nps"]


def drawn(page) -> None:
    page.wait_for_function(f"document.querySelectorAll('.chart[data-drawn]').length === {len(CHARTS)}")
    for chart in CHARTS:
        box = page.locator(f"#{chart} canvas").first.bounding_box()
        assert box["width"] > 300 and box["height"] > 200, chart


def test_a_director_sees_every_chart_and_switches_to_chinese(sign_in, page_errors) -> None:
    page = page_errors(sign_in("zhao.director", lang="en"))
    assert page.locator("h1").inner_text() == "Dashboard"
    drawn(page)
    kpis = dict(zip(page.locator(".kpi .label").all_inner_texts(), page.locator(".kpi .value").all_inner_texts()))
    assert kpis["Customers"] == "2,000"
    assert re.fullmatch(r"\d+(\.\d)?%", kpis["Sales of the top 20% of customers"])
    screenshot(page, "dashboard-en")
    page.get_by_role("link", name="中文").click()
    page.wait_for_load_state()
    drawn(page)
    assert page.locator("h1").inner_text() == "总览"
    kpis = dict(zip(page.locator(".kpi .label").all_inner_texts(), page.locator(".kpi .value").all_inner_texts()))
    assert kpis["客户数"] == "2,000"
    assert re.fullmatch(r"[\d.]+(万|亿)", kpis["近12个月销售额"])  # compact Chinese units
    assert page.locator("nav.menu a[aria-current=page]").inner_text() == "总览"
    screenshot(page, "dashboard-zh")
    assert page_errors.errors == []


def test_an_account_manager_counts_only_their_own_customers(sign_in, demo_store: str) -> None:
    engine = create_engine(demo_store)
    with engine.connect() as con:
        owned = con.execute(text("SELECT count(*) FROM customers WHERE owner = 'li.wei'")).scalar_one()
    engine.dispose()
    page = sign_in("li.wei")
    assert 0 < owned < 2000
    assert page.locator(".kpi .value").first.inner_text() == f"{owned:,}"
    assert [a.inner_text() for a in page.locator("nav.menu a").all()] == [
        "Dashboard",
        "Customer list",
        "Contact plan",
        "Key accounts",
        "Review list",
        "Prospect qualification",
        "Analyses",
        "Policies",
        "Runs",
        "Lobby",
        "Identity check",
    ]
