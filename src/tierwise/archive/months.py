"""A calendar month and its working days (Monday to Friday; public holidays are not known here).

>>> march = Month.parse("2026-03")
>>> march.first, march.last, march.working_days
(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31), 22)
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from tierwise.errors import UsageError
from tierwise.i18n import N_, Message

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    """One calendar month."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1 <= self.year <= 9999:
            raise UsageError(Message(N_("not a month: %(month)s"), {"month": f"{self.year:04d}-{self.month:02d}"}))

    @classmethod
    def parse(cls, text: str) -> Month:
        """A month written ``YYYY-MM`` (``2026-03``); anything else is a usage error naming the text."""
        found = _MONTH.match(text.strip())
        if found is None:
            raise UsageError(
                Message(N_("not a month: %(month)s; write it as YYYY-MM, e.g. 2026-03"), {"month": repr(text)})
            )
        return cls(int(found.group(1)), int(found.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> Month:
        """The month ``day`` falls in."""
        return cls(day.year, day.month)

    @property
    def first(self) -> dt.date:
        """The month's first day."""
        return dt.date(self.year, self.month, 1)

    @property
    def last(self) -> dt.date:
        """The month's last day."""
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def working_days(self) -> int:
        """Monday-to-Friday days in the month (public holidays are not subtracted)."""
        return working_days_between(self.first, self.last)

    def clamp(self, day: dt.date) -> dt.date:
        """``day`` moved into the month: the first day if before it, the last day if after it."""
        return min(max(day, self.first), self.last)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def working_days_between(first: dt.date, last: dt.date) -> int:
    """Monday-to-Friday days from ``first`` to ``last``, both included (0 when ``last < first``).

    >>> working_days_between(dt.date(2026, 3, 6), dt.date(2026, 3, 9))  # Friday to Monday
    2
    """
    if last < first:
        return 0
    days = (last - first).days + 1
    weeks, rest = divmod(days, 7)
    start = first.weekday()
    extra = sum(1 for i in range(rest) if (start + i) % 7 < 5)
    return weeks * 5 + extra
