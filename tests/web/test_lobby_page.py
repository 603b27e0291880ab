"""The lobby page on a 10-inch tablet: a walk-in routed at once from toggles and the amount pad."""

from __future__ import annotations

import pytest
from browser import needs_chromium, screenshot

pytestmark = needs_chromium
TABLET = {"width": 1280, "height": 800}


@pytest.fixture
def lobby(sign_in, page_errors):
    page = page_errors(sign_in("xu.lobby", lang="zh", viewport=TABLET))
    assert page.url.endswith("/lobby")  # the lobby role lands on its one page
    return page


def test_vip_card_small_deposit_and_forex_go_to_the_vip_flow(lobby, page_errors) -> None:
    assert lobby.locator(".flow-waiting").is_visible()
    lobby.get_by_text("持VIP卡").click()
    lobby.get_by_text("存款", exact=True).click()
    lobby.get_by_text("外汇业务").click()
    for key in ["5", "000"]:
        lobby.locator(f".pad button[data-key='{key}']").click()
    lobby.locator(".flow-vip").wait_for()
    assert lobby.locator("#amount").input_value() == "5000"
    assert lobby.locator(".flow-label").inner_text() == "VIP客户"
    assert "引导至VIP区" in lobby.locator(".next-step").inner_text()
    reasons = lobby.locator(".reasons li").all_inner_texts()
    assert reasons[0] == "持有VIP卡"
    assert any("外汇业务" in r for r in reasons)
    screenshot(lobby, "lobby-zh")
    assert page_errors.errors == []


def test_the_pad_types_ten_thousands_and_next_customer_clears(lobby, server, page_errors) -> None:
    lobby.goto(f"{server.url}/lobby?lang=en")
    lobby.get_by_text("remittance", exact=True).click()
    lobby.locator(".pad button[data-key='8']").click()
    lobby.locator(".pad button[data-key='wan']").click()  # 8 × 10,000
    lobby.locator(".flow-potential_vip").wait_for()
    assert lobby.locator("#amount").input_value() == "80000"
    assert lobby.locator(".flow-label").inner_text() == "potential VIP customer"
    screenshot(lobby, "lobby-en")
    lobby.get_by_role("button", name="Next customer").click()
    lobby.locator(".flow-waiting").wait_for()
    assert lobby.locator("#amount").input_value() == ""
    assert lobby.locator("input:checked").count() == 0
    assert page_errors.errors == []


def test_a_mistyped_amount_is_named_not_routed(lobby, server) -> None:
    lobby.goto(f"{server.url}/lobby?lang=en")
    lobby.locator("#amount").fill("12a")
    lobby.locator("#amount").dispatch_event("change")
    lobby.locator(".flow-error").wait_for()
    assert "the amount '12a' is not a number" in lobby.locator(".flow-error").inner_text()


def test_the_lobby_page_needs_a_signed_in_lobby_or_account_manager(browser, server, sign_in) -> None:
    anonymous = browser.new_page()
    anonymous.goto(f"{server.url}/lobby")
    assert "/login?next=/lobby" in anonymous.url
    anonymous.close()
    analyst = sign_in("zhao.director")
    response = analyst.goto(f"{server.url}/lobby")
    assert response.status == 403
