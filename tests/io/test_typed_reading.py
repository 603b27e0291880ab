"""Columns read with their canonical type: the same values and the same problems as the text a user wrote.

A CSV column whose values all cast is read by DuckDB with its type; a column where one value does not, or
where a check finds a problem, is read again as text and parsed leniently, so each problem names the value
as written in the file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tierwise.errors import DataValidationError
from tierwise.i18n import translate
from tierwise.io.readers import read_dataset

D = dt.date


def write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def refused(folder: Path, **kwargs) -> list[tuple]:
    with pytest.raises(DataValidationError) as info:
        read_dataset(folder, **kwargs)
    return [(p.row, p.column, p.value, translate(p.reason, "en").split(" (")[0]) for p in info.value.problems]


def column(folder: Path, table: str, name: str) -> list:
    return read_dataset(folder).relation(table).to_arrow_table().column(name).to_pylist()


def test_a_column_with_one_export_style_amount_is_parsed_leniently_and_the_others_stay_typed(tmp_path) -> None:
    write(tmp_path, "交易.csv", '客户编号,交易日期,金额,成本\nC1,2024-01-02,100,60\nC2,2024/1/3,"￥1,234.50",70.5\n')
    data = read_dataset(tmp_path)
    table = data.relation("transactions").to_arrow_table().to_pydict()
    assert table["amount"] == [100.0, 1234.5]
    assert table["date"] == [D(2024, 1, 2), D(2024, 1, 3)]
    assert table["cost"] == [60.0, 70.5]


def test_an_infinite_amount_is_not_a_number_named_as_written(tmp_path) -> None:
    write(tmp_path, "交易.csv", "客户编号,交易日期,金额\nC1,2024-01-02,1\nC2,2024-01-03,Infinity\n")
    assert refused(tmp_path) == [(3, "金额", "Infinity", "not a number")]


def test_a_date_after_the_as_of_date_is_named_as_written(tmp_path) -> None:
    write(tmp_path, "交易.csv", "客户编号,交易日期,金额\nC1,2024-06-30,1\nC1,2024-07-01 ,1\n")
    assert refused(tmp_path, as_of=D(2024, 6, 30)) == [
        (3, "交易日期", "2024-07-01 ", "date after the as-of date 2024-06-30")
    ]


def test_a_fraction_in_a_whole_number_column_is_named(tmp_path) -> None:
    write(tmp_path, "customers.csv", "customer_id,name,employees\nC1,A,12\nC2,B,4.5\n")
    assert refused(tmp_path) == [(3, "employees", "4.5", "not a whole number")]


def test_whole_numbers_written_as_decimals_read_as_whole_numbers(tmp_path) -> None:
    write(tmp_path, "customers.csv", "customer_id,name,employees\nC1,A,12\nC2,B,5.0\nC3,C,\n")
    assert column(tmp_path, "customers", "employees") == [12, 5, None]


def test_text_with_spaces_around_it_is_trimmed_and_blank_text_is_missing(tmp_path) -> None:
    write(tmp_path, "customers.csv", 'customer_id,name,region\nC1,  Alpha ,north\nC2,Beta," "\n')
    write(tmp_path, "transactions.csv", "customer_id,date,amount\n C1 ,2024-01-02,1\nC2,2024-01-03,2\n")
    data = read_dataset(tmp_path)
    assert data.relation("customers").to_arrow_table().to_pydict()["name"] == ["Alpha", "Beta"]
    assert data.relation("customers").to_arrow_table().to_pydict()["region"] == ["north", None]
    assert data.relation("transactions").to_arrow_table().column("customer_id").to_pylist() == ["C1", "C2"]


def test_a_row_with_too_many_fields_is_named_though_its_values_cast(tmp_path) -> None:
    write(tmp_path, "交易.csv", "客户编号,交易日期,金额\nC1,2024-01-02,1\nC2,2024-01-03,2,3\n")
    ((row, _column, _value, reason),) = refused(tmp_path)
    assert (row, reason) == (
        3,
        "4 fields where the header has 3; remove the extra delimiters or quote the text that holds one",
    )


def test_a_column_read_typed_and_one_read_as_text_both_report_their_rows(tmp_path) -> None:
    write(
        tmp_path,
        "交易.csv",
        "客户编号,交易日期,金额\nC1,2024-01-02,ten\nC1,24-7-22,1\nC1,2024-01-04,2\n,2024-01-05,3\n",
    )
    assert refused(tmp_path) == [
        (2, "金额", "ten", "not a number"),
        (3, "交易日期", "24-7-22", "a two-digit year is ambiguous; write the year in full"),
        (5, "客户编号", "", "required value is empty; fill it in"),
    ]


def test_a_workbook_keeps_its_typed_cells_and_parses_a_column_of_mixed_cells(tmp_path, exports) -> None:
    rows = [
        ["销售明细"],
        ["客户编号", "交易日期", "金额", "数量"],
        ["C1", D(2024, 1, 2), 100.25, 3],
        ["C2", "2024年1月3日", "￥1,234.50", 4],
        ["C3", D(2024, 1, 4), 7, None],
    ]
    exports.write_xlsx(tmp_path / "交易.xlsx", {"Sheet1": rows})
    data = read_dataset(tmp_path)
    table = data.relation("transactions").to_arrow_table().to_pydict()
    assert table["date"] == [D(2024, 1, 2), D(2024, 1, 3), D(2024, 1, 4)]
    assert table["amount"] == [100.25, 1234.5, 7.0]
    assert table["quantity"] == [3.0, 4.0, None]


def test_a_bad_value_in_a_workbook_is_named_with_its_row(tmp_path, exports) -> None:
    rows = [["客户编号", "交易日期", "金额"], ["C1", D(2024, 1, 2), 1], ["C2", D(2024, 1, 3), "ten"]]
    exports.write_xlsx(tmp_path / "交易.xlsx", {"Sheet1": rows})
    assert refused(tmp_path) == [(3, "金额", "ten", "not a number")]


def write_parquet(folder: Path, name: str, columns: dict[str, list]) -> None:
    """A Parquet file of two-row row groups, so that each check spans the statistics of several groups."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table(columns), folder / name, row_group_size=2)


