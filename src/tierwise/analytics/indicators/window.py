"""The as-of date and the windows indicators are computed over, as plain Python dates.

The bounds are computed here, once, and enter the Ibis expressions as date literals, so DuckDB and Spark
see the same comparisons and no engine's interval arithmetic is involved.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

RECENT_DAYS = 90


def months_before(day: dt.date, months: int) -> dt.date:
    """``day`` minus calendar ``months``, clamped to the month's end like SQL's ``date - interval``.

    >>> months_before(dt.date(2024, 2, 29), 12)
    datetime.date(2023, 2, 28)
    >>> months_before(dt.date(2024, 3, 31), 1)
    datetime.date(2024, 2, 29)
    """
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Window:
    """The as-of date and the bounds of the trailing, previous and recent windows.

    Every window is half-open on the left: trailing = ``start < date <= as_of`` with
    ``start = as_of - months``; previous = ``prev_start < date <= start`` with ``prev_start = as_of -
    2 × months``; recent = ``as_of - 90 days < date <= as_of``. Lifetime is ``date <= as_of``.
    """

    as_of: dt.date
    months: int = 12

    @property
    def start(self) -> dt.date:
        """Exclusive lower bound of the trailing window."""
        return months_before(self.as_of, self.months)

    @property
    def prev_start(self) -> dt.date:
        """Exclusive lower bound of the previous window."""
        return months_before(self.as_of, 2 * self.months)

    @property
    def recent_start(self) -> dt.date:
        """Exclusive lower bound of the 90-day window."""
        return self.as_of - dt.timedelta(days=RECENT_DAYS)
