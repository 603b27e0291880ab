"""Every format × encoding × header alias reads to the same canonical tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter

from tierwise.config import Settings
from tierwise.io.columns import TABLES
from tierwise.io.readers import read_dataset
from tierwise.io.source import DemoSource

CUSTOMERS_EN = ["customer_id", "name", "kind", "org_level", "annual_revenue"]
CUSTOMERS_ZH = ["客户编号", "客户名称", "客户类型", "机构级别", "年营业额"]
CUSTOMER_ROWS = [
    ["C001", "华东精密机械有限公司", "company", "provincial", "12000000"],
    ["C002", "Zhang San", "person", "", ""],
]
CUSTOMER_ROWS_ZH = [
    ["C001", "华东精密机械有限公司", "企业", "省级", "12,000,000"],
    ["C002", "Zhang San", "个人", "", ""],
]
TX_EN = ["customer_id", "date", "amount", "cost", "category"]
TX_ZH = ["客户编号", "交易日期", "交易金额", "成本", "品类"]
TX_ROWS = [
    ["C001", "2024-01-31", "1234.5", "1000", "轴承"],
    ["C001", "2024-02-29", "-200", "-150", "轴承"],
    ["C002", "2024-03-01", "99.9", "", ""],
]
# the same values as users type them in Chinese spreadsheets
TX_ROWS_ZH = [
    ["C001", "2024年1月31日", "￥1,234.50", "1,000", "轴承"],
    ["C001", "2024/2/29", "-200", "-150元", "轴承"],
    ["Ｃ002".replace("Ｃ", "C"), "２０２４０３０１", "￥99.90", "", ""],
]

EXPECTED_TX = {
    "customer_id": ["C001", "C001", "C002"],
    "date": [dt.date(2024, 1, 31), dt.date(2024, 2, 29), dt.date(2024, 3, 1)],
    "amount": [1234.5, -200.0, 99.9],
    "cost": [1000.0, -150.0, None],
    "category": ["轴承", "轴承", None],
}
EXPECTED_CUSTOMERS = {
    "customer_id": ["C001", "C002"],
    "name": ["华东精密机械有限公司", "Zhang San"],
    "kind": ["company", "person"],
    "org_level": ["provincial", None],
    "annual_revenue": [12_000_000.0, None],
}


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str, delim: str = ",") -> None:
    lines = [delim.join(header)] + [delim.join(f'"{v}"' if delim in v else v for v in r) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))


def write_xlsx(path: Path, header: list[str], rows: list[list[object]]) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, header)
    for i, row in enumerate(rows, start=1):
        for j, v in enumerate(row):
            if v != "":
                sheet.write(i, j, v)
    book.close()


def write_parquet(path: Path, header: list[str], rows: list[list[str]]) -> None:
    cols = list(zip(*rows))
    pq.write_table(pa.table({h: pa.array([v or None for v in c], pa.string()) for h, c in zip(header, cols)}), path)


def typed_tx_parquet(path: Path) -> None:
    pq.write_table(pa.table(EXPECTED_TX), path)


VARIANTS = {
    "csv-utf8-en": lambda d: (
        write_csv(d / "customers.csv", CUSTOMERS_EN, CUSTOMER_ROWS, "utf-8"),
        write_csv(d / "transactions.csv", TX_EN, TX_ROWS, "utf-8"),
    ),
    "csv-utf8-bom-zh": lambda d: (
        write_csv(d / "客户.csv", CUSTOMERS_ZH, CUSTOMER_ROWS_ZH, "utf-8-sig"),
        write_csv(d / "交易.csv", TX_ZH, TX_ROWS_ZH, "utf-8-sig"),
    ),
    "csv-gbk-zh": lambda d: (
        write_csv(d / "客户.csv", CUSTOMERS_ZH, CUSTOMER_ROWS_ZH, "gbk"),
        write_csv(d / "交易.csv", TX_ZH, TX_ROWS_ZH, "gbk"),
    ),
    "csv-gb18030-semicolon": lambda d: (
        write_csv(d / "客户.csv", CUSTOMERS_ZH, CUSTOMER_ROWS_ZH, "gb18030", ";"),
        write_csv(d / "交易.csv", TX_ZH, TX_ROWS_ZH, "gb18030", ";"),
    ),
    "tsv-utf16-excel-unicode-text": lambda d: (
        write_csv(d / "customers.txt", CUSTOMERS_ZH, CUSTOMER_ROWS_ZH, "utf-16", "\t"),
        write_csv(d / "transactions.txt", TX_EN, TX_ROWS, "utf-16", "\t"),
    ),
    "xlsx-en-typed-cells": lambda d: (
        write_xlsx(
            d / "customers.xlsx",
            CUSTOMERS_EN,
            [
                ["C001", "华东精密机械有限公司", "company", "provincial", 12000000],
                ["C002", "Zhang San", "person", "", ""],
            ],
        ),
        write_xlsx(
            d / "transactions.xlsx",
            TX_EN,
            [
                ["C001", 45322, 1234.5, 1000, "轴承"],  # Excel serial date
                ["C001", "2024-02-29", -200, -150, "轴承"],
                ["C002", 45352, 99.9, "", ""],
            ],
        ),
    ),
    "xlsx-zh": lambda d: (
        write_xlsx(d / "客户档案.xlsx", CUSTOMERS_ZH, CUSTOMER_ROWS_ZH),
        write_xlsx(d / "销售记录.xlsx", TX_ZH, TX_ROWS_ZH),
    ),
    "parquet-text-zh": lambda d: (
        write_parquet(d / "客户.parquet", CUSTOMERS_ZH, CUSTOMER_ROWS_ZH),
        write_parquet(d / "交易.parquet", TX_ZH, TX_ROWS_ZH),
    ),
    "parquet-typed-en": lambda d: (
        write_parquet(d / "customers.parquet", CUSTOMERS_EN, CUSTOMER_ROWS),
        typed_tx_parquet(d / "transactions.parquet"),
    ),
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_format_encoding_and_alias_reads_to_the_same_canonical_tables(tmp_path: Path, variant: str) -> None:
    VARIANTS[variant](tmp_path)
    data = read_dataset(tmp_path)
    assert data.tables == ["customers", "transactions"]
    tx = data.relation("transactions").order("date").fetch_arrow_table().to_pydict()
    assert {k: tx[k] for k in EXPECTED_TX} == EXPECTED_TX
    customers = data.relation("customers").order("customer_id").fetch_arrow_table().to_pydict()
    assert {k: customers[k] for k in EXPECTED_CUSTOMERS} == EXPECTED_CUSTOMERS
    # every canonical column is there, in order, typed; absent optional columns are NULL
    assert data.relation("transactions").columns[:9] == [c.name for c in TABLES["transactions"].columns]
    assert tx["profit"] == [None, None, None]
    assert data.has_column("transactions", "cost") and not data.has_column("transactions", "profit")


def test_unknown_columns_are_kept_and_reported(tmp_path: Path) -> None:
    write_csv(tmp_path / "customers.csv", ["customer_id", "name", "VIP note"], [["C1", "A", "likes tea"]], "utf-8")
    data = read_dataset(tmp_path)
    assert data.unknown_columns == {"customers": ["VIP note"]}
    assert data.relation("customers").select('"VIP note"').fetchall() == [("likes tea",)]


def test_a_single_table_file_is_a_data_set(tmp_path: Path) -> None:
    write_csv(tmp_path / "交易.csv", TX_ZH, TX_ROWS_ZH, "gbk")
    data = read_dataset(tmp_path / "交易.csv")
    assert data.tables == ["transactions"]
    assert data.row_count("transactions") == 3


def test_demo_names_the_generated_demo_data_set() -> None:
    data = DemoSource().open(Settings())
    assert set(data.tables) == set(TABLES)
    assert data.row_count("customers") > 0
