"""Property: any valid table written as CSV (UTF-8 or GBK), Excel or Parquet reads back equal."""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tierwise.io.readers import read_dataset

ids = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-", min_size=1, max_size=8)
names = (
    st.text(alphabet=st.sampled_from(list("张王李赵华东精密机械有限公司abcXYZ ,;\"'")), min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool)
)
amounts = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(lambda x: round(x, 2))
dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))


@st.composite
def transactions(draw):
    n = draw(st.integers(min_value=1, max_value=25))
    return {
        "customer_id": draw(st.lists(ids, min_size=n, max_size=n)),
        "date": draw(st.lists(dates, min_size=n, max_size=n)),
        "amount": draw(st.lists(amounts, min_size=n, max_size=n)),
        "category": draw(st.lists(st.one_of(st.none(), names), min_size=n, max_size=n)),
    }


def write(folder: Path, table: dict, fmt: str) -> None:
    arrow = pa.table(table)
    if fmt == "parquet":
        pq.write_table(arrow, folder / "transactions.parquet")
    elif fmt == "xlsx":
        book = xlsxwriter.Workbook(str(folder / "transactions.xlsx"))
        sheet = book.add_worksheet()
        date_format = book.add_format({"num_format": "yyyy-mm-dd"})
        sheet.write_row(0, 0, list(table))
        for j, values in enumerate(table.values()):
            for i, v in enumerate(values, start=1):
                if v is None:
                    continue
                if isinstance(v, dt.date):
                    sheet.write_datetime(i, j, dt.datetime.combine(v, dt.time()), date_format)
                else:
                    sheet.write(i, j, v)
        book.close()
    else:
        encoding = "gb18030" if fmt == "csv-gbk" else "utf-8"
        sink = pa.BufferOutputStream()
        pacsv.write_csv(arrow, sink)
        text = sink.getvalue().to_pybytes().decode("utf-8")
        if fmt == "csv-gbk":  # a GBK export comes from a Chinese Excel or ERP: its headers are Chinese
            text = '"客户编号","交易日期","金额","品类"' + text[text.index("\n") :]
        (folder / "交易.csv").write_bytes(text.encode(encoding))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=transactions(), fmt=st.sampled_from(["csv-utf8", "csv-gbk", "xlsx", "parquet"]))
def test_any_valid_table_reads_back_equal(table: dict, fmt: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        write(Path(tmp), table, fmt)
        data = read_dataset(tmp)
        got = data.relation("transactions").to_arrow_table().to_pydict()
    assert got["customer_id"] == table["customer_id"]
    assert got["date"] == table["date"]
    assert all(math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9) for a, b in zip(got["amount"], table["amount"]))
    assert got["category"] == table["category"]
