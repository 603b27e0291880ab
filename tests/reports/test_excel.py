"""The Excel report: sheets, native charts, formats and values against the report model, zh and en."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pyarrow as pa
import pytest
from xlsxwriter.workbook import Workbook

from tierwise.io.header_mapping import column_letter
from tierwise.report_model import ReportData
from tierwise.reports.customer_sheet import fill_customer_sheet, write_customers
from tierwise.reports.excel import write_excel
from tierwise.reports.sheet_writer import sheet_name
from tierwise.reports.workbook import CellFormats, text_width

SHEETS = {
    "en": [
        "README",
        "Summary",
        "Classes china-post",
        "Pareto",
        "RFM",
        "Key accounts",
        "Prospect grades",
        "CLV",
        "At risk",
        "Migration",
        "Customer list",
    ],
    "zh": [
        "说明",
        "概览",
        "客户分级 china-post",
        "帕累托",
        "RFM",
        "大客户",
        "潜在客户等级",
        "客户终身价值",
        "流失风险",
        "等级变动",
        "客户清单",
    ],
}
CHARTS = {  # sheet index → chart types (openpyxl class names)
    2: ["BarChart"],
    3: ["ScatterChart"],
    4: ["BarChart"],
    6: ["BarChart", "DoughnutChart"],
    7: ["BarChart", "BarChart"],
}


@pytest.fixture
def workbook(report: ReportData, tmp_path: Path) -> openpyxl.Workbook:
    path = write_excel(report, tmp_path / f"report-{report.lang}.xlsx")
    return openpyxl.load_workbook(path)


def test_sheets_in_order(report: ReportData, workbook: openpyxl.Workbook) -> None:
    assert workbook.sheetnames == SHEETS[report.lang]
    assert workbook.active.title == SHEETS[report.lang][0]


def test_native_charts_of_each_sheet(workbook: openpyxl.Workbook) -> None:
    for i, ws in enumerate(workbook.worksheets):
        assert [type(c).__name__ for c in ws._charts] == CHARTS.get(i, []), ws.title
    bar = workbook.worksheets[2]._charts[0]
    assert bar.type == "col" and len(bar.series) == 3


def test_readme_names_every_other_sheet(report: ReportData, workbook: openpyxl.Workbook) -> None:
    ws = workbook.worksheets[0]
    listed = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    for name in SHEETS[report.lang][1:]:
        assert name in listed
    assert ws.cell(3, 2).value == dt.datetime(2025, 1, 15)


def test_class_table_equals_the_model(report: ReportData, workbook: openpyxl.Workbook) -> None:
    ws = workbook.worksheets[2]
    rows = list(ws.iter_rows(min_row=4, max_row=7, values_only=True))
    dist = report.classes[0]
    assert [r[0] for r in rows] == [r.code for r in dist.rows]
    assert [r[1] for r in rows] == [r.label for r in dist.rows]
    assert [r[2] for r in rows] == [1, 1, 1, 1]
    assert [r[4] for r in rows] == [5_200_000, 600_000, 12_000, 0]
    assert [r[5] for r in rows] == pytest.approx([r.sales_share for r in dist.rows], abs=1e-12)
    assert ws.cell(4, 4).number_format == "0.0%"
    assert ws.cell(4, 5).number_format == "#,##0.00"
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref == "A3:H7"


def test_pareto_sheet_holds_the_curve_and_figures(report: ReportData, workbook: openpyxl.Workbook) -> None:
    ws = workbook.worksheets[3]
    p = report.pareto
    data = list(ws.iter_rows(min_row=2, max_row=1 + len(p.customer_share), max_col=3, values_only=True))
    assert [r[0] for r in data] == p.customer_share
    assert [r[1] for r in data] == pytest.approx(p.sales_share)
    assert [r[2] for r in data] == pytest.approx(p.profit_share)
    assert ws.cell(2, 6).value == pytest.approx(0.6446)  # Gini next to its label
    assert ws.freeze_panes == "A2"


def test_rfm_matrix_and_migration_matrix(report: ReportData, workbook: openpyxl.Workbook) -> None:
    rfm = workbook.worksheets[4]
    # rows: recency 5..1 from row 3; columns: frequency 1..5 from column B
    assert [c.value for c in rfm[3][1:6]] == [0, 0, 0, 0, 1]  # recency 5: one customer at frequency 5
    assert [c.value for c in rfm[7][1:6]] == [2, 0, 0, 0, 0]  # recency 1: two at frequency 1
    assert rfm.conditional_formatting
    mig = workbook.worksheets[9]
    matrix = [[c.value for c in row[1:5]] for row in mig.iter_rows(min_row=3, max_row=6)]
    assert matrix == report.migration.counts
    assert [c.value for c in mig[9][0:3]] == [1, 1, 2]


def test_key_accounts_keep_every_reason(report: ReportData, workbook: openpyxl.Workbook) -> None:
    ws = workbook.worksheets[5]
    assert ws.cell(2, 7).value.split("\n") == report.key_accounts.accounts[0].reasons
    assert ws.cell(2, 7).alignment.wrap_text
    assert ws.freeze_panes == "C2"


def test_customer_list_values_types_and_widths(report: ReportData, workbook: openpyxl.Workbook) -> None:
    ws = workbook.worksheets[10]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    table = report.customers
    assert [r[0] for r in rows] == table.column("customer_id").to_pylist()
    assert [r[5] for r in rows] == [5_200_000, 600_000, 12_000, 0]
    assert rows[3][6] is None and rows[3][7] is None  # nulls stay blank
    assert rows[0][7] == dt.datetime(2025, 1, 10)
    assert ws.cell(2, 8).number_format == "yyyy-mm-dd"
    assert ws.cell(2, 9).number_format == "0.0%"  # p_alive is a ratio
    header = [c.value for c in ws[1]]
    assert header[0] == {"en": "Customer ID", "zh": "客户编号"}[report.lang]
    assert header[3] == {"en": "china-post: class", "zh": "china-post：等级"}[report.lang]
    assert ws.freeze_panes == "B2"
    assert ws.auto_filter.ref == "A1:J5"
    assert ws.column_dimensions["B"].width >= text_width("华东机电有限公司")


def test_sheet_names_are_valid() -> None:
    assert sheet_name("Classes a/b:c*d?[e]") == "Classes a-b-c-d--e-"
    assert len(sheet_name("x" * 40)) == 31


def test_text_width_counts_chinese_double() -> None:
    assert text_width("abc") == 3
    assert text_width("客户编号") == 8


def test_streaming_crosses_chunk_boundaries(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    n = 2_503
    sales = rng.gamma(0.6, 10_000.0, n)
    sales[[5, 1000]] = np.nan
    names = np.array(["华东机电 <有限> & 公司", " lead space", "plain", ""])[rng.integers(0, 4, n)]
    table = pa.table(
        {
            "customer_id": [f"C{i:05d}" for i in range(n)],
            "name": pa.array(names),
            "sales_12m": pa.array(sales, from_pandas=True),
            "orders": pa.array(rng.integers(0, 50, n)),
            "last_purchase": pa.array(
                [dt.date(2024, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 365, n)]
            ),
            "reasons_abc": pa.array([["a ≥ 1", "b"]] * n),
            "has_purchases": pa.array(rng.integers(0, 2, n).astype(bool)),
        }
    )
    path = tmp_path / "big.xlsx"
    book = Workbook(str(path), {"constant_memory": True})
    pending = write_customers(book.add_worksheet("客户清单"), CellFormats(book), table, "en")
    book.close()
    assert fill_customer_sheet(path, pending, chunk_rows=1_000) == n
    ws = openpyxl.load_workbook(path, read_only=True)["客户清单"]
    assert ws.calculate_dimension() == f"A1:G{n + 1}"
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == n
    assert [r[0] for r in rows] == table.column("customer_id").to_pylist()
    assert [r[1] for r in rows] == [v or None for v in names.tolist()]  # escaped, spaces kept, "" blank
    assert rows[5][2] is None and rows[1000][2] is None
    assert [r[2] for r in rows if r[2] is not None] == [v for v in sales.tolist() if v == v]  # exact round trip
    assert [r[3] for r in rows] == table.column("orders").to_pylist()
    assert [r[4].date() for r in rows] == table.column("last_purchase").to_pylist()
    assert rows[0][5] == "a ≥ 1; b"
    assert [bool(r[6]) for r in rows] == table.column("has_purchases").to_pylist()


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]
