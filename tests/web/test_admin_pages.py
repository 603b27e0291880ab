"""Scenario 5 and the pages around it: a manager reveals a phone number with a reason and the administrator
finds that reveal in the audit log, whose chain verifies; one's own settings (a language kept over a new
sign-in, a token made and revoked); the lobby's identity check (right answers pass, three wrong attempts
lock); the export of an account manager's filtered list (their rows only, phones masked)."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from browser import needs_chromium, screenshot
from sqlalchemy import create_engine, text

from tierwise.config import Settings
from tierwise.services.sealed_data import keyring_of, open_value

pytestmark = needs_chromium
PASSWORD = "correct horse battery staple"  # the demo users' (tests/web/conftest.py)
MASKED_PHONE = re.compile(r"^\d{3}\*{4}\d{4}$")


@pytest.fixture(scope="module")
def web_settings(demo_store: str, tmp_path_factory) -> Settings:
    """A copy of the demo store of its own (these tests change users and teams), where li.wei's customers
    are in the east team."""
    copy = tmp_path_factory.mktemp("admin") / "tierwise.db"
    with sqlite3.connect(demo_store.removeprefix("sqlite:///")) as source, sqlite3.connect(copy) as target:
        source.backup(target)  # the whole database, also what its write-ahead log still holds
    url = f"sqlite:///{copy}"
    engine = create_engine(url)
    with engine.begin() as con:
        con.execute(text("UPDATE customers SET team = 'east' WHERE owner = 'li.wei'"))
    engine.dispose()
    return Settings(dev=False, database_url=url)


@pytest.fixture(scope="module")
def store(web_settings: Settings):
    engine = create_engine(web_settings.database_url)
    yield engine
    engine.dispose()


def _plain_phone(settings: Settings, store, customer_id: str) -> str:
    with store.connect() as con:
        sealed = con.execute(text("SELECT phone FROM customers WHERE customer_id = :c"), {"c": customer_id}).scalar()
    return open_value(keyring_of(settings), "phone", customer_id, sealed)


def _both_languages(page, name: str) -> None:
    """Screenshots of the page as it stands in English and in Chinese (the switch), then back in English."""
    base = page.url.split("?")[0].split("#")[0]
    page.goto(f"{base}?lang=zh")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    screenshot(page, f"{name}-zh")
    page.goto(f"{base}?lang=en")
    screenshot(page, f"{name}-en")


def test_a_manager_reveals_a_phone_and_the_admin_finds_it_in_the_audit_log(
    sign_in, server, web_settings, store, page_errors
) -> None:
    admin = page_errors(sign_in("admin"))
    assert [a.inner_text() for a in admin.locator(".menu a").all()][-2:] == ["Users", "Audit log"]
    admin.goto(f"{server.url}/admin/users")
    admin.fill("input[name=name] >> nth=-1", "east")  # the new team's field
    admin.get_by_role("button", name="Create the team").click()
    assert admin.locator(".notice").inner_text() == "Team east is created."
    row = admin.locator("tr[data-user='sun.manager']")
    row.get_by_label("Team of sun.manager").select_option("east")
    row.get_by_role("button", name="Save").click()
    assert admin.locator(".notice").inner_text() == "User sun.manager is changed."
    assert admin.locator("tr[data-user='sun.manager'] select[name=team]").input_value() == "east"
    admin.get_by_role("button", name="Lock zhao.director").click()
    assert admin.locator("tr[data-user='zhao.director'] .badge").inner_text() == "locked"
    director = sign_in("zhao.director")  # a locked account cannot sign in
    assert "locked by an administrator" in director.locator(".alert").inner_text()
    admin.get_by_role("button", name="Unlock zhao.director").click()
    assert admin.locator(".notice").inner_text() == "User zhao.director is unlocked."
    assert admin.locator("tr[data-user='zhao.director'] .badge").inner_text() == "active"
    _both_languages(admin, "admin-users")

    # an account manager may not reveal: no button on their own customer's card
    li = sign_in("li.wei")
    with store.connect() as con:
        cid = con.execute(
            text("SELECT customer_id FROM customers WHERE owner = 'li.wei' AND phone IS NOT NULL ORDER BY customer_id")
        ).scalar()
    li.goto(f"{server.url}/customers/{cid}")
    assert MASKED_PHONE.match(li.locator("#phone .masked-value").inner_text())
    assert li.locator("#phone details.reveal").count() == 0

    manager = page_errors(sign_in("sun.manager"))
    manager.goto(f"{server.url}/customers/{cid}")
    phone = manager.locator("#phone")
    masked = phone.locator(".masked-value").inner_text()
    assert MASKED_PHONE.match(masked)
    phone.get_by_text("Reveal").click()
    phone.get_by_label(re.compile("Why do you need it")).fill("checking")  # too short a reason
    phone.get_by_role("button", name="Show it").click()
    phone.locator(".alert").filter(has_text="at least 10 characters").wait_for()
    screenshot(manager, "customer-reveal-en")
    phone.get_by_label(re.compile("Why do you need it")).fill("customer asked to confirm the number on file")
    phone.get_by_role("button", name="Show it").click()
    phone.locator(".revealed").wait_for()
    plain = _plain_phone(web_settings, store, cid)
    assert phone.locator(".revealed").inner_text() == plain and plain != masked
    assert "recorded in the audit log" in phone.inner_text()
    screenshot(manager, "customer-revealed-en")
    manager.goto(f"{server.url}/customers/{cid}?lang=zh")
    manager.locator("#phone").get_by_text("查看明文").click()
    screenshot(manager, "customer-reveal-zh")

    admin.goto(f"{server.url}/admin/audit")
    admin.get_by_label("Action").fill("pii.reveal")
    admin.get_by_label("User", exact=True).fill("sun.manager")
    admin.get_by_role("button", name="Show").click()
    admin.locator("#audit-count").filter(has_text="Entries: 1").wait_for()
    entry = admin.locator("#audit tbody tr").first
    assert "sun.manager" in entry.inner_text() and cid in entry.inner_text()
    assert "customer asked to confirm the number on file" in entry.inner_text()
    assert plain not in admin.content()  # the value revealed is never in the log
    admin.goto(f"{server.url}/admin/audit?target_id=zhao.director")
    assert [a.inner_text() for a in admin.locator("#audit tbody td:nth-child(4)").all()][:3] == [
        "user.unlock",
        "login.refused",
        "user.lock",
    ]
    admin.get_by_role("link", name="Verify the chain").click()
    admin.locator("#chain-result").wait_for()
    assert admin.locator("#chain-result").inner_text().startswith("The chain is intact.")
    screenshot(admin, "admin-audit-filtered-en")
    _both_languages(admin, "admin-audit")
    assert page_errors.errors == []


def _api(server, path: str, token: str) -> int:
    request = urllib.request.Request(f"{server.url}{path}", headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_settings_keep_the_language_over_a_new_sign_in_and_make_and_revoke_a_token(sign_in, server) -> None:
    page = sign_in("wang.fang")
    page.goto(f"{server.url}/settings")
    assert page.locator("h1").inner_text() == "My settings"
    _both_languages(page, "settings")
    page.get_by_label("Language of the pages").select_option("zh")
    page.get_by_role("button", name="Save the language").click()
    assert page.locator("h1").inner_text() == "我的设置"
    page.get_by_role("button", name="退出登录").click()

    again = sign_in("wang.fang", lang="en")  # a new browser whose last choice and Accept-Language are English
    assert again.locator("html").get_attribute("lang") == "zh-CN"
    again.goto(f"{server.url}/settings")
    assert again.locator("h1").inner_text() == "我的设置"
    again.goto(f"{server.url}/settings?lang=en")

    again.get_by_label("What the token is for").fill("monthly report script")
    again.get_by_role("button", name="Create a token").click()
    token = again.locator("#new-token").inner_text().strip()
    assert token.startswith("twp_")
    assert "shown this once" in again.locator(".token-once").inner_text()
    screenshot(again, "settings-token-en")
    assert _api(server, "/api/v1/me", token) == 200
    again.goto(f"{server.url}/settings")  # the token is never shown again
    assert again.locator("#new-token").count() == 0 and token not in again.content()
    row = again.locator("#token-list tbody tr").filter(has_text="monthly report script")
    row.get_by_role("button", name="Revoke").click()
    assert again.locator(".notice").inner_text() == "The token is revoked: it no longer works."
    assert "revoked" in again.locator("#token-list tbody tr").filter(has_text="monthly report script").inner_text()
    assert _api(server, "/api/v1/me", token) == 401

    # the password: a wrong current one is refused on the page; the right one changes it
    again.get_by_label("Current password").fill("not the password at all")
    again.get_by_label("New password (at least 12 characters)").fill("another long pass phrase")
    again.get_by_label("New password again").fill("another long pass phrase")
    again.get_by_role("button", name="Change the password").click()
    assert "not right" in again.locator("#password .alert").inner_text()
    again.get_by_label("Current password").fill(PASSWORD)
    again.get_by_label("New password (at least 12 characters)").fill("another long pass phrase")
    again.get_by_label("New password again").fill("another long pass phrase")
    again.get_by_role("button", name="Change the password").click()
    assert again.locator(".notice").inner_text() == "Your password is changed."


def _checkable(store, count: int) -> list[tuple[str, str]]:
    """``count`` of li.wei's customers with a phone and the most purchases: (id, name)."""
    with store.connect() as con:
        return [
            (cid, name)
            for cid, name in con.execute(
                text(
                    "SELECT c.customer_id, c.name FROM customers c JOIN transactions t USING (customer_id)"
                    " WHERE c.owner = 'li.wei' AND c.phone IS NOT NULL AND t.category IS NOT NULL"
                    " GROUP BY c.customer_id, c.name ORDER BY count(*) DESC, c.customer_id LIMIT :n"
                ),
                {"n": count},
            )
        ]


