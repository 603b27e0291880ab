"""``tierwise classify``, ``policies``, ``policy show`` and ``pareto`` on a small folder of CSV files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.errors import PolicyError, UsageError

CUSTOMERS = "客户编号,客户名称,机构级别\nC1,华东机电,\nC2,某省交通厅,省级\nC3,小店,\n"
TRANSACTIONS = (
    "客户编号,交易日期,金额,利润\n"
    "C1,2025-01-10,5200000,400000\n"
    "C2,2025-03-01,20000,1000\n"
    "C3,2025-05-01,9999.99,-200\n"
    "C3,2025-06-30,1,0\n"
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "客户.csv").write_text(CUSTOMERS, encoding="gb18030")
    (data / "交易.csv").write_text(TRANSACTIONS, encoding="gb18030")
    return data


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=True)


def test_classify_prints_the_summary_and_the_reasons(folder: Path) -> None:
    result = invoke("classify", str(folder), "--policy", "china-post", "--as-of", "2025-06-30")
    assert result.exit_code == 0, result.output
    assert "Top customers and why" in result.output
    assert "→ diamond" in result.output and "→ platinum" in result.output
    assert "3 customers as of 2025-06-30 (duckdb)" in result.output


def test_classify_writes_csv_with_reasons_as_json(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = invoke("classify", str(folder), "--policy", "china-post", "--as-of", "2025-06-30", "--out", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["customer_id"] for r in rows] == ["C1", "C2", "C3"]
    # C3: 9,999.99 + 1 = 10,000.99 in the window: VIP
    assert [r["class"] for r in rows] == ["diamond", "platinum", "vip"]
    assert json.loads(rows[0]["reasons"]) == ["12-month spend 5,200,000.00 ≥ 5,000,000 → diamond"]
    assert json.loads(rows[1]["reasons"]) == [
        "12-month spend 20,000.00 ≥ 10,000 → VIP",
        "organisation level provincial → platinum",
    ]


def test_classify_writes_parquet_in_chinese(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    result = invoke(
        "classify", str(folder), "--policy", "abc", "--lang", "zh", "--as-of", "2025-06-30", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    # C1 alone is 99.4 % of sales: A; C2 comes after 99.4 % ≥ 95 %: C
    assert table.column("label").to_pylist() == ["A类", "C类", "C类"]
    assert table.column("reasons").to_pylist()[0] == ["近12个月销售额 5,200,000.00，此前累计占比 0.0% < 80% → A类"]


def test_usage_errors(folder: Path, tmp_path: Path) -> None:
    result = invoke("classify", str(folder), "--policy", "bank-lobby")
    assert isinstance(result.exception, UsageError) and result.exception.exit_code == 2
    result = invoke("classify", str(folder), "--policy", "abc", "--out", str(tmp_path / "x.json"))
    assert isinstance(result.exception, UsageError)
    result = invoke("classify", str(folder), "--policy", "nope")
    assert isinstance(result.exception, PolicyError) and "shipped: abc" in str(result.exception)


def test_policies_and_policy_show() -> None:
    result = invoke("policies")
    assert result.exit_code == 0
    for name in ("abc", "rfm", "china-post", "key-account", "prospect-grade", "value-type", "scorecard", "bank-lobby"):
        assert name in result.output
    result = invoke("policies", "--names")
    assert result.output.split() == [
        "abc",
        "bank-lobby",
        "china-post",
        "clv",
        "key-account",
        "prospect-grade",
        "rfm",
        "scorecard",
        "value-type",
    ]
    result = invoke("policy", "show", "china-post", "--lang", "zh")
    assert result.exit_code == 0
    assert "钻石" in result.output and "每周一次" in result.output
    assert "按近12个月消费设阈值：钻石 ≥ 5,000,000" in result.output
    assert "public_sector: 机构级别：国家级 → 钻石；省级 → 铂金" in result.output
    assert "条件（取任一条件给出的最高等级）：" in result.output
    result = invoke("policy", "show", "prospect-grade")
    assert "new-account development" in result.output
    result = invoke("policy", "show", "abc", "--yaml")
    assert "method: abc" in result.output


def test_pareto_command(folder: Path) -> None:
    result = invoke("pareto", str(folder), "--as-of", "2025-06-30")
    assert result.exit_code == 0, result.output
    assert "Gini coefficient of sales" in result.output
    assert "3 active customers" in result.output


def test_what_if_lists_who_would_move(folder: Path, tmp_path: Path) -> None:
    edited = tmp_path / "edited.yaml"
    text = invoke("policy", "show", "china-post", "--yaml").output
    edited.write_text(text.replace("at_least: 10000}", "at_least: 10001}"), encoding="utf-8")
    result = invoke(
        "classify", str(folder), "--policy", "china-post", "--what-if", str(edited), "--as-of", "2025-06-30"
    )
    assert result.exit_code == 0, result.output
    # C3 spent 10,000.99: VIP at a bound of 10,000, standard at 10,001
    assert "1 customers would move" in result.output and "(1 down)" in result.output


def test_the_settings_choose_the_default_language_and_engine(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIERWISE_LANG", "zh")
    result = invoke("classify", str(folder), "--policy", "china-post", "--as-of", "2025-06-30")
    assert result.exit_code == 0, result.output
    assert "钻石" in result.output and "duckdb" in result.output
    assert "钻石" not in invoke("classify", str(folder), "--policy", "china-post", "--lang", "en").output


@pytest.mark.spark
def test_tierwise_engine_picks_the_engine_of_every_computing_command(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("pyspark", reason="pyspark is not installed (the 'spark' extra)")
    monkeypatch.setenv("TIERWISE_ENGINE", "spark")
    monkeypatch.setenv("TIERWISE_SPARK_MASTER", "local[2]")
    result = invoke("classify", str(folder), "--policy", "china-post", "--as-of", "2025-06-30")
    assert result.exit_code == 0, result.output
    assert "3 customers as of 2025-06-30 (spark)" in result.output
    indicators = invoke("indicators", str(folder), "--as-of", "2025-06-30")
    assert "(spark)" in indicators.output
    assert "(duckdb)" in invoke("classify", str(folder), "--policy", "abc", "--engine", "duckdb").output
