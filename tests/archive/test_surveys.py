"""Survey answers are checked before they are kept; the NPS formula on answers counted by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from tierwise.archive.surveys import check_answer, net_promoter_score, quarter_of
from tierwise.errors import RecordError

DAY = dt.date(2026, 3, 2)


def test_a_good_answer_is_kept_with_its_comment_trimmed() -> None:
    answer = check_answer("C1", DAY, csat=5, nps="9", comment="  很满意 ")
    assert (answer.csat, answer.nps, answer.comment) == (5, 9, "很满意")


@pytest.mark.parametrize(
    ("csat", "nps", "message"),
    [
        (0, None, "csat must be a whole number from 1 to 5, not 0"),
        (6, None, "csat must be a whole number from 1 to 5, not 6"),
        (4.5, None, "csat must be a whole number from 1 to 5, not 4.5"),
        (True, None, "csat must be a whole number from 1 to 5, not True"),
        (None, 11, "nps must be a whole number from 0 to 10, not 11"),
        (None, -1, "nps must be a whole number from 0 to 10, not -1"),
        (None, "ten", "nps must be a whole number from 0 to 10, not 'ten'"),
        (None, None, "give a CSAT score"),
    ],
)
def test_scores_out_of_range_are_refused_naming_field_and_value(csat: object, nps: object, message: str) -> None:
    with pytest.raises(RecordError, match="survey of customer C1: " + message.replace("(", r"\(")):
        check_answer("C1", DAY, csat=csat, nps=nps)


@pytest.mark.parametrize("csat", [1, 5])
def test_the_ends_of_the_scales_are_accepted(csat: int) -> None:
    assert check_answer("C1", DAY, csat=csat, nps=0).nps == 0
    assert check_answer("C1", DAY, csat=csat, nps=10).nps == 10


def test_a_long_comment_is_refused() -> None:
    with pytest.raises(RecordError, match="the comment has 2001 characters; at most 2000"):
        check_answer("C1", DAY, csat=3, comment="x" * 2001)


def test_net_promoter_score_by_hand() -> None:
    # 3 promoters (10, 9, 9), 2 passives (8, 7), 3 detractors (6, 3, 0) of 8: 100 × (3 − 3) / 8 = 0
    assert net_promoter_score([10, 9, 9, 8, 7, 6, 3, 0]) == 0.0
    # 2 promoters, 1 detractor of 4: 25
    assert net_promoter_score([10, 9, 8, 6]) == 25.0
    assert net_promoter_score([6, 6]) == -100.0
    assert net_promoter_score([]) is None


def test_quarters() -> None:
    assert [quarter_of(dt.date(2026, m, 1)) for m in (1, 3, 4, 6, 7, 10, 12)] == [
        "2026Q1",
        "2026Q1",
        "2026Q2",
        "2026Q2",
        "2026Q3",
        "2026Q4",
        "2026Q4",
    ]