def _start(page, server, cid: str, name: str, last4: str) -> None:
    page.goto(f"{server.url}/identity")
    page.get_by_label("Customer id").fill(cid)
    page.get_by_label("Name as the customer says it").fill(name)
    page.get_by_label("Last 4 digits of the ID number or phone").fill(last4)
    page.get_by_role("button", name="Check").click()


def _answers(store, page) -> list[int]:
    check_id = int(page.locator("#questions").get_attribute("action").split("/")[2])
    with store.connect() as con:
        stored = con.execute(text("SELECT answers FROM identity_checks WHERE id = :i"), {"i": check_id}).scalar()
    return json.loads(stored) if isinstance(stored, str) else list(stored)


def _answer(page, chosen: list[int], submit: str = "Submit the answers") -> None:
    for i, option in enumerate(chosen):
        page.locator(f"input[name=q{i}][value='{option}']").check(force=True)
    page.get_by_role("button", name=submit).click()


def test_the_lobby_verifies_with_right_answers_and_three_wrong_attempts_lock(
    sign_in, server, web_settings, store, page_errors
) -> None:
    (passing, passing_name), (failing, failing_name) = _checkable(store, 2)
    lobby = page_errors(sign_in("xu.lobby"))
    assert [a.inner_text() for a in lobby.locator(".menu a").all()] == ["Lobby", "Identity check"]
    lobby.goto(f"{server.url}/identity")
    _both_languages(lobby, "identity-basic")
    _start(lobby, server, passing, passing_name, _plain_phone(web_settings, store, passing)[-4:])
    assert lobby.locator("ol.steps li.current").inner_text() == "2. Questions"
    questions = lobby.locator("fieldset.question")
    assert questions.count() >= 3
    assert all(q.locator("input[type=radio]").count() >= 3 for q in questions.all())
    screenshot(lobby, "identity-questions-en")
    _answer(lobby, _answers(store, lobby))
    assert lobby.locator("#identity-result .flow-label").inner_text() == "Identity verified"
    screenshot(lobby, "identity-passed-en")
    lobby.goto(f"{server.url}/identity?lang=zh")
    form = lobby.locator("form[action='/identity']")
    form.locator("input[name=customer_id]").fill(passing)
    form.locator("input[name=name]").fill(passing_name)
    form.locator("input[name=last4]").fill(_plain_phone(web_settings, store, passing)[-4:])
    form.locator("button[type=submit]").click()
    screenshot(lobby, "identity-questions-zh")
    _answer(lobby, _answers(store, lobby), submit="提交答案")
    assert lobby.locator("#identity-result .flow-label").inner_text() == "身份已验证"
    screenshot(lobby, "identity-passed-zh")
    lobby.goto(f"{server.url}/identity?lang=en")

    last4 = _plain_phone(web_settings, store, failing)[-4:]
    for attempt in range(3):
        _start(lobby, server, failing, failing_name, last4)
        right = _answers(store, lobby)
        options = [q.locator("input[type=radio]").count() for q in lobby.locator("fieldset.question").all()]
        _answer(lobby, [(right[0] + 1) % options[0], *right[1:]])  # one wrong answer
        label = lobby.locator("#identity-result .flow-label").inner_text()
        if attempt < 2:
            assert label == "Not verified"
            assert f"{2 - attempt} attempts left today" in lobby.locator("#identity-result").inner_text()
        else:
            assert label == "Not verified — locked for today"
    screenshot(lobby, "identity-locked-en")
    _start(lobby, server, failing, failing_name, last4)  # even the right data is refused now
    assert "locked for today" in lobby.locator("#identity-problem").inner_text()
    lobby.goto(f"{server.url}/identity?lang=zh")
    _start_zh = lobby.locator("form[action='/identity']")
    _start_zh.locator("input[name=customer_id]").fill(failing)
    _start_zh.locator("input[name=name]").fill(failing_name)
    _start_zh.locator("input[name=last4]").fill(last4)
    _start_zh.locator("button[type=submit]").click()
    assert "今天" in lobby.locator("#identity-problem").inner_text()
    screenshot(lobby, "identity-locked-zh")
    # the locked check answers 429 Too Many Requests, which the browser logs; nothing else went wrong
    assert [e for e in page_errors.errors if "status of 429" not in e] == []


