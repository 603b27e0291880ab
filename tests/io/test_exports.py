"""Real exports read right: each file shaped as a Chinese ERP or Excel writes it loads with the right values
and says what reading did, or is refused with a problem that says what to change in the file."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from tierwise.errors import DataValidationError, Problem, UsageError
from tierwise.i18n import translate
from tierwise.io.header_map import load_header_map
from tierwise.io.readers import read_dataset

D = dt.date
TX_HEADER = ["客户编号", "交易日期", "金额"]
TX_ROWS = [["C1", "2024-01-02", "100"], ["C2", "2024-01-03", "250.5"]]


def notes(data) -> list[str]:
    """What reading did, in English."""
    return [n.english() for n in data.notes]


def tx(data) -> dict[str, list]:
    """The canonical transactions of a data set, as Python lists."""
    return data.relation("transactions").to_arrow_table().select(["customer_id", "date", "amount"]).to_pydict()


def en(problem: Problem) -> str:
    return translate(problem.reason, "en")


def zh(problem: Problem) -> str:
    return translate(problem.reason, "zh")


def refused(folder: Path, **kwargs) -> DataValidationError:
    with pytest.raises(DataValidationError) as info:
        read_dataset(folder, **kwargs)
    return info.value


EXPECTED = {"customer_id": ["C1", "C2"], "date": [D(2024, 1, 2), D(2024, 1, 3)], "amount": [100.0, 250.5]}


# --- files that were dropped without a word ----------------------------------------------------------


def test_an_old_excel_xls_file_is_read(tmp_path: Path, exports) -> None:
    exports.write_xls(tmp_path / "交易.xls", [TX_HEADER, ["C1", D(2024, 1, 2), 100], ["C2", D(2024, 1, 3), 250.5]])
    assert tx(read_dataset(tmp_path)) == EXPECTED


def test_an_ods_file_is_read(tmp_path: Path, exports) -> None:
    exports.write_ods(tmp_path / "交易.ods", [TX_HEADER, ["C1", "2024-01-02", 100], ["C2", "2024-01-03", 250.5]])
    assert tx(read_dataset(tmp_path)) == EXPECTED


def test_an_html_page_saved_as_xls_is_read_and_said_so(tmp_path: Path, exports) -> None:
    exports.write_html_xls(tmp_path / "交易.xls", [TX_HEADER, *TX_ROWS], encoding="gbk", title="销售明细表")
    data = read_dataset(tmp_path)
    assert tx(data) == EXPECTED
    assert "交易.xls: an HTML page saved as .xls; read its table" in notes(data)
    assert "交易.xls: read the header on row 2" in notes(data)


def test_a_file_named_after_nothing_is_recognised_by_its_headers_and_said_so(tmp_path: Path, exports) -> None:
    exports.write_csv(tmp_path / "销售明细2024.csv", [TX_HEADER, *TX_ROWS])
    data = read_dataset(tmp_path)
    assert data.tables == ["transactions"]
    assert tx(data) == EXPECTED
    assert "销售明细2024.csv: read as the transactions table (交易), recognised by its headers" in notes(data)


def test_a_file_whose_name_and_headers_say_nothing_is_named_with_the_headers_found(tmp_path: Path, exports) -> None:
    exports.write_csv(tmp_path / "customers.csv", [["customer_id", "name"], ["C1", "A"]])
    exports.write_csv(tmp_path / "导出数据.csv", [["单据号", "往来单位", "价税合计"], ["D1", "C1", "5"]])
    error = refused(tmp_path)
    (problem,) = error.problems
    assert problem.file == "导出数据.csv"
    assert en(problem).startswith("the file name does not say which table it holds, and its headers fit no table")
    assert "headers found: 单据号, 往来单位, 价税合计" in en(problem)
    assert "--map" in en(problem) and "--map" in zh(problem)
    assert "找到的表头：单据号, 往来单位, 价税合计" in zh(problem)


def test_headers_that_fit_several_tables_ask_for_the_file_to_be_named(tmp_path: Path, exports) -> None:
    exports.write_csv(tmp_path / "明细.csv", [["客户编号", "日期"], ["C1", "2024-01-02"]])
    (problem,) = refused(tmp_path).problems
    assert en(problem).startswith("the headers fit several tables (visits, complaints, surveys)")


def test_a_data_file_that_is_a_folder_is_named(tmp_path: Path, exports) -> None:
    exports.write_csv(tmp_path / "customers.csv", [["customer_id", "name"], ["C1", "A"]])
    (tmp_path / "transactions.csv").mkdir()
    (problem,) = refused(tmp_path).problems
    assert (problem.file, en(problem)) == (
        "transactions.csv",
        "a folder, not a file; move the table file itself into the data set folder",
    )


def test_a_file_that_cannot_be_opened_is_a_named_problem(tmp_path: Path, exports, monkeypatch) -> None:
    path = exports.write_csv(tmp_path / "交易.csv", [TX_HEADER, *TX_ROWS])
    real_open = Path.open

    def denied(self, *args, **kwargs):  # the operating system refusing, as it does for another user's file
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", denied)
    (problem,) = refused(tmp_path).problems
    assert problem.file == "交易.csv"
    assert en(problem) == "permission denied: the file cannot be read; give your user read access to it"


def test_files_that_hold_no_table_are_listed_in_the_notes(tmp_path: Path, exports) -> None:
    exports.write_csv(tmp_path / "交易.csv", [TX_HEADER, *TX_ROWS])
    (tmp_path / "说明.docx").write_bytes(b"not a table")
    assert "not table files, not read: 说明.docx" in notes(read_dataset(tmp_path))


# --- headers as exports write them -------------------------------------------------------------------


def test_a_title_and_a_blank_row_above_the_header_are_skipped_and_the_header_row_said(tmp_path, exports) -> None:
    exports.write_csv(tmp_path / "交易.csv", [["2024年销售明细表"], [], TX_HEADER, *TX_ROWS])
    data = read_dataset(tmp_path)
    assert tx(data) == EXPECTED
    assert "交易.csv: read the header on row 3" in notes(data)


def test_rows_keep_the_numbers_of_the_file_below_a_title(tmp_path: Path, exports) -> None:
    exports.write_csv(tmp_path / "交易.csv", [["2024年销售明细表"], TX_HEADER, ["C1", "2024-01-02", "十"]])
    (problem,) = refused(tmp_path).problems
    assert (problem.row, problem.column, problem.value) == (3, "金额", "十")


def test_a_two_row_merged_header_is_read(tmp_path: Path, exports) -> None:
    # 客户编号 spans rows 1–2; 交易信息 spans the two columns whose names are on row 2
    rows = [[None, "交易信息", None], [None, "交易日期", "金额"], *TX_ROWS]
    exports.write_xlsx(
        tmp_path / "交易.xlsx", {"Sheet1": rows}, merges=[(0, 0, 1, 0, "客户编号"), (0, 1, 0, 2, "交易信息")]
    )
    data = read_dataset(tmp_path)
    assert tx(data) == EXPECTED
    assert "交易.xlsx: read the header on rows 1–2" in notes(data)


def test_the_table_on_the_second_sheet_is_found_and_the_sheet_said(tmp_path: Path, exports) -> None:
    exports.write_xlsx(
        tmp_path / "交易.xlsx",
        {"说明": [["本表由系统导出"], ["导出时间", "2024-02-01"]], "数据": [TX_HEADER, *TX_ROWS]},
    )
    data = read_dataset(tmp_path)
    assert tx(data) == EXPECTED
    assert "交易.xlsx: read sheet '数据'" in notes(data)


def _titled_workbook(path: Path, rows: int, error_row: int | None = None) -> None:
    """A workbook whose second sheet holds the table from column B, under a title and a blank row, with a
    rich-text header cell and ``rows`` rows (more than the rows searched for the header)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("说明").write(0, 0, "本表由系统导出")
    sheet = book.add_worksheet("明细")
    sheet.write(0, 1, "2024年销售明细")
    sheet.write_rich_string(2, 1, book.add_format({"bold": True}), "客户", "编号")
    sheet.write_row(2, 2, ["交易日期", "金额"])
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    for i in range(rows):
        sheet.write(3 + i, 1, f"C{i + 1}")
        sheet.write_datetime(3 + i, 2, dt.datetime(2024, 1, 1) + dt.timedelta(days=i), dates)
        if error_row is not None and 3 + i == error_row - 1:
            sheet.write_formula(3 + i, 3, "=NA()", None, "#N/A")
        else:
            sheet.write_number(3 + i, 3, i + 0.5)
    book.close()


