"""The HTML report: self-contained, every chart's data equal to the model's figures, zh and en."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from bs4 import BeautifulSoup

from tierwise.i18n import Message
from tierwise.report_model import ReportData
from tierwise.reports.html import ECHARTS_VERSION, echarts_source, render_html


def _parse(report: ReportData) -> tuple[BeautifulSoup, dict[str, dict]]:
    soup = BeautifulSoup(render_html(report), "html.parser")
    scripts = soup.find_all("script", attrs={"data-chart-for": True})
    charts = {s["data-chart-for"]: json.loads(s.string) for s in scripts}
    return soup, charts


def test_every_chart_has_an_element_and_every_element_a_chart(report: ReportData) -> None:
    soup, charts = _parse(report)
    elements = {div["id"] for div in soup.select("div.chart")}
    assert elements == set(charts)
    assert set(charts) == {
        "chart-classes-0",
        "chart-pareto",
        "chart-rfm",
        "chart-prospects",
        "chart-prospect-time",
        "chart-clv-tiers",
        "chart-p-alive",
        "chart-sankey",
    }


def test_chart_data_equal_the_model(report: ReportData) -> None:
    _, charts = _parse(report)
    dist = report.classes[0]
    bars = charts["chart-classes-0"]
    assert bars["xAxis"]["data"] == [r.label for r in dist.rows]
    assert [s["data"] for s in bars["series"]] == [
        [r.customer_share for r in dist.rows],
        [r.sales_share for r in dist.rows],
        [r.profit_share for r in dist.rows],
    ]

    p = report.pareto
    sales, profit, diagonal = charts["chart-pareto"]["series"]
    assert sales["data"] == [list(xy) for xy in zip(p.customer_share, p.sales_share, strict=True)]
    assert profit["data"] == [list(xy) for xy in zip(p.customer_share, p.profit_share, strict=True)]
    assert sales["markPoint"]["data"][0]["coord"] == [p.customers_for_80, 0.8]
    assert profit["markPoint"]["data"][0]["coord"] == [p.profit_peak_customer_share, p.profit_peak_share]
    assert sales["markLine"]["data"] == [{"xAxis": 0.2}]
    assert diagonal["data"] == [[0, 0], [1, 1]]

    heat = charts["chart-rfm"]["series"][0]["data"]
    assert heat == [[c.frequency - 1, c.recency - 1, c.customers, c.monetary_mean] for c in report.rfm.cells]
    assert charts["chart-rfm"]["visualMap"]["max"] == 2
    assert charts["chart-rfm"]["visualMap"]["dimension"] == 2  # colour by customers, not by sales

    grades = report.prospects.grades
    assert charts["chart-prospects"]["series"][0]["data"] == [3, 5, 9, 0]
    assert charts["chart-prospect-time"]["series"][0]["data"] == [
        {"name": g.label, "value": g.days_per_month} for g in grades
    ]

    clv = report.clv
    value, customers = charts["chart-clv-tiers"]["series"]
    assert value["data"] == [4_800_000.0, 250_000.0, 1_500.0]
    assert customers["data"] == [1, 1, 1]
    assert charts["chart-p-alive"]["series"][0]["data"] == clv.p_alive_counts
    assert len(charts["chart-p-alive"]["xAxis"]["data"]) == 10

    sankey = charts["chart-sankey"]["series"][0]
    assert [link["value"] for link in sankey["links"]] == [1, 1, 1, 1]
    assert len(sankey["data"]) == 8  # four classes on each side, all used


def test_the_sankey_joins_the_right_classes(make_report) -> None:
    _, charts = _parse(make_report("en"))
    links = {
        (link["source"].split(" · ")[0], link["target"].split(" · ")[0])
        for link in charts["chart-sankey"]["series"][0]["links"]
    }
    assert links == {("diamond", "diamond"), ("gold", "VIP"), ("VIP", "gold"), ("standard", "standard")}


def test_the_report_is_self_contained(make_report) -> None:
    html = render_html(make_report("en"))
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find_all("link")
    assert all(not s.get("src") for s in soup.find_all("script"))
    assert not soup.find_all("img")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert echarts_source() in html
    assert f'.version="{ECHARTS_VERSION}"' in echarts_source()
    assert "Licensed to the Apache Software Foundation" in html
    assert "@media print" in html


def test_tables_hold_the_model_rows_with_sort_keys(report: ReportData) -> None:
    soup, _ = _parse(report)
    class_rows = soup.select("#classes table tbody tr")
    assert [tr.select("td")[1]["data-value"] for tr in class_rows] == ["1", "1", "1", "1"]
    assert [tr.select("td")[3]["data-value"] for tr in class_rows] == ["5200000.0", "600000.0", "12000.0", "0.0"]
    key_rows = soup.select("#key_accounts tbody tr")
    assert [tr.select("small")[0].text for tr in key_rows] == ["C001", "C002"]
    assert [li.text for li in key_rows[0].select("ul.reasons li")] == report.key_accounts.accounts[0].reasons
    assert len(soup.select("#at_risk tbody tr")) == 1
    assert soup.select("table.sortable")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            [
                "Customer value report",
                "Pareto curve (80/20)",
                "Jan 15, 2025",
                "5,200,000",
                "71.6%",
                "5.8M",
                "From Jan 15, 2024 to Jan 15, 2025: 1 up, 1 down, 2 unchanged.",
            ],
        ),
        (
            "zh",
            [
                "客户价值报告",
                "帕累托曲线（80/20）",
                "2025年1月15日",
                "5,200,000",
                "71.6%",
                "581.2万",
                "从 2024年1月15日 到 2025年1月15日：1 个升级，1 个降级，2 个不变。",
            ],
        ),
    ],
)
def test_texts_numbers_and_dates_in_the_language(make_report, lang: str, expected: list[str]) -> None:
    soup, _ = _parse(make_report(lang))
    text = soup.get_text(" ")
    for item in expected:
        assert item in text
    assert soup.html["lang"] == {"en": "en", "zh": "zh-CN"}[lang]


def test_zh_report_has_no_english_headings(make_report) -> None:
    soup, _ = _parse(make_report("zh"))
    for h in soup.select("h2, th, nav a, .kpi .label"):
        words = re.findall(r"[A-Za-z]{4,}", h.get_text())
        assert not [w for w in words if w not in {"china", "post", "account", "prospect", "grade"}], h.get_text()


def test_a_missing_section_says_why(report: ReportData) -> None:
    partial = dataclasses.replace(report, pareto=None, clv=None, at_risk=None)
    partial.missing = {}
    partial.mark_missing("pareto", Message("no transactions table: sales, Pareto, RFM and value not assessed"))
    partial.mark_missing("clv", Message("the value model could not be fitted: %(reason)s", {"reason": "x"}))
    soup, charts = _parse(partial)
    assert "chart-pareto" not in charts and "chart-clv-tiers" not in charts
    assert not soup.select("section#pareto, section#clv, nav a[href='#pareto']")
    listed = [[span.get_text() for span in li.select("span")] for li in soup.select("#not-shown li")]
    reason = {
        "en": "no transactions table: sales, Pareto, RFM and value not assessed",
        "zh": "没有交易表：未评估销售额、帕累托、RFM 和客户价值",
    }[report.lang]
    title = {"en": "Pareto curve (80/20)", "zh": "帕累托曲线（80/20）"}[report.lang]
    assert listed[0] == [title, reason]
    assert len(listed) == 2


def test_without_a_summary_absent_sections_get_cards(report: ReportData) -> None:
    partial = dataclasses.replace(report, summary=None, pareto=None)
    partial.missing = {}
    partial.mark_missing("summary", Message("no transactions table: sales, Pareto, RFM and value not assessed"))
    partial.mark_missing("pareto", Message("no transactions table: sales, Pareto, RFM and value not assessed"))
    soup, _ = _parse(partial)
    assert soup.select_one("section#pareto.missing")
    assert soup.select_one("section#summary.missing")
    assert soup.select_one("nav a[href='#pareto']")


def test_mark_missing_refuses_an_unknown_section(report: ReportData) -> None:
    with pytest.raises(ValueError, match="unknown report section 'charts'"):
        report.mark_missing("charts", Message("x"))
