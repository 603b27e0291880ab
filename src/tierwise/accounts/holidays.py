"""Chinese holidays of the care calendar, computed for any year from the Sun and the Moon (no date tables).

The Chinese calendar is lunisolar: a month starts on the day (Beijing time, UTC+8) of a new moon, and a
month is numbered by the principal solar term (中气) it contains — month 1 holds Yushui (雨水, the Sun at
ecliptic longitude 330°), month 8 holds the autumnal equinox (秋分, 180°). A leap month holds no principal
term, so it never takes these numbers. Hence:

- Spring Festival (春节), day 1 of month 1: the Beijing date of the last new moon on or before Yushui;
- Mid-Autumn (中秋节), day 15 of month 8: 14 days after the last new moon on or before the equinox.

New moons and the Sun's longitude come from PyEphem (VSOP87 and the Moon's theory in its C library).
The rule gives the published dates of 2020–2032; 2033 is the one year of this century where the calendar
office's leap-month choice moves the Mid-Autumn Festival a month earlier (the "2033 problem"): dates past
2032 are to be checked against the published calendar before use.

>>> spring_festival(2026), mid_autumn(2026)
(datetime.date(2026, 2, 17), datetime.date(2026, 9, 25))
"""

from __future__ import annotations

import datetime as dt
import math
from enum import StrEnum

import ephem

from tierwise.i18n import N_

BEIJING = dt.timezone(dt.timedelta(hours=8))
YUSHUI = 330.0  # the Sun's ecliptic longitude, degrees


class Holiday(StrEnum):
    """The Chinese holidays of the care calendar."""

    SPRING_FESTIVAL = "spring_festival"
    MID_AUTUMN = "mid_autumn"


HOLIDAY_NAMES = {Holiday.SPRING_FESTIVAL: N_("Spring Festival"), Holiday.MID_AUTUMN: N_("Mid-Autumn Festival")}


def _beijing_date(moment: ephem.Date) -> dt.date:
    return moment.datetime().replace(tzinfo=dt.UTC).astimezone(BEIJING).date()


def _sun_longitude(moment: float) -> float:
    sun = ephem.Sun()
    sun.compute(moment, epoch=moment)
    return math.degrees(ephem.Ecliptic(sun, epoch=moment).lon)


def _yushui(year: int) -> ephem.Date:
    """The moment the Sun reaches 330° in February of ``year``."""

    def offset(moment: float) -> float:
        return (_sun_longitude(moment) - YUSHUI + 180.0) % 360.0 - 180.0

    return ephem.Date(ephem.newton(offset, ephem.Date(f"{year}/2/15"), ephem.Date(f"{year}/2/22")))


def _month_start(term: ephem.Date) -> dt.date:
    """The Beijing date of the new moon that starts the month holding ``term`` (a principal solar term)."""
    day = _beijing_date(term)
    new_moon = ephem.next_new_moon(ephem.Date(term - 31))
    while True:
        following = ephem.next_new_moon(ephem.Date(new_moon + 1))
        if _beijing_date(following) > day:
            return _beijing_date(new_moon)
        new_moon = following


def spring_festival(year: int) -> dt.date:
    """The date of the Spring Festival (农历正月初一) in ``year``.

    >>> spring_festival(2024)
    datetime.date(2024, 2, 10)
    """
    return _month_start(_yushui(year))


def mid_autumn(year: int) -> dt.date:
    """The date of the Mid-Autumn Festival (农历八月十五) in ``year``.

    >>> mid_autumn(2025)
    datetime.date(2025, 10, 6)
    """
    equinox = ephem.next_autumnal_equinox(f"{year}/1/1")
    return _month_start(equinox) + dt.timedelta(days=14)


def holiday_date(holiday: Holiday, year: int) -> dt.date:
    """The date of ``holiday`` in ``year``."""
    return spring_festival(year) if holiday is Holiday.SPRING_FESTIVAL else mid_autumn(year)