def test_a_workbook_table_below_a_title_from_column_b_on_the_second_sheet_is_read(tmp_path: Path) -> None:
    _titled_workbook(tmp_path / "交易.xlsx", 40)
    data = read_dataset(tmp_path)
    got = tx(data)
    assert len(got["customer_id"]) == 40
    assert (got["customer_id"][0], got["date"][0], got["amount"][0]) == ("C1", D(2024, 1, 1), 0.5)
    assert (got["customer_id"][-1], got["date"][-1], got["amount"][-1]) == ("C40", D(2024, 2, 9), 39.5)
    assert "交易.xlsx: read sheet '明细', the header on row 3" in notes(data)


def test_an_error_cell_far_below_the_header_is_named_with_its_row(tmp_path: Path) -> None:
    _titled_workbook(tmp_path / "交易.xlsx", 60, error_row=50)
    (problem,) = refused(tmp_path).problems
    assert (problem.row, problem.column, problem.value) == (50, "金额", "#N/A")


def test_when_no_header_matches_the_headers_found_are_listed_in_both_languages(tmp_path, exports) -> None:
    exports.write_csv(tmp_path / "交易.csv", [["单据号", "往来单位", "价税合计"], ["D1", "C1", "5"]])
    error = refused(tmp_path)
    assert [p.column for p in error.problems] == ["customer_id (客户编号)", "date (交易日期)", "amount (金额)"]
    for problem in error.problems:
        assert "headers found in row 1: 单据号, 往来单位, 价税合计" in en(problem)
        assert "第 1 行找到的表头：单据号, 往来单位, 价税合计" in zh(problem)


