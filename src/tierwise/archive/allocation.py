"""A salesperson's month (销售人员每月时间分配) scaled from the policy's recommendation to real counts.

The prospect-grade policy recommends, per grade, how many accounts one salesperson keeps and how many
days a month they take (A: 8 accounts, 10 days; B: 12, 4; C: 24, 4; new-account development: 40, 2).
The days per account stay as recommended and the group's days follow the manager's real count:
``days = days_per_month × accounts held / accounts recommended``. A group that is not a class of the
policy (new-account development: prospects not yet in the data) keeps its recommended days unless a
count is given. The plan needs more time than the month has when the days exceed its working days.

>>> from tierwise.analytics.classify.policy import load_policy
>>> month = scale_allocation(load_policy("prospect-grade").time_allocation, {"a": 4, "b": 15, "c": 6}, 22)
>>> [(line.group, line.days) for line in month.lines], month.total_days, month.exceeds
([('a', 5.0), ('b', 5.0), ('c', 1.0), ('new', 2.0)], 13.0, False)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tierwise.analytics.classify.policy import Allocation, Text


@dataclass(frozen=True)
class AllocationLine:
    """One group of the month: the recommendation, the real count and the days it needs."""

    group: str
    label: Text
    recommended_accounts: int
    recommended_days: float
    accounts: int  # held by the manager (the recommendation when the data cannot count them)
    days: float
    counted: bool  # whether ``accounts`` is the manager's real count


@dataclass(frozen=True)
class MonthAllocation:
    """The scaled month of one manager against the month's working days."""

    lines: tuple[AllocationLine, ...]
    working_days: int

    @property
    def total_days(self) -> float:
        """Days the month's plan needs."""
        return sum(line.days for line in self.lines)

    @property
    def exceeds(self) -> bool:
        """Whether the plan needs more days than the month has working days."""
        return self.total_days > self.working_days

    @property
    def shortfall(self) -> float:
        """Days missing (0 when the month is long enough)."""
        return max(self.total_days - self.working_days, 0.0)


def scale_allocation(allocation: Sequence[Allocation], counts: Mapping[str, int], working_days: int) -> MonthAllocation:
    """Scale each group's days to ``counts[group]`` (groups absent from ``counts`` keep the recommendation)."""
    lines = []
    for group in allocation:
        counted = group.group in counts and group.accounts > 0
        held = counts[group.group] if counted else group.accounts
        days = group.days_per_month * held / group.accounts if counted else float(group.days_per_month)
        lines.append(
            AllocationLine(group.group, group.label, group.accounts, float(group.days_per_month), held, days, counted)
        )
    return MonthAllocation(tuple(lines), working_days)
