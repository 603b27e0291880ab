"""Table writers: CSV (UTF-8, GB18030), Parquet, xlsx; JSON for lists; Chinese data sets; atomic files."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tierwise.errors import UsageError
from tierwise.io.columns import TABLES
from tierwise.io.demo import generate, localize, write_demo
from tierwise.io.readers import read_dataset
from tierwise.io.writers import EXCEL_MAX_ROWS, DatasetWriter, TableWriter, write_dataset, write_table

ASSIGNMENTS = pa.table(
    {
        "customer_id": ["C001", "C002", "C003"],
        "as_of": pa.array([dt.date(2025, 1, 31), dt.date(2025, 12, 31), None], pa.date32()),
        "score": [5_200_000.5, 0.25, None],
        "rank": pa.array([1, 2, None], pa.int64()),
        "key": [True, False, None],
        "reasons": pa.array(
            [["年消费 5,200,000 ≥ 5,000,000 → 钻石", 'says "hi", then\nleaves'], [], None], pa.list_(pa.string())
        ),
    }
)


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_csv_has_iso_dates_empty_nulls_and_lists_as_json(tmp_path: Path) -> None:
    path = write_table(ASSIGNMENTS, tmp_path / "assignments.csv")
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == '"customer_id","as_of","score","rank","key","reasons"'
    assert lines[1].startswith('"C001",2025-01-31,5200000.5,1,true,')
    back = pa_csv.read_csv(path, convert_options=pa_csv.ConvertOptions(column_types={"reasons": pa.string()}))
    assert [json.loads(r) if r else None for r in back["reasons"].to_pylist()] == ASSIGNMENTS["reasons"].to_pylist()
    assert "≥ 5,000,000 → 钻石" in text  # JSON keeps Chinese as it is (no \u escapes)
    assert back["as_of"].to_pylist() == ASSIGNMENTS["as_of"].to_pylist()
    assert back["score"].to_pylist() == [5_200_000.5, 0.25, None]


def test_parquet_keeps_lists_as_lists(tmp_path: Path) -> None:
    path = write_table(ASSIGNMENTS, tmp_path / "assignments.parquet")
    assert pq.read_table(path).equals(ASSIGNMENTS)


def test_xlsx_has_a_frozen_filtered_header_real_dates_and_json_lists(tmp_path: Path) -> None:
    path = write_table(ASSIGNMENTS, tmp_path / "assignments.xlsx", headers={"customer_id": "客户编号"})
    sheet = openpyxl.load_workbook(path).active
    assert sheet.title == "assignments"
    assert [c.value for c in sheet[1]] == ["客户编号", "as_of", "score", "rank", "key", "reasons"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:F4"
    assert sheet["B2"].value == dt.datetime(2025, 1, 31)
    assert sheet["B2"].number_format == "yyyy-mm-dd"
    assert sheet["C2"].value == 5_200_000.5 and sheet["E2"].value is True
    assert json.loads(sheet["F2"].value) == ASSIGNMENTS["reasons"][0].as_py()
    assert sheet["F3"].value == "[]" and sheet["F4"].value is None and sheet["B4"].value is None


def test_headers_rename_columns_and_gbk_csv_is_really_gbk(tmp_path: Path) -> None:
    table = pa.table({"customer_id": ["C1"], "name": ["华信贸易有限公司"], "amount": [1234.5]})
    path = write_table(
        table, tmp_path / "客户.csv", headers={"customer_id": "客户编号", "name": "客户名称"}, encoding="gbk"
    )
    raw = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert raw.decode("gbk").splitlines() == ['"客户编号","客户名称","amount"', '"C1","华信贸易有限公司",1234.5']


def test_text_the_encoding_cannot_hold_is_refused_by_name_and_nothing_is_written(tmp_path: Path) -> None:
    table = pa.table({"comment": ["很好", "great 😀"]})
    with pytest.raises(UsageError, match="'😀' cannot be written in gbk"):
        write_table(table, tmp_path / "surveys.csv", encoding="gbk")
    assert files_in(tmp_path) == []


def test_a_failed_write_leaves_no_file_and_keeps_the_old_one(tmp_path: Path) -> None:
    target = tmp_path / "transactions.csv"
    target.write_text("old content", encoding="utf-8")
    with pytest.raises(RuntimeError, match="disk gone"), TableWriter(target) as writer:
        writer.write(pa.table({"a": [1, 2]}))
        raise RuntimeError("disk gone")  # fails midway, after a first piece was written
    assert files_in(tmp_path) == ["transactions.csv"]
    assert target.read_text(encoding="utf-8") == "old content"


@pytest.mark.parametrize("suffix", ["csv", "parquet", "xlsx"])
def test_a_failure_midway_through_a_data_set_leaves_no_files(tmp_path: Path, suffix: str) -> None:
    tables = generate(50, seed=1)
    bad = {"customers": tables["customers"], "transactions": pa.table({"x": ["😀"]})}
    writer = DatasetWriter(tmp_path / "out", format=suffix, lang="zh")
    with pytest.raises(UsageError, match=rf"交易.{suffix}: every piece needs the columns \['客户编号'"), writer:
        writer.write(tables)
        writer.write(bad)  # a second piece that does not fit the first
    assert files_in(tmp_path / "out") == []


def test_excel_takes_a_full_sheet_and_refuses_one_row_more(tmp_path: Path) -> None:
    writer = TableWriter(tmp_path / "big.xlsx")
    writer.write(pa.table({"a": [1]}))
    writer.rows = EXCEL_MAX_ROWS - 3  # as if the sheet were nearly full
    writer.write(pa.table({"a": [2, 3]}))  # the last two rows of the sheet
    with pytest.raises(UsageError, match=r"big.xlsx: 1048576 rows do not fit an Excel sheet \(1048575 at most\)"):
        writer.write(pa.table({"a": [4]}))
    writer.abort()
    assert files_in(tmp_path) == []


def test_an_unknown_suffix_or_format_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="must end in .csv, .parquet or .xlsx"):
        write_table(ASSIGNMENTS, tmp_path / "a.json")
    with pytest.raises(UsageError, match="unknown format 'json'"):
        write_dataset({}, tmp_path, format="json")


def read_gbk_csv(path: Path) -> pa.Table:
    """A GB18030 CSV file read with pyarrow (empty cells are nulls)."""
    return pa_csv.read_csv(
        io.BytesIO(path.read_bytes().decode("gb18030").encode()),
        convert_options=pa_csv.ConvertOptions(strings_can_be_null=True),
    )


def test_a_chinese_data_set_has_chinese_names_headers_and_values(tmp_path: Path) -> None:
    tables = generate(200, seed=2)
    paths = write_dataset(tables, tmp_path, lang="zh")
    assert [p.name for p in paths] == [f"{spec.zh}.csv" for spec in TABLES.values()]
    customers = read_gbk_csv(tmp_path / "客户.csv")
    assert customers.column_names == [c.zh for c in TABLES["customers"].columns]
    assert set(customers["客户类型"].to_pylist()) == {"企业", "个人"}
    assert set(customers["机构级别"].drop_null().to_pylist()) <= {"国家级", "省级", "市级", "县级"}
    assert customers["机构级别"].drop_null().to_pylist() == [
        {"national": "国家级", "provincial": "省级", "municipal": "市级", "county": "县级"}[level]
        for level in tables["customers"]["org_level"].drop_null().to_pylist()
    ]
    chances = read_gbk_csv(tmp_path / "商机.csv")
    assert set(chances["阶段"].to_pylist()) == {"线索", "需求确认", "方案", "谈判", "赢单", "输单"}
    assert set(chances["客观需求"].to_pylist()) == {"有", "无"}
    assert set(chances["已开始选型"].to_pylist()) == {"是", "否"}
    complaints = read_gbk_csv(tmp_path / "投诉.csv")
    assert set(complaints["状态"].to_pylist()) == {"未解决", "已解决"}


@pytest.mark.parametrize(("fmt", "lang"), [("csv", "zh"), ("parquet", "en"), ("xlsx", "en"), ("xlsx", "zh")])
def test_a_written_data_set_reads_back_equal(tmp_path: Path, fmt: str, lang: str) -> None:
    tables = generate(150, seed=4)
    write_dataset(tables, tmp_path, format=fmt, lang=lang)
    data = read_dataset(tmp_path, as_of=dt.date(2025, 12, 31))
    for name, table in tables.items():
        assert data.arrow(name).select(table.column_names).equals(table), name


def test_the_streamed_chinese_demo_reads_back_as_the_localized_demo(tmp_path: Path) -> None:
    written = write_demo(tmp_path, customers=150, seed=6, lang="zh")
    assert {path.name for path, _ in written.values()} == {f"{spec.zh}.csv" for spec in TABLES.values()}
    expected = localize(generate(150, seed=6))
    receivables = (tmp_path / "应收账款.csv").read_bytes().decode("gb18030")
    assert re.search(r'"￥\d{1,3},\d{3}\.\d{2}"', receivables)  # money as an Excel export spells it
    data = read_dataset(tmp_path)
    for name, table in expected.items():
        assert written[name][1] == table.num_rows
        assert data.arrow(name).select(table.column_names).equals(table), name


def test_pieces_written_one_after_another_equal_one_write(tmp_path: Path) -> None:
    tables = generate(120, seed=8)
    with DatasetWriter(tmp_path / "pieces", format="parquet") as writer:
        for start in range(0, 1200, 400):
            writer.write({"transactions": tables["transactions"].slice(start, 400)})
    assert pq.read_table(tmp_path / "pieces" / "transactions.parquet").equals(tables["transactions"].slice(0, 1200))


_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00"), max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.tuples(
            _text | st.none(),
            st.floats(allow_nan=False, allow_infinity=False) | st.none(),
            st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)) | st.none(),
            st.lists(_text, max_size=3) | st.none(),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_any_table_survives_a_csv_and_parquet_round_trip(tmp_path: Path, rows: list) -> None:
    table = pa.table(
        {
            "text": pa.array([r[0] for r in rows], pa.string()),
            "number": pa.array([r[1] for r in rows], pa.float64()),
            "day": pa.array([r[2] for r in rows], pa.date32()),
            "items": pa.array([r[3] for r in rows], pa.list_(pa.string())),
        }
    )
    assert pq.read_table(write_table(table, tmp_path / "t.parquet")).equals(table)
    path = write_table(table, tmp_path / "t.csv", encoding="gb18030")
    back = pa_csv.read_csv(
        io.BytesIO(path.read_bytes().decode("gb18030").encode()),
        convert_options=pa_csv.ConvertOptions(
            column_types={"text": pa.string(), "number": pa.float64(), "day": pa.date32(), "items": pa.string()},
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        ),
    )
    assert back["text"].equals(table["text"])
    assert back["number"].equals(table["number"])
    assert back["day"].equals(table["day"])
    assert [json.loads(v) if v is not None else None for v in back["items"].to_pylist()] == table["items"].to_pylist()