def test_the_chinese_half_lists_the_same_accepted_names_as_the_english_half(tmp_path: Path, exports) -> None:
    exports.write_csv(tmp_path / "交易.csv", [["客户编号", "金额"], ["C1", "5"]])
    (problem,) = refused(tmp_path).problems
    names = re.search(r"one of: (.*?) \(or map", en(problem)).group(1)
    assert names.startswith("date, 交易日期, 日期")
    assert f"以下之一：{names}（" in zh(problem)


def test_duplicate_headers_are_a_named_error(tmp_path: Path, exports) -> None:
    exports.write_csv(tmp_path / "交易.csv", [["客户编号", "交易日期", "金额", "金额"], ["C1", "2024-01-02", "1", "2"]])
    (problem,) = refused(tmp_path).problems
    assert (problem.row, problem.column) == (1, "金额")
    assert en(problem) == "two columns are headed '金额' (columns C and D); delete one or rename it"


@pytest.mark.parametrize("header", ["金额(元)", "金额（元）", "金额 (元)", "金额【元】"])
def test_a_header_with_the_unit_yuan_is_recognised(tmp_path: Path, exports, header: str) -> None:
    exports.write_csv(tmp_path / "交易.csv", [["客户编号", "交易日期", header], *TX_ROWS])
    data = read_dataset(tmp_path)
    assert tx(data) == EXPECTED
    assert not [n for n in notes(data) if "multiplied" in n]


def test_a_unit_in_wan_yuan_scales_the_values_and_says_so(tmp_path: Path, exports) -> None:
    exports.write_csv(
        tmp_path / "交易.csv",
        [["客户编号", "交易日期", "金额（万元）", "成本(万元)"], ["C1", "2024-01-02", "1.5", "0.25"]],
    )
    data = read_dataset(tmp_path)
    row = data.relation("transactions").to_arrow_table().to_pylist()[0]
    assert (row["amount"], row["cost"]) == (15_000.0, 2_500.0)
    assert "交易.csv: 金额（万元） is in 万元: values multiplied by 10,000" in notes(data)
    assert "交易.csv: 成本(万元) is in 万元: values multiplied by 10,000" in notes(data)


def test_a_header_map_names_an_erps_own_headers(tmp_path: Path, exports) -> None:
    exports.write_csv(tmp_path / "交易.csv", [["往来单位编码", "单据日期", "价税合计"], *TX_ROWS])
    (tmp_path.parent / "map.yaml").write_text(
        "交易:\n  往来单位编码: customer_id\n  单据日期: 交易日期\n  价税合计: amount\n"
    )
    mapping = load_header_map(tmp_path.parent / "map.yaml")
    assert tx(read_dataset(tmp_path, header_map=mapping)) == EXPECTED


