"""Scenario 2: an analyst imports a file with an unknown header and a bad row, maps the header, sees the bad
row named with its cell highlighted, fixes the file, imports it as a background job (a real huey consumer)
and finds the new customers in the customer list; the import history reverts an import or says why not;
roles that may not import have no menu entry and are refused."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from browser import needs_chromium, screenshot

from tierwise.config import Settings
from tierwise.jobs.worker import consuming

pytestmark = needs_chromium

HEADER = "客户编号,客户名称,所属片区,年营业额\n"
LIMIT = 64 * 1024  # bytes an upload may hold on this server


def customers_file(prefix: str, revenue: str) -> str:
    return (
        HEADER
        + f"{prefix}01,新华机电{prefix},华东,1200000\n"
        + f"{prefix}02,远大贸易{prefix},华南,{revenue}\n"
        + f"{prefix}03,东方物流{prefix},华北,800000\n"
    )


@pytest.fixture(scope="module")
def web_settings(demo_store: str, tmp_path_factory) -> Settings:
    """The server's settings on a copy of the demo store (these imports must not change the store the other
    pages' tests count on), with a job queue and an upload folder of its own."""
    folder = tmp_path_factory.mktemp("imports")
    copy = folder / "tierwise.db"
    source = sqlite3.connect(demo_store.removeprefix("sqlite:///"))
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()
    return Settings(
        dev=False,
        database_url=f"sqlite:///{copy}",
        jobs_file=folder / "queue.db",
        jobs_queue="tierwise-web-imports",
        upload_dir=folder / "uploads",
        upload_max_bytes=LIMIT,
    )


@pytest.fixture(scope="module")
def worker(web_settings: Settings):
    """huey's consumer of the server's queue, running the commit jobs for real."""
    with consuming(web_settings) as queue:
        yield queue


def upload(page, path: Path, *, mapping: str | None = None) -> None:
    page.set_input_files("#files", str(path))
    if mapping:
        page.select_option("#mapping", mapping)
    with page.expect_navigation(url="**/imports?upload=*"):
        page.locator("#upload-form button[type=submit]").click()
    page.locator("#upload-state").wait_for()


WORDS = {
    "zh": {
        "menu": "导入",
        "mapping": "待对应的列",
        "invalid": "已拒绝：有行要改",
        "pending": "已检查，可以导入",
        "committed": "已导入",
        "reason": "不是数字（例如 1234.50）",
        "count": "位客户",
    },
    "en": {
        "menu": "Import",
        "mapping": "Columns to map",
        "invalid": "Refused: rows to fix",
        "pending": "Checked, ready to import",
        "committed": "Imported",
        "reason": "not a number (write e.g. 1234.50)",
        "count": "customers",
    },
}


@pytest.mark.parametrize(("lang", "prefix"), [("zh", "ZH9"), ("en", "EN9")])
def test_an_analyst_maps_a_header_fixes_the_bad_row_and_imports_new_customers(
    sign_in, server, worker, page_errors, tmp_path: Path, lang: str, prefix: str
) -> None:
    words = WORDS[lang]
    page = page_errors(sign_in("zhao.director", lang=lang))
    page.get_by_role("link", name=words["menu"], exact=True).click()
    page.wait_for_url("**/imports")
    screenshot(page, f"import-1-upload-{lang}")

    bad = tmp_path / "customers.csv"
    bad.write_text(customers_file(prefix, "五十万"), encoding="utf-8")
    upload(page, bad)
    assert page.locator("#upload-state").inner_text() == words["mapping"]
    row = page.locator("table.mapping tbody tr").filter(has_text="所属片区")
    assert row.locator("code.sample").all_inner_texts() == ["华东", "华南", "华北"]
    assert page.locator("table.mapping tbody tr").count() == 1  # the other headers are known
    screenshot(page, f"import-2-mapping-{lang}")
    row.locator("select").select_option("region")
    page.fill("#save_as", f"erp-{lang}")
    page.locator(".mapping-form button[type=submit]").click()
    page.wait_for_load_state()

    assert page.locator("#upload-state").inner_text() == words["invalid"]
    errors = page.locator("#row-errors tbody tr")
    assert errors.count() == 1
    cells = errors.first.locator("td").all_inner_texts()
    assert cells == ["customers.csv", "3", "年营业额", "五十万", words["reason"]]
    highlighted = page.locator("table.file-rows td.bad-cell")
    assert highlighted.all_inner_texts() == ["五十万"]
    assert highlighted.get_attribute("title") == words["reason"]
    screenshot(page, f"import-3-row-errors-{lang}")

    fixed = tmp_path / "fixed" / "customers.csv"
    fixed.parent.mkdir()
    fixed.write_text(customers_file(prefix, "500000"), encoding="utf-8")
    upload(page, fixed, mapping=f"erp-{lang}")
    assert page.locator("#upload-state").inner_text() == words["pending"]
    dry_run = page.locator("#dry-run tbody tr").first.locator("td").all_inner_texts()
    assert dry_run[1:4] == ["3", "3", "0"]
    screenshot(page, f"import-4-dry-run-{lang}")

    page.locator("#commit").click()
    page.wait_for_load_state()
    if page.locator("#import-bar").count():  # the job may be quicker than the page
        screenshot(page, f"import-5-progress-{lang}")
    page.locator("#import-done").wait_for(timeout=60_000)  # the progress bar polls until the job ends
    assert page.locator("#upload-state").inner_text() == words["committed"]
    assert page.locator("#imports tbody tr").first.locator("td").nth(4).inner_text() == "3"
    screenshot(page, f"import-6-done-{lang}")

    page.locator("#import-done a").click()
    page.wait_for_url("**/customers")
    page.fill("#q", prefix)
    page.locator("#customer-count").filter(has_text=re.compile(rf"^3 {words['count']}")).wait_for()
    ids = page.locator("#customers tbody tr td:first-child").all_inner_texts()
    assert ids == [f"{prefix}01", f"{prefix}02", f"{prefix}03"]
    screenshot(page, f"import-7-customers-{lang}")
    assert page_errors.errors == []


