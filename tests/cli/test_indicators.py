"""``tierwise indicators``: a data set folder in, the indicator table out (file or screen)."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.errors import UsageError

CUSTOMERS = "customer_id,name,region\nC1,华东机电,上海\nC2,Wang Fang,北京\nC3,Silent,\n"
TRANSACTIONS = (
    "客户编号,交易日期,金额,成本\n"
    "C1,2024-06-30,1000,600\n"
    "C1,2024-07-01,5000,\n"  # the day after the as-of date: not seen
    "C1,2023-07-01,400,300\n"
    "C1,2023-06-30,300,\n"  # 12 months before: previous window
    "C2,2024-01-10,100,\n"
    "C2,2024-02-01,-30,\n"
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    (data / "交易.csv").write_text(TRANSACTIONS, encoding="gb18030")
    return data


def run(*args: str) -> object:
    return CliRunner().invoke(app, ["indicators", *args], catch_exceptions=True)


def test_writes_every_customer_to_csv(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "indicators.csv"
    result = run(str(folder), "--as-of", "2024-06-30", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "3 customers × 30 indicators as of 2024-06-30 (duckdb)" in result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["customer_id"] for r in rows] == ["C1", "C2", "C3"]  # by sales rank
    c1 = rows[0]
    assert (c1["sales_12m"], c1["sales_prev_12m"], c1["profit_12m"], c1["orders"], c1["name"]) == (
        "1400",
        "300",
        "500",
        "2",
        "华东机电",
    )
    assert (rows[1]["returns_amount"], rows[1]["return_rate"], rows[2]["has_purchases"]) == ("30", "0.3", "false")


def test_chinese_headers_and_gb18030_csv(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "指标.csv"
    assert run(str(folder), "--as-of", "2024-06-30", "--lang", "zh", "--out", str(out)).exit_code == 0
    header = out.read_bytes().decode("gb18030").splitlines()[0]
    assert header.startswith('"客户编号","有购买","累计销售额","近12个月销售额"')


def test_months_and_parquet(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "indicators.parquet"
    assert run(str(folder), "--as-of", "2024-06-30", "--months", "24", "--out", str(out)).exit_code == 0
    table = pq.read_table(out).to_pylist()
    assert [(r["customer_id"], r["sales_12m"]) for r in table] == [("C1", 1700.0), ("C2", 70.0), ("C3", 0.0)]


def test_prints_the_top_rows(folder: Path) -> None:
    result = run(str(folder), "--as-of", "2024-06-30", "--rows", "2")
    assert result.exit_code == 0, result.output
    assert "C1" in result.output and "C2" in result.output and "C3" not in result.output
    assert "2 rows and the main columns shown" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--engine", "presto"], "unknown engine 'presto': choose one of duckdb, spark"),
        (["--out", "x.json"], "--out x.json: the file must end in .csv, .parquet, .xlsx"),
    ],
)
def test_usage_errors(folder: Path, args: list[str], message: str) -> None:
    result = run(str(folder), *args)
    assert isinstance(result.exception, UsageError)
    assert str(result.exception) == message


def test_an_unknown_language_is_a_usage_error(folder: Path) -> None:
    result = run(str(folder), "--lang", "fr")
    assert result.exit_code == 2
    assert "'fr' is not one of 'en', 'zh'" in " ".join(result.output.replace("│", " ").split())


@pytest.mark.spark
def test_spark_engine_gives_the_same_file(folder: Path, tmp_path: Path) -> None:
    duck, spark = tmp_path / "duck.csv", tmp_path / "spark.csv"
    assert run(str(folder), "--as-of", "2024-06-30", "--out", str(duck)).exit_code == 0
    result = run(str(folder), "--as-of", "2024-06-30", "--engine", "spark", "--out", str(spark))
    assert result.exit_code == 0, result.output
    assert spark.read_text(encoding="utf-8") == duck.read_text(encoding="utf-8")
