"""The values users type, read into numbers, dates and yes/no exactly."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from tierwise.io.parsing import typed_expr

CON = duckdb.connect()


def parse(col_type: str, text: str | None):
    sql = f"SELECT {typed_expr(col_type, 'x')} FROM (SELECT ?::VARCHAR AS x)"
    return CON.execute(sql, [text]).fetchone()[0]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,234.50", 1234.5),
        ("¥1,234", 1234.0),
        ("￥1,234", 1234.0),
        ("1234元", 1234.0),
        ("RMB 1,234", 1234.0),
        ("(1,234)", -1234.0),
        ("-200", -200.0),
        ("１２３．５", 123.5),
        ("1.234,50", 1234.5),
        ("12,5", 12.5),
        ("1,234,567", 1234567.0),
        (" 12 ", 12.0),
        ("1e3", 1000.0),
        ("abc", None),
        ("", None),
        (None, None),
        ("nan", None),
        ("inf", None),
    ],
)
def test_amounts(text, value) -> None:
    assert parse("float", text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2024-01-31", dt.date(2024, 1, 31)),
        ("2024/1/31", dt.date(2024, 1, 31)),
        ("20240131", dt.date(2024, 1, 31)),
        ("2024年1月31日", dt.date(2024, 1, 31)),
        ("2024-01-31 13:45:00", dt.date(2024, 1, 31)),
        ("2024-01-31T13:45:00", dt.date(2024, 1, 31)),
        ("2024.1.31", dt.date(2024, 1, 31)),
        ("45322", dt.date(2024, 1, 31)),
        ("45322.75", dt.date(2024, 1, 31)),  # Excel serial dates and datetimes
        ("２０２４－０１－３１", dt.date(2024, 1, 31)),
        ("2024-02-30", None),
        ("2024-13-01", None),
        ("31/01/2024", None),
        ("12", None),
        ("", None),
    ],
)
def test_dates(text, value) -> None:
    assert parse("date", text) == value


@pytest.mark.parametrize(("text", "value"), [("5", 5), ("5.0", 5), ("１０", 10), ("4.5", None), ("x", None)])
def test_whole_numbers(text, value) -> None:
    assert parse("int", text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("是", True),
        ("否", False),
        ("已开始", True),
        ("未开始", False),
        ("Yes", True),
        ("n", False),
        ("1", True),
        ("maybe", None),
    ],
)
def test_yes_no(text, value) -> None:
    assert parse("bool", text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [("省级", "provincial"), ("Provincial", "provincial"), (" 县级 ", "county"), ("部级", None), ("", None)],
)
def test_coded_values_map_to_the_canonical_vocabulary(text, value) -> None:
    from tierwise.io.columns import VALUE_MAPS

    sql = typed_expr("string", "x", VALUE_MAPS[("customers", "org_level")])
    assert CON.execute(f"SELECT {sql} FROM (SELECT ?::VARCHAR AS x)", [text]).fetchone()[0] == value
