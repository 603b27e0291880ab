"""The prospect-grade policy's month (seed 003) scaled to a manager's real counts, computed by hand."""

from __future__ import annotations

import pytest

from tierwise.analytics.classify.policy import Allocation, load_policy
from tierwise.archive.allocation import scale_allocation

SEED = load_policy("prospect-grade").time_allocation


def test_the_shipped_allocation_is_seed_003() -> None:
    assert [(g.group, g.accounts, g.days_per_month) for g in SEED] == [
        ("a", 8, 10),
        ("b", 12, 4),
        ("c", 24, 4),
        ("new", 40, 2),
    ]


def test_the_recommended_counts_give_the_recommended_twenty_days() -> None:
    month = scale_allocation(SEED, {"a": 8, "b": 12, "c": 24}, working_days=22)
    assert [line.days for line in month.lines] == [10.0, 4.0, 4.0, 2.0]
    assert (month.total_days, month.exceeds, month.shortfall) == (20.0, False, 0.0)


def test_days_follow_the_real_counts() -> None:
    # A: 4 × 10/8 = 5; B: 15 × 4/12 = 5; C: 6 × 4/24 = 1; new-account development kept at 2
    month = scale_allocation(SEED, {"a": 4, "b": 15, "c": 6}, working_days=22)
    assert [(line.group, line.accounts, line.days, line.counted) for line in month.lines] == [
        ("a", 4, 5.0, True),
        ("b", 15, 5.0, True),
        ("c", 6, 1.0, True),
        ("new", 40, 2.0, False),
    ]
    assert month.total_days == 13.0


def test_a_plan_longer_than_the_month_says_so() -> None:
    # A: 12 × 1.25 = 15; B: 12 × 1/3 = 4; C: 6 × 1/6 = 1; new 2 → 22 days: exactly February's 20 + 2
    month = scale_allocation(SEED, {"a": 12, "b": 12, "c": 6}, working_days=20)
    assert (month.total_days, month.exceeds, month.shortfall) == (22.0, True, 2.0)
    # the same plan fits March's 22 working days exactly: equal is not "more than"
    assert not scale_allocation(SEED, {"a": 12, "b": 12, "c": 6}, working_days=22).exceeds


def test_no_accounts_need_no_days_and_a_given_new_count_scales_too() -> None:
    month = scale_allocation(SEED, {"a": 0, "b": 0, "c": 0, "new": 20}, working_days=22)
    assert [line.days for line in month.lines] == [0.0, 0.0, 0.0, 1.0]


def test_a_group_recommending_no_accounts_keeps_its_days() -> None:
    fixed = [Allocation(group="admin", label={"en": "admin", "zh": "行政"}, accounts=0, days_per_month=1.5)]
    assert scale_allocation(fixed, {"admin": 3}, working_days=20).total_days == pytest.approx(1.5)
