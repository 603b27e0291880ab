"""A corpus of malformed data sets: each must fail with exactly the problems a user needs to fix them."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from tierwise.errors import DataValidationError
from tierwise.i18n import translate
from tierwise.io.readers import read_dataset

CUSTOMERS = "customer_id,name\nC1,Alpha\nC2,Beta\n"


def files(**contents: str | bytes):
    """A builder writing each keyword as a file (``customers_csv`` → ``customers.csv``)."""

    def build(folder: Path) -> None:
        for key, content in contents.items():
            stem, suffix = key.rsplit("_", 1)
            path = folder / f"{stem}.{suffix}"
            path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))

    return build


# (case id, files, as_of, expected [(file, row, column, value, reason start)], expected total)
CASES = [
    (
        "bad number",
        files(customers_csv=CUSTOMERS, transactions_csv="customer_id,date,amount\nC1,2024-01-01,12a\n"),
        None,
        [("transactions.csv", 2, "amount", "12a", "not a number")],
        1,
    ),
    (
        "bad date",
        files(customers_csv=CUSTOMERS, transactions_csv="customer_id,date,amount\nC1,2024-02-30,1\nC2,31/01/2024,2\n"),
        None,
        [
            ("transactions.csv", 2, "date", "2024-02-30", "not a date"),
            ("transactions.csv", 3, "date", "31/01/2024", "not a date"),
        ],
        2,
    ),
    (
        "UTF-8 mark on a GBK file",
        files(customers_csv=b"\xef\xbb\xbfcustomer_id,name\nC1," + "张三".encode("gbk") + b"\n"),
        None,
        [("customers.csv", 2, None, None, "cannot decode bytes d5 c5 c8 fd: the file starts with a UTF-8 mark")],
        1,
    ),
    (
        "bytes neither UTF-8 nor GBK",
        files(customers_csv=b"customer_id,name\nC1,A\nC2,\x80\xff\n"),
        None,
        [("customers.csv", 3, None, None, "cannot decode bytes 80 ff 0a: the text is neither UTF-8 nor GBK")],
        1,
    ),
    (
        "missing required column",
        files(transactions_csv="customer_id,amount\nC1,5\n"),
        None,
        [("transactions.csv", None, "date (交易日期)", None, "required column missing")],
        1,
    ),
    (
        "duplicate customer id",
        files(customers_csv="customer_id,name\nC1,A\nC2,B\nC1,C\n"),
        None,
        [("customers.csv", 4, "customer_id", "C1", "duplicate id (first at row 2)")],
        1,
    ),
    (
        "duplicate invoice id",
        files(
            receivables_csv="invoice_id,customer_id,invoice_date,due_date,amount\n"
            "I1,C1,2024-01-01,2024-02-01,10\nI1,C2,2024-01-05,2024-02-05,20\n"
        ),
        None,
        [("receivables.csv", 3, "invoice_id", "I1", "duplicate id (first at row 2)")],
        1,
    ),
    (
        "unknown customer in transactions",
        files(customers_csv=CUSTOMERS, transactions_csv="customer_id,date,amount\nC1,2024-01-01,1\nC9,2024-01-02,2\n"),
        None,
        [("transactions.csv", 3, "customer_id", "C9", "unknown customer (not in customers.csv)")],
        1,
    ),
    ("empty file", files(customers_csv=""), None, [("customers.csv", None, None, None, "the file is empty")], 1),
    (
        "header only",
        files(transactions_csv="customer_id,date,amount\n"),
        None,
        [("transactions.csv", None, None, None, "the file has a header but no data rows")],
        1,
    ),
    (
        "csat 7 and nps 11",
        files(surveys_csv="customer_id,date,csat,nps\nC1,2024-01-01,7,10\nC1,2024-01-02,5,11\n"),
        None,
        [("surveys.csv", 2, "csat", "7", "out of range 1–5"), ("surveys.csv", 3, "nps", "11", "out of range 0–10")],
        2,
    ),
    (
        "csat not whole",
        files(surveys_csv="customer_id,date,csat\nC1,2024-01-01,4.5\n"),
        None,
        [("surveys.csv", 2, "csat", "4.5", "not a whole number")],
        1,
    ),
    (
        "mixed types in one column",
        files(transactions_csv="customer_id,date,amount\nC1,2024-01-01,10\nC1,2024-01-02,ten\nC1,2024-01-03,10.5\n"),
        None,
        [("transactions.csv", 3, "amount", "ten", "not a number")],
        1,
    ),
    (
        "org_level outside its four values",
        files(customers_csv="客户编号,客户名称,机构级别\nC1,市政府,市级\nC2,某部委,部级\n"),
        None,
        [("customers.csv", 3, "机构级别", "部级", "not one of: county, municipal, national, provincial")],
        1,
    ),
    (
        "required value empty",
        files(transactions_csv="customer_id,date,amount\nC1,2024-01-01,\n,2024-01-01,5\n"),
        None,
        [
            ("transactions.csv", 2, "amount", "", "required value is empty"),
            ("transactions.csv", 3, "customer_id", "", "required value is empty"),
        ],
        2,
    ),
    (
        "date after the as-of date",
        files(transactions_csv="customer_id,date,amount\nC1,2024-06-30,1\nC1,2024-07-01,1\n"),
        dt.date(2024, 6, 30),
        [("transactions.csv", 3, "date", "2024-07-01", "date after the as-of date 2024-06-30")],
        1,
    ),
    (
        "two headers for one column",
        files(transactions_csv="客户编号,customer_id,date,amount\nC1,C1,2024-01-01,1\n"),
        None,
        [("transactions.csv", 1, "customer_id", None, "a second column for customer_id")],
        1,
    ),
    (
        "two files for one table",
        files(customers_csv=CUSTOMERS, 客户_csv="客户编号,客户名称\nC1,A\n"),
        None,
        [("客户.csv", None, None, None, "a second file for the customers table")],
        1,
    ),
    (
        "bad yes/no",
        files(opportunities_csv="opportunity_id,customer_id,stage,feasibility_started\nO1,C1,lead,maybe\n"),
        None,
        [("opportunities.csv", 2, "feasibility_started", "maybe", "not yes/no")],
        1,
    ),
    (
        "unknown stage",
        files(opportunities_csv="opportunity_id,customer_id,stage\nO1,C1,won\nO2,C1,dreaming\n"),
        None,
        [("opportunities.csv", 3, "stage", "dreaming", "not one of: lead, lost, negotiation")],
        1,
    ),
    (
        "a row with more fields than the header",
        files(transactions_csv="customer_id,date,amount\nC1,2024-01-01,5\nC1,2024-01-02,5,7\n"),
        None,
        [("transactions.csv", 3, None, None, "4 fields where the header has 3")],
        1,
    ),
    (
        "corrupt workbook",
        files(customers_xlsx=b"PK\x03\x04 this is not a workbook"),
        None,
        [("customers.xlsx", None, None, None, "cannot be read as an Excel workbook")],
        1,
    ),
    (
        "corrupt parquet",
        files(customers_parquet=b"PAR1 broken"),
        None,
        [("customers.parquet", None, None, None, "cannot be read as Parquet")],
        1,
    ),
]


@pytest.mark.parametrize(("case", "build", "as_of", "expected", "total"), CASES, ids=[c[0] for c in CASES])
def test_malformed_data_fails_naming_every_offending_cell(tmp_path: Path, case, build, as_of, expected, total) -> None:
    build(tmp_path)
    with pytest.raises(DataValidationError) as info:
        read_dataset(tmp_path, as_of=as_of)
    error = info.value
    assert error.total == total
    got = [(p.file, p.row, p.column, p.value) for p in error.problems]
    assert got == [e[:4] for e in expected]
    for problem, want in zip(error.problems, expected):
        assert problem.reason.english().startswith(want[4]), problem.reason
        assert re.search("[\u4e00-\u9fff]", translate(problem.reason, "zh")), problem.reason  # and in Chinese
    assert "nothing was loaded" in str(error)


def test_the_message_is_shown_in_the_chosen_language(tmp_path: Path) -> None:
    (tmp_path / "交易.csv").write_text("客户编号,交易日期,金额\nC1,2024-01-01,12a\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        read_dataset(tmp_path)
    assert info.value.render("zh") == (
        "数据无效：发现 1 个问题，未加载任何数据。\n  - 交易.csv，第 2 行，列 金额，值 '12a'：不是数字"
    )
    assert info.value.render("en") == (
        "The data set is invalid: 1 problem(s) found; nothing was loaded.\n"
        "  - 交易.csv, row 2, column 金额, value '12a': not a number"
    )


def test_the_message_lists_fifty_problems_then_a_count(tmp_path: Path) -> None:
    rows = "".join(f"C1,2024-01-01,x{i}\n" for i in range(120))
    (tmp_path / "transactions.csv").write_text("customer_id,date,amount\n" + rows)
    with pytest.raises(DataValidationError) as info:
        read_dataset(tmp_path)
    message = str(info.value)
    assert info.value.total == 120
    assert message.count("not a number") == 50
    assert "… and 70 more problem(s)" in message
    assert "row 2, column amount, value 'x0'" in message and "row 51, column amount, value 'x49'" in message


def test_problems_in_several_files_are_reported_together(tmp_path: Path) -> None:
    files(
        customers_csv="customer_id,name\nC1,A\nC1,B\n",
        transactions_csv="customer_id,date,amount\nC1,2024-01-01,abc\n",
        surveys_csv="customer_id,date,nps\nC1,2024-01-01,-1\n",
    )(tmp_path)
    with pytest.raises(DataValidationError) as info:
        read_dataset(tmp_path)
    assert [(p.file, p.row) for p in info.value.problems] == [
        ("customers.csv", 3),
        ("transactions.csv", 2),
        ("surveys.csv", 2),
    ]


def test_a_failed_read_writes_nothing(tmp_path: Path) -> None:
    files(transactions_csv="customer_id,date,amount\nC1,2024-01-01,abc\n")(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(DataValidationError):
        read_dataset(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
