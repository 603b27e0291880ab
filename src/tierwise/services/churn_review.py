"""Churn and win-back for the person reviewing their accounts: :func:`tierwise.services.churn.churn_analysis`
on the store, the win-back list reduced to the customers the person sees.

The comparison of lost against retained customers and the losses per quarter are over every customer of
the store, so only a person who sees every customer gets them; the others get their own win-back list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from tierwise.services.access import require_action, restricted, visible_clause
from tierwise.services.churn import ChurnAnalysis, WinBack, churn_analysis
from tierwise.services.context import ServiceContext
from tierwise.store.models import Customer


@dataclass(frozen=True)
class WinBackRow:
    """A lost customer the person sees, to win back."""

    entry: WinBack
    customer_name: str
    owner: str | None


@dataclass(frozen=True)
class ChurnReview:
    """Churn as of a date, as one person may see it."""

    as_of: dt.date
    analysis: ChurnAnalysis | None  # the whole store's comparison: only for who sees every customer
    win_back: tuple[WinBackRow, ...]


def churn_review(ctx: ServiceContext, *, as_of: dt.date | None = None) -> ChurnReview:
    """Lost customers as of ``as_of`` (default today) on the store, for the acting person."""
    require_action(ctx, "customers.read")
    found = churn_analysis(ctx, ctx.settings.database_url, as_of=as_of)
    ids = [w.customer_id for w in found.win_back]
    with ctx.store() as session:
        rows = session.execute(
            select(Customer.customer_id, Customer.name, Customer.owner).where(
                Customer.customer_id.in_(ids), visible_clause(ctx)
            )
        ).all()
    known = {r.customer_id: r for r in rows}
    back = tuple(
        WinBackRow(w, known[w.customer_id].name, known[w.customer_id].owner)
        for w in found.win_back
        if w.customer_id in known
    )
    return ChurnReview(found.as_of, found if restricted(ctx) is None else None, back)
