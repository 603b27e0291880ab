"""When a customer is due for contact: the rule the contact plan applies to every customer.

A class's cadence (``every_days``) runs from the last contact (the latest visit card): the customer is
due ``every_days`` days after it. A customer never visited is due on ``since`` (the as-of date of the
run that gave the class: the cadence has applied since then). Seen from a month's plan:

- **overdue** when the due date is before the plan's reference day, by ``reference - due`` days;
- **due** when it falls between the reference day and the month's last day (both included);
- **on track** when it is after the month.

The reference day is today moved into the month: the plan of the current month counts from today, a
later month's from its first day (what will be overdue by then), a past month's from its last day.

``visits_needed`` is how many contacts the cadence asks for from the reference day to the month's end:
one at the due date (at once when overdue), then one every ``every_days`` days.

>>> from tierwise.archive.months import Month
>>> window = PlanWindow.for_month(Month.parse("2026-03"), today=dt.date(2026, 3, 10))
>>> contact_status(due_date(dt.date(2026, 3, 1), 7, since=dt.date(2026, 1, 1)), window)
(<ContactStatus.OVERDUE: 'overdue'>, 2)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from tierwise.archive.months import Month
from tierwise.i18n import N_


class ContactStatus(StrEnum):
    """Where a customer stands against its cadence in a month's plan."""

    OVERDUE = "overdue"
    DUE = "due"
    ON_TRACK = "on_track"


# what the status is called in plans and pages
STATUS_NAMES = {
    ContactStatus.OVERDUE: N_("overdue"),
    ContactStatus.DUE: N_("due"),
    ContactStatus.ON_TRACK: N_("on track"),
}


@dataclass(frozen=True)
class PlanWindow:
    """A month's plan seen from its reference day (see the module docstring)."""

    month: Month
    reference: dt.date

    @classmethod
    def for_month(cls, month: Month, today: dt.date) -> PlanWindow:
        """The plan of ``month`` seen from ``today`` moved into the month."""
        return cls(month, month.clamp(today))


def due_date(last_contact: dt.date | None, every_days: int, since: dt.date) -> dt.date:
    """The day the next contact is due: ``every_days`` after the last one, or ``since`` if none."""
    return since if last_contact is None else last_contact + dt.timedelta(days=every_days)


def contact_status(due: dt.date, window: PlanWindow) -> tuple[ContactStatus, int]:
    """The status of a customer due on ``due``, and the days it is overdue (0 unless overdue)."""
    if due < window.reference:
        return ContactStatus.OVERDUE, (window.reference - due).days
    if due <= window.month.last:
        return ContactStatus.DUE, 0
    return ContactStatus.ON_TRACK, 0


def visits_needed(due: dt.date, every_days: int, window: PlanWindow) -> int:
    """Contacts the cadence asks for from the reference day to the month's end (see the module docstring).

    >>> from tierwise.archive.months import Month
    >>> w = PlanWindow(Month.parse("2026-03"), dt.date(2026, 3, 1))
    >>> visits_needed(dt.date(2026, 3, 2), 7, w)  # 2, 9, 16, 23 and 30 March
    5
    """
    if due > window.month.last:
        return 0
    start = max(due, window.reference)
    return 1 + (window.month.last - start).days // every_days
