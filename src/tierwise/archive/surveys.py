"""Survey scores (满意度调查): CSAT 1–5 and the Net Promoter Score question 0–10, checked before they are kept.

NPS groups answers as promoters (9–10), passives (7–8) and detractors (0–6); a group's NPS is
``100 × (promoters − detractors) / answers``, from −100 to 100. The services compute it set-based in
SQL with :data:`PROMOTER_AT` and :data:`DETRACTOR_AT`; :func:`net_promoter_score` is the same formula for
a handful of answers.

>>> net_promoter_score([10, 9, 8, 6])
25.0
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from tierwise.errors import RecordError
from tierwise.i18n import N_, Message

CSAT_RANGE = (1, 5)
NPS_RANGE = (0, 10)
PROMOTER_AT = 9  # an answer of at least 9 is a promoter
DETRACTOR_AT = 6  # an answer of at most 6 is a detractor
COMMENT_MAX = 2000

_OUT_OF_RANGE = N_(
    "survey of customer %(customer)s: %(field)s must be a whole number from %(low)s to %(high)s, not %(value)s"
)
_NO_SCORE = N_("survey of customer %(customer)s: give a CSAT score (1–5), an NPS answer (0–10) or both")
_LONG_COMMENT = N_("survey of customer %(customer)s: the comment has %(length)s characters; at most %(most)s are kept")


@dataclass(frozen=True)
class SurveyAnswer:
    """One checked survey answer."""

    customer_id: str
    date: dt.date
    csat: int | None
    nps: int | None
    comment: str | None


def _score(customer: str, field: str, value: object, bounds: tuple[int, int]) -> int | None:
    if value is None:
        return None
    low, high = bounds
    whole = isinstance(value, int) and not isinstance(value, bool)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value, whole = int(value.strip()), True
    if not whole or not low <= value <= high:  # type: ignore[operator]
        params = {"customer": customer, "field": field, "low": low, "high": high, "value": repr(value)}
        raise RecordError(Message(_OUT_OF_RANGE, params))
    return value  # type: ignore[return-value]


def check_answer(
    customer_id: str, date: dt.date, csat: object = None, nps: object = None, comment: str | None = None
) -> SurveyAnswer:
    """A :class:`SurveyAnswer`, or a :class:`RecordError` naming the field and the value refused."""
    score = _score(customer_id, "csat", csat, CSAT_RANGE)
    answer = _score(customer_id, "nps", nps, NPS_RANGE)
    if score is None and answer is None:
        raise RecordError(Message(_NO_SCORE, {"customer": customer_id}))
    text = (comment or "").strip() or None
    if text is not None and len(text) > COMMENT_MAX:
        raise RecordError(Message(_LONG_COMMENT, {"customer": customer_id, "length": len(text), "most": COMMENT_MAX}))
    return SurveyAnswer(customer_id, date, score, answer, text)


def net_promoter_score(answers: Iterable[int]) -> float | None:
    """``100 × (promoters − detractors) / answers`` of a few answers; ``None`` when there are none."""
    scores = list(answers)
    if not scores:
        return None
    promoters = sum(1 for s in scores if s >= PROMOTER_AT)
    detractors = sum(1 for s in scores if s <= DETRACTOR_AT)
    return 100.0 * (promoters - detractors) / len(scores)


def quarter_of(day: dt.date) -> str:
    """The quarter a date falls in, written ``2026Q1``.

    >>> quarter_of(dt.date(2026, 4, 1))
    '2026Q2'
    """
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"
