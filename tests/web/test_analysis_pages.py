"""The analyses pages on the demo store: a director sees loyalty, cohorts, profit, future value and product
mix per class in charts, asks for a promotion window's response, and follows a cross-sell gap to the
customer's card, in English and Chinese; per account manager and on the churn page an account manager sees
only their own customers; the churn page draws the losses per quarter and links the win-back list to cards."""

from __future__ import annotations

from browser import needs_chromium, screenshot
from sqlalchemy import create_engine, text

pytestmark = needs_chromium
CHARTS = ["chart-loyalty", "chart-cohorts", "chart-profit", "chart-value", "chart-mix"]


def drawn(page, charts: list[str]) -> None:
    page.wait_for_function(f"document.querySelectorAll('.chart[data-drawn]').length === {len(charts)}")
    for chart in charts:
        box = page.locator(f"#{chart} canvas").first.bounding_box()
        assert box["width"] > 300 and box["height"] > 200, chart


def owned_by(url: str, owner: str) -> set[str]:
    engine = create_engine(url)
    with engine.connect() as con:
        ids = con.execute(text("SELECT customer_id FROM customers WHERE owner = :o"), {"o": owner}).scalars().all()
    engine.dispose()
    return set(ids)


def test_a_director_sees_the_analyses_per_class_and_a_promotions_response(sign_in, page_errors, server) -> None:
    page = page_errors(sign_in("zhao.director", lang="en"))
    page.get_by_role("link", name="Analyses").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Analyses"
    drawn(page, CHARTS)
    classes = page.locator("#segments tbody tr td:first-child").all_inner_texts()
    assert classes[:2] == ["Diamond", "Platinum"] or len(classes) >= 2
    page.get_by_label("Promotion", exact=True).fill("Double 11")
    page.get_by_label("From", exact=True).fill("2025-11-01")
    page.get_by_label("To", exact=True).fill("2025-11-30")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_load_state()
    drawn(page, [*CHARTS, "chart-uplift"])
    assert "Double 11" in page.locator("script[data-chart-for=chart-uplift]").inner_text()
    screenshot(page, "analyses-en")
    page.goto(page.url + "&lang=zh")  # the language links keep the page, not its query
    drawn(page, [*CHARTS, "chart-uplift"])
    assert page.locator("h1").inner_text() == "分析"
    assert page.locator("nav.menu a[aria-current=page]").inner_text() == "分析"
    screenshot(page, "analyses-zh")
    first_gap = page.locator("#gaps tbody tr a").first
    customer = first_gap.get_attribute("href")
    first_gap.click()
    page.wait_for_load_state()
    assert page.url.endswith(customer)
    assert page_errors.errors == []


def test_an_account_manager_analyses_only_their_customers(sign_in, demo_store: str) -> None:
    own = owned_by(demo_store, "li.wei")
    page = sign_in("li.wei")
    page.goto("/".join(page.url.split("/")[:3]) + "/analyses?by=owner")
    assert page.locator("#segments tbody tr td:first-child").all_inner_texts() == ["li.wei"]
    linked = {a.get_attribute("href").rsplit("/", 1)[1] for a in page.locator("#gaps tbody a").all()}
    assert linked and linked <= own


def test_the_churn_page_draws_losses_and_links_the_win_back_list(sign_in, page_errors, demo_store: str) -> None:
    page = page_errors(sign_in("zhao.director", lang="zh"))
    base = "/".join(page.url.split("/")[:3])
    page.goto(base + "/churn")
    assert page.locator("h1").inner_text() == "流失与挽回"
    drawn(page, ["chart-lost", "chart-traits"])
    assert page.locator("#win-back tbody tr").count() > 0
    screenshot(page, "churn-zh")
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    drawn(page, ["chart-lost", "chart-traits"])
    assert page.locator("h1").inner_text() == "Churn and win-back"
    screenshot(page, "churn-en")
    link = page.locator("#win-back tbody tr a").first
    href = link.get_attribute("href")
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith(href)
    assert page_errors.errors == []
    own = owned_by(demo_store, "li.wei")
    manager = sign_in("li.wei")
    manager.goto(base + "/churn")
    listed = {a.get_attribute("href").rsplit("/", 1)[1] for a in manager.locator("#win-back tbody a").all()}
    assert listed and listed <= own


def test_a_promotion_window_ending_before_it_starts_is_refused_in_the_page_language(sign_in) -> None:
    page = sign_in("zhao.director", lang="zh")
    base = "/".join(page.url.split("/")[:3])
    page.goto(base + "/analyses?promotion=Late&start=2025-11-30&end=2025-11-01")
    assert page.get_by_role("alert").inner_text() == "促销期需要名称、开始日期和不早于开始日期的结束日期。"
    assert page.locator("#chart-uplift").count() == 0
    assert page.get_by_label("促销活动", exact=True).input_value() == "Late"  # what was typed stays


def test_the_cohorts_of_one_class_are_a_smaller_matrix(sign_in) -> None:
    page = sign_in("zhao.director")
    base = "/".join(page.url.split("/")[:3])
    page.goto(base + "/analyses")
    drawn(page, CHARTS)
    every = page.locator("script[data-chart-for=chart-cohorts]").inner_text()
    page.get_by_label("Customers of").select_option(label="diamond")
    page.wait_for_url("**cohort=**")
    drawn(page, CHARTS)
    diamond = page.locator("script[data-chart-for=chart-cohorts]").inner_text()
    assert diamond != every and "(416)" in every and "(416)" not in diamond  # 2023Q1: 416 new buyers in all