def parquet_transactions(**changes: list) -> dict[str, list]:
    columns = {
        "customer_id": ["C1", "C2", "C3", "C4", "C5"],
        "date": [D(2024, 1, 2), D(2024, 1, 3), D(2024, 1, 4), D(2024, 1, 5), D(2024, 1, 6)],
        "amount": [1.0, 2.0, 3.0, 4.0, 5.0],
        "category": ["轴承", " 电机 ", "阀门", "", None],
    }
    return {**columns, **changes}


def test_a_valid_parquet_file_loads_with_its_free_text_trimmed(tmp_path) -> None:
    write_parquet(tmp_path, "transactions.parquet", parquet_transactions())
    table = read_dataset(tmp_path, as_of=D(2024, 1, 6)).relation("transactions").to_arrow_table().to_pydict()
    assert table["customer_id"] == ["C1", "C2", "C3", "C4", "C5"]
    assert table["category"] == ["轴承", "电机", "阀门", None, None]


def test_each_problem_of_a_parquet_file_is_found_beside_the_checks_its_statistics_answer(tmp_path) -> None:
    dates = [D(2024, 1, 2), None, D(2999, 1, 1), D(2024, 3, 1), D(2024, 1, 6)]
    ids = ["C1", "C2", "\u3000", "C4", "C5"]
    write_parquet(tmp_path, "transactions.parquet", parquet_transactions(date=dates, customer_id=ids))
    assert refused(tmp_path, as_of=D(2024, 2, 1)) == [
        (3, "date", "", "required value is empty; fill it in"),
        (4, "customer_id", "\u3000", "required value is empty; fill it in"),
        (4, "date", "2999-01-01", "date outside 1900–2100; check the year"),
        (4, "date", "2999-01-01", "date after the as-of date 2024-02-01"),
        (5, "date", "2024-03-01", "date after the as-of date 2024-02-01"),
    ]
