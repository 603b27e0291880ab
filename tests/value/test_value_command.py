"""``tierwise value``: the CDNOW sample as a data set folder, fitted, validated and written out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.errors import ModelError, UsageError
from tierwise.value.clv import VALUE_COLUMNS


@pytest.fixture(scope="module")
def folder(tmp_path_factory, cdnow_transactions) -> Path:
    data = tmp_path_factory.mktemp("cdnow")
    cdnow_transactions[["customer_id", "date", "amount"]].to_csv(data / "transactions.csv", index=False)
    return data


def run(*args: str):
    return CliRunner().invoke(app, ["value", *args], catch_exceptions=True, terminal_width=200)


def test_the_default_command_gives_the_published_cdnow_fit(folder: Path) -> None:
    result = run(str(folder), "--calibration-end", "1997-09-30")
    assert result.exit_code == 0, result.output
    text = result.output
    # Fader, Hardie & Lee (2005): r 0.2426, α 4.4136, a 0.7929, b 2.4259, log-likelihood -9,582.4 (weeks)
    calibration = text[text.index("calibration fit to 1997-09-30") :]
    for row in (
        "│ r         │   0.2426 │",
        "│ alpha     │   4.4136 │",
        "│ a         │   0.7929 │",
        "│ b         │   2.4259 │",
    ):
        assert row in calibration
    assert "log-likelihood -9,582.43 · converged" in calibration
    assert "time in weeks, purchases counted per day" in " ".join(text.split())
    assert "warning:" not in text


def test_fit_holdout_and_predictions_in_days(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "value.parquet"
    charts = tmp_path / "charts"
    result = run(
        str(folder),
        "--unit",
        "days",
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
    assert "4,339 vs 4,165.7 (-4.0%)" in text.replace("\n", " ")
    table = pq.read_table(out)
    assert table.column_names == list(VALUE_COLUMNS) and table.num_rows == 2357
    assert sorted(p.name for p in charts.iterdir()) == ["holdout_by_frequency.png", "tracking.png"]


def test_a_holdout_that_ends_before_the_data_is_an_error(folder: Path) -> None:
    result = run(str(folder), "--calibration-end", "1996-06-30", "--as-of", "1996-12-31")
    assert isinstance(result.exception, ModelError)
    assert str(result.exception) == (
        "the as-of date 1996-12-31 precedes the first transaction (1997-01-01): nothing to fit"
    )
    result = run(str(folder), "--calibration-end", "1998-06-30")
    assert str(result.exception) == (
        "the holdout ends on 1998-06-30, not after the calibration end 1998-06-30: there is no holdout period "
        "to test on"
    )


def test_screen_preview_without_out(folder: Path) -> None:
    result = run(str(folder), "--model", "pareto", "--rows", "3")
    assert result.exit_code == 0, result.output
    assert "top 3 customers by expected value" in result.output and "│ beta " in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "bg"], "unknown model 'bg': choose one of bgnbd, mbgnbd, pareto"),
        (["--period", "Y"], "unknown --period 'Y': choose D, W or M"),
        (["--unit", "years"], "unknown --unit 'years': choose days, weeks or months"),
        (["--out", "x.txt"], "--out x.txt: the file must end in .csv, .parquet, .xlsx"),
    ],
)
def test_usage_errors(folder: Path, args: list[str], message: str) -> None:
    result = run(str(folder), *args)
    assert isinstance(result.exception, UsageError)
    assert str(result.exception) == message


def test_customers_without_usable_spend_are_a_warning_line(tmp_path: Path, cdnow_transactions) -> None:
    tx = cdnow_transactions[["customer_id", "date", "amount"]].copy()
    free = ["0001", "0002", "1516"]  # all three bought again by 1998-06-30
    tx.loc[tx["customer_id"].isin(free), "amount"] = 0.0
    tx.to_csv(tmp_path / "transactions.csv", index=False)
    code = f"import sys\nsys.argv = ['tierwise', 'value', {str(tmp_path)!r}]\nfrom tierwise.cli import main\nmain()\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (
        "warning: 3 repeat buyer(s) have no usable spend (3 zero, 0 negative, 0 missing): they are left out of the "
        "spend fit and valued at the mean spend per purchase"
    ) in " ".join(done.stderr.split())
    assert "ModelWarning" not in done.stderr  # said once, as a line for the user, not as a Python warning