def test_a_header_map_also_recognises_a_file_named_after_nothing(tmp_path: Path, exports) -> None:
    exports.write_csv(tmp_path / "导出.csv", [["往来单位编码", "单据日期", "价税合计"], *TX_ROWS])
    mapping = {"transactions": {"往来单位编码": "customer_id", "单据日期": "date", "价税合计": "amount"}}
    assert tx(read_dataset(tmp_path, header_map=mapping)) == EXPECTED


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("transactions: [a, b]\n", "under 'transactions', expected 'header: column' lines"),
        ("sales_orders:\n  a: amount\n", "unknown table 'sales_orders'; use one of: customers (客户)"),
        ("交易:\n  价税合计: total\n", "'价税合计' maps to 'total', which is not a column of transactions; use one of"),
        ("- just a list\n", "expected one mapping per table"),
    ],
)
def test_a_wrong_header_map_is_a_usage_error_that_says_what_is_accepted(tmp_path: Path, text, message) -> None:
    (tmp_path / "map.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match=re.escape(message)):
        load_header_map(tmp_path / "map.yaml")


# --- rows as exports write them ----------------------------------------------------------------------


def test_totals_rows_are_left_out_and_reported(tmp_path: Path, exports) -> None:
    rows = [TX_HEADER, *TX_ROWS, ["合计", "2024-01-31", "350.5"], ["总 计：", None, "350.5"], ["Total", "", "350.5"]]
    exports.write_csv(tmp_path / "交易.csv", rows)
    data = read_dataset(tmp_path)
    assert tx(data) == EXPECTED
    assert [n for n in notes(data) if "totals" in n] == [
        f"交易.csv: row {r} is a totals row: not loaded" for r in (4, 5, 6)
    ]


def test_a_dated_totals_row_in_the_name_column_does_not_become_a_customer(tmp_path: Path, exports) -> None:
    exports.write_csv(
        tmp_path / "customers.csv",
        [["客户编号", "客户名称", "年营业额"], ["C1", "甲公司", "10"], [None, "小计", "10"], ["C2", "乙公司", "5"]],
    )
    data = read_dataset(tmp_path)
    assert data.relation("customers").to_arrow_table().column("customer_id").to_pylist() == ["C1", "C2"]
    assert "customers.csv: row 3 is a totals row: not loaded" in notes(data)


def test_blank_rows_in_the_middle_and_at_the_end_are_skipped_and_counted(tmp_path: Path, exports) -> None:
    rows = [TX_HEADER, TX_ROWS[0], [None, None, None], ["", " ", "\u3000"], TX_ROWS[1], *[[None] * 3] * 3]
    exports.write_csv(tmp_path / "交易.csv", rows)
    data = read_dataset(tmp_path)
    assert tx(data) == EXPECTED
    assert "交易.csv: 5 blank row(s) skipped" in notes(data)


def test_blank_rows_in_a_workbook_are_skipped_too(tmp_path: Path, exports) -> None:
    exports.write_xlsx(tmp_path / "交易.xlsx", {"Sheet1": [TX_HEADER, TX_ROWS[0], [], [], TX_ROWS[1], [], []]})
    data = read_dataset(tmp_path)
    assert tx(data) == EXPECTED
    assert "交易.xlsx: 2 blank row(s) skipped" in notes(data)


def test_an_empty_line_in_a_csv_keeps_the_row_numbers_of_the_file(tmp_path: Path) -> None:
    (tmp_path / "交易.csv").write_text(
        "客户编号,交易日期,金额\nC1,2024-01-02,1\n\n\nC2,2024-01-03,x\n", encoding="utf-8"
    )
    (problem,) = refused(tmp_path).problems
    assert (problem.row, problem.value) == (5, "x")


# --- values as exports write them --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1\u00a0234.50", 1234.5),  # no-break space between thousands
        ("1\u202f234", 1234.0),  # narrow no-break space
        ("1\u2009234", 1234.0),  # thin space
        ("\u2212200", -200.0),  # the Unicode minus
        ("\u00a0-12.5\u00a0", -12.5),
        ("￥1,234.00", 1234.0),
    ],
)
def test_spaces_and_the_unicode_minus_inside_numbers_parse_as_a_person_reads_them(tmp_path, exports, text, value):
    exports.write_csv(tmp_path / "交易.csv", [TX_HEADER, ["C1", "2024-01-02", text]])
    assert tx(read_dataset(tmp_path))["amount"] == [value]


