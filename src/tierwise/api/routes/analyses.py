"""``/api/v1/analyses`` and ``/api/v1/churn``: the analyses of the caller's customers on the store.

``/analyses`` gives per class of a saved run (or per owner) the loyalty (repeat rate, first-purchase
cohorts), the year's profit, product mix, cross-sell gaps, the response to promotion windows given as
``promotion=NAME:YYYY-MM-DD:YYYY-MM-DD`` and the future value; ``/churn`` the customers lost per quarter,
lost against retained, and the win-back list. Only the customers the caller sees are counted.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from tierwise.analyses_model import SegmentAnalyses
from tierwise.api.access import needs
from tierwise.api.deps import Context
from tierwise.api.language import request_language
from tierwise.api.schemas import problem_responses
from tierwise.i18n import translate
from tierwise.services.analyses import promotion_windows, segment_analyses
from tierwise.services.churn import ChurnAnalysis, GroupTraits, churn_analysis

router = APIRouter(tags=["analyses"])
READ = problem_responses(400, 401, 403, 404)


class WinBackPublic(BaseModel):
    """A lost customer to win back, with why it left (in the language asked)."""

    customer_id: str
    name: str | None
    last_purchase: dt.date
    lost_on: dt.date
    sales_12m_before: float
    reasons: list[str]


class LostPerQuarterPublic(BaseModel):
    """Customers lost in one quarter."""

    quarter: dt.date
    customers: int


class ChurnPublic(BaseModel):
    """Churn as of a date: losses per quarter, lost against retained, the win-back list."""

    as_of: dt.date
    lost_per_quarter: list[LostPerQuarterPublic]
    lost: GroupTraits
    retained: GroupTraits
    win_back: list[WinBackPublic]


@router.get("/analyses", response_model=SegmentAnalyses, responses=READ, **needs("customers.read"))
def analyses(
    ctx: Context,
    request: Request,
    by: Literal["class", "owner"] = "class",
    policy: Annotated[str | None, Query(max_length=200)] = None,
    as_of: dt.date | None = None,
    promotion: Annotated[list[str] | None, Query(max_length=200)] = None,
) -> SegmentAnalyses:
    """Loyalty, cohorts, profit, product mix, cross-sell gaps, promotion response and future value."""
    windows = promotion_windows(promotion or [])
    lang = request_language(request)
    return segment_analyses(ctx, by=by, policy=policy, as_of=as_of, windows=windows, lang=lang)


def churn_public(found: ChurnAnalysis, lang: str) -> ChurnPublic:
    """The public form of a churn analysis, its reasons in ``lang``."""
    return ChurnPublic(
        as_of=found.as_of,
        lost_per_quarter=[LostPerQuarterPublic(quarter=q, customers=n) for q, n in found.lost_per_period],
        lost=found.lost,
        retained=found.retained,
        win_back=[
            WinBackPublic(customer_id=w.customer_id, name=w.name, last_purchase=w.last_purchase, lost_on=w.lost_on,
                          sales_12m_before=w.sales_12m_before, reasons=[translate(r, lang) for r in w.reasons])
            for w in found.win_back
        ],
    )  # fmt: skip


@router.get("/churn", response_model=ChurnPublic, responses=READ, **needs("customers.read"))
def churn(
    ctx: Context,
    request: Request,
    as_of: dt.date | None = None,
    multiple: Annotated[float, Query(ge=1.0, le=12.0)] = 3.0,
) -> ChurnPublic:
    """Customers lost per quarter (no purchase for ``multiple`` × their usual gap, or P(alive) under the
    bound), lost against retained, and the win-back list."""
    found = churn_analysis(ctx, ctx.settings.database_url, as_of=as_of, gap_multiple=multiple)
    return churn_public(found, request_language(request))
