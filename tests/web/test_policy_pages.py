"""Scenario 3: an analyst edits the china-post gold bound, sees the what-if movers, saves, runs, and the
customer card shows the new class with its reason; the form checks itself as it is typed; an account
manager reads policies but may not edit them; the run pages (list, one run, two compared) in both
languages, an account manager seeing only their own customers there."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from browser import needs_chromium, screenshot
from sqlalchemy import create_engine, make_url, text

from tierwise.config import Settings
from tierwise.jobs import job_queue

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def web_settings(demo_store: str, tmp_path_factory) -> Settings:
    """A copy of the demo store of its own (these tests save a policy version and a run) and a job queue."""
    folder = tmp_path_factory.mktemp("policy-pages")
    copy = folder / "tierwise.db"
    with sqlite3.connect(make_url(demo_store).database) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    settings = Settings(
        dev=False, database_url=f"sqlite:///{copy}", jobs_file=folder / "queue.db", jobs_queue="policy-pages"
    )
    yield settings
    job_queue(settings).huey.flush()


@pytest.fixture(scope="module")
def worker(web_settings: Settings):
    """``tierwise worker`` consuming the server's queue, in a process of its own as in production."""
    env = dict(os.environ)
    env.update(
        TIERWISE_DATABASE_URL=web_settings.database_url,
        TIERWISE_JOBS_FILE=str(web_settings.jobs_file),
        TIERWISE_JOBS_QUEUE=web_settings.jobs_queue,
    )
    env.pop("TIERWISE_REDIS_URL", None)
    command = [str(Path(sys.executable).with_name("tierwise")), "worker", "--threads", "1"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    yield process
    process.send_signal(signal.SIGINT)  # finishes what it runs, then stops
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def owned(settings: Settings, owner: str) -> set[str]:
    engine = create_engine(settings.database_url)
    with engine.connect() as con:
        found = {r[0] for r in con.execute(text("SELECT customer_id FROM customers WHERE owner = :o"), {"o": owner})}
    engine.dispose()
    return found


def bound_input(page, class_label: str):
    """The input of the bound granting ``class_label`` on the edit form."""
    return page.locator(".bound-row").filter(has=page.locator(".badge", has_text=re.compile(f"^{class_label}$")))


def test_an_analyst_lowers_the_gold_bound_previews_saves_runs_and_the_card_shows_gold(
    sign_in, server, worker, page_errors
) -> None:
    page = page_errors(sign_in("zhao.director"))
    page.get_by_role("link", name="Policies").click()
    page.wait_for_load_state()
    row = page.locator("#policies tr[data-policy=china-post]")
    assert "v1" in row.inner_text() and "gold" in row.locator(".classes").inner_text()
    screenshot(page, "policies-en")
    row.get_by_role("link", name="china-post").click()
    page.wait_for_load_state()
    gold = page.locator("#criterion-spend tr[data-class=gold]")
    assert gold.inner_text().replace("\t", " ").strip() == "gold 12-month spend ≥ 500,000"
    screenshot(page, "policy-en")

    page.get_by_role("link", name="Edit thresholds").click()
    page.wait_for_load_state()
    row = bound_input(page, "gold")
    field, error = row.locator("input"), row.locator(".field-error")
    field.fill("")
    field.press_sequentially("5o0000")  # a typo: the message appears beside the field as it is typed
    page.wait_for_function("document.querySelector('#err-bound-0-2').textContent.includes('enter a number')")
    assert error.inner_text() == "enter a number, such as 500000"
    field.fill("2000000")
    page.wait_for_function("document.querySelector('#err-bound-0-2').textContent.includes('platinum')")
    assert error.inner_text() == "must not be above the platinum bound (1,000,000)"
    assert "Fields to fix" in page.locator("#edit-status").inner_text()
    field.fill("400000")
    page.locator("#edit-status").filter(has_text="The edit is valid").wait_for()
    assert error.inner_text() == ""
    assert "gold ≥ 500,000 → 400,000" in page.locator("#edit-status").inner_text()

    field.press("Enter")  # Enter in a bound previews: saving a version takes its own click
    page.locator("#movers").wait_for()
    assert page.url.endswith("/policies/china-post/edit")
    moved = int(page.locator("#moved").inner_text().replace(",", ""))
    assert moved > 0
    gold_row = page.locator("#preview-classes tr[data-class=gold] td.num")
    before, after = (int(gold_row.nth(i).inner_text().replace(",", "")) for i in (0, 1))
    assert after - before == moved  # every mover goes up from VIP to gold, and only that
    movers = page.locator("#movers tbody tr")
    for i in range(movers.count()):
        cells = movers.nth(i).locator("td")
        assert (cells.nth(1).inner_text(), cells.nth(2).inner_text()) == ("VIP", "↑ gold")
        assert "≥ 10,000 → VIP" in cells.nth(3).inner_text()
        assert re.search(r"12-month spend 4\d\d,\d{3}(\.\d+)? ≥ 400,000 → gold", cells.nth(4).inner_text())
    customer = movers.first.get_attribute("data-customer")
    screenshot(page, "policy-edit-en")

    page.get_by_role("button", name="Save as a new version").click()
    page.wait_for_load_state()
    assert "Version 2 saved" in page.locator(".notice").inner_text()
    assert page.locator("#policy-version").inner_text() == "v2"
    assert "400,000" in page.locator("#criterion-spend tr[data-class=gold]").inner_text()
    assert "gold ≥ 400,000, VIP ≥ 10,000" in page.locator(".lede").inner_text()  # the description follows

    page.get_by_role("button", name="Run v2 now").click()
    page.wait_for_load_state()
    page.locator("[role=progressbar]").wait_for()
    page.locator("#open-run").wait_for(timeout=120_000)  # the bar refreshes itself until the job ends
    assert page.locator("[role=progressbar]").get_attribute("aria-valuenow") == "100"
    screenshot(page, "run-progress-en")
    progress = page.url
    page.locator("#open-run").click()
    page.wait_for_load_state()
    assert "china-post v2" in page.locator("h1").inner_text()
    screenshot(page, "run-en")

    page.goto(f"{server.url}/customers/{customer}")
    assert "china-post: gold" in page.locator(".class-badges").inner_text()
    latest = page.locator("#history ol.timeline > li").first
    assert latest.locator("b").inner_text() == "gold"
    assert re.search(r"≥ 400,000 → gold", latest.locator(".reasons").inner_text())
    page.goto(f"{progress}?lang=zh")
    assert page.locator("#job-state").inner_text() == "已完成"
    screenshot(page, "run-progress-zh")
    assert page_errors.errors == []


def test_the_edit_form_speaks_chinese_and_refuses_a_version_already_saved(sign_in, server) -> None:
    page = sign_in("zhao.director", lang="zh")
    page.goto(f"{server.url}/policies")
    assert page.locator("#policies tr[data-policy=china-post] .chip").all_inner_texts() == [
        "钻石", "铂金", "金卡", "VIP", "普通",
    ]  # fmt: skip
    screenshot(page, "policies-zh")
    page.goto(f"{server.url}/policies/china-post")
    assert "近12个月消费 ≥ 1,000,000" in page.locator("#criterion-spend tr[data-class=platinum]").inner_text()
    screenshot(page, "policy-zh")
    page.goto(f"{server.url}/policies/china-post/edit")
    row = bound_input(page, "铂金")
    row.locator("input").fill("300000")
    page.wait_for_function("document.querySelector('#err-bound-0-1').textContent.length > 0")
    assert re.fullmatch(r"不能低于金卡的界限（[\d,]+）", row.locator(".field-error").inner_text())
    page.fill("#version", "1")
    page.wait_for_function("document.querySelector('#err-version').textContent.length > 0")
    assert page.locator("#err-version").inner_text().startswith("版本 1 已保存")
    screenshot(page, "policy-edit-zh")
    page.get_by_role("button", name="另存为新版本").click()  # the server checks again: the form comes back
    page.wait_for_load_state()
    assert page.locator("#err-bound-0-1").inner_text().startswith("不能低于金卡的界限")


def test_an_account_manager_reads_policies_but_may_not_edit_or_run_them(sign_in, server) -> None:
    page = sign_in("li.wei")
    assert page.get_by_role("link", name="Policies").count() == 1
    page.goto(f"{server.url}/policies/china-post")
    assert page.locator("#classes").is_visible()
    assert page.get_by_role("link", name="Edit thresholds").count() == 0
    assert page.get_by_role("button", name=re.compile("Run v")).count() == 0
    response = page.goto(f"{server.url}/policies/china-post/edit")
    assert response.status == 403
    assert page.locator("h1").inner_text() == "Not allowed for this role"


def test_an_account_manager_sees_only_their_customers_in_runs(sign_in, server, web_settings) -> None:
    mine = owned(web_settings, "li.wei")
    page = sign_in("li.wei", lang="zh")
    page.get_by_role("link", name="评估批次").click()
    page.wait_for_load_state()
    counts = page.locator("#runs tbody tr td:nth-child(5)").all_inner_texts()
    assert counts and set(counts) == {f"{len(mine):,}"}
    screenshot(page, "runs-zh")
    page.locator("#runs tbody tr").last.get_by_role("link").first.click()
    page.wait_for_load_state()
    assert page.locator("#assignment-count").inner_text().startswith(f"{len(mine):,} 位客户")
    shown = {r.get_attribute("data-customer") for r in page.locator("#assignment-rows tbody tr").all()}
    assert shown and shown <= mine
    totals = page.locator("#run-classes tr").last.inner_text()
    assert f"{len(mine):,}" in totals
    screenshot(page, "run-zh")


def test_a_run_pages_by_class_and_two_runs_compare_in_both_languages(sign_in, server) -> None:
    page = sign_in("zhao.director")
    page.goto(f"{server.url}/runs")
    screenshot(page, "runs-en")
    page.goto(f"{server.url}/runs/2")
    page.locator("#run-classes tr[data-class=gold] a").click()
    page.locator("#assignments h2 .badge", has_text="gold").wait_for()
    gold = page.locator("#run-classes tr[data-class=gold] td.num").first.inner_text()
    assert page.locator("#assignment-count").inner_text().startswith(f"{gold} customers")
    classes = set(page.locator("#assignment-rows tbody td:nth-child(4)").all_inner_texts())
    assert classes == {"gold"}
    page.goto(f"{server.url}/runs")
    page.locator("#runs tr[data-run='2']").get_by_role("link", name="with run 1").click()
    page.wait_for_load_state()
    moved = int(page.locator("#moved").inner_text().replace(",", ""))
    cells = page.locator("#matrix td[data-to]")
    off_diagonal = sum(
        int(cells.nth(i).inner_text().replace(",", ""))
        for i in range(cells.count())
        if "stay" not in (cells.nth(i).get_attribute("class") or "") and cells.nth(i).inner_text() != "·"
    )
    assert moved == off_diagonal > 0
    assert page.locator("#movers tbody tr").count() == min(moved, 50)
    screenshot(page, "run-compare-en")
    page.goto(f"{server.url}/runs?lang=zh")
    page.select_option("select[name=a]", "1")
    page.select_option("select[name=b]", "2")
    page.get_by_role("button", name="对比").click()
    page.wait_for_load_state()
    assert page.locator("#matrix-h").inner_text() == "等级迁移矩阵"
    assert int(page.locator("#moved").inner_text().replace(",", "")) == moved
    screenshot(page, "run-compare-zh")
