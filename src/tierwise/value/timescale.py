"""Two things that are easy to confuse: the purchase period and the time unit of a value model.

- The **purchase period** (``D``, ``W``, ``M``) decides what counts as one purchase: several transactions
  of a customer in one day (week, month) are one purchase. The literature and lifetimes count one
  purchase per day, so ``D`` is the default.
- The **time unit** (``days``, ``weeks``, ``months``) decides in what unit recency, T, the parameters and
  the horizons are expressed. The CDNOW papers use weeks, the default.

So the published CDNOW fit (r 0.243, α 4.414, a 0.793, b 2.426) is period ``D``, unit ``weeks``: days
between purchase days divided by 7.

>>> TimeScale().freq_multiplier, TimeScale("M", "months").freq_multiplier
(7.0, 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass

from tierwise.analytics.summary import MONTH_DAYS, PERIOD_DAYS
from tierwise.errors import UsageError
from tierwise.i18n import Message

__all__ = ["MONTH_DAYS", "PERIODS", "UNITS", "UNIT_DAYS", "TimeScale"]

PERIODS: tuple[str, ...] = tuple(PERIOD_DAYS)
#: time unit → its length in days
UNIT_DAYS: dict[str, float] = {"days": 1.0, "weeks": 7.0, "months": MONTH_DAYS}
UNITS: tuple[str, ...] = tuple(UNIT_DAYS)


@dataclass(frozen=True)
class TimeScale:
    """A purchase period and a time unit, checked: a :class:`UsageError` names the choices otherwise."""

    period: str = "D"
    unit: str = "weeks"

    def __post_init__(self) -> None:
        if self.period not in PERIOD_DAYS:
            raise UsageError(
                Message(
                    "unknown purchase period %(period)s: choose one of %(choices)s",
                    {"period": repr(self.period), "choices": ", ".join(PERIODS)},
                )
            )
        if self.unit not in UNIT_DAYS:
            raise UsageError(
                Message(
                    "unknown time unit %(unit)s: choose one of %(choices)s",
                    {"unit": repr(self.unit), "choices": ", ".join(UNITS)},
                )
            )

    @property
    def unit_days(self) -> float:
        """Days in one time unit."""
        return UNIT_DAYS[self.unit]

    @property
    def freq_multiplier(self) -> float:
        """Periods in one time unit: the ``freq_multiplier`` of :func:`tierwise.analytics.summary.summary`."""
        return self.unit_days / PERIOD_DAYS[self.period]
