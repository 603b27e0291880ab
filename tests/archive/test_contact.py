"""The cadence rule: due, overdue by how many days, on track, and the contacts a month asks for."""

from __future__ import annotations

import datetime as dt

import pytest

from tierwise.archive.contact import ContactStatus, PlanWindow, contact_status, due_date, visits_needed
from tierwise.archive.months import Month

MARCH = Month.parse("2026-03")
D = dt.date


def test_due_date_runs_from_the_last_contact_or_from_since() -> None:
    assert due_date(D(2026, 2, 20), 14, since=D(2026, 1, 1)) == D(2026, 3, 6)
    assert due_date(None, 14, since=D(2026, 1, 31)) == D(2026, 1, 31)


@pytest.mark.parametrize(
    ("due", "status", "days"),
    [
        (D(2026, 3, 9), ContactStatus.OVERDUE, 1),  # the day before the reference day
        (D(2026, 2, 20), ContactStatus.OVERDUE, 18),
        (D(2026, 3, 10), ContactStatus.DUE, 0),  # due today is due, not overdue
        (D(2026, 3, 31), ContactStatus.DUE, 0),  # the month's last day
        (D(2026, 4, 1), ContactStatus.ON_TRACK, 0),
    ],
)
def test_status_at_each_boundary(due: dt.date, status: ContactStatus, days: int) -> None:
    window = PlanWindow.for_month(MARCH, today=D(2026, 3, 10))
    assert contact_status(due, window) == (status, days)


def test_the_reference_day_is_today_moved_into_the_month() -> None:
    assert PlanWindow.for_month(MARCH, today=D(2026, 2, 15)).reference == D(2026, 3, 1)
    assert PlanWindow.for_month(MARCH, today=D(2026, 5, 2)).reference == D(2026, 3, 31)
    # seen from February, a customer due on 25 February is already 4 days overdue when March starts
    assert contact_status(D(2026, 2, 25), PlanWindow.for_month(MARCH, D(2026, 2, 15))) == (ContactStatus.OVERDUE, 4)


@pytest.mark.parametrize(
    ("due", "every", "needed"),
    [
        (D(2026, 3, 2), 7, 5),  # 2, 9, 16, 23, 30 March
        (D(2026, 3, 3), 7, 5),  # 3, 10, 17, 24, 31 March
        (D(2026, 3, 4), 7, 4),  # 4, 11, 18, 25 March
        (D(2026, 2, 1), 30, 2),  # overdue: at once (1 March), then 30 days later (31 March)
        (D(2026, 2, 1), 31, 1),  # overdue: at once; the next falls on 1 April
        (D(2026, 3, 31), 90, 1),
        (D(2026, 4, 1), 7, 0),
    ],
)
def test_visits_needed_in_the_month(due: dt.date, every: int, needed: int) -> None:
    assert visits_needed(due, every, PlanWindow(MARCH, D(2026, 3, 1))) == needed