def test_an_account_managers_export_holds_only_their_customers_with_phones_masked(sign_in, server, store) -> None:
    page = sign_in("li.wei")
    with store.connect() as con:
        region = con.execute(
            text("SELECT region FROM customers WHERE owner = 'li.wei' GROUP BY region ORDER BY count(*) DESC")
        ).scalar()
        expected = (
            con.execute(
                text("SELECT customer_id FROM customers WHERE owner = 'li.wei' AND region = :r ORDER BY customer_id"),
                {"r": region},
            )
            .scalars()
            .all()
        )
    page.goto(f"{server.url}/customers")
    page.locator("select[name=region]").select_option(region)
    page.locator("#customer-count").filter(has_text=f"{len(expected)} customers").wait_for()
    with page.expect_download() as csv_download:
        page.locator("#export-csv").click()
    content = Path(csv_download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert [r["Customer id"] for r in rows] == list(expected)
    assert {r["Account manager"] for r in rows} == {"li.wei"} and {r["Region"] for r in rows} == {region}
    phones = [r["Phone"] for r in rows if r["Phone"]]
    assert phones and all(MASKED_PHONE.match(p) for p in phones)
    with page.expect_download() as xlsx_download:
        page.locator("#export-xlsx").click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    openpyxl = pytest.importorskip("openpyxl")
    sheet = openpyxl.load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes())).active
    values = list(sheet.iter_rows(values_only=True))
    assert [v[0] for v in values[1:]] == list(expected)
    assert {v[3] for v in values[1:]} == {"li.wei"}
    with store.connect() as con:
        audited = con.execute(
            text("SELECT count(*) FROM audit WHERE action = 'customers.export' AND actor = 'li.wei'")
        ).scalar()
    assert audited == 2
    screenshot(page, "customers-export-en")
    page.goto(f"{server.url}/customers?lang=zh&region={region}")
    assert page.locator("#export-csv").is_visible()
    screenshot(page, "customers-export-zh")


