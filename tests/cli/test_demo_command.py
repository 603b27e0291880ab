"""``tierwise demo``: writes the data set in the chosen format and language, lists files and row counts."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.io.columns import TABLES
from tierwise.io.demo import generate

runner = CliRunner()


def test_writes_parquet_and_prints_each_file_with_its_rows(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["demo", "--out", str(tmp_path), "--customers", "120", "--seed", "3", "--format", "parquet"]
    )
    assert result.exit_code == 0, result.output
    expected = generate(120, seed=3)
    for name in TABLES:
        assert pq.read_table(tmp_path / f"{name}.parquet").equals(expected[name])
        rows = expected[name].num_rows
        assert any(
            [cell.strip() for cell in line.split("│")[1:4]] == [name, f"{name}.parquet", f"{rows:,}"]
            for line in result.output.splitlines()
        ), (name, result.output)


def test_chinese_csv_files_carry_chinese_names(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--out", str(tmp_path), "--customers", "60", "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{t.zh}.csv" for t in TABLES.values())
    header = (tmp_path / "客户.csv").read_bytes().decode("gb18030").splitlines()[0]
    assert header.startswith('"客户编号","客户名称","客户类型"')


def test_an_unknown_format_is_a_usage_error_and_writes_nothing(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--out", str(tmp_path / "out"), "--format", "json"])
    assert result.exit_code == 2
    assert "'json' is not one of 'csv', 'parquet', 'xlsx'" in " ".join(result.output.replace("│", " ").split())
    assert not (tmp_path / "out").exists()
