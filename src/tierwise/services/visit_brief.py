"""The visit brief (拜访前准备): one page assembled before a visit to a customer.

The objective and materials are what the account manager writes; the rest comes from the store as of
today: the people to meet (the decision-maker map, the decision roles and the supporters not met first),
the customer's classes with their reasons, its key-account record, open complaints, open opportunities
with the prospect grade, the last visit's outcome and promised next step, overdue receivables, and the
contacts' birthdays and the customer's anniversary in the coming days. Reading it needs
``customers.read`` and a customer the person sees.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tierwise.accounts.contacts import DECISION_ROLES, Attitude, Coverage, code_of
from tierwise.errors import NotFoundError
from tierwise.i18n import Language
from tierwise.services.access import visible_clause
from tierwise.services.care import CareDate, care_dates
from tierwise.services.contacts import ContactCard, customer_contacts, customer_coverage
from tierwise.services.context import ServiceContext
from tierwise.services.customer_card import CustomerCard, OpportunityCard, customer_card
from tierwise.services.key_account_queues import key_account
from tierwise.services.key_accounts import KeyAccountView
from tierwise.services.run_history import HistoryEntry
from tierwise.store.models import Customer

CARE_WINDOW_DAYS = 30
CLOSED_STAGES = frozenset({"won", "lost", "closed", "closed_won", "closed_lost"})


@dataclass(frozen=True)
class VisitBrief:
    """Everything one page before a visit holds."""

    as_of: dt.date
    objective: str | None
    materials: str | None
    card: CustomerCard
    key_account: KeyAccountView | None
    to_meet: tuple[ContactCard, ...]  # the decision roles, then the supporters not met, then the others
    coverage: Coverage
    classes: tuple[HistoryEntry, ...]  # the latest class per policy, with its reasons
    open_opportunities: tuple[OpportunityCard, ...]
    care: tuple[CareDate, ...]  # birthdays and anniversaries in the window
    care_until: dt.date


def visit_brief(
    ctx: ServiceContext,
    customer_id: str,
    *,
    objective: str | None = None,
    materials: str | None = None,
    lang: Language | None = None,
) -> VisitBrief:
    """The brief for a visit to ``customer_id`` as of the context's today."""
    card = customer_card(ctx, customer_id, lang=lang)  # checks the permission and visibility
    today = ctx.now().date()
    people = customer_contacts(ctx, customer_id)
    cover = customer_coverage(ctx, customer_id)
    unmet = {p.name for p in cover.supporters_not_met}
    decision = {r.value for r in DECISION_ROLES}

    def rank(c: ContactCard) -> tuple[int, str]:
        if code_of(c.purchase_role) in decision:
            return (0, c.name)
        if c.name in unmet:
            return (1, c.name)
        return (2 if code_of(c.attitude) == Attitude.SUPPORTER else 3, c.name)

    latest: dict[str, HistoryEntry] = {}
    for entry in card.history:  # oldest first: the last one per policy wins
        latest[entry.policy] = entry
    until = today + dt.timedelta(days=CARE_WINDOW_DAYS)
    with ctx.store() as session:
        seen = visible_clause(ctx) & (Customer.customer_id == customer_id)
        care = tuple(care_dates(session, today, until, seen=seen))
    try:
        record = key_account(ctx, customer_id)
    except NotFoundError:
        record = None
    opportunities = tuple(
        o for o in card.opportunities if (o.stage or "").strip().lower().replace(" ", "_") not in CLOSED_STAGES
    )
    return VisitBrief(
        today,
        (objective or "").strip() or None,
        (materials or "").strip() or None,
        card,
        record,
        tuple(sorted(people, key=rank)),
        cover,
        tuple(latest.values()),
        opportunities,
        tuple(c for c in care if c.kind.value in ("birthday", "anniversary")),
        until,
    )