def test_the_admin_sees_what_each_role_may_do_in_both_languages(sign_in, server) -> None:
    admin = sign_in("admin")
    admin.goto(f"{server.url}/admin/users")
    table = admin.locator("#role-actions")
    heads = table.locator("thead th").all_inner_texts()
    assert heads == ["Permission", "Administrator", "Analyst", "Manager", "Account manager", "Lobby manager"]
    lobby = table.locator("tbody tr").filter(has=admin.locator("td[data-role=lobby]", has_text="✓"))
    assert lobby.locator("td:first-child").all_inner_texts() == ["triage.decide", "identity.verify"]
    mine = table.locator("tbody tr").filter(has=admin.locator("td[data-role=account_manager]", has_text="✓"))
    assert "complaints.write" in mine.locator("td:first-child").all_inner_texts()
    assert "users.manage" not in mine.locator("td:first-child").all_inner_texts()
    descriptions = admin.locator("#role-descriptions dd").all_inner_texts()
    assert descriptions[-1] == "Triages walk-in customers and verifies identities; sees no customer record."
    admin.goto(f"{server.url}/admin/users?lang=zh")
    assert admin.locator("#roles-h").inner_text() == "角色及其权限"
    assert admin.locator("#role-actions thead th").all_inner_texts()[-1] == "大堂经理"
    assert (
        admin.locator("#role-descriptions dd").all_inner_texts()[-1] == "分流到店客户并核验身份；不查看任何客户档案。"
    )
    screenshot(admin, "admin-roles-zh")
    admin.goto(f"{server.url}/admin/users?lang=en")