def test_a_two_digit_year_is_a_named_error_not_the_year_24(tmp_path: Path, exports) -> None:
    exports.write_csv(tmp_path / "交易.csv", [TX_HEADER, ["C1", "24-7-22", "1"], ["C1", "2024-07-22", "1"]])
    (problem,) = refused(tmp_path).problems
    assert (problem.row, problem.column, problem.value) == (2, "交易日期", "24-7-22")
    assert en(problem) == "a two-digit year is ambiguous; write the year in full (e.g. 2024-07-22)"


def test_dates_outside_a_plausible_range_are_row_errors(tmp_path: Path, exports) -> None:
    exports.write_csv(tmp_path / "交易.csv", [TX_HEADER, ["C1", "0024-07-22", "1"], ["C1", "2999-01-01", "1"]])
    error = refused(tmp_path)
    assert [(p.row, p.value, en(p)) for p in error.problems] == [
        (2, "0024-07-22", "date outside 1900–2100; check the year"),
        (3, "2999-01-01", "date outside 1900–2100; check the year"),
    ]


@pytest.mark.parametrize("code", ["#N/A", "#VALUE!", "#DIV/0!", "#REF!"])
def test_excel_error_cells_are_named_in_any_column(tmp_path: Path, exports, code: str) -> None:
    header = [*TX_HEADER, "品类"]
    rows = [header, ["C1", D(2024, 1, 2), None, "轴承"], ["C2", D(2024, 1, 3), 5, None]]
    exports.write_xlsx(tmp_path / "交易.xlsx", {"Sheet1": rows}, errors={(1, 2): code, (2, 3): code})
    error = refused(tmp_path)
    assert [(p.row, p.column, p.value) for p in error.problems] == [(2, "金额", code), (3, "品类", code)]
    assert en(error.problems[0]) == "an Excel error cell; fix the formula or type the value in"


def test_gbk_rows_after_utf8_rows_are_pointed_at_the_first_gbk_row(tmp_path: Path) -> None:
    head = "客户编号,交易日期,金额,品类\n" + "".join(f"C{i},2024-01-02,1,轴承\n" for i in range(1, 6))
    (tmp_path / "交易.csv").write_bytes(head.encode("utf-8") + "C9,2024-01-02,1,轴承\n".encode("gbk"))
    (problem,) = refused(tmp_path).problems
    assert problem.row == 7
    assert "the rows above are UTF-8 but this one is not" in en(problem)


def test_a_nine_megabyte_note_loads(tmp_path: Path) -> None:
    note = "长" * (3 * 1024 * 1024)  # 9 MB of UTF-8
    (tmp_path / "交易.csv").write_text(f"客户编号,交易日期,金额,备注\nC1,2024-01-02,1,{note}\nC2,2024-01-03,2,短\n")
    data = read_dataset(tmp_path)
    notes = data.relation("transactions").to_arrow_table().column("备注").to_pylist()
    assert [len(n) for n in notes] == [len(note), 1]


def test_an_excel_saved_utf8_csv_with_a_mark_reads(tmp_path: Path, exports) -> None:
    exports.write_csv(tmp_path / "交易.csv", [TX_HEADER, *TX_ROWS], encoding="utf-8-sig")
    assert tx(read_dataset(tmp_path)) == EXPECTED


def test_a_gbk_csv_with_a_title_row_reads(tmp_path: Path, exports) -> None:
    exports.write_csv(tmp_path / "交易.csv", [["销售明细"], TX_HEADER, *TX_ROWS], encoding="gbk")
    assert tx(read_dataset(tmp_path)) == EXPECTED


def test_the_lines_of_one_order_share_its_number(tmp_path: Path, exports) -> None:
    rows = [
        ["客户编号", "交易日期", "金额", "订单号"],
        ["C1", "2024-01-02", "1", "SO-1"],
        ["C1", "2024-01-02", "2", "SO-1"],
    ]
    exports.write_csv(tmp_path / "交易.csv", rows)
    data = read_dataset(tmp_path)
    assert data.relation("transactions").to_arrow_table().column("transaction_id").to_pylist() == ["SO-1", "SO-1"]
