"""The care calendar (客户关怀): which days in a window call for a greeting, and why.

A contact's birthday and the customer's anniversary (the day it became a customer) come back every year;
someone born on 29 February is greeted on 28 February in other years. The Spring Festival and the
Mid-Autumn Festival are computed for each year (:mod:`tierwise.accounts.holidays`).

>>> [(m, d, on.isoformat()) for m, d, on in calendar_days(dt.date(2027, 2, 27), dt.date(2027, 3, 1))]
[(2, 27, '2027-02-27'), (2, 28, '2027-02-28'), (2, 29, '2027-02-28'), (3, 1, '2027-03-01')]
"""

from __future__ import annotations

import calendar
import datetime as dt
from enum import StrEnum

from tierwise.accounts.holidays import Holiday, holiday_date
from tierwise.i18n import N_


class CareKind(StrEnum):
    """Why a day calls for a greeting."""

    BIRTHDAY = "birthday"
    ANNIVERSARY = "anniversary"
    SPRING_FESTIVAL = "spring_festival"
    MID_AUTUMN = "mid_autumn"


CARE_NAMES = {
    CareKind.BIRTHDAY: N_("birthday"),
    CareKind.ANNIVERSARY: N_("customer anniversary"),
    CareKind.SPRING_FESTIVAL: N_("Spring Festival"),
    CareKind.MID_AUTUMN: N_("Mid-Autumn Festival"),
}


def calendar_days(start: dt.date, end: dt.date) -> list[tuple[int, int, dt.date]]:
    """(month, day, the date it falls on) for every day from ``start`` to ``end`` inclusive, with
    29 February falling on 28 February in a year without it."""
    out = []
    day = start
    while day <= end:
        out.append((day.month, day.day, day))
        if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
            out.append((2, 29, day))
        day += dt.timedelta(days=1)
    return out


def holidays_between(start: dt.date, end: dt.date) -> list[tuple[CareKind, dt.date]]:
    """The Chinese holidays from ``start`` to ``end`` inclusive, by date."""
    found = []
    for year in range(start.year, end.year + 1):
        for holiday, kind in (
            (Holiday.SPRING_FESTIVAL, CareKind.SPRING_FESTIVAL),
            (Holiday.MID_AUTUMN, CareKind.MID_AUTUMN),
        ):
            on = holiday_date(holiday, year)
            if start <= on <= end:
                found.append((kind, on))
    return sorted(found, key=lambda item: item[1])
