"""The customer summary against lifetimes' numbers (computed with lifetimes 0.11.3) and the CDNOW table.

Every test runs on DuckDB and on Spark through the ``backend`` fixture.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tierwise.analytics.summary import summary
from tierwise.errors import IndicatorError, UsageError
from tierwise.value.cdnow import CALIBRATION_END, OBSERVATION_END, read_cdnow

D = dt.date
TX = pd.DataFrame(
    {
        "customer_id": ["1", "1", "1", "1", "2", "2", "3", "4", "4", "4", "4"],
        "date": [
            D(2024, 1, 3),
            D(2024, 1, 4),
            D(2024, 1, 20),
            D(2024, 3, 5),
            D(2024, 2, 1),
            D(2024, 2, 1),
            D(2024, 2, 10),
            D(2024, 1, 2),
            D(2024, 2, 20),
            D(2024, 2, 20),
            D(2024, 2, 22),
        ],
        "amount": [1.0, 2, 4, 8, 16, 32, 64, 10, 20, 40, 60],
    }
)
COLS = ["customer_id", "frequency", "recency", "T", "monetary_value"]
HOLD = COLS + ["frequency_holdout", "monetary_value_holdout", "duration_holdout"]


def rows(frame: pd.DataFrame) -> list[list]:
    return [[r[0], *(round(float(v), 6) for v in r[1:])] for r in frame.itertuples(index=False)]


@pytest.fixture
def tx(backend):
    return backend.load("summary_tx", TX)


# Expected rows: lifetimes.utils.summary_data_from_transaction_data(..., observation_period_end="2024-03-20")
@pytest.mark.parametrize(
    ("freq", "mult", "expected"),
    [
        ("D", 1, [["1", 3, 62, 77, 4.666667], ["2", 0, 0, 48, 0], ["3", 0, 0, 39, 0], ["4", 2, 51, 78, 60]]),
        (
            "D",
            7,
            [
                ["1", 3, 8.857143, 11, 4.666667],
                ["2", 0, 0, 6.857143, 0],
                ["3", 0, 0, 5.571429, 0],
                ["4", 2, 7.285714, 11.142857, 60],
            ],
        ),
        ("W", 1, [["1", 2, 9, 11, 6], ["2", 0, 0, 7, 0], ["3", 0, 0, 6, 0], ["4", 1, 7, 11, 120]]),
        ("W", 2, [["1", 2, 4.5, 5.5, 6], ["2", 0, 0, 3.5, 0], ["3", 0, 0, 3, 0], ["4", 1, 3.5, 5.5, 120]]),
        (
            "M",
            1,
            [
                ["1", 1, 1.971293, 1.971293, 8],
                ["2", 0, 0, 0.952792, 0],
                ["3", 0, 0, 0.952792, 0],
                ["4", 1, 1.018501, 1.971293, 120],
            ],
        ),
    ],
)
def test_summary_matches_lifetimes(tx, freq, mult, expected):
    out = summary(tx, observation_end="2024-03-20", freq=freq, freq_multiplier=mult).to_pandas()
    assert list(out.columns) == COLS
    assert rows(out) == expected


# Expected rows: lifetimes.utils.calibration_and_holdout_data(..., "2024-02-01", "2024-03-20")
@pytest.mark.parametrize(
    ("freq", "mult", "expected"),
    [
        (
            "D",
            7,
            [
                ["1", 2, 2.428571, 4.142857, 3, 1, 8, 6.857143],
                ["2", 0, 0, 0, 0, 0, 0, 6.857143],
                ["4", 0, 0, 4.285714, 0, 2, 40, 6.857143],
            ],
        ),
        ("W", 1, [["1", 1, 2, 4, 4, 1, 8, 7], ["2", 0, 0, 0, 0, 0, 0, 7], ["4", 0, 0, 4, 0, 1, 40, 7]]),
        ("M", 1, [["1", 0, 0, 1.018501, 0, 1, 8, 1], ["2", 0, 0, 0, 0, 0, 0, 1], ["4", 0, 0, 1.018501, 0, 1, 40, 1]]),
    ],
)
def test_calibration_and_holdout_match_lifetimes(tx, freq, mult, expected):
    out = summary(tx, "2024-02-01", "2024-03-20", freq=freq, freq_multiplier=mult).to_pandas()
    assert list(out.columns) == HOLD
    # customer 3 bought first in the holdout: not in the calibration summary
    assert rows(out) == expected


def test_observation_end_defaults_to_the_last_transaction(tx):
    out = summary(tx).to_pandas()
    assert rows(out) == [["1", 3, 62, 62, 4.666667], ["2", 0, 0, 33, 0], ["3", 0, 0, 24, 0], ["4", 2, 51, 63, 60]]


def test_a_purchase_on_the_end_date_counts_and_the_next_day_does_not(tx):
    out = summary(tx, observation_end="2024-02-20").to_pandas()
    # customer 4 bought on 2024-02-20 (counts, T = recency) and 2024-02-22 (after the end: ignored)
    assert rows(out)[3] == ["4", 1, 49, 49, 60]
    # by weeks lifetimes keeps the whole week of the end date (2024-02-22 is in it)
    weekly = summary(tx, observation_end="2024-02-20", freq="W").to_pandas()
    assert rows(weekly)[3] == ["4", 1, 7, 7, 120]


def test_without_a_monetary_column(tx):
    out = summary(tx, observation_end="2024-03-20", monetary_value_col=None).to_pandas()
    assert list(out.columns) == ["customer_id", "frequency", "recency", "T"]
    assert rows(out)[0] == ["1", 3, 62, 77]


def test_other_column_names(backend):
    frame = TX.rename(columns={"customer_id": "cust", "date": "when", "amount": "spend"})
    t = backend.load("summary_tx_renamed", frame)
    out = summary(
        t, observation_end="2024-03-20", customer_id_col="cust", datetime_col="when", monetary_value_col="spend"
    ).to_pandas()
    assert list(out.columns)[0] == "cust"
    assert rows(out)[3] == ["4", 2, 51, 78, 60]


def test_errors_name_the_problem(duckdb_engine):
    t = duckdb_engine.load("summary_tx_err", TX)
    with pytest.raises(IndicatorError, match="needs column.s. spend; the table has customer_id, date, amount"):
        summary(t, monetary_value_col="spend")
    with pytest.raises(UsageError, match="freq must be one of D, W, M, not 'Y'"):
        summary(t, freq="Y")
    with pytest.raises(UsageError, match="calibration_end 2024-03-01 must be before observation_end 2024-02-01"):
        summary(t, "2024-03-01", "2024-02-01")
    with pytest.raises(UsageError, match="calibration_end must be a date like 1997-09-30, not '30/09/1997'"):
        summary(t, "30/09/1997")


def test_cdnow_calibration_summary_is_the_published_one(backend, cdnow_dir):
    t = backend.load("cdnow_tx", read_cdnow(cdnow_dir))
    out = summary(t, CALIBRATION_END, OBSERVATION_END, freq="D", freq_multiplier=7).to_pandas()
    assert len(out) == 2357
    first = out.iloc[0]
    assert first["customer_id"] == "0001"
    assert (first["frequency"], round(first["recency"], 2), round(first["T"], 2)) == (2, 30.43, 38.86)
    assert (out["frequency"] > 0).sum() == 946  # the Gamma-Gamma sample of repeat buyers
    assert out["frequency_holdout"].sum() == 1882  # repeat transactions in weeks 40-78
    # with one purchase a day, every purchase day but each customer's first is a repeat purchase
    days = read_cdnow(cdnow_dir)[["customer_id", "date"]].drop_duplicates()
    assert out["frequency"].sum() + out["frequency_holdout"].sum() == len(days) - 2357
    assert set(out["duration_holdout"].round(6)) == {39.0}
    assert out["T"].round(2).between(27.0, 38.86).all()  # the cohort joined in the first 12 weeks
