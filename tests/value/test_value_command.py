"""``tierwise value``: the CDNOW sample as a data set folder, fitted, validated and written out."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.errors import UsageError
from tierwise.value.clv import VALUE_COLUMNS


@pytest.fixture(scope="module")
def folder(tmp_path_factory, cdnow_transactions) -> Path:
    data = tmp_path_factory.mktemp("cdnow")
    cdnow_transactions[["customer_id", "date", "amount"]].to_csv(data / "transactions.csv", index=False)
    return data


def run(*args: str):
    return CliRunner().invoke(app, ["value", *args], catch_exceptions=True, terminal_width=200)


def test_fit_holdout_and_predictions(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "value.parquet"
    charts = tmp_path / "charts"
    result = run(
        str(folder),
        "--freq",
        "D",
        "--calibration-end",
        "1997-09-30",
        "--as-of",
        "1998-06-30",
        "--out",
        str(out),
        "--charts",
        str(charts),
    )
    assert result.exit_code == 0, result.output
    text = result.output
    # the calibration fit is the published BG/NBD in days: r 0.2426, α 4.414 × 7 = 30.895
    assert "│ r         │   0.2426 │" in text and "│ alpha     │  30.8952 │" in text
    # in days the log-likelihood is the weeks' -9,582.43 less 2,457 repeat purchases × ln 7
    assert "log-likelihood -14,363.53 · converged" in text
    assert "holdout total: actual 1,882" in text
    assert "4,339 vs 4,160.6 (-4.1%)" in text.replace("\n", " ")
    table = pq.read_table(out)
    assert table.column_names == list(VALUE_COLUMNS) and table.num_rows == 2357
    assert sorted(p.name for p in charts.iterdir()) == ["holdout_by_frequency.png", "tracking.png"]


def test_screen_preview_without_out(folder: Path) -> None:
    result = run(str(folder), "--model", "pareto", "--rows", "3")
    assert result.exit_code == 0, result.output
    assert "top 3 customers by expected value" in result.output and "│ beta " in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "bg"], "unknown model 'bg': choose one of bgnbd, mbgnbd, pareto"),
        (["--freq", "Y"], "unknown --freq 'Y': choose D, W or M"),
        (["--out", "x.txt"], "--out x.txt: the file must end in .csv, .parquet, .xlsx"),
    ],
)
def test_usage_errors(folder: Path, args: list[str], message: str) -> None:
    result = run(str(folder), *args)
    assert isinstance(result.exception, UsageError)
    assert str(result.exception) == message
