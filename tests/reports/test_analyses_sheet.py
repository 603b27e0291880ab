"""The report's analyses and its Excel "Analyses" sheet on a hand-made folder as of 15 January 2025
(the year: 16 January 2024 … 15 January 2025):

- C1 (wang): 1 Jun 2023 1,000 paper, 16 Jan 2024 5,000 ink, 15 Jan 2025 3,000 paper — three purchase days;
- C2 (li): 15 Jan 2024 700 paper, 1 May 2024 a return of 200 — one purchase day (a return is none);
- C3 (wang): 1 Mar 2024 400 ink — one purchase day. No industry is given: every customer is C1's peer.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from tierwise.config import Settings
from tierwise.io.readers import read_dataset
from tierwise.reports.excel import write_excel
from tierwise.services.context import ServiceContext
from tierwise.services.report import build_report_data

CTX = ServiceContext(Settings(engine="duckdb", lang="en"))
CUSTOMERS = "客户编号,客户名称,客户经理\nC1,华东机电有限公司,wang\nC2,Northwind,li\nC3,Contoso,wang\n"
TRANSACTIONS = """客户编号,交易日期,金额,利润,category
C1,2023-06-01,1000,100,paper
C1,2024-01-16,5000,900,ink
C1,2025-01-15,3000,300,paper
C2,2024-01-15,700,70,paper
C2,2024-05-01,-200,-20,paper
C3,2024-03-01,400,40,ink
"""
pytestmark = pytest.mark.filterwarnings("ignore::tierwise.errors.ModelWarning")  # three buyers fit badly


@pytest.fixture
def report(tmp_path: Path):
    (tmp_path / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    (tmp_path / "transactions.csv").write_text(TRANSACTIONS, encoding="utf-8")
    return build_report_data(CTX, read_dataset(tmp_path), policies=["abc"], as_of=dt.date(2025, 1, 15))


def test_the_report_analyses_per_class_and_per_account_manager(report) -> None:
    per_class, per_owner = report.analyses
    assert (per_class.by, per_class.policy, per_owner.by) == ("class", "abc", "owner")
    assert sum(s.customers for s in per_class.segments) == 3
    assert [
        (s.code, s.customers, s.repeat_customers, s.repeat_rate, s.sales, s.profit) for s in per_owner.segments
    ] == [
        ("li", 1, 0, 0.0, -200.0, -20.0),
        ("wang", 2, 1, 0.5, 8400.0, 1240.0),  # C1 5,000 + 3,000 and C3 400 in the year
    ]
    assert [(g.customer_id, g.name, g.category, g.peer_share) for g in per_owner.gaps] == [
        ("C2", "Northwind", "ink", 1.0),  # C1 and C3, its two peers
        ("C3", "Contoso", "paper", 1.0),  # C1 and C2
    ]


def test_the_excel_analyses_sheet_holds_the_same_figures(report, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_excel(report, tmp_path / "report.xlsx"))
    assert book.sheetnames[-2:] == ["Analyses", "Customer list"]
    ws = book["Analyses"]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    assert [r[0] for r in cells if r[0] == "Per class of abc"] == ["Per class of abc"]
    wang = next(r for r in cells if r[0] == "wang")
    assert wang[1:7] == [2, 1, 0.5, 8400, 1240, pytest.approx(1240 / 8400)]
    gaps = [r[:5] for r in cells if r[2] == "(no industry)"]  # the gaps per owner: peers by industry
    assert gaps == [["C2", "Northwind", "(no industry)", "ink", 1], ["C3", "Contoso", "(no industry)", "paper", 1]]
    assert [type(c).__name__ for c in ws._charts] == ["BarChart", "BarChart"]  # the repeat rate, per class and owner


def test_promotion_windows_from_yaml_reach_the_sheet(tmp_path: Path) -> None:
    from tierwise.analytics.promotions import parse_windows

    (tmp_path / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    (tmp_path / "transactions.csv").write_text(TRANSACTIONS, encoding="utf-8")
    windows = parse_windows("- {name: Spring, start: 2024-03-01, end: 2024-03-10}", "promotions.yaml")
    report = build_report_data(
        CTX, read_dataset(tmp_path), policies=["abc"], as_of=dt.date(2025, 1, 15), promotions=windows
    )
    wang = next(p for p in report.analyses[1].promotions if p.segment == "wang")
    # C3's 400 on 1 March against nothing in the 90 days before; C1's 5,000 on 16 January: 5,000 / 90 × 10
    assert (wang.customers, wang.window_sales) == (2, 400.0)
    assert wang.expected_sales == pytest.approx(5000 / 90 * 10)
    ws = openpyxl.load_workbook(write_excel(report, tmp_path / "report.xlsx"))["Analyses"]
    rows = [[c.value for c in row] for row in ws.iter_rows() if row[0].value == "Spring"]
    assert ("wang", 2, 400) in [(r[3], r[4], r[5]) for r in rows]


def test_bad_promotion_windows_say_what_is_wrong() -> None:
    from tierwise.analytics.promotions import parse_windows
    from tierwise.errors import UsageError

    with pytest.raises(UsageError, match="promotions.yaml: .*end"):
        parse_windows("- {name: Late, start: 2024-03-10, end: 2024-03-01}", "promotions.yaml")
