"""The HTML report in a real browser (Debian's chromium via Playwright): charts draw, no console errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import launch, needs_chromium, screenshot

from tierwise.reports.html import write_html

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_charts_draw_offline_without_errors(browser, make_report, lang: str, tmp_path: Path) -> None:
    report = make_report(lang)
    path = write_html(report, tmp_path / f"report-{lang}.html")
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
    page.goto(path.as_uri())
    page.wait_for_function("document.querySelectorAll('.chart[data-drawn]').length === 8")
    assert errors == []
    assert requests == []  # nothing loaded from a network
    for chart_id in (
        "chart-classes-0",
        "chart-pareto",
        "chart-rfm",
        "chart-prospects",
        "chart-prospect-time",
        "chart-clv-tiers",
        "chart-p-alive",
        "chart-sankey",
    ):
        canvas = page.locator(f"#{chart_id} canvas")
        assert canvas.count() >= 1, chart_id
        box = canvas.first.bounding_box()
        assert box["width"] > 300 and box["height"] > 200, chart_id
    # a drawn canvas has ink: not every pixel is the same
    distinct = page.evaluate("""() => {
        const c = document.querySelector('#chart-pareto canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const seen = new Set();
        for (let i = 0; i < d.length; i += 4 * 97) seen.add(d[i] + ',' + d[i + 1] + ',' + d[i + 2]);
        return seen.size;
    }""")
    assert distinct > 5
    screenshot(page, f"report-{lang}")
    page.close()


def test_tables_sort_on_click(browser, make_report, tmp_path: Path) -> None:
    path = write_html(make_report("en"), tmp_path / "report.html")
    page = browser.new_page()
    page.goto(path.as_uri())
    sales_header = page.locator("#classes table th").nth(3)
    sales_header.click()  # ascending
    cells = page.locator("#classes table tbody tr td:nth-child(4)").all_inner_texts()
    assert cells == ["0", "12,000", "600,000", "5,200,000"]
    sales_header.click()  # descending
    cells = page.locator("#classes table tbody tr td:nth-child(4)").all_inner_texts()
    assert cells == ["5,200,000", "600,000", "12,000", "0"]
    page.close()


def test_print_layout_keeps_the_charts(browser, make_report, tmp_path: Path) -> None:
    path = write_html(make_report("zh"), tmp_path / "report.html")
    page = browser.new_page()
    page.goto(path.as_uri())
    page.emulate_media(media="print")
    assert page.locator("nav.toc").is_hidden()
    pdf = page.pdf(format="A4", landscape=True)
    assert pdf[:4] == b"%PDF" and len(pdf) > 50_000
    page.close()


# twelve customers buying on a fixed schedule leave BG/NBD's drop-out undetermined and their spend follows their
# frequency, which the fits say; this test
# is about the charts (the warning itself is asserted in tests/reports/test_service.py and tests/value)
@pytest.mark.filterwarnings(
    "ignore:(BetaGeoFitter. the (fit did not converge|standard errors are undefined)|GammaGammaFitter. frequency)"
)
def test_a_report_from_data_draws_every_chart(browser, tmp_path: Path) -> None:
    import datetime as dt

    from tierwise.config import Settings
    from tierwise.io.readers import read_dataset
    from tierwise.services.context import ServiceContext
    from tierwise.services.report import DEFAULT_POLICIES, build_report_data

    rows = ["客户编号,交易日期,金额,利润"] + [  # 12 customers buying every 1–4 months over two years
        f"C{c},{2024 + d // 12}-{d % 12 + 1:02d}-{(c * 7 + d) % 27 + 1:02d},{(c + 1) * 1000 + d * 37},"
        f"{(c - 3) * 50 + d}"
        for c in range(12)
        for d in range(0, 24, 1 + c % 4)
    ]
    (tmp_path / "transactions.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "customers.csv").write_text(
        "客户编号,客户名称\n" + "".join(f"C{c},客户{c}号有限公司\n" for c in range(12)), encoding="utf-8"
    )
    report = build_report_data(
        ServiceContext(Settings(engine="duckdb", lang="en")),
        read_dataset(tmp_path),
        policies=[p for p in DEFAULT_POLICIES if p.value != "prospect-grade"],
        as_of=dt.date(2025, 12, 31),
        compare=dt.date(2024, 12, 31),
        lang="zh",
    )
    path = write_html(report, tmp_path / "report.html")
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_function("[...document.querySelectorAll('.chart')].every(c => c.dataset.drawn)")
    assert errors == []
    assert page.locator(".chart canvas").count() == page.locator(".chart").count() >= 6
    page.close()
