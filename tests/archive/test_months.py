"""Months and their Monday-to-Friday working days, counted by hand from the 2026 calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tierwise.archive.months import Month, working_days_between
from tierwise.errors import UsageError


@pytest.mark.parametrize(
    ("month", "days"),
    [
        ("2026-02", 20),  # 1 Feb is a Sunday: four full weeks
        ("2026-03", 22),  # 1 Mar is a Sunday: 2–31 March holds 22 weekdays
        ("2026-05", 21),  # 1 May is a Friday; 30–31 May a weekend
        ("2024-02", 21),  # leap year: 29 days from a Thursday
    ],
)
def test_working_days_of_a_month(month: str, days: int) -> None:
    assert Month.parse(month).working_days == days


def test_month_bounds_and_clamp() -> None:
    march = Month.parse("2026-03")
    assert (march.first, march.last) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert march.clamp(dt.date(2026, 2, 11)) == dt.date(2026, 3, 1)
    assert march.clamp(dt.date(2026, 3, 17)) == dt.date(2026, 3, 17)
    assert march.clamp(dt.date(2026, 4, 2)) == dt.date(2026, 3, 31)


@pytest.mark.parametrize("text", ["2026-3", "2026/03", "March", "2026-13", ""])
def test_a_month_not_written_yyyy_mm_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match="not a month"):
        Month.parse(text)


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 1, 1)), st.integers(0, 400))
def test_working_days_between_counts_each_weekday_once(first: dt.date, length: int) -> None:
    last = first + dt.timedelta(days=length)
    expected = sum((first + dt.timedelta(days=i)).weekday() < 5 for i in range(length + 1))
    assert working_days_between(first, last) == expected


def test_an_empty_span_has_no_working_days() -> None:
    assert working_days_between(dt.date(2026, 3, 9), dt.date(2026, 3, 8)) == 0