def test_the_history_reverts_an_import_or_says_what_depends_on_it(sign_in, server, worker, tmp_path: Path) -> None:
    page = sign_in("zhao.director", lang="en")
    page.goto(f"{server.url}/imports")
    data = tmp_path / "customers.csv"
    data.write_text("客户编号,客户名称\nRV01,Revert Co\n", encoding="utf-8")
    upload(page, data)
    page.locator("#commit").click()
    page.locator("#import-done").wait_for(timeout=60_000)
    newest = page.locator("#imports tbody tr").first
    import_id = newest.get_attribute("data-import")
    newest.get_by_role("button", name="Revert").click()
    page.wait_for_load_state()
    assert page.locator(".notice").inner_text() == f"Import {import_id} was reverted: the rows it created are removed."
    assert page.locator(f"tr[data-import='{import_id}'] .badge").inner_text() == "reverted"

    page.locator("tr[data-import='1']").get_by_role("button", name="Revert").click()
    page.wait_for_load_state()
    refusal = page.locator(".alert").inner_text()
    assert "import 1 cannot be reverted" in refusal and "saved run(s) 1, 2 used its data" in refusal
    screenshot(page, "import-8-revert-refused-en")


def test_a_file_that_holds_no_table_or_too_many_bytes_is_refused_in_place(sign_in, server, tmp_path: Path) -> None:
    page = sign_in("zhao.director", lang="zh")
    page.goto(f"{server.url}/imports")
    notes = tmp_path / "notes.pdf"
    notes.write_bytes(b"%PDF-1.4")
    page.set_input_files("#files", str(notes))
    page.locator("#upload-form button[type=submit]").click()
    refusal = page.locator("#upload-problem .alert")
    refusal.wait_for()
    assert "notes.pdf" in refusal.inner_text() and ".csv" in refusal.inner_text()
    assert page.url.endswith("/imports")
    big = tmp_path / "customers.csv"
    big.write_text(HEADER + "".join(f"B{i:06d},大客户{i},华东,1000\n" for i in range(4000)), encoding="utf-8")
    assert big.stat().st_size > LIMIT
    page.set_input_files("#files", str(big))
    page.locator("#upload-form button[type=submit]").click()
    page.locator("#upload-problem .alert").filter(has_text=str(LIMIT)).wait_for()
    assert "TIERWISE_UPLOAD_MAX_BYTES" in page.locator("#upload-problem .alert").inner_text()


@pytest.mark.parametrize("name", ["sun.manager", "li.wei", "xu.lobby"])
def test_who_may_not_import_has_no_menu_entry_and_is_refused(sign_in, server, name: str) -> None:
    page = sign_in(name, lang="en")
    assert page.locator("nav.menu a[href='/imports']").count() == 0
    response = page.goto(f"{server.url}/imports")
    assert response.status == 403
